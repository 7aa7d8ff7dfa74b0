import { z } from 'zod';
import { defineTask, type TaskHandlers } from '../../adapters/queue/task.ts';
import type { OutreachDeps } from './deps.ts';
import { advanceEnrolment, SEND_TASK } from './advance.ts';
import { ADVANCE_TASK, RECYCLE_TASK, recycleLead } from './enrol.ts';
import { INBOUND_TASK, processInbound } from './inbound.ts';
import { sendOutboxMessage } from './send.ts';

/** The job handlers of the email channel, for the Worker. */
export function outreachTasks(deps: OutreachDeps): TaskHandlers {
  return {
    [ADVANCE_TASK]: defineTask(z.object({ enrolmentId: z.string().uuid() }), (p) => advanceEnrolment(deps, p.enrolmentId)),
    [SEND_TASK]: defineTask(z.object({ outboxId: z.string().uuid() }), (p, ctx) => sendOutboxMessage(deps, p.outboxId, ctx)),
    [RECYCLE_TASK]: defineTask(z.object({ leadId: z.string().uuid() }), (p) => recycleLead(deps, p.leadId)),
    [INBOUND_TASK]: defineTask(z.object({ inboundId: z.string().uuid() }), async (p) => {
      await processInbound(deps, p.inboundId);
    }),
  };
}
