import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBenchWorker } from '../lib/worker.ts';
import type { BenchContext, BenchSection, SectionResult } from '../lib/section.ts';
import type { WorkerInput, WorkerResult } from './worker.ts';

/**
 * Qualification throughput and memory of the offline engine on one core: the labelled cases of
 * evals/datasets/dev.jsonl and ../shared/evals/sample.jsonl (when present) repeated to
 * BENCH_QUALIFY_COUNT (5000) qualifications after BENCH_QUALIFY_WARMUP (500), synchronously in one
 * worker process, with the shipped scoring policy (or BATON_SCORING_POLICY).
 *
 * Target (issue 3): p95 under 20 ms per case.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const P95_TARGET_MS = 20;

export const qualifySection: BenchSection = {
  name: 'qualify',
  title: 'Qualification (offline engine, one core)',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const count = Number(process.env.BENCH_QUALIFY_COUNT ?? 5000);
    const warmup = Number(process.env.BENCH_QUALIFY_WARMUP ?? 500);
    const candidates = [join(ROOT, 'evals', 'datasets', 'dev.jsonl'), join(ROOT, '..', 'shared', 'evals', 'sample.jsonl')];
    const datasets = candidates.filter((p) => existsSync(p));
    const missing = candidates.filter((p) => !existsSync(p));
    const policy = process.env.BATON_SCORING_POLICY ?? join(ROOT, 'config', 'scoring-policy.yaml');
    ctx.log(`qualifying ${count.toLocaleString('en-US')} cases (after ${warmup} warm-up) from ${datasets.map((d) => relative(ROOT, d)).join(' + ')}`);
    const r = await runWorker({ datasets, policy, count, warmup });

    const f1 = (x: number) => Math.round(x * 10) / 10;
    const notes = [
      `${r.cases} distinct cases repeated to ${r.qualifications.toLocaleString('en-US')} qualifications; CPU ${f1(r.cpuMs)} ms over ${f1(r.wallMs)} ms wall (${((r.cpuMs / r.wallMs) * 100).toFixed(0)}% of one core).`,
      `of which the scoring policy (score, grade, tags, route): ${r.policyUsPerCase} us per case. The engine runs on one thread: CPU above 100% of wall is V8's GC and compiler threads, below 100% means the machine was busy.`,
      `p95 ${r.latencyMs.p95} ms per case (target < ${P95_TARGET_MS} ms: ${r.latencyMs.p95 < P95_TARGET_MS ? 'met' : 'NOT met'}).`,
      'Memory: "before" after loading the cases and a full collection; "after" right after the run; "after gc" what stays (the engine\'s',
      'tables built on first use, the compiled policy, the timings);',
      'peak sampled every 50 cases (heap includes garbage not yet collected); max RSS is the process high-water mark, loading included.',
      ...(missing.length ? [`not found, skipped: ${missing.join(', ')}`] : []),
    ];
    return {
      tables: [
        {
          title: 'Throughput and latency',
          columns: ['cases', 'qualifications', 'wall s', 'cases/s (1 core)', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
          rows: [[r.cases, r.qualifications, Math.round(r.wallMs) / 1000, Math.round(r.perSec), r.latencyMs.p50, r.latencyMs.p95, r.latencyMs.p99, r.latencyMs.max]],
        },
        {
          title: 'Memory (MB)',
          columns: ['', 'RSS', 'heap used'],
          rows: [
            ['before', f1(r.before.rssMb), f1(r.before.heapUsedMb)],
            ['after', f1(r.after.rssMb), f1(r.after.heapUsedMb)],
            ['after gc', f1(r.afterGc.rssMb), f1(r.afterGc.heapUsedMb)],
            ['peak', f1(r.peak.rssMb), f1(r.peak.heapUsedMb)],
            ['max RSS (process)', f1(r.peak.maxRssMb), ''],
          ],
        },
      ],
      notes,
      figures: { ...r, p95TargetMs: P95_TARGET_MS, datasets: datasets.map((d) => relative(ROOT, d)) },
    };
  },
};

function runWorker(input: WorkerInput): Promise<WorkerResult> {
  return runBenchWorker<WorkerInput, WorkerResult>(WORKER, input, 'qualify bench worker');
}
