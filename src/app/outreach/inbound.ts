import { createHash } from 'node:crypto';
import type { Queryable } from '../../adapters/db/db.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { insertConversation, insertMessage, insertQualification, latestConversation, leadMessages } from '../../adapters/db/store/conversations.ts';
import { finishInbound, getInbound, insertInbound } from '../../adapters/db/store/inbound.ts';
import { getLeadByEmail, getLeadById, upsertLeads } from '../../adapters/db/store/leads.ts';
import { cancelPendingOutbox, getOutboxByMessageIds } from '../../adapters/db/store/outbox.ts';
import { currentEnrolment, getEnrolment, getEnrolmentByToken, newId, updateEnrolment, type Enrolment } from '../../adapters/db/store/sequences.ts';
import { addSuppression, findSuppressions } from '../../adapters/db/store/suppressions.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { cancelJobs } from '../../adapters/queue/jobs-admin.ts';
import { parseMail } from '../../adapters/email/parse.ts';
import { BatonError, toBatonError } from '../../domain/errors.ts';
import { accountDomainFor, emailDomain, isValidEmail, leadDisplayName, normalizeEmail } from '../../domain/lead.ts';
import { classifyMail, type MailVerdict } from '../../domain/mail/classify.ts';
import { header, headerAll, type MailMessage } from '../../domain/mail/message.ts';
import type { Qualification, QualifyInput } from '../../domain/qualify/types.ts';
import type { Lead } from '../../domain/records.ts';
import { localDate, nextSendTime, startOfLocalDate } from '../../domain/sequence/calendar.ts';
import { leadZone } from './settings.ts';
import { askedResumeDate } from '../../domain/sequence/resume.ts';
import { openCandidate } from '../desk/candidates.ts';
import { MANUAL_PAUSE } from '../desk/lookup.ts';
import type { InboundVia } from '../mail-ports.ts';
import type { OutreachDeps } from './deps.ts';
import { endEnrolment } from './advance.ts';
import { ADVANCE_TASK, advanceKey, enrolInTx, EnrolmentRefusedError, scheduleRecycle } from './enrol.ts';
import { moveIfAllowed } from './stage.ts';

export const INBOUND_TASK = 'inbound.process';
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

const isLive = (e: Enrolment | null): e is Enrolment => e !== null && (e.status === 'active' || e.status === 'paused');

/** Suppresses an address and ends everything that would write to it, in the caller's transaction. */
export async function optOut(tx: Queryable, lead: Lead | null, email: string, reason: 'unsubscribed' | 'complained' | 'bounced', actor: string, at: Date, note?: string): Promise<void> {
  await addSuppression(tx, { kind: 'email', value: email, reason, note: note ?? null, createdBy: actor });
  if (!lead) return;
  const { rows } = await tx.query<{ id: string; pending_outbox_id: string | null }>(`SELECT id, pending_outbox_id FROM enrolments WHERE lead_id = $1 AND status IN ('active', 'paused') FOR UPDATE`, [lead.id]);
  for (const r of rows) await endEnrolment(tx, { id: r.id, pendingOutboxId: r.pending_outbox_id }, 'stopped', reason, at);
  await cancelPendingOutbox(tx, { leadId: lead.id }, reason, at);
  if (reason !== 'bounced') await tx.query(`UPDATE leads SET consent_status = 'withdrawn', consent_source = $2, consent_at = $3, updated_at = $3 WHERE id = $1`, [lead.id, actor, at]);
  await moveIfAllowed(tx, lead, reason === 'bounced' ? 'bounced' : 'unsubscribed', actor, reason, at);
  await appendAudit(tx, { actor, action: `lead.${reason}`, subjectType: 'lead', subjectId: lead.id, data: { note: note ?? null } }, at);
}

/** Paused by a person (`/baton pause`, the console): automatic pauses and resumes leave it alone. */
function manuallyPaused(e: Pick<Enrolment, 'status' | 'pauseReason'>): boolean {
  return e.status === 'paused' && (e.pauseReason ?? '').startsWith(MANUAL_PAUSE);
}

/** When a pause ends: a calendar day the person named (in their own zone), or an instant. */
type PauseEnd = { readonly day: string } | { readonly at: Date };

/**
 * Pauses an enrolment until a day (the recipient's send window that day), cancelling its unsent email.
 * A named day starts at the recipient's local midnight: "back on the 20th" written in Honolulu must
 * not resume on the 19th at 14:00 there, as 00:00 UTC would. With `keepLaterWait` an absence never
 * speeds the sequence up: a wait already queued past the return keeps its own end.
 */
