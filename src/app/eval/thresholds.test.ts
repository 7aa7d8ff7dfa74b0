import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OfflineEngine } from '../../domain/qualify/engine.offline.ts';
import { evaluateDataset } from './evaluate.ts';
import { checkGate, describeGateFailure, Thresholds } from './gate.ts';

// The CI gate: `npm test` runs the offline engine on the team's tuned datasets and the shared
// sample, and fails when evals/thresholds.json is not met. The holdout is deliberately absent.
const root = process.cwd();
const thresholds = Thresholds.parse(JSON.parse(readFileSync(join(root, 'evals', 'thresholds.json'), 'utf8')));
const DATASETS = [join(root, 'evals', 'datasets', 'dev.jsonl'), join(root, '..', 'shared', 'evals', 'sample.jsonl')];

describe('eval gate (evals/thresholds.json)', () => {
  for (const file of DATASETS) {
    it.skipIf(!existsSync(file))(`offline engine meets the thresholds on ${basename(file)}`, async () => {
      const { metrics } = await evaluateDataset(readFileSync(file, 'utf8'), new OfflineEngine(), { clock: () => performance.now(), dataset: file });
      const result = checkGate(metrics, thresholds, basename(file));
      expect(result.failures.map(describeGateFailure)).toEqual([]);
    });
  }
});
