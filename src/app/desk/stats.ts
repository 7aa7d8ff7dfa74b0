import { deskCounts, undecidedSummaries, type CandidateSummary } from '../../adapters/db/store/desk.ts';
import { startOfDeskDay } from '../../domain/desk/sla.ts';
import type { DeskStats, QueueLine } from '../../domain/desk/views.ts';
import { personRef } from './card.ts';
import type { DeskDeps } from './deps.ts';

const DAY = 86_400_000;
/** Approval rate and time to decision look this far back. */
export const STATS_WINDOW_DAYS = 30;

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function toLine(deps: Pick<DeskDeps, 'team'>, s: CandidateSummary, now: Date): QueueLine {
  return {
    candidateId: s.candidateId,
    leadName: s.leadName,
    company: s.company,
    score: s.score,
    grade: s.grade,
    status: s.status,
    owner: personRef(deps.team, s.owner),
    dueAt: s.dueAt,
    overdue: s.dueAt !== null && s.dueAt.getTime() < now.getTime(),
    hot: s.hot,
  };
}

/** Every undecided candidate as a queue line, the most urgent first: overdue ones, then due soonest. */
export async function queueLines(deps: Pick<DeskDeps, 'db' | 'clock' | 'team'>): Promise<QueueLine[]> {
  const now = deps.clock.now();
  const lines = (await undecidedSummaries(deps.db)).map((s) => toLine(deps, s, now));
  // The store sorts by due time, which already puts overdue first; hot ones win ties.
  return lines.sort((a, b) => (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity) || Number(b.hot) - Number(a.hot));
}

/**
 * The desk's numbers at the clock's time: the asking person's queue (`userId`, a Slack user id or a
 * console login), the team's queue, approvals and escalations since the start of today in the team's
 * zone, approval rate and median minutes to decision over the last 30 days, and open breaches.
 */
export async function deskStats(deps: Pick<DeskDeps, 'db' | 'clock' | 'team' | 'settings'>, options: { userId?: string } = {}): Promise<DeskStats> {
  const now = deps.clock.now();
  const teamQueue = await queueLines(deps);
  const counts = await deskCounts(deps.db, { now, todayStart: startOfDeskDay(now, deps.settings.senderZone), since: new Date(now.getTime() - STATS_WINDOW_DAYS * DAY) });
  const decided = counts.decisions.length;
  const approved = counts.decisions.filter((d) => d.status === 'approved').length;
  const minutes = median(counts.decisions.map((d) => d.minutes));
  return {
    at: now,
    myQueue: options.userId ? teamQueue.filter((l) => l.owner?.id === options.userId) : [],
    teamQueue,
    mqlsToday: counts.approvedToday,
    approvalRate: decided === 0 ? null : approved / decided,
    medianDecisionMinutes: minutes === null ? null : Math.round(minutes * 10) / 10,
    breachesOpen: counts.breachesOpen,
    escalationsToday: counts.escalatedToday,
  };
}
