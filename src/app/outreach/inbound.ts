import { createHash } from 'node:crypto';
import type { Queryable } from '../../adapters/db/db.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { insertConversation, insertMessage, insertQualification, latestConversation, leadMessages } from '../../adapters/db/store/conversations.ts';
import { finishInbound, getInbound, insertInbound } from '../../adapters/db/store/inbound.ts';
import { getLeadByEmail, getLeadById, upsertLeads } from '../../adapters/db/store/leads.ts';
import { cancelPendingOutbox, getOutboxByMessageIds } from '../../adapters/db/store/outbox.ts';
import { currentEnrolment, getEnrolment, getEnrolmentByToken, newId, updateEnrolment, type Enrolment } from '../../adapters/db/store/sequences.ts';
import { findSuppressions } from '../../adapters/db/store/suppressions.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { parseMail } from '../../adapters/email/parse.ts';
import { BatonError, toBatonError } from '../../domain/errors.ts';
import { accountDomainFor, emailDomain, isValidEmail, normalizeEmail } from '../../domain/lead.ts';
import { classifyMail, type MailVerdict } from '../../domain/mail/classify.ts';
import { header, headerAll, type MailMessage } from '../../domain/mail/message.ts';
import type { Qualification, QualifyInput } from '../../domain/qualify/types.ts';
import type { Lead } from '../../domain/records.ts';
import { localDate } from '../../domain/sequence/calendar.ts';
import type { InboundVia } from '../mail-ports.ts';
import type { OutreachDeps } from './deps.ts';
import { readCues } from '../../domain/chat/signals.ts';
import { queueDraft } from '../desk/drafts.ts';
import { endEnrolment } from './advance.ts';
import { ADVANCE_TASK, advanceKey, enrolInTx, EnrolmentRefusedError } from './enrol.ts';
import { actOnQualification, holdForReply, qualifyLeadRecord, isLive, manuallyPaused, optOut, pauseUntil, type PauseEnd } from './reply.ts';

// Kept here for the callers that import it from the email pipeline.
export { optOut } from './reply.ts';

export const INBOUND_TASK = 'inbound.process';
/** Replies whose questions get a drafted answer: a person answers those; declines and opt-outs get none. */
const DRAFTED_INTENTS: ReadonlySet<string> = new Set(['question', 'interested', 'objection']);
const DAY = 86_400_000;

/** The Message-ID field of a raw message, read from its header block only. */
function rawMessageId(raw: Buffer): string | null {
  const head = raw.subarray(0, 64 * 1024).toString('latin1').split(/\r?\n\r?\n/, 1)[0] ?? '';
  const m = /^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^>\r\n]+>)/im.exec(head);
  return m?.[1] ?? null;
}

/**
 * Stores a raw inbound message (once: a second delivery of the same bytes is recognised) and queues
 * it for processing. The three ways in (SMTP, IMAP, HTTP) all end here, so the pipeline is one.
 */
export async function receiveInbound(deps: OutreachDeps, raw: Buffer, meta: { via: InboundVia; envelopeTo?: readonly string[]; envelopeFrom?: string }): Promise<{ id: string; duplicate: boolean }> {
  if (raw.length === 0) throw new BatonError('MAIL_EMPTY', 'the message is empty', { fault: 'user' });
  const at = deps.clock.now();
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const r = await deps.db.transaction(async (tx) => {
    const stored = await insertInbound(
      tx,
      { id: newId(), sha256, messageId: rawMessageId(raw), via: meta.via, envelope: { ...(meta.envelopeTo ? { to: [...meta.envelopeTo] } : {}), ...(meta.envelopeFrom ? { from: meta.envelopeFrom } : {}) }, raw },
      at,
    );
    if (!stored.duplicate) await addJob(tx, { task: INBOUND_TASK, payload: { inboundId: stored.id }, key: `inbound:${stored.id}`, priority: 15 }, at);
    return stored;
  });
  if (!r.duplicate) deps.wake?.();
  return r;
}

const TOKEN_ADDRESS = /^(reply|unsubscribe)\+([A-Za-z0-9_-]{16,64})@/i;
const ANGLE_IDS = /<[^<>\s]+@[^<>\s]+>/g;

interface Match {
  enrolment: Enrolment | null;
  lead: Lead | null;
  /** The message was sent to the enrolment's mailto unsubscribe address. */
  unsubscribeAddress: boolean;
  /** Which rule matched: token, thread, recipient, sender, none. */
  by: 'token' | 'thread' | 'recipient' | 'sender' | 'none';
  /** For bounces: the step's outbox row that bounced. */
  bouncedStepIndex: number | null;
}

