import { z } from 'zod';
import type { Queryable } from '../../adapters/db/db.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { insertConversation, insertMessage, latestConversation } from '../../adapters/db/store/conversations.ts';
import { getLeadById } from '../../adapters/db/store/leads.ts';
import { getEnrolment, getSequence, newId } from '../../adapters/db/store/sequences.ts';
import { findSuppressions } from '../../adapters/db/store/suppressions.ts';
import { PermanentJobError } from '../../adapters/queue/errors.ts';
import type { JobContext } from '../../adapters/queue/task.ts';
import { toBatonError } from '../../domain/errors.ts';
import { leadDisplayName } from '../../domain/lead.ts';
import { isContactable } from '../../domain/lifecycle.ts';
import type { Lead } from '../../domain/records.ts';
import type { OutreachDeps } from '../outreach/deps.ts';
import { moveIfAllowed } from '../outreach/stage.ts';
import { CHAT_PROVIDER_NAMES, conversationChannelOf, type ChatProviderDeps, type ChatSendResult } from './provider.ts';

/** Task chat.send: one chat step's message through its provider. */
export const CHAT_SEND_TASK = 'chat.send';
/** A transient provider failure is tried this many times in all before the step gives up. */
export const CHAT_SEND_MAX_ATTEMPTS = 8;
/** One job per enrolment and step: the advance that queues it moves the cursor in the same transaction. */
export const chatSendKey = (enrolmentId: string, stepIndex: number): string => `chat:${enrolmentId}:${stepIndex}`;
/** The stored message's id: a second run of the job finds it and sends nothing. */
export const chatMessageId = (messageId: string): string => `chat:${messageId}`;

export const ChatSendPayload = z.object({
  enrolmentId: z.string().uuid(),
  leadId: z.string().uuid(),
  stepId: z.string().min(1).max(100),
  provider: z.enum(CHAT_PROVIDER_NAMES),
  text: z.string().min(1).max(4000),
  /** Our id for the message, stable across retries (the gateway's dedupe key). */
  messageId: z.string().uuid(),
});
export type ChatSendPayload = z.infer<typeof ChatSendPayload>;

type Prepared = { kind: 'send'; lead: Lead; conversationId: string | null; actor: string } | { kind: 'done' };

/** Why this lead may no longer get the step's message from this enrolment, or null. */
async function stopReason(tx: Queryable, p: ChatSendPayload, lead: Lead | null): Promise<string | null> {
  if (!lead) return 'the lead was erased';
  if ((await findSuppressions(tx, [lead.email])).size > 0) return 'suppressed';
  if (!isContactable(lead.stage)) return `lead is ${lead.stage}`;
  const e = await getEnrolment(tx, p.enrolmentId);
  if (!e) return 'the enrolment is gone';
  // Paused covers a reply that arrived after the step was queued: we read it before writing again.
  if (e.status !== 'active') return `enrolment ${e.status}`;
  const seq = await getSequence(tx, e.sequenceId, e.sequenceVersion);
  if (seq?.definition.enrolment.exit_stages.includes(lead.stage)) return `lead reached ${lead.stage}`;
  return null;
}

/**
 * Task chat.send: sends one chat step's message, exactly once per step.
 *
 * 1. Re-check what may have changed since the step was queued (opt-out, stage, a reply that paused or
 *    stopped the enrolment); a message already stored under this id was sent by an earlier run.
 * 2. The provider call, outside any transaction. A transient failure throws and the job retries with
 *    backoff (same message id, so the gateway can drop a repeat); a permanent one ends the job.
 * 3. Store the sent message in the lead's conversation on the channel (once: `chat:<messageId>`),
 *    and audit it. `unreachable` is audited and the sequence goes on: it is not an error.
 */
