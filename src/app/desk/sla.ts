import type { Queryable } from '../../adapters/db/db.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { getCandidate, updateCandidate, type DeskCandidate } from '../../adapters/db/store/candidates.ts';
import { nextTurn } from '../../adapters/db/store/counters.ts';
import { getLeadById, listSources } from '../../adapters/db/store/leads.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { cancelJobs } from '../../adapters/queue/jobs-admin.ts';
import { isUndecided } from '../../domain/desk/decision.ts';
import { addDeskMinutes, isHot, remindAt, slaMinutes, teamCountry } from '../../domain/desk/sla.ts';
import { pickPerson, type LoadedTeam, type Person } from '../../domain/desk/team.ts';
import type { Lead } from '../../domain/records.ts';
import type { DeskDeps } from './deps.ts';

/**
 * The desk's service levels as jobs: each undecided candidate has an owner and a due time; a
 * `desk.sla.remind` job reminds the owner before it, a `desk.sla.escalate` job reassigns it after it.
 * Both carry the due time they were made for, so a job left over from an earlier due time (the
 * candidate was snoozed, escalated or decided meanwhile) does nothing.
 */

export const DESK_TASKS = {
  card: 'desk.card',
  assign: 'desk.assign',
  remind: 'desk.sla.remind',
  escalate: 'desk.sla.escalate',
  escalated: 'desk.sla.escalated',
  summary: 'desk.summary',
  sweep: 'desk.sweep',
} as const;

/** What the SLA rules read: the team (owners, SLA settings, desk hours) and the team's zone. */
export type SlaDeps = Pick<DeskDeps, 'clock' | 'team' | 'settings'>;

/** The team's zone (BATON_TIME_ZONE, the senders' zone) and its country for holidays (see teamCountry). */
export function deskZone(deps: Pick<DeskDeps, 'settings'>): { zone: string; country: string | null } {
  return { zone: deps.settings.senderZone, country: teamCountry(deps.settings.senderZone) };
}

/** The due time of a candidate whose SLA clock starts at `from`. */
export function dueFrom(deps: SlaDeps, from: Date, hot: boolean): Date {
  const { zone, country } = deskZone(deps);
  return addDeskMinutes(from, slaMinutes(hot, deps.team.sla), zone, deps.team.deskHours, country);
}

/** Queues the card job (post, or update in place). A queued one is kept: it renders the latest state when it runs. */
export async function enqueueCard(tx: Queryable, candidateId: string, now: Date): Promise<void> {
  await addJob(tx, { task: DESK_TASKS.card, payload: { candidateId }, key: `desk.card:${candidateId}` }, now);
}

/** (Re)schedules the reminder and the escalation for a due time, replacing earlier ones. */
export async function scheduleSla(tx: Queryable, team: LoadedTeam, candidateId: string, dueAt: Date, now: Date): Promise<void> {
  const payload = { candidateId, dueAt: dueAt.toISOString() };
  await addJob(tx, { task: DESK_TASKS.remind, payload, key: `desk.remind:${candidateId}`, runAt: remindAt(dueAt, team.sla, now), ifKeyExists: 'replace' }, now);
  await addJob(tx, { task: DESK_TASKS.escalate, payload, key: `desk.escalate:${candidateId}`, runAt: dueAt, ifKeyExists: 'replace' }, now);
}

/** Cancels the queued reminder and escalation (the candidate was decided). */
export async function cancelSla(tx: Queryable, candidateId: string, now: Date): Promise<void> {
  await cancelJobs(tx, { key: `desk.remind:${candidateId}` }, now);
  await cancelJobs(tx, { key: `desk.escalate:${candidateId}` }, now);
}

/** The channel of the lead's latest touch: hot candidates are those who just asked us (web form, chat). */
export async function latestChannel(tx: Queryable, leadId: string): Promise<string | null> {
  return (await listSources(tx, leadId)).at(-1)?.channel ?? null;
}

/** Picks the next owner in turn (or by territory) among the SDRs, skipping `exclude` when anyone else can take it. */
export async function pickOwner(tx: Queryable, team: LoadedTeam, lead: Pick<Lead, 'country'>, exclude: string | null): Promise<Person> {
  const turn = await nextTurn(tx, 'desk.owner');
  return pickPerson(team.sdrs, { assignment: team.assignment, country: lead.country ?? null, turn, exclude });
}

