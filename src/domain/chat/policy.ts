import type { GroundedAnswer, Citation } from '../kb/types.ts';
import type { Bant, Intent } from '../qualify/types.ts';
import { phrasesFor, type PhraseContext, type Slot } from './phrases.ts';
import type { ChatLang, VisitorCues } from './signals.ts';

/**
 * The chat's conversation policy, pure: given what the conversation has established so far and what
 * the visitor just wrote, it decides what the bot says and who must hear about it. It greets, learns
 * the need, then asks for what is still unknown of BANT one question at a time, never a slot already
 * asked or already answered, up to a cap; it answers questions only from the knowledge base (with the
 * source), and offers a person (the team's scheduling link) when the visitor asks for one, for a
 * meeting, or for prices it cannot give.
 */

export const BANT_ORDER = ['need', 'timeline', 'budget', 'authority'] as const satisfies readonly Slot[];

export type NotifyReason = 'human' | 'meeting' | 'pricing' | 'unanswered';

/** What the policy remembers between turns (stored as chat_sessions.state). */
export interface ChatState {
  /** Slots asked so far, in order: none is asked twice. */
  readonly asked: readonly Slot[];
  /** Questions asked so far (the greeting counts as the need question). */
  readonly questions: number;
  /** Reasons the team was already told about (human, meeting and pricing are told once). */
  readonly notified: readonly NotifyReason[];
  /** The bot said it has what it needs: it asks nothing more. */
  readonly wrappedUp: boolean;
  /** The visitor declined or opted out: the bot asks nothing more. */
  readonly ended: boolean;
  /** The bot already invited a visitor who said nothing yet to tell what they need. */
  readonly nudged?: boolean;
}

export const INITIAL_STATE: ChatState = { asked: [], questions: 0, notified: [], wrappedUp: false, ended: false };

export interface BotMessage {
  readonly kind: 'greeting' | 'question' | 'answer' | 'no_answer' | 'offer' | 'wrap_up' | 'ack' | 'prompt' | 'goodbye';
  readonly text: string;
  /** The BANT slot (or email) a question asks for. */
  readonly slot?: Slot;
  /** The knowledge passages an answer rests on. */
  readonly sources?: readonly Citation[];
}

export type ChatAction = { readonly type: 'notify'; readonly reason: NotifyReason; readonly question?: string };

export interface PolicySettings extends PhraseContext {
  /** Most questions the bot asks in one conversation (BANT slots and the email). */
  readonly maxQuestions: number;
}

/** What is known after the visitor's latest message. */
export interface TurnFacts {
  readonly lang: ChatLang;
  /** The BANT accumulated over the whole conversation. */
  readonly bant: Bant;
  /** The intent of the latest message. */
  readonly intent: Intent;
  /** The conversation as a whole makes the visitor an MQL candidate. */
  readonly mql: boolean;
  readonly emailKnown: boolean;
  /** The latest message gave the email. */
  readonly emailJustGiven: boolean;
  readonly cues: VisitorCues;
  /** The knowledge base's answer to each question the message asked, in order. */
  readonly answers: readonly { readonly question: string; readonly answer: GroundedAnswer }[];
  /** The latest message told us something new about BANT. */
  readonly learned: boolean;
  /** How sure the engine is of the intent (0..1); an unsure "not interested" does not end the chat. */
  readonly confidence?: number;
}

/** An engine this sure that the visitor declined ends the questions even without "no thanks". */
const SURE_DECLINE = 0.6;

/**
 * Whether a chat message declines: "not interested" said in so many words, or an engine sure of it.
 * One chat message is a small part of a conversation; an unsure "not interested" is not a decline.
 */
export function isDecline(intent: Intent, confidence: number | undefined, cues: Pick<VisitorCues, 'declined'>): boolean {
  return intent === 'not_interested' && (cues.declined || (confidence ?? 1) >= SURE_DECLINE);
}

export interface Turn {
  readonly messages: readonly BotMessage[];
  readonly state: ChatState;
  readonly actions: readonly ChatAction[];
}

/**
 * The opening message of a conversation: a greeting that invites the visitor to say what brings them.
 * It is an open door, not the need question: a visitor who opens with a question of their own is
 * asked about their need once, later.
 */
export function greet(lang: ChatLang, settings: PhraseContext): Turn {
  const text = phrasesFor(lang).greeting(settings);
  return { messages: [{ kind: 'greeting', text }], state: INITIAL_STATE, actions: [] };
}

/** "Security > Data residency (security.md)" as the reader sees a source. */
export function citationLabel(c: Citation): string {
  return c.heading && c.heading !== c.title ? c.heading : c.title;
}

/** The next slot worth asking: email first when a person must reach the visitor, then unknown BANT in order, then the email. */
export function nextSlot(state: ChatState, facts: Pick<TurnFacts, 'bant' | 'emailKnown' | 'mql'>, personPromised: boolean): Slot | null {
  const open = (s: Slot): boolean => !state.asked.includes(s);
  if (!facts.emailKnown && open('email') && (personPromised || facts.mql)) return 'email';
  for (const s of BANT_ORDER) if (open(s) && facts.bant[s].status === 'unknown') return s;
  if (!facts.emailKnown && open('email')) return 'email';
  return null;
}

