import { describe, expect, it } from 'vitest';
import { combineIntent } from './ensemble.ts';
import { intentFeatures } from './features.ts';
import { scoreIntent } from './intent-model.ts';
import { SHIPPED_INTENT_WEIGHTS } from './load.ts';

const top = (text: string): string | undefined => scoreIntent(SHIPPED_INTENT_WEIGHTS, text).ranked[0]?.intent;

describe('intent features', () => {
  it('spells out contractions and marks the words a negation reaches', () => {
    expect(intentFeatures("We don't need it")).toEqual(expect.arrayContaining(['w:not', 'w:!need', 'b:not !need']));
    expect(intentFeatures('We dont need it')).toEqual(intentFeatures("We don't need it"));
  });
  it('takes Chinese character 1-3-grams', () => {
    expect(intentFeatures('不需要')).toEqual(expect.arrayContaining(['c:不', 'c:不需', 'c:不需要']));
  });
  it('is a sorted set, so the same text always gives the same features', () => {
    const f = intentFeatures('Yes yes, book a demo. Book it!');
    expect([...f].sort()).toEqual(f);
    expect(new Set(f).size).toBe(f.length);
  });
});

describe('shipped intent model', () => {
  it('scores a probability for every modelled intent', () => {
    const { ranked } = scoreIntent(SHIPPED_INTENT_WEIGHTS, 'Can we get a demo next week?');
    expect(ranked).toHaveLength(SHIPPED_INTENT_WEIGHTS.classes.length);
    expect(ranked.reduce((a, r) => a + r.p, 0)).toBeCloseTo(1, 6);
  });
  it('reads paraphrases no phrase family was written for', () => {
    expect(top('Hold off for now, we are restructuring the team.')).toBe('not_now');
    expect(top('Going to decline on this one.')).toBe('not_interested');
    expect(top('把我们从名单里删掉')).toBe('unsubscribe');
  });
});

describe('combineIntent', () => {
  const scores = (intent: 'not_now' | 'objection', p: number) => ({ ranked: [{ intent, p }, { intent: 'question' as const, p: 1 - p }] });
  it('keeps a sure rule', () => {
    const rule = { intent: 'objection' as const, confidence: 0.7, rule: 'pushback' };
    expect(combineIntent(rule, scores('not_now', 0.8))).toBe(rule);
  });
  it('lets the model decide where only a fallback did', () => {
    expect(combineIntent({ intent: 'question', confidence: 0.3, rule: 'fallback' }, scores('not_now', 0.6)).intent).toBe('not_now');
    expect(combineIntent({ intent: 'question', confidence: 0.3, rule: 'fallback' }, scores('not_now', 0.3)).intent).toBe('question');
  });
  it('never overrides machine notices or opt-outs', () => {
    const rule = { intent: 'bounce' as const, confidence: 0.2, rule: 'bounce' };
    expect(combineIntent(rule, scores('objection', 0.99))).toBe(rule);
  });
});
