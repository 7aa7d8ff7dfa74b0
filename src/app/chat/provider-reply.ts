import { z } from 'zod';
import type { Queryable } from '../../adapters/db/db.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { insertConversation, insertMessage, insertQualification, latestConversation, leadMessages } from '../../adapters/db/store/conversations.ts';
import { getLeadByEmail, getLeadById } from '../../adapters/db/store/leads.ts';
import { currentEnrolment, getEnrolment, newId } from '../../adapters/db/store/sequences.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { BatonError } from '../../domain/errors.ts';
import { isValidEmail, normalizeEmail } from '../../domain/lead.ts';
import type { QualifyInput } from '../../domain/qualify/types.ts';
import type { Lead } from '../../domain/records.ts';
import { localDate } from '../../domain/sequence/calendar.ts';
import type { OutreachDeps } from '../outreach/deps.ts';
import { actOnQualification, holdForReply, qualifyLeadRecord } from '../outreach/reply.ts';
import { conversationChannelOf, type ChatProviderName } from './provider.ts';

/**
 * A lead's message that came back through a chat provider (the signed-webhook gateway), into the
 * same reply pipeline as email: stored once when it arrives, then a job holds the sequence, qualifies
 * the words (channel chat) and acts on what they mean (src/app/outreach/reply.ts).
 */

export const CHAT_REPLY_TASK = 'chat.reply';
export const ChatReplyPayload = z.object({ messageRowId: z.string().uuid() });

/** Longest reply text taken, in characters. */
export const MAX_REPLY_CHARS = 4000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How the provider names the lead: any of them; tried in this order. */
export interface LeadRef {
  readonly id?: string;
  readonly email?: string;
  readonly phone?: string;
}

export interface ProviderReply {
  readonly provider: ChatProviderName;
  /** The provider's id for this event: the message is stored once under `<provider>:<eventId>`. */
  readonly eventId: string;
  readonly leadRef: LeadRef;
  readonly text: string;
  /** When the lead wrote it (the provider's word, never later than now). */
  readonly at: Date;
  /** The signature's timestamp (Unix seconds): the same event with the same signature again is a replay. */
  readonly signedAt?: number;
}

export interface ProviderReplyReceipt {
  /** accepted: stored and queued; duplicate: this event was taken before (a redelivery), nothing new stored. */
  readonly status: 'accepted' | 'duplicate';
  readonly leadId: string;
  readonly messageRowId: string;
}

/** The event's exact signed request was taken before: someone replays a capture. */
export class ReplayedEventError extends BatonError {
  constructor() {
    super('CHAT_EVENT_REPLAYED', 'this event was already received with this very signature; a replayed request is refused (a redelivery must be signed again)', { fault: 'user' });
  }
}

/** The lead reference matches more than one lead (a shared phone number). */
export class AmbiguousLeadError extends BatonError {
  constructor() {
    super('CHAT_LEAD_AMBIGUOUS', 'the phone number belongs to more than one lead; name the lead by "id" or "email"', { fault: 'user' });
  }
}

export const providerMessageId = (provider: ChatProviderName, eventId: string): string => `${provider}:${eventId}`;

/** Digits only: "+1 (415) 555-0100" and "14155550100" are one number. */
const phoneDigits = (phone: string): string => phone.replace(/\D/g, '');

/**
 * The lead a provider names: by id, else email, else phone (digits compared). Never creates one: a
 * phone number alone says nothing about who the person is or whether we may write to them.
 */
export async function findLeadByRef(q: Queryable, ref: LeadRef): Promise<Lead | null> {
  if (ref.id && UUID.test(ref.id)) {
    const lead = await getLeadById(q, ref.id);
    if (lead) return lead;
  }
  if (ref.email) {
    const email = normalizeEmail(ref.email);
    const lead = isValidEmail(email) ? await getLeadByEmail(q, email) : null;
    if (lead) return lead;
  }
  const digits = ref.phone ? phoneDigits(ref.phone) : '';
  if (digits.length >= 6) {
    const { rows } = await q.query<{ id: string }>(`SELECT id FROM leads WHERE phone IS NOT NULL AND regexp_replace(phone, '[^0-9]', '', 'g') = $1 LIMIT 2`, [digits]);
    if (rows.length > 1) throw new AmbiguousLeadError();
    if (rows[0]) return getLeadById(q, rows[0].id);
  }
  return null;
}

