import { DateTime } from 'luxon';
import { ValidationError } from '../../domain/errors.ts';
import { BantCorrection, type BantCorrection as Correction } from '../../domain/desk/decision.ts';
import type { Bant } from '../../domain/qualify/types.ts';
import type { SnoozeChoice } from './blocks.ts';

/**
 * What the desk's modals mean: pure translations from Slack's submitted view state to use-case input.
 * Bad input becomes field errors the modal shows next to the field (Slack's response_action: errors).
 */

/** Slack's view state: block_id -> action_id -> element state. */
export type ViewState = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; selected_user?: string | null }>>;

/** Field errors keyed by block_id, as Slack's `response_action: 'errors'` wants them. */
export type FieldErrors = Record<string, string>;

const input = (state: ViewState, block: string): string | null => {
  const v = state[block]?.value;
  const s = v?.value ?? v?.selected_option?.value ?? v?.selected_user ?? null;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : null;
};

/** When a snooze ends: in one or four hours, or at 09:00 tomorrow in the team's zone. */
export function snoozeUntil(choice: string, at: Date, zone: string): Date {
  const c = choice as SnoozeChoice;
  if (c === '1h') return new Date(at.getTime() + 3_600_000);
  if (c === '4h') return new Date(at.getTime() + 4 * 3_600_000);
  if (c === 'tomorrow') return DateTime.fromJSDate(at, { zone }).plus({ days: 1 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 }).toJSDate();
  throw new ValidationError(`unknown snooze "${choice}": 1h, 4h or tomorrow`, { choice }, 'DESK_BAD_SNOOZE');
}

/** The Reject modal: a reason, and a note that "other" requires. */
export function readRejection(state: ViewState): { ok: true; reason: string; note: string | undefined } | { ok: false; errors: FieldErrors } {
  const reason = input(state, 'reason');
  const note = input(state, 'note') ?? undefined;
  if (!reason) return { ok: false, errors: { reason: 'Pick a reason.' } };
  if (reason === 'other' && !note) return { ok: false, errors: { note: 'Say why, when the reason is Other.' } };
  return { ok: true, reason, note };
}

const CRITERIA = ['budget', 'authority', 'need', 'timeline'] as const;

/**
 * The Edit BANT modal: the fields the SDR changed against what the modal showed (`shown`), as a
 * correction. Unchanged fields stay out, so the correction records only what the person disagreed with.
 * `correction: null` when nothing differs.
 */
export function readBantCorrection(state: ViewState, shown: Bant): { ok: true; correction: Correction | null } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const out: Record<string, Record<string, unknown>> = {};
  const set = (k: (typeof CRITERIA)[number], field: string, value: unknown) => {
    const before = (shown[k] as Record<string, unknown>)[field];
    if (value !== undefined && value !== before) (out[k] ??= {})[field] = value;
  };
  for (const k of CRITERIA) {
    set(k, 'status', input(state, `${k}.status`) ?? undefined);
    set(k, 'evidence', input(state, `${k}.evidence`) ?? undefined);
  }
  const amount = input(state, 'budget.amount');
  if (amount !== null) {
    const n = Number(amount.replace(/[,\s]/g, ''));
    if (!Number.isFinite(n) || n < 0) errors['budget.amount'] = 'A number, such as 40000.';
    else set('budget', 'amount', n);
  }
  const currency = input(state, 'budget.currency');
  if (currency !== null) {
    if (!/^[A-Za-z]{3}$/.test(currency)) errors['budget.currency'] = 'A three-letter code, such as USD.';
    else set('budget', 'currency', currency.toUpperCase());
  }
  const role = input(state, 'authority.role');
  if (role !== null) set('authority', 'role', role);
  const days = input(state, 'timeline.within_days');
  if (days !== null) {
    if (!/^\d{1,5}$/.test(days)) errors['timeline.within_days'] = 'Whole days, such as 90.';
    else set('timeline', 'within_days', Number(days));
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  if (Object.keys(out).length === 0) return { ok: true, correction: null };
  const comment = input(state, 'comment');
  const parsed = BantCorrection.safeParse({ ...out, ...(comment ? { comment } : {}) });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors[issue.path.slice(0, 2).join('.')] = issue.message;
    return { ok: false, errors };
  }
  return { ok: true, correction: parsed.data };
}

/** A selected person (static select of the team, or a users_select). */
export function readSelected(state: ViewState, block: string): string | null {
  return input(state, block);
}
