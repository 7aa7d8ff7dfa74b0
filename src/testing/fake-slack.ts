import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { signSlackRequest } from '../adapters/slack/signature.ts';

/**
 * A local fake of the Slack Web API for tests: http://127.0.0.1:<port>/api/<method>. It answers the
 * methods the desk uses, records every call (method, parsed arguments, token), and can be told to
 * fail the next calls of a method (a 429 with Retry-After, or an `ok: false` error such as
 * is_archived). With it, `SlackSender` signs and POSTs interactions, events and slash commands to a
 * service's POST /slack/events the way Slack does.
 */

export interface FakeSlackCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  readonly token: string | null;
}

type Failure = { readonly kind: 'rate_limited'; readonly retryAfterSec: number } | { readonly kind: 'error'; readonly error: string };

export interface FakeSlack {
  /** Base URL ending in /api/, for SLACK_API_URL. */
  readonly url: string;
  readonly calls: FakeSlackCall[];
  /** The calls of one method, in order. */
  callsOf(method: string): FakeSlackCall[];
  /** The next `times` calls of `method` answer HTTP 429 with Retry-After. */
  rateLimitNext(method: string, retryAfterSec: number, times?: number): void;
  /** The next `times` calls of `method` answer { ok: false, error }. */
  failNext(method: string, error: string, times?: number): void;
  /** Members of a user group, for usergroups.users.list. */
  setGroupMembers(groupId: string, users: readonly string[]): void;
  close(): Promise<void>;
}

