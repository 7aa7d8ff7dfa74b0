import { ValidationError } from '../errors.ts';
import { extractAuthority } from './extract/authority.ts';
import { extractBudget } from './extract/budget.ts';
import { parseIsoDate } from './extract/calendar.ts';
import { classifyIntent } from './extract/intent.ts';
import { extractNeed, situationAsNeed } from './extract/need.ts';
import { findReferral } from './extract/referral.ts';
import { extractTimeline } from './extract/timeline.ts';
import type { MoneyContext } from './extract/money.ts';
import { topicOfQuestion, type QuestionTopic } from './extract/question-topic.ts';
import { conversationStance, withStance } from './extract/stance.ts';
import { findOptOut } from './extract/unsubscribe.ts';
import { stripInjections } from './injection.ts';
import { assembleQualification } from './assemble.ts';
import { combineIntent, modelMayDecide } from './model/ensemble.ts';
import { scoreIntent, type IntentWeights } from './model/intent-model.ts';
import { SHIPPED_INTENT_WEIGHTS } from './model/load.ts';
import { separateOwnWords } from './own-words.ts';
import { DEFAULT_SCORING_POLICY, type ScoringPolicy } from './policy.ts';
import { looksChinese, makeSentences, type Sentence } from './text.ts';
import { QualifyInput, type Bant, type Intent, type ThreadMessage, type Qualification, type QualificationEngine } from './types.ts';

/** Bumped whenever a rule changes, so stored qualifications say which rules produced them. */
export const OFFLINE_ENGINE_VERSION = '0.3.0';

const UNKNOWN_BANT: Bant = {
  budget: { status: 'unknown' },
  authority: { status: 'unknown' },
  need: { status: 'unknown' },
  timeline: { status: 'unknown' },
};

/** An earlier message of the visitor, with the topic of our question it answered. */
interface EarlierLeadMessage {
  readonly text: string;
  readonly sentences: Sentence[];
  readonly answers: QuestionTopic | null;
}

interface Analysis {
  readonly replySentences: Sentence[];
  /** The topic of our question the reply answers (our newest message, when the thread ends on it). */
  readonly replyAnswers: QuestionTopic | null;
  /** The visitor's earlier messages, newest first. */
  readonly earlier: EarlierLeadMessage[];
  readonly allSentences: Sentence[];
  readonly ownText: string;
  readonly signature: string;
  readonly injected: boolean;
}

/**
 * For each thread message, the topic of our question it answers: the last question among our messages
 * just before it (the bot may follow its question with a source line or split a turn into messages).
 */
function answeredTopics(thread: readonly ThreadMessage[]): (QuestionTopic | null)[] {
  let asked: QuestionTopic | null = null;
  return thread.map((m) => {
    if (m.from === 'us') {
      asked = topicOfQuestion(m.text) ?? asked;
      return null;
    }
    const topic = asked;
    asked = null;
    return topic;
  });
}

function analyse(input: QualifyInput): Analysis {
  const own = separateOwnWords(input.reply, input.lead?.name);
  const body = stripInjections(own.body);
  const thread = input.thread ?? [];
  // The reply answers our newest question when the thread ends on our messages (a chat always does).
  const topics = answeredTopics([...thread, { from: 'lead', text: '' }]);
  const replyAnswers = topics.pop() ?? null;
  const replySentences = makeSentences(body.cleaned, 'reply', 0, replyAnswers);
  const signatureSentences = makeSentences(own.signature, 'signature', replySentences.length);
  let order = replySentences.length + signatureSentences.length;
  const threadSentences: Sentence[] = [];
  const earlier: EarlierLeadMessage[] = [];
  let injected = body.spans.length > 0;
  // Newest lead message first: a later statement outranks an earlier one.
  for (let i = thread.length - 1; i >= 0; i--) {
    const msg = thread[i];
    if (msg?.from !== 'lead') continue;
    const t = separateOwnWords(msg.text, input.lead?.name);
    const clean = stripInjections(t.body);
    injected ||= clean.spans.length > 0;
    const ss = makeSentences(clean.cleaned, 'thread', order, topics[i]);
    order += ss.length;
    threadSentences.push(...ss);
    earlier.push({ text: clean.cleaned, sentences: ss, answers: topics[i] ?? null });
  }
  return {
    replySentences,
    replyAnswers,
    earlier,
    allSentences: [...replySentences, ...signatureSentences, ...threadSentences],
    ownText: own.signature ? `${own.body}\n${own.signature}` : own.body,
    signature: own.signature,
    injected,
  };
}

/** The last lines of a text, where an automatic reply that has no marked signature puts name and title. */
function tailLines(text: string): string {
  return text.split('\n').slice(-3).join('\n');
}

/** What the learned intent model reads: the sentences of this reply, without quotes, signature or injections. */
export function intentModelText(sentences: readonly Sentence[]): string {
  return sentences.map((s) => s.text).join('\n');
}

/** The reply text the intent model would read for an input (for the training script). */
export function modelTextOf(input: QualifyInput): string {
  return intentModelText(analyse(input).replySentences);
}

/**
 * The offline qualification, synchronous and pure: same input, same output. `intentModel` is the
 * learned intent model consulted where the phrase rules are unsure; null gives the rules alone.
 */
