import type { Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import { openBaton } from '../../main.ts';
import { createLogger } from '../../adapters/log.ts';
import { funnelReport } from '../../app/report/funnel.ts';
import { systemClock } from '../../domain/clock.ts';
import { ValidationError } from '../../domain/errors.ts';
import {
  FUNNEL_GROUPINGS,
  FUNNEL_STEPS,
  FUNNEL_STEP_LABELS,
  formatDuration,
  isFunnelGrouping,
  parseSince,
  type DurationStats,
  type FunnelReport,
  type FunnelRow,
} from '../../domain/report/funnel.ts';

/** `baton report funnel`. */
export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('reports on the pipeline');

  report
    .command('funnel')
    .description('leads -> contacted -> replied -> MQL candidate -> MQL -> SQL -> won, with conversion rates, time to first touch and time to decision')
    .option('--since <when>', 'only leads created since a date (YYYY-MM-DD, UTC) or a number of days back (7d, 30d)')
    .option('--by <group>', `one row per ${FUNNEL_GROUPINGS.join(', ')} (sdr: who decided the MQL candidate)`, 'source')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { since?: string; by: string; json?: boolean }) => funnelCommand(opts));
}

async function funnelCommand(opts: { since?: string; by: string; json?: boolean }): Promise<void> {
  // Usage problems are reported before the database is opened.
  if (!isFunnelGrouping(opts.by)) throw new ValidationError(`--by "${opts.by}" is not a grouping; use one of: ${FUNNEL_GROUPINGS.join(', ')}`, { by: opts.by }, 'REPORT_BAD_BY');
  const by = opts.by;
  const since = opts.since === undefined ? undefined : parseSince(opts.since, systemClock.now());
  const config = loadConfig();
  const level = config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL;
  const baton = await openBaton(config, { logger: createLogger({ level, logPii: config.BATON_LOG_PII, destination: 2 }) });
  try {
    const report = await funnelReport(baton, since ? { by, since } : { by });
    process.stdout.write(`${opts.json ? JSON.stringify(report, null, 2) : funnelTable(report)}\n`);
  } finally {
    await baton.close();
  }
}

const pct = (x: number | null): string => (x === null ? '-' : `${Math.round(x * 100)}%`);
const durations = (d: DurationStats): string => (d.n === 0 ? '-' : `${formatDuration(d.medianMs)} / ${formatDuration(d.p90Ms)}`);

function rowCells(r: FunnelRow): string[] {
  const label = r.channel ? `${r.group} (${r.channel})` : r.group;
  const steps = FUNNEL_STEPS.map((s, i) => (i === 0 ? String(r.steps[s].count) : `${r.steps[s].count} ${pct(r.steps[s].fromPrevious)}`));
  return [label, ...steps, pct(r.steps.won.fromLeads), durations(r.timeToFirstTouch), durations(r.timeToDecision)];
}

/** A plain-text table: one line per group, then the total. */
export function funnelTable(report: FunnelReport): string {
  const header = [report.by, ...FUNNEL_STEPS.map((s) => FUNNEL_STEP_LABELS[s]), 'Won/lead', '1st touch p50 / p90', 'Decision p50 / p90'];
  const body = report.rows.map(rowCells);
  const total = rowCells(report.total);
  const widths = header.map((h, i) => Math.max(h.length, ...[...body, total].map((c) => (c[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const cohort = report.since ? `leads created since ${report.since.slice(0, 10)}` : 'all leads';
  return [
    `Funnel by ${report.by}, ${cohort}`,
    '',
    line(header),
    rule,
    ...body.map(line),
    rule,
    line(total),
    '',
    'A step counts every lead that ever reached it; the percentage is the conversion from the previous step.',
    'Times are median / 90th percentile: lead created -> first email sent; MQL candidate -> first SDR decision.',
  ].join('\n');
}
