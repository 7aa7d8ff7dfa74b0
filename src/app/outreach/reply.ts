import type { Queryable } from '../../adapters/db/db.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { upsertLeads } from '../../adapters/db/store/leads.ts';
import { cancelPendingOutbox } from '../../adapters/db/store/outbox.ts';
import { updateEnrolment, type Enrolment } from '../../adapters/db/store/sequences.ts';
import { addSuppression, findSuppressions } from '../../adapters/db/store/suppressions.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { cancelJobs } from '../../adapters/queue/jobs-admin.ts';
import { accountDomainFor, emailDomain, isValidEmail, leadDisplayName, normalizeEmail } from '../../domain/lead.ts';
import type { Qualification, QualifyInput } from '../../domain/qualify/types.ts';
import type { Lead } from '../../domain/records.ts';
import { nextSendTime, startOfLocalDate } from '../../domain/sequence/calendar.ts';
import { askedResumeDate } from '../../domain/sequence/resume.ts';
import { openCandidate } from '../desk/candidates.ts';
import { MANUAL_PAUSE } from '../desk/lookup.ts';
import { endEnrolment } from './advance.ts';
import type { OutreachDeps } from './deps.ts';
import { ADVANCE_TASK, advanceKey, scheduleRecycle } from './enrol.ts';
import { leadZone } from './settings.ts';
import { moveIfAllowed } from './stage.ts';

/**
 * What Baton does when a person answers, whatever the channel (email, the website chat, a chat
 * gateway): the reply holds the sequence at once (phase 1), the words are qualified outside any
 * transaction (phase 2, the caller's), and the qualification decides what follows (phase 3). Each
 * function runs in the caller's transaction and appends what it did to `actions`.
 */

const DAY = 86_400_000;

/** An enrolment that may still write to its lead. */
export const isLive = (e: Enrolment | null): e is Enrolment => e !== null && (e.status === 'active' || e.status === 'paused');

/** Paused by a person (`/baton pause`, the console): automatic pauses and resumes leave it alone. */
export function manuallyPaused(e: Pick<Enrolment, 'status' | 'pauseReason'>): boolean {
  return e.status === 'paused' && (e.pauseReason ?? '').startsWith(MANUAL_PAUSE);
}

/** When a pause ends: a calendar day the person named (in their own zone), or an instant. */
export type PauseEnd = { readonly day: string } | { readonly at: Date };

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

/**
 * Pauses an enrolment until a day (the recipient's send window that day), cancelling its unsent email.
 * A named day starts at the recipient's local midnight: "back on the 20th" written in Honolulu must
 * not resume on the 19th at 14:00 there, as 00:00 UTC would. With `keepLaterWait` an absence never
 * speeds the sequence up: a wait already queued past the return keeps its own end.
 */
