import type { Intent } from '../types.ts';
import type { Sentence } from '../text.ts';
import { isOutOfOffice } from './auto-reply.ts';
import { isBounce } from './bounce.ts';
import { ACK_ONLY, criticisesOffer, DECLINE, INTEREST, NOT_NOW, PUSHBACK_ANYWHERE, PUSHBACK_SHAPE, PUSHBACK_STATEMENT, QUESTION, VENDOR_REF } from './intent-lexicon.ts';
import type { ReferralFinding } from './referral.ts';

export interface IntentDecision {
  readonly intent: Intent;
  /** 0..1; low when no phrase family decided and a fallback was used. */
  readonly confidence: number;
  /** Which rule decided, for flags and debugging. */
  readonly rule: string;
}

export interface IntentInput {
  /** The raw reply, for delivery notices whose useful part looks like quoted text. */
  readonly raw: string;
  /** The lead's own words and signature of this message, for auto-replies. */
  readonly ownText: string;
  /** Sentences of this reply only (not the thread), injections removed. */
  readonly sentences: readonly Sentence[];
  readonly optOut: Sentence | null;
  readonly referral: ReferralFinding | null;
  /** Whether the lead stated budget, need or timeline: a plain statement of those reads as interest. */
  readonly hasPositiveBant: boolean;
  /** Whether the lead stated a budget or a purchase horizon in this reply: they intend to buy. */
  readonly hasCommitment: boolean;
  /** A website chat, where a question that names the visitor's own constraint is still a question. */
  readonly chat?: boolean;
}

