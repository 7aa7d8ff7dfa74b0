import { z } from 'zod';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AmbiguousLeadError, MAX_REPLY_CHARS, receiveProviderReply, ReplayedEventError } from '../../../app/chat/provider-reply.ts';
import type { OutreachDeps } from '../../../app/outreach/deps.ts';
import { parseTimestamp, SIGNATURE_TOLERANCE_SECONDS } from '../../../domain/signing.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyChatWebhook } from '../../chat/webhook.ts';
import type { Caller } from '../auth.ts';
import { allowOnly, HttpError } from '../errors.ts';

/**
 * POST /v1/chat/webhook: a lead's message from the chat gateway (SMS, WhatsApp, WeCom), into the
 * same reply pipeline as email. Not behind the API key: the gateway signs the raw body with
 * CHAT_WEBHOOK_SECRET (docs/chat-webhook.md), checked before the body is even parsed. 202 once the
 * message is stored and queued; the model runs in a job, so a slow one never holds the gateway.
 */

export interface ChatWebhookRouteOptions {
  readonly deps: OutreachDeps;
  /** CHAT_WEBHOOK_SECRET. */
  readonly secret: string;
  /** Largest body taken, in bytes; default 64 KiB. */
  readonly maxBodyBytes?: number;
  /** Accepted distance between the signature's timestamp and our clock, in seconds; default 300. */
  readonly toleranceSeconds?: number;
}

export const CHAT_WEBHOOK_PATH = '/v1/chat/webhook';
const DEFAULT_MAX_BODY = 64 * 1024;

const Text = z.string({ error: 'must be text' }).max(320, { error: 'must be at most 320 characters' });
const MessageEvent = z
  .object({
    type: z.literal('message'),
    id: z
      .string({ error: 'must be text' })
      .min(1, { error: 'must not be empty' })
      .max(200, { error: 'must be at most 200 characters' })
      .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces' })
      .describe("The gateway's id for this event: a redelivery carries the same id."),
    lead: z
      .object({ id: Text.optional(), email: Text.optional(), phone: Text.optional() })
      .strip()
      .refine((l) => Boolean(l.id || l.email || l.phone), { error: 'must name the lead by "id", "email" or "phone"' })
      .describe('Who wrote: tried by id, then email, then phone.'),
    text: z
      .string({ error: 'must be text' })
      .refine((t) => t.trim().length > 0, { error: 'must not be empty' })
      .refine((t) => t.length <= MAX_REPLY_CHARS, { error: `must be at most ${MAX_REPLY_CHARS} characters` })
      .describe('What the lead wrote.'),
    received_at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-03-02T14:00:00Z' }).optional().describe('When the gateway received it.'),
  })
  .strip();

/** The route plugin, in the shape buildHttpServer's `routes` takes (the API guard is not used: the signature is the credential). */
export function chatWebhookRoutes(o: ChatWebhookRouteOptions): (guard: (request: FastifyRequest) => Caller) => FastifyPluginAsync {
  const maxBody = o.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const tolerance = o.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  return () => async (app) => {
    // The signature covers the raw bytes, so this context keeps JSON bodies as buffers.
    if (app.hasContentTypeParser('application/json')) app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    allowOnly(app, CHAT_WEBHOOK_PATH, ['POST']);
    app.post(CHAT_WEBHOOK_PATH, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (raw.length > maxBody) throw new HttpError(413, 'BODY_TOO_LARGE', `the request body is larger than the limit of ${maxBody} bytes for chat webhook events`);
      const timestamp = header(request, TIMESTAMP_HEADER);
      const signature = header(request, SIGNATURE_HEADER);
      const nowSeconds = Math.floor(o.deps.clock.now().getTime() / 1000);
      if (!verifyChatWebhook(o.secret, { timestamp, signature, body: raw }, nowSeconds, tolerance)) {
        throw new HttpError(
          401,
          'CHAT_WEBHOOK_SIGNATURE',
          `the request is not signed by the chat gateway: X-Baton-Signature must be v1=<hex HMAC-SHA256 of "<X-Baton-Timestamp>.<raw body>" with CHAT_WEBHOOK_SECRET>, and X-Baton-Timestamp within ${tolerance} seconds of now`,
        );
      }
      if (raw.length === 0) throw new HttpError(400, 'EMPTY_BODY', 'the request body is empty; send a JSON object');
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new HttpError(400, 'INVALID_JSON', 'the request body is not valid JSON');
      }
      if (typeof json === 'object' && json !== null && 'type' in json && json.type !== 'message') {
        // Delivery receipts and other events a gateway may send: taken, and nothing done with them.
        return reply.code(200).send({ status: 'ignored', why: 'only events of type "message" are read' });
      }
      const parsed = MessageEvent.safeParse(json);
      if (!parsed.success) {
        throw new HttpError(400, 'VALIDATION_FAILED', `invalid chat webhook event: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
      }
      const ev = parsed.data;
      const at = ev.received_at ? new Date(ev.received_at) : o.deps.clock.now();
      try {
        const r = await receiveProviderReply(o.deps, {
          provider: 'webhook',
          eventId: ev.id,
          leadRef: { ...(ev.lead.id ? { id: ev.lead.id } : {}), ...(ev.lead.email ? { email: ev.lead.email } : {}), ...(ev.lead.phone ? { phone: ev.lead.phone } : {}) },
          text: ev.text,
          at,
          signedAt: parseTimestamp(timestamp ?? ''),
        });
        request.leadId = r.leadId;
        return reply.code(r.status === 'accepted' ? 202 : 200).send({ status: r.status, id: ev.id });
      } catch (e) {
        if (e instanceof ReplayedEventError) throw new HttpError(401, e.code, e.message);
        if (e instanceof AmbiguousLeadError) throw new HttpError(409, e.code, e.message);
        throw e;
      }
    });
  };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
