import { describe, expect, it } from 'vitest';
import { decideOutcome, HandoffConflictError, nextOutcomes, storedReason } from './outcome.ts';
import type { HandoffStatus } from './views.ts';

const h = (status: HandoffStatus) => ({ id: 'h1', status, outcomeBy: status === 'pending' ? null : 'user:UA1', outcomeAt: status === 'pending' ? null : new Date('2026-03-02T10:00:00Z') });

describe('sales outcomes', () => {
  it('pending -> sql | rejected; sql -> won | lost; the ends are final', () => {
    expect(nextOutcomes('pending')).toEqual(['sql', 'rejected']);
    expect(nextOutcomes('sql')).toEqual(['won', 'lost']);
    for (const s of ['rejected', 'won', 'lost'] as const) expect(nextOutcomes(s)).toEqual([]);
  });

  it('moves the lead: sql; won is opportunity then customer; lost and rejected recycle; bad fit disqualifies', () => {
    expect(decideOutcome(h('pending'), { outcome: 'sql' })).toMatchObject({ leadTo: ['sql'], recycle: false });
    expect(decideOutcome(h('sql'), { outcome: 'won' })).toMatchObject({ leadTo: ['opportunity', 'customer'], recycle: false });
    expect(decideOutcome(h('sql'), { outcome: 'lost' })).toMatchObject({ leadTo: ['nurture'], recycle: true });
    expect(decideOutcome(h('pending'), { outcome: 'rejected', reason: 'no_budget' })).toMatchObject({ reason: 'no_budget', leadTo: ['nurture'], recycle: true });
    expect(decideOutcome(h('pending'), { outcome: 'rejected', reason: 'bad_fit' })).toMatchObject({ leadTo: ['disqualified'], recycle: false });
  });

  it('refuses bad input with a clear error', () => {
    expect(() => decideOutcome(h('pending'), { outcome: 'maybe' })).toThrow('unknown outcome "maybe": one of sql, rejected, won, lost');
    expect(() => decideOutcome(h('pending'), { outcome: 'rejected', reason: 'meh' })).toThrow(/needs a reason, one of: not_ready, no_budget/);
    expect(() => decideOutcome(h('pending'), { outcome: 'rejected', reason: 'other' })).toThrow(/needs a note/);
    expect(() => decideOutcome(h('pending'), { outcome: 'sql', reason: 'no_budget' })).toThrow('the outcome sql takes no reason');
    expect(() => decideOutcome(h('pending'), { outcome: 'sql', note: 'x'.repeat(2001) })).toThrow(/longer than 2000/);
  });

  it('an outcome out of turn names who recorded what', () => {
    const e = (() => {
      try {
        decideOutcome(h('won'), { outcome: 'lost' });
      } catch (x) {
        return x;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(HandoffConflictError);
    expect((e as HandoffConflictError).message).toBe('cannot mark this handoff lost: it is already marked won by user:UA1 at 2026-03-02T10:00:00.000Z');
    expect(() => decideOutcome(h('sql'), { outcome: 'sql' })).toThrow('it is already marked sql by user:UA1 at 2026-03-02T10:00:00.000Z (it may now become won or lost)');
  });

  it('keeps a lost deal free reason, trimmed', () => {
    const d = decideOutcome(h('sql'), { outcome: 'lost', reason: '  price  ' });
    expect(storedReason(d, { outcome: 'lost', reason: '  price  ' })).toBe('price');
    expect(storedReason(decideOutcome(h('sql'), { outcome: 'won' }), { outcome: 'won' })).toBeNull();
  });
});
