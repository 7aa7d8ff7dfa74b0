import { z } from 'zod';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { decide, editBant, reassign, snooze } from '../../../app/desk/candidates.ts';
import { loadCard, personRef } from '../../../app/desk/card.ts';
import { loadConversation } from '../../../app/desk/conversation.ts';
import type { DeskDeps } from '../../../app/desk/deps.ts';
import { getHandoffView, recordOutcome } from '../../../app/desk/handoff.ts';
import { DraftDecidedError, discardDraft, sendDraft } from '../../../app/desk/drafts.ts';
import { draftView } from '../../../app/desk/card.ts';
import { deskStats, queueLines } from '../../../app/desk/stats.ts';
import { actorUserId, DecisionConflictError, NotSdrError, REJECT_REASON_LABELS, REJECT_REASONS, StaleCandidateError } from '../../../domain/desk/decision.ts';
import { deciders } from '../../../domain/desk/team.ts';
import { HANDOFF_OUTCOMES, type PersonRef } from '../../../domain/desk/views.ts';
import { BatonError } from '../../../domain/errors.ts';
import type { Caller } from '../auth.ts';
import { allowOnly, HttpError, sendError } from '../errors.ts';
import { parseObject } from '../parse.ts';
import { consoleRoutes } from '../console/serve.ts';

/**
 * The SDR desk over HTTP: the JSON API the review console (and any other client) uses, and the
 * console page itself. Transport only: parse, call one use-case, shape the answer.
 *
 * The person acting is named by `X-Baton-User: <id>` (a team file id; actor `user:<id>`); whether
 * they may act is the use-cases' rule (the SDR group, the AEs). Without the header the API caller
 * acts as itself (`api:key`, `api:loopback`) where a use-case allows that (AE outcomes).
 */