function addressesOf(message: MailMessage, envelopeTo: readonly string[]): string[] {
  const fields = ['to', 'cc', 'delivered-to', 'x-original-to', 'envelope-to'].flatMap((n) => headerAll(message.headers, n));
  const out: string[] = [...envelopeTo];
  for (const f of fields) for (const m of f.matchAll(/[^\s<>,;"']+@[^\s<>,;"']+/g)) out.push(m[0]);
  return out;
}

/** Message-IDs the message refers to: threading headers, and those of an original returned inside a report. */
function referencedIds(message: MailMessage): string[] {
  const ids = [...`${header(message.headers, 'in-reply-to')} ${header(message.headers, 'references')}`.matchAll(ANGLE_IDS)].map((m) => m[0]);
  for (const p of message.parts) {
    if (p.depth === 0 && !/rfc822-headers|message\/rfc822/.test(p.contentType)) continue;
    for (const h of p.headers) if (h.name === 'message-id') ids.push(...[...h.value.matchAll(ANGLE_IDS)].map((m) => m[0]));
    for (const m of p.body.slice(0, 20_000).matchAll(/^message-id:\s*(<[^>\s]+>)/gim)) if (m[1]) ids.push(m[1]);
  }
  return [...new Set(ids)];
}

async function matchMessage(tx: Queryable, message: MailMessage, verdict: MailVerdict, envelopeTo: readonly string[]): Promise<Match> {
  for (const address of addressesOf(message, envelopeTo)) {
    const m = TOKEN_ADDRESS.exec(address);
    if (!m?.[2]) continue;
    const e = await getEnrolmentByToken(tx, m[2]);
    if (e) return { enrolment: e, lead: await getLeadById(tx, e.leadId), unsubscribeAddress: m[1]?.toLowerCase() === 'unsubscribe', by: 'token', bouncedStepIndex: null };
  }
  const ids = referencedIds(message);
  const out = await getOutboxByMessageIds(tx, ids);
  if (out) {
    const e = out.enrolmentId ? await getEnrolment(tx, out.enrolmentId) : null;
    return { enrolment: e, lead: await getLeadById(tx, out.leadId), unsubscribeAddress: false, by: 'thread', bouncedStepIndex: out.stepIndex };
  }
  const who = verdict.kind === 'bounce' ? (verdict.bounce?.recipient ?? '') : verdict.kind === 'complaint' ? verdict.complainant : message.from;
  if (who && isValidEmail(normalizeEmail(who))) {
    const lead = await getLeadByEmail(tx, normalizeEmail(who));
    if (lead) return { enrolment: await currentEnrolment(tx, lead.id), lead, unsubscribeAddress: false, by: verdict.kind === 'reply' || verdict.kind === 'auto_reply' ? 'sender' : 'recipient', bouncedStepIndex: null };
  }
  return { enrolment: null, lead: null, unsubscribeAddress: false, by: 'none', bouncedStepIndex: null };
}

/** The conversation an inbound message joins: the enrolment's, else the lead's latest email one, else a new one. */
async function conversationFor(tx: Queryable, lead: Lead, e: Enrolment | null, subject: string, at: Date): Promise<string> {
  if (e?.conversationId) return e.conversationId;
  const existing = await latestConversation(tx, lead.id, 'email');
  if (existing) return existing;
  const id = newId();
  await insertConversation(tx, { id, leadId: lead.id, channel: 'email', subject }, at);
  return id;
}

export interface InboundOutcome {
  readonly kind: MailVerdict['kind'];
  readonly matchedBy: Match['by'];
  readonly leadId: string | null;
  readonly enrolmentId: string | null;
  /** What was done: stopped, paused, suppressed, qualified, new_lead, referral_lead, recorded... */
  readonly actions: readonly string[];
  readonly intent?: string;
  readonly resumeAt?: string;
}

/**
 * Task inbound.process: one stored message through the pipeline. Parse, classify, match to the
 * conversation, then act: a human reply stops the sequence at once and is qualified; an auto-reply
 * pauses until the stated return; a hard bounce suppresses; a complaint suppresses and alerts; an
 * opt-out suppresses in the same transaction. A message that cannot be parsed is kept as failed.
 */
export async function processInbound(deps: OutreachDeps, inboundId: string): Promise<InboundOutcome | null> {
  const rec = await getInbound(deps.db, inboundId);
  if (!rec || rec.status !== 'received') return null;
  let message: MailMessage;
  try {
    message = await parseMail(rec.raw);
  } catch (e) {
    const err = toBatonError(e);
    await finishInbound(deps.db, rec.id, { status: 'failed', error: `${err.code}: ${err.message}` }, deps.clock.now());
    deps.logger.warn({ inboundId: rec.id, code: err.code }, 'inbound message could not be parsed; kept as failed');
    return null;
  }
  const now = deps.clock.now();
  const verdict = classifyMail(message, { now });
  const envelopeTo = rec.envelope.to ?? [];
  const actions: string[] = [];

  // Phase 1, one transaction: everything that must happen at once (stop or pause, opt-outs, bounces).
  const first = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    let m = await matchMessage(tx, message, verdict, envelopeTo);
    const e = m.enrolment ? await getEnrolment(tx, m.enrolment.id, { forUpdate: true }) : null;
    m = { ...m, enrolment: e };
    const base = { kind: verdict.kind, matchedBy: m.by, leadId: m.lead?.id ?? null, enrolmentId: e?.id ?? null };

    if (m.unsubscribeAddress && m.lead && verdict.kind !== 'bounce') {
      await optOut(tx, m.lead, m.lead.email, 'unsubscribed', 'lead:mailto-unsubscribe', at);
      actions.push('suppressed');
      return { done: true as const, ...base };
    }
    switch (verdict.kind) {
      case 'bounce': {
        for (const f of verdict.failed.length ? verdict.failed : []) {
          const address = normalizeEmail(f.recipient || m.lead?.email || '');
          const lead = address && isValidEmail(address) ? ((await getLeadByEmail(tx, address)) ?? m.lead) : m.lead;
          if (f.hard) {
            if (address && isValidEmail(address)) {
              await optOut(tx, lead, address, 'bounced', 'system:bounce', at, `${f.status} ${f.reason}`);
              actions.push('suppressed');
            }
          } else if (isLive(e)) {
            const soft = e.softBounces + 1;
            if (soft > deps.settings.maxSoftBounces) {
              await endEnrolment(tx, e, 'stopped', `gave up after ${soft} soft bounces`, at);
              actions.push('stopped');
            } else {
              // Send the bounced step again later.
              if (e.pendingOutboxId) await cancelPendingOutbox(tx, { id: e.pendingOutboxId }, 'soft bounce: step retried', at);
              await updateEnrolment(tx, e.id, { softBounces: soft, pendingOutboxId: null, stepIndex: m.bouncedStepIndex ?? Math.max(0, e.stepIndex - 1) }, at);
              await addJob(tx, { task: ADVANCE_TASK, payload: { enrolmentId: e.id }, key: advanceKey(e.id), runAt: new Date(at.getTime() + deps.settings.softBounceRetryHours * 3_600_000), ifKeyExists: 'replace' }, at);
              actions.push('retry_later');
            }
          }
        }
        if (!actions.length) actions.push('recorded');
        return { done: true as const, ...base };
      }
      case 'complaint': {
        const address = normalizeEmail(verdict.complainant || m.lead?.email || '');
        if (address && isValidEmail(address)) {
          await optOut(tx, (await getLeadByEmail(tx, address)) ?? m.lead, address, 'complained', 'system:complaint', at);
          actions.push('suppressed');
        }
        deps.logger.warn({ leadId: m.lead?.id ?? null, inboundId: rec.id }, 'ALERT: a recipient reported our email as spam; the address is suppressed');
        await appendAudit(tx, { actor: 'system:complaint', action: 'alert.complaint', subjectType: 'lead', subjectId: m.lead?.id ?? null, data: { inbound: rec.id } }, at);
        actions.push('alerted');
        return { done: true as const, ...base };
      }
      case 'delivery_report':
        actions.push('recorded');
        return { done: true as const, ...base };
      default:
        break;
    }

    // A reply or an auto-reply: it belongs to a lead (an unknown sender becomes a new inbound lead).
    let lead = m.lead;
    if (!lead) {
      const email = normalizeEmail(message.from);
      if (!email || !isValidEmail(email)) {
        actions.push('recorded');
        return { done: true as const, ...base };
      }
      if ((await findSuppressions(tx, [email])).size > 0) {
        actions.push('ignored_suppressed');
        return { done: true as const, ...base };
      }
      if (verdict.kind === 'auto_reply') {
        actions.push('recorded');
        return { done: true as const, ...base };
      }
      const fromName = (header(message.headers, 'from').match(/^\s*"?([^"<]+?)"?\s*</)?.[1] ?? '').trim();
      const [o] = await upsertLeads(tx, [{ email, emailDomain: emailDomain(email), accountDomain: accountDomainFor(email), fullName: fromName || null }], { channel: 'email', source: 'email_reply', detail: { inbound: rec.id } }, at);
      lead = o ? await getLeadById(tx, o.leadId) : null;
      if (!lead) throw new Error('lead vanished inside its transaction');
      await appendAudit(tx, { actor: 'system:inbound', action: 'lead.created', subjectType: 'lead', subjectId: lead.id, data: { channel: 'email', source: 'email_reply' } }, at);
      actions.push('new_lead');
    }
    const conversationId = await conversationFor(tx, lead, e, message.subject, at);
    const messageRowId = newId();
    const stored = await insertMessage(
      tx,
      {
        id: messageRowId,
        conversationId,
        direction: 'inbound',
        author: verdict.kind === 'auto_reply' ? 'system' : 'lead',
        bodyText: verdict.visibleText || message.text.slice(0, 20_000),
        headers: { subject: message.subject, kind: verdict.kind },
        messageId: header(message.headers, 'message-id') || null,
      },
      message.date ?? at,
    );
    if (verdict.kind === 'auto_reply') {
      // A pause an SDR set by hand (/baton pause) is theirs to lift: an absence notice never shortens it.
      if (isLive(e) && !manuallyPaused(e)) {
        const back: PauseEnd = verdict.returnDate ? { day: verdict.returnDate } : { at: new Date(at.getTime() + deps.settings.autoReplyPauseDays * DAY) };
        const resume = await pauseUntil(deps, tx, e, lead, back, verdict.returnDate ? `out of office until ${verdict.returnDate}` : 'automatic reply without a return date', at, { keepLaterWait: true });
        actions.push('paused');
        return { done: true as const, ...base, leadId: lead.id, resumeAt: resume.toISOString() };
      }
      actions.push('recorded');
      return { done: true as const, ...base, leadId: lead.id };
    }
    // A person wrote: no further step may go out while we read what they said.
    await holdForReply(deps, tx, { lead, enrolment: e, at }, actions);
    return { done: false as const, ...base, leadId: lead.id, enrolmentId: e?.id ?? null, messageRowId: stored ? messageRowId : null };
  });

  if (first.done) {
    const outcome: InboundOutcome = { kind: first.kind, matchedBy: first.matchedBy, leadId: first.leadId, enrolmentId: first.enrolmentId, actions, ...('resumeAt' in first && first.resumeAt ? { resumeAt: first.resumeAt } : {}) };
    await finishInbound(deps.db, rec.id, { status: 'processed', kind: verdict.kind, leadId: first.leadId, enrolmentId: first.enrolmentId, outcome: { ...outcome } }, deps.clock.now());
    return outcome;
  }

  // Phase 2: qualify, outside any transaction (a model call may take seconds).
  const leadId = first.leadId as string;
  const lead = (await getLeadById(deps.db, leadId)) as Lead;
  const history = (await leadMessages(deps.db, leadId, 40)).filter((h) => h.id !== first.messageRowId && h.author !== 'system');
  const input: QualifyInput = {
    reply: message.text.slice(0, 20_000) || verdict.visibleText,
    thread: history.map((h) => ({ from: h.direction === 'outbound' ? ('us' as const) : ('lead' as const), text: h.bodyText.slice(0, 4000) })),
    lead: qualifyLeadRecord(lead),
    date: localDate(message.date ?? now, deps.settings.senderZone),
    channel: 'email',
  };
  const q: Qualification = await deps.engine.qualify(input);

  // Phase 3: act on what the reply means.
  const extra = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    await insertQualification(tx, leadId, first.messageRowId, q, at);
    actions.push('qualified');
    const fresh = (await getLeadById(tx, leadId, { forUpdate: true })) as Lead;
    const e = first.enrolmentId ? await getEnrolment(tx, first.enrolmentId, { forUpdate: true }) : null;
    const acted = await actOnQualification(deps, tx, { lead: fresh, enrolment: e, q, text: verdict.visibleText || message.text, sentAt: message.date ?? now, returnDate: verdict.returnDate ?? null }, actions);
    // A person asked something: the knowledge base drafts an answer for the SDR to send, edit or discard.
    if (first.messageRowId && DRAFTED_INTENTS.has(q.intent) && readCues(verdict.visibleText || message.text.slice(0, 20_000)).questions.length > 0) {
      await queueDraft(tx, first.messageRowId, at);
      actions.push('draft_queued');
    }
    return acted;
  });
  const outcome: InboundOutcome = {
    kind: verdict.kind,
    matchedBy: first.matchedBy,
    leadId,
    enrolmentId: first.enrolmentId,
    actions,
    intent: q.intent,
    ...(extra.resumeAt ? { resumeAt: extra.resumeAt } : {}),
  };
  await finishInbound(deps.db, rec.id, { status: 'processed', kind: verdict.kind, leadId, enrolmentId: first.enrolmentId, outcome: { ...outcome } }, deps.clock.now());
  return outcome;
}

/** A new lead from a form: enrol it in the inbound fast lane when one is configured and it may enrol. */
export async function enrolNewInboundLead(deps: OutreachDeps, leadId: string): Promise<Enrolment | null> {
  const seq = deps.settings.inboundSequence;
  if (!seq) return null;
  try {
    const e = await deps.db.transaction((tx) => enrolInTx(deps, tx, { leadId, sequenceId: seq, actor: 'system:fast-lane' }));
    deps.wake?.();
    return e;
  } catch (err) {
    if (err instanceof EnrolmentRefusedError) return null;
    throw err;
  }
}
