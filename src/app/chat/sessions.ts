import { appendAudit } from '../../adapters/db/store/audit.ts';
import {
  appendChatMessage,
  chatMessages,
  getChatSession,
  insertChatSession,
  updateChatSession,
  type ChatMessage,
  type ChatSession,
} from '../../adapters/db/store/chat.ts';
import { insertQualification } from '../../adapters/db/store/conversations.ts';
import { undecidedCandidateOf } from '../../adapters/db/store/candidates.ts';
import { getLeadById, upsertLeads } from '../../adapters/db/store/leads.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import type { Queryable } from '../../adapters/db/db.ts';
import { learnedSomething, mergeBant } from '../../domain/chat/accumulate.ts';
import { decideTurn, greet, isDecline, type BotMessage, type ChatAction, type PolicySettings } from '../../domain/chat/policy.ts';
import { detectLang, readCues, type ChatLang, type VisitorCues } from '../../domain/chat/signals.ts';
import { BatonError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { GroundedAnswer } from '../../domain/kb/types.ts';
import { accountDomainFor, emailDomain, isValidEmail, normalizeEmail } from '../../domain/lead.ts';
import { assembleQualification } from '../../domain/qualify/assemble.ts';
import type { Qualification, QualifyInput } from '../../domain/qualify/types.ts';
import type { Lead } from '../../domain/records.ts';
import { localDate } from '../../domain/sequence/calendar.ts';
import { currentEnrolment, newId, type Enrolment } from '../../adapters/db/store/sequences.ts';
import { actOnQualification, holdForReply, qualifyLeadRecord } from '../outreach/reply.ts';
import type { ChatDeps } from './deps.ts';
import { CHAT_ALERT_TASK, queueMirror } from './tasks.ts';
import { signChatToken, verifyChatToken } from './token.ts';

/** A chat error the HTTP adapter maps to its status: limits, tokens, takeovers. */
export class ChatError extends BatonError {
  readonly retryAfterMs: number | null;
  constructor(code: 'CHAT_RATE_LIMITED' | 'CHAT_CONVERSATION_FULL' | 'CHAT_MESSAGE_TOO_LONG' | 'CHAT_TOKEN_INVALID' | 'CHAT_TAKEN' | 'CHAT_NOT_ALLOWED', message: string, retryAfterMs: number | null = null) {
    super(code, message, { fault: 'user' });
    this.retryAfterMs = retryAfterMs;
  }
}

/** A message as the visitor's widget sees it: nothing internal (no score, no BANT, no slot). */
export interface PublicMessage {
  readonly seq: number;
  readonly from: ChatMessage['from'];
  readonly text: string;
  readonly at: string;
  readonly sources?: readonly { readonly title: string; readonly heading: string }[];
}

export function publicMessage(m: ChatMessage): PublicMessage {
  return {
    seq: m.seq,
    from: m.from,
    text: m.text,
    at: m.at.toISOString(),
    ...(m.sources?.length ? { sources: m.sources.map((s) => ({ title: s.title, heading: s.heading })) } : {}),
  };
}

const PAGE_MAX = 2000;
/** Questions of one message sent to the knowledge base (the rest wait for the next turn). */
const QUESTIONS_PER_TURN = 2;
/** Conversation messages the qualification reads (the whole conversation, up to the message cap). */
const THREAD_MAX = 400;

function policySettings(deps: ChatDeps): PolicySettings {
  return { company: deps.chat.company, schedulingUrl: deps.chat.schedulingUrl, maxQuestions: deps.chat.maxQuestions };
}

/** Control characters out (newlines and tabs kept), surrounding space trimmed. */
function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
}

/** The visitor's token for a session, checked; a ChatError when it does not hold. */
export function checkVisitorToken(deps: ChatDeps, sessionId: string, token: string | null | undefined): void {
  const r = verifyChatToken(deps.chat.secret, sessionId, token, deps.clock.now().getTime());
  if (r.ok) return;
  const why = { missing: 'send the session token as "Authorization: Bearer <token>"', malformed: 'the session token is malformed', expired: 'the session token has expired; start a new chat', forged: 'the session token does not belong to this session' }[r.why];
  throw new ChatError('CHAT_TOKEN_INVALID', why);
}