export function qualifyOffline(
  raw: QualifyInput,
  policy: ScoringPolicy = DEFAULT_SCORING_POLICY,
  intentModel: IntentWeights | null = SHIPPED_INTENT_WEIGHTS,
): Qualification {
  const parsed = QualifyInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(`invalid qualification input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const input = parsed.data;
  const lang = input.lang ?? (looksChinese(input.reply) ? 'zh' : 'en');
  const ref = parseIsoDate(input.date);
  const a = analyse(input);
  const flags: string[] = [];
  if (a.injected) flags.push('prompt_injection');

  const ctx = { lang, country: input.lead?.country } as const;
  const budget = extractBudget(a.allSentences, ctx);
  const need = extractNeed(a.allSentences);
  const timeline = extractTimeline(a.allSentences, ref);
  const referral = findReferral(a.replySentences, input.lead);
  const ruleDecision = classifyIntent({
    raw: input.reply,
    ownText: a.ownText,
    sentences: a.replySentences,
    optOut: findOptOut(a.replySentences),
    referral,
    hasPositiveBant: [budget, need, timeline].some((c) => c.status === 'met'),
    hasCommitment: [budget, timeline].some((c) => c.status === 'met' && a.replySentences.some((s) => s.text === c.evidence)),
    chat: input.channel === 'chat',
  });
  const combined = intentModel && modelMayDecide(ruleDecision) ? combineIntent(ruleDecision, scoreIntent(intentModel, intentModelText(a.replySentences))) : ruleDecision;
  // A bare answer to our question keeps the stance the visitor took earlier in the conversation.
  const stance = a.replyAnswers ? stanceOf(a.earlier, ref, ctx) : null;
  const decision = a.replyAnswers ? withStance(combined, intentModelText(a.replySentences), a.replyAnswers, stance) : combined;
  let intent = decision.intent;
  let rule = decision.rule;

  let bant: Bant;
  if (intent === 'bounce') {
    bant = UNKNOWN_BANT;
  } else if (intent === 'out_of_office') {
    // An absence notice says nothing about buying; the record's title, or the title under the
    // notice's sign-off, still says who the writer is.
    bant = { ...UNKNOWN_BANT, authority: extractAuthority([], input.lead, a.signature || tailLines(a.ownText)) };
  } else if (intent === 'unsubscribe') {
    // An opt-out says nothing about buying, but "I'm not the decision maker, stop emailing" or "I have
    // left the company" still speaks to authority, and "不需要，别再发了" says there is no need.
    const noNeed = extractNeed(a.replySentences);
    bant = {
      ...UNKNOWN_BANT,
      authority: extractAuthority(a.replySentences, input.lead, a.signature),
      ...(noNeed.status === 'not_met' ? { need: noNeed } : {}),
    };
  } else {
    let authority = extractAuthority(a.allSentences, input.lead, a.signature);
    if (intent === 'referral' && referral?.deniesAuthority && authority.status !== 'not_met') {
      // Pointing us to someone else as the right contact says the writer is not the one who decides.
      authority = { evidence: referral.sentence.text, status: 'not_met' };
    }
    const needOrSituation = intent === 'interested' && need.status === 'unknown' ? (situationAsNeed(a.allSentences) ?? need) : need;
    bant = { budget, authority, need: needOrSituation, timeline };
    // "Sometime next yr" under our timeline question: the timing is wrong, the door is not closed.
    if ((intent === 'not_interested' || intent === 'question') && a.replyAnswers === 'timeline' && timeline.status === 'not_met' && a.replySentences.some((s) => s.text === timeline.evidence)) {
      intent = 'not_now';
      rule = `distant_horizon_over_${rule}`;
    }
  }

  flags.push(`intent_rule:${rule}`);
  if (decision.confidence < 0.5) flags.push('low_confidence');
  // Grounding, the MQL rule and the score are shared with every other engine.
  return assembleQualification(
    input,
    {
      intent,
      bant,
      ...(referral && (referral.referral.name || referral.referral.email) ? { referral: referral.referral } : {}),
      confidence: decision.confidence,
      flags,
    },
    { name: 'offline', version: OFFLINE_ENGINE_VERSION, model: null, prompt_version: null },
    policy,
  );
}

/** The stance of the visitor's earlier messages, each decided by the phrase rules alone. */
function stanceOf(earlier: readonly EarlierLeadMessage[], ref: Date, ctx: MoneyContext): Intent | null {
  return conversationStance(
    earlier.map((m) => ({
      text: m.text,
      answers: m.answers,
      decision: classifyIntent({
        raw: m.text,
        ownText: m.text,
        sentences: m.sentences,
        optOut: findOptOut(m.sentences),
        referral: null,
        hasPositiveBant: [extractBudget(m.sentences, ctx), extractNeed(m.sentences), extractTimeline(m.sentences, ref)].some((c) => c.status === 'met'),
        hasCommitment: false,
      }),
    })),
  );
}

/** The offline engine behind the QualificationEngine interface. */
export class OfflineEngine implements QualificationEngine {
  readonly name = 'offline';
  constructor(
    private readonly policy: ScoringPolicy = DEFAULT_SCORING_POLICY,
    private readonly intentModel: IntentWeights | null = SHIPPED_INTENT_WEIGHTS,
  ) {}

  qualify(input: QualifyInput): Promise<Qualification> {
    try {
      return Promise.resolve(qualifyOffline(input, this.policy, this.intentModel));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
