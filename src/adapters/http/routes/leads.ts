import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../app/deps.ts';
import { getLeadDetail, intakeLead } from '../../../app/leads.ts';
import { ValidationError } from '../../../domain/errors.ts';
import { LeadInputSchema, fieldErrors } from '../../../domain/lead-input.ts';
import type { Caller } from '../auth.ts';
import { allowOnly, errorResponse, HttpError } from '../errors.ts';
import { idempotencyKeyOf, requestHash, runIdempotent, type StoredResponse } from '../idempotency.ts';
import type { HttpMetrics } from '../metrics.ts';
import { leadDetailView, leadView } from '../../../app/lead-view.ts';

export const LEAD_CHANNELS = ['web_form', 'webhook', 'chat', 'event', 'partner', 'referral'] as const;

/** The body of POST /v1/leads: the shared lead shape plus where this touch came from. */
export const LeadRequestSchema = LeadInputSchema.extend({
  source: z
    .string({ error: 'must be text' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(200, { error: 'must be at most 200 characters' })
    .default('api')
    .describe('Form or system that sent the lead, e.g. "pricing-page" or "hubspot"; default "api".'),
  channel: z
    .enum(LEAD_CHANNELS, { error: `must be one of: ${LEAD_CHANNELS.join(', ')}` })
    .default('web_form')
    .describe('How the lead came in; default "web_form".'),
}).strict();

/** Field errors with one entry per unknown field, named after it, instead of one entry for the body. */
function requestFieldErrors(error: z.ZodError): Record<string, string[]> {
  const out = fieldErrors(new z.ZodError(error.issues.filter((i) => i.code !== 'unrecognized_keys')));
  for (const issue of error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    for (const key of issue.keys) (out[[...issue.path, key].join('.')] ??= []).push('is not a known field');
  }
  return out;
}

function parseLeadRequest(body: unknown) {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('the request body must be a JSON object with at least an "email" field');
  }
  const parsed = LeadRequestSchema.safeParse(body);
  if (!parsed.success) {
    const fields = requestFieldErrors(parsed.error);
    throw new ValidationError(`the lead has invalid fields: ${Object.keys(fields).join(', ')}`, { fields });
  }
  return parsed.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POST_SCOPE = 'POST /v1/leads';

export interface LeadRoutesOptions {
  deps: AppDeps;
  metrics: HttpMetrics;
  guard: (request: FastifyRequest) => Caller;
  bodyLimit: number;
  /** Called after a new lead is stored (not on merges or replays), e.g. to start the inbound fast lane. Must not throw. */
  onNewLead?: (leadId: string, channel: string) => void;
}

/** Lead intake and lookup. Transport only: parse, call one use-case, shape the answer. */
export async function leadRoutes(app: FastifyInstance, o: LeadRoutesOptions): Promise<void> {
  const { deps, metrics, guard, bodyLimit } = o;
  // Before the body is read: an unauthorised caller cannot make us parse a megabyte.
  app.addHook('onRequest', async (request) => {
    guard(request);
  });

  app.post('/v1/leads', async (request, reply) => {
    const actor = guard(request); // already admitted by the hook; this names the caller for the audit log
    const { source, channel, ...input } = parseLeadRequest(request.body);
    const key = idempotencyKeyOf(request);
    const run = async (): Promise<StoredResponse> => {
      const { lead, created } = await intakeLead(deps, input, { channel, source }, actor);
      (created ? metrics.leadsCreated : metrics.leadsMerged).inc({ channel });
      request.leadId = lead.id;
      request.log.info({ leadId: lead.id, created, channel }, created ? 'lead created' : 'lead merged');
      if (created) o.onNewLead?.(lead.id, channel);
      return { status: created ? 201 : 200, body: { created, lead: leadView(lead) } };
    };
    const answer = key
      ? await runIdempotent(deps, { scope: POST_SCOPE, key, requestHash: requestHash(request.body) }, run, (e) => errorResponse(e, request.id, bodyLimit))
      : { ...(await run()), replayed: false };
    if (answer.replayed) {
      reply.header('idempotent-replayed', 'true');
      request.errorCode = errorCodeOf(answer.body);
    }
    const leadId = leadIdOf(answer.body);
    if (leadId) {
      request.leadId = leadId;
      if (answer.status === 201) reply.header('location', `/v1/leads/${leadId}`);
    }
    return reply.code(answer.status).send(answer.body);
  });

  app.get<{ Params: { id: string } }>('/v1/leads/:id', async (request) => {
    const { id } = request.params;
    // Checked here so that Postgres never sees a malformed uuid (it would raise, and that is not a 500).
    if (!UUID.test(id)) throw new HttpError(400, 'INVALID_ID', 'a lead id is a UUID such as 0b5f8c1e-6d7a-4c59-9a53-2f0e7b1c4d2a');
    request.leadId = id;
    return leadDetailView(await getLeadDetail(deps, id.toLowerCase()));
  });

  allowOnly(app, '/v1/leads', ['POST']);
  allowOnly(app, '/v1/leads/:id', ['GET']);
}

function leadIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('lead' in body)) return undefined;
  const lead = (body as { lead: unknown }).lead;
  return typeof lead === 'object' && lead !== null && 'id' in lead && typeof lead.id === 'string' ? lead.id : undefined;
}

function errorCodeOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
