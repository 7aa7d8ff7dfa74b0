import { BatonError, ValidationError } from '../errors.ts';
import type { Stage } from '../lifecycle.ts';
import { HANDOFF_OUTCOMES, type HandoffOutcome, type HandoffStatus } from './views.ts';

/**
 * What sales made of a handoff: pending -> sql (accepted) | rejected; sql -> won | lost. Pure: the
 * caller passes the current record. Each status is reached at most once, so the first person to
 * record an outcome wins and a second, conflicting one is told who recorded what.
 */

/** Why an AE sent a handoff back (the reject choices on the AE's message and in the API). */
export const AE_REJECT_REASONS = ['not_ready', 'no_budget', 'not_decision_maker', 'bad_fit', 'duplicate', 'other'] as const;
export type AeRejectReason = (typeof AE_REJECT_REASONS)[number];

export const AE_REJECT_REASON_LABELS: Record<AeRejectReason, string> = {
  not_ready: 'Not ready to buy',
  no_budget: 'No budget',
  not_decision_maker: 'Not the decision maker',
  bad_fit: 'Bad fit',
  duplicate: 'Duplicate (already in sales)',
  other: 'Other',
};

const NEXT: Record<HandoffStatus, readonly HandoffOutcome[]> = {
  pending: ['sql', 'rejected'],
  sql: ['won', 'lost'],
  rejected: [],
  won: [],
  lost: [],
};

export function isHandoffOutcome(value: string): value is HandoffOutcome {
  return (HANDOFF_OUTCOMES as readonly string[]).includes(value);
}

export function isAeRejectReason(value: string): value is AeRejectReason {
  return (AE_REJECT_REASONS as readonly string[]).includes(value);
}

/** The outcomes that may follow a status (the buttons the AE's message shows). */
export function nextOutcomes(status: HandoffStatus): readonly HandoffOutcome[] {
  return NEXT[status];
}

/** An outcome that cannot follow the recorded one: names who recorded what, and when. */
export class HandoffConflictError extends BatonError {
  readonly status: HandoffStatus;
  readonly outcomeBy: string | null;
  readonly outcomeAt: Date | null;
  constructor(h: { id: string; status: HandoffStatus; outcomeBy: string | null; outcomeAt: Date | null }, wanted: HandoffOutcome) {
    const recorded = h.status === 'pending' ? 'still pending' : `already marked ${h.status} by ${h.outcomeBy ?? 'someone'} at ${(h.outcomeAt ?? new Date(0)).toISOString()}`;
    const allowed = NEXT[h.status];
    super(
      'HANDOFF_CONFLICT',
      `cannot mark this handoff ${wanted}: it is ${recorded}${allowed.length ? ` (it may now become ${allowed.join(' or ')})` : ''}`,
      { fault: 'user', details: { handoffId: h.id, status: h.status, outcomeBy: h.outcomeBy, outcomeAt: h.outcomeAt?.toISOString() ?? null, wanted } },
    );
    this.status = h.status;
    this.outcomeBy = h.outcomeBy;
    this.outcomeAt = h.outcomeAt;
  }
}

/** The AE's message or an API call was built from an older version of the handoff. */
export class StaleHandoffError extends BatonError {
  constructor(handoffId: string, expected: number, actual: number) {
    super('HANDOFF_STALE', `the handoff changed since it was shown (version ${expected}, now ${actual}); reload it and try again`, {
      fault: 'user',
      details: { handoffId, expected, actual },
    });
  }
}

/** Someone who is not in sales (nor the team lead, nor an API key) tried to record an outcome. */
export class NotSalesError extends BatonError {
  constructor(actor: string) {
    super('HANDOFF_NOT_SALES', `${actor} may not record a sales outcome; only the account executives, the team lead or an API key may`, {
      fault: 'user',
      details: { actor },
    });
  }
}

export interface OutcomeRequest {
  readonly outcome: string;
  readonly reason?: string | undefined;
  readonly note?: string | undefined;
}

export interface OutcomeDecision {
  readonly status: HandoffOutcome;
  readonly reason: AeRejectReason | null;
  readonly note: string | null;
  /**
   * Where the lead goes, in order: sql -> [sql]; won -> [opportunity, customer] (a win is both);
   * lost or rejected -> [nurture] (the recycle branch), or [disqualified] for a bad fit.
   */
  readonly leadTo: readonly Stage[];
  /** The lead goes back to nurture: the caller schedules the recycle branch. */
  readonly recycle: boolean;
}

const MAX_NOTE = 2000;

/** Checks an outcome against the handoff's status. Throws ValidationError on bad input, HandoffConflictError out of turn. */
export function decideOutcome(h: { id: string; status: HandoffStatus; outcomeBy: string | null; outcomeAt: Date | null }, req: OutcomeRequest): OutcomeDecision {
  if (!isHandoffOutcome(req.outcome)) {
    throw new ValidationError(`unknown outcome "${req.outcome}": one of ${HANDOFF_OUTCOMES.join(', ')}`, { outcome: req.outcome }, 'HANDOFF_BAD_OUTCOME');
  }
  const outcome = req.outcome;
  const note = req.note?.trim() ? req.note.trim() : null;
  if (note && note.length > MAX_NOTE) throw new ValidationError(`the note is longer than ${MAX_NOTE} characters`, { length: note.length }, 'HANDOFF_NOTE_TOO_LONG');
  let reason: AeRejectReason | null = null;
  if (outcome === 'rejected') {
    const r = req.reason ?? '';
    if (!isAeRejectReason(r)) throw new ValidationError(`a rejection needs a reason, one of: ${AE_REJECT_REASONS.join(', ')}`, { reason: r }, 'HANDOFF_BAD_REASON');
    if (r === 'other' && !note) throw new ValidationError('a rejection for reason "other" needs a note saying why', {}, 'HANDOFF_NOTE_REQUIRED');
    reason = r;
  } else if (req.reason !== undefined && req.reason !== '') {
    // A lost deal may say why in a free reason (lost to a competitor, on price); only rejections take the fixed list.
    if (outcome !== 'lost') throw new ValidationError(`the outcome ${outcome} takes no reason`, { reason: req.reason }, 'HANDOFF_BAD_REASON');
  }
  if (!NEXT[h.status].includes(outcome)) throw new HandoffConflictError(h, outcome);
  switch (outcome) {
    case 'sql':
      return { status: outcome, reason, note, leadTo: ['sql'], recycle: false };
    case 'won':
      return { status: outcome, reason, note, leadTo: ['opportunity', 'customer'], recycle: false };
    case 'lost':
      return { status: outcome, reason, note, leadTo: ['nurture'], recycle: true };
    case 'rejected':
      return reason === 'bad_fit' ? { status: outcome, reason, note, leadTo: ['disqualified'], recycle: false } : { status: outcome, reason, note, leadTo: ['nurture'], recycle: true };
  }
}

/** A lost deal's free reason, trimmed and bounded; the fixed reason of a rejection otherwise. */
export function storedReason(decision: OutcomeDecision, req: OutcomeRequest): string | null {
  if (decision.reason) return decision.reason;
  if (decision.status === 'lost' && req.reason?.trim()) return req.reason.trim().slice(0, 200);
  return null;
}
