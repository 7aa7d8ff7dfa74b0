import { z } from 'zod';
import type { Queryable } from '../../adapters/db/db.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { undecidedCandidateOf } from '../../adapters/db/store/candidates.ts';
import { insertMessage, latestConversation } from '../../adapters/db/store/conversations.ts';
import { decideDraft, getDraft, insertDraft, type ReplyDraft } from '../../adapters/db/store/drafts.ts';
import { getLeadById } from '../../adapters/db/store/leads.ts';
import { currentEnrolment, newId } from '../../adapters/db/store/sequences.ts';
import { PermanentJobError } from '../../adapters/queue/errors.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { defineTask, type TaskHandlers } from '../../adapters/queue/task.ts';
import { detectLang, readCues } from '../../domain/chat/signals.ts';
import { actorUserId, NotSdrError, userIdOf } from '../../domain/desk/decision.ts';
import { findPerson } from '../../domain/desk/team.ts';
import { BatonError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Citation, KnowledgeBase } from '../../domain/kb/types.ts';
import { leadDisplayName } from '../../domain/lead.ts';
import { mailboxFor } from '../outreach/enrol.ts';
import { replyAddress, unsubscribeAddress, unsubscribeUrl } from '../outreach/compose.ts';
import type { DeskDeps } from './deps.ts';
import { enqueueCard } from './sla.ts';

/**
 * Grounded draft answers to emailed questions. When a lead's reply asks something, the knowledge base
 * answers each question it can (only from retrieved passages, with the sources); the draft is attached
 * to the lead's candidate card, where an SDR sends it (as written or edited) or discards it. Nothing is
 * sent without a person.
 */

export const DRAFT_TASK = 'desk.draft';
export const DRAFT_SEND_TASK = 'desk.draft_send';

export type DraftDeps = DeskDeps & { readonly kb: KnowledgeBase | null };

/** Questions of one reply sent to the knowledge base. */
const MAX_QUESTIONS = 3;
const MAX_DRAFT_CHARS = 8000;

/** Queues a draft for a lead's reply (in the pipeline's transaction). */
export async function queueDraft(tx: Queryable, messageRowId: string, at: Date): Promise<void> {
  await addJob(tx, { task: DRAFT_TASK, payload: { messageRowId }, key: `draft:${messageRowId}` }, at);
}

/**
 * Task desk.draft: reads the reply's questions, answers what the knowledge base can, and stores the
 * draft (null answer when it can answer none: a person writes it). The candidate's card is re-rendered
 * to show it. Returns the draft, or null when the reply asks nothing.
 */
export async function prepareDraft(deps: DraftDeps, messageRowId: string): Promise<ReplyDraft | null> {
  const { rows } = await deps.db.query<{ body_text: string; lead_id: string | null }>(
    `SELECT m.body_text, c.lead_id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = $1 AND m.author = 'lead'`,
    [messageRowId],
  );
  const row = rows[0];
  if (!row?.lead_id) return null;
  const cues = readCues(row.body_text.slice(0, 20_000));
  const questions = cues.questions.filter((q) => !readCues(q).meeting && !readCues(q).human).slice(0, MAX_QUESTIONS);
  if (questions.length === 0) return null;
  const lang = detectLang(row.body_text);
  const parts: string[] = [];
  const sources = new Map<string, Citation>();
  for (const question of questions) {
    const a = deps.kb ? await deps.kb.answer(question, { lang }) : null;
    if (a?.kind !== 'answer') continue;
    parts.push(a.text);
    for (const s of a.sources) sources.set(s.passageId, s);
  }
  const leadId = row.lead_id;
  const id = newId();
  const stored = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const candidate = await undecidedCandidateOf(tx, leadId);
    const added = await insertDraft(tx, { id, leadId, messageId: messageRowId, candidateId: candidate?.id ?? null, question: questions.join('\n'), answer: parts.length ? parts.join('\n\n') : null, sources: [...sources.values()] }, at);
    if (!added) return false;
    await appendAudit(tx, { actor: 'system:kb', action: 'draft.proposed', subjectType: 'lead', subjectId: leadId, data: { draft: id, answered: parts.length, asked: questions.length } }, at);
    if (candidate) await enqueueCard(tx, candidate.id, at);
    return true;
  });
  if (stored) deps.wake?.();
  return stored ? getDraft(deps.db, id) : null;
}

export class DraftDecidedError extends BatonError {
  readonly draft: ReplyDraft;
  constructor(d: ReplyDraft) {
    super('DRAFT_DECIDED', `the draft was already ${d.status} by ${actorUserId(d.decidedBy ?? '') ?? d.decidedBy ?? 'someone'} at ${d.decidedAt?.toISOString() ?? 'an earlier time'}`, { fault: 'user', details: { status: d.status, decidedBy: d.decidedBy } });
    this.draft = d;
  }
}

/** Drafts are sent by a person of the SDR group (an API caller names one; it is not one itself). */
async function checkSdr(deps: DeskDeps, actor: string): Promise<void> {
  if (!(await deps.isSdr(userIdOf(actor)))) throw new NotSdrError(actor);
}

/**
 * An SDR sends the draft, as proposed or with their edit: it is marked sent at once (a second click
 * is told who sent it) and the email goes out through a job, threaded on the lead's reply, exactly once.
 */
