import { z } from 'zod';
import type { Queryable } from '../../adapters/db/db.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { nextTurn } from '../../adapters/db/store/counters.ts';
import { accountWithContacts } from '../../adapters/db/store/desk.ts';
import {
  briefLeadFacts,
  getHandoff,
  getHandoffOfCandidate,
  insertHandoff,
  listHandoffRecords,
  setHandoffOutcome,
  setHandoffSlackRef,
  type HandoffRecord,
} from '../../adapters/db/store/handoffs.ts';
import { getLeadById } from '../../adapters/db/store/leads.ts';
import { newId } from '../../adapters/db/store/sequences.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { DeferJobError, PermanentJobError } from '../../adapters/queue/errors.ts';
import { defineTask, type TaskHandlers } from '../../adapters/queue/task.ts';
import { buildHandoffBrief, renderBriefText } from '../../domain/desk/brief.ts';
import { actorUserId, isApiActor, type Candidate } from '../../domain/desk/decision.ts';
import { decideOutcome, NotSalesError, StaleHandoffError, storedReason } from '../../domain/desk/outcome.ts';
import { findPerson, pickPerson, type Person } from '../../domain/desk/team.ts';
import type { HandoffOutcome, HandoffStatus, HandoffView } from '../../domain/desk/views.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Stage } from '../../domain/lifecycle.ts';
import type { Lead } from '../../domain/records.ts';
import { newMessageId } from '../outreach/compose.ts';
import { scheduleRecycle } from '../outreach/enrol.ts';
import { moveIfAllowed } from '../outreach/stage.ts';
import { personRef, threadUrlOf } from './card.ts';
import { loadConversation } from './conversation.ts';
import { enqueueCard } from './sla.ts';
import type { DeskDeps } from './deps.ts';
import { NotifierError } from './notifier.ts';
import { CRM_TASK, CrmPayload, crmEventId, deliverCrmEvent, type CrmEvent } from './webhook.ts';

/**
 * The handoff to sales: an approved candidate gets an account executive and a brief (Slack DM and
 * email), and the AE later says what became of it (SQL or rejected, then won or lost). Outcomes move
 * the lead, flow into the funnel report through the stage history, and into the similar-candidates
 * view through the handoff's status.
 */

export const HANDOFF_TASK = 'desk.handoff';
/** The brief's email to the AE: its own job, so it is sent by one job at a time whatever else runs. */
export const HANDOFF_EMAIL_TASK = 'desk.handoff_email';
/** Audit action that records the brief's email was accepted by SMTP: the exactly-once marker. */
export const BRIEF_EMAILED = 'handoff.brief_emailed';
/** Round-robin counter of AE assignment. */
export const AE_TURN = 'desk.ae';


/** A person named by id: their team entry, or just the id when they left the team file. */
function personOf(team: DeskDeps['team'], id: string): Person {
  return findPerson(team, id) ?? { id, name: id, territories: [] };
}

/** What a handoff change tells: the AE's message, the candidate's card (it shows what sales said), and the CRM. */
async function enqueueUpdates(tx: Queryable, deps: Pick<DeskDeps, 'crm'>, handoff: { id: string; candidateId: string }, event: CrmEvent, at: Date): Promise<void> {
  const handoffId = handoff.id;
  await enqueueCard(tx, handoff.candidateId, at);
  await addJob(tx, { task: HANDOFF_TASK, payload: { handoffId }, key: `${HANDOFF_TASK}:${handoffId}`, ifKeyExists: 'replace', priority: 10 }, at);
  if (deps.crm) await addJob(tx, { task: CRM_TASK, payload: { handoffId, event }, key: `${CRM_TASK}:${crmEventId(handoffId, event)}`, maxAttempts: 10 }, at);
}

/**
 * Hands an approved candidate to sales, inside the caller's transaction (decide() on approve): picks
 * the AE (territory of the lead's country, else in turn), builds the brief from what is stored now,
 * records the handoff (pending), and queues the AE's message, the brief's email and the CRM event.
 * A second call for the same candidate returns the first handoff.
 */
