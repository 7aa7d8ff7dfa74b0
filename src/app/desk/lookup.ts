import { appendAudit } from '../../adapters/db/store/audit.ts';
import { undecidedCandidateOf, candidatesOfLead } from '../../adapters/db/store/candidates.ts';
import { latestQualification } from '../../adapters/db/store/conversations.ts';
import { latestHandoffOfLead } from '../../adapters/db/store/handoffs.ts';
import { getLeadByEmail } from '../../adapters/db/store/leads.ts';
import { cancelPendingOutbox } from '../../adapters/db/store/outbox.ts';
import { listEnrolments, updateEnrolment, type Enrolment } from '../../adapters/db/store/sequences.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { cancelJobs } from '../../adapters/queue/jobs-admin.ts';
import { actorUserId, isApiActor, type CandidateStatus } from '../../domain/desk/decision.ts';
import { findPerson } from '../../domain/desk/team.ts';
import type { HandoffStatus } from '../../domain/desk/views.ts';
import { BatonError, ValidationError } from '../../domain/errors.ts';
import { isValidEmail, leadDisplayName, normalizeEmail } from '../../domain/lead.ts';
import type { Stage } from '../../domain/lifecycle.ts';
import type { Lead } from '../../domain/records.ts';
import { ADVANCE_TASK, advanceKey } from '../outreach/enrol.ts';
import type { DeskDeps } from './deps.ts';

/**
 * Lead lookups for the `/baton` slash command (find, pause, resume) and the review console: one
 * email in, a short answer out. A manual pause is marked by its reason (MANUAL_PAUSE prefix) and has
 * no end date, so the sequence engine's automatic resume (an out-of-office's return day) never wakes it.
 */

/** Prefix of pause_reason on enrolments a person paused by hand. */
export const MANUAL_PAUSE = 'manual:';

export interface LeadSummary {
  readonly lead: { readonly id: string; readonly email: string; readonly name: string | null; readonly title: string | null; readonly company: string | null; readonly stage: Stage };
  /** The newest qualification's score and grade; null when the lead never replied. */
  readonly score: number | null;
  readonly grade: 'A' | 'B' | 'C' | 'D' | null;
  /** Live (active or paused) sequence enrolments. */
  readonly enrolments: readonly { readonly id: string; readonly sequenceId: string; readonly status: 'active' | 'paused'; readonly step: number; readonly pausedUntil: Date | null; readonly pauseReason: string | null; readonly manual: boolean }[];
  /** The undecided candidate, else the newest decided one; null when the lead never was a candidate. */
  readonly candidate: { readonly id: string; readonly status: CandidateStatus; readonly owner: string | null; readonly dueAt: Date | null } | null;
  readonly handoff: { readonly id: string; readonly ae: string; readonly status: HandoffStatus } | null;
}

export class UnknownLeadError extends BatonError {
  constructor(email: string) {
    super('LEAD_UNKNOWN_EMAIL', `no lead has the email ${email}; check the spelling (find takes the full address)`, { fault: 'user', details: { email } });
  }
}

/** Pause or resume found nothing to act on; the message says what the lead's sequences are doing. */
export class NothingToDoError extends BatonError {
  constructor(message: string, details: Record<string, unknown>) {
    super('LEAD_NOTHING_TO_DO', message, { fault: 'user', details });
  }
}

function parseEmail(raw: string): string {
  // Slack formats an address in a command as <mailto:a@b.c|a@b.c>.
  const email = normalizeEmail(raw.trim().replace(/^<mailto:([^|>]+)(?:\|[^>]*)?>$/i, '$1'));
  if (!isValidEmail(email)) throw new ValidationError(`"${raw}" is not an email address`, { email: raw }, 'LEAD_BAD_EMAIL');
  return email;
}

async function leadOf(deps: Pick<DeskDeps, 'db'>, raw: string): Promise<Lead> {
  const email = parseEmail(raw);
  const lead = await getLeadByEmail(deps.db, email);
  if (!lead) throw new UnknownLeadError(email);
  return lead;
}

const isLive = (e: Enrolment): e is Enrolment & { status: 'active' | 'paused' } => e.status === 'active' || e.status === 'paused';
const isManual = (e: Pick<Enrolment, 'status' | 'pauseReason'>): boolean => e.status === 'paused' && (e.pauseReason ?? '').startsWith(MANUAL_PAUSE);

export async function findLead(deps: Pick<DeskDeps, 'db'>, email: string): Promise<LeadSummary> {
  const lead = await leadOf(deps, email);
  const q = await latestQualification(deps.db, lead.id);
  const enrolments = (await listEnrolments(deps.db, lead.id)).filter(isLive);
  const candidate = (await undecidedCandidateOf(deps.db, lead.id)) ?? (await candidatesOfLead(deps.db, lead.id)).at(-1) ?? null;
  const handoff = await latestHandoffOfLead(deps.db, lead.id);
  return {
    lead: { id: lead.id, email: lead.email, name: leadDisplayName(lead), title: lead.title ?? null, company: lead.company ?? null, stage: lead.stage },
    score: q ? q.score : null,
    grade: q?.grade ?? null,
    enrolments: enrolments.map((e) => ({ id: e.id, sequenceId: e.sequenceId, status: e.status, step: e.stepIndex, pausedUntil: e.pausedUntil, pauseReason: e.pauseReason, manual: isManual(e) })),
    candidate: candidate ? { id: candidate.id, status: candidate.status, owner: candidate.owner, dueAt: candidate.dueAt } : null,
    handoff: handoff ? { id: handoff.id, ae: handoff.ae, status: handoff.status } : null,
  };
}

