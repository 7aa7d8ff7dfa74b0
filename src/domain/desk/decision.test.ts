import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import type { Bant } from '../qualify/types.ts';
import {
  DecisionConflictError,
  decideCandidate,
  effectiveBant,
  mergeCorrection,
  parseBantCorrection,
  REJECT_REASONS,
  snoozeCandidate,
  snoozeEnded,
  userIdOf,
  type CandidateStatus,
} from './decision.ts';

const at = new Date('2026-03-02T10:00:00Z');
const open = { id: 'c1', status: 'open' as CandidateStatus, decidedBy: null, decidedAt: null };

describe('the candidate decision', () => {
  it('approves an open candidate into mql', () => {
    const d = decideCandidate(open, { action: 'approve', by: 'user:U1' }, at);
    expect(d).toEqual({ status: 'approved', decidedBy: 'user:U1', decidedAt: at, rejectReason: null, note: null, leadTo: 'mql' });
  });

  it('rejects with a reason: the moment-bound reasons recycle into nurture, spam, competitor and bad fit disqualify', () => {
    const where = Object.fromEntries(REJECT_REASONS.map((r) => [r, decideCandidate(open, { action: 'reject', by: 'user:U1', reason: r, note: 'why' }, at).leadTo]));
    expect(where).toEqual({
      no_budget: 'nurture',
      not_decision_maker: 'nurture',
      no_need: 'nurture',
      bad_timing: 'nurture',
      bad_fit: 'disqualified',
      competitor: 'disqualified',
      spam: 'disqualified',
      other: 'nurture',
    });
  });

  it('decides a snoozed candidate too (snoozed is undecided)', () => {
    expect(decideCandidate({ ...open, status: 'snoozed' }, { action: 'approve', by: 'user:U1' }, at).status).toBe('approved');
  });

  it('refuses a rejection without a known reason, "other" without a note, and an approval with a reason', () => {
    expect(() => decideCandidate(open, { action: 'reject', by: 'user:U1' }, at)).toThrow(/needs a reason, one of: no_budget/);
    expect(() => decideCandidate(open, { action: 'reject', by: 'user:U1', reason: 'meh' }, at)).toThrow(ValidationError);
    expect(() => decideCandidate(open, { action: 'reject', by: 'user:U1', reason: 'other', note: '  ' }, at)).toThrow(/needs a note/);
    expect(() => decideCandidate(open, { action: 'approve', by: 'user:U1', reason: 'spam' }, at)).toThrow(/no reject reason/);
    expect(() => decideCandidate(open, { action: 'approve', by: 'U1' }, at)).toThrow(/user:<id>/);
  });

  it('a decided candidate cannot be decided again: the conflict names who decided and when', () => {
    const decided = { id: 'c1', status: 'approved' as CandidateStatus, decidedBy: 'user:U1', decidedAt: at };
    for (const action of ['approve', 'reject'] as const) {
      try {
        decideCandidate(decided, { action, by: 'user:U2', reason: action === 'reject' ? 'spam' : undefined }, new Date(at.getTime() + 1000));
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(DecisionConflictError);
        const c = e as DecisionConflictError;
        expect(c.code).toBe('DESK_ALREADY_DECIDED');
        expect(c.decidedBy).toBe('user:U1');
        expect(c.decidedAt).toEqual(at);
        expect(c.message).toBe('this candidate was already approved by user:U1 at 2026-03-02T10:00:00.000Z');
      }
    }
    expect(() => snoozeCandidate({ ...decided, status: 'rejected' }, new Date(at.getTime() + 3_600_000), at)).toThrow(DecisionConflictError);
  });
});

describe('snoozing', () => {
  it('snoozes until a later time and says when the snooze has ended', () => {
    const until = new Date('2026-03-03T09:00:00Z');
    expect(snoozeCandidate(open, until, at)).toEqual({ status: 'snoozed', snoozedUntil: until });
    expect(snoozeEnded({ status: 'snoozed', snoozedUntil: until }, at)).toBe(false);
    expect(snoozeEnded({ status: 'snoozed', snoozedUntil: until }, until)).toBe(true);
    expect(snoozeEnded({ status: 'open', snoozedUntil: null }, until)).toBe(false);
  });
  it('refuses a snooze that ends now or in the past', () => {
    expect(() => snoozeCandidate(open, at, at)).toThrow(/in the future/);
    expect(() => snoozeCandidate(open, new Date('nope'), at)).toThrow(ValidationError);
  });
});

describe('BANT corrections', () => {
  const machine: Bant = {
    budget: { status: 'unknown' },
    authority: { status: 'met', evidence: 'I am the VP of Sales', role: 'VP of Sales' },
    need: { status: 'met', evidence: 'we need a tool' },
    timeline: { status: 'unknown' },
  };

  it('validates a correction and refuses unknown fields and statuses', () => {
    expect(parseBantCorrection({ budget: { status: 'met', evidence: '$40k', amount: 40000, currency: 'USD' } }).budget?.amount).toBe(40000);
    expect(() => parseBantCorrection({})).toThrow(/at least one of budget/);
    expect(() => parseBantCorrection({ budget: { status: 'yes' } })).toThrow(/budget\.status/);
    expect(() => parseBantCorrection({ budget: { staus: 'met' } })).toThrow(/not valid/);
    expect(() => parseBantCorrection({ money: { status: 'met' } })).toThrow(/not valid/);
  });

  it('merges later edits field by field and lays the correction over the machine answer without changing it', () => {
    const first = parseBantCorrection({ budget: { status: 'met', evidence: '$40k' } });
    const second = parseBantCorrection({ budget: { amount: 40000 }, authority: { status: 'not_met' }, comment: 'the VP reports to the CFO' });
    const merged = mergeCorrection(first, second);
    expect(merged).toEqual({ budget: { status: 'met', evidence: '$40k', amount: 40000 }, authority: { status: 'not_met' }, comment: 'the VP reports to the CFO' });
    const shown = effectiveBant(machine, merged);
    expect(shown.budget).toEqual({ status: 'met', evidence: '$40k', amount: 40000 });
    expect(shown.authority).toEqual({ status: 'not_met', evidence: 'I am the VP of Sales', role: 'VP of Sales' });
    expect(shown.need).toEqual(machine.need);
    expect(machine.budget).toEqual({ status: 'unknown' });
    expect(effectiveBant(machine, null)).toBe(machine);
  });

  it('reads the user id of an actor', () => {
    expect(userIdOf('user:U123')).toBe('U123');
    expect(() => userIdOf('system:qualify')).toThrow(/user:<id>/);
  });
});