export async function startHandoff(deps: DeskDeps, tx: Queryable, input: { candidate: Candidate; lead: Lead; by: string; at: Date }): Promise<{ handoffId: string }> {
  const existing = await getHandoffOfCandidate(tx, input.candidate.id);
  if (existing) return { handoffId: existing.id };
  const facts = await briefLeadFacts(tx, input.lead.id);
  if (!facts) throw new NotFoundError('lead', input.lead.id);
  const turn = await nextTurn(tx, AE_TURN);
  const ae = pickPerson(deps.team.aes, { assignment: deps.team.assignment, country: facts.country, turn });
  const handoffId = newId();
  const { accountId, employees, ...lead } = facts;
  const brief = buildHandoffBrief({
    handoffId,
    candidate: input.candidate,
    lead,
    account: await accountWithContacts(tx, accountId, facts.id),
    employees,
    ae: { id: ae.id, name: ae.name },
    approvedBy: personRef(deps.team, input.by),
    approvedAt: input.at,
    conversation: await loadConversation(tx, facts.id),
    threadUrl: threadUrlOf(deps, input.candidate.id),
  });
  await insertHandoff(tx, { id: handoffId, candidateId: input.candidate.id, leadId: facts.id, ae: ae.id, brief }, input.at);
  await appendAudit(tx, { actor: input.by, action: 'handoff.created', subjectType: 'handoff', subjectId: handoffId, data: { candidateId: input.candidate.id, leadId: facts.id, ae: ae.id, turn } }, input.at);
  await addJob(tx, { task: HANDOFF_EMAIL_TASK, payload: { handoffId }, key: `${HANDOFF_EMAIL_TASK}:${handoffId}`, maxAttempts: 8 }, input.at);
  await enqueueUpdates(tx, deps, { id: handoffId, candidateId: input.candidate.id }, 'handoff.created', input.at);
  return { handoffId };
}

function toView(team: DeskDeps['team'], h: HandoffRecord): HandoffView {
  const ae = personOf(team, h.ae);
  return {
    id: h.id,
    candidateId: h.candidateId,
    leadId: h.leadId,
    ae: { id: ae.id, name: ae.name },
    status: h.status,
    reason: h.reason,
    note: h.note,
    outcomeBy: h.outcomeBy,
    outcomeAt: h.outcomeAt,
    version: h.version,
    brief: h.brief,
  };
}

export async function getHandoffView(deps: Pick<DeskDeps, 'db' | 'team'>, handoffId: string): Promise<HandoffView> {
  if (!z.uuid().safeParse(handoffId).success) throw new NotFoundError('handoff', handoffId);
  const h = await getHandoff(deps.db, handoffId);
  if (!h) throw new NotFoundError('handoff', handoffId);
  return toView(deps.team, h);
}

/** The handoff of a candidate, when it was approved. */
export async function handoffOfCandidate(q: Queryable, candidateId: string): Promise<HandoffRecord | null> {
  return getHandoffOfCandidate(q, candidateId);
}

/** Handoffs newest first, of one AE (`UA1` or `user:UA1`) and/or in one status. */
export async function listHandoffs(deps: Pick<DeskDeps, 'db' | 'team'>, filter: { ae?: string; status?: HandoffStatus } = {}): Promise<HandoffView[]> {
  const ae = filter.ae?.replace(/^user:/, '');
  const rows = await listHandoffRecords(deps.db, { ...(ae ? { ae } : {}), ...(filter.status ? { statuses: [filter.status] } : {}) });
  return rows.map((h) => toView(deps.team, h));
}

/**
 * Who may record a sales outcome: the handoff's AE, any AE (a colleague covering), the team lead, or
 * an API caller (`api:key`, or `api:loopback` when no key is set: a CRM syncing back). SDRs may not: they decided already.
 */
function mayRecordOutcome(team: DeskDeps['team'], actor: string): boolean {
  if (isApiActor(actor)) return true;
  const id = actorUserId(actor);
  return id !== null && (id === team.team_lead.id || team.aes.some((p) => p.id === id));
}

export interface OutcomeInput {
  readonly handoffId: string;
  readonly outcome: HandoffOutcome;
  /** `user:<id>` (an AE, the team lead) or `api:key` / `api:loopback`. */
  readonly by: string;
  /** Required for a rejection: one of AE_REJECT_REASONS. A lost deal may say why in free text. */
  readonly reason?: string;
  readonly note?: string;
  /** The version the AE's message showed; a newer handoff is refused as stale. */
  readonly expectedVersion?: number;
}

