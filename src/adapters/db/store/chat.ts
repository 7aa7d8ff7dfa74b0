import type { ChatState } from '../../../domain/chat/policy.ts';
import type { Citation } from '../../../domain/kb/types.ts';
import type { Qualification } from '../../../domain/qualify/types.ts';
import type { Queryable } from '../db.ts';

/** Website chat sessions and their numbered messages (migration 0007). */

export type ChatMode = 'bot' | 'human';
/** Who wrote a chat message, as the widget shows it: the visitor, the bot, or a person of the team. */
export type ChatFrom = 'visitor' | 'bot' | 'agent';

export interface ChatSession {
  readonly id: string;
  readonly conversationId: string;
  readonly leadId: string | null;
  readonly lang: 'en' | 'zh';
  readonly page: string | null;
  readonly state: ChatState;
  readonly qualification: Qualification | null;
  readonly mode: ChatMode;
  readonly takenBy: string | null;
  readonly takenAt: Date | null;
  readonly visitorMessages: number;
  readonly lastSeq: number;
  readonly slackChannel: string | null;
  readonly slackTs: string | null;
  /** The last message number mirrored to the Slack thread. */
  readonly mirroredSeq: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastVisitorAt: Date | null;
}

interface SessionRow {
  id: string;
  conversation_id: string;
  lead_id: string | null;
  lang: 'en' | 'zh';
  page: string | null;
  state: ChatState;
  qualification: Qualification | null;
  mode: ChatMode;
  taken_by: string | null;
  taken_at: Date | null;
  visitor_messages: number;
  last_seq: number;
  slack_channel: string | null;
  slack_ts: string | null;
  mirrored_seq: number;
  created_at: Date;
  updated_at: Date;
  last_visitor_at: Date | null;
}

function toSession(r: SessionRow): ChatSession {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    leadId: r.lead_id,
    lang: r.lang,
    page: r.page,
    state: r.state,
    qualification: r.qualification,
    mode: r.mode,
    takenBy: r.taken_by,
    takenAt: r.taken_at,
    visitorMessages: r.visitor_messages,
    lastSeq: r.last_seq,
    slackChannel: r.slack_channel,
    slackTs: r.slack_ts,
    mirroredSeq: r.mirrored_seq,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastVisitorAt: r.last_visitor_at,
  };
}

/** Creates the session and its conversation (channel 'chat', no lead yet unless one is given). */
export async function insertChatSession(
  q: Queryable,
  s: { id: string; conversationId: string; leadId: string | null; lang: 'en' | 'zh'; page: string | null; state: ChatState },
  at: Date,
): Promise<void> {
  await q.query(`INSERT INTO conversations (id, lead_id, channel, subject, external_ref, created_at, updated_at) VALUES ($1, $2, 'chat', 'Website chat', $3, $4, $4)`, [
    s.conversationId,
    s.leadId,
    s.id,
    at,
  ]);
  await q.query(
    `INSERT INTO chat_sessions (id, conversation_id, lead_id, lang, page, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
    [s.id, s.conversationId, s.leadId, s.lang, s.page, JSON.stringify(s.state), at],
  );
}

export async function getChatSession(q: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<ChatSession | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const { rows } = await q.query<SessionRow>(`SELECT * FROM chat_sessions WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toSession(rows[0]) : null;
}

/**
 * The session whose Slack thread is this one (a reply in the thread goes to its visitor). A card's
 * thread may hold several chats of one returning visitor: the most recently active one is meant.
 */
export async function getChatSessionByThread(q: Queryable, channel: string, ts: string): Promise<ChatSession | null> {
  const { rows } = await q.query<SessionRow>(
    `SELECT * FROM chat_sessions WHERE slack_channel = $1 AND slack_ts = $2 ORDER BY last_visitor_at DESC NULLS LAST, updated_at DESC, id DESC LIMIT 1`,
    [channel, ts],
  );
  return rows[0] ? toSession(rows[0]) : null;
}

/** A lead's newest chat session (a returning visitor's), or null. */
export async function latestChatSessionOfLead(q: Queryable, leadId: string): Promise<ChatSession | null> {
  const { rows } = await q.query<SessionRow>(`SELECT * FROM chat_sessions WHERE lead_id = $1 ORDER BY updated_at DESC, id DESC LIMIT 1`, [leadId]);
  return rows[0] ? toSession(rows[0]) : null;
}

export interface ChatSessionPatch {
  readonly leadId?: string | null;
  readonly lang?: 'en' | 'zh';
  readonly state?: ChatState;
  readonly qualification?: Qualification | null;
  readonly mode?: ChatMode;
  readonly takenBy?: string | null;
  readonly takenAt?: Date | null;
  readonly slackChannel?: string | null;
  readonly slackTs?: string | null;
  readonly lastVisitorAt?: Date;
  readonly mirroredSeq?: number;
}

const PATCH_COLUMNS: Record<keyof ChatSessionPatch, string> = {
  leadId: 'lead_id',
  lang: 'lang',
  state: 'state',
  qualification: 'qualification',
  mode: 'mode',
  takenBy: 'taken_by',
  takenAt: 'taken_at',
  slackChannel: 'slack_channel',
  slackTs: 'slack_ts',
  lastVisitorAt: 'last_visitor_at',
  mirroredSeq: 'mirrored_seq',
};

export async function updateChatSession(q: Queryable, id: string, patch: ChatSessionPatch, at: Date): Promise<void> {
  const sets: string[] = [];
  const params: unknown[] = [id, at];
  for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof ChatSessionPatch, string][]) {
    if (!(key in patch)) continue;
    const v = patch[key];
    params.push(key === 'state' || key === 'qualification' ? (v === null ? null : JSON.stringify(v)) : v);
    sets.push(`${column} = $${params.length}`);
  }
  await q.query(`UPDATE chat_sessions SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1`, params);
  if ('leadId' in patch) await q.query(`UPDATE conversations SET lead_id = $2 WHERE id = (SELECT conversation_id FROM chat_sessions WHERE id = $1)`, [id, patch.leadId ?? null]);
}

