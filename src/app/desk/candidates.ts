import type { Queryable } from '../../adapters/db/db.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import {
  getCandidate,
  insertCandidate,
  latestQualificationId,
  listCandidates,
  dueSnoozes,
  undecidedCandidateOf,
  updateCandidate,
  type CandidatePatch,
  type DeskCandidate,
} from '../../adapters/db/store/candidates.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { getLeadById } from '../../adapters/db/store/leads.ts';
import { newId } from '../../adapters/db/store/sequences.ts';
import {
  assertUndecided,
  DecisionConflictError,
  decideCandidate,
  isUndecided,
  mergeCorrection,
  NotSdrError,
  parseBantCorrection,
  snoozeCandidate,
  StaleCandidateError,
  userIdOf,
  type Candidate,
} from '../../domain/desk/decision.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Qualification } from '../../domain/qualify/types.ts';
import { isHot } from '../../domain/desk/sla.ts';
import type { LoadedTeam } from '../../domain/desk/team.ts';
import type { AppDeps } from '../deps.ts';
import type { OutreachDeps } from '../outreach/deps.ts';
import { scheduleRecycle } from '../outreach/enrol.ts';
import { moveIfAllowed } from '../outreach/stage.ts';
import type { DeskDeps } from './deps.ts';
import { startHandoff } from './handoff.ts';
import { embedCandidate } from './similar.ts';
import { cancelSla, DESK_TASKS, dueFrom, enqueueCard, latestChannel, pickOwner, scheduleSla } from './sla.ts';

export interface OpenedCandidate {
  readonly candidate: DeskCandidate;
  /** False when the lead already had an undecided candidate and this qualification refreshed it. */
  readonly created: boolean;
}

/**
 * What opening a candidate needs: the clock and the team's zone; the team too, to assign an owner and
 * a due time at once. The inbound pipeline passes its OutreachDeps, which carry the team when the
 * composition root built DeskDeps for the worker; without it the candidate is assigned by a
 * `desk.assign` job instead (deskTasks), from its creation time all the same.
 */
export type OpenDeps = Pick<OutreachDeps, 'clock' | 'settings'> & { readonly team?: LoadedTeam };

/**
 * Opens the lead's MQL candidate in the caller's transaction, or, when the lead already has an
 * undecided one, refreshes it with the newer qualification (new messages from the same lead update
 * the card in place; a snoozed card wakes up, since the lead said something new, and its SLA clock
 * restarts from now). Locks the lead, so two qualifications of one lead at once still make one
 * candidate. `qualificationId` defaults to the lead's newest qualification row.
 *
 * A new candidate gets an owner (in turn, or by territory), a hot flag (web form or chat lead with a
 * hot grade) and a due time in business minutes of the desk hours; its reminder, escalation and card
 * jobs are queued in the same transaction. Its conversation (the lead's own words) is embedded for
 * the similar-candidates view; a refresh embeds it again.
 */
