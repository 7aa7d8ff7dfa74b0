import { appendAudit } from '../../adapters/db/store/audit.ts';
import { appendChatMessage, chatMessages, getChatSession, updateChatSession, type ChatMessage, type ChatSession } from '../../adapters/db/store/chat.ts';
import { newId } from '../../adapters/db/store/sequences.ts';
import { actorUserId } from '../../domain/desk/decision.ts';
import { findPerson } from '../../domain/desk/team.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { ChatDeps } from './deps.ts';
import { ChatError } from './sessions.ts';
import { queueMirror } from './tasks.ts';

/**
 * A person takes a chat over from the bot: from then on the bot stays quiet, the person's replies go
 * to the visitor, and the visitor's messages reach the person, until the person releases the chat.
 * Who may: the SDR group and the team lead (the people who may decide candidates).
 */

async function mayTakeOver(deps: ChatDeps, actor: string): Promise<void> {
  const userId = actorUserId(actor);
  const ok = userId !== null && ((await deps.isSdr(userId)) || deps.team.team_lead.id === userId);
  if (!ok) throw new ChatError('CHAT_NOT_ALLOWED', `${userId ?? actor} is not in the SDR group; only SDRs and the team lead take chats over`);
}

function displayName(deps: ChatDeps, actor: string): string {
  const userId = actorUserId(actor);
  return (userId && findPerson(deps.team, userId)?.name) || userId || actor;
}

export interface TakeoverResult {
  readonly session_id: string;
  readonly mode: 'bot' | 'human';
  readonly taken_by: string | null;
}

/** Takes the chat over (idempotent for the same person; another person's takeover is refused, naming them). */
export async function takeOverChat(deps: ChatDeps, sessionId: string, actor: string): Promise<TakeoverResult> {
  await mayTakeOver(deps, actor);
  const changed = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const s = await getChatSession(tx, sessionId, { forUpdate: true });
    if (!s) throw new NotFoundError('chat session', sessionId);
    if (s.mode === 'human') {
      if (s.takenBy === actor) return false;
      throw new ChatError('CHAT_TAKEN', `${displayName(deps, s.takenBy ?? '')} already has this chat (since ${s.takenAt?.toISOString() ?? 'earlier'})`);
    }
    await updateChatSession(tx, sessionId, { mode: 'human', takenBy: actor, takenAt: at }, at);
    await appendAudit(tx, { actor, action: 'chat.taken_over', subjectType: 'chat', subjectId: sessionId, data: {} }, at);
    return true;
  });
  if (changed) deps.hub.publish(sessionId, { type: 'mode', mode: 'human' });
  return { session_id: sessionId, mode: 'human', taken_by: actor };
}

/** Gives the chat back to the bot. */
export async function releaseChat(deps: ChatDeps, sessionId: string, actor: string): Promise<TakeoverResult> {
  await mayTakeOver(deps, actor);
  const changed = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const s = await getChatSession(tx, sessionId, { forUpdate: true });
    if (!s) throw new NotFoundError('chat session', sessionId);
    if (s.mode === 'bot') return false;
    await updateChatSession(tx, sessionId, { mode: 'bot', takenBy: null, takenAt: null }, at);
    await appendAudit(tx, { actor, action: 'chat.released', subjectType: 'chat', subjectId: sessionId, data: { from: s.takenBy } }, at);
    return true;
  });
  if (changed) deps.hub.publish(sessionId, { type: 'mode', mode: 'bot' });
  return { session_id: sessionId, mode: 'bot', taken_by: null };
}

/**
 * A person's reply to the visitor. Replying takes the chat over when the bot still has it (a person who
 * writes does not want the bot to answer next); a chat another person holds is refused.
 */
export async function agentReply(
  deps: ChatDeps,
  sessionId: string,
  actor: string,
  rawText: unknown,
  /** `messageId`: the reply's own id where it came from (a Slack message): a redelivery is not sent twice. */
  options: { via?: 'console' | 'slack'; messageId?: string } = {},
): Promise<ChatMessage> {
  await mayTakeOver(deps, actor);
  if (typeof rawText !== 'string' || !rawText.trim()) throw new ValidationError('text must be a non-empty string', { fields: { text: ['must not be empty'] } });
  const text = rawText.trim();
  if (text.length > 4000) throw new ValidationError(`text is ${text.length} characters; the limit is 4000`, { fields: { text: ['at most 4000 characters'] } });
  const r = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const s = await getChatSession(tx, sessionId, { forUpdate: true });
    if (!s) throw new NotFoundError('chat session', sessionId);
    if (options.messageId) {
      const done = (await chatMessages(tx, s.conversationId, 0, 10_000)).find((m) => m.messageId === options.messageId);
      if (done) return { message: done, took: false, again: true };
    }
    let took = false;
    if (s.mode === 'bot') {
      await updateChatSession(tx, sessionId, { mode: 'human', takenBy: actor, takenAt: at }, at);
      await appendAudit(tx, { actor, action: 'chat.taken_over', subjectType: 'chat', subjectId: sessionId, data: { by: 'reply' } }, at);
      took = true;
    } else if (s.takenBy !== actor) {
      throw new ChatError('CHAT_TAKEN', `${displayName(deps, s.takenBy ?? '')} has this chat; ask them, or have them release it`);
    }
    // A reply written in the Slack thread is already there: it is not mirrored back.
    const message = await appendChatMessage(tx, s as ChatSession, { id: newId(), from: 'agent', text, by: actor, kind: options.via === 'slack' ? 'via_slack' : 'reply', messageId: options.messageId ?? null }, at);
    if (options.via !== 'slack') await queueMirror(deps, tx, sessionId, at);
    await appendAudit(tx, { actor, action: 'chat.agent_reply', subjectType: 'chat', subjectId: sessionId, data: { seq: message.seq, via: options.via ?? 'console' } }, at);
    return { message, took, again: false };
  });
  if (r.again) return r.message;
  if (r.took) deps.hub.publish(sessionId, { type: 'mode', mode: 'human' });
  deps.hub.publish(sessionId, { type: 'message', message: r.message });
  return r.message;
}

/** Tells the visitor's widget that a person is typing. */
export async function agentTyping(deps: ChatDeps, sessionId: string, actor: string): Promise<void> {
  await mayTakeOver(deps, actor);
  const s = await getChatSession(deps.db, sessionId);
  if (!s) throw new NotFoundError('chat session', sessionId);
  deps.hub.publish(sessionId, { type: 'typing', from: 'agent' });
}