export interface ChatMessage {
  readonly id: string;
  readonly seq: number;
  readonly from: ChatFrom;
  readonly text: string;
  readonly at: Date;
  /** For a person's message: who wrote it (an actor such as user:ana). */
  readonly by?: string;
  /** For the bot: what kind of message it was (question, answer...), and the slot a question asked. */
  readonly kind?: string;
  readonly slot?: string;
  readonly sources?: readonly Citation[];
  /** Where the message came from, when it has its own id there (a Slack message, a sequence step). */
  readonly messageId?: string;
}

const AUTHOR_OF: Record<ChatFrom, 'lead' | 'bot' | 'sdr'> = { visitor: 'lead', bot: 'bot', agent: 'sdr' };
const FROM_OF: Record<string, ChatFrom> = { lead: 'visitor', bot: 'bot', sdr: 'agent', us: 'agent' };

/** Appends a message with the session's next number; the caller holds the session row locked. */
export async function appendChatMessage(
  q: Queryable,
  session: Pick<ChatSession, 'id' | 'conversationId'>,
  m: { id: string; from: ChatFrom; text: string; by?: string; kind?: string; slot?: string; sources?: readonly Citation[]; messageId?: string | null },
  at: Date,
): Promise<ChatMessage> {
  const { rows } = await q.query<{ last_seq: number }>(
    `UPDATE chat_sessions SET last_seq = last_seq + 1, visitor_messages = visitor_messages + $2, updated_at = $3 WHERE id = $1 RETURNING last_seq`,
    [session.id, m.from === 'visitor' ? 1 : 0, at],
  );
  const seq = rows[0]?.last_seq;
  if (seq === undefined) throw new Error(`chat session ${session.id} vanished`);
  const headers = { ...(m.by ? { by: m.by } : {}), ...(m.kind ? { kind: m.kind } : {}), ...(m.slot ? { slot: m.slot } : {}), ...(m.sources?.length ? { sources: m.sources } : {}) };
  await q.query(
    `INSERT INTO messages (id, conversation_id, direction, author, body_text, headers, message_id, seq, at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
    [m.id, session.conversationId, m.from === 'visitor' ? 'inbound' : 'outbound', AUTHOR_OF[m.from], m.text, JSON.stringify(headers), m.messageId ?? null, seq, at],
  );
  await q.query(`UPDATE conversations SET updated_at = $2 WHERE id = $1`, [session.conversationId, at]);
  return { id: m.id, seq, from: m.from, text: m.text, at, ...(m.messageId ? { messageId: m.messageId } : {}), ...(m.by ? { by: m.by } : {}), ...(m.kind ? { kind: m.kind } : {}), ...(m.slot ? { slot: m.slot } : {}), ...(m.sources?.length ? { sources: m.sources } : {}) };
}

/** A session's messages numbered after `afterSeq`, in order (at most `limit`). */
export async function chatMessages(q: Queryable, conversationId: string, afterSeq = 0, limit = 500): Promise<ChatMessage[]> {
  const { rows } = await q.query<{ id: string; seq: number; author: string; body_text: string; headers: Record<string, unknown>; message_id: string | null; at: Date }>(
    `SELECT id, seq, author, body_text, headers, message_id, at FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [conversationId, afterSeq, limit],
  );
  return rows.map((r) => {
    const h = r.headers ?? {};
    return {
      id: r.id,
      seq: r.seq,
      from: FROM_OF[r.author] ?? 'bot',
      text: r.body_text,
      at: r.at,
      ...(typeof h.by === 'string' ? { by: h.by } : {}),
      ...(typeof h.kind === 'string' ? { kind: h.kind } : {}),
      ...(typeof h.slot === 'string' ? { slot: h.slot } : {}),
      ...(Array.isArray(h.sources) ? { sources: h.sources as Citation[] } : {}),
      ...(r.message_id ? { messageId: r.message_id } : {}),
    };
  });
}

