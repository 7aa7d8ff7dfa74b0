import { z } from 'zod';
import { getCandidate, markReminded, setCardRef, undecidedWithoutCard } from '../../adapters/db/store/candidates.ts';
import { getLeadById } from '../../adapters/db/store/leads.ts';
import { DeferJobError, PermanentJobError } from '../../adapters/queue/errors.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import type { JobContext, TaskHandlers } from '../../adapters/queue/task.ts';
import { defineTask } from '../../adapters/queue/task.ts';
import { nextSummaryAt } from '../../domain/desk/sla.ts';
import { findPerson, type Person } from '../../domain/desk/team.ts';
import { wakeSnoozed } from './candidates.ts';
import { loadCard } from './card.ts';
import type { DeskDeps } from './deps.ts';
import { NotifierError, type MessageRef } from './notifier.ts';
import { assignCandidate, DESK_TASKS, deskZone, enqueueCard, escalateCandidate, slaJobApplies } from './sla.ts';
import { deskStats } from './stats.ts';

/** How often desk.sweep wakes ended snoozes and retries cards a chat outage held back. */
export const SWEEP_EVERY_MS = 5 * 60_000;

const CandidatePayload = z.object({ candidateId: z.uuid() });
const SlaPayload = z.object({ candidateId: z.uuid(), dueAt: z.iso.datetime() });
const EscalatedPayload = z.object({ candidateId: z.uuid(), from: z.string().nullable(), to: z.string(), escalation: z.number().int().min(1) });

const idOf = (actor: string | null): string | null => (actor?.startsWith('user:') ? actor.slice('user:'.length) : actor);

/**
 * A notifier call failed. Rate limited (retryable with a retry-after): the job comes back at that
 * time without using an attempt. Other retryable failures: the usual backoff. Non-retryable ones (an
 * archived channel, a revoked token): logged as an error and the job fails; the candidate is untouched,
 * so it stays in the queue and in the review console, and desk.sweep posts its card once Slack works.
 */
function notifierFailed(e: unknown, ctx: JobContext, what: string, candidateId: string): never {
  if (!(e instanceof NotifierError)) throw e;
  if (e.retryable) {
    if (e.retryAfterMs !== null) throw new DeferJobError(new Date(ctx.clock.now().getTime() + Math.max(0, e.retryAfterMs)), `${what}: ${e.message}`);
    throw e;
  }
  ctx.logger.error({ candidateId, code: e.code }, `desk: ${what} failed and will not be retried (${e.message}); the candidate stays queued and visible in the console`);
  throw new PermanentJobError(`${what}: ${e.message}`, { code: e.code, cause: e, details: { candidateId } });
}

const refOf = (c: { slackChannel: string | null; slackTs: string | null }): MessageRef | null => (c.slackChannel && c.slackTs ? { channel: c.slackChannel, ts: c.slackTs } : null);

/** desk.card: posts the card, or updates it in place; records where it was first posted. */
async function showCard(deps: DeskDeps, candidateId: string, ctx: JobContext): Promise<void> {
  const c = await getCandidate(deps.db, candidateId);
  if (!c) {
    ctx.logger.warn({ candidateId }, 'desk: no card for a candidate that no longer exists');
    return;
  }
  const card = await loadCard(deps, candidateId);
  const ref = refOf(c);
  let posted: MessageRef | null;
  try {
    posted = await deps.notifier.showCard(card, ref);
  } catch (e) {
    notifierFailed(e, ctx, 'posting the candidate card', candidateId);
  }
  if (posted && !ref && !(await setCardRef(deps.db, candidateId, posted))) {
    // Two card jobs raced past an outage and both posted: the first recorded message is the card.
    ctx.logger.warn({ candidateId }, 'desk: a second card was posted for one candidate; the first one is kept as the card');
  }
}

/** desk.sla.remind: tells the owner the candidate is due soon, once per due time. */
async function remind(deps: DeskDeps, p: z.output<typeof SlaPayload>, ctx: JobContext): Promise<void> {
  const c = await getCandidate(deps.db, p.candidateId);
  if (!slaJobApplies(c, p.dueAt, ctx.clock.now()) || c.remindedAt) return;
  const owner = findPerson(deps.team, idOf(c.owner) ?? '');
  if (!owner) {
    ctx.logger.warn({ candidateId: c.id, owner: c.owner }, 'desk: the owner is not on the team file any more; no reminder (the escalation will reassign)');
    return;
  }
  try {
    await deps.notifier.remind(owner, await loadCard(deps, c.id), refOf(c));
  } catch (e) {
    notifierFailed(e, ctx, 'reminding the owner', c.id);
  }
  await markReminded(deps.db, c.id, ctx.clock.now());
}