const WHY: Record<HandoffOutcome, string> = {
  sql: 'accepted by sales as SQL',
  rejected: 'rejected by sales',
  won: 'won by sales',
  lost: 'lost by sales',
};

/**
 * Records what sales made of a handoff and moves the lead: sql -> sql; won -> opportunity, then
 * customer; lost or rejected -> nurture with the recycle branch, or disqualified for a bad fit. The
 * lead, then the handoff, are locked, so two outcomes at once end with one and a HandoffConflictError
 * naming who recorded what for the other. The AE's message is updated and the CRM told.
 */
export async function recordOutcome(deps: DeskDeps, input: OutcomeInput): Promise<HandoffView> {
  if (!mayRecordOutcome(deps.team, input.by)) throw new NotSalesError(input.by);
  if (!z.uuid().safeParse(input.handoffId).success) throw new NotFoundError('handoff', input.handoffId);
  const view = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const peek = await getHandoff(tx, input.handoffId);
    if (!peek) throw new NotFoundError('handoff', input.handoffId);
    // Lead before handoff, the order decide() takes lead and candidate in, so they never deadlock.
    const lead = await getLeadById(tx, peek.leadId, { forUpdate: true });
    if (!lead) throw new NotFoundError('lead', peek.leadId);
    const h = await getHandoff(tx, input.handoffId, { forUpdate: true });
    if (!h) throw new NotFoundError('handoff', input.handoffId);
    const d = decideOutcome(h, input);
    if (input.expectedVersion !== undefined && h.version !== input.expectedVersion) throw new StaleHandoffError(h.id, input.expectedVersion, h.version);
    const reason = storedReason(d, input);
    const updated = await setHandoffOutcome(tx, h.id, h.version, { status: d.status, reason, note: d.note, by: input.by }, at);
    if (!updated) throw new StaleHandoffError(h.id, h.version, -1);
    let stage: Stage = lead.stage;
    for (const to of d.leadTo) stage = await moveIfAllowed(tx, { id: lead.id, stage }, to, input.by, `${WHY[d.status]}${reason ? `: ${reason}` : ''}`, at);
    const recycled = d.recycle && stage === 'nurture' && lead.stage !== 'nurture';
    if (recycled) await scheduleRecycle(deps, tx, lead.id, at);
    await appendAudit(
      tx,
      {
        actor: input.by,
        action: `handoff.${d.status}`,
        subjectType: 'handoff',
        subjectId: h.id,
        data: { candidateId: h.candidateId, leadId: lead.id, reason: d.reason, hasNote: d.note !== null, stage: { from: lead.stage, to: stage }, recycled, version: updated.version },
      },
      at,
    );
    await enqueueUpdates(tx, deps, h, `handoff.${d.status}`, at);
    return toView(deps.team, updated);
  });
  deps.wake?.();
  return view;
}

/** A notifier failure as the job queue understands it: retry (after the rate limit), or fail for good. */
function asJobError(e: unknown, at: Date): unknown {
  if (!(e instanceof NotifierError)) return e;
  if (!e.retryable) return new PermanentJobError(`the AE could not be told: ${e.message}`, { code: e.code, cause: e });
  if (e.retryAfterMs !== null) return new DeferJobError(new Date(at.getTime() + e.retryAfterMs), `rate limited: ${e.message}`);
  return e;
}

