import type { Qualification } from '../../../domain/qualify/types.ts';
import type { Queryable } from '../db.ts';

export async function insertConversation(q: Queryable, c: { id: string; leadId: string; channel: 'email' | 'chat' | 'sms' | 'webhook'; subject?: string | null; externalRef?: string | null }, at: Date): Promise<void> {
  await q.query(`INSERT INTO conversations (id, lead_id, channel, subject, external_ref, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`, [
    c.id,
    c.leadId,
    c.channel,
    c.subject ?? null,
    c.externalRef ?? null,
    at,
  ]);
}

export async function latestConversation(q: Queryable, leadId: string, channel: string): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>(`SELECT id FROM conversations WHERE lead_id = $1 AND channel = $2 ORDER BY updated_at DESC, id DESC LIMIT 1`, [leadId, channel]);
  return rows[0]?.id ?? null;
}

export interface MessageRecord {
  readonly id: string;
  readonly conversationId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly author: 'lead' | 'us' | 'sdr' | 'bot' | 'system';
  readonly bodyText: string;
  readonly messageId: string | null;
  readonly at: Date;
}

/** Adds a message; a second message with the same Message-ID is not stored again (returns false). */
export async function insertMessage(
  q: Queryable,
  m: { id: string; conversationId: string; direction: 'inbound' | 'outbound'; author: MessageRecord['author']; bodyText: string; bodyHtml?: string | null; headers?: Record<string, unknown>; messageId?: string | null },
  at: Date,
): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO messages (id, conversation_id, direction, author, body_text, body_html, headers, message_id, at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT DO NOTHING`,
    [m.id, m.conversationId, m.direction, m.author, m.bodyText, m.bodyHtml ?? null, JSON.stringify(m.headers ?? {}), m.messageId ?? null, at],
  );
  await q.query(`UPDATE conversations SET updated_at = $2 WHERE id = $1`, [m.conversationId, at]);
  return r.rowCount > 0;
}

/** Every message of a lead across its conversations, oldest first. */
export async function leadMessages(q: Queryable, leadId: string, limit = 200): Promise<MessageRecord[]> {
  const { rows } = await q.query<{ id: string; conversation_id: string; direction: 'inbound' | 'outbound'; author: MessageRecord['author']; body_text: string; message_id: string | null; at: Date }>(
    `SELECT m.id, m.conversation_id, m.direction, m.author, m.body_text, m.message_id, m.at
       FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE c.lead_id = $1 ORDER BY m.at DESC, m.id DESC LIMIT $2`,
    [leadId, limit],
  );
  return rows
    .map((r) => ({ id: r.id, conversationId: r.conversation_id, direction: r.direction, author: r.author, bodyText: r.body_text, messageId: r.message_id, at: r.at }))
    .reverse();
}

export async function insertQualification(q: Queryable, leadId: string, messageId: string | null, qual: Qualification, at: Date): Promise<void> {
  await q.query(`INSERT INTO qualifications (lead_id, message_id, intent, score, mql, route, qualification, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
    leadId,
    messageId,
    qual.intent,
    Math.round(qual.score),
    qual.mql,
    qual.route ?? null,
    JSON.stringify(qual),
    at,
  ]);
}

export async function latestQualification(q: Queryable, leadId: string): Promise<(Qualification & { at: Date }) | null> {
  const { rows } = await q.query<{ qualification: Qualification; at: Date }>(`SELECT qualification, at FROM qualifications WHERE lead_id = $1 ORDER BY at DESC, id DESC LIMIT 1`, [leadId]);
  return rows[0] ? { ...rows[0].qualification, at: rows[0].at } : null;
}
