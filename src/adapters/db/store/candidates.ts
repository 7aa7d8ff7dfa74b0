import type { BantCorrection, Candidate, CandidateStatus, RejectReason } from '../../../domain/desk/decision.ts';
import type { Qualification } from '../../../domain/qualify/types.ts';
import type { Queryable } from '../db.ts';

interface CandidateRow {
  id: string;
  lead_id: string;
  qualification_id: string | number | null;
  qualification: Qualification;
  bant_correction: BantCorrection | null;
  status: CandidateStatus;
  owner: string | null;
  due_at: Date | null;
  snoozed_until: Date | null;
  refreshes: number;
  decided_at: Date | null;
  decided_by: string | null;
  reject_reason: RejectReason | null;
  note: string | null;
  version: number;
  slack_channel: string | null;
  slack_ts: string | null;
  hot: boolean;
  reminded_at: Date | null;
  escalations: number;
  escalated_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A candidate with its SLA bookkeeping (migration 0006); usable wherever a Candidate is. */
export interface DeskCandidate extends Candidate {
  /** A hot inbound candidate: the tighter SLA applies. */
  readonly hot: boolean;
  /** When the owner was last reminded of the current due time. */
  readonly remindedAt: Date | null;
  /** How many times the SLA lapsed and the candidate was reassigned. */
  readonly escalations: number;
  readonly escalatedAt: Date | null;
}

function toCandidate(r: CandidateRow): DeskCandidate {
  return {
    id: r.id,
    leadId: r.lead_id,
    // bigint comes back as a string from node-postgres and PGlite alike; kept as a string.
    qualificationId: r.qualification_id === null ? null : String(r.qualification_id),
    qualification: r.qualification,
    bantCorrection: r.bant_correction,
    status: r.status,
    owner: r.owner,
    dueAt: r.due_at,
    snoozedUntil: r.snoozed_until,
    refreshes: r.refreshes,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
    rejectReason: r.reject_reason,
    note: r.note,
    version: r.version,
    slackChannel: r.slack_channel,
    slackTs: r.slack_ts,
    hot: r.hot,
    remindedAt: r.reminded_at,
    escalations: r.escalations,
    escalatedAt: r.escalated_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface NewCandidate {
  id: string;
  leadId: string;
  qualificationId: string | null;
  qualification: Qualification;
  owner?: string | null;
  dueAt?: Date | null;
  hot?: boolean;
}

export async function insertCandidate(q: Queryable, c: NewCandidate, at: Date): Promise<DeskCandidate> {
  const { rows } = await q.query<CandidateRow>(
    `INSERT INTO candidates (id, lead_id, qualification_id, qualification, status, owner, due_at, hot, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $8) RETURNING *`,
    [c.id, c.leadId, c.qualificationId, JSON.stringify(c.qualification), c.owner ?? null, c.dueAt ?? null, c.hot ?? false, at],
  );
  return toCandidate(rows[0] as CandidateRow);
}

export async function getCandidate(q: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<DeskCandidate | null> {
  const { rows } = await q.query<CandidateRow>(`SELECT * FROM candidates WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toCandidate(rows[0]) : null;
}

/** The lead's undecided (open or snoozed) candidate; there is at most one. */
export async function undecidedCandidateOf(q: Queryable, leadId: string, options: { forUpdate?: boolean } = {}): Promise<DeskCandidate | null> {
  const { rows } = await q.query<CandidateRow>(`SELECT * FROM candidates WHERE lead_id = $1 AND status IN ('open', 'snoozed')${options.forUpdate ? ' FOR UPDATE' : ''}`, [leadId]);
  return rows[0] ? toCandidate(rows[0]) : null;
}

export async function candidatesOfLead(q: Queryable, leadId: string): Promise<DeskCandidate[]> {
  const { rows } = await q.query<CandidateRow>(`SELECT * FROM candidates WHERE lead_id = $1 ORDER BY created_at, id`, [leadId]);
  return rows.map(toCandidate);
}

/** Candidates in the given states, the most urgent first (due soonest, then oldest). */
export async function listCandidates(q: Queryable, statuses: readonly CandidateStatus[]): Promise<DeskCandidate[]> {
  const { rows } = await q.query<CandidateRow>(`SELECT * FROM candidates WHERE status = ANY($1::text[]) ORDER BY due_at NULLS LAST, created_at, id`, [[...statuses]]);
  return rows.map(toCandidate);
}

/** The newest qualification row of a lead (the one just written, inside the writer's transaction). */
export async function latestQualificationId(q: Queryable, leadId: string): Promise<string | null> {
  const { rows } = await q.query<{ id: string | number }>(`SELECT id FROM qualifications WHERE lead_id = $1 ORDER BY id DESC LIMIT 1`, [leadId]);
  return rows[0] ? String(rows[0].id) : null;
}

export interface CandidatePatch {
  qualificationId?: string | null;
  qualification?: Qualification;
  bantCorrection?: BantCorrection;
  status?: CandidateStatus;
  owner?: string | null;
  dueAt?: Date | null;
  snoozedUntil?: Date | null;
  decidedAt?: Date;
  decidedBy?: string;
  rejectReason?: RejectReason | null;
  note?: string | null;
  slackChannel?: string | null;
  slackTs?: string | null;
  hot?: boolean;
  remindedAt?: Date | null;
  escalations?: number;
  escalatedAt?: Date | null;
}

const PATCH_COLUMNS: Record<keyof CandidatePatch, string> = {
  qualificationId: 'qualification_id',
  qualification: 'qualification',
  bantCorrection: 'bant_correction',
  status: 'status',
  owner: 'owner',
  dueAt: 'due_at',
  snoozedUntil: 'snoozed_until',
  decidedAt: 'decided_at',
  decidedBy: 'decided_by',
  rejectReason: 'reject_reason',
  note: 'note',
  slackChannel: 'slack_channel',
  slackTs: 'slack_ts',
  hot: 'hot',
  remindedAt: 'reminded_at',
  escalations: 'escalations',
  escalatedAt: 'escalated_at',
};
const JSON_FIELDS: ReadonlySet<keyof CandidatePatch> = new Set(['qualification', 'bantCorrection']);

/**
 * Changes a candidate only if it is still at `version` (and, with `undecidedOnly`, still open or
 * snoozed), bumping the version. Returns null when another writer got there first: the caller reads
 * the row again to say who. `refresh` counts a newer qualification.
 */
export async function updateCandidate(
  q: Queryable,
  id: string,
  version: number,
  patch: CandidatePatch,
  at: Date,
  options: { undecidedOnly?: boolean; refresh?: boolean } = {},
): Promise<DeskCandidate | null> {
  const sets: string[] = ['version = version + 1', 'updated_at = $3'];
  const values: unknown[] = [id, version, at];
  for (const [k, v] of Object.entries(patch) as [keyof CandidatePatch, unknown][]) {
    if (v === undefined) continue;
    values.push(JSON_FIELDS.has(k) ? JSON.stringify(v) : v);
    sets.push(`${PATCH_COLUMNS[k]} = $${values.length}`);
  }
  if (options.refresh) sets.push('refreshes = refreshes + 1');
  const { rows } = await q.query<CandidateRow>(
    `UPDATE candidates SET ${sets.join(', ')} WHERE id = $1 AND version = $2${options.undecidedOnly ? ` AND status IN ('open', 'snoozed')` : ''} RETURNING *`,
    values,
  );
  return rows[0] ? toCandidate(rows[0]) : null;
}

/** Snoozed candidates whose snooze has ended, locked for waking. */
export async function dueSnoozes(q: Queryable, at: Date): Promise<DeskCandidate[]> {
  const { rows } = await q.query<CandidateRow>(`SELECT * FROM candidates WHERE status = 'snoozed' AND snoozed_until <= $1 ORDER BY snoozed_until FOR UPDATE SKIP LOCKED`, [at]);
  return rows.map(toCandidate);
}

/**
 * Records where the card was first posted, only if no card is recorded yet (two card jobs racing
 * after an outage post once each at most, and the first one recorded wins). Not a content change, so
 * the version stays: a modal opened from the card is not made stale by it. False when one was there.
 */
export async function setCardRef(q: Queryable, id: string, ref: { channel: string; ts: string }): Promise<boolean> {
  const r = await q.query(`UPDATE candidates SET slack_channel = $2, slack_ts = $3 WHERE id = $1 AND slack_ts IS NULL RETURNING id`, [id, ref.channel, ref.ts]);
  return r.rowCount > 0;
}

/** Undecided candidates whose card was never posted (a chat outage held it back), oldest first. */
export async function undecidedWithoutCard(q: Queryable, limit = 100): Promise<DeskCandidate[]> {
  const { rows } = await q.query<CandidateRow>(`SELECT * FROM candidates WHERE status IN ('open', 'snoozed') AND slack_ts IS NULL ORDER BY created_at, id LIMIT $1`, [limit]);
  return rows.map(toCandidate);
}

/** Notes that the owner was reminded of the current due time. Bookkeeping, not a change the card shows: no version bump. */
export async function markReminded(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query(`UPDATE candidates SET reminded_at = $2 WHERE id = $1`, [id, at]);
}
