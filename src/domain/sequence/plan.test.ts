import { describe, expect, it } from 'vitest';
import { defineSequence, type SequenceDefinition, type SequenceStep } from './definition.ts';
import { branchTarget, planFrom, type Facts } from './plan.ts';
import { parseTemplate } from './template.ts';

const templates = (name: string) => parseTemplate(name, `---\nsubject: ${name}\n---\nBody of ${name}.`);
const define = (steps: unknown[]): SequenceDefinition => defineSequence({ id: 'demo', name: 'Demo', kind: 'nurture', steps }, templates);

const NO_FACTS: Facts = { lastIntent: null, score: null };
const WAIT_END = new Date('2026-03-05T09:00:00Z');
/** A wait end that records which steps it was asked about. */
function waitEnd() {
  const asked: string[] = [];
  return { asked, fn: (s: Extract<SequenceStep, { type: 'wait' }>) => (asked.push(s.id), WAIT_END) };
}

describe('planFrom: instant steps and stops', () => {
  const def = define([
    { id: 'tell', type: 'notify', message: 'New lead {{ lead.full_name | "someone" }}' },
    { id: 'ping', type: 'chat', text: 'Hello!', provider: 'website' },
    { id: 'intro', type: 'email', template: 'intro' },
    { id: 'pause', type: 'wait', days: 3 },
    { id: 'note', type: 'notify', message: 'Waited' },
    { id: 'stop', type: 'end', move_to: 'nurture' },
  ]);

  it('runs notify and chat in order, then stops at the email with the cursor on it', () => {
    const w = waitEnd();
    const plan = planFrom(def, 0, NO_FACTS, w.fn);
    expect(plan.effects).toEqual([
      { type: 'notify', stepId: 'tell', message: 'New lead {{ lead.full_name | "someone" }}' },
      { type: 'chat', stepId: 'ping', step: expect.objectContaining({ id: 'ping', text: 'Hello!', provider: 'website' }) },
    ]);
    expect(plan.stop).toEqual({ type: 'email', stepIndex: 2, step: expect.objectContaining({ id: 'intro', template: 'intro' }) });
    expect(w.asked).toEqual([]);
  });

  it('stops at a wait, pointing past it, with the end time the caller works out', () => {
    const w = waitEnd();
    const plan = planFrom(def, 3, NO_FACTS, w.fn);
    expect(plan.effects).toEqual([]);
    expect(plan.stop).toEqual({ type: 'wait', nextIndex: 4, stepId: 'pause', until: WAIT_END });
    expect(w.asked).toEqual(['pause']);
  });

  it('stops at an end step with where the lead goes', () => {
    const plan = planFrom(def, 4, NO_FACTS, waitEnd().fn);
    expect(plan.effects.map((e) => e.stepId)).toEqual(['note']);
    expect(plan.stop).toEqual({ type: 'end', moveTo: 'nurture', reason: 'end_step' });
  });

  it('ends with last_step when the steps run out, keeping the effects on the way', () => {
    const short = define([{ id: 'intro', type: 'email', template: 'intro' }, { id: 'last-word', type: 'notify', message: 'Done' }]);
    const plan = planFrom(short, 1, NO_FACTS, waitEnd().fn);
    expect(plan.effects).toEqual([{ type: 'notify', stepId: 'last-word', message: 'Done' }]);
    expect(plan.stop).toEqual({ type: 'end', moveTo: 'stay', reason: 'last_step' });
    expect(planFrom(short, 2, NO_FACTS, waitEnd().fn)).toEqual({ effects: [], stop: { type: 'end', moveTo: 'stay', reason: 'last_step' } });
  });
});

