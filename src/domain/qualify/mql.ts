import type { ScoringPolicy } from './policy.ts';
import type { Bant, Intent } from './types.ts';

/** The MQL rule: at least `minMet` BANT criteria met and an intent that does not rule the lead out. */
export interface MqlRule {
  readonly minMet: number;
  readonly blockingIntents: readonly Intent[];
}

/** FORMAT.md: two of four met, and intent not one of not_interested / unsubscribe / out_of_office / bounce. */
export const DEFAULT_MQL_RULE: MqlRule = {
  minMet: 2,
  blockingIntents: ['not_interested', 'unsubscribe', 'out_of_office', 'bounce'],
};

export function metCount(bant: Bant): number {
  return [bant.budget, bant.authority, bant.need, bant.timeline].filter((c) => c.status === 'met').length;
}

export function isMql(intent: Intent, bant: Bant, rule: MqlRule = DEFAULT_MQL_RULE): boolean {
  return metCount(bant) >= rule.minMet && !rule.blockingIntents.includes(intent);
}

/** The MQL rule a scoring policy states (the default policy states DEFAULT_MQL_RULE). */
export function mqlRuleOf(policy: ScoringPolicy): MqlRule {
  return { minMet: policy.mql.min_met, blockingIntents: policy.mql.blocking_intents };
}
