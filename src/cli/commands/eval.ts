import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { compareMetrics, formatCompare } from '../../app/eval/compare.ts';
import { evaluateDataset } from '../../app/eval/evaluate.ts';
import { checkGate, describeGateFailure, Thresholds } from '../../app/eval/gate.ts';
import type { Metrics } from '../../app/eval/metrics.ts';
import { formatPredictionLine } from '../../app/eval/prediction.ts';
import { renderReport } from '../../app/eval/report.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { QualificationEngine } from '../../domain/qualify/types.ts';

interface EvalOptions {
  dataset?: string;
  engine: string;
  out?: string;
  report?: string;
  json?: boolean;
  gate?: string;
  compare?: string[];
}

const ENGINES = ['offline', 'openai', 'hybrid'] as const;

/**
 * The engine to evaluate, built by the composition root from the validated configuration, so the
 * scoring policy (BATON_SCORING_POLICY) and model settings in force are the ones measured.
 */
export async function buildEngine(name: string): Promise<QualificationEngine> {
  if (name !== 'offline' && name !== 'openai' && name !== 'hybrid') {
    throw new ValidationError(`unknown engine "${name}"; choose one of: ${ENGINES.join(', ')}`, { engine: name });
  }
  const [{ buildQualificationEngine }, { loadConfig }, { createLogger }] = await Promise.all([
    import('../../main.ts'),
    import('../../config/load.ts'),
    import('../../adapters/log.ts'),
  ]);
  // The engine asked for on the command line, whatever BATON_ENGINE says.
  const config = loadConfig(undefined, { BATON_ENGINE: 'offline' });
  // Logs go to stderr so `--json` keeps stdout to the one metrics object.
  const logger = createLogger({ level: config.LOG_LEVEL, logPii: config.BATON_LOG_PII, destination: 2 });
  return buildQualificationEngine(config, { logger, engine: name });
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ValidationError(`cannot read ${what} ${path}: ${e instanceof Error ? e.message : String(e)}`, { path });
  }
}

function readJson(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ValidationError(`${what} ${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { path });
  }
}

function summary(m: Metrics): string {
  const f = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));
  return [
    `dataset ${m.dataset ?? '-'}  engine ${m.engine}  cases ${m.cases}  errors ${m.errors}`,
    `intent        accuracy ${f(m.intent.accuracy)}  macro-F1 ${f(m.intent.macro_f1)}`,
    ...(['budget', 'authority', 'need', 'timeline'] as const).map(
      (k) => `${k.padEnd(13)} accuracy ${f(m.bant[k].accuracy)}  met P ${f(m.bant[k].precision)} R ${f(m.bant[k].recall)} F1 ${f(m.bant[k].f1)}`,
    ),
    `bant macro-F1 ${f(m.bant_macro_f1)}`,
    `mql           accuracy ${f(m.mql.accuracy)}  P ${f(m.mql.precision)} R ${f(m.mql.recall)} F1 ${f(m.mql.f1)}`,
    `grounding     ${f(m.grounding.share)} (${m.grounding.grounded}/${m.grounding.checked})`,
    `values        budget amount ${f(m.values.budget_amount.rate)} (${m.values.budget_amount.matched}/${m.values.budget_amount.labelled})  within_days ${f(m.values.within_days.rate)} (${m.values.within_days.matched}/${m.values.within_days.labelled})`,
    `latency       p50 ${m.latency_ms.p50.toFixed(2)} ms  p95 ${m.latency_ms.p95.toFixed(2)} ms`,
    `usage         model cases ${m.usage.model_cases}  tokens/case in ${m.usage.input_tokens_per_case} out ${m.usage.output_tokens_per_case}  cost/case ${m.usage.cost_per_case_usd === null ? 'n/a' : `$${m.usage.cost_per_case_usd}`}`,
  ].join('\n');
}

async function evalAction(opts: EvalOptions): Promise<void> {
  if (opts.compare) {
    if (opts.compare.length !== 2) throw new ValidationError('--compare takes exactly two metrics files: --compare A.json B.json');
    const [a, b] = opts.compare as [string, string];
    const rows = compareMetrics(readJson(a, 'metrics file'), readJson(b, 'metrics file'));
    console.log(opts.json ? JSON.stringify({ a, b, rows }) : formatCompare(rows, basename(a), basename(b)));
    return;
  }
  if (!opts.dataset) throw new ValidationError('--dataset FILE.jsonl is required (or --compare A.json B.json)');
  const engine = await buildEngine(opts.engine);
  // Read the gate before the run so a typo in its path does not cost a whole evaluation.
  let thresholds: Thresholds | undefined;
  if (opts.gate) {
    const parsed = Thresholds.safeParse(readJson(opts.gate, 'thresholds file'));
    if (!parsed.success) throw new ValidationError(`thresholds file ${opts.gate} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    thresholds = parsed.data;
  }
  const text = readText(opts.dataset, 'dataset');
  const { lines, predictions, metrics } = await evaluateDataset(text, engine, { clock: () => performance.now(), dataset: opts.dataset });
  if (opts.out) writeFileSync(opts.out, predictions.map((p) => `${formatPredictionLine(p)}\n`).join(''));
  if (opts.report) writeFileSync(opts.report, renderReport(metrics, lines, predictions));
  console.log(opts.json ? JSON.stringify(metrics) : summary(metrics));
  if (thresholds) {
    const result = checkGate(metrics, thresholds, basename(opts.dataset));
    for (const m of result.unmeasured) console.error(`gate: ${m} not measured on this dataset (skipped)`);
    if (!result.passed) {
      for (const f of result.failures) console.error(`gate failed: ${describeGateFailure(f)}`);
      process.exitCode = 1;
    } else if (!opts.json) {
      console.error(`gate passed (${opts.gate})`);
    }
  }
}

