import type { Notice } from './notice.ts';
import type { BounceReason, ReasonFacts } from './reasons.ts';

/**
 * Large mailbox providers document their own rejection texts and codes; where their wording would
 * mislead the generic rules, their documented meaning decides.
 */
export function remoteHostReason(_facts: ReasonFacts, _remoteMta: string, _notice: Notice): BounceReason | '' {
  return '';
}