function describeRef(ref: LeadRef): string {
  const parts = [ref.id ? 'id' : '', ref.email ? 'email' : '', ref.phone ? 'phone' : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'nothing';
}

/**
 * Takes one reply from a provider: finds its lead, stores the message once in the lead's conversation
 * on the provider's channel, and queues chat.reply, all in one transaction. Answers at once: the
 * model runs in the job. An unknown lead is a NOT_FOUND error and nothing is stored.
 */
export async function receiveProviderReply(deps: OutreachDeps, r: ProviderReply): Promise<ProviderReplyReceipt> {
  const text = r.text.trim();
  if (!text) throw new BatonError('VALIDATION_FAILED', 'the message text is empty', { fault: 'user' });
  if (text.length > MAX_REPLY_CHARS) throw new BatonError('VALIDATION_FAILED', `the message text is longer than ${MAX_REPLY_CHARS} characters`, { fault: 'user' });
  const messageId = providerMessageId(r.provider, r.eventId);
  const receipt = await deps.db.transaction(async (tx): Promise<ProviderReplyReceipt> => {
    const now = deps.clock.now();
    const lead = await findLeadByRef(tx, r.leadRef);
    if (!lead) {
      throw new BatonError('NOT_FOUND', `no lead matches the message's lead (${describeRef(r.leadRef)}); name a lead Baton knows by its id, email or phone (a phone number alone never creates a lead)`, {
        fault: 'user',
      });
    }
    const { rows } = await tx.query<{ id: string; headers: { signedAt?: number } }>(`SELECT id, headers FROM messages WHERE message_id = $1`, [messageId]);
    const seen = rows[0];
    if (seen) {
      if (r.signedAt !== undefined && seen.headers.signedAt === r.signedAt) throw new ReplayedEventError();
      return { status: 'duplicate', leadId: lead.id, messageRowId: seen.id };
    }
    const channel = conversationChannelOf(r.provider);
    let conversationId = await latestConversation(tx, lead.id, channel);
    if (!conversationId) {
      conversationId = newId();
      await insertConversation(tx, { id: conversationId, leadId: lead.id, channel }, now);
    }
    const rowId = newId();
    const at = r.at.getTime() > now.getTime() ? now : r.at;
    await insertMessage(
      tx,
      { id: rowId, conversationId, direction: 'inbound', author: 'lead', bodyText: text, messageId, headers: { provider: r.provider, eventId: r.eventId, ...(r.signedAt !== undefined ? { signedAt: r.signedAt } : {}) } },
      at,
    );
    await addJob(tx, { task: CHAT_REPLY_TASK, payload: { messageRowId: rowId }, key: `chat-reply:${rowId}`, priority: 15 }, now);
    await appendAudit(tx, { actor: `chat:${r.provider}`, action: 'chat.reply_received', subjectType: 'lead', subjectId: lead.id, data: { provider: r.provider, message: rowId } }, now);
    return { status: 'accepted', leadId: lead.id, messageRowId: rowId };
  });
  if (receipt.status === 'accepted') deps.wake?.();
  return receipt;
}

export interface ProviderReplyOutcome {
  readonly leadId: string;
  readonly enrolmentId: string | null;
  /** What was done: held, qualified, stopped, paused, suppressed, mql_candidate, nurture... */
  readonly actions: readonly string[];
  readonly intent: string;
}

/**
 * Task chat.reply: one stored provider reply through the pipeline. Phase 1 holds the lead's live
 * enrolment and makes them engaged; phase 2 qualifies outside any transaction (the lead's history
 * is the thread); phase 3 acts on the qualification. A reply already qualified is not done again.
 */
export async function processProviderReply(deps: OutreachDeps, messageRowId: string): Promise<ProviderReplyOutcome | null> {
  const { rows } = await deps.db.query<{ body_text: string; at: Date; lead_id: string | null; done: boolean }>(
    `SELECT m.body_text, m.at, c.lead_id, EXISTS (SELECT 1 FROM qualifications q WHERE q.message_id = m.id) AS done
       FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = $1`,
    [messageRowId],
  );
  const row = rows[0];
  if (!row || !row.lead_id || row.done) return null;
  const leadId = row.lead_id;
  const actions: string[] = [];

  // Phase 1: no further step may go out while we read what they said.
  const enrolmentId = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const lead = await getLeadById(tx, leadId, { forUpdate: true });
    if (!lead) return undefined;
    const e = await currentEnrolment(tx, lead.id, { forUpdate: true });
    await holdForReply(deps, tx, { lead, enrolment: e, at, actor: 'system:chat' }, actions);
    return e?.id ?? null;
  });
  if (enrolmentId === undefined) return null;

  // Phase 2: qualify, outside any transaction (a model call may take seconds).
  const lead = await getLeadById(deps.db, leadId);
  if (!lead) return null;
  const history = (await leadMessages(deps.db, leadId, 40)).filter((h) => h.id !== messageRowId && h.author !== 'system');
  const input: QualifyInput = {
    reply: row.body_text.slice(0, MAX_REPLY_CHARS),
    thread: history.map((h) => ({ from: h.direction === 'outbound' ? ('us' as const) : ('lead' as const), text: h.bodyText.slice(0, 4000) })),
    lead: qualifyLeadRecord(lead),
    date: localDate(row.at, deps.settings.senderZone),
    channel: 'chat',
  };
  const q = await deps.engine.qualify(input);

  // Phase 3: act on what the reply means.
  await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const fresh = await getLeadById(tx, leadId, { forUpdate: true });
    if (!fresh) return;
    await insertQualification(tx, leadId, messageRowId, q, at);
    actions.push('qualified');
    const e = enrolmentId ? await getEnrolment(tx, enrolmentId, { forUpdate: true }) : null;
    await actOnQualification(deps, tx, { lead: fresh, enrolment: e, q, text: row.body_text, sentAt: row.at, actor: 'system:chat' }, actions);
    await appendAudit(tx, { actor: 'system:chat', action: 'chat.reply_processed', subjectType: 'lead', subjectId: leadId, data: { message: messageRowId, intent: q.intent, actions } }, at);
  });
  return { leadId, enrolmentId, actions, intent: q.intent };
}
