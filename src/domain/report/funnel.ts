import { ValidationError } from '../errors.ts';
import type { Stage } from '../lifecycle.ts';

/**
 * The funnel report: how many leads reached each step, the conversion between steps, and how fast
 * leads were touched and decided. Pure: the store hands in one fact row per lead (src/adapters/db/
 * store/report.ts) and everything here is arithmetic.
 */

export const FUNNEL_STEPS = ['leads', 'contacted', 'replied', 'mql_candidate', 'mql', 'sql', 'won'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

export const FUNNEL_STEP_LABELS: Record<FunnelStep, string> = {
  leads: 'Leads',
  contacted: 'Contacted',
  replied: 'Replied',
  mql_candidate: 'MQL cand.',
  mql: 'MQL',
  sql: 'SQL',
  won: 'Won',
};

export const FUNNEL_GROUPINGS = ['source', 'campaign', 'sequence', 'sdr'] as const;
export type FunnelGrouping = (typeof FUNNEL_GROUPINGS)[number];

/** Group names for leads that have no value to group by. */
export const NO_SOURCE = '(unknown)';
export const NO_CAMPAIGN = '(none)';
export const NO_SEQUENCE = '(none)';
export const UNDECIDED = '(undecided)';

/** What the store knows about one lead, from its row and its history. */
export interface LeadFunnelFacts {
  leadId: string;
  createdAt: Date;
  /** Every stage the lead has ever been in: its current stage and every `to_stage` of its history. */
  stagesReached: readonly Stage[];
  firstChannel: string | null;
  firstSource: string | null;
  firstCampaign: string | null;
  /** The sequence of the lead's first enrolment, if any. */
  firstSequenceId: string | null;
  /** When the first email to the lead was accepted by SMTP. */
  firstSentAt: Date | null;
  /** Whether the lead ever wrote to us (an inbound message). */
  replied: boolean;
  /** The lead's first move into mql_candidate. */
  candidateAt: Date | null;
  /** The first SDR decision after `candidateAt`: a move out of mql_candidate to mql, nurture or disqualified by a `user:` actor. */
  decidedAt: Date | null;
  decidedBy: string | null;
}

/** Median and 90th percentile of a duration, over the leads that have one. */
export interface DurationStats {
  /** Leads measured. */
  n: number;
  /** Milliseconds; null when n is 0. */
  medianMs: number | null;
  /** Milliseconds, nearest-rank; null when n is 0. */
  p90Ms: number | null;
}

export interface StepFigures {
  count: number;
  /** count / previous step's count, 0..1 rounded to 4 places; null for the first step or when the previous step is 0. */
  fromPrevious: number | null;
  /** count / leads, 0..1 rounded to 4 places; null when there are no leads. */
  fromLeads: number | null;
}

export interface FunnelRow {
  group: string;
  /** The original channel of the source (only when grouped by source). */
  channel?: string | null;
  steps: Record<FunnelStep, StepFigures>;
  /** Lead created -> first email sent. */
  timeToFirstTouch: DurationStats;
  /** Became an MQL candidate -> first SDR decision. */
  timeToDecision: DurationStats;
}

export interface FunnelReport {
  by: FunnelGrouping;
  /** Cohort start: only leads created at or after it; null for all leads. */
  since: string | null;
  generatedAt: string;
  rows: FunnelRow[];
  total: FunnelRow;
}

// How far along the funnel a stage puts a lead. Side stages (nurture, disqualified, unsubscribed,
// bounced) say nothing about progress: the history shows where the lead had been before them.
const STAGE_LEVEL: Partial<Record<Stage, number>> = {
  lead: 0,
  contacted: 1,
  engaged: 2,
  mql_candidate: 3,
  mql: 4,
  sql: 5,
  opportunity: 5,
  customer: 6,
};

/**
 * The furthest funnel step a lead reached (index into FUNNEL_STEPS). Steps are cumulative: a lead that
 * reached a later step counts at every earlier one (a web-form lead that went straight to MQL
 * candidate was contacted and replied), so the rates between steps never exceed 100%.
 */
export function funnelLevel(f: LeadFunnelFacts): number {
  let level = 0;
  for (const s of f.stagesReached) level = Math.max(level, STAGE_LEVEL[s] ?? 0);
  if (f.firstSentAt) level = Math.max(level, 1);
  if (f.replied) level = Math.max(level, 2);
  return level;
}

export function groupKey(f: LeadFunnelFacts, by: FunnelGrouping): string {
  switch (by) {
    case 'source':
      return f.firstSource ?? NO_SOURCE;
    case 'campaign':
      return f.firstCampaign ?? NO_CAMPAIGN;
    case 'sequence':
      return f.firstSequenceId ?? NO_SEQUENCE;
    case 'sdr':
      return f.decidedBy ?? UNDECIDED;
  }
}

/** Median (mean of the two middle values for an even count) and nearest-rank 90th percentile. */
export function durationStats(durationsMs: readonly number[]): DurationStats {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { n, medianMs: null, p90Ms: null };
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const p90 = sorted[Math.ceil(0.9 * n) - 1]!;
  return { n, medianMs: median, p90Ms: p90 };
}

function ratio(count: number, of: number): number | null {
  return of === 0 ? null : Math.round((count / of) * 10_000) / 10_000;
}

export function funnelRow(group: string, facts: readonly LeadFunnelFacts[]): FunnelRow {
  const counts = FUNNEL_STEPS.map(() => 0);
  const touch: number[] = [];
  const decision: number[] = [];
  for (const f of facts) {
    const level = funnelLevel(f);
    for (let i = 0; i <= level; i++) counts[i]! += 1;
    // A first email before the lead's row existed (clock skew, an import of an old lead) is not a duration.
    if (f.firstSentAt) touch.push(Math.max(0, f.firstSentAt.getTime() - f.createdAt.getTime()));
    if (f.candidateAt && f.decidedAt) decision.push(Math.max(0, f.decidedAt.getTime() - f.candidateAt.getTime()));
  }
  const leads = counts[0]!;
  const steps = Object.fromEntries(
    FUNNEL_STEPS.map((step, i) => [step, { count: counts[i]!, fromPrevious: i === 0 ? null : ratio(counts[i]!, counts[i - 1]!), fromLeads: ratio(counts[i]!, leads) }]),
  ) as Record<FunnelStep, StepFigures>;
  return { group, steps, timeToFirstTouch: durationStats(touch), timeToDecision: durationStats(decision) };
}

/** One row per group, biggest first (then by name), and a total row over every lead. */
export function buildFunnel(facts: readonly LeadFunnelFacts[], by: FunnelGrouping): { rows: FunnelRow[]; total: FunnelRow } {
  // By source, a group is the (channel, source) pair: the same source name may come in by two channels.
  const groups = new Map<string, { group: string; channel: string | null; facts: LeadFunnelFacts[] }>();
  for (const f of facts) {
    const group = groupKey(f, by);
    const channel = by === 'source' ? f.firstChannel : null;
    const id = JSON.stringify([group, channel]);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { group, channel, facts: [] }));
    g.facts.push(f);
  }
  const rows = [...groups.values()]
    .map((g) => (by === 'source' ? { ...funnelRow(g.group, g.facts), channel: g.channel } : funnelRow(g.group, g.facts)))
    .sort((a, b) => b.steps.leads.count - a.steps.leads.count || a.group.localeCompare(b.group) || (a.channel ?? '').localeCompare(b.channel ?? ''));
  return { rows, total: funnelRow('total', facts) };
}