export function deskRoutes(deps: DeskDeps): (guard: (request: FastifyRequest) => Caller) => FastifyPluginAsync {
  return (guard) => async (app) => {
    await app.register(async (api) => deskApi(api, deps, guard));
    // The page is static and holds no data: it loads without a key so that it can ask for one.
    await app.register(consoleRoutes);
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PERSON_ID = /^[A-Za-z0-9._-]{1,64}$/;
const USER_HEADER = 'x-baton-user';

const Version = z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' });
const Note = z.string({ error: 'must be text' }).max(2000, { error: 'must be at most 2000 characters' });

const DecisionBody = z
  .object({
    action: z.enum(['approve', 'reject'], { error: 'must be "approve" or "reject"' }).describe('What the SDR decided.'),
    reason: z.enum(REJECT_REASONS, { error: `must be one of: ${REJECT_REASONS.join(', ')}` }).optional().describe('Why it was rejected (required for a rejection).'),
    note: Note.optional().describe('Free text beside the decision; required for reason "other".'),
    version: Version.optional().describe('The candidate version the client showed; a newer candidate is refused as STALE.'),
  })
  .strict();

const BantBody = z
  .object({
    correction: z.record(z.string(), z.unknown(), { error: 'must be an object such as {"budget": {"status": "not_met"}}' }).describe('The corrected BANT criteria (any subset), checked by the use-case.'),
    version: Version.optional(),
  })
  .strict();

const SnoozeBody = z
  .object({
    until: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-03-02T14:00:00Z' }).optional().describe('When the candidate comes back.'),
    minutes: z.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1' }).max(60 * 24 * 90, { error: 'must be at most 90 days' }).optional().describe('Or: how long from now, in minutes.'),
  })
  .strict()
  .refine((b) => (b.until === undefined) !== (b.minutes === undefined), { error: 'give exactly one of "until" and "minutes"', path: ['until'] });

const ReassignBody = z
  .object({
    owner: z.string({ error: 'must be text' }).trim().regex(/^(user:)?[A-Za-z0-9._-]{1,64}$/, { error: 'must be a person id from the team file, e.g. U0123ABC or ana' }).describe('The new owner.'),
  })
  .strict();

const OutcomeBody = z
  .object({
    outcome: z.enum(HANDOFF_OUTCOMES, { error: `must be one of: ${HANDOFF_OUTCOMES.join(', ')}` }),
    reason: z.string({ error: 'must be text' }).trim().min(1).max(100).optional(),
    note: Note.optional(),
    version: Version.optional(),
  })
  .strict();

const DraftSendBody = z
  .object({
    text: z.string({ error: 'must be text' }).max(8000, { error: 'must be at most 8000 characters' }).optional().describe('The answer as the SDR edited it; absent: the draft as proposed.'),
  })
  .strict();

const StatsQuery = z.object({ user: z.string().regex(PERSON_ID, { error: 'must be a person id from the team file' }).optional() }).strip();
const ListQuery = z.object({ status: z.enum(['open'], { error: 'only "open" is listed: the undecided queue, most urgent first' }).default('open') }).strip();

function idParam(request: FastifyRequest<{ Params: { id: string } }>, what: 'candidate' | 'handoff' | 'draft'): string {
  const { id } = request.params;
  // Checked here so that Postgres never sees a malformed uuid (it would raise, and that is not a 500).
  if (!UUID.test(id)) throw new HttpError(400, 'INVALID_ID', `a ${what} id is a UUID such as 0b5f8c1e-6d7a-4c59-9a53-2f0e7b1c4d2a`);
  return id.toLowerCase();
}

/** The acting person from X-Baton-User, else the API caller itself. */
function actorOf(request: FastifyRequest, guard: (request: FastifyRequest) => Caller): string {
  const header = request.headers[USER_HEADER];
  if (header === undefined) return guard(request);
  const id = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (!PERSON_ID.test(id)) throw new HttpError(400, 'BAD_USER', 'X-Baton-User must be a person id from the team file (letters, digits, . _ -), e.g. U0123ABC or ana');
  return `user:${id}`;
}

/** The desk's own errors in the API's error shape, with what a client needs to tell the person. */
function deskError(deps: DeskDeps, e: unknown): { status: number; body: Record<string, unknown> } | undefined {
  if (e instanceof DecisionConflictError) {
    const by = personRef(deps.team, e.decidedBy);
    const at = e.decidedAt.toISOString();
    return {
      status: 409,
      body: { code: 'ALREADY_DECIDED', message: `already ${e.status} by ${by?.name ?? 'someone'} at ${at}`, decidedBy: by, decidedAt: at, status: e.status },
    };
  }
  if (e instanceof StaleCandidateError) return { status: 409, body: { code: 'STALE', message: e.message } };
  if (e instanceof DraftDecidedError) {
    const by = personRef(deps.team, actorUserId(e.draft.decidedBy ?? ''));
    const at = e.draft.decidedAt?.toISOString() ?? null;
    return { status: 409, body: { code: 'DRAFT_DECIDED', message: `already ${e.draft.status} by ${by?.name ?? 'someone'}${at ? ` at ${at}` : ''}`, status: e.draft.status, decidedBy: by, decidedAt: at } };
  }
  if (e instanceof NotSdrError) return { status: 403, body: { code: 'NOT_SDR', message: e.message } };
  if (!(e instanceof BatonError)) return undefined;
  switch (e.code) {
    case 'DESK_BAD_ACTOR':
      return { status: 400, body: { code: 'USER_REQUIRED', message: 'this action is taken by a person: send "X-Baton-User: <id>" with their id from the team file' } };
    // The handoff's errors (src/domain/desk/outcome.ts), by their stable codes.
    case 'HANDOFF_CONFLICT': {
      const d = e.details ?? {};
      return {
        status: 409,
        body: { code: 'ALREADY_RECORDED', message: e.message, status: d.status ?? null, outcomeBy: personRef(deps.team, typeof d.outcomeBy === 'string' ? d.outcomeBy : null), outcomeAt: d.outcomeAt ?? null },
      };
    }
    case 'HANDOFF_STALE':
      return { status: 409, body: { code: 'STALE', message: e.message } };
    case 'HANDOFF_NOT_SALES':
      return { status: 403, body: { code: 'NOT_SALES', message: e.message } };
    default:
      return undefined;
  }
}

async function deskApi(app: FastifyInstance, deps: DeskDeps, guard: (request: FastifyRequest) => Caller): Promise<void> {
  // Before the body is read: an unauthorised caller cannot make us parse a megabyte.
  app.addHook('onRequest', async (request) => {
    guard(request);
  });
  // Desk errors get their own statuses; everything else goes on to the server's one error handler.
  app.setErrorHandler(async (e: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = deskError(deps, e);
    if (!mapped) throw e;
    request.errorCode = String(mapped.body.code);
    return sendError(reply, { status: mapped.status, body: { error: mapped.body as { code: string; message: string } }, headers: {} });
  });

  app.get('/v1/desk/team', async () => {
    const ref = (p: { id: string; name: string }): PersonRef => ({ id: p.id, name: p.name });
    return {
      deciders: deciders(deps.team).map(ref),
      sdrs: deps.team.sdrs.map(ref),
      teamLead: ref(deps.team.team_lead),
      aes: deps.team.aes.map(ref),
      rejectReasons: REJECT_REASONS.map((id) => ({ id, label: REJECT_REASON_LABELS[id] })),
      outcomes: HANDOFF_OUTCOMES,
    };
  });

  app.get('/v1/desk/stats', async (request) => {
    const { user } = parseObject(StatsQuery, request.query, 'query');
    return deskStats(deps, user ? { userId: user } : {});
  });

  app.get('/v1/candidates', async (request) => {
    parseObject(ListQuery, request.query, 'query');
    return { candidates: await queueLines(deps) };
  });

  app.get<{ Params: { id: string } }>('/v1/candidates/:id', async (request) => {
    const card = await loadCard(deps, idParam(request, 'candidate'));
    request.leadId = card.lead.id;
    const conversation = await loadConversation(deps.db, card.lead.id);
    const handoff = card.handoff ? await getHandoffView(deps, card.handoff.id) : null;
    return { card, conversation, handoff };
  });

  // A grounded draft answer on a card: an SDR sends it (as proposed, or edited) or discards it.
  app.post<{ Params: { id: string } }>('/v1/drafts/:id/send', async (request) => {
    const body = request.body === undefined || request.body === null ? {} : parseObject(DraftSendBody, request.body, 'draft');
    return { draft: draftView(deps, await sendDraft(deps, idParam(request, 'draft'), actorOf(request, guard), body.text)) };
  });
  app.post<{ Params: { id: string } }>('/v1/drafts/:id/discard', async (request) => ({ draft: draftView(deps, await discardDraft(deps, idParam(request, 'draft'), actorOf(request, guard))) }));

  app.post<{ Params: { id: string } }>('/v1/candidates/:id/decision', async (request) => {
    const candidateId = idParam(request, 'candidate');
    const body = parseObject(DecisionBody, request.body, 'decision');
    await decide(deps, {
      candidateId,
      action: body.action,
      by: actorOf(request, guard),
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
      ...(body.note !== undefined ? { note: body.note } : {}),
      ...(body.version !== undefined ? { expectedVersion: body.version } : {}),
    });
    return { card: await loadCard(deps, candidateId) };
  });

  app.post<{ Params: { id: string } }>('/v1/candidates/:id/bant', async (request) => {
    const candidateId = idParam(request, 'candidate');
    const body = parseObject(BantBody, request.body, 'BANT edit');
    await editBant(deps, { candidateId, by: actorOf(request, guard), correction: body.correction, ...(body.version !== undefined ? { expectedVersion: body.version } : {}) });
    return { card: await loadCard(deps, candidateId) };
  });

  app.post<{ Params: { id: string } }>('/v1/candidates/:id/snooze', async (request) => {
    const candidateId = idParam(request, 'candidate');
    const body = parseObject(SnoozeBody, request.body, 'snooze');
    // Minutes count from the service's clock, not the browser's: the two may disagree.
    const until = body.until !== undefined ? new Date(body.until) : new Date(deps.clock.now().getTime() + (body.minutes ?? 0) * 60_000);
    await snooze(deps, { candidateId, by: actorOf(request, guard), until });
    return { card: await loadCard(deps, candidateId) };
  });

  app.post<{ Params: { id: string } }>('/v1/candidates/:id/reassign', async (request) => {
    const candidateId = idParam(request, 'candidate');
    const body = parseObject(ReassignBody, request.body, 'reassignment');
    const owner = body.owner.startsWith('user:') ? body.owner : `user:${body.owner}`;
    await reassign(deps, { candidateId, by: actorOf(request, guard), owner });
    return { card: await loadCard(deps, candidateId) };
  });

  app.get<{ Params: { id: string } }>('/v1/handoffs/:id', async (request) => {
    return { handoff: await getHandoffView(deps, idParam(request, 'handoff')) };
  });

  app.post<{ Params: { id: string } }>('/v1/handoffs/:id/outcome', async (request) => {
    const handoffId = idParam(request, 'handoff');
    const body = parseObject(OutcomeBody, request.body, 'outcome');
    const handoff = await recordOutcome(deps, {
      handoffId,
      outcome: body.outcome,
      by: actorOf(request, guard),
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
      ...(body.note !== undefined ? { note: body.note } : {}),
      ...(body.version !== undefined ? { expectedVersion: body.version } : {}),
    });
    return { handoff };
  });

  allowOnly(app, '/v1/desk/team', ['GET']);
  allowOnly(app, '/v1/desk/stats', ['GET']);
  allowOnly(app, '/v1/candidates', ['GET']);
  allowOnly(app, '/v1/candidates/:id', ['GET']);
  for (const action of ['decision', 'bant', 'snooze', 'reassign']) allowOnly(app, `/v1/candidates/:id/${action}`, ['POST']);
  allowOnly(app, '/v1/handoffs/:id', ['GET']);
  allowOnly(app, '/v1/handoffs/:id/outcome', ['POST']);
  for (const action of ['send', 'discard']) allowOnly(app, `/v1/drafts/:id/${action}`, ['POST']);
}
