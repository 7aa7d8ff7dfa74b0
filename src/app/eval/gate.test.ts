import { describe, expect, it } from 'vitest';
import { compareMetrics, formatCompare } from './compare.ts';
import { checkGate, Thresholds } from './gate.ts';
import { escapeHtml } from './report.ts';

const metrics = { intent: { macro_f1: 0.93 }, bant_macro_f1: 0.88, latency_ms: { p95: 4 }, values: { budget_amount: { rate: null } } };

describe('checkGate', () => {
  it('fails below a minimum and above a maximum, and names the metric', () => {
    const t = Thresholds.parse({ min: { 'intent.macro_f1': 0.9, bant_macro_f1: 0.9 }, max: { 'latency_ms.p95': 3 } });
    const r = checkGate(metrics, t);
    expect(r.passed).toBe(false);
    expect(r.failures).toEqual([
      { metric: 'bant_macro_f1', bound: 'min', threshold: 0.9, actual: 0.88 },
      { metric: 'latency_ms.p95', bound: 'max', threshold: 3, actual: 4 },
    ]);
  });

  it('applies dataset overrides by file name and skips metrics the run could not measure', () => {
    const t = Thresholds.parse({ min: { bant_macro_f1: 0.9, 'values.budget_amount.rate': 0.9 }, datasets: { 'sample.jsonl': { min: { bant_macro_f1: 0.85 } } } });
    const r = checkGate(metrics, t, 'sample.jsonl');
    expect(r).toEqual({ passed: true, failures: [], unmeasured: ['values.budget_amount.rate'] });
  });

  it('fails on a threshold for a metric that does not exist (a typo must not pass silently)', () => {
    expect(checkGate(metrics, Thresholds.parse({ min: { 'intent.macro_fi': 0.5 } })).passed).toBe(false);
  });
});

describe('compareMetrics', () => {
  it('lines up numeric metrics and their deltas', () => {
    const rows = compareMetrics({ a: 1, b: { c: 0.5 }, intent: { confusion: { x: 1 } } }, { a: 2, b: { c: 0.25 }, d: 3 });
    expect(rows).toEqual([
      { metric: 'a', a: 1, b: 2, delta: 1 },
      { metric: 'b.c', a: 0.5, b: 0.25, delta: -0.25 },
      { metric: 'd', a: null, b: 3, delta: null },
    ]);
    expect(formatCompare(rows, 'A', 'B').split('\n')[2]).toMatch(/^a\s+1\s+2\s+\+1$/);
  });
});

describe('escapeHtml', () => {
  it('escapes markup in case text', () => {
    expect(escapeHtml('<script>alert("x")</script> & \'y\'')).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });
});