export async function openCandidate(
  deps: OpenDeps,
  tx: Queryable,
  input: { leadId: string; qualification: Qualification; qualificationId?: string | null; dueAt?: Date | null },
): Promise<OpenedCandidate> {
  const at = deps.clock.now();
  const lead = await getLeadById(tx, input.leadId, { forUpdate: true });
  if (!lead) throw new NotFoundError('lead', input.leadId);
  const qualificationId = input.qualificationId !== undefined ? input.qualificationId : await latestQualificationId(tx, input.leadId);
  const facts = { leadId: input.leadId, qualificationId, score: input.qualification.score, intent: input.qualification.intent };
  const existing = await undecidedCandidateOf(tx, input.leadId, { forUpdate: true });
  if (existing) {
    const woke = existing.status === 'snoozed';
    const team = deps.team;
    const dueAt = woke && team && existing.dueAt ? dueFrom({ ...deps, team }, at, existing.hot) : undefined;
    const patch: CandidatePatch = { qualification: input.qualification, qualificationId, ...(woke ? { status: 'open', snoozedUntil: null } : {}), ...(dueAt ? { dueAt, remindedAt: null } : {}) };
    const candidate = await updateCandidate(tx, existing.id, existing.version, patch, at, { undecidedOnly: true, refresh: true });
    if (!candidate) throw new Error('a locked candidate changed under its lock');
    if (dueAt && team) await scheduleSla(tx, team, candidate.id, dueAt, at);
    await embedCandidate(tx, candidate, at);
    await enqueueCard(tx, candidate.id, at);
    await appendAudit(tx, { actor: 'system:qualify', action: 'candidate.updated', subjectType: 'candidate', subjectId: candidate.id, data: { ...facts, woke } }, at);
    return { candidate, created: false };
  }
  const id = newId();
  let assigned: { owner: string; hot: boolean; dueAt: Date } | null = null;
  if (deps.team) {
    const team = deps.team;
    const hot = isHot({ channel: await latestChannel(tx, lead.id), grade: input.qualification.grade }, team.sla);
    const owner = await pickOwner(tx, team, lead, null);
    assigned = { owner: `user:${owner.id}`, hot, dueAt: input.dueAt ?? dueFrom({ ...deps, team }, at, hot) };
  }
  const candidate = await insertCandidate(
    tx,
    { id, leadId: input.leadId, qualificationId, qualification: input.qualification, owner: assigned?.owner ?? null, hot: assigned?.hot ?? false, dueAt: assigned?.dueAt ?? input.dueAt ?? null },
    at,
  );
  if (deps.team && candidate.dueAt) await scheduleSla(tx, deps.team, candidate.id, candidate.dueAt, at);
  else await addJob(tx, { task: DESK_TASKS.assign, payload: { candidateId: candidate.id }, key: `desk.assign:${candidate.id}` }, at);
  await embedCandidate(tx, candidate, at);
  await enqueueCard(tx, candidate.id, at);
  await appendAudit(
    tx,
    {
      actor: 'system:qualify',
      action: 'candidate.opened',
      subjectType: 'candidate',
      subjectId: candidate.id,
      data: { ...facts, owner: candidate.owner, hot: candidate.hot, dueAt: candidate.dueAt?.toISOString() ?? null },
    },
    at,
  );
  return { candidate, created: true };
}

/** Refuses anyone outside the SDR group. */
async function requireSdr(deps: DeskDeps, actor: string): Promise<void> {
  if (!(await deps.isSdr(userIdOf(actor)))) {
    deps.logger.warn({ actor }, 'desk: refused an action by someone outside the SDR group');
    throw new NotSdrError(actor);
  }
}

/** Reads and locks a candidate, refusing a stale version when the caller names the one it showed. */
async function lockCandidate(tx: Queryable, candidateId: string, expectedVersion: number | undefined): Promise<DeskCandidate> {
  const c = await getCandidate(tx, candidateId, { forUpdate: true });
  if (!c) throw new NotFoundError('candidate', candidateId);
  assertUndecided(c);
  if (expectedVersion !== undefined && c.version !== expectedVersion) throw new StaleCandidateError(c.id, expectedVersion, c.version);
  return c;
}

async function apply(tx: Queryable, c: Candidate, patch: CandidatePatch, at: Date): Promise<DeskCandidate> {
  const updated = await updateCandidate(tx, c.id, c.version, patch, at, { undecidedOnly: true });
  if (updated) return updated;
  // Only reachable without the row lock (it is held here); kept so the rule never rests on it alone.
  const now = await getCandidate(tx, c.id);
  if (now && !isUndecided(now.status)) throw new DecisionConflictError(now);
  throw new StaleCandidateError(c.id, c.version, now?.version ?? -1);
}

