import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createChatHarness, type ChatHarness } from '../../../testing/chat.ts';
import { buildHttpServer } from '../server.ts';
import { auth, json, TEST_API_KEY, testConfig } from '../test-support.ts';
import { chatRoutes } from './chat.ts';

/** Reads server-sent events from a stream until `until` says enough, or the time runs out. */
function readEvents(url: string, headers: Record<string, string>, until: (events: { event: string; id?: string; data: unknown }[]) => boolean): Promise<{ status: number; events: { event: string; id?: string; data: unknown }[]; contentType: string }> {
  return new Promise((resolvePromise, reject) => {
    const events: { event: string; id?: string; data: unknown }[] = [];
    const req = http.get(url, { headers }, (res) => {
      let buffer = '';
      const finish = (): void => {
        req.destroy();
        resolvePromise({ status: res.statusCode ?? 0, events, contentType: String(res.headers['content-type']) });
      };
      if (res.statusCode !== 200) {
        res.resume();
        res.on('end', finish);
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const e: { event: string; id?: string; data: unknown } = { event: 'message', data: null };
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (!data) continue;
          e.data = JSON.parse(data);
          events.push(e);
          if (until(events)) finish();
        }
      });
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    setTimeout(() => {
      req.destroy();
      reject(new Error(`no matching events in time; got ${JSON.stringify(events)}`));
    }, 8000).unref();
  });
}