export function isFunnelGrouping(value: string): value is FunnelGrouping {
  return (FUNNEL_GROUPINGS as readonly string[]).includes(value);
}

const DAY_MS = 86_400_000;

/**
 * `--since`: a date (YYYY-MM-DD, midnight UTC) or a number of days back from `now` (`7d`, `30d`).
 * Throws a ValidationError naming the accepted forms.
 */
export function parseSince(text: string, now: Date): Date {
  const t = text.trim();
  const days = /^(\d{1,5})d$/.exec(t);
  if (days) {
    const n = Number(days[1]);
    if (n < 1) throw new ValidationError(`--since ${text}: the number of days must be 1 or more`, { since: text }, 'REPORT_BAD_SINCE');
    return new Date(now.getTime() - n * DAY_MS);
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (date) {
    const d = new Date(`${t}T00:00:00Z`);
    // Date accepts 2026-02-31 and rolls it over; a date that does not round-trip is not a real one.
    if (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === t) {
      if (d.getTime() > now.getTime()) throw new ValidationError(`--since ${text} is in the future`, { since: text }, 'REPORT_BAD_SINCE');
      return d;
    }
  }
  throw new ValidationError(`--since "${text}" is neither a date (YYYY-MM-DD) nor a number of days (7d, 30d)`, { since: text }, 'REPORT_BAD_SINCE');
}

/** A duration for people: 45s, 12m, 3h 20m, 2d 4h. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}
