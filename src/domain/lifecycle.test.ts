import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors.ts';
import { STAGES, allowedNext, canTransition, isContactable, transition } from './lifecycle.ts';

const at = new Date('2026-03-02T10:00:00Z');

describe('lifecycle state machine', () => {
  it('walks the happy path from lead to customer', () => {
    const path = ['lead', 'contacted', 'engaged', 'mql_candidate', 'mql', 'sql', 'opportunity', 'customer'] as const;
    for (let i = 1; i < path.length; i++) {
      const t = transition(path[i - 1]!, { to: path[i]!, actor: 'test' }, at);
      expect(t).toEqual({ from: path[i - 1], to: path[i], actor: 'test', reason: null, at });
    }
  });

  it('refuses skipping approval: a candidate cannot become SQL directly', () => {
    expect(() => transition('mql_candidate', { to: 'sql', actor: 'test' }, at)).toThrow(IllegalTransitionError);
    try {
      transition('engaged', { to: 'customer', actor: 'test' }, at);
    } catch (e) {
      expect(e).toBeInstanceOf(IllegalTransitionError);
      expect((e as IllegalTransitionError).code).toBe('LIFECYCLE_ILLEGAL_TRANSITION');
      expect((e as Error).message).toContain('may move to: mql_candidate');
    }
  });

  it('refuses staying in place and unknown stages', () => {
    expect(() => transition('lead', { to: 'lead', actor: 'test' }, at)).toThrow(/cannot move from "lead" to "lead"/);
    expect(() => transition('lead', { to: 'won' as never, actor: 'test' }, at)).toThrow(IllegalTransitionError);
  });

  it('never leaves a lead in a void: every non-terminal stage can reach nurture', () => {
    for (const s of STAGES) {
      if (s === 'nurture') continue;
      expect(canTransition(s, 'nurture'), s).toBe(true);
    }
  });

  it('lets an unsubscribed person back only with their own consent', () => {
    expect(() => transition('unsubscribed', { to: 'nurture', actor: 'test' }, at)).toThrow(IllegalTransitionError);
    expect(transition('unsubscribed', { to: 'nurture', actor: 'form', consent: true }, at).to).toBe('nurture');
    expect(() => transition('unsubscribed', { to: 'contacted', actor: 'test', consent: true }, at)).toThrow(IllegalTransitionError);
  });

  it('allows opting out from every stage but unsubscribed itself', () => {
    for (const s of STAGES) if (s !== 'unsubscribed') expect(allowedNext(s)).toContain('unsubscribed');
  });

  it('knows who may be contacted', () => {
    expect(isContactable('nurture')).toBe(true);
    expect(isContactable('unsubscribed')).toBe(false);
    expect(isContactable('bounced')).toBe(false);
  });
});
