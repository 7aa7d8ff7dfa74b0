import { addSuppression, findSuppressions } from '../../adapters/db/store/suppressions.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { insertMessage } from '../../adapters/db/store/conversations.ts';
import { getLeadById } from '../../adapters/db/store/leads.ts';
import { getOutbox, releaseQuota, reserveQuota, setOutboxStatus, type OutboxRow } from '../../adapters/db/store/outbox.ts';
import { getEnrolment, getSequence, newId, updateEnrolment } from '../../adapters/db/store/sequences.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { DeferJobError } from '../../adapters/queue/errors.ts';
import type { JobContext } from '../../adapters/queue/task.ts';
import { MailSendError, toBatonError } from '../../domain/errors.ts';
import { isContactable } from '../../domain/lifecycle.ts';
import { isInSendWindow, localDate, nextSendTime, startOfNextLocalDay } from '../../domain/sequence/calendar.ts';
import { leadZone } from './settings.ts';
import type { SendReceipt } from '../mail-ports.ts';
import type { OutreachDeps } from './deps.ts';
import { endEnrolment } from './advance.ts';
import { ADVANCE_TASK, advanceKey } from './enrol.ts';
import { moveIfAllowed } from './stage.ts';

/** A few seconds to a few minutes, fixed per message, so deferred sends do not all wake together. */
function jitterMs(id: string, maxMs: number): number {
  let h = 0;
  for (const c of id) h = (h * 33 + c.charCodeAt(0)) >>> 0;
  return h % Math.max(1, maxMs);
}

/**
 * An immediate email (the fast lane's answer to a form someone has just sent) goes whatever the
 * hour only this soon after it was written. Held longer by a full cap, it is no longer an instant
 * answer and waits for the recipient's send window like any other email.
 */
export const IMMEDIATE_GRACE_MS = 60 * 60_000;

/** Share of each mailbox's daily cap that only fast-lane (immediate) emails may use. */
export const FAST_LANE_SHARE = 0.2;

type Prepared = { kind: 'send'; row: OutboxRow; day: string; scopes: string[] } | { kind: 'done' };

/**
 * Task outbox.send: hands one outbox message to SMTP, exactly once per step.
 *
 * 1. In a transaction: re-check everything that may have changed since the step was planned
 *    (opt-out, bounce, stage, a reply that stopped the sequence), the recipient's send window and the
 *    caps; reserve the day's quota and mark the row `sending`.
 * 2. The SMTP call, outside any transaction.
 * 3. In a transaction: mark it `sent`, store the message in the conversation, move the cursor on.
 *
 * A worker that dies during 2 leaves the row `sending`; the job's lease runs out and the next run sends
 * the same message (same Message-ID) again. SMTP accepts a message only at the end of DATA, so a
 * death before acceptance loses nothing and sends nothing twice; the only window for a repeat is
 * between the server's 250 and step 3's commit, and a repeat carries the same Message-ID.
 */
