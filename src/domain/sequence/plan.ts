import type { Intent } from '../qualify/types.ts';
import type { SequenceDefinition, SequenceStep } from './definition.ts';

/**
 * The sequence interpreter, pure: from the step an enrolment is at, run the steps that take no time
 * (branch, notify, chat) and stop at the first one that does: an email (the cursor stays on it until
 * SMTP accepts the message), a wait, or the end.
 */

/** What the branches look at. */
export interface Facts {
  /** Intent of the lead's last reply, null when the lead never replied. */
  readonly lastIntent: Intent | null;
  /** The lead's latest score, null when never qualified. */
  readonly score: number | null;
}

/** Side effects that happen on the way (they do not stop the run). */
export type Effect =
  | { readonly type: 'notify'; readonly stepId: string; readonly message: string }
  | { readonly type: 'chat'; readonly stepId: string; readonly step: Extract<SequenceStep, { type: 'chat' }> };

export type Stop =
  | { readonly type: 'email'; readonly stepIndex: number; readonly step: Extract<SequenceStep, { type: 'email' }> }
  | { readonly type: 'wait'; readonly nextIndex: number; readonly stepId: string; readonly until: Date }
  | { readonly type: 'end'; readonly moveTo: 'stay' | 'nurture'; readonly reason: 'end_step' | 'last_step' };

export interface Plan {
  readonly effects: readonly Effect[];
  readonly stop: Stop;
}

/** Safety net on top of the load-time loop check. */
const MAX_INSTANT_STEPS = 1000;

export function planFrom(
  def: Pick<SequenceDefinition, 'steps'>,
  index: number,
  facts: Facts,
  waitEnd: (step: Extract<SequenceStep, { type: 'wait' }>) => Date,
): Plan {
  const effects: Effect[] = [];
  const indexOf = (id: string) => def.steps.findIndex((s) => s.id === id);
  let i = index;
  for (let guard = 0; guard < MAX_INSTANT_STEPS; guard += 1) {
    const step = def.steps[i];
    if (!step) return { effects, stop: { type: 'end', moveTo: 'stay', reason: 'last_step' } };
    switch (step.type) {
      case 'email':
        return { effects, stop: { type: 'email', stepIndex: i, step } };
      case 'wait':
        return { effects, stop: { type: 'wait', nextIndex: i + 1, stepId: step.id, until: waitEnd(step) } };
      case 'end':
        return { effects, stop: { type: 'end', moveTo: step.move_to, reason: 'end_step' } };
      case 'notify':
        effects.push({ type: 'notify', stepId: step.id, message: step.message });
        i += 1;
        break;
      case 'chat':
        effects.push({ type: 'chat', stepId: step.id, step });
        i += 1;
        break;
      case 'branch': {
        const target = branchTarget(step, facts);
        i = target === 'next' ? i + 1 : indexOf(target);
        if (i < 0) throw new Error(`branch ${step.id} names a step that does not exist: ${target}`);
        break;
      }
    }
  }
  throw new Error(`sequence ran ${MAX_INSTANT_STEPS} steps without waiting; its loop check failed`);
}

export function branchTarget(step: Extract<SequenceStep, { type: 'branch' }>, facts: Facts): string {
  for (const c of step.cases) {
    if ('when_intent' in c) {
      if (facts.lastIntent && c.when_intent.includes(facts.lastIntent)) return c.goto;
    } else if (facts.score !== null && facts.score >= c.when_score_at_least) {
      return c.goto;
    }
  }
  return step.otherwise;
}