describe('planFrom: branches', () => {
  const byIntent = define([
    { id: 'ask', type: 'branch', on: 'intent', cases: [{ when_intent: ['interested', 'question'], goto: 'hot' }, { when_intent: ['not_now'], goto: 'later' }], otherwise: 'cold' },
    { id: 'unreached', type: 'email', template: 'unreached' },
    { id: 'hot', type: 'notify', message: 'Hot' },
    { id: 'hot-mail', type: 'email', template: 'hot' },
    { id: 'later', type: 'wait', days: 30 },
    { id: 'cold', type: 'end', move_to: 'nurture' },
  ]);

  it('follows the case that names the intent of the last reply', () => {
    const plan = planFrom(byIntent, 0, { lastIntent: 'question', score: null }, waitEnd().fn);
    expect(plan.effects.map((e) => e.stepId)).toEqual(['hot']);
    expect(plan.stop).toMatchObject({ type: 'email', stepIndex: 3 });
    expect(planFrom(byIntent, 0, { lastIntent: 'not_now', score: 90 }, waitEnd().fn).stop).toMatchObject({ type: 'wait', stepId: 'later', nextIndex: 5 });
  });

  it('goes to otherwise for an intent no case names, and when the lead never replied', () => {
    expect(planFrom(byIntent, 0, { lastIntent: 'objection', score: null }, waitEnd().fn).stop).toEqual({ type: 'end', moveTo: 'nurture', reason: 'end_step' });
    expect(planFrom(byIntent, 0, NO_FACTS, waitEnd().fn).stop).toEqual({ type: 'end', moveTo: 'nurture', reason: 'end_step' });
  });

  const byScore = define([
    { id: 'gate', type: 'branch', on: 'score', cases: [{ when_score_at_least: 80, goto: 'top' }, { when_score_at_least: 50, goto: 'mid' }] },
    { id: 'low', type: 'email', template: 'low' },
    { id: 'mid', type: 'email', template: 'mid' },
    { id: 'top', type: 'email', template: 'top' },
  ]);
  const landsOn = (score: number | null) => {
    const stop = planFrom(byScore, 0, { lastIntent: 'interested', score }, waitEnd().fn).stop;
    return stop.type === 'email' ? stop.step.id : stop.type;
  };

  it('takes the first score case met, inclusive of its threshold', () => {
    expect(landsOn(95)).toBe('top');
    expect(landsOn(80)).toBe('top');
    expect(landsOn(79.9)).toBe('mid');
    expect(landsOn(50)).toBe('mid');
  });

  it('goes on to the next step below every threshold, and when the lead has no score', () => {
    expect(landsOn(49)).toBe('low');
    expect(landsOn(0)).toBe('low');
    expect(landsOn(null)).toBe('low');
  });

  it('jumps backwards by id', () => {
    const loop = define([
      { id: 'mail', type: 'email', template: 'mail' },
      { type: 'wait', days: 7 },
      { type: 'branch', on: 'intent', cases: [{ when_intent: ['question'], goto: 'mail' }] },
      { type: 'end' },
    ]);
    expect(planFrom(loop, 2, { lastIntent: 'question', score: null }, waitEnd().fn).stop).toMatchObject({ type: 'email', stepIndex: 0 });
    expect(planFrom(loop, 2, { lastIntent: 'interested', score: null }, waitEnd().fn).stop).toEqual({ type: 'end', moveTo: 'stay', reason: 'end_step' });
  });

  it('branchTarget reports next when nothing matches and no otherwise is given', () => {
    const step = byScore.steps[0] as Extract<SequenceStep, { type: 'branch' }>;
    expect(branchTarget(step, { lastIntent: null, score: 10 })).toBe('next');
    expect(branchTarget(step, { lastIntent: null, score: 81 })).toBe('top');
  });
});

describe('planFrom: definitions that skipped validation', () => {
  it('throws on a goto to a step that does not exist', () => {
    const steps = [{ id: 'b', type: 'branch', on: 'score', cases: [{ when_score_at_least: 0, goto: 'gone' }], otherwise: 'next' }] as SequenceStep[];
    expect(() => planFrom({ steps }, 0, { lastIntent: null, score: 5 }, waitEnd().fn)).toThrow('branch b names a step that does not exist: gone');
  });

  it('gives up on a loop without waiting instead of spinning forever', () => {
    const steps = [
      { id: 'a', type: 'notify', message: 'again' },
      { id: 'b', type: 'branch', on: 'score', cases: [], otherwise: 'a' },
    ] as SequenceStep[];
    expect(() => planFrom({ steps }, 0, NO_FACTS, waitEnd().fn)).toThrow(/without waiting/);
  });
});