/** `baton eval --dataset FILE.jsonl [--engine] [--out] [--report] [--json] [--gate]` and `baton eval --compare A.json B.json`. */
export function registerEvalCommand(program: Command): void {
  const evalCommand = program
    .command('eval')
    .description('run the qualification engine on a labelled case file (../shared/evals/FORMAT.md) and report the metrics')
    .option('--dataset <file>', 'cases as JSON Lines')
    .option('--engine <name>', `engine to evaluate: ${ENGINES.join(' | ')}`, 'offline')
    .option('--out <file>', 'write predictions as JSON Lines (one per case, same order)')
    .option('--report <file>', 'write an HTML report with the failing cases')
    .option('--json', 'print the metrics as one JSON object on stdout')
    .option('--gate <file>', 'check the metrics against a thresholds file (e.g. evals/thresholds.json); exit 1 when below')
    .option('--compare <files...>', 'show two metrics JSON files side by side: --compare A.json B.json')
    .action(async (opts: EvalOptions) => evalAction(opts));

  evalCommand
    .command('chat')
    .description('play scripted website-chat visitors against the chat (policy, offline engine, knowledge base, takeover) and check its invariants; exit 1 on any violation')
    .option('--scripts <file>', 'visitor scripts (YAML)', 'evals/chat/visitors.yaml')
    .option('--json', 'print the report as one JSON object')
    .action(async function (this: Command) {
      await chatSimulationAction(this.optsWithGlobals<{ scripts: string; json?: boolean }>());
    });

  evalCommand
    .command('export-corrections')
    .description('write every candidate an SDR corrected or rejected as an eval case (FORMAT.md), labelled with the correction')
    .option('--out <file>', 'write the cases to a file instead of stdout')
    .option('--since <date>', 'only candidates decided or edited since a day (YYYY-MM-DD, UTC) or a number of days back (30d)')
    .action(async function (this: Command) {
      // `--out` is also an option of `baton eval` itself, which may take it first: read both levels.
      await exportCorrectionsAction(this.optsWithGlobals<{ out?: string; since?: string }>());
    });
}

/** `baton eval chat [--scripts FILE] [--json]`: scripted visitors against the real chat; exit 1 on any violation. */
async function chatSimulationAction(opts: { scripts: string; json?: boolean }): Promise<void> {
  const [{ loadConfig }, { chatSimulation }, { createLogger }, { parseScripts, simulateChats, formatSimulation }, { parse: parseYaml }] = await Promise.all([
    import('../../config/load.ts'),
    import('../../main.ts'),
    import('../../adapters/log.ts'),
    import('../../app/chat/simulate.ts'),
    import('yaml'),
  ]);
  const text = readText(opts.scripts, 'chat scripts');
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    throw new ValidationError(`chat scripts ${opts.scripts} are not YAML: ${e instanceof Error ? e.message : String(e)}`, { path: opts.scripts });
  }
  const scripts = parseScripts(value, opts.scripts);
  const config = loadConfig();
  const level = config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL;
  const sim = await chatSimulation(config, { logger: createLogger({ level, logPii: config.BATON_LOG_PII, destination: 2 }) });
  try {
    const report = await simulateChats(sim.deps, scripts);
    console.log(opts.json ? JSON.stringify(report) : formatSimulation(report));
    if (report.violations.length > 0) process.exitCode = 1;
  } finally {
    await sim.close();
  }
}

async function exportCorrectionsAction(opts: { out?: string; since?: string }): Promise<void> {
  const [{ loadConfig }, { openBaton }, { createLogger }, { exportCorrections, formatCases }, { parseSince }, { systemClock }] = await Promise.all([
    import('../../config/load.ts'),
    import('../../main.ts'),
    import('../../adapters/log.ts'),
    import('../../app/eval/export-corrections.ts'),
    import('../../domain/report/funnel.ts'),
    import('../../domain/clock.ts'),
  ]);
  // Usage problems are reported before the database is opened.
  const since = opts.since === undefined ? undefined : parseSince(opts.since, systemClock.now());
  const config = loadConfig();
  const level = config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL;
  const baton = await openBaton(config, { logger: createLogger({ level, logPii: config.BATON_LOG_PII, destination: 2 }) });
  try {
    const { cases, skipped } = await exportCorrections(baton.db, { ...(since ? { since } : {}), zone: config.BATON_TIME_ZONE });
    const text = formatCases(cases);
    if (opts.out) {
      writeFileSync(opts.out, text);
      console.error(`wrote ${cases.length} case${cases.length === 1 ? '' : 's'} to ${opts.out}${skipped ? ` (${skipped} skipped: their reply is no longer stored)` : ''}`);
    } else {
      process.stdout.write(text);
      if (skipped) console.error(`${skipped} candidate${skipped === 1 ? '' : 's'} skipped: their reply is no longer stored`);
    }
  } finally {
    await baton.close();
  }
}