/** Links the session to the lead with this email (created as a chat lead when new). */
async function linkLead(deps: ChatDeps, tx: Queryable, session: ChatSession, email: string, at: Date): Promise<Lead> {
  const [o] = await upsertLeads(tx, [{ email, emailDomain: emailDomain(email), accountDomain: accountDomainFor(email) }], { channel: 'chat', source: 'website_chat', detail: { session: session.id, ...(session.page ? { page: session.page } : {}) } }, at);
  const lead = o ? await getLeadById(tx, o.leadId) : null;
  if (!lead) throw new Error('lead vanished inside its transaction');
  await updateChatSession(tx, session.id, { leadId: lead.id }, at);
  await appendAudit(tx, { actor: 'system:chat', action: o?.created ? 'lead.created' : 'chat.linked', subjectType: 'lead', subjectId: lead.id, data: { channel: 'chat', session: session.id } }, at);
  return lead;
}

export interface StartInput {
  readonly lang?: unknown;
  readonly email?: unknown;
  readonly page?: unknown;
}

export interface StartedChat {
  readonly session_id: string;
  readonly token: string;
  readonly messages: readonly PublicMessage[];
}

/** Opens a conversation: checks the input, greets, and hands the visitor its token. `client` keys the rate limit. */
export async function startChat(deps: ChatDeps, input: StartInput, client: string): Promise<StartedChat> {
  const fields: Record<string, string[]> = {};
  if (input.lang !== undefined && input.lang !== 'en' && input.lang !== 'zh') fields.lang = ['must be "en" or "zh"'];
  let email: string | null = null;
  if (input.email !== undefined && input.email !== null && input.email !== '') {
    email = typeof input.email === 'string' ? normalizeEmail(input.email) : '';
    if (!isValidEmail(email)) fields.email = ['must be an email address'];
  }
  if (input.page !== undefined && input.page !== null && (typeof input.page !== 'string' || input.page.length > PAGE_MAX)) fields.page = [`must be a string of at most ${PAGE_MAX} characters`];
  if (Object.keys(fields).length) throw new ValidationError(`invalid chat session: ${Object.entries(fields).map(([k, v]) => `${k} ${v.join(', ')}`).join('; ')}`, { fields });
  const now = deps.clock.now();
  const wait = deps.limits.sessions.take(`client:${client}`, now.getTime());
  if (wait !== null) throw new ChatError('CHAT_RATE_LIMITED', `too many chats started from this address; try again in ${Math.ceil(wait / 1000)} s`, wait);
  const lang: ChatLang = input.lang === 'zh' ? 'zh' : 'en';
  const page = typeof input.page === 'string' && input.page.trim() ? input.page.trim() : null;
  const opening = greet(lang, policySettings(deps));
  const id = newId();
  const messages = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    await insertChatSession(tx, { id, conversationId: newId(), leadId: null, lang, page, state: opening.state }, at);
    const session = (await getChatSession(tx, id, { forUpdate: true })) as ChatSession;
    if (email) await linkLead(deps, tx, session, email, at);
    const out: ChatMessage[] = [];
    for (const m of opening.messages) out.push(await appendChatMessage(tx, session, { id: newId(), from: 'bot', text: m.text, kind: m.kind, ...(m.slot ? { slot: m.slot } : {}) }, at));
    await appendAudit(tx, { actor: 'system:chat', action: 'chat.started', subjectType: 'chat', subjectId: id, data: { lang, page } }, at);
    return out;
  });
  return { session_id: id, token: signChatToken(deps.chat.secret, id, now.getTime(), deps.chat.tokenTtlDays), messages: messages.map(publicMessage) };
}

