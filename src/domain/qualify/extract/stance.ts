import type { Intent } from '../types.ts';
import type { IntentDecision } from './intent.ts';
import type { QuestionTopic } from './question-topic.ts';

/**
 * Chat replies are often bare answers to our last question ("jan", "not sure yet", "yes"). Such a reply
 * keeps the stance the visitor took earlier in the conversation: a visitor who asked for a demo and
 * then answers "not sure yet" to our budget question is still interested.
 */

/** Rules that decide only because nothing else did: a fallback, a polarity guess, BANT read as interest. */
const WEAK_RULES = new Set(['fallback', 'ack', 'negative_fallback', 'emoji', 'bant_fallback']);

export function isWeakRule(rule: string): boolean {
  return WEAK_RULES.has(rule.replace(/^model_over_/, ''));
}

// A bare yes carries the stance only when our question offered a next step (then it accepts the offer).
const BARE_YES = /^(?:yes|yep|yeah|yup|ya|yea|sure|correct|right|ok|okay|indeed|we are|i am|we do|i do|是的|是|对|对的|嗯|好的|有|有的)[\s!.。！~👍]*$/u;

const BARE_NO = /^(?:no|nope|nah|not really|not yet|none|没有|没|还没|还没有|暂时没有)[\s!.。！~]*$/u;
const BANT_TOPICS: ReadonlySet<QuestionTopic> = new Set(['budget', 'authority', 'timeline']);

/** One earlier visitor message, its decision by the rules, and the topic of our question it answered. */
export interface EarlierMessage {
  readonly decision: IntentDecision;
  readonly answers: QuestionTopic | null;
  readonly text: string;
}

const STANCES: ReadonlySet<Intent> = new Set(['interested', 'question', 'objection']);
const KEPT: ReadonlySet<Intent> = new Set(['not_now', 'referral', 'unsubscribe', 'out_of_office', 'bounce']);

/**
 * The visitor's stance before this reply: the newest earlier message that took one by itself. A bare
 * answer to our BANT question (BANT read as interest, a bare yes) takes none.
 */
export function conversationStance(earlier: readonly EarlierMessage[]): Intent | null {
  for (const m of earlier) {
    if (BARE_YES.test(m.text.trim()) && m.answers !== 'offer') continue;
    const base = m.decision.rule.replace(/^model_over_/, '');
    if (base === 'bant_fallback' && (m.answers === 'budget' || m.answers === 'authority' || m.answers === 'timeline')) continue;
    if (base !== 'bant_fallback' && isWeakRule(m.decision.rule)) continue;
    if (STANCES.has(m.decision.intent)) return m.decision.intent;
    return null;
  }
  return null;
}

/**
 * Keep the conversation's stance when the reply decides nothing by itself: a weak rule decided it, or it
 * is a bare yes to a question that offered nothing.
 */
export function withStance(reply: IntentDecision, replyText: string, answers: QuestionTopic | null, stance: Intent | null): IntentDecision {
  if (!stance || !answers) return reply;
  const bareYes = BARE_YES.test(replyText.trim()) && answers !== 'offer';
  // "nope" to "is there a budget?" answers the question; it does not decline the conversation.
  const bareNo = BARE_NO.test(replyText.trim()) && BANT_TOPICS.has(answers);
  if (!bareYes && !bareNo && !isWeakRule(reply.rule)) return reply;
  // The learned model reading a deferral, a referral or an opt-out in a terse reply is information, not a guess.
  if (KEPT.has(reply.intent)) return reply;
  if (reply.intent === stance) return reply;
  return { intent: stance, confidence: 0.55, rule: `stance_over_${reply.rule}` };
}
