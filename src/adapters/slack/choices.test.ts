import { describe, expect, it } from 'vitest';
import type { Bant } from '../../domain/qualify/types.ts';
import { readBantCorrection, readRejection, snoozeUntil, type ViewState } from './choices.ts';
import { parseCommand, statsText } from './commands.ts';

const AT = new Date('2026-03-02T16:30:00Z'); // Monday 17:30 in Berlin

const shown: Bant = {
  budget: { status: 'met', evidence: 'a budget of $40k', amount: 40000, currency: 'USD' },
  authority: { status: 'unknown' },
  need: { status: 'met', evidence: 'we need it' },
  timeline: { status: 'unknown' },
};

/** The state Slack submits for the Edit BANT modal when the person changed nothing. */
function unchanged(): ViewState {
  const v: ViewState = {};
  for (const k of ['budget', 'authority', 'need', 'timeline'] as const) {
    v[`${k}.status`] = { value: { selected_option: { value: shown[k].status } } };
    v[`${k}.evidence`] = { value: { value: shown[k].evidence ?? null } };
  }
  v['budget.amount'] = { value: { value: '40000' } };
  v['budget.currency'] = { value: { value: 'USD' } };
  return v;
}

describe('modal submissions', () => {
  it('snooze: one hour, four hours, or 09:00 tomorrow in the team zone', () => {
    expect(snoozeUntil('1h', AT, 'Europe/Berlin').toISOString()).toBe('2026-03-02T17:30:00.000Z');
    expect(snoozeUntil('4h', AT, 'Europe/Berlin').toISOString()).toBe('2026-03-02T20:30:00.000Z');
    expect(snoozeUntil('tomorrow', AT, 'Europe/Berlin').toISOString()).toBe('2026-03-03T08:00:00.000Z');
    expect(() => snoozeUntil('forever', AT, 'UTC')).toThrow(/unknown snooze/);
  });

  it('reject: a reason is required, and a note for "other"', () => {
    expect(readRejection({})).toEqual({ ok: false, errors: { reason: 'Pick a reason.' } });
    expect(readRejection({ reason: { value: { selected_option: { value: 'other' } } } })).toMatchObject({ ok: false, errors: { note: expect.any(String) as string } });
    expect(readRejection({ reason: { value: { selected_option: { value: 'spam' } } }, note: { value: { value: '  ' } } })).toEqual({ ok: true, reason: 'spam', note: undefined });
  });

  it('edit BANT: only the changed fields become the correction; nothing changed is null', () => {
    expect(readBantCorrection(unchanged(), shown)).toEqual({ ok: true, correction: null });
    const state = unchanged();
    state['authority.status'] = { value: { selected_option: { value: 'not_met' } } };
    state['authority.role'] = { value: { value: 'intern' } };
    state['budget.currency'] = { value: { value: 'eur' } };
    state.comment = { value: { value: 'an intern cannot sign' } };
    expect(readBantCorrection(state, shown)).toEqual({
      ok: true,
      correction: { authority: { status: 'not_met', role: 'intern' }, budget: { currency: 'EUR' }, comment: 'an intern cannot sign' },
    });
  });

  it('edit BANT: bad numbers and currencies are field errors', () => {
    const state = unchanged();
    state['budget.amount'] = { value: { value: '-5' } };
    state['budget.currency'] = { value: { value: 'dollars' } };
    state['timeline.within_days'] = { value: { value: 'soon' } };
    expect(readBantCorrection(state, shown)).toEqual({
      ok: false,
      errors: { 'budget.amount': expect.any(String) as string, 'budget.currency': expect.any(String) as string, 'timeline.within_days': expect.any(String) as string },
    });
  });
});

describe('/baton', () => {
  it('parses the subcommands; anything else is usage', () => {
    expect(parseCommand('stats')).toEqual({ sub: 'stats' });
    expect(parseCommand('  find   pat@buyer.test ')).toEqual({ sub: 'find', email: 'pat@buyer.test' });
    expect(parseCommand('pause <mailto:pat@buyer.test|pat@buyer.test>')).toEqual({ sub: 'pause', email: 'pat@buyer.test' });
    expect(parseCommand('resume a@b.c')).toEqual({ sub: 'resume', email: 'a@b.c' });
    for (const bad of ['', 'help', 'stats now', 'find', 'find pat', 'find a@b.c d@e.f', 'delete a@b.c']) expect(parseCommand(bad)).toEqual({ sub: 'usage' });
  });

  it('states the stats in two lines', () => {
    const text = statsText({ at: AT, myQueue: [], teamQueue: [], mqlsToday: 2, approvalRate: 0.667, medianDecisionMinutes: 14.4, breachesOpen: 0, escalationsToday: 1 });
    expect(text).toBe('*Desk now*: 0 open candidates (0 yours), 0 past due\nMQLs today: 2 · approval rate (30 d): 67% · median time to decision: 14 min · escalations today: 1');
  });
});