describe('chat over HTTP', () => {
  let c: ChatHarness;
  let server: FastifyInstance;
  let url: string;

  beforeEach(async () => {
    c = await createChatHarness({ settings: { maxMessageChars: 200, visitorRate: { perMinute: 60, burst: 4 } } });
    server = await buildHttpServer(c.h.deps, testConfig({ BATON_API_KEY: TEST_API_KEY }), { routes: [chatRoutes(c.deps, { allowedOrigins: ['https://www.acme.test'], heartbeatMs: 50 })] });
    url = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    await server.close();
    await c.close();
  });

  async function start(body: unknown = {}): Promise<{ session_id: string; token: string; messages: { from: string; text: string }[] }> {
    const res = await server.inject({ method: 'POST', url: '/v1/chat/sessions', headers: json, payload: JSON.stringify(body) });
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  it('opens a session, answers messages with the bot replies, and shows the team the transcript with its qualification', async () => {
    const s = await start({ lang: 'en', page: 'https://www.acme.test/pricing' });
    expect(s.messages).toEqual([expect.objectContaining({ from: 'bot', text: expect.stringContaining('What brings you here today?') })]);
    const res = await server.inject({ method: 'POST', url: `/v1/chat/sessions/${s.session_id}/messages`, headers: { ...json, authorization: `Bearer ${s.token}` }, payload: JSON.stringify({ text: 'We need better lead routing; budget is $30k' }) });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { messages: { from: string; text: string }[] };
    expect(body.messages.length).toBeGreaterThan(0);
    expect(body.messages.every((m) => m.from === 'bot')).toBe(true);
    expect(JSON.stringify(body)).not.toMatch(/score|bant|evidence/i);

    expect((await server.inject({ method: 'GET', url: `/v1/chat/sessions/${s.session_id}` })).statusCode).toBe(401);
    const team = await server.inject({ method: 'GET', url: `/v1/chat/sessions/${s.session_id}`, headers: auth });
    expect(team.statusCode).toBe(200);
    const t = team.json() as { lead_id: string | null; qualification: { bant: { budget: { status: string; evidence: string } } }; messages: unknown[] };
    expect(t.lead_id).toBeNull();
    expect(t.qualification.bant.budget).toMatchObject({ status: 'met', evidence: expect.stringContaining('$30k') });
    expect(t.messages.length).toBe(1 + 1 + body.messages.length);
  });

  it('refuses bad input with clear errors', async () => {
    const s = await start();
    const post = (payload: string, headers: Record<string, string> = { ...json, authorization: `Bearer ${s.token}` }, id = s.session_id) =>
      server.inject({ method: 'POST', url: `/v1/chat/sessions/${id}/messages`, headers, payload });
    expect((await post(JSON.stringify({ text: 'hi' }), json)).json()).toMatchObject({ error: { code: 'CHAT_TOKEN_INVALID' } });
    expect((await post(JSON.stringify({ text: 'hi' }), { ...json, authorization: 'Bearer 123.abc' })).statusCode).toBe(401);
    expect((await post('{"text":')).json()).toMatchObject({ error: { code: 'INVALID_JSON' } });
    expect((await post(JSON.stringify({ text: 'hi', html: '<b>' }))).statusCode).toBe(400);
    const long = await post(JSON.stringify({ text: 'x'.repeat(201) }));
    expect(long.statusCode).toBe(413);
    expect(long.json()).toMatchObject({ error: { code: 'CHAT_MESSAGE_TOO_LONG', message: 'the message is 201 characters; the limit is 200' } });
    expect((await post(JSON.stringify({ text: 'hi' }), undefined, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(401);
    expect((await server.inject({ method: 'POST', url: '/v1/chat/sessions', headers: json, payload: JSON.stringify({ lang: 'de' }) })).json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { lang: ['must be "en" or "zh"'] } } });
    expect((await server.inject({ method: 'DELETE', url: `/v1/chat/sessions/${s.session_id}/messages` })).statusCode).toBe(405);
    // The rate limit: 4 at once, then 429 with Retry-After.
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await post(JSON.stringify({ text: `message ${i}` }))).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 429]);
    const limited = await post(JSON.stringify({ text: 'again' }));
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.json()).toMatchObject({ error: { code: 'CHAT_RATE_LIMITED' } });
  });

  it('answers CORS preflights for allowed sites only', async () => {
    const ok = await server.inject({ method: 'OPTIONS', url: '/v1/chat/sessions', headers: { origin: 'https://www.acme.test', 'access-control-request-method': 'POST' } });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://www.acme.test');
    expect(ok.headers['access-control-allow-headers']).toContain('authorization');
    const no = await server.inject({ method: 'OPTIONS', url: '/v1/chat/sessions', headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' } });
    expect(no.statusCode).toBe(403);
    const post = await server.inject({ method: 'POST', url: '/v1/chat/sessions', headers: { ...json, origin: 'https://evil.test' }, payload: '{}' });
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('streams what arrives later over SSE: the history after Last-Event-ID, a takeover, the person typing and replying', async () => {
    const s = await start();
    await server.inject({ method: 'POST', url: `/v1/chat/sessions/${s.session_id}/messages`, headers: { ...json, authorization: `Bearer ${s.token}` }, payload: JSON.stringify({ text: 'can I talk to a human?' }) });
    const stream = readEvents(`${url}/v1/chat/sessions/${s.session_id}/events?token=${encodeURIComponent(s.token)}`, { 'last-event-id': '1' }, (ev) => ev.some((e) => e.event === 'message' && (e.data as { from: string }).from === 'agent'));
    // Give the stream a moment to attach before the person acts.
    await new Promise((r) => setTimeout(r, 200));
    const who = { ...auth, ...json, 'x-baton-user': 'U1' };
    expect((await server.inject({ method: 'POST', url: `/v1/chat/sessions/${s.session_id}/takeover`, headers: who, payload: '{}' })).json()).toMatchObject({ mode: 'human', taken_by: 'user:U1' });
    expect((await server.inject({ method: 'POST', url: `/v1/chat/sessions/${s.session_id}/typing`, headers: who, payload: '{}' })).statusCode).toBe(204);
    const sent = await server.inject({ method: 'POST', url: `/v1/chat/sessions/${s.session_id}/replies`, headers: who, payload: JSON.stringify({ text: 'Hi, this is Ana <b>from</b> the team' }) });
    expect(sent.statusCode).toBe(201);
    const { status, events, contentType } = await stream;
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/event-stream/);
    const messages = events.filter((e) => e.event === 'message').map((e) => e.data as { seq: number; from: string; text: string });
    // Seq 1 (the greeting) was before Last-Event-ID: only what came after it, in order, each once.
    expect(messages.map((m) => m.seq)).toEqual([...messages.map((m) => m.seq)].sort((a, b) => a - b));
    expect(messages[0]?.seq).toBe(2);
    expect(new Set(messages.map((m) => m.seq)).size).toBe(messages.length);
    expect(messages.at(-1)).toMatchObject({ from: 'agent', text: 'Hi, this is Ana <b>from</b> the team' });
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['mode', 'typing']));

    // A visitor who reconnects while the person has the chat is told so first.
    const again = await readEvents(`${url}/v1/chat/sessions/${s.session_id}/events?token=${encodeURIComponent(s.token)}`, { 'last-event-id': String(messages.at(-1)?.seq ?? 0) }, (ev) => ev.length > 0);
    expect(again.events[0]).toMatchObject({ event: 'mode', data: { human: true } });
    expect((await server.inject({ method: 'GET', url: `/v1/chat/sessions/${s.session_id}`, headers: auth })).json()).toMatchObject({ mode: 'human', candidate_id: null });
    expect((await readEvents(`${url}/v1/chat/sessions/${s.session_id}/events?token=nope`, {}, () => true)).status).toBe(401);
    const noUser = await server.inject({ method: 'POST', url: `/v1/chat/sessions/${s.session_id}/release`, headers: { ...auth, ...json }, payload: '{}' });
    expect(noUser.json()).toMatchObject({ error: { code: 'USER_REQUIRED' } });
    const notSdr = await server.inject({ method: 'POST', url: `/v1/chat/sessions/${s.session_id}/replies`, headers: { ...auth, ...json, 'x-baton-user': 'UA1' }, payload: JSON.stringify({ text: 'hi' }) });
    expect(notSdr.statusCode).toBe(403);
    const other = await server.inject({ method: 'POST', url: `/v1/chat/sessions/${s.session_id}/replies`, headers: { ...auth, ...json, 'x-baton-user': 'U2' }, payload: JSON.stringify({ text: 'hi' }) });
    expect(other.statusCode).toBe(409);
    const list = await server.inject({ method: 'GET', url: '/v1/chats?mode=human', headers: auth });
    expect((list.json() as { chats: { id: string; takenBy: string }[] }).chats).toEqual([expect.objectContaining({ id: s.session_id, takenBy: 'user:U1' })]);
  });

  it('serves the widget and the demo page with a strict policy', async () => {
    const page = await server.inject({ method: 'GET', url: '/chat' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<script src="/chat/widget.js"');
    const js = await server.inject({ method: 'GET', url: '/chat/widget.js' });
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.body).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write/);
    expect((await server.inject({ method: 'GET', url: '/chat/../package.json' })).statusCode).toBe(404);
  });
});
