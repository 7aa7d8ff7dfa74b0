import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { listChatSessions } from '../../db/store/chat.ts';
import type { ChatDeps } from '../../../app/chat/deps.ts';
import type { ChatEvent } from '../../../app/chat/hub.ts';
import { ChatError, checkVisitorToken, getTranscript, postVisitorMessage, publicMessage, startChat, visitorMessagesSince, visitorSessionMode, type PublicMessage } from '../../../app/chat/sessions.ts';
import { agentReply, agentTyping, releaseChat, takeOverChat } from '../../../app/chat/takeover.ts';
import type { Caller } from '../auth.ts';
import { allowOnly, HttpError, sendError } from '../errors.ts';
import { parseObject } from '../parse.ts';

/**
 * The website chat over HTTP. Public, for the visitor's widget (cross-origin, authenticated by the
 * session token): POST /v1/chat/sessions, POST /v1/chat/sessions/:id/messages, GET
 * /v1/chat/sessions/:id/events (server-sent events). For the team, behind the API key: GET
 * /v1/chat/sessions/:id (transcript and qualification), GET /v1/chats, and the takeover: POST
 * /v1/chat/sessions/:id/takeover | release | replies | typing (the person named by X-Baton-User).
 * Also the widget's script and the demo page (GET /chat).
 */

