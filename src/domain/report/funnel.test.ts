import { describe, expect, it } from 'vitest';
import { durationStats, formatDuration, funnelLevel, parseSince, type LeadFunnelFacts } from './funnel.ts';
import { ValidationError } from '../errors.ts';

const now = new Date('2026-03-20T12:00:00Z');
const facts = (over: Partial<LeadFunnelFacts>): LeadFunnelFacts => ({
  leadId: 'x',
  createdAt: now,
  stagesReached: ['lead'],
  firstChannel: null,
  firstSource: null,
  firstCampaign: null,
  firstSequenceId: null,
  firstSentAt: null,
  replied: false,
  candidateAt: null,
  decidedAt: null,
  decidedBy: null,
  ...over,
});

describe('funnel arithmetic', () => {
  it('takes the median (mean of the middle pair) and the nearest-rank 90th percentile', () => {
    expect(durationStats([])).toEqual({ n: 0, medianMs: null, p90Ms: null });
    expect(durationStats([5])).toEqual({ n: 1, medianMs: 5, p90Ms: 5 });
    expect(durationStats([40, 10, 30, 20])).toEqual({ n: 4, medianMs: 25, p90Ms: 40 });
    expect(durationStats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).toEqual({ n: 11, medianMs: 6, p90Ms: 10 });
  });

  it('places a lead at the furthest step its history, emails and replies show', () => {
    expect(funnelLevel(facts({}))).toBe(0);
    expect(funnelLevel(facts({ firstSentAt: now }))).toBe(1);
    expect(funnelLevel(facts({ replied: true }))).toBe(2);
    expect(funnelLevel(facts({ stagesReached: ['lead', 'contacted', 'mql_candidate', 'nurture'] }))).toBe(3);
    expect(funnelLevel(facts({ stagesReached: ['opportunity', 'disqualified'] }))).toBe(5);
    expect(funnelLevel(facts({ stagesReached: ['customer'] }))).toBe(6);
    expect(funnelLevel(facts({ stagesReached: ['bounced', 'unsubscribed'] }))).toBe(0);
  });

  it('parses --since as a date or a number of days, and names the forms it accepts', () => {
    expect(parseSince('2026-03-01', now).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-03-13T12:00:00.000Z');
    expect(parseSince('30d', now).toISOString()).toBe('2026-02-18T12:00:00.000Z');
    for (const bad of ['yesterday', '2026-02-30', '0d', '7', '2026-3-1', '']) {
      expect(() => parseSince(bad, now), bad).toThrow(ValidationError);
    }
    expect(() => parseSince('2027-01-01', now)).toThrow(/in the future/);
    expect(() => parseSince('last week', now)).toThrow('--since "last week" is neither a date (YYYY-MM-DD) nor a number of days (7d, 30d)');
  });

  it('formats durations for people', () => {
    expect([null, 45_000, 12 * 60_000, 200 * 60_000, 3 * 3_600_000, 52 * 3_600_000, 48 * 3_600_000].map(formatDuration)).toEqual([
      '-',
      '45s',
      '12m',
      '3h 20m',
      '3h',
      '2d 4h',
      '2d',
    ]);
  });
});