export async function pauseUntil(
  deps: Pick<OutreachDeps, 'settings'>,
  tx: Queryable,
  e: Enrolment,
  lead: Lead,
  end: PauseEnd,
  reason: string,
  at: Date,
  options: { keepLaterWait?: boolean } = {},
): Promise<Date> {
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

/** The lead as the qualification engine reads it (no phone, no internal fields). */
export function qualifyLeadRecord(lead: Lead): QualifyInput['lead'] {
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

/** A person wrote, on any channel. */
export interface HeldReply {
  readonly lead: Lead;
  /** The enrolment the reply answers, locked by the caller (FOR UPDATE); null: none. */
  readonly enrolment: Enrolment | null;
  readonly at: Date;
  /** Who moves the lead to engaged (the stage history's actor); default 'system:inbound'. */
  readonly actor?: string;
}

/**
 * Phase 1 of a person's reply: no further step may go out while we read what they said. A live
 * enrolment is paused without an end (its unsent email cancelled, its next advance dropped); the
 * lead becomes engaged when the lifecycle allows it.
 */
export async function holdForReply(_deps: Pick<OutreachDeps, 'clock'>, tx: Queryable, r: HeldReply, actions: string[]): Promise<void> {
  const e = r.enrolment;
  if (isLive(e)) {
    if (e.pendingOutboxId) await cancelPendingOutbox(tx, { id: e.pendingOutboxId }, 'the lead replied', r.at);
    await updateEnrolment(tx, e.id, { status: 'paused', pausedUntil: null, pauseReason: 'the lead replied', pendingOutboxId: null }, r.at);
    await cancelJobs(tx, { key: advanceKey(e.id) }, r.at);
    actions.push('held');
  }
  await moveIfAllowed(tx, r.lead, 'engaged', r.actor ?? 'system:inbound', 'the lead replied', r.at);
}

/** A reply and what the engine made of it. */
export interface QualifiedReply {
  /** The lead, locked by the caller (FOR UPDATE) and read inside the transaction. */
  readonly lead: Lead;
  /** The enrolment the reply answers, locked by the caller; null: none. */
  readonly enrolment: Enrolment | null;
  readonly q: Qualification;
  /** What the person wrote (the visible text), read for a date they asked us to come back on. */
  readonly text: string;
  /** When they wrote it: "next month" is counted from here. */
  readonly sentAt: Date;
  /** An out-of-office's stated return day (YYYY-MM-DD), when the message said one. */
  readonly returnDate?: string | null;
  /** Actor of stage moves and audit rows; default 'system:inbound' (candidates: 'system:qualify'). */
  readonly actor?: string;
}

/**
 * Phase 3 of a person's reply: act on what it means. An opt-out suppresses; "not now" pauses until
 * the day they named (or nurtures when they named none); "not interested" nurtures; a referral stops
 * and offers the person named as a new lead; anything else stops the sequence for a person to take
 * over, and an MQL answer opens (or refreshes) the SDR desk's candidate. Records the intent on the
 * enrolment. The caller has stored the qualification itself.
 */
export async function actOnQualification(deps: OutreachDeps, tx: Queryable, r: QualifiedReply, actions: string[]): Promise<{ resumeAt?: string }> {
  const at = deps.clock.now();
  const { lead: fresh, enrolment: e, q } = r;
  const actor = r.actor ?? 'system:inbound';
  if (e) await updateEnrolment(tx, e.id, { lastIntent: q.intent }, at);
  let resumeAt: string | undefined;
  switch (q.intent) {
    case 'unsubscribe':
      await optOut(tx, fresh, fresh.email, 'unsubscribed', 'lead:reply', at);
      actions.push('suppressed');
      break;
    case 'out_of_office':
    case 'not_now': {
      const day = q.intent === 'out_of_office' ? (r.returnDate ?? null) : askedResumeDate(r.text, r.sentAt);
      const fallback = q.intent === 'not_now' && q.bant.timeline.within_days ? new Date(at.getTime() + Math.max(7, q.bant.timeline.within_days) * DAY) : null;
      const later = fallback ?? (q.intent === 'out_of_office' ? new Date(at.getTime() + deps.settings.autoReplyPauseDays * DAY) : null);
      const when: PauseEnd | null = day ? { day } : later ? { at: later } : null;
      if (isLive(e) && when) {
        resumeAt = (await pauseUntil(deps, tx, e, fresh, when, q.intent === 'not_now' ? 'the lead asked to be contacted later' : 'out of office', at)).toISOString();
        actions.push('paused');
      } else {
        if (isLive(e)) await endEnrolment(tx, e, 'stopped', 'the lead replied: not now', at);
        await moveIfAllowed(tx, fresh, 'nurture', actor, 'not now, no date given', at);
        actions.push('stopped', 'nurture');
        await scheduleRecycle(deps, tx, fresh.id, at);
      }
      break;
    }
    case 'not_interested':
      if (isLive(e)) await endEnrolment(tx, e, 'stopped', 'the lead is not interested', at);
      await moveIfAllowed(tx, fresh, 'nurture', actor, 'not interested', at);
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
          await appendAudit(tx, { actor, action: 'referral.offer', subjectType: 'lead', subjectId: o.leadId, data: { referrer: fresh.id, created: o.created } }, at);
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
  return resumeAt ? { resumeAt } : {};
}
