import type { CandidateStatus, RejectReason } from '../../../domain/desk/decision.ts';
import type { HandoffStatus } from '../../../domain/desk/views.ts';
import type { Stage } from '../../../domain/lifecycle.ts';
import type { Queryable } from '../db.ts';

/** Reads the desk's views need beyond the candidate row: accounts and contacts, handoffs, queues, numbers. */

const LEAD_NAME = `coalesce(l.full_name, nullif(concat_ws(' ', l.first_name, l.last_name), ''))`;

export interface AccountWithContacts {
  readonly name: string;
  readonly domain: string | null;
  readonly industry: string | null;
  readonly employees: number | null;
  readonly contacts: { readonly name: string | null; readonly title: string | null; readonly email: string; readonly stage: Stage }[];
}

/**
 * The account and its other contacts (the given lead left out), up to `limit` of them, most recently
 * active first. The account's name falls back to its domain. Null when the lead has no account.
 */
export async function accountWithContacts(q: Queryable, accountId: string | null, excludeLeadId: string, limit = 10): Promise<AccountWithContacts | null> {
  if (!accountId) return null;
  const { rows } = await q.query<{ name: string | null; domain: string; industry: string | null; employees: number | null }>(
    'SELECT name, domain, industry, employees FROM accounts WHERE id = $1',
    [accountId],
  );
  const a = rows[0];
  if (!a) return null;
  const { rows: contacts } = await q.query<{ name: string | null; title: string | null; email: string; stage: Stage }>(
    `SELECT ${LEAD_NAME} AS name, l.title, l.email, l.stage FROM leads l
      WHERE l.account_id = $1 AND l.id <> $2 ORDER BY l.updated_at DESC, l.id LIMIT $3`,
    [accountId, excludeLeadId, limit],
  );
  return { name: a.name ?? a.domain, domain: a.domain, industry: a.industry, employees: a.employees, contacts };
}

/** A candidate as a list or the similar-candidates view shows it: with its lead and what sales said. */
export interface CandidateSummary {
  readonly candidateId: string;
  readonly leadId: string;
  readonly leadName: string | null;
  readonly company: string | null;
  readonly status: CandidateStatus;
  readonly rejectReason: RejectReason | null;
  readonly score: number;
  readonly grade: 'A' | 'B' | 'C' | 'D' | null;
  readonly owner: string | null;
  readonly dueAt: Date | null;
  readonly hot: boolean;
  readonly outcome: HandoffStatus | null;
}

interface SummaryRow {
  id: string;
  lead_id: string;
  lead_name: string | null;
  company: string | null;
  status: CandidateStatus;
  reject_reason: RejectReason | null;
  score: number | string | null;
  grade: 'A' | 'B' | 'C' | 'D' | null;
  owner: string | null;
  due_at: Date | null;
  hot: boolean;
  outcome: HandoffStatus | null;
}

const SUMMARY_SELECT = `SELECT c.id, c.lead_id, ${LEAD_NAME} AS lead_name, coalesce(l.company, a.name) AS company, c.status, c.reject_reason,
            (c.qualification->>'score') AS score, (c.qualification->>'grade') AS grade, c.owner, c.due_at, c.hot, h.status AS outcome
       FROM candidates c
       JOIN leads l ON l.id = c.lead_id
       LEFT JOIN accounts a ON a.id = l.account_id
       LEFT JOIN handoffs h ON h.candidate_id = c.id`;

function toSummary(r: SummaryRow): CandidateSummary {
  return {
    candidateId: r.id,
    leadId: r.lead_id,
    leadName: r.lead_name,
    company: r.company,
    status: r.status,
    rejectReason: r.reject_reason,
    score: Number(r.score ?? 0),
    grade: r.grade,
    owner: r.owner,
    dueAt: r.due_at,
    hot: r.hot,
    outcome: r.outcome,
  };
}

/** Summaries of the given candidates, in no particular order. */
export async function candidateSummaries(q: Queryable, ids: readonly string[]): Promise<CandidateSummary[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<SummaryRow>(`${SUMMARY_SELECT} WHERE c.id = ANY($1::uuid[])`, [[...ids]]);
  return rows.map(toSummary);
}

/** Every undecided candidate, the most urgent first (due soonest, undated last, then oldest). */
export async function undecidedSummaries(q: Queryable): Promise<CandidateSummary[]> {
  const { rows } = await q.query<SummaryRow>(`${SUMMARY_SELECT} WHERE c.status IN ('open', 'snoozed') ORDER BY c.due_at NULLS LAST, c.created_at, c.id`);
  return rows.map(toSummary);
}

/** Candidate ids of other candidates of one lead (left out of its similar-candidates view). */
export async function candidateIdsOfLead(q: Queryable, leadId: string): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>('SELECT id FROM candidates WHERE lead_id = $1', [leadId]);
  return rows.map((r) => r.id);
}

export interface DeskCounts {
  /** Candidates approved in [todayStart, now]. */
  readonly approvedToday: number;
  /** Candidates escalated in [todayStart, now]. */
  readonly escalatedToday: number;
  /** Undecided candidates whose due time is before now. */
  readonly breachesOpen: number;
  /** Decisions in [since, now]: how each went and how long it took, in minutes. */
  readonly decisions: readonly { readonly status: 'approved' | 'rejected'; readonly minutes: number }[];
}

/** The desk's counters at `now`; `since` bounds the decision history (30 days back). */
export async function deskCounts(q: Queryable, o: { now: Date; todayStart: Date; since: Date }): Promise<DeskCounts> {
  const { rows } = await q.query<{ approved_today: number; escalated_today: number; breaches_open: number }>(
    `SELECT
       (SELECT count(*)::int FROM candidates WHERE status = 'approved' AND decided_at >= $2 AND decided_at <= $1) AS approved_today,
       (SELECT count(*)::int FROM candidates WHERE escalated_at >= $2 AND escalated_at <= $1) AS escalated_today,
       (SELECT count(*)::int FROM candidates WHERE status IN ('open', 'snoozed') AND due_at < $1) AS breaches_open`,
    [o.now, o.todayStart],
  );
  const { rows: decided } = await q.query<{ status: 'approved' | 'rejected'; minutes: number | string }>(
    `SELECT status, extract(epoch FROM decided_at - created_at) / 60 AS minutes
       FROM candidates WHERE decided_at >= $1 AND decided_at <= $2 AND status IN ('approved', 'rejected')`,
    [o.since, o.now],
  );
  const r = rows[0];
  return {
    approvedToday: r?.approved_today ?? 0,
    escalatedToday: r?.escalated_today ?? 0,
    breachesOpen: r?.breaches_open ?? 0,
    decisions: decided.map((d) => ({ status: d.status, minutes: Number(d.minutes) })),
  };
}
