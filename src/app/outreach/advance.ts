import type { Queryable } from '../../adapters/db/db.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { latestQualification } from '../../adapters/db/store/conversations.ts';
import { getAccountBrief, getLeadById } from '../../adapters/db/store/leads.ts';
import { cancelPendingOutbox, getOutboxByEnrolmentSent, insertOutbox } from '../../adapters/db/store/outbox.ts';
import { getEnrolment, getSequence, newId, updateEnrolment, type Enrolment } from '../../adapters/db/store/sequences.ts';
import { findSuppressions } from '../../adapters/db/store/suppressions.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { cancelJobs } from '../../adapters/queue/jobs-admin.ts';
import { toBatonError } from '../../domain/errors.ts';
import { isContactable } from '../../domain/lifecycle.ts';
import type { Intent } from '../../domain/qualify/types.ts';
import type { Lead } from '../../domain/records.ts';
import { addBusinessDays, nextSendTime } from '../../domain/sequence/calendar.ts';
import { leadZone } from './settings.ts';
import type { SequenceDefinition, SequenceStep } from '../../domain/sequence/definition.ts';
import { planFrom } from '../../domain/sequence/plan.ts';
import { composeStepEmail, newMessageId, templateValues } from './compose.ts';
import { renderTemplate } from '../../domain/sequence/template.ts';
import { personaliseFacts } from '../../domain/sequence/personalise.ts';
import type { OutreachDeps } from './deps.ts';
import { CHAT_SEND_MAX_ATTEMPTS, CHAT_SEND_TASK, chatSendKey, type ChatSendPayload } from '../chat/send.ts';
import type { ChatProviderDeps } from '../chat/provider.ts';
import type { Effect } from '../../domain/sequence/plan.ts';
import { ADVANCE_TASK, advanceKey, mailboxFor, scheduleRecycle } from './enrol.ts';
import { moveIfAllowed } from './stage.ts';

export const SEND_TASK = 'outbox.send';
export const sendKey = (outboxId: string) => `send:${outboxId}`;
/** A transient SMTP failure is tried this many times in all before the step gives up. */
export const SEND_MAX_ATTEMPTS = 8;

const MINUTE = 60_000;

/** Ends an enrolment (stopped or completed) and cancels what it had not sent yet. */
export async function endEnrolment(tx: Queryable, e: Pick<Enrolment, 'id' | 'pendingOutboxId'>, status: 'stopped' | 'completed', reason: string, at: Date): Promise<void> {
  await updateEnrolment(tx, e.id, { status, stopReason: reason, endedAt: at, pendingOutboxId: null, pausedUntil: null }, at);
  await cancelPendingOutbox(tx, { enrolmentId: e.id }, `enrolment ${status}: ${reason}`, at);
  await cancelJobs(tx, { key: advanceKey(e.id) }, at);
}

/** Why a lead may no longer be written to by this enrolment, or null. */
async function exitReason(tx: Queryable, lead: Lead | null, def: SequenceDefinition): Promise<string | null> {
  if (!lead) return 'the lead was erased';
  if ((await findSuppressions(tx, [lead.email])).size > 0) return 'suppressed';
  if (!isContactable(lead.stage)) return `lead is ${lead.stage}`;
  if (def.enrolment.exit_stages.includes(lead.stage)) return `lead reached ${lead.stage}`;
  return null;
}

/**
 * Task sequence.advance: run the enrolment's steps from its cursor until one takes time. An email is
 * written to the outbox (once: its key is the enrolment and its outbox count) and the cursor stays on
 * it until SMTP accepts it; a wait schedules the next advance; the end completes the enrolment.
 */