/** desk.sla.escalate: the SLA lapsed; reassign and queue the notice (see escalateCandidate). */
async function escalate(deps: DeskDeps, p: z.output<typeof SlaPayload>): Promise<void> {
  const done = await deps.db.transaction((tx) => escalateCandidate(deps, tx, p.candidateId, p.dueAt));
  if (done) deps.wake?.();
}

/** desk.sla.escalated: tells the channel (card thread) and the team lead that the SLA lapsed and who owns it now. */
async function escalated(deps: DeskDeps, p: z.output<typeof EscalatedPayload>, ctx: JobContext): Promise<void> {
  const c = await getCandidate(deps.db, p.candidateId);
  if (!c) return;
  const person = (actor: string | null): Person | null => {
    const id = idOf(actor);
    return id ? (findPerson(deps.team, id) ?? { id, name: id, territories: [] }) : null;
  };
  const to = person(p.to);
  if (!to) return;
  try {
    await deps.notifier.escalate({ card: await loadCard(deps, c.id), ref: refOf(c), from: person(p.from), to, teamLead: deps.team.team_lead });
  } catch (e) {
    notifierFailed(e, ctx, 'announcing the escalation', c.id);
  }
}

/** desk.assign: owner and due time for a candidate opened without the team at hand. */
async function assign(deps: DeskDeps, candidateId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const peek = await getCandidate(tx, candidateId);
    if (!peek) return;
    const lead = await getLeadById(tx, peek.leadId, { forUpdate: true });
    const c = await getCandidate(tx, candidateId, { forUpdate: true });
    if (!lead || !c) return;
    const assigned = await assignCandidate(deps, tx, c, lead);
    if (assigned !== c) await enqueueCard(tx, c.id, deps.clock.now());
  });
  deps.wake?.();
}

function summaryAfter(deps: DeskDeps, after: Date): Date {
  const { zone, country } = deskZone(deps);
  return nextSummaryAt(after, deps.team.sla.summary_at, zone, deps.team.deskHours, country);
}

/** desk.summary: schedules tomorrow's first (so a failing post never ends the series), then posts today's. */
async function summary(deps: DeskDeps, ctx: JobContext): Promise<void> {
  const now = ctx.clock.now();
  await addJob(deps.db, { task: DESK_TASKS.summary, key: DESK_TASKS.summary, runAt: summaryAfter(deps, now) }, now);
  try {
    await deps.notifier.summary(await deskStats(deps));
  } catch (e) {
    notifierFailed(e, ctx, 'posting the daily summary', '-');
  }
}

/** desk.sweep: wakes ended snoozes, re-queues cards never posted (Slack was down), and schedules the next sweep. */
async function sweep(deps: DeskDeps, ctx: JobContext): Promise<void> {
  const now = ctx.clock.now();
  await wakeSnoozed(deps);
  if (deps.notifier.kind === 'slack') {
    const pending = await undecidedWithoutCard(deps.db);
    for (const c of pending) await enqueueCard(deps.db, c.id, now);
    if (pending.length) ctx.logger.info({ count: pending.length }, 'desk: re-queued cards that were never posted');
  }
  await addJob(deps.db, { task: DESK_TASKS.sweep, key: DESK_TASKS.sweep, runAt: new Date(now.getTime() + SWEEP_EVERY_MS) }, now);
}

/** The desk's jobs, for the worker (main.ts merges them with the outreach and handoff tasks). */
export function deskTasks(deps: DeskDeps): TaskHandlers {
  return {
    [DESK_TASKS.card]: defineTask(CandidatePayload, (p, ctx) => showCard(deps, p.candidateId, ctx)),
    [DESK_TASKS.assign]: defineTask(CandidatePayload, (p) => assign(deps, p.candidateId)),
    [DESK_TASKS.remind]: defineTask(SlaPayload, (p, ctx) => remind(deps, p, ctx)),
    [DESK_TASKS.escalate]: defineTask(SlaPayload, (p) => escalate(deps, p)),
    [DESK_TASKS.escalated]: defineTask(EscalatedPayload, (p, ctx) => escalated(deps, p, ctx)),
    [DESK_TASKS.summary]: defineTask(z.object({}).passthrough(), (_p, ctx) => summary(deps, ctx)),
    [DESK_TASKS.sweep]: defineTask(z.object({}).passthrough(), (_p, ctx) => sweep(deps, ctx)),
  };
}

/** Adds the first daily summary and sweep unless they are queued already; main.ts calls it at start. */
export async function ensureDeskSchedules(deps: DeskDeps): Promise<void> {
  const now = deps.clock.now();
  await addJob(deps.db, { task: DESK_TASKS.summary, key: DESK_TASKS.summary, runAt: summaryAfter(deps, now) }, now);
  await addJob(deps.db, { task: DESK_TASKS.sweep, key: DESK_TASKS.sweep, runAt: now }, now);
  deps.wake?.();
}