/** The summary in a few lines of plain text (Slack mrkdwn-safe), for `/baton find`. */
export function summaryLines(s: LeadSummary): string[] {
  const who = [s.lead.name ?? s.lead.email, s.lead.title, s.lead.company].filter(Boolean).join(', ');
  const lines = [`${who} <${s.lead.email}>: stage ${s.lead.stage}${s.score !== null ? `, score ${s.score}${s.grade ? ` (${s.grade})` : ''}` : ''}`];
  if (s.enrolments.length === 0) lines.push('No live sequence.');
  for (const e of s.enrolments) {
    const paused = e.status === 'paused' ? ` (paused${e.manual ? ' by hand' : ''}${e.pausedUntil ? ` until ${e.pausedUntil.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''})` : '';
    lines.push(`Sequence ${e.sequenceId}, step ${e.step + 1}: ${e.status}${paused}`);
  }
  if (s.candidate) lines.push(`Candidate: ${s.candidate.status}${s.candidate.owner ? `, owner ${s.candidate.owner}` : ''}`);
  if (s.handoff) lines.push(`Handoff to ${s.handoff.ae}: ${s.handoff.status}`);
  return lines;
}

/** People on the team (SDRs, team lead, AEs) and API callers may pause and resume. */
async function requireTeam(deps: DeskDeps, actor: string): Promise<void> {
  if (isApiActor(actor)) return;
  const id = actorUserId(actor);
  if (id && ((await deps.isSdr(id)) || findPerson(deps.team, id))) return;
  throw new BatonError('DESK_NOT_TEAM', `${actor} is not on the sales team; only SDRs, the team lead and AEs may pause or resume a lead`, { fault: 'user', details: { actor } });
}

export interface PauseResult {
  readonly leadId: string;
  /** The enrolments that changed. */
  readonly enrolments: readonly { readonly id: string; readonly sequenceId: string }[];
}

/**
 * Pauses the lead's live sequence enrolments until someone resumes them: the unsent email is
 * cancelled and the next step's job removed. The pause has no end date and a MANUAL_PAUSE reason,
 * so neither an out-of-office's return day nor an earlier automatic pause brings the sequence back.
 */
export async function pauseLead(deps: DeskDeps, input: { email: string; by: string }): Promise<PauseResult> {
  await requireTeam(deps, input.by);
  const lead = await leadOf(deps, input.email);
  return deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    await tx.query('SELECT 1 FROM leads WHERE id = $1 FOR UPDATE', [lead.id]);
    const live = (await listEnrolments(tx, lead.id)).filter(isLive);
    if (live.length === 0) throw new NothingToDoError(`${lead.email} is in no live sequence: there is nothing to pause`, { leadId: lead.id });
    const todo = live.filter((e) => !isManual(e));
    if (todo.length === 0) throw new NothingToDoError(`${lead.email} is already paused by hand; resume it to start again`, { leadId: lead.id });
    for (const e of todo) {
      if (e.pendingOutboxId) await cancelPendingOutbox(tx, { id: e.pendingOutboxId }, 'paused by hand', at);
      await updateEnrolment(tx, e.id, { status: 'paused', pausedUntil: null, pauseReason: `${MANUAL_PAUSE} paused by ${input.by}`, pendingOutboxId: null }, at);
      await cancelJobs(tx, { key: advanceKey(e.id) }, at);
      await appendAudit(
        tx,
        { actor: input.by, action: 'enrolment.paused', subjectType: 'lead', subjectId: lead.id, data: { enrolmentId: e.id, sequenceId: e.sequenceId, from: e.status, pausedUntil: e.pausedUntil?.toISOString() ?? null, manual: true } },
        at,
      );
    }
    return { leadId: lead.id, enrolments: todo.map((e) => ({ id: e.id, sequenceId: e.sequenceId })) };
  });
}

/**
 * Resumes the lead's paused enrolments now (a paused one, whatever paused it: a person asking is
 * reason enough); the sequence continues from its current step within its send window.
 */
export async function resumeLead(deps: DeskDeps, input: { email: string; by: string }): Promise<PauseResult> {
  await requireTeam(deps, input.by);
  const lead = await leadOf(deps, input.email);
  const r = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    await tx.query('SELECT 1 FROM leads WHERE id = $1 FOR UPDATE', [lead.id]);
    const live = (await listEnrolments(tx, lead.id)).filter(isLive);
    if (live.length === 0) throw new NothingToDoError(`${lead.email} is in no live sequence: there is nothing to resume`, { leadId: lead.id });
    const paused = live.filter((e) => e.status === 'paused');
    if (paused.length === 0) throw new NothingToDoError(`${lead.email} is not paused: its sequence is running`, { leadId: lead.id });
    for (const e of paused) {
      await updateEnrolment(tx, e.id, { status: 'active', pausedUntil: null, pauseReason: null }, at);
      await addJob(tx, { task: ADVANCE_TASK, payload: { enrolmentId: e.id }, key: advanceKey(e.id), runAt: at, ifKeyExists: 'replace' }, at);
      await appendAudit(tx, { actor: input.by, action: 'enrolment.resumed', subjectType: 'lead', subjectId: lead.id, data: { enrolmentId: e.id, sequenceId: e.sequenceId, wasManual: isManual(e) } }, at);
    }
    return { leadId: lead.id, enrolments: paused.map((e) => ({ id: e.id, sequenceId: e.sequenceId })) };
  });
  deps.wake?.();
  return r;
}