export interface ChatRouteOptions {
  /** Origins allowed to call the visitor API from a browser ('*': any site). */
  readonly allowedOrigins: readonly string[] | '*';
  /** How often an idle event stream gets a keep-alive comment. */
  readonly heartbeatMs?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PERSON_ID = /^[A-Za-z0-9._-]{1,64}$/;

const dir = new URL('../chat/', import.meta.url);
const read = (name: string): Buffer => readFileSync(new URL(name, dir));
const ASSETS: Readonly<Record<string, { type: string; body: Buffer }>> = {
  'widget.js': { type: 'text/javascript; charset=utf-8', body: read('widget.js') },
  'widget.css': { type: 'text/css; charset=utf-8', body: read('widget.css') },
};
const DEMO_PAGE = read('demo.html');

const PAGE_CSP = ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');

const StartBody = z
  .object({
    lang: z.unknown().optional(),
    email: z.unknown().optional(),
    page: z.unknown().optional(),
  })
  .strict();
const TextBody = z.object({ text: z.unknown() }).strict();
const ListQuery = z
  .object({
    mode: z.enum(['bot', 'human'], { error: 'must be "bot" or "human"' }).optional(),
    hours: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1' }).max(24 * 90, { error: 'must be at most 2160 (90 days)' }).default(24),
    limit: z.coerce.number({ error: 'must be a number' }).int().min(1).max(500, { error: 'must be at most 500' }).default(100),
  })
  .strip();

function sessionIdOf(request: FastifyRequest<{ Params: { id: string } }>): string {
  const { id } = request.params;
  if (!UUID.test(id)) throw new HttpError(404, 'NOT_FOUND', 'there is no such chat session');
  return id.toLowerCase();
}

function bearer(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  if (m?.[1]) return m[1];
  // EventSource cannot send headers: the event stream also takes the token as a query parameter.
  const q = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' ? q : null;
}

function actorOf(request: FastifyRequest): string {
  const header = request.headers['x-baton-user'];
  const id = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (!id) throw new HttpError(400, 'USER_REQUIRED', 'a takeover is done by a person: send "X-Baton-User: <id>" with their id from the team file');
  if (!PERSON_ID.test(id)) throw new HttpError(400, 'BAD_USER', 'X-Baton-User must be a person id from the team file (letters, digits, . _ -), e.g. U0123ABC or ana');
  return `user:${id}`;
}

/** The chat's errors with their statuses: limits 429 (with Retry-After) or 413, tokens 401, takeovers 409/403. */
function chatError(e: unknown): { status: number; code: string; message: string; headers: Record<string, string> } | undefined {
  if (!(e instanceof ChatError)) return undefined;
  const status = { CHAT_RATE_LIMITED: 429, CHAT_CONVERSATION_FULL: 429, CHAT_MESSAGE_TOO_LONG: 413, CHAT_TOKEN_INVALID: 401, CHAT_TAKEN: 409, CHAT_NOT_ALLOWED: 403 }[e.code] ?? 400;
  const headers: Record<string, string> = e.retryAfterMs !== null ? { 'retry-after': String(Math.max(1, Math.ceil(e.retryAfterMs / 1000))) } : {};
  return { status, code: e.code, message: e.message, headers };
}

/** The chat's own errors get their statuses in this scope; everything else goes on to the server's one handler. */
function answerChatErrors(app: FastifyInstance): void {
  app.setErrorHandler(async (e: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = chatError(e);
    if (!mapped) throw e;
    request.errorCode = mapped.code;
    return sendError(reply, { status: mapped.status, body: { error: { code: mapped.code, message: mapped.message } }, headers: mapped.headers });
  });
}

/** Writes one server-sent event. */
function writeEvent(res: ServerResponse, event: string, data: unknown, id?: number): void {
  res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function chatRoutes(deps: ChatDeps, options: ChatRouteOptions): (guard: (request: FastifyRequest) => Caller) => FastifyPluginAsync {
  return (guard) => async (app) => {
    await app.register(async (scope) => visitorApi(scope, deps, options));
    await app.register(async (scope) => teamApi(scope, deps, guard));
    await app.register(async (scope) => assets(scope));
  };
}

function allowOrigin(options: ChatRouteOptions, origin: string | undefined): string | null {
  if (options.allowedOrigins === '*') return '*';
  return origin && options.allowedOrigins.includes(origin) ? origin : null;
}

async function visitorApi(app: FastifyInstance, deps: ChatDeps, options: ChatRouteOptions): Promise<void> {
  const streams = new Set<ServerResponse>();
  app.addHook('onRequest', async (request, reply) => {
    const origin = allowOrigin(options, request.headers.origin);
    if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'origin');
  });
  answerChatErrors(app);
  // Streams end when the server closes, so that close() does not wait for visitors to leave.
  app.addHook('onClose', async () => {
    for (const res of streams) res.end();
  });

  const preflight = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!allowOrigin(options, request.headers.origin)) throw new HttpError(403, 'ORIGIN_NOT_ALLOWED', 'this site may not use the chat (BATON_CHAT_ORIGINS)');
    return reply
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-allow-headers', 'authorization, content-type, last-event-id')
      .header('access-control-max-age', '600')
      .code(204)
      .send();
  };
  app.options('/v1/chat/sessions', preflight);
  app.options('/v1/chat/sessions/:id/messages', preflight);
  app.options('/v1/chat/sessions/:id/events', preflight);

  app.post('/v1/chat/sessions', async (request, reply) => {
    const body = request.body === undefined || request.body === null ? {} : parseObject(StartBody, request.body, 'chat session');
    const started = await startChat(deps, body, request.ip);
    return reply.code(201).send(started);
  });

  app.post<{ Params: { id: string } }>('/v1/chat/sessions/:id/messages', async (request) => {
    const id = sessionIdOf(request);
    checkVisitorToken(deps, id, bearer(request));
    const body = parseObject(TextBody, request.body, 'message');
    return postVisitorMessage(deps, id, body.text);
  });

  app.get<{ Params: { id: string }; Querystring: { after?: string; token?: string } }>('/v1/chat/sessions/:id/events', async (request, reply) => {
    const id = sessionIdOf(request);
    checkVisitorToken(deps, id, bearer(request));
    const lastHeader = request.headers['last-event-id'];
    const afterRaw = (Array.isArray(lastHeader) ? lastHeader[0] : lastHeader) ?? request.query.after ?? '0';
    const after = /^\d{1,9}$/.test(String(afterRaw)) ? Number(afterRaw) : 0;
    // Listen before reading what was missed, so nothing falls between the two; skip what was sent.
    let sent = after;
    const pending: ChatEvent[] = [];
    let live = false;
    const res = reply.raw;
    const deliver = (event: ChatEvent): void => {
      if (!live) {
        pending.push(event);
        return;
      }
      if (event.type === 'message') {
        if (event.message.seq <= sent) return;
        sent = event.message.seq;
        writeEvent(res, 'message', publicMessage(event.message), event.message.seq);
      } else if (event.type === 'typing') writeEvent(res, 'typing', { from: event.from });
      else writeEvent(res, 'mode', { human: event.mode === 'human' });
    };
    const unsubscribe = deps.hub.subscribe(id, deliver);
    let missed: PublicMessage[];
    try {
      missed = await visitorMessagesSince(deps, id, after);
    } catch (e) {
      unsubscribe();
      throw e;
    }
    reply.hijack();
    const headers: Record<string, string> = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' };
    const origin = allowOrigin(options, request.headers.origin);
    if (origin) headers['access-control-allow-origin'] = origin;
    res.writeHead(200, headers);
    res.write('retry: 3000\n\n');
    // A visitor who reconnects while a person has the chat is told so at once.
    if (await visitorSessionMode(deps, id) === 'human') writeEvent(res, 'mode', { human: true });
    for (const m of missed) {
      if (m.seq <= sent) continue;
      sent = m.seq;
      writeEvent(res, 'message', m, m.seq);
    }
    live = true;
    for (const e of pending.splice(0)) deliver(e);
    streams.add(res);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
    heartbeat.unref();
    const stop = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    res.on('close', stop);
    res.on('error', stop);
  });

  allowOnly(app, '/v1/chat/sessions', ['POST', 'OPTIONS']);
  allowOnly(app, '/v1/chat/sessions/:id/messages', ['POST', 'OPTIONS']);
  allowOnly(app, '/v1/chat/sessions/:id/events', ['GET', 'OPTIONS']);
}