export async function advanceEnrolment(deps: OutreachDeps & ChatProvidersOption, enrolmentId: string): Promise<void> {
  // A model call never runs inside the transaction: the opener is written first, for the step the
  // enrolment is about to reach, and used only if the transaction reaches that same step.
  const pre = deps.personaliser ? await personalOpener(deps, enrolmentId) : null;
  const woke = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    let e = await getEnrolment(tx, enrolmentId, { forUpdate: true });
    if (!e || e.pendingOutboxId) return false;
    // A pause (out of office, "not now") ends when its day has come.
    if (e.status === 'paused' && e.pausedUntil && e.pausedUntil.getTime() <= at.getTime()) {
      await updateEnrolment(tx, e.id, { status: 'active', pausedUntil: null, pauseReason: null }, at);
      e = { ...e, status: 'active', pausedUntil: null, pauseReason: null };
    }
    if (e.status !== 'active') return false;
    const seq = await getSequence(tx, e.sequenceId, e.sequenceVersion);
    if (!seq) throw new Error(`sequence ${e.sequenceId} v${e.sequenceVersion} is missing`);
    const def = seq.definition;
    const lead = await getLeadById(tx, e.leadId);
    const why = await exitReason(tx, lead, def);
    if (why || !lead) {
      await endEnrolment(tx, e, 'stopped', why ?? 'lead gone', at);
      return false;
    }
    const q = await latestQualification(tx, lead.id);
    const zone = leadZone(lead, deps.settings.senderZone);
    const window = def.sendWindow ?? deps.settings.sendWindow;
    const waitEnd = (s: Extract<SequenceStep, { type: 'wait' }>): Date => {
      if (s.business_days) return addBusinessDays(at, s.business_days, zone, window, lead.country ?? null);
      const minutes = s.minutes ?? (s.hours ? s.hours * 60 : (s.days ?? 1) * 24 * 60);
      return new Date(at.getTime() + minutes * MINUTE);
    };
    let plan = planFrom(def, e.stepIndex, { lastIntent: (e.lastIntent as Intent | null) ?? q?.intent ?? null, score: q?.score ?? null }, waitEnd);
    let cursor = e.stepIndex;
    for (const effect of plan.effects) {
      if (effect.type === 'notify') {
        let message = effect.message;
        try {
          message = renderTemplate({ name: `${def.id}/${effect.stepId}`, subject: '-', body: effect.message }, templateValues(lead, null, mailboxFor(lead.id, deps.settings.mailboxes), def)).text;
        } catch {
          // A field without a fallback is missing: the SDR still gets the note, placeholders and all.
        }
        await appendAudit(tx, { actor: `sequence:${def.id}`, action: 'sequence.notify', subjectType: 'lead', subjectId: lead.id, data: { enrolment: e.id, step: effect.stepId, message } }, at);
        deps.logger.info({ leadId: lead.id, enrolmentId: e.id, step: effect.stepId }, 'sequence asks an SDR to look at a lead');
      } else {
        await queueChatStep(deps, tx, { def, enrolment: e, lead, effect, stepIndex: stepIndexOf(def, effect.stepId, cursor), at });
      }
    }
    // An email whose template needs a field this lead lacks is skipped (and recorded), not sent half-filled.
    for (let guard = 0; guard < def.steps.length + 1 && plan.stop.type === 'email'; guard += 1) {
      const stop = plan.stop;
      const outboxId = newId();
      const mailbox = deps.settings.mailboxes.find((m) => m.address === e.mailbox) ?? mailboxFor(lead.id, deps.settings.mailboxes);
      const thread = stop.step.new_thread ? [] : await getOutboxByEnrolmentSent(tx, e.id);
      let email;
      try {
        const account = await getAccountBrief(tx, lead.accountId);
        email = composeStepEmail({
          def,
          template: stop.step.template,
          lead,
          account,
          mailbox,
          token: e.replyToken,
          messageId: newMessageId(outboxId, mailbox),
          thread: thread.map((t) => t.messageId),
          threadSubject: thread[0]?.subject ?? null,
          settings: deps.settings,
          enrolmentId: e.id,
          opener: stop.step.personalise && pre?.stepIndex === stop.stepIndex ? pre.opener : null,
        });
        if (stop.step.personalise && pre?.stepIndex === stop.stepIndex) {
          await appendAudit(tx, { actor: `sequence:${def.id}`, action: 'sequence.personalised', subjectType: 'lead', subjectId: lead.id, data: { enrolment: e.id, step: stop.step.id, used: Boolean(pre.opener), reason: pre.reason, model: pre.model ?? null } }, at);
        }
      } catch (err) {
        const be = toBatonError(err);
        await appendAudit(tx, { actor: `sequence:${def.id}`, action: 'sequence.step_skipped', subjectType: 'lead', subjectId: lead.id, data: { enrolment: e.id, step: stop.step.id, code: be.code, why: be.message } }, at);
        cursor = stop.stepIndex + 1;
        plan = planFrom(def, cursor, { lastIntent: (e.lastIntent as Intent | null) ?? q?.intent ?? null, score: q?.score ?? null }, waitEnd);
        continue;
      }
      // Immediate means answering the form just sent: the enrolment's first message only. A soft
      // bounce's retry of that step a day later waits for the window like any other email.
      const immediate = stop.step.immediate && e.outboxSeq === 0;
      const notBefore = immediate ? at : nextSendTime(at, zone, window, lead.country ?? null);
      const { row } = await insertOutbox(
        tx,
        { id: outboxId, stepKey: `${e.id}:${e.outboxSeq}`, enrolmentId: e.id, leadId: lead.id, sequenceId: def.id, stepIndex: stop.stepIndex, stepId: stop.step.id, mailbox: mailbox.address, email, immediate, notBefore },
        at,
      );
      await updateEnrolment(tx, e.id, { stepIndex: stop.stepIndex, outboxSeq: e.outboxSeq + 1, pendingOutboxId: row.id }, at);
      await addJob(tx, { task: SEND_TASK, payload: { outboxId: row.id }, key: sendKey(row.id), runAt: row.notBefore, maxAttempts: SEND_MAX_ATTEMPTS, priority: immediate ? 20 : 0 }, at);
      return immediate;
    }
    const stop = plan.stop;
    if (stop.type === 'wait') {
      await updateEnrolment(tx, e.id, { stepIndex: stop.nextIndex }, at);
      await addJob(tx, { task: ADVANCE_TASK, payload: { enrolmentId: e.id }, key: advanceKey(e.id), runAt: stop.until, ifKeyExists: 'replace' }, at);
    } else if (stop.type === 'end') {
      await endEnrolment(tx, e, 'completed', stop.reason === 'end_step' ? 'reached an end step' : 'ran out of steps', at);
      if (stop.moveTo === 'nurture' && (await moveIfAllowed(tx, lead, 'nurture', `sequence:${def.id}`, 'sequence ended', at)) === 'nurture' && def.kind !== 'nurture') {
        await scheduleRecycle(deps, tx, lead.id, at);
      }
      await appendAudit(tx, { actor: `sequence:${def.id}`, action: 'sequence.completed', subjectType: 'lead', subjectId: lead.id, data: { enrolment: e.id } }, at);
    }
    return false;
  });
  if (woke) deps.wake?.();
}

