import { isContactable, type Stage } from '../lifecycle.ts';
import type { SequenceDefinition } from './definition.ts';

/**
 * Who may enter a sequence, decided purely from what the store knows. Returns null when the lead may
 * enrol, else the reason in words (shown to the SDR and logged).
 */

const DAY = 86_400_000;
/** A churned customer (customer -> nurture) may be written to again this long after the renewal lapsed. */
export const CHURN_COOL_OFF_DAYS = 30;

export interface EnrolmentFacts {
  readonly stage: Stage;
  readonly suppressed: boolean;
  /** The lead's live (active or paused) enrolment, if any. */
  readonly live: { readonly sequenceId: string } | null;
  /** When the lead's earlier enrolments in this same sequence ended (null: still running). */
  readonly pastInSequence: readonly (Date | null)[];
  /** The lead's latest stage move. */
  readonly lastMove: { readonly from: Stage | null; readonly to: Stage; readonly at: Date } | null;
}

export function enrolmentRefusal(def: Pick<SequenceDefinition, 'id' | 'kind' | 'enrolment'>, f: EnrolmentFacts, now: Date, recycleCoolOffDays: number): string | null {
  if (f.suppressed) return 'the address is on the suppression list';
  if (!isContactable(f.stage)) return `the lead is ${f.stage}`;
  if (f.live) return f.live.sequenceId === def.id ? 'the lead is already in this sequence' : `the lead is already in sequence ${f.live.sequenceId} (one at a time)`;
  if (def.enrolment.exit_stages.includes(f.stage)) return `leads at stage ${f.stage} leave this sequence`;
  if (f.pastInSequence.length > 0) {
    if (def.enrolment.reenrol === 'never') return 'the lead was in this sequence before and it does not take leads twice';
    const ends = f.pastInSequence.filter((d): d is Date => d !== null).map((d) => d.getTime());
    const last = ends.length ? Math.max(...ends) : now.getTime();
    const until = last + def.enrolment.reenrol_after_days * DAY;
    if (until > now.getTime()) return `the lead may re-enter this sequence from ${new Date(until).toISOString().slice(0, 10)}`;
  }
  const m = f.lastMove;
  if (m && f.stage === 'nurture' && m.to === 'nurture') {
    if (m.from === 'customer') {
      const until = m.at.getTime() + CHURN_COOL_OFF_DAYS * DAY;
      if (until > now.getTime()) return `a churned customer is written to again from ${new Date(until).toISOString().slice(0, 10)} (${CHURN_COOL_OFF_DAYS} days after the renewal lapsed)`;
    }
    if (m.from === 'mql_candidate' || m.from === 'mql' || m.from === 'sql') {
      const until = m.at.getTime() + recycleCoolOffDays * DAY;
      if (until > now.getTime()) return `a lead set aside by the SDR or sales is recycled from ${new Date(until).toISOString().slice(0, 10)} (cool-off of ${recycleCoolOffDays} days)`;
    }
  }
  return null;
}
