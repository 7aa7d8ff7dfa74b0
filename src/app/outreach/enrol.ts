import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../adapters/db/db.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { insertConversation } from '../../adapters/db/store/conversations.ts';
import { getLeadById, listTransitions } from '../../adapters/db/store/leads.ts';
import { currentEnrolment, getSequence, insertEnrolment, newId, pastEnrolmentEnds, type Enrolment } from '../../adapters/db/store/sequences.ts';
import { findSuppressions } from '../../adapters/db/store/suppressions.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { BatonError, NotFoundError } from '../../domain/errors.ts';
import { enrolmentRefusal } from '../../domain/sequence/enrol.ts';
import type { Mailbox, OutreachDeps } from './deps.ts';

export const ADVANCE_TASK = 'sequence.advance';
export const advanceKey = (enrolmentId: string) => `advance:${enrolmentId}`;

/** The mailbox a lead is written from: stable per lead, spread over the mailboxes. */
export function mailboxFor(leadId: string, mailboxes: readonly Mailbox[]): Mailbox {
  if (mailboxes.length === 0) throw new BatonError('MAIL_NO_MAILBOX', 'no sending mailbox is configured (MAIL_FROM)', { fault: 'user' });
  let h = 0;
  for (const c of leadId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return mailboxes[h % mailboxes.length] as Mailbox;
}

export class EnrolmentRefusedError extends BatonError {
  constructor(reason: string, details: Record<string, unknown>) {
    super('ENROLMENT_REFUSED', `cannot enrol: ${reason}`, { fault: 'user', details });
  }
}

/**
 * Puts a lead into a sequence (its latest version) inside the caller's transaction, after the
 * enrolment rules (suppression, stage, one live sequence, re-enrolment, cool-offs). The first step is
 * queued at once. Throws EnrolmentRefusedError with the reason in words.
 */
export async function enrolInTx(deps: OutreachDeps, tx: Queryable, input: { leadId: string; sequenceId: string; actor: string }): Promise<Enrolment> {
  const at = deps.clock.now();
  const lead = await getLeadById(tx, input.leadId, { forUpdate: true });
  if (!lead) throw new NotFoundError('lead', input.leadId);
  const seq = await getSequence(tx, input.sequenceId);
  if (!seq) throw new NotFoundError('sequence', input.sequenceId);
  // One after another: a transaction is one connection, which runs one query at a time.
  const suppressed = await findSuppressions(tx, [lead.email]);
  const live = await currentEnrolment(tx, lead.id);
  const past = await pastEnrolmentEnds(tx, lead.id, seq.id);
  const moves = await listTransitions(tx, lead.id);
  const last = moves.at(-1);
  const refusal = enrolmentRefusal(
    seq.definition,
    {
      stage: lead.stage,
      suppressed: suppressed.size > 0,
      live: live && (live.status === 'active' || live.status === 'paused') ? { sequenceId: live.sequenceId } : null,
      pastInSequence: past,
      lastMove: last ? { from: last.fromStage, to: last.toStage, at: last.at } : null,
    },
    at,
    deps.settings.recycleCoolOffDays,
  );
  if (refusal) throw new EnrolmentRefusedError(refusal, { leadId: lead.id, sequenceId: seq.id });
  const conversationId = newId();
  await insertConversation(tx, { id: conversationId, leadId: lead.id, channel: 'email', subject: null }, at);
  const enrolment = await insertEnrolment(
    tx,
    {
      id: newId(),
      leadId: lead.id,
      sequenceId: seq.id,
      sequenceVersion: seq.version,
      mailbox: mailboxFor(lead.id, deps.settings.mailboxes).address,
      replyToken: randomBytes(16).toString('base64url'),
      conversationId,
      enrolledBy: input.actor,
    },
    at,
  );
  await appendAudit(tx, { actor: input.actor, action: 'sequence.enrolled', subjectType: 'lead', subjectId: lead.id, data: { enrolment: enrolment.id, sequence: seq.id, version: seq.version } }, at);
  await addJob(tx, { task: ADVANCE_TASK, payload: { enrolmentId: enrolment.id }, key: advanceKey(enrolment.id), priority: seq.definition.kind === 'inbound' ? 10 : 0 }, at);
  return enrolment;
}

/** enrolInTx in its own transaction, waking the worker so the first step runs now. */
export async function enrolLead(deps: OutreachDeps, input: { leadId: string; sequenceId: string; actor: string }): Promise<Enrolment> {
  const e = await deps.db.transaction((tx) => enrolInTx(deps, tx, input));
  deps.wake?.();
  return e;
}

export const RECYCLE_TASK = 'lead.recycle';

/**
 * The recycle branch: a lead set aside (not interested, "not now" without a date, a sequence that ended
 * in nurture, later an SDR's rejection) enters the nurture sequence after the cool-off, never a void.
 */
export async function scheduleRecycle(deps: OutreachDeps, tx: Queryable, leadId: string, at: Date): Promise<void> {
  if (!deps.settings.nurtureSequence) return;
  const runAt = new Date(at.getTime() + deps.settings.recycleCoolOffDays * 86_400_000);
  await addJob(tx, { task: RECYCLE_TASK, payload: { leadId }, key: `recycle:${leadId}`, runAt, ifKeyExists: 'replace' }, at);
}

/** Task lead.recycle: enrol in the nurture sequence when the rules allow it then; a refusal is recorded, not retried. */
export async function recycleLead(deps: OutreachDeps, leadId: string): Promise<void> {
  const sequenceId = deps.settings.nurtureSequence;
  if (!sequenceId) return;
  try {
    await enrolLead(deps, { leadId, sequenceId, actor: 'system:recycle' });
  } catch (e) {
    if (e instanceof EnrolmentRefusedError || e instanceof NotFoundError) {
      deps.logger.info({ leadId, why: e.message }, 'recycle: lead not enrolled in nurture');
      return;
    }
    throw e;
  }
}