/** Sends the brief to the AE by email, once: the audit entry written after SMTP took it is the marker. */
async function emailBrief(deps: DeskDeps, handoffId: string): Promise<void> {
  const h = await getHandoff(deps.db, handoffId);
  if (!h) throw new PermanentJobError(`handoff ${handoffId} does not exist`, { code: 'HANDOFF_NOT_FOUND' });
  const { rows } = await deps.db.query('SELECT 1 FROM audit_log WHERE subject_type = $1 AND subject_id = $2 AND action = $3 LIMIT 1', ['handoff', h.id, BRIEF_EMAILED]);
  if (rows.length > 0) return;
  const ae = personOf(deps.team, h.ae);
  const mailbox = deps.settings.mailboxes[0];
  if (!ae.email || !mailbox) {
    deps.logger.warn({ handoffId: h.id, ae: ae.id, reason: ae.email ? 'no mailbox' : 'the AE has no email in the team file' }, 'handoff brief not emailed');
    return;
  }
  const approver = findPerson(deps.team, h.brief.approvedBy.id);
  const b = h.brief;
  const who = [b.lead.name ?? b.lead.email, b.lead.company].filter(Boolean).join(', ');
  const receipt = await deps.mailer.send({
    from: mailbox.name ? `"${mailbox.name.replace(/"/g, '')}" <${mailbox.address}>` : mailbox.address,
    to: ae.email,
    // Questions about the lead go to the SDR who approved it.
    replyTo: approver?.email ?? mailbox.address,
    subject: `Handoff: ${who} (score ${b.score}${b.grade ? `, grade ${b.grade}` : ''})`,
    text: renderBriefText(b),
    // Fixed per handoff: if a crash between SMTP and the marker makes us send again, clients thread it as one.
    messageId: newMessageId(`handoff-${h.id}`, mailbox),
    // The Mailer port requires List-Unsubscribe; for a colleague's notification the console is the page to manage it.
    listUnsubscribe: { url: b.threadUrl, mailto: mailbox.address },
    headers: { 'X-Baton-Handoff': h.id },
  });
  await appendAudit(deps.db, { actor: 'system:desk', action: BRIEF_EMAILED, subjectType: 'handoff', subjectId: h.id, data: { ae: ae.id, messageId: receipt.messageId } }, deps.clock.now());
}

/** desk.handoff: shows the AE the handoff (a DM with outcome buttons), or updates that message in place. */
async function notifyAe(deps: DeskDeps, handoffId: string): Promise<void> {
  const h = await getHandoff(deps.db, handoffId);
  if (!h) throw new PermanentJobError(`handoff ${handoffId} does not exist`, { code: 'HANDOFF_NOT_FOUND' });
  const ref = h.slackChannel && h.slackTs ? { channel: h.slackChannel, ts: h.slackTs } : null;
  let posted;
  try {
    posted = await deps.notifier.handoff(personOf(deps.team, h.ae), toView(deps.team, h), ref);
  } catch (e) {
    throw asJobError(e, deps.clock.now());
  }
  if (posted && (posted.channel !== ref?.channel || posted.ts !== ref.ts)) await setHandoffSlackRef(deps.db, h.id, posted, deps.clock.now());
}

/** desk.crm: POSTs one handoff event to the CRM, signed. */
async function notifyCrm(deps: DeskDeps, payload: z.output<typeof CrmPayload>, signal: AbortSignal): Promise<void> {
  if (!deps.crm) return;
  const h = await getHandoff(deps.db, payload.handoffId);
  if (!h) throw new PermanentJobError(`handoff ${payload.handoffId} does not exist`, { code: 'HANDOFF_NOT_FOUND' });
  const occurredAt = payload.event === 'handoff.created' ? h.createdAt : (h.outcomeAt ?? h.updatedAt);
  await deliverCrmEvent(
    deps.crm,
    { id: crmEventId(h.id, payload.event), event: payload.event, occurredAt: occurredAt.toISOString(), handoff: toView(deps.team, h) },
    { now: deps.clock.now(), signal, ...(deps.fetch ? { fetch: deps.fetch } : {}) },
  );
}

const HandoffPayload = z.object({ handoffId: z.string().uuid() });

/** The handoff's jobs: the AE's message, the brief's email, the CRM webhook. */
export function handoffTasks(deps: DeskDeps): TaskHandlers {
  return {
    [HANDOFF_TASK]: defineTask(HandoffPayload, (p) => notifyAe(deps, p.handoffId)),
    [HANDOFF_EMAIL_TASK]: defineTask(HandoffPayload, (p) => emailBrief(deps, p.handoffId)),
    [CRM_TASK]: defineTask(CrmPayload, (p, ctx) => notifyCrm(deps, p, ctx.signal)),
  };
}

/** For callers that take a free-form outcome (the API, Slack buttons): a clear error for anything else. */
export function parseOutcome(value: string): HandoffOutcome {
  if (value === 'sql' || value === 'rejected' || value === 'won' || value === 'lost') return value;
  throw new ValidationError(`unknown outcome "${value}": one of sql, rejected, won, lost`, { outcome: value }, 'HANDOFF_BAD_OUTCOME');
}
