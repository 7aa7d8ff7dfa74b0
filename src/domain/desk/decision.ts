import { z } from 'zod';
import { BatonError, ValidationError } from '../errors.ts';
import type { Stage } from '../lifecycle.ts';
import { AuthorityCriterion, BudgetCriterion, NeedCriterion, TimelineCriterion, type Bant, type Qualification } from '../qualify/types.ts';

/**
 * The SDR desk's decision record: an MQL candidate waits for one person's decision. Pure: the caller
 * passes the current record and the time. States: open -> approved | rejected; open -> snoozed -> open.
 * A snoozed candidate is still undecided: it may be decided, edited or reassigned before it wakes.
 */
export const CANDIDATE_STATUSES = ['open', 'snoozed', 'approved', 'rejected'] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];

/** Why an SDR rejected a candidate (the Reject modal's choices). */
export const REJECT_REASONS = ['no_budget', 'not_decision_maker', 'no_need', 'bad_timing', 'bad_fit', 'competitor', 'spam', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const REJECT_REASON_LABELS: Record<RejectReason, string> = {
  no_budget: 'No budget',
  not_decision_maker: 'Not the decision maker',
  no_need: 'No need',
  bad_timing: 'Bad timing',
  bad_fit: 'Bad fit',
  competitor: 'Competitor',
  spam: 'Spam',
  other: 'Other',
};

/**
 * Rejections that disqualify instead of recycling into nurture: spam is not a buyer, a competitor
 * must not get our nurture mail, and a bad fit (outside the ideal customer profile) does not become a
 * fit by waiting. Every other reason is about the moment (budget, timing, the wrong person, no need
 * yet), so the lead goes to nurture and the recycle branch takes it after the cool-off.
 */
export const DISQUALIFYING_REASONS: ReadonlySet<RejectReason> = new Set<RejectReason>(['spam', 'competitor', 'bad_fit']);

export function isRejectReason(value: string): value is RejectReason {
  return (REJECT_REASONS as readonly string[]).includes(value);
}

export function isUndecided(status: CandidateStatus): boolean {
  return status === 'open' || status === 'snoozed';
}

/** A candidate as stored. */
export interface Candidate {
  readonly id: string;
  readonly leadId: string;
  readonly qualificationId: string | null;
  /** The machine's answer the card shows: the newest qualification while undecided. */
  readonly qualification: Qualification;
  /** The SDR's correction, kept beside the machine's answer; null when nobody edited. */
  readonly bantCorrection: BantCorrection | null;
  readonly status: CandidateStatus;
  /** Actor responsible for deciding (`user:U123`), null until assigned. */
  readonly owner: string | null;
  readonly dueAt: Date | null;
  readonly snoozedUntil: Date | null;
  /** Newer qualifications that refreshed the candidate after it opened. */
  readonly refreshes: number;
  readonly decidedAt: Date | null;
  readonly decidedBy: string | null;
  readonly rejectReason: RejectReason | null;
  readonly note: string | null;
  /** Bumped by every change (optimistic concurrency for cards and modals). */
  readonly version: number;
  readonly slackChannel: string | null;
  readonly slackTs: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A candidate was already decided: says who decided, when and how, so the loser can be told. */
export class DecisionConflictError extends BatonError {
  readonly decidedBy: string;
  readonly decidedAt: Date;
  readonly status: CandidateStatus;
  constructor(candidate: Pick<Candidate, 'id' | 'status' | 'decidedBy' | 'decidedAt'>) {
    const by = candidate.decidedBy ?? 'someone';
    const at = candidate.decidedAt ?? new Date(0);
    super('DESK_ALREADY_DECIDED', `this candidate was already ${candidate.status} by ${by} at ${at.toISOString()}`, {
      fault: 'user',
      details: { candidateId: candidate.id, status: candidate.status, decidedBy: by, decidedAt: at.toISOString() },
    });
    this.decidedBy = by;
    this.decidedAt = at;
    this.status = candidate.status;
  }
}

/** The card or modal was built from an older version of the candidate. */
export class StaleCandidateError extends BatonError {
  constructor(candidateId: string, expected: number, actual: number) {
    super('DESK_STALE', `the candidate changed since it was shown (version ${expected}, now ${actual}); reload it and try again`, {
      fault: 'user',
      details: { candidateId, expected, actual },
    });
  }
}

/** Someone outside the SDR group tried to act on the desk. */
export class NotSdrError extends BatonError {
  constructor(actor: string) {
    super('DESK_NOT_SDR', `${actor} is not a member of the SDR group; only SDRs may decide or change candidates`, { fault: 'user', details: { actor } });
  }
}

/** Actors on the desk are people: `user:<id>` (a Slack user id, a console login). */
export function userIdOf(actor: string): string {
  const id = actorUserId(actor);
  if (!id) throw new ValidationError(`the actor must look like user:<id>, got "${actor}"`, { actor }, 'DESK_BAD_ACTOR');
  return id;
}

/** The person's id in a `user:<id>` actor; null for any other actor (the system, an API caller). */
export function actorUserId(actor: string): string | null {
  return /^user:(\S+)$/.exec(actor)?.[1] ?? null;
}

/** An HTTP API caller acting as itself: with the key, or from loopback when no key is set. */
export function isApiActor(actor: string): boolean {
  return actor === 'api:key' || actor === 'api:loopback';
}

/** Throws DecisionConflictError unless the candidate is still undecided. */
export function assertUndecided(c: Pick<Candidate, 'id' | 'status' | 'decidedBy' | 'decidedAt'>): void {
  if (!isUndecided(c.status)) throw new DecisionConflictError(c);
}

export interface DecisionRequest {
  readonly action: 'approve' | 'reject';
  readonly by: string;
  readonly reason?: string | undefined;
  readonly note?: string | undefined;
}

export interface Decision {
  readonly status: 'approved' | 'rejected';
  readonly decidedBy: string;
  readonly decidedAt: Date;
  readonly rejectReason: RejectReason | null;
  readonly note: string | null;
  /** Where the lead goes: mql on approval, nurture (recycled) or disqualified on rejection. */
  readonly leadTo: Extract<Stage, 'mql' | 'nurture' | 'disqualified'>;
}

const MAX_NOTE = 2000;

/** Decides an undecided candidate. Throws DecisionConflictError when it was decided already, ValidationError on bad input. */
export function decideCandidate(c: Pick<Candidate, 'id' | 'status' | 'decidedBy' | 'decidedAt'>, req: DecisionRequest, at: Date): Decision {
  userIdOf(req.by);
  assertUndecided(c);
  const note = req.note?.trim() ? req.note.trim() : null;
  if (note && note.length > MAX_NOTE) throw new ValidationError(`the note is longer than ${MAX_NOTE} characters`, { length: note.length }, 'DESK_NOTE_TOO_LONG');
  if (req.action === 'approve') {
    if (req.reason !== undefined) throw new ValidationError('an approval takes no reject reason', { reason: req.reason }, 'DESK_BAD_REASON');
    return { status: 'approved', decidedBy: req.by, decidedAt: at, rejectReason: null, note, leadTo: 'mql' };
  }
  if (req.action !== 'reject') throw new ValidationError(`unknown decision "${String(req.action)}": approve or reject`, { action: req.action }, 'DESK_BAD_ACTION');
  const reason = req.reason ?? '';
  if (!isRejectReason(reason)) throw new ValidationError(`a rejection needs a reason, one of: ${REJECT_REASONS.join(', ')}`, { reason }, 'DESK_BAD_REASON');
  if (reason === 'other' && !note) throw new ValidationError('a rejection for reason "other" needs a note saying why', {}, 'DESK_NOTE_REQUIRED');
  return { status: 'rejected', decidedBy: req.by, decidedAt: at, rejectReason: reason, note, leadTo: DISQUALIFYING_REASONS.has(reason) ? 'disqualified' : 'nurture' };
}

/** Snoozes an undecided candidate until a later time (a snoozed one may be snoozed again). */
export function snoozeCandidate(c: Pick<Candidate, 'id' | 'status' | 'decidedBy' | 'decidedAt'>, until: Date, at: Date): { status: 'snoozed'; snoozedUntil: Date } {
  assertUndecided(c);
  if (Number.isNaN(until.getTime()) || until.getTime() <= at.getTime()) {
    throw new ValidationError('a snooze must end in the future', { until: Number.isNaN(until.getTime()) ? String(until) : until.toISOString() }, 'DESK_BAD_SNOOZE');
  }
  return { status: 'snoozed', snoozedUntil: until };
}

/** True when a snoozed candidate is due to come back to the open queue. */
export function snoozeEnded(c: Pick<Candidate, 'status' | 'snoozedUntil'>, at: Date): boolean {
  return c.status === 'snoozed' && c.snoozedUntil !== null && c.snoozedUntil.getTime() <= at.getTime();
}

// An SDR's correction: any subset of criteria, each any subset of its fields. Unknown keys are
// refused, so a typo in a modal never silently drops the correction.
export const BantCorrection = z
  .object({
    budget: BudgetCriterion.partial().strict().optional().describe('corrected budget: status, evidence, amount, currency'),
    authority: AuthorityCriterion.partial().strict().optional().describe('corrected authority: status, evidence, role'),
    need: NeedCriterion.partial().strict().optional().describe('corrected need: status, evidence'),
    timeline: TimelineCriterion.partial().strict().optional().describe('corrected timeline: status, evidence, within_days'),
    comment: z.string().max(MAX_NOTE).optional().describe('why the SDR corrected the machine'),
  })
  .strict()
  .refine((v) => v.budget || v.authority || v.need || v.timeline, 'a correction names at least one of budget, authority, need, timeline');
export type BantCorrection = z.infer<typeof BantCorrection>;

/** Parses an untrusted correction; a bad one is a ValidationError naming the fields. */
export function parseBantCorrection(input: unknown): BantCorrection {
  const r = BantCorrection.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(correction)'}: ${i.message}`);
    throw new ValidationError(`the BANT correction is not valid: ${issues.join('; ')}`, { issues }, 'DESK_BAD_CORRECTION');
  }
  return r.data;
}

const CRITERIA = ['budget', 'authority', 'need', 'timeline'] as const;

/** A later edit on top of an earlier one: criteria merge field by field; the newer value wins. */
export function mergeCorrection(earlier: BantCorrection | null, later: BantCorrection): BantCorrection {
  if (!earlier) return later;
  const out: Record<string, unknown> = { ...earlier };
  for (const k of CRITERIA) if (later[k]) out[k] = { ...(earlier[k] ?? {}), ...later[k] };
  if (later.comment !== undefined) out.comment = later.comment;
  return out as BantCorrection;
}

/** The BANT a person should read: the machine's answer with the SDR's correction laid over it. */
export function effectiveBant(machine: Bant, correction: BantCorrection | null): Bant {
  if (!correction) return machine;
  return {
    budget: { ...machine.budget, ...correction.budget },
    authority: { ...machine.authority, ...correction.authority },
    need: { ...machine.need, ...correction.need },
    timeline: { ...machine.timeline, ...correction.timeline },
  };
}