/** Who the lead record says the visitor is, for the qualification. */
function leadRecordOf(lead: Lead | null): QualifyInput['lead'] {
  return { ...(lead ? qualifyLeadRecord(lead) : {}), source: 'website chat' };
}

/** The conversation's qualification after this message: the engine over the whole conversation, merged with what earlier turns established. */
async function qualifyTurn(deps: ChatDeps, session: ChatSession, history: readonly ChatMessage[], text: string, lead: Lead | null, lang: ChatLang): Promise<Qualification> {
  const input: QualifyInput = {
    reply: text,
    thread: history.slice(-THREAD_MAX).map((m) => ({ from: m.from === 'visitor' ? ('lead' as const) : ('us' as const), text: m.text })),
    lead: leadRecordOf(lead),
    date: localDate(deps.clock.now(), deps.settings.senderZone),
    channel: 'chat',
    lang,
  };
  const q = await deps.engine.qualify(input);
  const earlier = session.qualification?.bant ?? null;
  const bant = mergeBant(earlier, q.bant);
  if (bant === q.bant || JSON.stringify(bant) === JSON.stringify(q.bant)) return q;
  return assembleQualification(input, { intent: q.intent, bant, ...(q.referral ? { referral: q.referral } : {}), confidence: q.confidence, flags: q.flags }, q.engine, deps.policy);
}

async function answerQuestions(deps: ChatDeps, questions: readonly string[], lang: ChatLang): Promise<{ question: string; answer: GroundedAnswer }[]> {
  const out: { question: string; answer: GroundedAnswer }[] = [];
  for (const question of questions.slice(0, QUESTIONS_PER_TURN)) {
    const answer: GroundedAnswer = deps.kb ? await deps.kb.answer(question, { lang }) : { kind: 'no_answer', reason: 'empty' };
    out.push({ question, answer });
  }
  return out;
}

/** The lead and its current enrolment, locked, as the reply pipeline wants them. */
async function lockLead(tx: Queryable, leadId: string): Promise<{ lead: Lead; enrolment: Enrolment | null }> {
  const lead = (await getLeadById(tx, leadId, { forUpdate: true })) as Lead;
  return { lead, enrolment: await currentEnrolment(tx, leadId, { forUpdate: true }) };
}

/**
 * A known visitor's message goes through the same reply pipeline as an email answer: it holds their
 * sequence while we read it, then acts on what the conversation means (an MQL opens or refreshes the
 * desk's card while the visitor is still there; an opt-out suppresses). One chat message is a small
 * part of a conversation, so an unsure "not interested" is not acted on as a decline.
 */
async function actOnLead(deps: ChatDeps, tx: Queryable, leadId: string, q: Qualification, text: string, cues: VisitorCues, at: Date): Promise<string[]> {
  const { lead, enrolment } = await lockLead(tx, leadId);
  const unsure = q.intent === 'not_interested' && !isDecline(q.intent, q.confidence, cues);
  const actions: string[] = [];
  await actOnQualification(deps, tx, { lead, enrolment, q: unsure ? { ...q, intent: 'question' } : q, text, sentAt: at, actor: 'system:chat' }, actions);
  return actions;
}

export interface TurnResult {
  /** The bot's answers to this message (empty while a person has the conversation). */
  readonly messages: readonly PublicMessage[];
}

/**
 * One visitor message: checked against the limits, stored, qualified with the whole conversation,
 * then answered by the policy (unless a person has taken the conversation over: then the bot stays
 * quiet). Signals accumulate; a visitor who becomes an MQL candidate and has given an email gets a
 * card on the desk at once; requests for a person are queued to the team.
 */