/** One turn: the bot's messages after a visitor's message, the policy's new state, and who to tell. */
export function decideTurn(state: ChatState, facts: TurnFacts, settings: PolicySettings): Turn {
  const p = phrasesFor(facts.lang);
  const messages: BotMessage[] = [];
  const actions: ChatAction[] = [];
  let next: ChatState = state;
  const notify = (reason: NotifyReason, question?: string, once = true): void => {
    if (once && next.notified.includes(reason)) return;
    actions.push({ type: 'notify', reason, ...(question ? { question } : {}) });
    if (!next.notified.includes(reason)) next = { ...next, notified: [...next.notified, reason] };
  };
  const ask = (slot: Slot, text: string, kind: BotMessage['kind'] = 'question'): void => {
    messages.push({ kind, text, slot });
    next = { ...next, asked: [...next.asked, slot], questions: next.questions + 1 };
  };

  if (facts.intent === 'unsubscribe') {
    return { messages: [{ kind: 'goodbye', text: p.optedOut }], state: { ...next, ended: true }, actions };
  }
  if (isDecline(facts.intent, facts.confidence, facts.cues) && facts.answers.length === 0) {
    return { messages: [{ kind: 'goodbye', text: p.goodbye }], state: { ...next, ended: true }, actions };
  }
  const cues = facts.cues;
  const saidSomething = facts.learned || facts.answers.length > 0 || cues.human || cues.meeting || cues.pricing || facts.emailJustGiven;
  // A visitor who declined and comes back with something to say is heard again.
  if (state.ended && saidSomething && (facts.intent === 'interested' || facts.intent === 'question')) next = { ...next, ended: false };

  // Questions first, each answered only from the knowledge base, with its source.
  let pricingAnswered = false;
  const unanswered: string[] = [];
  for (const { question, answer } of facts.answers) {
    if (answer.kind === 'answer' && answer.sources.length > 0) {
      const label = [...new Set(answer.sources.map(citationLabel))].join('; ');
      messages.push({ kind: 'answer', text: `${answer.text} ${p.source(label)}`, sources: answer.sources });
      if (/price|pricing|cost|how much|quote|多少钱|价格|报价|费用|收费/i.test(question)) pricingAnswered = true;
    } else {
      unanswered.push(question);
    }
  }
  let personPromised = false;
  const pricingOnly = unanswered.length > 0 && unanswered.every((q) => /price|pricing|cost|how much|quote|多少钱|价格|报价|费用|收费/i.test(q));
  if (unanswered.length > 0 && !(pricingOnly && facts.cues.pricing)) {
    for (const q of unanswered) notify('unanswered', q, false);
    personPromised = true;
    if (!facts.emailKnown && !next.asked.includes('email') && next.questions < settings.maxQuestions) ask('email', p.noAnswerNeedsEmail, 'no_answer');
    else messages.push({ kind: 'no_answer', text: p.noAnswer });
  }

  // A person, a meeting, or prices the knowledge base cannot give: offer the scheduling link and tell the team.
  if (facts.cues.human || facts.cues.meeting) {
    notify(facts.cues.human ? 'human' : 'meeting');
    messages.push({ kind: 'offer', text: p.offerHuman(settings.schedulingUrl) });
    personPromised = true;
  } else if (facts.cues.pricing && (!pricingAnswered || facts.cues.quote)) {
    notify('pricing');
    messages.push({ kind: 'offer', text: p.pricingNeedsPerson(settings.schedulingUrl) });
    personPromised = true;
  }

  const asking = messages.some((m) => m.slot !== undefined);
  if (!saidSomething && !next.ended && !next.nudged && !next.asked.includes('need') && messages.length === 0 && facts.bant.need.status === 'unknown') {
    // "hi": invite them to say what they need, which is the need question (it is not asked again).
    const asked = next.asked.includes('need') ? next.asked : [...next.asked, 'need' as const];
    return { messages: [{ kind: 'prompt', text: p.nudge, slot: 'need' }], state: { ...next, nudged: true, asked, questions: next.questions + (asked === next.asked ? 0 : 1) }, actions };
  }
  if (!next.ended && !next.wrappedUp && !asking) {
    if (facts.mql && facts.emailKnown) {
      // Qualified and reachable: say so once, and stop asking.
      messages.push({ kind: 'wrap_up', text: p.wrapUp(personPromised ? null : settings.schedulingUrl) });
      next = { ...next, wrappedUp: true };
    } else if (next.questions < settings.maxQuestions) {
      const slot = nextSlot(next, facts, personPromised);
      if (slot) {
        const lead = messages.length === 0 && facts.learned ? `${p.ack} ` : '';
        ask(slot, `${lead}${p.ask[slot]}`);
      }
    }
  }

  if (messages.length === 0) {
    messages.push({ kind: next.ended ? 'goodbye' : 'ack', text: facts.emailJustGiven ? p.emailThanks : next.ended ? p.goodbye : p.ack });
  } else if (facts.emailJustGiven) {
    const [first, ...rest] = messages;
    if (first) messages.splice(0, messages.length, { ...first, text: `${p.emailThanks} ${first.text}` }, ...rest);
  }
  return { messages, state: next, actions };
}
