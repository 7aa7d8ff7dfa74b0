import { describe, expect, it } from 'vitest';
import { BatonError, ValidationError } from '../errors.ts';
import { defineSequence } from './definition.ts';
import { parseTemplate, type EmailTemplate } from './template.ts';

const TEMPLATES: Record<string, string> = {
  hello: '---\nsubject: Hello {{ lead.first_name | "there" }}\n---\nHi {{ lead.first_name | "there" }},\n\nA first note.',
  bump: '---\nsubject: Following up\n---\nJust checking this reached you.',
};

/** Resolves the templates above; counts lookups so a test can see each one is read. */
function resolver() {
  const asked: string[] = [];
  const templates = (name: string): EmailTemplate => {
    asked.push(name);
    const text = TEMPLATES[name];
    if (text === undefined) throw new ValidationError(`template ${name} not found`, { template: name }, 'TEMPLATE_NOT_FOUND');
    return parseTemplate(name, text);
  };
  return { templates, asked };
}

const base = { id: 'demo', name: 'Demo', kind: 'outbound' };

/** The problems a refused definition lists, failing the test when it is accepted. */
function problems(raw: unknown): string[] {
  try {
    defineSequence(raw, resolver().templates, 'demo.yaml');
  } catch (e) {
    if (!(e instanceof BatonError)) throw e;
    expect(e.code).toBe('SEQUENCE_INVALID');
    expect(e.fault).toBe('user');
    expect(e.message.startsWith('demo.yaml is not a valid sequence:')).toBe(true);
    const listed = (e.details?.problems ?? []) as string[];
    for (const p of listed) expect(e.message).toContain(p);
    return listed;
  }
  throw new Error('expected the sequence to be refused');
}

describe('defineSequence: a valid file', () => {
  it('fills the missing step ids from their position and keeps the given ones', () => {
    const def = defineSequence(
      { ...base, steps: [{ id: 'intro', type: 'email', template: 'hello' }, { type: 'wait', business_days: 2 }, { type: 'email', template: 'bump' }, { type: 'end', move_to: 'nurture' }] },
      resolver().templates,
    );
    expect(def.steps.map((s) => s.id)).toEqual(['intro', 'step-2', 'step-3', 'step-4']);
  });

  it('bundles each template it uses once, and only those', () => {
    const { templates, asked } = resolver();
    const def = defineSequence(
      {
        ...base,
        steps: [
          { type: 'email', template: 'hello' },
          { type: 'wait', days: 1 },
          { type: 'email', template: 'hello' },
        ],
      },
      templates,
    );
    expect(Object.keys(def.templates)).toEqual(['hello']);
    expect(def.templates.hello?.subject).toBe('Hello {{ lead.first_name | "there" }}');
    expect(def.templates.hello?.body).toContain('A first note.');
    expect(asked).toEqual(['hello']);
  });

  it('applies the defaults of the file format', () => {
    const def = defineSequence({ ...base, steps: [{ type: 'email', template: 'hello' }, { type: 'end' }] }, resolver().templates);
    expect(def.sendWindow).toBeNull();
    expect(def.dailyCap).toBeNull();
    expect(def.description).toBeUndefined();
    expect(def.enrolment.reenrol).toBe('never');
    expect(def.enrolment.exit_stages).toContain('unsubscribed');
    expect(def.steps[0]).toMatchObject({ type: 'email', personalise: false, immediate: false, new_thread: false });
    expect(def.steps[1]).toMatchObject({ type: 'end', move_to: 'stay' });
  });

  it('keeps the send window, daily cap and enrolment rules it was given', () => {
    const def = defineSequence(
      {
        ...base,
        description: 'For tests',
        daily_cap: 50,
        send_window: { start: '08:00', end: '12:00', days: [1, 3], skipHolidays: false },
        enrolment: { reenrol: 'after_days', reenrol_after_days: 14, exit_stages: ['customer'] },
        steps: [{ type: 'email', template: 'hello' }],
      },
      resolver().templates,
    );
    expect(def.description).toBe('For tests');
    expect(def.dailyCap).toBe(50);
    expect(def.sendWindow).toEqual({ start: '08:00', end: '12:00', days: [1, 3], skipHolidays: false });
    expect(def.enrolment).toEqual({ reenrol: 'after_days', reenrol_after_days: 14, exit_stages: ['customer'] });
  });
});