export async function postVisitorMessage(deps: ChatDeps, sessionId: string, rawText: unknown): Promise<TurnResult> {
  if (typeof rawText !== 'string') throw new ValidationError('text must be a string', { fields: { text: ['must be a string'] } });
  const text = cleanText(rawText);
  if (!text) throw new ValidationError('text is empty', { fields: { text: ['must not be empty'] } });
  if (text.length > deps.chat.maxMessageChars) throw new ChatError('CHAT_MESSAGE_TOO_LONG', `the message is ${text.length} characters; the limit is ${deps.chat.maxMessageChars}`);
  const wait = deps.limits.visitor.take(`session:${sessionId}`, deps.clock.now().getTime());
  if (wait !== null) throw new ChatError('CHAT_RATE_LIMITED', `too many messages; wait ${Math.ceil(wait / 1000)} s before sending another`, wait);
  const cues = readCues(text);

  // 1. Store the visitor's message (and link the lead when the message gives an email).
  const stored = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const session = await getChatSession(tx, sessionId, { forUpdate: true });
    if (!session) throw new NotFoundError('chat session', sessionId);
    if (session.visitorMessages >= deps.chat.maxVisitorMessages) {
      throw new ChatError('CHAT_CONVERSATION_FULL', `this conversation has reached its limit of ${deps.chat.maxVisitorMessages} messages; leave your email and our team will reply, or start a new chat`);
    }
    const lang = detectLang(text, session.lang);
    let leadId = session.leadId;
    let emailJustGiven = false;
    if (cues.email && isValidEmail(cues.email) && !leadId) {
      leadId = (await linkLead(deps, tx, session, cues.email, at)).id;
      emailJustGiven = true;
    }
    const message = await appendChatMessage(tx, session, { id: newId(), from: 'visitor', text }, at);
    if (leadId) {
      // A known visitor wrote: their sequence holds while we read it, as for an emailed answer.
      await holdForReply(deps, tx, { ...(await lockLead(tx, leadId)), at, actor: 'system:chat' }, []);
    }
    await updateChatSession(tx, session.id, { lastVisitorAt: at, ...(lang !== session.lang ? { lang } : {}) }, at);
    await queueMirror(deps, tx, session.id, at);
    return { session: { ...session, leadId, lang }, message, emailJustGiven };
  });
  deps.hub.publish(sessionId, { type: 'message', message: stored.message });

  // 2. Qualify and look up answers, outside any transaction (a model may take seconds).
  const { session } = stored;
  const history = (await chatMessages(deps.db, session.conversationId, 0, THREAD_MAX + 1)).filter((m) => m.seq < stored.message.seq);
  const lead = session.leadId ? await getLeadById(deps.db, session.leadId) : null;
  const q = await qualifyTurn(deps, session, history, text, lead, session.lang);
  const asks = cues.questions.filter((s) => !readCues(s).human && !readCues(s).meeting);
  const answers = session.mode === 'bot' ? await answerQuestions(deps, asks, session.lang) : [];

  // 3. Decide and answer, unless a person took the conversation over in the meantime.
  const replies = await deps.db.transaction(async (tx) => {
    const at = deps.clock.now();
    const current = (await getChatSession(tx, sessionId, { forUpdate: true })) as ChatSession;
    const learned = learnedSomething(current.qualification?.bant ?? null, q.bant);
    await updateChatSession(tx, sessionId, { qualification: q }, at);
    if (current.leadId) {
      await insertQualification(tx, current.leadId, stored.message.id, q, at);
      const acted = await actOnLead(deps, tx, current.leadId, q, text, cues, at);
      if (acted.includes('mql_candidate')) await appendAudit(tx, { actor: 'system:chat', action: 'chat.candidate', subjectType: 'chat', subjectId: sessionId, data: { lead: current.leadId, score: q.score } }, at);
    }
    if (current.mode === 'human') return [] as ChatMessage[];
    const turn = decideTurn(
      current.state,
      { lang: current.lang, bant: q.bant, intent: q.intent, mql: q.mql, emailKnown: current.leadId !== null, emailJustGiven: stored.emailJustGiven, cues, answers, learned, confidence: q.confidence },
      policySettings(deps),
    );
    await updateChatSession(tx, sessionId, { state: turn.state }, at);
    const out: ChatMessage[] = [];
    for (const m of turn.messages) out.push(await appendBot(tx, current, m, at));
    await queueAlerts(tx, sessionId, turn.actions, at);
    if (out.length) await queueMirror(deps, tx, sessionId, at);
    return out;
  });
  for (const m of replies) deps.hub.publish(sessionId, { type: 'message', message: m });
  if (replies.length) deps.wake?.();
  return { messages: replies.map(publicMessage) };
}

