import type { Command } from 'commander';
import type { SimulationReport } from '../../app/simulate/run.ts';
import { ValidationError } from '../../domain/errors.ts';
import { EXIT, ExitCode } from '../main.ts';

interface SimulateOptions {
  leads: string;
  days: string;
  seed: string;
  start?: string;
  json?: boolean;
}

/** Examples of each broken invariant printed in the human summary. */
const EXAMPLES = 3;

/**
 * `baton simulate --leads N --days D --seed S [--json]`: N synthetic leads through the real sequence
 * engine and inbound pipeline on virtual time, against scripted repliers and an SMTP sink on loopback.
 * Prints progress and a summary; the last line is one JSON object with the counts and each
 * invariant's violations. Exits 1 when any invariant was broken.
 */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run synthetic leads through the real sequence engine and pipeline on virtual time and check its invariants; exits 1 on any violation')
    .option('--leads <n>', 'synthetic leads, 1 to 100000', '200')
    .option('--days <d>', 'simulated days, 1 to 365', '14')
    .option('--seed <s>', 'seed of the world (an integer): the same seed makes the same leads, personas and arrivals', '1')
    .option('--start <date>', 'first simulated day, YYYY-MM-DD (default 2026-03-02, a Monday)')
    .option('--json', 'end with one JSON line: {"leads","days","seed",...counts,"invariants":{name: violations},"violations","elapsed_ms"}')
    .action(async (opts: SimulateOptions) => simulateCommand(opts));
}

function integer(value: string, name: string, lo: number, hi: number): number {
  if (!/^-?\d+$/.test(value.trim())) throw new ValidationError(`--${name} must be a whole number from ${lo} to ${hi}, not "${value}"`, { option: name });
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < lo || n > hi) throw new ValidationError(`--${name} must be from ${lo} to ${hi}, not ${value}`, { option: name });
  return n;
}

function startDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new ValidationError(`--start must be a date as YYYY-MM-DD, not "${value}"`, { option: 'start' });
  }
  return d;
}

async function simulateCommand(opts: SimulateOptions): Promise<void> {
  const leads = integer(opts.leads, 'leads', 1, 100_000);
  const days = integer(opts.days, 'days', 1, 365);
  const seed = integer(opts.seed, 'seed', -2_147_483_648, 4_294_967_295);
  const start = startDate(opts.start);
  const [{ simulatorAdapters }, { runSimulation }] = await Promise.all([import('../../main.ts'), import('../../app/simulate/run.ts')]);
  const began = Date.now();
  console.log(`simulating ${leads} leads over ${days} days (seed ${seed})`);
  const report = await runSimulation(simulatorAdapters(), {
    leads,
    days,
    seed,
    ...(start ? { start } : {}),
    onProgress: (p) => {
      // About ten progress lines per run, whatever its length.
      if (p.day === p.days || p.day % Math.max(1, Math.ceil(p.days / 10)) === 0) {
        console.log(`day ${String(p.day).padStart(String(p.days).length)}/${p.days}: ${p.sent} sent, ${p.worldEvents} replies/bounces/opt-outs, ${p.jobs} jobs run (${((Date.now() - began) / 1000).toFixed(1)} s)`);
      }
    },
  });
  const elapsed = Date.now() - began;
  printSummary(report, elapsed);
  if (opts.json) console.log(JSON.stringify(jsonLine(report, elapsed)));
  if (report.violations > 0) throw new ExitCode(EXIT.failed);
}

/** The JSON contract: counts flat at the top, each invariant's violation count, their total. */
export function jsonLine(r: SimulationReport, elapsedMs: number): Record<string, unknown> {
  return {
    leads: r.leads,
    days: r.days,
    seed: r.seed,
    start: r.start,
    ...r.counts,
    invariants: Object.fromEntries(r.invariants.map((i) => [i.name, i.violations.length])),
    violations: r.violations,
    elapsed_ms: elapsedMs,
  };
}

function printSummary(r: SimulationReport, elapsedMs: number): void {
  const c = r.counts;
  const kv = (o: Readonly<Record<string, number>>) =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  console.log(`world: ${c.arrivals.inbound} web leads, ${c.arrivals.outbound} outbound, ${c.arrivals.nurture} nurture, ${r.start.slice(0, 10)} to ${r.end.slice(0, 10)}`);
  console.log(`sent ${c.sent} (${c.refused_at_rcpt} refused at RCPT); inbound ${c.inbound} (${kv(c.inbound_by_kind)})`);
  console.log(`replies ${c.replies}, auto-replies ${c.auto_replies}, bounces ${c.bounces} (hard ${c.hard_bounces}, soft ${c.soft_bounces}), unsubscribes ${c.unsubscribes} (${kv(c.unsubscribes_by_way)}), complaints ${c.complaints}`);
  console.log(`referrals ${c.referrals}, MQL candidates ${c.mql_candidates}, misread replies ${c.misread_replies}`);
  console.log(`enrolments: ${kv(c.enrolments)}; stages: ${kv(c.stages)}`);
  console.log(`deferred ${c.deferred.total}: window ${c.deferred.window}, mailbox cap ${c.deferred.mailbox_cap}, sequence cap ${c.deferred.sequence_cap}, spacing ${c.deferred.spacing}`);
  console.log(`fast lane: ${c.fast_lane.within_60s}/${c.fast_lane.first_emails} first emails within 60 s, slowest ${c.fast_lane.max_delay_s} s, ${c.fast_lane.unsent_at_end} web lead(s) still waiting for theirs; longest wait of any email past its window ${c.longest_wait_hours} h`);
  console.log('invariants:');
  for (const i of r.invariants) {
    const notes = Object.keys(i.notes).length ? ` [${kv(i.notes)}]` : '';
    console.log(`  ${i.violations.length === 0 ? 'ok  ' : 'FAIL'} ${i.name}: ${i.violations.length} violation(s)${notes}`);
    for (const v of i.violations.slice(0, EXAMPLES)) console.log(`         - ${v}`);
    if (i.violations.length > EXAMPLES) console.log(`         ... and ${i.violations.length - EXAMPLES} more`);
  }
  console.log(`${r.violations === 0 ? 'all invariants held' : `${r.violations} violation(s)`} in ${(elapsedMs / 1000).toFixed(1)} s`);
}