describe('defineSequence: problems', () => {
  it('names an unknown step type by its path', () => {
    const p = problems({ ...base, steps: [{ type: 'email', template: 'hello' }, { type: 'sms', text: 'hi' }] });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^steps\.1\.type: /);
    expect(p[0]).toContain("'email' | 'wait' | 'chat' | 'branch' | 'notify' | 'end'");
  });

  it('refuses a wait with two units, and one with none', () => {
    expect(problems({ ...base, steps: [{ type: 'wait', days: 1, hours: 2 }] })).toEqual(['steps.0: a wait needs exactly one of minutes, hours, days or business_days']);
    expect(problems({ ...base, steps: [{ type: 'wait' }] })).toEqual(['steps.0: a wait needs exactly one of minutes, hours, days or business_days']);
  });

  it('refuses a branch whose goto or otherwise names no step', () => {
    const p = problems({
      ...base,
      steps: [
        { type: 'email', template: 'hello' },
        { type: 'wait', days: 2 },
        { type: 'branch', on: 'score', cases: [{ when_score_at_least: 50, goto: 'nowhere' }], otherwise: 'elsewhere' },
      ],
    });
    expect(p).toEqual(['steps.2: goto "nowhere" names no step', 'steps.2: goto "elsewhere" names no step']);
  });

  it('refuses score cases in a branch on intent, and intent cases in a branch on score', () => {
    const p = problems({
      ...base,
      steps: [
        { id: 'a', type: 'email', template: 'hello' },
        { type: 'wait', days: 2 },
        { type: 'branch', on: 'intent', cases: [{ when_intent: ['interested'], goto: 'a' }, { when_score_at_least: 50, goto: 'a' }] },
        { type: 'branch', on: 'score', cases: [{ when_intent: ['not_now'], goto: 'a' }] },
      ],
    });
    expect(p).toEqual(['steps.2.cases.1: a branch on intent takes when_intent cases', 'steps.3.cases.0: a branch on score takes when_score_at_least cases']);
  });

  it('refuses an id used twice, including one that clashes with a filled-in id', () => {
    expect(problems({ ...base, steps: [{ id: 'a', type: 'email', template: 'hello' }, { id: 'a', type: 'wait', days: 1 }] })).toEqual(['steps.1.id: "a" is used twice']);
    expect(problems({ ...base, steps: [{ type: 'email', template: 'hello' }, { id: 'step-1', type: 'wait', days: 1 }] })).toEqual([
      'steps.1.id: "step-1" looks like the id of an unnamed step; choose a name such as "follow-up"',
      'steps.1.id: "step-1" is used twice',
    ]);
  });

  it('names a template that cannot be found, by the step that uses it', () => {
    expect(problems({ ...base, steps: [{ id: 'intro', type: 'email', template: 'missing' }] })).toEqual(['step intro: template missing not found']);
  });

  it('refuses a loop of branches and notifications with no time passing', () => {
    const p = problems({
      ...base,
      steps: [
        { id: 'check', type: 'branch', on: 'score', cases: [{ when_score_at_least: 60, goto: 'tell' }], otherwise: 'mail' },
        { id: 'tell', type: 'notify', message: 'High score' },
        { id: 'again', type: 'branch', on: 'score', cases: [{ when_score_at_least: 0, goto: 'check' }] },
        { id: 'mail', type: 'email', template: 'hello' },
      ],
    });
    expect(p).toEqual(['steps check -> tell -> again -> check form a loop with no wait or email in it; it would never stop']);
  });

  it('accepts the same loop once a wait sits in it, and a loop through an email', () => {
    const throughWait = defineSequence(
      {
        ...base,
        steps: [
          { id: 'check', type: 'branch', on: 'score', cases: [{ when_score_at_least: 60, goto: 'tell' }], otherwise: 'mail' },
          { id: 'tell', type: 'notify', message: 'High score' },
          { type: 'wait', days: 7 },
          { id: 'again', type: 'branch', on: 'score', cases: [{ when_score_at_least: 0, goto: 'check' }] },
          { id: 'mail', type: 'email', template: 'hello' },
        ],
      },
      resolver().templates,
    );
    expect(throughWait.steps).toHaveLength(5);
    const throughEmail = defineSequence(
      {
        ...base,
        steps: [
          { id: 'mail', type: 'email', template: 'hello' },
          { type: 'chat', text: 'Sent you an email' },
          { type: 'branch', on: 'intent', cases: [{ when_intent: ['question'], goto: 'mail' }] },
        ],
      },
      resolver().templates,
    );
    expect(throughEmail.steps.map((s) => s.id)).toEqual(['mail', 'step-2', 'step-3']);
  });

  it('refuses a step that jumps to itself without waiting', () => {
    const p = problems({ ...base, steps: [{ id: 'spin', type: 'branch', on: 'intent', cases: [{ when_intent: ['question'], goto: 'spin' }], otherwise: 'spin' }, { type: 'end' }] });
    expect(p).toEqual(['steps spin -> spin form a loop with no wait or email in it; it would never stop']);
  });

  it('lists every schema problem together with the templates it could not find', () => {
    const p = problems({
      ...base,
      kind: 'cold',
      steps: [
        { type: 'email', template: 'hello' },
        { type: 'sms', text: 'hi' },
        { type: 'wait', days: 1, hours: 2 },
        { type: 'email', template: 'missing' },
        { type: 'branch', on: 'intent', cases: [{ when_score_at_least: 50, goto: 'step-1' }] },
      ],
    });
    expect(p).toHaveLength(5);
    expect(p[0]).toMatch(/^kind: /);
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^steps\.1\.type: /),
        'steps.2: a wait needs exactly one of minutes, hours, days or business_days',
        'steps.4.cases.0: a branch on intent takes when_intent cases',
        'steps.3: template missing not found',
      ]),
    );
  });

  it('lists duplicate ids, dangling gotos and missing templates together', () => {
    const p = problems({
      ...base,
      steps: [
        { id: 'a', type: 'email', template: 'hello' },
        { id: 'a', type: 'wait', days: 1 },
        { type: 'branch', on: 'score', cases: [{ when_score_at_least: 50, goto: 'zzz' }] },
        { type: 'email', template: 'missing' },
      ],
    });
    expect(p).toEqual(['steps.1.id: "a" is used twice', 'steps.2: goto "zzz" names no step', 'step step-4: template missing not found']);
  });

  it('refuses input that is not a sequence at all', () => {
    expect(problems(null)).toEqual(['(top): Invalid input: expected object, received null']);
    expect(problems({ ...base, steps: [] })).toEqual([expect.stringMatching(/^steps: /)]);
    expect(problems({ ...base, id: 'Not An Id', steps: [{ type: 'end' }] })).toEqual(['id: must be lower-case letters, digits and -']);
  });

  it('never looks up a template whose name the schema refused', () => {
    const { templates, asked } = resolver();
    expect(() => defineSequence({ ...base, steps: [{ type: 'email', template: '../secrets' }, { type: 'email', template: 'missing' }] }, templates)).toThrow(
      /steps\.0\.template: must not contain \.\.[\s\S]*steps\.1: template missing not found/,
    );
    expect(asked).toEqual(['missing']);
  });

  it('refuses fields the format does not know', () => {
    expect(problems({ ...base, steps: [{ type: 'end', move_to: 'nurture', colour: 'red' }] })).toEqual([expect.stringMatching(/^steps\.0: .*colour/)]);
  });
});