export async function sendDraft(deps: DeskDeps, draftId: string, actor: string, editedText?: string): Promise<ReplyDraft> {
  await checkSdr(deps, actor);
  const text = (editedText ?? '').trim();
  if (editedText !== undefined && !text) throw new ValidationError('the edited answer is empty', { fields: { text: ['must not be empty'] } });
  if (text.length > MAX_DRAFT_CHARS) throw new ValidationError(`the answer is ${text.length} characters; the limit is ${MAX_DRAFT_CHARS}`, { fields: { text: [`at most ${MAX_DRAFT_CHARS} characters`] } });
  return deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const d = await getDraft(tx, draftId, { forUpdate: true });
    if (!d) throw new NotFoundError('draft', draftId);
    if (d.status !== 'proposed') throw new DraftDecidedError(d);
    const body = text || d.answer;
    if (!body) throw new ValidationError('this draft has no answer (the knowledge base had none): write one and send it as an edit', { fields: { text: ['required: the draft has no answer'] } });
    await decideDraft(tx, d.id, { status: 'sent', by: actor, sentText: body }, at);
    await addJob(tx, { task: DRAFT_SEND_TASK, payload: { draftId: d.id }, key: `draft-send:${d.id}`, maxAttempts: 8 }, at);
    await appendAudit(tx, { actor, action: 'draft.sent', subjectType: 'lead', subjectId: d.leadId, data: { draft: d.id, edited: Boolean(text) && text !== d.answer } }, at);
    if (d.candidateId) await enqueueCard(tx, d.candidateId, at);
    return (await getDraft(tx, d.id)) as ReplyDraft;
  });
}

export async function discardDraft(deps: DeskDeps, draftId: string, actor: string): Promise<ReplyDraft> {
  await checkSdr(deps, actor);
  return deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const d = await getDraft(tx, draftId, { forUpdate: true });
    if (!d) throw new NotFoundError('draft', draftId);
    if (d.status !== 'proposed') throw new DraftDecidedError(d);
    await decideDraft(tx, d.id, { status: 'discarded', by: actor }, at);
    await appendAudit(tx, { actor, action: 'draft.discarded', subjectType: 'lead', subjectId: d.leadId, data: { draft: d.id } }, at);
    if (d.candidateId) await enqueueCard(tx, d.candidateId, at);
    return (await getDraft(tx, d.id)) as ReplyDraft;
  });
}

const draftMessageId = (draftId: string, domain: string): string => `<draft-${draftId}@${domain}>`;

/** Task desk.draft_send: the sent draft as an email answering the lead's reply, stored in their conversation once. */
async function deliverDraft(deps: DeskDeps, draftId: string): Promise<void> {
  const d = await getDraft(deps.db, draftId);
  if (!d || d.status !== 'sent' || !d.sentText) return;
  const lead = await getLeadById(deps.db, d.leadId);
  if (!lead) throw new PermanentJobError(`lead ${d.leadId} is gone`);
  const e = await currentEnrolment(deps.db, lead.id);
  if (!e) throw new PermanentJobError('the lead has no email thread with us (no enrolment): answer them from your mailbox');
  const mailbox = deps.settings.mailboxes.find((m) => m.address === e.mailbox) ?? mailboxFor(lead.id, deps.settings.mailboxes);
  const domain = mailbox.address.split('@')[1] ?? deps.settings.replyDomain;
  const messageId = draftMessageId(d.id, domain);
  const { rows } = await deps.db.query<{ message_id: string | null; headers: { subject?: string } }>(`SELECT message_id, headers FROM messages WHERE id = $1`, [d.messageId]);
  const theirs = rows[0];
  const subject = theirs?.headers.subject ? (/^re:/i.test(theirs.headers.subject) ? theirs.headers.subject : `Re: ${theirs.headers.subject}`) : 'Re: your question';
  const sdr = findPerson(deps.team, actorUserId(d.decidedBy ?? '') ?? '');
  const first = lead.firstName ?? leadDisplayName(lead)?.split(' ')[0] ?? null;
  const url = unsubscribeUrl(deps.settings, e.replyToken);
  const text = `${first ? `Hi ${first},` : 'Hi,'}\n\n${d.sentText}\n\n${sdr?.name ?? mailbox.name}\n\n--\nNot interested? Unsubscribe with one click: ${url}\n${deps.settings.postalAddress}\n`;
  await deps.mailer.send({
    from: mailbox.name ? `"${mailbox.name.replace(/"/g, '')}" <${mailbox.address}>` : mailbox.address,
    to: lead.email,
    replyTo: replyAddress(deps.settings, e.replyToken),
    subject,
    text,
    messageId,
    ...(theirs?.message_id ? { inReplyTo: theirs.message_id, references: [theirs.message_id] } : {}),
    listUnsubscribe: { url, mailto: unsubscribeAddress(deps.settings, e.replyToken) },
    headers: { 'X-Baton-Draft': d.id },
  });
  await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const conversationId = (await latestConversation(tx, lead.id, 'email')) ?? null;
    if (conversationId) await insertMessage(tx, { id: newId(), conversationId, direction: 'outbound', author: 'sdr', bodyText: d.sentText ?? '', headers: { subject, draft: d.id }, messageId }, at);
    await appendAudit(tx, { actor: d.decidedBy ?? 'system:kb', action: 'draft.emailed', subjectType: 'lead', subjectId: lead.id, data: { draft: d.id } }, at);
  });
}

export function draftTasks(deps: DraftDeps): TaskHandlers {
  return {
    [DRAFT_TASK]: defineTask(z.object({ messageRowId: z.string().uuid() }), async (p) => {
      await prepareDraft(deps, p.messageRowId);
    }),
    [DRAFT_SEND_TASK]: defineTask(z.object({ draftId: z.string().uuid() }), (p) => deliverDraft(deps, p.draftId)),
  };
}
