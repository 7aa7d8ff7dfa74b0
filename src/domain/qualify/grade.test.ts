import { describe, expect, it } from 'vitest';
import { classifyLead, fitLevel, gradeLead, routeLead, slug, urgencyOf } from './grade.ts';
import { DEFAULT_SCORING_POLICY as P, type ScoringPolicy } from './policy.ts';
import type { Bant } from './types.ts';

const UNKNOWN: Bant = { budget: { status: 'unknown' }, authority: { status: 'unknown' }, need: { status: 'unknown' }, timeline: { status: 'unknown' } };
const withNeed = (evidence: string): Bant => ({ ...UNKNOWN, need: { status: 'met', evidence } });
const met = (within_days?: number) => ({ status: 'met' as const, evidence: 'soon', ...(within_days === undefined ? {} : { within_days }) });

describe('grade', () => {
  it('reads fit levels and urgency from the policy', () => {
    expect([fitLevel(20, P), fitLevel(13, P), fitLevel(12, P), fitLevel(7, P), fitLevel(6, P), fitLevel(0, P)]).toEqual(['strong', 'strong', 'moderate', 'moderate', 'weak', 'weak']);
    expect(urgencyOf(met(30), P)).toBe('near');
    expect(urgencyOf(met(120), P)).toBe('near');
    expect(urgencyOf(met(200), P)).toBe('later');
    expect(urgencyOf(met(), P)).toBe('later');
    expect(urgencyOf(met(400), P)).toBe('none');
    expect(urgencyOf({ status: 'not_met', evidence: 'no rush' }, P)).toBe('none');
    expect(urgencyOf({ status: 'unknown' }, P)).toBe('none');
  });

  it.each([
    [20, met(30), 'A'], // strong fit, buying this quarter
    [20, met(200), 'B'],
    [20, { status: 'unknown' as const }, 'B'],
    [8, met(30), 'B'],
    [8, met(200), 'C'],
    [0, met(30), 'C'],
    [0, met(200), 'D'],
    [0, { status: 'unknown' as const }, 'D'],
  ])('fit %i and timeline %j is %s', (fit, timeline, grade) => {
    expect(gradeLead('interested', timeline, fit, P)).toBe(grade);
  });

  it('grades an invalid lead D whatever its fit', () => {
    expect(gradeLead('bounce', met(10), 30, P)).toBe('D');
    expect(gradeLead('unsubscribe', met(10), 30, P)).toBe('D');
  });

  it('follows an edited matrix', () => {
    const edited: ScoringPolicy = { ...P, grade: { ...P.grade, matrix: { ...P.grade.matrix, weak: { near: 'B', later: 'C', none: 'D' } } } };
    expect(gradeLead('interested', met(30), 0, edited)).toBe('B');
  });
});

describe('route', () => {
  it('sends disqualifying intents out whatever the score', () => {
    for (const i of ['unsubscribe', 'bounce', 'not_interested'] as const) expect(routeLead(i, 90, true, P)).toBe('disqualify');
  });

  it('hands over at the candidate threshold only an MQL', () => {
    expect(routeLead('interested', 60, true, P)).toBe('candidate');
    expect(routeLead('interested', 80, false, P)).toBe('nurture');
    expect(routeLead('interested', 59, true, P)).toBe('nurture');
    expect(routeLead('question', 30, false, P)).toBe('nurture');
    expect(routeLead('question', 29, false, P)).toBe('disqualify');
    expect(routeLead('interested', 80, false, { ...P, routing: { ...P.routing, candidate_requires_mql: false } })).toBe('candidate');
  });
});

describe('tags', () => {
  it('tags a valid lead with source, industry and need types', () => {
    const lead = { source: 'Web Form', industry: 'Logistics & Freight' };
    expect(classifyLead('interested', withNeed('We need to sync orders with our ERP and stop the manual spreadsheets'), lead, P)).toEqual([
      'valid',
      'source:web_form',
      'industry:logistics',
      'need:integration',
      'need:automation',
    ]);
  });

  it('tags an invalid lead with why', () => {
    expect(classifyLead('bounce', UNKNOWN, { source: 'list_import' }, P)).toEqual(['invalid:bounce', 'source:list_import']);
    expect(classifyLead('unsubscribe', UNKNOWN, undefined, P)).toEqual(['invalid:unsubscribe', 'source:unknown']);
  });

  it('reads Chinese industries and needs', () => {
    expect(classifyLead('question', withNeed('我们需要和现有的ERP系统对接，还要自动生成报表'), { industry: '第三方物流', source: '展会' }, P)).toEqual([
      'valid',
      'source:展会',
      'industry:logistics',
      'need:integration',
      'need:reporting',
    ]);
  });

  it('keeps an industry outside the taxonomy as itself, and needs only from met need evidence', () => {
    expect(classifyLead('question', { ...UNKNOWN, need: { status: 'not_met', evidence: 'no need to integrate anything' } }, { industry: 'Architecture' }, P)).toEqual([
      'valid',
      'source:unknown',
      'industry:architecture',
    ]);
  });

  it('slugs tag values', () => {
    expect(slug('  Trade Show / Expo 2026 ')).toBe('trade_show_expo_2026');
    expect(slug('展会')).toBe('展会');
  });
});