export async function sendOutboxMessage(deps: OutreachDeps, outboxId: string, ctx: Pick<JobContext, 'job'>): Promise<void> {
  const s = deps.settings;
  const prepared = await deps.db.transaction(async (tx): Promise<Prepared> => {
    const at = deps.clock.now();
    const row = await getOutbox(tx, outboxId, { forUpdate: true });
    if (!row || row.status === 'sent' || row.status === 'failed' || row.status === 'cancelled') return { kind: 'done' };
    const e = row.enrolmentId ? await getEnrolment(tx, row.enrolmentId, { forUpdate: true }) : null;
    const cancel = async (why: string) => {
      await setOutboxStatus(tx, row.id, 'cancelled', at, { lastError: why });
      if (e && e.pendingOutboxId === row.id) await updateEnrolment(tx, e.id, { pendingOutboxId: null }, at);
      return { kind: 'done' } as const;
    };
    if (e && e.status !== 'active') return cancel(`enrolment ${e.status}`);
    const lead = await getLeadById(tx, row.leadId);
    if (!lead) return cancel('lead erased');
    const suppressed = (await findSuppressions(tx, [row.toAddress])).get(row.toAddress);
    if (suppressed || !isContactable(lead.stage)) {
      const why = suppressed ? `suppressed (${suppressed.reason})` : `lead is ${lead.stage}`;
      await cancel(why);
      if (e) await endEnrolment(tx, e, 'stopped', why, at);
      return { kind: 'done' };
    }
    const day = localDate(at, s.senderZone);
    const seqId = row.sequenceId;
    const scopes = [`mailbox:${row.mailbox}`, ...(seqId ? [`sequence:${seqId}`] : [])];
    // A row left `sending` by a worker that died: its quota is taken; send it again as it is.
    if (row.status === 'sending') {
      await setOutboxStatus(tx, row.id, 'sending', at, { attempt: true, lastError: 'the previous attempt ended without a result (worker stopped or crashed)' });
      return { kind: 'send', row, day, scopes: [] };
    }
    const def = seqId ? (await getSequence(tx, seqId, e?.sequenceVersion))?.definition : undefined;
    if (!row.immediate || at.getTime() - row.createdAt.getTime() > IMMEDIATE_GRACE_MS) {
      const zone = leadZone(lead, s.senderZone);
      const window = def?.sendWindow ?? s.sendWindow;
      if (!isInSendWindow(at, zone, window, lead.country ?? null)) {
        throw new DeferJobError(new Date(nextSendTime(at, zone, window, lead.country ?? null).getTime() + jitterMs(row.id, 10 * 60_000)), 'outside the recipient send window');
      }
    }
    // A share of each mailbox's day is kept for the fast lane, so a backlog of outbound and nurture
    // mail never makes a new web lead wait for tomorrow's quota.
    const cap = row.immediate ? s.mailboxDailyCap : s.mailboxDailyCap - Math.floor(s.mailboxDailyCap * FAST_LANE_SHARE);
    const mailboxQuota = await reserveQuota(tx, `mailbox:${row.mailbox}`, day, cap, s.spacingMs, at);
    if (!mailboxQuota.ok) {
      const retry = mailboxQuota.retryAt ?? new Date(startOfNextLocalDay(at, s.senderZone).getTime() + jitterMs(row.id, 60 * 60_000));
      throw new DeferJobError(new Date(retry.getTime() + jitterMs(row.id, 1000)), mailboxQuota.why === 'cap' ? `mailbox ${row.mailbox} reached its daily cap` : 'spacing between sends');
    }
    if (seqId) {
      const seqQuota = await reserveQuota(tx, `sequence:${seqId}`, day, def?.dailyCap ?? s.sequenceDailyCap, 0, at);
      // Throwing rolls back the mailbox reservation above with the rest of the transaction.
      if (!seqQuota.ok) throw new DeferJobError(new Date(startOfNextLocalDay(at, s.senderZone).getTime() + jitterMs(row.id, 60 * 60_000)), `sequence ${seqId} reached its daily cap`);
    }
    await setOutboxStatus(tx, row.id, 'sending', at, { attempt: true });
    return { kind: 'send', row, day, scopes };
  });
  if (prepared.kind === 'done') return;
  const { row } = prepared;

  let receipt: SendReceipt;
  try {
    receipt = await deps.mailer.send(row.email);
  } catch (err) {
    const e = err instanceof MailSendError ? err : new MailSendError(toBatonError(err).message, { transient: true, cause: err });
    const lastTry = ctx.job.attempts >= ctx.job.maxAttempts;
    await deps.db.transaction(async (tx) => {
      const at = deps.clock.now();
      for (const scope of prepared.scopes) await releaseQuota(tx, scope, prepared.day);
      if (e.transient && !lastTry) {
        await setOutboxStatus(tx, row.id, 'pending', at, { lastError: `${e.code}: ${e.message}` });
        return;
      }
      await setOutboxStatus(tx, row.id, 'failed', at, { lastError: `${e.code}: ${e.message}` });
      const enr = row.enrolmentId ? await getEnrolment(tx, row.enrolmentId, { forUpdate: true }) : null;
      if (enr) await endEnrolment(tx, enr, 'stopped', `send failed: ${e.message}`, at);
      // The server refused the address itself (550/551/553 at RCPT): as good as a hard bounce.
      if (!e.transient && e.responseCode !== null && [550, 551, 553].includes(e.responseCode)) {
        await addSuppression(tx, { kind: 'email', value: row.toAddress, reason: 'bounced', note: e.message.slice(0, 300), createdBy: 'system:smtp' });
        const lead = await getLeadById(tx, row.leadId, { forUpdate: true });
        if (lead) await moveIfAllowed(tx, lead, 'bounced', 'system:smtp', 'the receiving server refused the address', at);
      }
      await appendAudit(tx, { actor: 'system:smtp', action: 'outbox.failed', subjectType: 'lead', subjectId: row.leadId, data: { outbox: row.id, code: e.code, responseCode: e.responseCode } }, at);
    });
    if (e.transient && !lastTry) throw e;
    return;
  }

  await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    await setOutboxStatus(tx, row.id, 'sent', at, { smtpResponse: receipt.response.slice(0, 500), sentAt: at, lastError: null });
    const e = row.enrolmentId ? await getEnrolment(tx, row.enrolmentId, { forUpdate: true }) : null;
    if (e?.conversationId) {
      await insertMessage(tx, { id: newId(), conversationId: e.conversationId, direction: 'outbound', author: 'us', bodyText: row.email.text, messageId: row.messageId, headers: { subject: row.email.subject } }, at);
    }
    if (e && e.pendingOutboxId === row.id) {
      await updateEnrolment(tx, e.id, { pendingOutboxId: null, stepIndex: (row.stepIndex ?? e.stepIndex) + 1 }, at);
      if (e.status === 'active') await addJob(tx, { task: ADVANCE_TASK, payload: { enrolmentId: e.id }, key: advanceKey(e.id), ifKeyExists: 'replace' }, at);
    }
    const lead = await getLeadById(tx, row.leadId, { forUpdate: true });
    if (lead?.stage === 'lead') await moveIfAllowed(tx, lead, 'contacted', `sequence:${row.sequenceId ?? 'manual'}`, 'first email sent', at);
  });
}