/**
 * Gives a new candidate its owner, hot flag and due time (SLA clock from its creation), and schedules
 * its reminder and escalation. Runs in the opener's transaction, or in a `desk.assign` job when the
 * opener had no team at hand. Does nothing to a candidate that has an owner or was decided.
 */
export async function assignCandidate(deps: SlaDeps, tx: Queryable, candidate: DeskCandidate, lead: Lead): Promise<DeskCandidate> {
  if (candidate.owner || !isUndecided(candidate.status)) return candidate;
  const now = deps.clock.now();
  const hot = isHot({ channel: await latestChannel(tx, lead.id), grade: candidate.qualification.grade }, deps.team.sla);
  const owner = await pickOwner(tx, deps.team, lead, null);
  const dueAt = dueFrom(deps, candidate.createdAt, hot);
  const updated = await updateCandidate(tx, candidate.id, candidate.version, { owner: `user:${owner.id}`, hot, dueAt, remindedAt: null }, now, { undecidedOnly: true });
  if (!updated) throw new Error('a locked candidate changed under its lock');
  await scheduleSla(tx, deps.team, updated.id, dueAt, now);
  await appendAudit(tx, { actor: 'system:desk', action: 'candidate.assigned', subjectType: 'candidate', subjectId: updated.id, data: { leadId: lead.id, owner: updated.owner, hot, dueAt: dueAt.toISOString() } }, now);
  return updated;
}

/** True when a job made for `dueAt` still applies: the candidate is undecided, still due then, and not asleep. */
export function slaJobApplies(c: DeskCandidate | null, dueAt: string, now: Date): c is DeskCandidate {
  if (!c || !isUndecided(c.status) || !c.dueAt || c.dueAt.toISOString() !== dueAt) return false;
  return !(c.status === 'snoozed' && c.snoozedUntil !== null && c.snoozedUntil.getTime() > now.getTime());
}

export interface Escalation {
  readonly candidate: DeskCandidate;
  readonly from: string | null;
  readonly to: string;
}

/**
 * The SLA lapsed: reassigns the candidate to someone else (in turn or by territory, never the owner
 * who let it lapse unless they are alone), counts the escalation, gives it a new due time from now,
 * schedules the next reminder and escalation and queues the card and the escalation notice. Null
 * when the job no longer applies (decided, snoozed, or the due time moved).
 */
export async function escalateCandidate(deps: SlaDeps, tx: Queryable, candidateId: string, dueAt: string): Promise<Escalation | null> {
  const now = deps.clock.now();
  const peek = await getCandidate(tx, candidateId);
  if (!slaJobApplies(peek, dueAt, now) || peek.dueAt!.getTime() > now.getTime()) return null;
  // Lead before candidate, the order every desk writer takes them in.
  const lead = await getLeadById(tx, peek.leadId, { forUpdate: true });
  const c = await getCandidate(tx, candidateId, { forUpdate: true });
  if (!lead || !slaJobApplies(c, dueAt, now)) return null;
  const lapsed = c.owner?.startsWith('user:') ? c.owner.slice('user:'.length) : null;
  const owner = await pickOwner(tx, deps.team, lead, lapsed);
  const newDue = dueFrom(deps, now, c.hot);
  const updated = await updateCandidate(
    tx,
    c.id,
    c.version,
    { owner: `user:${owner.id}`, dueAt: newDue, escalations: c.escalations + 1, escalatedAt: now, remindedAt: null, ...(c.status === 'snoozed' ? { status: 'open', snoozedUntil: null } : {}) },
    now,
    { undecidedOnly: true },
  );
  if (!updated) throw new Error('a locked candidate changed under its lock');
  await scheduleSla(tx, deps.team, c.id, newDue, now);
  await enqueueCard(tx, c.id, now);
  await addJob(tx, { task: DESK_TASKS.escalated, payload: { candidateId: c.id, from: c.owner, to: updated.owner, escalation: updated.escalations }, key: `desk.escalated:${c.id}:${updated.escalations}` }, now);
  await appendAudit(
    tx,
    {
      actor: 'system:desk',
      action: 'candidate.escalated',
      subjectType: 'candidate',
      subjectId: c.id,
      data: { leadId: c.leadId, from: c.owner, to: updated.owner, escalations: updated.escalations, lapsedDueAt: dueAt, dueAt: newDue.toISOString() },
    },
    now,
  );
  return { candidate: updated, from: c.owner, to: updated.owner ?? `user:${owner.id}` };
}