function appendBot(tx: Queryable, session: ChatSession, m: BotMessage, at: Date): Promise<ChatMessage> {
  return appendChatMessage(tx, session, { id: newId(), from: 'bot', text: m.text, kind: m.kind, ...(m.slot ? { slot: m.slot } : {}), ...(m.sources ? { sources: m.sources } : {}) }, at);
}

async function queueAlerts(tx: Queryable, sessionId: string, actions: readonly ChatAction[], at: Date): Promise<void> {
  for (const [i, a] of actions.entries()) {
    await addJob(tx, { task: CHAT_ALERT_TASK, payload: { sessionId, reason: a.reason, ...(a.question ? { question: a.question } : {}) }, key: `chat-alert:${sessionId}:${at.getTime()}:${i}` }, at);
    await appendAudit(tx, { actor: 'system:chat', action: `chat.needs_person`, subjectType: 'chat', subjectId: sessionId, data: { reason: a.reason } }, at);
  }
}

/** Messages numbered after `afterSeq`, for a visitor reconnecting (SSE Last-Event-ID). */
export async function visitorMessagesSince(deps: ChatDeps, sessionId: string, afterSeq: number): Promise<PublicMessage[]> {
  const session = await getChatSession(deps.db, sessionId);
  if (!session) throw new NotFoundError('chat session', sessionId);
  return (await chatMessages(deps.db, session.conversationId, afterSeq)).map(publicMessage);
}

/** Who answers the visitor now: the bot, or a person who took the chat over. */
export async function visitorSessionMode(deps: Pick<ChatDeps, 'db'>, sessionId: string): Promise<'bot' | 'human'> {
  return (await getChatSession(deps.db, sessionId))?.mode ?? 'bot';
}

/** The team's view of a chat: transcript (with what the bot asked and cited), the lead, and the accumulated qualification. */
export interface ChatTranscript {
  readonly session_id: string;
  readonly lead_id: string | null;
  /** The lead's undecided candidate card, when the conversation made them one. */
  readonly candidate_id: string | null;
  readonly lang: ChatLang;
  readonly page: string | null;
  readonly mode: 'bot' | 'human';
  readonly taken_by: string | null;
  readonly started_at: string;
  readonly messages: readonly (PublicMessage & { readonly by?: string; readonly kind?: string; readonly slot?: string; readonly sources?: readonly unknown[] })[];
  readonly qualification: Qualification | null;
  readonly asked: readonly string[];
  readonly notified: readonly string[];
}

export async function getTranscript(deps: Pick<ChatDeps, 'db'>, sessionId: string): Promise<ChatTranscript> {
  const session = await getChatSession(deps.db, sessionId);
  if (!session) throw new NotFoundError('chat session', sessionId);
  const messages = await chatMessages(deps.db, session.conversationId, 0, 10_000);
  const candidate = session.leadId ? await undecidedCandidateOf(deps.db, session.leadId) : null;
  return {
    session_id: session.id,
    lead_id: session.leadId,
    candidate_id: candidate?.id ?? null,
    lang: session.lang,
    page: session.page,
    mode: session.mode,
    taken_by: session.takenBy,
    started_at: session.createdAt.toISOString(),
    messages: messages.map((m) => ({ ...publicMessage(m), ...(m.by ? { by: m.by } : {}), ...(m.kind ? { kind: m.kind } : {}), ...(m.slot ? { slot: m.slot } : {}), ...(m.sources ? { sources: m.sources } : {}) })),
    qualification: session.qualification,
    asked: session.state.asked ?? [],
    notified: session.state.notified ?? [],
  };
}
