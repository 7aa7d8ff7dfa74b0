import { describe, expect, it } from 'vitest';
import type { Stage } from '../lifecycle.ts';
import type { SequenceDefinition } from './definition.ts';
import { CHURN_COOL_OFF_DAYS, enrolmentRefusal, type EnrolmentFacts } from './enrol.ts';

const NOW = new Date('2026-03-02T10:00:00Z');
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);
const RECYCLE_DAYS = 30;

type Def = Pick<SequenceDefinition, 'id' | 'kind' | 'enrolment'>;
const DEFAULT_EXITS: Stage[] = ['mql_candidate', 'mql', 'sql', 'opportunity', 'customer', 'disqualified', 'unsubscribed', 'bounced'];
const outbound: Def = { id: 'outbound-intro', kind: 'outbound', enrolment: { reenrol: 'never', reenrol_after_days: 90, exit_stages: DEFAULT_EXITS } };
const nurture: Def = { id: 'nurture-monthly', kind: 'nurture', enrolment: { reenrol: 'after_days', reenrol_after_days: 60, exit_stages: DEFAULT_EXITS } };

const fresh: EnrolmentFacts = { stage: 'lead', suppressed: false, live: null, pastInSequence: [], lastMove: null };
const refusal = (def: Def, f: Partial<EnrolmentFacts>) => enrolmentRefusal(def, { ...fresh, ...f }, NOW, RECYCLE_DAYS);

describe('enrolmentRefusal', () => {
  it('lets a new lead in', () => {
    expect(refusal(outbound, {})).toBeNull();
    expect(refusal(outbound, { stage: 'contacted', lastMove: { from: 'lead', to: 'contacted', at: daysAgo(1) } })).toBeNull();
  });

  it('refuses a suppressed address before anything else', () => {
    expect(refusal(outbound, { suppressed: true })).toBe('the address is on the suppression list');
    expect(refusal(outbound, { suppressed: true, stage: 'bounced', live: { sequenceId: 'outbound-intro' } })).toBe('the address is on the suppression list');
  });

  it.each(['unsubscribed', 'bounced', 'disqualified'] as const)('refuses a lead that may not be contacted (%s), whatever the sequence', (stage) => {
    const open: Def = { ...outbound, enrolment: { ...outbound.enrolment, exit_stages: [] } };
    expect(refusal(open, { stage })).toBe(`the lead is ${stage}`);
  });

  it('refuses a lead that is already in this sequence, or in another one', () => {
    expect(refusal(outbound, { live: { sequenceId: 'outbound-intro' } })).toBe('the lead is already in this sequence');
    expect(refusal(outbound, { live: { sequenceId: 'inbound-fast-lane' } })).toBe('the lead is already in sequence inbound-fast-lane (one at a time)');
  });

  it('refuses a lead at one of the exit stages of the sequence, and only those', () => {
    expect(refusal(outbound, { stage: 'mql' })).toBe('leads at stage mql leave this sequence');
    expect(refusal(outbound, { stage: 'customer' })).toBe('leads at stage customer leave this sequence');
    const customers: Def = { ...outbound, enrolment: { ...outbound.enrolment, exit_stages: ['disqualified'] } };
    expect(refusal(customers, { stage: 'customer' })).toBeNull();
    expect(refusal(outbound, { stage: 'engaged' })).toBeNull();
  });

  it('refuses a second run of a sequence that never re-enrols', () => {
    expect(refusal(outbound, { pastInSequence: [daysAgo(400)] })).toBe('the lead was in this sequence before and it does not take leads twice');
  });

  it('re-enrols after the given days since the last run here ended', () => {
    expect(refusal(nurture, { stage: 'nurture', pastInSequence: [daysAgo(59)] })).toBe('the lead may re-enter this sequence from 2026-03-03');
    expect(refusal(nurture, { stage: 'nurture', pastInSequence: [daysAgo(60)] })).toBeNull();
    expect(refusal(nurture, { stage: 'nurture', pastInSequence: [daysAgo(61)] })).toBeNull();
  });

  it('counts from the latest of several earlier runs', () => {
    expect(refusal(nurture, { stage: 'nurture', pastInSequence: [daysAgo(200), daysAgo(10), daysAgo(120)] })).toBe('the lead may re-enter this sequence from 2026-04-21');
  });

  it('counts an earlier run with no end as ending now', () => {
    expect(refusal(nurture, { stage: 'nurture', pastInSequence: [null] })).toBe('the lead may re-enter this sequence from 2026-05-01');
  });

  it(`holds a churned customer back ${CHURN_COOL_OFF_DAYS} days after the move to nurture`, () => {
    const churned = (days: number) => refusal(nurture, { stage: 'nurture', lastMove: { from: 'customer', to: 'nurture', at: daysAgo(days) } });
    expect(churned(10)).toBe('a churned customer is written to again from 2026-03-22 (30 days after the renewal lapsed)');
    expect(churned(29)).toMatch(/^a churned customer is written to again from 2026-03-03/);
    expect(churned(30)).toBeNull();
    expect(churned(45)).toBeNull();
  });

  it('holds a lead set aside by the SDR or sales back for the recycle cool-off', () => {
    for (const from of ['mql_candidate', 'mql', 'sql'] as const) {
      expect(refusal(nurture, { stage: 'nurture', lastMove: { from, to: 'nurture', at: daysAgo(5) } })).toBe('a lead set aside by the SDR or sales is recycled from 2026-03-27 (cool-off of 30 days)');
    }
    expect(refusal(nurture, { stage: 'nurture', lastMove: { from: 'mql', to: 'nurture', at: daysAgo(30) } })).toBeNull();
    expect(enrolmentRefusal(nurture, { ...fresh, stage: 'nurture', lastMove: { from: 'mql', to: 'nurture', at: daysAgo(5) } }, NOW, 3)).toBeNull();
  });

  it('has no cool-off for a lead that reached nurture any other way', () => {
    expect(refusal(nurture, { stage: 'nurture', lastMove: { from: 'contacted', to: 'nurture', at: daysAgo(1) } })).toBeNull();
    expect(refusal(nurture, { stage: 'nurture', lastMove: { from: 'engaged', to: 'nurture', at: daysAgo(1) } })).toBeNull();
  });

  it('applies the cool-offs only while the lead is still in nurture', () => {
    expect(refusal(nurture, { stage: 'engaged', lastMove: { from: 'customer', to: 'nurture', at: daysAgo(1) } })).toBeNull();
  });
});
