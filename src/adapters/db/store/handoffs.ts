import type { HandoffBrief, HandoffStatus } from '../../../domain/desk/views.ts';
import type { Stage } from '../../../domain/lifecycle.ts';
import type { Queryable } from '../db.ts';

/** A handoff as stored (migration 0006): an approved candidate with its AE, brief and outcome. */
export interface HandoffRecord {
  readonly id: string;
  readonly candidateId: string;
  readonly leadId: string;
  /** The AE's person id (team file id, a Slack user id). */
  readonly ae: string;
  readonly status: HandoffStatus;
  readonly reason: string | null;
  readonly note: string | null;
  readonly brief: HandoffBrief;
  readonly slackChannel: string | null;
  readonly slackTs: string | null;
  readonly outcomeBy: string | null;
  readonly outcomeAt: Date | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface Row {
  id: string;
  candidate_id: string;
  lead_id: string;
  ae: string;
  status: HandoffStatus;
  reason: string | null;
  note: string | null;
  brief: HandoffBrief;
  slack_channel: string | null;
  slack_ts: string | null;
  outcome_by: string | null;
  outcome_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, candidate_id, lead_id, ae, status, reason, note, brief, slack_channel, slack_ts, outcome_by, outcome_at, version, created_at, updated_at';

/** jsonb gives dates back as strings: the brief's times are revived at this edge. */
function reviveBrief(b: HandoffBrief): HandoffBrief {
  return {
    ...b,
    approvedAt: new Date(b.approvedAt),
    conversation: b.conversation.map((e) => ({ ...e, at: new Date(e.at) })),
  };
}

const toRecord = (r: Row): HandoffRecord => ({
  id: r.id,
  candidateId: r.candidate_id,
  leadId: r.lead_id,
  ae: r.ae,
  status: r.status,
  reason: r.reason,
  note: r.note,
  brief: reviveBrief(r.brief),
  slackChannel: r.slack_channel,
  slackTs: r.slack_ts,
  outcomeBy: r.outcome_by,
  outcomeAt: r.outcome_at,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function insertHandoff(q: Queryable, h: { id: string; candidateId: string; leadId: string; ae: string; brief: HandoffBrief }, at: Date): Promise<HandoffRecord> {
  const { rows } = await q.query<Row>(
    `INSERT INTO handoffs (id, candidate_id, lead_id, ae, status, brief, created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6, $6) RETURNING ${COLUMNS}`,
    [h.id, h.candidateId, h.leadId, h.ae, JSON.stringify(h.brief), at],
  );
  return toRecord(rows[0]!);
}

export async function getHandoff(q: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<HandoffRecord | null> {
  const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM handoffs WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function getHandoffOfCandidate(q: Queryable, candidateId: string): Promise<HandoffRecord | null> {
  const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM handoffs WHERE candidate_id = $1`, [candidateId]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** The lead's newest handoff. */
export async function latestHandoffOfLead(q: Queryable, leadId: string): Promise<HandoffRecord | null> {
  const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM handoffs WHERE lead_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`, [leadId]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Handoffs newest first, optionally of one AE and/or in some statuses. */
export async function listHandoffRecords(q: Queryable, filter: { ae?: string; statuses?: readonly HandoffStatus[]; limit?: number } = {}): Promise<HandoffRecord[]> {
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS} FROM handoffs
      WHERE ($1::text IS NULL OR ae = $1) AND ($2::text[] IS NULL OR status = ANY($2::text[]))
      ORDER BY created_at DESC, id DESC LIMIT $3`,
    [filter.ae ?? null, filter.statuses ? [...filter.statuses] : null, filter.limit ?? 200],
  );
  return rows.map(toRecord);
}

/**
 * Records an outcome when the row is still at `version` (bumped); null when it changed meanwhile.
 * `outcome_at` is set with the status, as the table's CHECK requires.
 */
export async function setHandoffOutcome(
  q: Queryable,
  id: string,
  version: number,
  o: { status: Exclude<HandoffStatus, 'pending'>; reason: string | null; note: string | null; by: string },
  at: Date,
): Promise<HandoffRecord | null> {
  const { rows } = await q.query<Row>(
    `UPDATE handoffs SET status = $3, reason = $4, note = $5, outcome_by = $6, outcome_at = $7, updated_at = $7, version = version + 1
      WHERE id = $1 AND version = $2 RETURNING ${COLUMNS}`,
    [id, version, o.status, o.reason, o.note, o.by, at],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Where the AE's message is. Not a change of the handoff itself, so the version stays. */
export async function setHandoffSlackRef(q: Queryable, id: string, ref: { channel: string; ts: string }, at: Date): Promise<void> {
  await q.query(`UPDATE handoffs SET slack_channel = $2, slack_ts = $3, updated_at = $4 WHERE id = $1`, [id, ref.channel, ref.ts, at]);
}

/** The lead as a brief shows it: the card's lead fields, with first-touch attribution. */
export interface BriefLeadFacts {
  readonly id: string;
  readonly name: string | null;
  readonly email: string;
  readonly title: string | null;
  readonly company: string | null;
  readonly country: string | null;
  readonly employees: number | null;
  readonly stage: Stage;
  readonly source: string | null;
  readonly campaign: string | null;
  readonly channel: string | null;
  readonly accountId: string | null;
}

export async function briefLeadFacts(q: Queryable, leadId: string): Promise<BriefLeadFacts | null> {
  const { rows } = await q.query<{
    id: string;
    name: string | null;
    email: string;
    title: string | null;
    company: string | null;
    country: string | null;
    employees: number | null;
    stage: Stage;
    first_source: string | null;
    first_campaign: string | null;
    first_channel: string | null;
    account_id: string | null;
  }>(
    `SELECT id, coalesce(full_name, nullif(concat_ws(' ', first_name, last_name), '')) AS name, email, title, company, country, employees, stage,
            first_source, first_campaign, first_channel, account_id
       FROM leads WHERE id = $1`,
    [leadId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    title: r.title,
    company: r.company,
    country: r.country,
    employees: r.employees,
    stage: r.stage,
    source: r.first_source,
    campaign: r.first_campaign,
    channel: r.first_channel,
    accountId: r.account_id,
  };
}