async function pauseUntil(deps: OutreachDeps, tx: Queryable, e: Enrolment, lead: Lead, end: PauseEnd, reason: string, at: Date, options: { keepLaterWait?: boolean } = {}): Promise<Date> {
  const zone = leadZone(lead, deps.settings.senderZone);
  const from = 'day' in end ? startOfLocalDate(end.day, zone) : end.at;
  let resume = nextSendTime(from.getTime() > at.getTime() ? from : at, zone, deps.settings.sendWindow, lead.country ?? null);
  if (options.keepLaterWait) {
    const { rows } = await tx.query<{ run_at: Date }>(`SELECT run_at FROM jobs WHERE key = $1 AND status = 'queued'`, [advanceKey(e.id)]);
    const queued = rows[0]?.run_at;
    if (queued && queued.getTime() > resume.getTime()) resume = queued;
  }
  if (e.pendingOutboxId) await cancelPendingOutbox(tx, { id: e.pendingOutboxId }, `paused: ${reason}`, at);
  await updateEnrolment(tx, e.id, { status: 'paused', pausedUntil: resume, pauseReason: reason, pendingOutboxId: null }, at);
  await addJob(tx, { task: ADVANCE_TASK, payload: { enrolmentId: e.id }, key: advanceKey(e.id), runAt: resume, ifKeyExists: 'replace' }, at);
  return resume;
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

function leadRecordOf(lead: Lead): QualifyInput['lead'] {
  const name = leadDisplayName(lead) ?? undefined;
  return {
    ...(name ? { name } : {}),
    email: lead.email,
    ...(lead.title ? { title: lead.title } : {}),
    ...(lead.company ? { company: lead.company } : {}),
    ...(lead.industry ? { industry: lead.industry } : {}),
    ...(typeof lead.employees === 'number' ? { employees: lead.employees } : {}),
    ...(lead.country && /^[A-Za-z]{2}$/.test(lead.country) ? { country: lead.country.toUpperCase() } : {}),
  };
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
    if (isLive(e)) {
      if (e.pendingOutboxId) await cancelPendingOutbox(tx, { id: e.pendingOutboxId }, 'the lead replied', at);
      await updateEnrolment(tx, e.id, { status: 'paused', pausedUntil: null, pauseReason: 'the lead replied', pendingOutboxId: null }, at);
      await cancelJobs(tx, { key: advanceKey(e.id) }, at);
      actions.push('held');
    }
    await moveIfAllowed(tx, lead, 'engaged', 'system:inbound', 'the lead replied', at);
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
    lead: leadRecordOf(lead),
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
    if (e) await updateEnrolment(tx, e.id, { lastIntent: q.intent }, at);
    let resumeAt: string | undefined;
    switch (q.intent) {
      case 'unsubscribe':
        await optOut(tx, fresh, fresh.email, 'unsubscribed', 'lead:reply', at);
        actions.push('suppressed');
        break;
      case 'out_of_office':
      case 'not_now': {
        const day = q.intent === 'out_of_office' ? verdict.returnDate : askedResumeDate(verdict.visibleText || message.text, message.date ?? now);
        const fallback = q.intent === 'not_now' && q.bant.timeline.within_days ? new Date(at.getTime() + Math.max(7, q.bant.timeline.within_days) * DAY) : null;
        const later = fallback ?? (q.intent === 'out_of_office' ? new Date(at.getTime() + deps.settings.autoReplyPauseDays * DAY) : null);
        const when: PauseEnd | null = day ? { day } : later ? { at: later } : null;
        if (isLive(e) && when) {
          resumeAt = (await pauseUntil(deps, tx, e, fresh, when, q.intent === 'not_now' ? 'the lead asked to be contacted later' : 'out of office', at)).toISOString();
          actions.push('paused');
        } else {
          if (isLive(e)) await endEnrolment(tx, e, 'stopped', 'the lead replied: not now', at);
          await moveIfAllowed(tx, fresh, 'nurture', 'system:inbound', 'not now, no date given', at);
          actions.push('stopped', 'nurture');
          await scheduleRecycle(deps, tx, fresh.id, at);
        }
        break;
      }
      case 'not_interested':
        if (isLive(e)) await endEnrolment(tx, e, 'stopped', 'the lead is not interested', at);
        await moveIfAllowed(tx, fresh, 'nurture', 'system:inbound', 'not interested', at);
        actions.push('stopped', 'nurture');
        await scheduleRecycle(deps, tx, fresh.id, at);
        break;
      case 'referral': {
        if (isLive(e)) await endEnrolment(tx, e, 'stopped', 'the lead referred us to someone else', at);
        actions.push('stopped');
        const email = q.referral?.email ? normalizeEmail(q.referral.email) : '';
        if (email && isValidEmail(email) && email !== fresh.email && (await findSuppressions(tx, [email])).size === 0) {
          const [o] = await upsertLeads(
            tx,
            [{ email, emailDomain: emailDomain(email), accountDomain: accountDomainFor(email), fullName: q.referral?.name ?? null, company: fresh.company ?? null }],
            { channel: 'referral', source: 'referral', detail: { referrer: fresh.id } },
            at,
          );
          if (o) {
            await appendAudit(tx, { actor: 'system:inbound', action: 'referral.offer', subjectType: 'lead', subjectId: o.leadId, data: { referrer: fresh.id, created: o.created } }, at);
            actions.push('referral_lead');
          }
        }
        break;
      }
      default:
        // interested, question, objection (and a bounce the engine saw in a person's words): a person takes it from here.
        if (isLive(e)) await endEnrolment(tx, e, 'stopped', `the lead replied (${q.intent})`, at);
        actions.push('stopped');
        if (q.route === 'candidate' || q.mql) {
          const stage = await moveIfAllowed(tx, fresh, 'mql_candidate', 'system:qualify', `score ${Math.round(q.score)}, ${q.intent}`, at);
          await appendAudit(tx, { actor: 'system:qualify', action: 'lead.mql_candidate', subjectType: 'lead', subjectId: fresh.id, data: { score: q.score, intent: q.intent } }, at);
          actions.push('mql_candidate');
          // The SDR desk's card: opened, or refreshed in place when the lead already waits for a decision.
          if (stage === 'mql_candidate') await openCandidate(deps, tx, { leadId: fresh.id, qualification: q });
        }
    }
    return { resumeAt };
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