export interface ChatListEntry {
  readonly id: string;
  readonly leadId: string | null;
  readonly mode: ChatMode;
  readonly takenBy: string | null;
  readonly lang: 'en' | 'zh';
  readonly page: string | null;
  readonly visitorMessages: number;
  readonly notified: readonly string[];
  readonly lastVisitorAt: Date | null;
  readonly updatedAt: Date;
  readonly leadName: string | null;
  readonly leadEmail: string | null;
  readonly company: string | null;
  readonly score: number | null;
  readonly mql: boolean;
}

/** Recent chat sessions, newest activity first: the console's chat list. */
export async function listChatSessions(q: Queryable, o: { since: Date; limit: number; mode?: ChatMode }): Promise<ChatListEntry[]> {
  const { rows } = await q.query<{
    id: string;
    lead_id: string | null;
    mode: ChatMode;
    taken_by: string | null;
    lang: 'en' | 'zh';
    page: string | null;
    visitor_messages: number;
    state: ChatState;
    last_visitor_at: Date | null;
    updated_at: Date;
    full_name: string | null;
    first_name: string | null;
    last_name: string | null;
    email: string | null;
    company: string | null;
    qualification: Qualification | null;
  }>(
    `SELECT s.id, s.lead_id, s.mode, s.taken_by, s.lang, s.page, s.visitor_messages, s.state, s.last_visitor_at, s.updated_at,
            l.full_name, l.first_name, l.last_name, l.email, l.company, s.qualification
       FROM chat_sessions s LEFT JOIN leads l ON l.id = s.lead_id
      WHERE s.updated_at >= $1 AND s.visitor_messages > 0 AND ($3::text IS NULL OR s.mode = $3)
      ORDER BY s.updated_at DESC, s.id DESC LIMIT $2`,
    [o.since, o.limit, o.mode ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    leadId: r.lead_id,
    mode: r.mode,
    takenBy: r.taken_by,
    lang: r.lang,
    page: r.page,
    visitorMessages: r.visitor_messages,
    notified: r.state?.notified ?? [],
    lastVisitorAt: r.last_visitor_at,
    updatedAt: r.updated_at,
    leadName: r.full_name ?? ([r.first_name, r.last_name].filter(Boolean).join(' ') || null),
    leadEmail: r.email,
    company: r.company,
    score: r.qualification ? Math.round(r.qualification.score) : null,
    mql: r.qualification?.mql ?? false,
  }));
}

/** The service's own secret of this name, created once with `make` and kept (service_secrets). */
export async function serviceSecret(q: Queryable, name: string, make: () => string, at: Date): Promise<string> {
  await q.query(`INSERT INTO service_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`, [name, make(), at]);
  const { rows } = await q.query<{ value: string }>(`SELECT value FROM service_secrets WHERE name = $1`, [name]);
  const v = rows[0]?.value;
  if (!v) throw new Error(`service secret ${name} could not be stored`);
  return v;
}