/** The chat providers when the caller has them (the worker's deps); absent: no chat provider is configured. */
export type ChatProvidersOption = Partial<Pick<ChatProviderDeps, 'chatProviders'>>;

function stepIndexOf(def: SequenceDefinition, stepId: string, fallback: number): number {
  const i = def.steps.findIndex((s) => s.id === stepId);
  return i >= 0 ? i : fallback;
}

/**
 * A chat step: its text rendered with the email templates' values, then a chat.send job queued in the
 * advance's own transaction (so it is queued once, with the cursor's move), to run in the lead's send
 * window. Without a provider of the step's name the step is recorded as skipped; a text that needs a
 * field the lead lacks is skipped too, never sent half-filled.
 */
async function queueChatStep(
  deps: OutreachDeps & ChatProvidersOption,
  tx: Queryable,
  c: { def: SequenceDefinition; enrolment: Enrolment; lead: Lead; effect: Extract<Effect, { type: 'chat' }>; stepIndex: number; at: Date },
): Promise<void> {
  const { def, enrolment: e, lead, effect, at } = c;
  const actor = `sequence:${def.id}`;
  const provider = effect.step.provider;
  if (!deps.chatProviders?.[provider]) {
    await appendAudit(tx, { actor, action: 'sequence.chat_skipped', subjectType: 'lead', subjectId: lead.id, data: { enrolment: e.id, step: effect.stepId, why: `no ${provider} chat provider is configured` } }, at);
    return;
  }
  let text: string;
  try {
    const account = await getAccountBrief(tx, lead.accountId);
    text = renderTemplate({ name: `${def.id}/${effect.stepId}`, subject: '-', body: effect.step.text }, templateValues(lead, account, mailboxFor(lead.id, deps.settings.mailboxes), def)).text.trim();
  } catch (err) {
    const be = toBatonError(err);
    await appendAudit(tx, { actor, action: 'sequence.step_skipped', subjectType: 'lead', subjectId: lead.id, data: { enrolment: e.id, step: effect.stepId, code: be.code, why: be.message } }, at);
    return;
  }
  const zone = leadZone(lead, deps.settings.senderZone);
  const runAt = nextSendTime(at, zone, def.sendWindow ?? deps.settings.sendWindow, lead.country ?? null);
  const payload: ChatSendPayload = { enrolmentId: e.id, leadId: lead.id, stepId: effect.stepId, provider, text, messageId: newId() };
  await addJob(tx, { task: CHAT_SEND_TASK, payload, key: chatSendKey(e.id, c.stepIndex), runAt, maxAttempts: CHAT_SEND_MAX_ATTEMPTS }, at);
  await appendAudit(tx, { actor, action: 'sequence.chat_queued', subjectType: 'lead', subjectId: lead.id, data: { enrolment: e.id, step: effect.stepId, provider, message: payload.messageId } }, at);
}

