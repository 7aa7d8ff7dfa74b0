import type { Citation } from '../../../domain/kb/types.ts';
import type { Queryable } from '../db.ts';

/** Draft answers to questions leads asked by email (reply_drafts, migration 0007). */

export type DraftStatus = 'proposed' | 'sent' | 'discarded';

export interface ReplyDraft {
  readonly id: string;
  readonly leadId: string;
  readonly messageId: string | null;
  readonly candidateId: string | null;
  readonly question: string;
  /** Null when nothing relevant was found: a person writes the answer. */
  readonly answer: string | null;
  readonly sources: readonly Citation[];
  readonly status: DraftStatus;
  readonly sentText: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: Date | null;
  readonly createdAt: Date;
}

interface Row {
  id: string;
  lead_id: string;
  message_id: string | null;
  candidate_id: string | null;
  question: string;
  answer: string | null;
  sources: Citation[];
  status: DraftStatus;
  sent_text: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
}

const toDraft = (r: Row): ReplyDraft => ({
  id: r.id,
  leadId: r.lead_id,
  messageId: r.message_id,
  candidateId: r.candidate_id,
  question: r.question,
  answer: r.answer,
  sources: r.sources ?? [],
  status: r.status,
  sentText: r.sent_text,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  createdAt: r.created_at,
});

/** Stores a proposed draft; a second draft for the same message is not stored (returns false). */
export async function insertDraft(q: Queryable, d: { id: string; leadId: string; messageId: string; candidateId: string | null; question: string; answer: string | null; sources: readonly Citation[] }, at: Date): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO reply_drafts (id, lead_id, message_id, candidate_id, question, answer, sources, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'proposed', $8) ON CONFLICT DO NOTHING`,
    [d.id, d.leadId, d.messageId, d.candidateId, d.question, d.answer, JSON.stringify(d.sources), at],
  );
  return r.rowCount > 0;
}

export async function getDraft(q: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<ReplyDraft | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const { rows } = await q.query<Row>(`SELECT * FROM reply_drafts WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toDraft(rows[0]) : null;
}

/** The lead's newest draft, whatever its status, or null. */
export async function latestDraftOfLead(q: Queryable, leadId: string): Promise<ReplyDraft | null> {
  const { rows } = await q.query<Row>(`SELECT * FROM reply_drafts WHERE lead_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`, [leadId]);
  return rows[0] ? toDraft(rows[0]) : null;
}

export async function decideDraft(q: Queryable, id: string, d: { status: 'sent' | 'discarded'; by: string; sentText?: string | null }, at: Date): Promise<void> {
  await q.query(`UPDATE reply_drafts SET status = $2, decided_by = $3, decided_at = $4, sent_text = $5 WHERE id = $1`, [id, d.status, d.by, at, d.sentText ?? null]);
}
