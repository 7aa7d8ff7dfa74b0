import { z } from 'zod';
import { defineTask, type TaskHandlers } from '../../adapters/queue/task.ts';
import type { OutreachDeps } from './deps.ts';
import { advanceEnrolment, SEND_TASK, type ChatProvidersOption } from './advance.ts';
import { ADVANCE_TASK, RECYCLE_TASK, recycleLead } from './enrol.ts';
import { INBOUND_TASK, processInbound } from './inbound.ts';
import { sendOutboxMessage } from './send.ts';
import { CHAT_SEND_TASK, ChatSendPayload, sendChatStep } from '../chat/send.ts';
import { CHAT_REPLY_TASK, ChatReplyPayload, processProviderReply } from '../chat/provider-reply.ts';

/**
 * The job handlers of the sequences and the reply pipeline, for the Worker: email, and the chat
 * steps and gateway replies (chat.send, chat.reply). Give `chatProviders` to send chat steps; without
 * it a chat step is recorded as skipped.
 */
export function outreachTasks(deps: OutreachDeps & ChatProvidersOption): TaskHandlers {
  return {
    [ADVANCE_TASK]: defineTask(z.object({ enrolmentId: z.string().uuid() }), (p) => advanceEnrolment(deps, p.enrolmentId)),
    [SEND_TASK]: defineTask(z.object({ outboxId: z.string().uuid() }), (p, ctx) => sendOutboxMessage(deps, p.outboxId, ctx)),
    [RECYCLE_TASK]: defineTask(z.object({ leadId: z.string().uuid() }), (p) => recycleLead(deps, p.leadId)),
    [INBOUND_TASK]: defineTask(z.object({ inboundId: z.string().uuid() }), async (p) => {
      await processInbound(deps, p.inboundId);
    }),
    [CHAT_SEND_TASK]: defineTask(ChatSendPayload, (p, ctx) => sendChatStep(deps, p, ctx)),
    [CHAT_REPLY_TASK]: defineTask(ChatReplyPayload, async (p) => {
      await processProviderReply(deps, p.messageRowId);
    }),
  };
}