/**
 * For an enrolment whose next stop is an email step with `personalise: true`: the model's checked
 * opener (null when it had nothing grounded to say). Read without locks; the caller re-plans inside
 * its transaction and uses the opener only for the same step.
 */
async function personalOpener(deps: OutreachDeps, enrolmentId: string): Promise<{ stepIndex: number; opener: string | null; reason: string; model?: string } | null> {
  const personaliser = deps.personaliser;
  if (!personaliser) return null;
  const e = await getEnrolment(deps.db, enrolmentId);
  if (!e || e.pendingOutboxId || (e.status !== 'active' && !(e.status === 'paused' && e.pausedUntil && e.pausedUntil.getTime() <= deps.clock.now().getTime()))) return null;
  const seq = await getSequence(deps.db, e.sequenceId, e.sequenceVersion);
  const lead = await getLeadById(deps.db, e.leadId);
  if (!seq || !lead) return null;
  const q = await latestQualification(deps.db, lead.id);
  const plan = planFrom(seq.definition, e.stepIndex, { lastIntent: (e.lastIntent as Intent | null) ?? q?.intent ?? null, score: q?.score ?? null }, () => deps.clock.now());
  if (plan.stop.type !== 'email' || !plan.stop.step.personalise) return null;
  const t = seq.definition.templates[plan.stop.step.template];
  if (!t) return null;
  const account = await getAccountBrief(deps.db, lead.accountId);
  const values = templateValues(lead, account, mailboxFor(lead.id, deps.settings.mailboxes), seq.definition);
  let text: string;
  try {
    text = renderTemplate(t, values).text;
  } catch {
    return null;
  }
  const r = await personaliser.personalise({ template: { name: t.name, subject: t.subject, body: text }, facts: personaliseFacts(values), lang: /[\u4e00-\u9fff]/.test(text) ? 'zh' : 'en' });
  return { stepIndex: plan.stop.stepIndex, opener: r.opener, reason: r.reason, ...(r.model ? { model: r.model } : {}) };
}