export interface DecideInput {
  readonly candidateId: string;
  readonly action: 'approve' | 'reject';
  /** The person deciding: `user:<id>`. */
  readonly by: string;
  /** Required for a rejection: one of REJECT_REASONS. */
  readonly reason?: string;
  readonly note?: string;
  /** The version the deciding card showed; a newer candidate (a fresh message came in) is refused as stale. */
  readonly expectedVersion?: number;
}

/**
 * Records an SDR's decision and moves the lead: approve -> mql; reject -> nurture with the recycle
 * branch scheduled, or disqualified for spam, competitor and bad fit (see DISQUALIFYING_REASONS).
 * The first decision wins: the lead, then the candidate, are locked, so a double click or two SDRs
 * at once end with one decision and a DecisionConflictError naming the winner for the others. A lead
 * that left the funnel meanwhile (unsubscribed, bounced) keeps its stage: the decision is recorded,
 * the lifecycle refuses the move, and the audit entry says where the lead stayed.
 * The SLA jobs are cancelled, the card is updated, and an approval hands the lead to an AE
 * (startHandoff) in the same transaction.
 */
export async function decide(deps: DeskDeps, input: DecideInput): Promise<DeskCandidate> {
  await requireSdr(deps, input.by);
  const decided = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const peek = await getCandidate(tx, input.candidateId);
    if (!peek) throw new NotFoundError('candidate', input.candidateId);
    // Lead before candidate, the order the inbound pipeline takes them in, so the two never deadlock.
    const lead = await getLeadById(tx, peek.leadId, { forUpdate: true });
    if (!lead) throw new NotFoundError('lead', peek.leadId);
    const c = await getCandidate(tx, input.candidateId, { forUpdate: true });
    if (!c) throw new NotFoundError('candidate', input.candidateId);
    const d = decideCandidate(c, input, at);
    if (input.expectedVersion !== undefined && c.version !== input.expectedVersion) throw new StaleCandidateError(c.id, input.expectedVersion, c.version);
    const updated = await apply(tx, c, { status: d.status, decidedAt: d.decidedAt, decidedBy: d.decidedBy, rejectReason: d.rejectReason, note: d.note, snoozedUntil: null }, at);
    const why = d.status === 'approved' ? 'approved by an SDR' : `rejected by an SDR: ${d.rejectReason ?? ''}`;
    const stage = await moveIfAllowed(tx, lead, d.leadTo, input.by, why, at);
    const recycled = stage === 'nurture' && d.leadTo === 'nurture';
    if (recycled) await scheduleRecycle(deps, tx, lead.id, at);
    await cancelSla(tx, c.id, at);
    const handoff = d.status === 'approved' ? await startHandoff(deps, tx, { candidate: updated, lead, by: input.by, at }) : null;
    await enqueueCard(tx, c.id, at);
    await appendAudit(
      tx,
      {
        actor: input.by,
        action: `candidate.${d.status}`,
        subjectType: 'candidate',
        subjectId: c.id,
        // Ids and codes only: the note stays on the candidate, out of the log.
        data: { leadId: lead.id, reason: d.rejectReason, hasNote: d.note !== null, stage: { from: lead.stage, to: stage }, recycled, version: updated.version, handoffId: handoff?.handoffId ?? null },
      },
      at,
    );
    return updated;
  });
  deps.wake?.();
  return decided;
}

/**
 * Stores an SDR's correction of the machine's BANT beside it (never over it); successive edits merge
 * field by field. The correction is validated (zod); the audit entry names the corrected fields.
 */
export async function editBant(deps: DeskDeps, input: { candidateId: string; by: string; correction: unknown; expectedVersion?: number }): Promise<DeskCandidate> {
  await requireSdr(deps, input.by);
  const correction = parseBantCorrection(input.correction);
  const edited = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const c = await lockCandidate(tx, input.candidateId, input.expectedVersion);
    const updated = await apply(tx, c, { bantCorrection: mergeCorrection(c.bantCorrection, correction) }, at);
    const fields = (['budget', 'authority', 'need', 'timeline'] as const).flatMap((k) => Object.keys(correction[k] ?? {}).sort().map((f) => `${k}.${f}`));
    await appendAudit(tx, { actor: input.by, action: 'candidate.bant_edited', subjectType: 'candidate', subjectId: c.id, data: { leadId: c.leadId, fields, version: updated.version } }, at);
    await enqueueCard(tx, c.id, at);
    return updated;
  });
  deps.wake?.();
  return edited;
}

