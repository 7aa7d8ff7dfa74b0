import { appendChatMessage, getChatSession, latestChatSessionOfLead } from '../../adapters/db/store/chat.ts';
import { newId } from '../../adapters/db/store/sequences.ts';
import type { ChatDeps } from './deps.ts';
import type { ChatProvider, ChatSendRequest, ChatSendResult } from './provider.ts';
import { chatMessageId } from './send.ts';
import { queueMirror } from './tasks.ts';

/**
 * The website chat as a sequence's chat provider: a message for a returning visitor goes into their
 * latest chat session, numbered like any chat message, so an open widget shows it at once (server-sent
 * events) and a widget opened later finds it in the history. A lead who never chatted, or whose last
 * chat is older than a visitor's token lives, cannot be reached this way.
 */
export function websiteChatProvider(deps: ChatDeps): ChatProvider {
  return {
    name: 'website',
    async send(req: ChatSendRequest): Promise<ChatSendResult> {
      const latest = await latestChatSessionOfLead(deps.db, req.leadId);
      if (!latest) return { status: 'unreachable', why: 'the lead has never used the website chat' };
      const oldest = deps.clock.now().getTime() - deps.chat.tokenTtlDays * 86_400_000;
      if (latest.updatedAt.getTime() < oldest) return { status: 'unreachable', why: `the lead's last website chat is older than ${deps.chat.tokenTtlDays} days; their widget has started afresh` };
      const messageId = chatMessageId(req.messageId);
      const sent = await deps.db.transaction(async (tx) => {
        const at = deps.clock.now();
        const session = await getChatSession(tx, latest.id, { forUpdate: true });
        if (!session) return null;
        // A retry after a crash finds its message already there: sent once.
        const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE message_id = $1`, [messageId]);
        if ((rows[0]?.n ?? 0) > 0) return { message: null, sessionId: session.id };
        const message = await appendChatMessage(tx, session, { id: newId(), from: 'bot', text: req.text, kind: 'sequence', messageId }, at);
        await queueMirror(deps, tx, session.id, at);
        return { message, sessionId: session.id };
      });
      if (!sent) return { status: 'unreachable', why: 'the chat session is gone' };
      if (sent.message) deps.hub.publish(sent.sessionId, { type: 'message', message: sent.message });
      return { status: 'sent', externalId: sent.sessionId };
    },
  };
}