export async function sendChatStep(deps: OutreachDeps & Partial<Pick<ChatProviderDeps, 'chatProviders'>>, p: ChatSendPayload, ctx?: Pick<JobContext, 'job'>): Promise<void> {
  const channel = conversationChannelOf(p.provider);
  const prepared = await deps.db.transaction(async (tx): Promise<Prepared> => {
    const at = deps.clock.now();
    const { rows } = await tx.query<{ id: string }>(`SELECT id FROM messages WHERE message_id = $1`, [chatMessageId(p.messageId)]);
    if (rows.length > 0) return { kind: 'done' };
    const lead = await getLeadById(tx, p.leadId);
    const e = await getEnrolment(tx, p.enrolmentId);
    const actor = e ? `sequence:${e.sequenceId}` : 'system:chat';
    const why = await stopReason(tx, p, lead);
    if (why || !lead) {
      await appendAudit(tx, { actor, action: 'sequence.chat_cancelled', subjectType: 'lead', subjectId: p.leadId, data: { enrolment: p.enrolmentId, step: p.stepId, provider: p.provider, why } }, at);
      return { kind: 'done' };
    }
    if (!deps.chatProviders?.[p.provider]) {
      // Configured when the step was queued, gone since (a restart with another configuration).
      await appendAudit(tx, { actor, action: 'sequence.chat_skipped', subjectType: 'lead', subjectId: lead.id, data: { enrolment: p.enrolmentId, step: p.stepId, why: `no ${p.provider} chat provider is configured` } }, at);
      return { kind: 'done' };
    }
    return { kind: 'send', lead, conversationId: await latestConversation(tx, lead.id, channel), actor };
  });
  if (prepared.kind === 'done') return;
  const provider = deps.chatProviders?.[p.provider];
  if (!provider) return;
  const { lead, actor } = prepared;

  let result: ChatSendResult;
  try {
    result = await provider.send({ leadId: lead.id, text: p.text, messageId: p.messageId, conversationId: prepared.conversationId, lead: { email: lead.email, phone: lead.phone ?? null, name: leadDisplayName(lead) } });
  } catch (err) {
    const lastTry = err instanceof PermanentJobError || (ctx ? ctx.job.attempts >= ctx.job.maxAttempts : false);
    if (lastTry) {
      const be = toBatonError(err);
      await deps.db.transaction((tx) =>
        appendAudit(tx, { actor, action: 'sequence.chat_failed', subjectType: 'lead', subjectId: lead.id, data: { enrolment: p.enrolmentId, step: p.stepId, provider: p.provider, code: be.code, why: be.message } }, deps.clock.now()),
      );
    }
    throw err;
  }

  await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    if (result.status === 'unreachable') {
      await appendAudit(tx, { actor, action: 'sequence.chat_unreachable', subjectType: 'lead', subjectId: lead.id, data: { enrolment: p.enrolmentId, step: p.stepId, provider: p.provider, why: result.why } }, at);
      return;
    }
    const conversationId = prepared.conversationId ?? (await latestConversation(tx, lead.id, channel)) ?? (await newConversation(tx, lead.id, channel, at));
    const stored = await insertMessage(
      tx,
      {
        id: newId(),
        conversationId,
        direction: 'outbound',
        author: 'us',
        bodyText: p.text,
        messageId: chatMessageId(p.messageId),
        headers: { provider: p.provider, step: p.stepId, enrolment: p.enrolmentId, ...(result.externalId ? { externalId: result.externalId } : {}) },
      },
      at,
    );
    // Not stored: the provider wrote it itself under the same id (the website chat puts it in the session).
    await appendAudit(tx, { actor, action: 'sequence.chat_sent', subjectType: 'lead', subjectId: lead.id, data: { enrolment: p.enrolmentId, step: p.stepId, provider: p.provider, message: p.messageId, stored } }, at);
    const fresh = await getLeadById(tx, lead.id, { forUpdate: true });
    if (fresh?.stage === 'lead') await moveIfAllowed(tx, fresh, 'contacted', actor, 'first chat message sent', at);
  });
}

async function newConversation(tx: Queryable, leadId: string, channel: 'chat' | 'webhook', at: Date): Promise<string> {
  const id = newId();
  await insertConversation(tx, { id, leadId, channel }, at);
  return id;
}
