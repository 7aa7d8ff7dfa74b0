import type { Bant } from '../qualify/types.ts';

/**
 * BANT accumulated over a conversation: what the newest qualification knows wins, and a criterion it
 * leaves unknown keeps what an earlier message established, evidence and all. A visitor who gave the
 * budget three messages ago still has a budget when their latest message is "sounds good".
 */
export function mergeBant(earlier: Bant | null, latest: Bant): Bant {
  if (!earlier) return latest;
  return {
    budget: latest.budget.status !== 'unknown' ? latest.budget : earlier.budget,
    authority: latest.authority.status !== 'unknown' ? latest.authority : earlier.authority,
    need: latest.need.status !== 'unknown' ? latest.need : earlier.need,
    timeline: latest.timeline.status !== 'unknown' ? latest.timeline : earlier.timeline,
  };
}

/** Whether the latest BANT says something the earlier one did not (a status or its evidence changed). */
export function learnedSomething(earlier: Bant | null, latest: Bant): boolean {
  const keys = ['budget', 'authority', 'need', 'timeline'] as const;
  return keys.some((k) => latest[k].status !== 'unknown' && (earlier?.[k].status !== latest[k].status || earlier[k].evidence !== latest[k].evidence));
}
