import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { OutreachDeps } from '../../../app/outreach/deps.ts';
import { enrolLead } from '../../../app/outreach/enrol.ts';
import { receiveInbound } from '../../../app/outreach/inbound.ts';
import { unsubscribeByToken, unsubscribeTokenKnown } from '../../../app/outreach/unsubscribe.ts';
import { getLeadByEmail } from '../../db/store/leads.ts';
import { parseMail } from '../../email/parse.ts';
import { NotFoundError, ValidationError } from '../../../domain/errors.ts';
import { isValidEmail, normalizeEmail } from '../../../domain/lead.ts';
import type { Caller } from '../auth.ts';
import { allowOnly, HttpError } from '../errors.ts';

export interface MailRoutesOptions {
  deps: OutreachDeps;
  guard: (request: FastifyRequest) => Caller;
  /** Largest raw message POST /v1/inbound/email takes. */
  maxMailBytes: number;
}

const EnrolBody = z
  .object({
    lead_id: z.string().uuid({ error: 'must be a lead id (UUID)' }).optional(),
    email: z.string().max(320).optional(),
  })
  .strict()
  .refine((b) => Boolean(b.lead_id) !== Boolean(b.email), { error: 'give exactly one of lead_id and email' });

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<meta name="robots" content="noindex"><title>${title}</title>` +
  `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font:inherit;padding:.5rem 1rem}</style>` +
  `</head><body>${body}</body></html>`;

/**
 * The email channel's HTTP side:
 * - POST /v1/inbound/email: one raw MIME message (Content-Type: message/rfc822), as an inbound-mail
 *   provider posts it; bearer API key. 202 once stored; processing is a durable job.
 * - GET /u/:token shows a confirmation page and changes nothing (mail scanners follow links);
 *   POST /u/:token unsubscribes at once (RFC 8058 one-click, and the page's button).
 * - POST /v1/sequences/:id/enrolments puts a lead into a sequence.
 */
export async function mailRoutes(app: FastifyInstance, o: MailRoutesOptions): Promise<void> {
  const { deps, guard } = o;
  app.addContentTypeParser(['message/rfc822', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: o.maxMailBytes }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => done(null, body));

  allowOnly(app, '/v1/inbound/email', ['POST']);
  app.post('/v1/inbound/email', { bodyLimit: o.maxMailBytes }, async (request, reply) => {
    guard(request);
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'message/rfc822') throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send one raw MIME message with Content-Type: message/rfc822');
    const raw = request.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) throw new ValidationError('the body is empty; send the whole raw message', {}, 'MAIL_UNPARSEABLE');
    // Refused here, with the reason, rather than stored and failed later.
    await parseMail(raw);
    const r = await receiveInbound(deps, raw, { via: 'http' });
    return reply.code(202).send({ id: r.id, duplicate: r.duplicate });
  });

  allowOnly(app, '/u/:token', ['GET', 'POST']);
  app.get<{ Params: { token: string } }>('/u/:token', async (request, reply) => {
    const { token } = request.params;
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').type('text/html; charset=utf-8');
    if (!(await unsubscribeTokenKnown(deps, token))) return reply.code(404).send(page('Link not recognised', '<h1>This link is not recognised</h1><p>It may be incomplete. Reply to the email with “unsubscribe” and we will stop writing.</p>'));
    return reply.send(
      page(
        'Unsubscribe',
        `<h1>Unsubscribe?</h1><p>Press the button and we will not email you again.</p>` +
          `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
      ),
    );
  });
  app.post<{ Params: { token: string } }>('/u/:token', async (request, reply) => {
    const { token } = request.params;
    try {
      const r = await unsubscribeByToken(deps, token, 'lead:one-click');
      request.leadId = r.leadId;
    } catch (e) {
      if (e instanceof NotFoundError) {
        return reply.code(404).type('text/html; charset=utf-8').send(page('Link not recognised', '<h1>This link is not recognised</h1>'));
      }
      throw e;
    }
    return reply.code(200).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page('Unsubscribed', '<h1>You are unsubscribed</h1><p>We will not email you again.</p>'));
  });

  allowOnly(app, '/v1/sequences/:id/enrolments', ['POST']);
  app.post<{ Params: { id: string } }>('/v1/sequences/:id/enrolments', async (request, reply) => {
    const caller = guard(request);
    const parsed = EnrolBody.safeParse(request.body ?? {});
    if (!parsed.success) throw new ValidationError(`invalid enrolment: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
    let leadId = parsed.data.lead_id;
    if (!leadId) {
      const email = normalizeEmail(parsed.data.email ?? '');
      if (!isValidEmail(email)) throw new ValidationError('email is not a valid address');
      const lead = await getLeadByEmail(deps.db, email);
      if (!lead) throw new NotFoundError('lead', email);
      leadId = lead.id;
    }
    request.leadId = leadId;
    const e = await enrolLead(deps, { leadId, sequenceId: request.params.id, actor: caller });
    return reply.code(201).send({ enrolment: { id: e.id, lead_id: e.leadId, sequence: e.sequenceId, version: e.sequenceVersion, status: e.status, started_at: e.startedAt.toISOString() } });
  });
}

