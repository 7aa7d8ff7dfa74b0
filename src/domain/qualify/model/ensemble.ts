import type { IntentDecision } from '../extract/intent.ts';
import type { IntentScores } from './intent-model.ts';

/** When the learned model may overrule the phrase rules. Chosen on cross-validation (evals/train). */
export interface EnsemblePolicy {
  /** Rules this sure or surer decide alone, unless named in `overridable`. */
  readonly trustedConfidence: number;
  /** Below this the model's first choice is not taken even when no rule decided. */
  readonly minP: number;
  /** Rules that a very sure model may overrule, with the probability it needs. */
  readonly overridable: Readonly<Record<string, number>>;
}

/**
 * The rules a near-certain model may overrule. `interest` is left out: an explicit request for a call,
 * demo or quote is the most reliable family, and overruling it gained nothing in cross-validation.
 */
const CONVERSATIONAL_RULES = [
  'question', 'question_with_commitment', 'pushback', 'not_now', 'decline', 'referral', 'bant_fallback',
  'referral_copy', 'interest_weak', 'decline_with_pushback', 'emoji', 'ack', 'negative_fallback', 'fallback',
] as const;

// On tune.jsonl (written apart from the rules) a model that is 90% sure was right more often than the
// rule it disagreed with: 0.843 -> 0.874 intent macro-F1 in cross-validation (evals/README.md).
export const DEFAULT_ENSEMBLE: EnsemblePolicy = {
  trustedConfidence: 0.5,
  minP: 0.4,
  overridable: Object.fromEntries(CONVERSATIONAL_RULES.map((r) => [r, 0.9])),
};

/** Intents that only the rules decide (machine notices and explicit opt-outs are matched exactly). */
const RULE_ONLY = new Set(['bounce', 'out_of_office', 'unsubscribe']);

/** Whether the model could change this decision at all; when not, scoring it is skipped. */
export function modelMayDecide(rule: IntentDecision, policy: EnsemblePolicy = DEFAULT_ENSEMBLE): boolean {
  return !RULE_ONLY.has(rule.intent) && (rule.confidence < policy.trustedConfidence || policy.overridable[rule.rule] !== undefined);
}

/**
 * Combine the phrase rules with the learned model. The rules decide when a family fired with some
 * confidence; where only a fallback decided (nothing matched, the reply fell to `question` or to a
 * polarity guess) the model's first choice is taken when it is reasonably sure, and a very sure model
 * may overrule the few rules that act as catch-alls (a question mark alone makes a `question`).
 */
export function combineIntent(rule: IntentDecision, scores: IntentScores, policy: EnsemblePolicy = DEFAULT_ENSEMBLE): IntentDecision {
  if (RULE_ONLY.has(rule.intent)) return rule;
  const top = scores.ranked.find((r) => !RULE_ONLY.has(r.intent));
  if (!top || top.intent === rule.intent) return rule;
  if (rule.confidence < policy.trustedConfidence && top.p >= policy.minP) {
    return { intent: top.intent, confidence: Math.min(0.7, top.p), rule: `model_over_${rule.rule}` };
  }
  const needed = policy.overridable[rule.rule];
  if (needed !== undefined && top.p >= needed) {
    return { intent: top.intent, confidence: Math.min(0.7, top.p), rule: `model_over_${rule.rule}` };
  }
  return rule;
}