// Remove negated interest ("not interested", "don't want to") so the interest families do not fire on it.
const NEGATED_INTEREST =
  /\b(?:not|n't|never|no longer|nor)\s+(?:\w+\s+){0,2}?(?:interested|keen|intrigued|want|like|looking|need|ready)\b[^.,;]*|\bno interest\b|\buninterested\b|不感兴趣|没(?:有)?兴趣|不想|不要/g;

function count(sentences: readonly Sentence[], patterns: readonly RegExp[], clean = false): Sentence[] {
  return sentences.filter((s) => {
    const text = clean ? s.norm.replace(NEGATED_INTEREST, ' ') : s.norm;
    return patterns.some((p) => p.test(text));
  });
}

// Yes/no capability questions ("do you offer a free trial?") mention trials and demos without asking for one.
const CAPABILITY_QUESTION =
  /^(?:and |also |so |hi,? |hey,? )?(?:does|do you (?:offer|have|provide|support|include|do)|is there|are there|can (?:it|your|the|this)|does it|is it|are you)\b|请问|想问|多久|多少|是否|有没有|是不是/;
// Interest family 5 is bare nouns (demo, trial, pilot): alone it needs support from the context.
const WEAK_INTEREST_INDEX = 5;

/** The folded sentence with capitalised words inside it blanked: "Pallet Pilot" is a product, not a pilot. */
function withoutProperNouns(s: Sentence): string {
  return s.norm.replace(/\S+/g, (w: string, i: number) => {
      const orig = s.text.slice(i, i + w.length);
      const before = s.text.slice(0, i).trimEnd();
      const sentenceStart = before === '' || /[.!?:]$/.test(before);
      return !sentenceStart && /^[A-Z][a-z]/.test(orig) ? ' '.repeat(w.length) : w;
    });
}

function interestSentences(sentences: readonly Sentence[]): { strong: Sentence[]; weak: Sentence[] } {
  const strong: Sentence[] = [];
  const weak: Sentence[] = [];
  for (const s of sentences) {
    const text = s.norm.replace(NEGATED_INTEREST, ' ');
    const hits = INTEREST.map((p, i) => (p.test(i === WEAK_INTEREST_INDEX ? withoutProperNouns(s).replace(NEGATED_INTEREST, ' ') : text) ? i : -1)).filter((i) => i >= 0);
    if (hits.length === 0) continue;
    const onlyWeak = hits.every((i) => i === WEAK_INTEREST_INDEX);
    if (!onlyWeak) strong.push(s);
    else if (!(s.isQuestion && CAPABILITY_QUESTION.test(s.norm))) weak.push(s);
  }
  return { strong, weak };
}

const NEGATIVE_POLARITY = /\b(?:not|no|never|can't|cannot|won't|don't|doesn't|isn't|aren't|wasn't|without|too)\b|不|没|无法|太/;
const CONTRAST = /\b(?:but|however|though|although|unfortunately|honestly|frankly)\b|但|不过|可是/;

// Complaints about the tool they are leaving are not pushback on us.
const INCUMBENT = /\b(?:replace|replacing|switch(?:ing)? (?:away )?from|moving off|migrat\w+ (?:away )?from|our current|currently using|existing|which has (?:become|gotten)|has become|has gotten|our old|legacy)\b|现在用的|目前用的|原来的|之前的系统|老系统/;

function pushbackSentences(sentences: readonly Sentence[]): Sentence[] {
  return sentences.filter((s) => {
    const incumbent = INCUMBENT.test(s.norm);
    const anywhere = PUSHBACK_ANYWHERE.some((p, i) => (i === 0 && incumbent ? false : p.test(s.norm)));
    return anywhere || PUSHBACK_SHAPE.some((p) => p.test(s.norm)) || criticisesOffer(s.norm) || (!s.isQuestion && PUSHBACK_STATEMENT.some((p) => p.test(s.norm)));
  });
}

/**
 * Decide the intent. Automatic messages first (bounce, absence), then explicit requests (opt-out,
 * referral), then timing, declines, pushback, interest and questions, in that order of precedence.
 */
export function classifyIntent(input: IntentInput): IntentDecision {
  if (isBounce(input.raw)) return { intent: 'bounce', confidence: 0.95, rule: 'bounce' };
  if (isOutOfOffice(input.ownText)) return { intent: 'out_of_office', confidence: 0.9, rule: 'auto_reply' };
  if (input.optOut) return { intent: 'unsubscribe', confidence: 0.9, rule: 'opt_out' };

  const s = input.sentences;
  // A reply that is only a thumbs-up has no words for the families below.
  if (s.length === 0 && /^\s*(?:👍|👌|✅|🙏|👏)+\s*$/u.test(input.ownText)) return { intent: 'interested', confidence: 0.5, rule: 'emoji' };
  const interest = interestSentences(s);
  const notNow = count(s, NOT_NOW);
  const decline = count(s, DECLINE);
  const push = pushbackSentences(s);
  const questions = s.filter((x) => x.isQuestion || QUESTION.some((p) => p.test(x.norm)));

  if (input.referral?.strong) return { intent: 'referral', confidence: 0.85, rule: 'referral' };
  if (input.referral && interest.strong.length === 0 && notNow.length === 0 && decline.length === 0) {
    return { intent: 'referral', confidence: 0.6, rule: 'referral_copy' };
  }
  if (notNow.length > 0) return { intent: 'not_now', confidence: 0.8, rule: 'not_now' };
  if (decline.length > 0) {
    const staysOpen = questions.length > 0 || s.some((x) => /\bunless\b|\bif you (?:can|could)\b|\bonly if\b|除非|如果(?:你们)?能/.test(x.norm));
    if (push.length > 0 && staysOpen) return { intent: 'objection', confidence: 0.65, rule: 'decline_with_pushback' };
    return { intent: 'not_interested', confidence: 0.8, rule: 'decline' };
  }
  // In a chat, "depends on cost tbh, what's the price?" or "有没有私有化部署？数据不能出内网" asks while naming the
  // visitor's own limit; only price or challenge wording and criticism of the offer push back there.
  if (push.length > 0 && input.chat && questions.length > 0 && push.every((p) => !PUSHBACK_ANYWHERE.some((r) => r.test(p.norm)) && !criticisesOffer(p.norm))) {
    return { intent: 'question', confidence: 0.6, rule: 'chat_constraint_question' };
  }
  if (push.length > 0) return { intent: 'objection', confidence: 0.7, rule: 'pushback' };
  if (interest.strong.length > 0) return { intent: 'interested', confidence: 0.8, rule: 'interest' };
  // A question from someone who has already said what they will spend or when they will buy is a buyer's question.
  if (questions.length > 0 && input.hasCommitment && push.length === 0) return { intent: 'interested', confidence: 0.6, rule: 'question_with_commitment' };
  if (questions.length > 0) {
    return interest.weak.length > 0 && questions.every((q) => !interest.weak.includes(q))
      ? { intent: 'interested', confidence: 0.55, rule: 'interest_weak' }
      : { intent: 'question', confidence: 0.75, rule: 'question' };
  }
  if (interest.weak.length > 0) return { intent: 'interested', confidence: 0.6, rule: 'interest_weak' };
  if (s.length > 0 && s.every((x) => ACK_ONLY.test(x.norm))) return { intent: 'question', confidence: 0.3, rule: 'ack' };
  if (input.hasPositiveBant) return { intent: 'interested', confidence: 0.45, rule: 'bant_fallback' };
  // Nothing decided and nothing asked: a reply that only states a limit or a refusal is pushing back
  // (or declining, when it is short and says nothing about the offer); a question it is not.
  const negative = s.filter((x) => NEGATIVE_POLARITY.test(x.norm));
  if (negative.length > 0) {
    const aboutOffer = negative.some((x) => VENDOR_REF.test(x.norm) || CONTRAST.test(x.norm));
    return aboutOffer || negative.length > 1
      ? { intent: 'objection', confidence: 0.35, rule: 'negative_fallback' }
      : { intent: 'not_interested', confidence: 0.35, rule: 'negative_fallback' };
  }
  return { intent: 'question', confidence: 0.3, rule: 'fallback' };
}
