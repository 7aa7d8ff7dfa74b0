import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { startService } from '../../src/main.ts';
import { sampleMemory, type MemoryFigures } from '../lib/memory.ts';
import { quantiles, type Quantiles } from '../mail/latency.ts';
import { benchConfig, type MailTarget } from '../mail/setup.ts';

export interface ChatInput extends MailTarget {
  kind: 'chat';
  /** Conversations played one after another (round trip with nobody else chatting). */
  sequential: number;
  /** Conversations played at once, and how many of them. */
  concurrent: number;
  /** Conversations held open at the same time, each with its event stream connected. */
  held: number;
}

export interface ChatResult {
  kind: 'chat';
  backend: MailTarget['backend'];
  /** POST /v1/chat/sessions (greeting included). */
  startMs: Quantiles;
  /** POST /v1/chat/sessions/:id/messages until the bot's answers are back: one visitor at a time. */
  roundTripMs: Quantiles;
  roundTrips: number;
  /** The same with `concurrent` visitors chatting at once. */
  concurrentRoundTripMs: Quantiles;
  concurrentRoundTrips: number;
  concurrent: number;
  /** Held conversations: opened, each with its SSE stream; then every one gets a message and its answer is seen on its stream. */
  held: number;
  heldOpenMs: number;
  /** How many held streams saw their bot answer arrive, and how long the whole round took. */
  heldDelivered: number;
  heldRoundMs: number;
  /** Resident memory per held conversation (stream included), from the RSS before and after opening them. */
  heldKbEach: number;
  memory: MemoryFigures;
}

/** Turns a visitor plays: need and budget, a knowledge question, a timeline, the authority, an email. */
const SCRIPTS: string[][] = [
  ['hi, we need to stop losing inbound leads, our SDRs cannot keep up', 'do you integrate with hubspot?', 'we want it live by end of next month', 'budget is about $30k', 'i am the VP of sales'],
  ['我们想找一个系统自动跟进官网线索', '支持中文吗？', '希望下个月上线', '预算大概20万', '我来拍板'],
  ['hello', 'is the data encrypted at rest?', 'we are evaluating tools for lead routing', 'asap, this quarter', 'not sure about budget yet'],
];

interface Session {
  session_id: string;
  token: string;
}

async function post<T>(url: string, body: unknown, token?: string): Promise<{ ms: number; body: T }> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status >= 300) throw new Error(`POST ${new URL(url).pathname} answered ${res.status}: ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) as T };
}

/** One visitor's whole conversation; returns the round trip of each message. */
async function converse(base: string, i: number, starts: number[]): Promise<number[]> {
  const script = SCRIPTS[i % SCRIPTS.length] as string[];
  const s = await post<Session>(`${base}/v1/chat/sessions`, { lang: i % SCRIPTS.length === 1 ? 'zh' : 'en', page: 'https://bench.test/pricing' });
  starts.push(s.ms);
  const out: number[] = [];
  for (const [turn, text] of [...script, `visitor${i}@bench-chat.test`].entries()) {
    const r = await post<{ messages: unknown[] }>(`${base}/v1/chat/sessions/${s.body.session_id}/messages`, { text }, s.body.token);
    if (turn < script.length && r.body.messages.length === 0) throw new Error('the bot did not answer');
    out.push(r.ms);
  }
  return out;
}

/** An open event stream: resolves `seen` when a bot message numbered above `after` arrives. */
function openStream(base: string, s: Session): Promise<{ close(): void; waitForBot(after: number): Promise<void> }> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let lastBot = 0;
    const waiters: { after: number; done: () => void }[] = [];
    const req = http.get(`${base}/v1/chat/sessions/${s.session_id}/events?token=${encodeURIComponent(s.token)}`, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`event stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!data || !/^event: message$/m.test(block)) continue;
          const m = JSON.parse(data) as { seq: number; from: string };
          if (m.from === 'bot') lastBot = Math.max(lastBot, m.seq);
          for (const w of waiters.splice(0)) if (lastBot > w.after) w.done();
          else waiters.push(w);
        }
      });
      resolve({
        close: () => req.destroy(),
        waitForBot: (after) => new Promise<void>((done) => (lastBot > after ? done() : waiters.push({ after, done }))),
      });
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
  });
}

export async function measureChat(input: ChatInput): Promise<ChatResult> {
  process.chdir(input.workDir);
  const config = benchConfig(input, { PORT: '0', HOST: '127.0.0.1', BATON_DEMO: 'off', BATON_CHAT_RATE_PER_MINUTE: '600', BATON_CHAT_SESSIONS_PER_HOUR: '100000', BATON_CHAT_MAX_MESSAGES: '1000' });
  const service = await startService(config);
  try {
    const base = service.url;
    const starts: number[] = [];
    // Warm-up: one of each script, untimed.
    for (let i = 0; i < SCRIPTS.length; i++) await converse(base, i, []);
    const memory = sampleMemory();
    const sequential: number[] = [];
    for (let i = 0; i < input.sequential; i++) sequential.push(...(await converse(base, i, starts)));
    const concurrent: number[] = [];
    for (let wave = 0; wave < 2; wave++) {
      const all = await Promise.all(Array.from({ length: input.concurrent }, (_, i) => converse(base, wave * input.concurrent + i, starts)));
      concurrent.push(...all.flat());
    }
    // Held conversations: open them all with their streams, then one message to each.
    (globalThis as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const held: { s: Session; stream: Awaited<ReturnType<typeof openStream>>; lastSeq: number }[] = [];
    for (let i = 0; i < input.held; i++) {
      const s = await post<Session & { messages: { seq: number }[] }>(`${base}/v1/chat/sessions`, { page: 'https://bench.test/held' });
      held.push({ s: s.body, stream: await openStream(base, s.body), lastSeq: s.body.messages.at(-1)?.seq ?? 1 });
    }
    const heldOpenMs = performance.now() - t0;
    (globalThis as { gc?: () => void }).gc?.();
    const heldKbEach = (process.memoryUsage().rss - rssBefore) / 1024 / Math.max(1, input.held);
    const r0 = performance.now();
    let delivered = 0;
    const batch = 25;
    for (let i = 0; i < held.length; i += batch) {
      await Promise.all(
        held.slice(i, i + batch).map(async (h) => {
          const seen = h.stream.waitForBot(h.lastSeq + 1);
          await post(`${base}/v1/chat/sessions/${h.s.session_id}/messages`, { text: 'we need better lead routing' }, h.s.token);
          await seen;
          delivered += 1;
        }),
      );
    }
    const heldRoundMs = performance.now() - r0;
    for (const h of held) h.stream.close();
    return {
      kind: 'chat',
      backend: input.backend,
      startMs: quantiles(starts),
      roundTripMs: quantiles(sequential),
      roundTrips: sequential.length,
      concurrentRoundTripMs: quantiles(concurrent),
      concurrentRoundTrips: concurrent.length,
      concurrent: input.concurrent,
      held: input.held,
      heldOpenMs,
      heldDelivered: delivered,
      heldRoundMs,
      heldKbEach,
      memory: memory.stop(),
    };
  } finally {
    await service.stop('bench done');
  }
}
