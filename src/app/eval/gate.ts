import { z } from 'zod';
import { flattenNumbers } from './compare.ts';

const Bounds = z.record(z.string(), z.number()).describe('metric path (e.g. "intent.macro_f1") to bound');

const Limits = z.object({
  min: Bounds.optional().describe('the metric must be at least this'),
  max: Bounds.optional().describe('the metric must be at most this'),
});

/** evals/thresholds.json: minimum (and maximum) metrics a run must reach, optionally per dataset file name. */
export const Thresholds = Limits.extend({
  description: z.string().optional(),
  engine: z.string().optional().describe('engine the thresholds apply to'),
  datasets: z.record(z.string(), Limits).optional().describe('overrides by dataset file name, e.g. "dev.jsonl"'),
});
export type Thresholds = z.infer<typeof Thresholds>;

export interface GateFailure {
  metric: string;
  bound: 'min' | 'max';
  threshold: number;
  /** Null when the run did not measure the metric (e.g. no labelled amounts). */
  actual: number | null;
}

export interface GateResult {
  passed: boolean;
  failures: GateFailure[];
  /** Bounds that could not be checked because the run has no value for them. */
  unmeasured: string[];
}

/** Check a metrics object against the thresholds; dataset overrides replace the defaults key by key. */
export function checkGate(metrics: unknown, thresholds: Thresholds, datasetName?: string): GateResult {
  const values = flattenNumbers(metrics);
  const override = datasetName ? thresholds.datasets?.[datasetName] : undefined;
  const min = { ...thresholds.min, ...override?.min };
  const max = { ...thresholds.max, ...override?.max };
  const failures: GateFailure[] = [];
  const unmeasured: string[] = [];
  const check = (bounds: Record<string, number>, bound: 'min' | 'max'): void => {
    for (const [metric, threshold] of Object.entries(bounds)) {
      const actual = values.get(metric);
      if (actual === undefined || actual === null) {
        // A dataset without labelled amounts cannot fail the amount gate; a metric name nobody computes can.
        if (values.has(metric)) unmeasured.push(metric);
        else failures.push({ metric, bound, threshold, actual: null });
        continue;
      }
      if (bound === 'min' ? actual < threshold : actual > threshold) failures.push({ metric, bound, threshold, actual });
    }
  };
  check(min, 'min');
  check(max, 'max');
  return { passed: failures.length === 0, failures, unmeasured };
}

export function describeGateFailure(f: GateFailure): string {
  if (f.actual === null) return `${f.metric}: not a metric of this run (threshold ${f.bound} ${f.threshold})`;
  return `${f.metric} = ${f.actual}, ${f.bound === 'min' ? 'below the minimum' : 'above the maximum'} ${f.threshold}`;
}
