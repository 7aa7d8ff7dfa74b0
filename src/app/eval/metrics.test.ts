import { describe, expect, it } from 'vitest';
import { blankQualification } from '../../testing/engines.ts';
import { parseCaseLines, type EvalCase } from './case.ts';
import { computeMetrics, percentile } from './metrics.ts';
import { toPredicted, type PredictionLine } from './prediction.ts';

const U = { status: 'unknown' } as const;

function kase(id: string, expected: Partial<EvalCase['expected']> & Pick<EvalCase['expected'], 'intent'>, reply = 'We have $40k set aside.'): string {
  return JSON.stringify({
    id,
    lang: 'en',
    channel: 'email',
    date: '2026-03-02',
    lead: { title: 'CFO' },
    reply,
    expected: { bant: { budget: U, authority: U, need: U, timeline: U }, mql: false, ...expected },
  });
}

function pred(id: string, over: Partial<ReturnType<typeof toPredicted>> = {}, latency = 1): PredictionLine {
  return { id, predicted: { ...toPredicted(blankQualification()), ...over }, latency_ms: latency, error: null };
}

describe('computeMetrics', () => {
  it('scores intent, BANT, MQL and values as FORMAT.md defines them', () => {
    const lines = parseCaseLines(
      [
        kase('a', { intent: 'interested', mql: true, bant: { budget: { status: 'met', amount: 40000, currency: 'USD' }, authority: { status: 'met' }, need: U, timeline: { status: 'met', within_days: 120 } } }),
        kase('b', { intent: 'question' }),
        kase('c', { intent: 'question' }),
        kase('d', { intent: 'bounce' }),
      ].join('\n'),
    );
    const preds: PredictionLine[] = [
      pred('a', {
        intent: 'interested',
        mql: true,
        bant: {
          budget: { status: 'met', evidence: 'We have $40k set aside.', amount: 40200, currency: 'USD' },
          authority: { status: 'met', evidence: 'CFO' },
          need: { status: 'unknown' },
          timeline: { status: 'met', evidence: 'not in the text', within_days: 160 },
        },
      }),
      pred('b', { intent: 'interested', mql: true }),
      pred('c', { intent: 'question' }),
      { id: 'd', predicted: null, latency_ms: 3, error: 'boom' },
    ];
    const m = computeMetrics(lines, preds, { engine: 'test' });
    expect(m.errors).toBe(1);
    expect(m.intent.accuracy).toBe(0.5);
    // interested: P 1/2 R 1 F1 .6667; question: P 1 R .5 F1 .6667; bounce: P 1 (nothing claimed) R 0 F1 0.
    expect(m.intent.per_intent.interested.f1).toBeCloseTo(0.6667, 4);
    expect(m.intent.per_intent.question.f1).toBeCloseTo(0.6667, 4);
    expect(m.intent.per_intent.bounce.f1).toBe(0);
    expect(m.intent.macro_f1).toBeCloseTo((0.6667 + 0.6667 + 0) / 3, 3);
    expect(m.intent.confusion.bounce.error).toBe(1);
    // budget: a is tp; d (error) with expected unknown counts as a false "met".
    expect(m.bant.budget).toMatchObject({ tp: 1, fp: 1, fn: 0, accuracy: 0.75 });
    expect(m.mql).toMatchObject({ tp: 1, fp: 2, fn: 0, accuracy: 0.5 });
    // Three claimed criteria, one with evidence that is not in the reply.
    expect(m.grounding).toEqual({ share: 0.6667, grounded: 2, checked: 3 });
    expect(m.values.budget_amount).toEqual({ rate: 1, matched: 1, labelled: 1 });
    expect(m.values.within_days).toEqual({ rate: 0, matched: 0, labelled: 1 });
    expect(m.usage.cost_per_case_usd).toBeNull();
  });

  it('counts unreadable lines as errors and leaves them out of the label metrics', () => {
    const lines = parseCaseLines(`${kase('a', { intent: 'question' })}\n{not json}\n`);
    const m = computeMetrics(lines, [pred('a'), { id: 'line-2', predicted: null, latency_ms: 0, error: 'bad' }], { engine: 't' });
    expect(m.cases).toBe(2);
    expect(m.errors).toBe(1);
    expect(m.intent.accuracy).toBe(1);
  });

  it('reports tokens and cost per case when a model was called', () => {
    const lines = parseCaseLines([kase('a', { intent: 'question' }), kase('b', { intent: 'question' })].join('\n'));
    const p = [{ ...pred('a'), usage: { input_tokens: 1000, output_tokens: 200 }, cost_usd: 0.002 }, pred('b')];
    const m = computeMetrics(lines, p, { engine: 't' });
    expect(m.usage).toEqual({ model_cases: 1, input_tokens_per_case: 500, output_tokens_per_case: 100, cost_per_case_usd: 0.001 });
  });

  it('uses nearest-rank percentiles', () => {
    expect(percentile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 0.95)).toBe(95);
    expect(percentile([], 0.95)).toBe(0);
  });
});
