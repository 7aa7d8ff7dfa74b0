import { parse as parseQuery } from 'node:querystring';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log.ts';
import { ReplayGuard, SlackSignatureError, verifySlackSignature } from './signature.ts';

/** Slack resends an event it got no 200 for; remember handled event ids this long. */
const RETRY_MEMORY_MS = 60 * 60_000;

/**
 * A Bolt Receiver fed by Fastify: POST /slack/events on the service's own port. Transport only:
 * verify the signature (timing-safe; stale and replayed requests refused), answer url_verification,
 * drop Slack's retries of events already handled, then hand the body to Bolt and answer with what the
 * listener acked. The answer goes out as soon as the listener acks (Slack waits 3 seconds at most);
 * the listener's work goes on, and `settled()` waits for it (tests, shutdown).
 */
export class FastifyReceiver implements Receiver {
  private app: App | undefined;
  private readonly guard = new ReplayGuard();
  private readonly handledEvents = new Map<string, number>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: { signingSecret: string; logger: Logger; now: () => number }) {}

  init(app: App): void {
    this.app = app;
  }

  // The HTTP server is the service's: nothing to start or stop here.
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    await this.settled();
  }

  /** Resolves when every request handed to Bolt so far has finished its listeners. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The Fastify plugin serving POST /slack/events (register it encapsulated: it brings its own body parsers). */
  plugin(): FastifyPluginAsync {
    return async (fastify) => {
      // Signatures cover the raw bytes, so this context keeps bodies as buffers.
      for (const type of ['application/json', 'application/x-www-form-urlencoded']) {
        if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
        fastify.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
      }
      fastify.post('/slack/events', async (request, reply) => this.handle(request, reply));
    };
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const contentType = String(request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const nowMs = this.options.now();
    let body: Record<string, unknown>;
    try {
      if (contentType === 'application/x-www-form-urlencoded' && parseQuery(raw.toString('utf8')).ssl_check === '1') {
        return reply.code(200).send();
      }
      verifySlackSignature({
        secret: this.options.signingSecret,
        rawBody: raw,
        timestamp: header(request, 'x-slack-request-timestamp'),
        signature: header(request, 'x-slack-signature'),
        nowMs,
        guard: this.guard,
      });
      body = parseBody(raw, contentType);
    } catch (e) {
      if (e instanceof SlackSignatureError) {
        this.options.logger.warn({ reason: e.reason }, 'slack: refused a request to /slack/events');
        return reply.code(401).send({ error: { code: e.code, message: e.message } });
      }
      return reply.code(400).send({ error: { code: 'SLACK_BAD_BODY', message: 'the request body is not a Slack payload (JSON, or a form with payload=)' } });
    }

    if (body.type === 'url_verification') return reply.code(200).send({ challenge: body.challenge });

    const retryNum = Number(header(request, 'x-slack-retry-num') ?? NaN);
    const eventId = typeof body.event_id === 'string' ? body.event_id : null;
    if (eventId) {
      this.forgetOldEvents(nowMs);
      if (this.handledEvents.has(eventId)) {
        // Slack retried an event we already took (our first answer was slow or lost): say so, do nothing.
        return reply.code(200).header('x-slack-no-retry', '1').send();
      }
      this.handledEvents.set(eventId, nowMs + RETRY_MEMORY_MS);
    }

    const app = this.app;
    if (!app) return reply.code(503).send({ error: { code: 'SLACK_NOT_READY', message: 'the Slack app is not initialised yet' } });

    let answer!: (value: { status: number; body: unknown }) => void;
    const answered = new Promise<{ status: number; body: unknown }>((resolve) => (answer = resolve));
    let acked = false;
    const event: ReceiverEvent = {
      body,
      ...(Number.isFinite(retryNum) ? { retryNum } : {}),
      ...(typeof request.headers['x-slack-retry-reason'] === 'string' ? { retryReason: request.headers['x-slack-retry-reason'] } : {}),
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        answer({ status: 200, body: response ?? '' });
      },
    };
    const work = app
      .processEvent(event)
      .then(() => answer({ status: 200, body: '' }))
      .catch((e: unknown) => {
        this.options.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'slack: a listener failed');
        if (eventId) this.handledEvents.delete(eventId); // let Slack's retry try again
        answer({ status: 500, body: { error: { code: 'SLACK_HANDLER_FAILED', message: 'the request could not be handled' } } });
      })
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
    const { status, body: out } = await answered;
    if (out === '' || out === undefined) return reply.code(status).send();
    return reply.code(status).send(out);
  }

  private forgetOldEvents(nowMs: number): void {
    for (const [id, expires] of this.handledEvents) {
      if (expires > nowMs) break;
      this.handledEvents.delete(id);
    }
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** Interactions and slash commands come as forms (interactions inside `payload`), events as JSON. */
function parseBody(raw: Buffer, contentType: string): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parseQuery(text);
    if (typeof form.payload === 'string') return asObject(JSON.parse(form.payload));
    return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  }
  return asObject(JSON.parse(text));
}

function asObject(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
  return v as Record<string, unknown>;
}