export const FAKE_BOT_USER_ID = 'UBOT';
export const FAKE_BOT_ID = 'BBOT';
export const FAKE_TEAM_ID = 'T0FAKE';

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: FakeSlackCall[] = [];
  const failures = new Map<string, Failure[]>();
  const groups = new Map<string, string[]>();
  let seq = 0;
  const nextTs = () => `1700000000.${String(++seq).padStart(6, '0')}`;

  const answer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.test/', team: 'Fake', user: 'baton', team_id: FAKE_TEAM_ID, user_id: FAKE_BOT_USER_ID, bot_id: FAKE_BOT_ID };
      case 'chat.postMessage': {
        const ts = nextTs();
        return { ok: true, channel: args.channel, ts, message: { ts, text: args.text, blocks: args.blocks } };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'chat.getPermalink':
        return { ok: true, channel: args.channel, permalink: `https://fake.slack.test/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}` };
      case 'conversations.open': {
        const users = String(args.users ?? '');
        return { ok: true, channel: { id: `D${users.replace(/,/g, '')}` } };
      }
      case 'views.open':
      case 'views.publish':
      case 'views.update':
      case 'views.push':
        return { ok: true, view: { id: `V${++seq}`, ...(typeof args.view === 'object' && args.view ? (args.view as object) : {}) } };
      case 'usergroups.users.list': {
        const users = groups.get(String(args.usergroup ?? ''));
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      default:
        return { ok: true };
    }
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const args = parseArgs(Buffer.concat(chunks).toString('utf8'), String(req.headers['content-type'] ?? ''));
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : null;
      delete args.token;
      calls.push({ method, args, token });
      const queue = failures.get(method);
      const failure = queue?.shift();
      if (failure?.kind === 'rate_limited') {
        res.writeHead(429, { 'retry-after': String(failure.retryAfterSec), 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      const body = failure?.kind === 'error' ? { ok: false, error: failure.error } : answer(method, args);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const push = (method: string, f: Failure, times: number) => {
    const q = failures.get(method) ?? [];
    for (let i = 0; i < times; i++) q.push(f);
    failures.set(method, q);
  };
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    rateLimitNext: (method, retryAfterSec, times = 1) => push(method, { kind: 'rate_limited', retryAfterSec }, times),
    failNext: (method, error, times = 1) => push(method, { kind: 'error', error }, times),
    setGroupMembers: (groupId, users) => void groups.set(groupId, [...users]),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** The Web API client sends forms whose object fields (blocks, view) are JSON strings. */
function parseArgs(text: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parseQuery(text))) {
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string' && /^[[{]/.test(s)) {
      try {
        out[k] = JSON.parse(s);
        continue;
      } catch {
        // not JSON after all: keep the string
      }
    }
    out[k] = s;
  }
  return out;
}

export interface SlackPostResult {
  readonly status: number;
  readonly body: unknown;
}

/** Signs and POSTs requests to a service's /slack/events the way Slack does. */
export class SlackSender {
  constructor(
    private readonly endpoint: string,
    private readonly secret: string,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** POSTs a raw body; `sign` overrides the timestamp, the secret or the signature itself. */
  async post(
    raw: string,
    contentType: string,
    sign: { timestampSec?: number; secret?: string; signature?: string; headers?: Record<string, string> } = {},
  ): Promise<SlackPostResult> {
    const ts = sign.timestampSec ?? Math.floor(this.now() / 1000);
    const signature = sign.signature ?? signSlackRequest(sign.secret ?? this.secret, ts, raw);
    const res = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature, ...sign.headers },
      body: raw,
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : '';
    } catch {
      // a plain-text answer
    }
    return { status: res.status, body };
  }

  /** An interaction (block_actions, view_submission): a form with the JSON in `payload`. */
  interaction(payload: Record<string, unknown>, sign?: Parameters<SlackSender['post']>[2]): Promise<SlackPostResult> {
    return this.post(`payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded', sign);
  }

  /** An Events API callback (JSON). */
  event(body: Record<string, unknown>, sign?: Parameters<SlackSender['post']>[2]): Promise<SlackPostResult> {
    return this.post(JSON.stringify(body), 'application/json', sign);
  }

  /** A slash command: a plain form. */
  command(fields: Record<string, string>, sign?: Parameters<SlackSender['post']>[2]): Promise<SlackPostResult> {
    return this.post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', sign);
  }
}

let counter = 0;
const uniq = () => `${Date.now()}.${++counter}`;

/**
 * A button click on a message, as Slack sends it. `message` adds what Slack sends of the clicked
 * message (its blocks and text, and its thread when it is a reply).
 */
export function blockAction(input: {
  user: string;
  actionId: string;
  value: string;
  channel?: string;
  ts?: string;
  triggerId?: string;
  message?: { blocks?: unknown; text?: string; threadTs?: string };
}): Record<string, unknown> {
  const m = input.message;
  return {
    type: 'block_actions',
    team: { id: FAKE_TEAM_ID },
    user: { id: input.user, team_id: FAKE_TEAM_ID },
    api_app_id: 'AFAKE',
    token: 'legacy-verification-token',
    trigger_id: input.triggerId ?? `trigger.${uniq()}`,
    container: input.channel ? { type: 'message', channel_id: input.channel, message_ts: input.ts } : { type: 'view' },
    ...(input.channel
      ? { channel: { id: input.channel }, message: { ts: input.ts, type: 'message', ...(m?.text !== undefined ? { text: m.text } : {}), ...(m?.blocks ? { blocks: m.blocks } : {}), ...(m?.threadTs ? { thread_ts: m.threadTs } : {}) } }
      : {}),
    actions: [{ type: 'button', action_id: input.actionId, block_id: 'desk.card', value: input.value, action_ts: uniq() }],
  };
}

/** A modal submission; `values` maps block_id -> the element's state under action_id "value". */
export function viewSubmission(input: { user: string; callbackId: string; privateMetadata: string; values: Record<string, Record<string, unknown>> }): Record<string, unknown> {
  const state = Object.fromEntries(Object.entries(input.values).map(([block, v]) => [block, { value: v }]));
  return {
    type: 'view_submission',
    team: { id: FAKE_TEAM_ID },
    user: { id: input.user, team_id: FAKE_TEAM_ID },
    api_app_id: 'AFAKE',
    token: 'legacy-verification-token',
    trigger_id: `trigger.${uniq()}`,
    view: { id: `V.${uniq()}`, type: 'modal', callback_id: input.callbackId, private_metadata: input.privateMetadata, state: { values: state }, team_id: FAKE_TEAM_ID, app_id: 'AFAKE', bot_id: FAKE_BOT_ID },
  };
}

/** A `/baton ...` slash command. */
export function slashCommand(input: { user: string; text: string; channel?: string }): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM_ID,
    channel_id: input.channel ?? 'C0DESK',
    user_id: input.user,
    command: '/baton',
    text: input.text,
    response_url: 'http://127.0.0.1:9/unused',
    trigger_id: `trigger.${uniq()}`,
    api_app_id: 'AFAKE',
  };
}

/** The app_home_opened event callback. */
export function appHomeOpened(user: string, eventId = `Ev${uniq().replace('.', '')}`): Record<string, unknown> {
  return {
    type: 'event_callback',
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM_ID,
    api_app_id: 'AFAKE',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: uniq() },
    authorizations: [{ team_id: FAKE_TEAM_ID, user_id: FAKE_BOT_USER_ID, is_bot: true }],
  };
}

/**
 * A `message` event in a channel (Events API, message.channels): by a person (`user`) or a bot
 * (`botId`), in a thread when `threadTs` is given, with a subtype such as message_changed.
 */
export function channelMessage(input: { channel: string; text: string; user?: string; botId?: string; threadTs?: string; ts?: string; subtype?: string; eventId?: string }): Record<string, unknown> {
  const ts = input.ts ?? `1700001000.${String(++counter).padStart(6, '0')}`;
  return {
    type: 'event_callback',
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM_ID,
    api_app_id: 'AFAKE',
    event_id: input.eventId ?? `Ev${uniq().replace('.', '')}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'message',
      channel: input.channel,
      channel_type: 'channel',
      text: input.text,
      ts,
      event_ts: ts,
      ...(input.user ? { user: input.user } : {}),
      ...(input.botId ? { bot_id: input.botId, user: FAKE_BOT_USER_ID } : {}),
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      ...(input.subtype ? { subtype: input.subtype } : {}),
    },
    authorizations: [{ team_id: FAKE_TEAM_ID, user_id: FAKE_BOT_USER_ID, is_bot: true }],
  };
}