/**
 * Sets an undecided candidate aside until `until`; it comes back to the open queue then (wakeSnoozed,
 * run by the desk.sweep job). A snooze pauses the SLA: the due time moves to `until` plus the full SLA
 * in desk minutes (the clock restarts when it wakes, it does not resume), and the reminder and
 * escalation move with it. A snooze is a decision to look later, not a way to breach quietly.
 */
export async function snooze(deps: DeskDeps, input: { candidateId: string; by: string; until: Date }): Promise<DeskCandidate> {
  await requireSdr(deps, input.by);
  const snoozed = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const c = await lockCandidate(tx, input.candidateId, undefined);
    const s = snoozeCandidate(c, input.until, at);
    const dueAt = dueFrom(deps, s.snoozedUntil, c.hot);
    const updated = await apply(tx, c, { ...s, dueAt, remindedAt: null }, at);
    await scheduleSla(tx, deps.team, c.id, dueAt, at);
    await enqueueCard(tx, c.id, at);
    await appendAudit(
      tx,
      { actor: input.by, action: 'candidate.snoozed', subjectType: 'candidate', subjectId: c.id, data: { leadId: c.leadId, until: s.snoozedUntil.toISOString(), dueAt: dueAt.toISOString() } },
      at,
    );
    return updated;
  });
  deps.wake?.();
  return snoozed;
}

/**
 * Gives an undecided candidate to another SDR (`owner` is `user:<id>` and must be in the SDR group).
 * The due time stays (the lead has waited as long as it has); the reminder restarts for the new owner.
 */
export async function reassign(deps: DeskDeps, input: { candidateId: string; by: string; owner: string }): Promise<DeskCandidate> {
  await requireSdr(deps, input.by);
  if (!(await deps.isSdr(userIdOf(input.owner)))) throw new NotSdrError(input.owner);
  const reassigned = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const c = await lockCandidate(tx, input.candidateId, undefined);
    const updated = await apply(tx, c, { owner: input.owner, remindedAt: null }, at);
    if (updated.dueAt) await scheduleSla(tx, deps.team, c.id, updated.dueAt, at);
    await enqueueCard(tx, c.id, at);
    await appendAudit(tx, { actor: input.by, action: 'candidate.reassigned', subjectType: 'candidate', subjectId: c.id, data: { leadId: c.leadId, from: c.owner, to: input.owner } }, at);
    return updated;
  });
  deps.wake?.();
  return reassigned;
}

/** Brings candidates whose snooze has ended back to the open queue (their cards updated). Returns the woken ones. */
export async function wakeSnoozed(deps: Pick<AppDeps, 'db' | 'clock'>): Promise<DeskCandidate[]> {
  return deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const woken: DeskCandidate[] = [];
    for (const c of await dueSnoozes(tx, at)) {
      const updated = await apply(tx, c, { status: 'open', snoozedUntil: null }, at);
      await enqueueCard(tx, c.id, at);
      await appendAudit(tx, { actor: 'system:desk', action: 'candidate.woken', subjectType: 'candidate', subjectId: c.id, data: { leadId: c.leadId } }, at);
      woken.push(updated);
    }
    return woken;
  });
}

/** The open queue, most urgent first; snoozes that have ended are woken first. */
export async function listOpenCandidates(deps: Pick<AppDeps, 'db' | 'clock'>): Promise<DeskCandidate[]> {
  await wakeSnoozed(deps);
  return listCandidates(deps.db, ['open']);
}