async function teamApi(app: FastifyInstance, deps: ChatDeps, guard: (request: FastifyRequest) => Caller): Promise<void> {
  app.addHook('onRequest', async (request) => {
    guard(request);
  });
  answerChatErrors(app);

  app.get<{ Params: { id: string } }>('/v1/chat/sessions/:id', async (request) => getTranscript(deps, sessionIdOf(request)));

  app.get('/v1/chats', async (request) => {
    const q = parseObject(ListQuery, request.query ?? {}, 'query');
    const since = new Date(deps.clock.now().getTime() - q.hours * 3_600_000);
    const chats = await listChatSessions(deps.db, { since, limit: q.limit, ...(q.mode ? { mode: q.mode } : {}) });
    return { chats: chats.map((c) => ({ ...c, lastVisitorAt: c.lastVisitorAt?.toISOString() ?? null, updatedAt: c.updatedAt.toISOString() })) };
  });

  app.post<{ Params: { id: string } }>('/v1/chat/sessions/:id/takeover', async (request) => takeOverChat(deps, sessionIdOf(request), actorOf(request)));
  app.post<{ Params: { id: string } }>('/v1/chat/sessions/:id/release', async (request) => releaseChat(deps, sessionIdOf(request), actorOf(request)));
  app.post<{ Params: { id: string } }>('/v1/chat/sessions/:id/typing', async (request, reply) => {
    await agentTyping(deps, sessionIdOf(request), actorOf(request));
    return reply.code(204).send();
  });
  app.post<{ Params: { id: string } }>('/v1/chat/sessions/:id/replies', async (request, reply) => {
    const id = sessionIdOf(request);
    const actor = actorOf(request);
    const body = parseObject(TextBody, request.body, 'reply');
    const message = await agentReply(deps, id, actor, body.text);
    return reply.code(201).send({ message: { ...publicMessage(message), by: message.by } });
  });

  allowOnly(app, '/v1/chat/sessions/:id', ['GET']);
  allowOnly(app, '/v1/chats', ['GET']);
  for (const action of ['takeover', 'release', 'typing', 'replies']) allowOnly(app, `/v1/chat/sessions/:id/${action}`, ['POST']);
}

async function assets(app: FastifyInstance): Promise<void> {
  const secure = (reply: FastifyReply): FastifyReply => reply.header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache');
  app.get('/chat', async (_request, reply) =>
    secure(reply).header('content-security-policy', PAGE_CSP).header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY').type('text/html; charset=utf-8').send(DEMO_PAGE),
  );
  app.get<{ Params: { name: string } }>('/chat/:name', async (request, reply) => {
    const asset = Object.hasOwn(ASSETS, request.params.name) ? ASSETS[request.params.name] : undefined;
    if (!asset) throw new HttpError(404, 'NOT_FOUND', `the chat has no asset ${request.params.name.slice(0, 100)}`);
    // The widget is loaded by other sites: it may be fetched cross-origin.
    return secure(reply).header('access-control-allow-origin', '*').type(asset.type).send(asset.body);
  });
  allowOnly(app, '/chat', ['GET']);
  allowOnly(app, '/chat/:name', ['GET']);
}
