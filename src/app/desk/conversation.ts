import type { Queryable } from '../../adapters/db/db.ts';
import type { ConversationEntry } from '../../domain/desk/views.ts';
import { separateOwnWords } from '../../domain/qualify/own-words.ts';

interface Row {
  direction: 'inbound' | 'outbound';
  author: string;
  body_text: string;
  channel: string;
  headers: { subject?: unknown } | null;
  conversation_subject: string | null;
  at: Date;
  lead_name: string | null;
}

/**
 * A lead's conversation as people read it, oldest first: the emails we sent (the send step stores
 * each one as an outbound message once SMTP took it, so cancelled or failed outbox rows never show)
 * and what the lead wrote, in their own words: quoted history and signature cut with the same rule
 * the qualification uses, so the brief shows what the machine read as evidence. Automatic replies
 * (out of office) are left out: nobody said anything. `limit` keeps the newest entries (default 100).
 */
export async function loadConversation(q: Queryable, leadId: string, options: { limit?: number } = {}): Promise<ConversationEntry[]> {
  const limit = Math.max(1, Math.min(options.limit ?? 100, 1000));
  const { rows } = await q.query<Row>(
    `SELECT m.direction, m.author, m.body_text, c.channel, m.headers, c.subject AS conversation_subject, m.at,
            coalesce(l.full_name, nullif(concat_ws(' ', l.first_name, l.last_name), '')) AS lead_name
       FROM messages m
       JOIN conversations c ON c.id = m.conversation_id
       JOIN leads l ON l.id = c.lead_id
      WHERE c.lead_id = $1 AND m.author <> 'system'
      ORDER BY m.at DESC, m.created_at DESC, m.id DESC
      LIMIT $2`,
    [leadId, limit],
  );
  return rows.reverse().map((r) => {
    const fromLead = r.direction === 'inbound';
    const subject = typeof r.headers?.subject === 'string' && r.headers.subject.trim() ? r.headers.subject.trim() : r.conversation_subject;
    return {
      at: r.at,
      from: fromLead ? 'lead' : 'us',
      channel: r.channel === 'email' ? 'email' : 'chat',
      subject: subject ?? null,
      text: fromLead ? ownText(r.body_text, r.lead_name) : r.body_text.trim(),
    } satisfies ConversationEntry;
  });
}

/** The lead's own lines; a message that is all signature (a name and a phone number) keeps that. */
function ownText(body: string, leadName: string | null): string {
  const own = separateOwnWords(body, leadName ?? undefined);
  return own.body || own.signature || body.trim();
}
