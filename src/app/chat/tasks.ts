import { z } from 'zod';
import { chatMessages, getChatSession, updateChatSession, type ChatSession } from '../../adapters/db/store/chat.ts';
import { candidatesOfLead } from '../../adapters/db/store/candidates.ts';
import { getLeadById } from '../../adapters/db/store/leads.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { DeferJobError } from '../../adapters/queue/errors.ts';
import { defineTask, type TaskHandlers } from '../../adapters/queue/task.ts';
import type { Queryable } from '../../adapters/db/db.ts';
import { actorUserId } from '../../domain/desk/decision.ts';
import type { ChatAlertView, PersonRef } from '../../domain/desk/views.ts';
import { leadDisplayName } from '../../domain/lead.ts';
import { personRef } from '../desk/card.ts';
import type { MessageRef } from '../desk/notifier.ts';
import type { ChatDeps } from './deps.ts';

/**
 * The chat's jobs: telling the team that a chat needs a person (chat.alert), and mirroring the
 * conversation into its Slack thread (chat.mirror). Both go through the desk's notifier, so without
 * Slack they do nothing and the review console is where people watch chats.
 */
/** Tells the team a chat needs a person (Slack, or the console's chat list). */
export const CHAT_ALERT_TASK = 'chat.alert';
export const CHAT_MIRROR_TASK = 'chat.mirror';

const mirrorKey = (sessionId: string): string => `chat-mirror:${sessionId}`;

/** Queues a mirror of the chat's new messages (when there is a Slack desk to mirror to). */
export async function queueMirror(deps: Pick<ChatDeps, 'notifier'>, tx: Queryable, sessionId: string, at: Date): Promise<void> {
  if (deps.notifier.kind !== 'slack') return;
  await addJob(tx, { task: CHAT_MIRROR_TASK, payload: { sessionId }, key: mirrorKey(sessionId), priority: 5 }, at);
}

export function chatConsoleUrl(deps: Pick<ChatDeps, 'settings'>, sessionId: string): string {
  return `${deps.settings.publicUrl.replace(/\/+$/, '')}/console/chats/${sessionId}`;
}

/** The thread the chat is mirrored in: its own, else its lead's candidate card's. */
async function threadOf(deps: ChatDeps, session: ChatSession): Promise<MessageRef | null> {
  if (session.slackChannel && session.slackTs) return { channel: session.slackChannel, ts: session.slackTs };
  if (!session.leadId) return null;
  const card = (await candidatesOfLead(deps.db, session.leadId)).filter((c) => c.slackChannel && c.slackTs).at(-1);
  if (!card?.slackChannel || !card.slackTs) return null;
  const ref = { channel: card.slackChannel, ts: card.slackTs };
  await deps.db.transaction((tx) => updateChatSession(tx, session.id, { slackChannel: ref.channel, slackTs: ref.ts }, deps.clock.now()));
  return ref;
}

async function alertView(deps: ChatDeps, session: ChatSession, reason: ChatAlertView['reason'], question: string | null): Promise<ChatAlertView> {
  const lead = session.leadId ? await getLeadById(deps.db, session.leadId) : null;
  const latest = (await chatMessages(deps.db, session.conversationId, Math.max(0, session.lastSeq - 20))).filter((m) => m.from === 'visitor').at(-1);
  const takenBy: PersonRef | null = session.takenBy ? personRef(deps.team, actorUserId(session.takenBy)) : null;
  return {
    sessionId: session.id,
    reason,
    question,
    visitor: { leadId: lead?.id ?? null, name: lead ? leadDisplayName(lead) : null, email: lead?.email ?? null, company: lead?.company ?? null },
    page: session.page,
    lang: session.lang,
    latest: latest?.text ?? '',
    takenBy,
    url: chatConsoleUrl(deps, session.id),
  };
}

/** One process mirrors a session at a time, so the thread keeps the conversation's order. */
const mirroring = new Map<string, Promise<void>>();

async function mirror(deps: ChatDeps, sessionId: string): Promise<void> {
  const session = await getChatSession(deps.db, sessionId);
  if (!session) return;
  const ref = await threadOf(deps, session);
  if (!ref) {
    // A card is on its way (the lead is a candidate, the card job has not posted yet): try again shortly.
    const waiting = session.leadId ? (await candidatesOfLead(deps.db, session.leadId)).some((c) => c.status === 'open' && !c.slackTs) : false;
    if (waiting) throw new DeferJobError(new Date(deps.clock.now().getTime() + 5_000), 'the candidate card is not posted yet');
    return;
  }
  for (const m of await chatMessages(deps.db, session.conversationId, session.mirroredSeq, 200)) {
    const by = m.by ? personRef(deps.team, actorUserId(m.by)) : null;
    if (m.kind !== 'via_slack') await deps.notifier.chatMirror({ sessionId, from: m.from, text: m.text, by, at: m.at }, ref);
    await deps.db.transaction((tx) => updateChatSession(tx, sessionId, { mirroredSeq: m.seq }, deps.clock.now()));
  }
}

export function chatTasks(deps: ChatDeps): TaskHandlers {
  return {
    [CHAT_ALERT_TASK]: defineTask(z.object({ sessionId: z.string().uuid(), reason: z.enum(['human', 'meeting', 'pricing', 'unanswered']), question: z.string().max(4000).optional() }), async (p) => {
      const session = await getChatSession(deps.db, p.sessionId);
      if (!session) return;
      const before = await threadOf(deps, session);
      const posted = await deps.notifier.chatAlert(await alertView(deps, session, p.reason, p.question ?? null), before);
      if (!before && posted) {
        await deps.db.transaction(async (tx) => {
          const at = deps.clock.now();
          await updateChatSession(tx, session.id, { slackChannel: posted.channel, slackTs: posted.ts }, at);
          await queueMirror(deps, tx, session.id, at);
        });
        deps.wake?.();
      }
    }),
    [CHAT_MIRROR_TASK]: defineTask(z.object({ sessionId: z.string().uuid() }), async (p) => {
      const previous = mirroring.get(p.sessionId) ?? Promise.resolve();
      const run = previous.catch(() => undefined).then(() => mirror(deps, p.sessionId));
      mirroring.set(p.sessionId, run);
      try {
        await run;
      } finally {
        if (mirroring.get(p.sessionId) === run) mirroring.delete(p.sessionId);
      }
    }),
  };
}
