/**
 * One qualification throughput measurement, in its own process so that its memory is its own: the
 * offline engine, synchronous and single-threaded, over the labelled cases repeated to the wanted
 * count after a warm-up. Times each qualification, samples memory every SAMPLE_EVERY cases, and prints
 * one JSON line.
 *
 * Usage: node --expose-gc --import tsx bench/qualify/worker.ts '{"datasets":["evals/datasets/dev.jsonl"],"count":5000,"warmup":500}'
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseCaseLines } from '../../src/app/eval/case.ts';
import { caseToInput } from '../../src/app/eval/run.ts';
import { qualifyOffline } from '../../src/domain/qualify/engine.offline.ts';
import { classifyLead, gradeLead, routeLead } from '../../src/domain/qualify/grade.ts';
import { scoreLead } from '../../src/domain/qualify/score.ts';
import { parseScoringPolicy } from '../../src/domain/qualify/policy.ts';
import type { QualifyInput } from '../../src/domain/qualify/types.ts';

export interface WorkerInput {
  datasets: string[];
  policy: string;
  count: number;
  warmup: number;
}

export interface MemoryFigures {
  rssMb: number;
  heapUsedMb: number;
}

export interface WorkerResult {
  cases: number;
  qualifications: number;
  warmup: number;
  wallMs: number;
  cpuMs: number;
  perSec: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** After loading the cases and a full collection, before the warm-up. */
  before: MemoryFigures;
  /** Right after the timed run, before any collection. */
  after: MemoryFigures;
  /** After the timed run and a full collection: what the engine keeps. */
  afterGc: MemoryFigures;
  peak: { rssMb: number; heapUsedMb: number; maxRssMb: number };
  /** The scoring policy's share of a qualification: score, grade, tags and route, in microseconds. */
  policyUsPerCase: number;
  intents: Record<string, number>;
}

const MB = 1024 * 1024;
const SAMPLE_EVERY = 50;

function memory(): MemoryFigures {
  const m = process.memoryUsage();
  return { rssMb: m.rss / MB, heapUsedMb: m.heapUsed / MB };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

function run(input: WorkerInput): WorkerResult {
  const cases: QualifyInput[] = [];
  for (const path of input.datasets) {
    for (const line of parseCaseLines(readFileSync(path, 'utf8'))) if ('case' in line) cases.push(caseToInput(line.case));
  }
  if (!cases.length) throw new Error(`no readable cases in ${input.datasets.join(', ')}`);
  const policy = parseScoringPolicy(readFileSync(input.policy, 'utf8'), input.policy);

  gc();
  const before = memory();
  for (let i = 0; i < input.warmup; i++) qualifyOffline(cases[i % cases.length] as QualifyInput, policy);

  const times = new Float64Array(input.count);
  const intents: Record<string, number> = {};
  let peakRss = 0;
  let peakHeap = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < input.count; i++) {
    const c = cases[i % cases.length] as QualifyInput;
    const s = performance.now();
    const q = qualifyOffline(c, policy);
    times[i] = performance.now() - s;
    intents[q.intent] = (intents[q.intent] ?? 0) + 1;
    if (i % SAMPLE_EVERY === 0) {
      const m = process.memoryUsage();
      if (m.rss > peakRss) peakRss = m.rss;
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    }
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const after = memory();
  gc();
  const afterGc = memory();

  // The policy step alone, on answers already made: what the scoring policy costs per case.
  const made = cases.map((c) => ({ c, q: qualifyOffline(c, policy) }));
  const p0 = performance.now();
  for (let i = 0; i < input.count; i++) {
    const { c, q } = made[i % made.length] as (typeof made)[number];
    const s = scoreLead({ intent: q.intent, bant: q.bant, lead: c.lead, channel: c.channel, thread: c.thread, referral: q.referral }, policy);
    gradeLead(q.intent, q.bant.timeline, s.fitPoints, policy);
    classifyLead(q.intent, q.bant, c.lead, policy);
    routeLead(q.intent, s.score, q.mql, policy);
  }
  const policyUsPerCase = ((performance.now() - p0) * 1000) / input.count;

  const sorted = Array.from(times).sort((a, b) => a - b);
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    cases: cases.length,
    qualifications: input.count,
    warmup: input.warmup,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    perSec: input.count / (wallMs / 1000),
    latencyMs: {
      p50: round3(quantile(sorted, 0.5)),
      p95: round3(quantile(sorted, 0.95)),
      p99: round3(quantile(sorted, 0.99)),
      max: round3(sorted.at(-1) ?? NaN),
      mean: round3(wallMs / input.count),
    },
    before,
    after,
    afterGc,
    peak: {
      rssMb: Math.max(peakRss / MB, after.rssMb),
      heapUsedMb: Math.max(peakHeap / MB, after.heapUsedMb),
      // resourceUsage().maxRSS is in kilobytes: the process's high-water mark, loading included.
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    },
    policyUsPerCase: Math.round(policyUsPerCase * 10) / 10,
    intents,
  };
}

const arg = process.argv[2];
if (!arg) {
  console.error('usage: worker.ts <json WorkerInput>');
  process.exit(2);
}
console.log(JSON.stringify(run(JSON.parse(arg) as WorkerInput)));
