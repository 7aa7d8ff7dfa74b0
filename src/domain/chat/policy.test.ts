import { describe, expect, it } from 'vitest';
import type { GroundedAnswer } from '../kb/types.ts';
import type { Bant } from '../qualify/types.ts';
import { decideTurn, greet, INITIAL_STATE, nextSlot, type ChatState, type TurnFacts } from './policy.ts';
import { readCues } from './signals.ts';

const SETTINGS = { company: 'Acme', schedulingUrl: 'https://cal.test/acme', maxQuestions: 5 };
const UNKNOWN: Bant = { budget: { status: 'unknown' }, authority: { status: 'unknown' }, need: { status: 'unknown' }, timeline: { status: 'unknown' } };
const met = (evidence: string) => ({ status: 'met' as const, evidence });

function facts(text: string, over: Partial<TurnFacts> = {}): TurnFacts {
  return { lang: 'en', bant: UNKNOWN, intent: 'interested', mql: false, emailKnown: false, emailJustGiven: false, cues: readCues(text), answers: [], learned: false, ...over };
}

const ANSWER: GroundedAnswer = {
  kind: 'answer',
  text: 'Baton syncs leads and activities with HubSpot both ways.',
  sources: [{ passageId: 'integrations.md#1', documentId: 'integrations.md', title: 'Integrations', heading: 'Integrations > HubSpot', anchor: 'hubspot' }],
};

describe('the conversation policy', () => {
  it('greets by inviting the visitor to say what brings them; a visitor who opens with a question is asked the need once', () => {
    const t = greet('en', SETTINGS);
    expect(t.messages).toEqual([{ kind: 'greeting', text: "Hi! I'm the Acme assistant. What brings you here today?" }]);
    expect(t.state.asked).toEqual([]);
    const q = decideTurn(t.state, facts('do you integrate with hubspot?', { intent: 'question', answers: [{ question: 'do you integrate with hubspot?', answer: ANSWER }] }), SETTINGS);
    expect(q.messages.map((m) => m.slot).filter(Boolean)).toEqual(['need']);
    expect(greet('zh', SETTINGS).messages[0]?.text).toContain('Acme');
  });

  it('asks only for what is still unknown, one question at a time, in order', () => {
    const s = greet('en', SETTINGS).state;
    const t = decideTurn(s, facts('we need to stop losing leads, budget is 30k', { bant: { ...UNKNOWN, need: met('we need to stop losing leads'), budget: met('budget is 30k') }, learned: true }), SETTINGS);
    const questions = t.messages.filter((m) => m.slot);
    expect(questions).toHaveLength(1);
    expect(questions[0]?.slot).toBe('timeline');
    expect(questions[0]?.text).toMatch(/^Thanks, that helps\. When would you like/);
    // Budget was said: the next turn skips it and asks authority.
    const t2 = decideTurn(t.state, facts('by march', { bant: { ...UNKNOWN, need: met('x'), budget: met('30k'), timeline: met('by march') }, learned: true }), SETTINGS);
    expect(t2.messages.map((m) => m.slot).filter(Boolean)).toEqual(['authority']);
  });

  it('never asks a slot twice, even when the answer did not settle it', () => {
    let state: ChatState = greet('en', SETTINGS).state;
    const asked: string[] = [];
    for (let i = 0; i < 8; i++) {
      const t = decideTurn(state, facts('hmm not sure'), { ...SETTINGS, maxQuestions: 20 });
      for (const m of t.messages) if (m.slot) asked.push(m.slot);
      state = t.state;
    }
    // "hmm not sure" first gets the invitation to say what they need (the need question), then the rest in order.
    expect(asked).toEqual(['need', 'timeline', 'budget', 'authority', 'email']);
    expect(new Set(state.asked).size).toBe(state.asked.length);
  });

  it('stops asking at the question cap', () => {
    let state: ChatState = greet('en', SETTINGS).state;
    for (let i = 0; i < 6; i++) state = decideTurn(state, facts('ok'), { ...SETTINGS, maxQuestions: 3 }).state;
    expect(state.questions).toBe(3);
  });

  it('asks for the email first once the visitor is an MQL, then wraps up once', () => {
    const bant = { ...UNKNOWN, need: met('a'), budget: met('b') };
    const s = greet('en', SETTINGS).state;
    const t = decideTurn(s, facts('x', { bant, mql: true, learned: true }), SETTINGS);
    expect(t.messages.find((m) => m.slot)?.slot).toBe('email');
    const t2 = decideTurn(t.state, facts('ana@acme.test', { bant, mql: true, emailKnown: true, emailJustGiven: true }), SETTINGS);
    expect(t2.messages.map((m) => m.kind)).toEqual(['wrap_up']);
    expect(t2.messages[0]?.text).toMatch(/^Got your email, thank you\. That's everything I need/);
    expect(t2.messages[0]?.text).toContain('https://cal.test/acme');
    const t3 = decideTurn(t2.state, facts('great', { bant, mql: true, emailKnown: true }), SETTINGS);
    expect(t3.messages.map((m) => m.kind)).toEqual(['ack']);
  });

  it('answers a question from the knowledge base with its source, and asks nothing twice', () => {
    const text = 'do you integrate with hubspot?';
    const t = decideTurn(greet('en', SETTINGS).state, facts(text, { intent: 'question', answers: [{ question: text, answer: ANSWER }] }), SETTINGS);
    expect(t.messages[0]).toMatchObject({ kind: 'answer', text: 'Baton syncs leads and activities with HubSpot both ways. (Source: Integrations > HubSpot)' });
    expect(t.actions).toEqual([]);
  });

  it('never answers without a passage: it promises a person, tells the team and asks for the email', () => {
    const text = 'do you support SAP Ariba punchout?';
    const t = decideTurn(greet('en', SETTINGS).state, facts(text, { intent: 'question', answers: [{ question: text, answer: { kind: 'no_answer', reason: 'nothing_relevant' } }] }), SETTINGS);
    expect(t.messages.map((m) => m.kind)).toEqual(['no_answer']);
    expect(t.messages[0]?.slot).toBe('email');
    expect(t.actions).toEqual([{ type: 'notify', reason: 'unanswered', question: text }]);
    expect(t.messages.some((m) => m.kind === 'answer')).toBe(false);
  });

  it('offers the scheduling link and tells the team once when the visitor asks for a person', () => {
    const s = greet('en', SETTINGS).state;
    const t = decideTurn(s, facts('can I talk to a human please'), SETTINGS);
    expect(t.actions).toEqual([{ type: 'notify', reason: 'human' }]);
    expect(t.messages.find((m) => m.kind === 'offer')?.text).toContain('https://cal.test/acme');
    expect(t.messages.find((m) => m.slot)?.slot).toBe('email');
    const again = decideTurn(t.state, facts('hello? a real person please'), SETTINGS);
    expect(again.actions).toEqual([]);
  });

  it('hands prices it cannot give to a person, but answers them from a pricing passage', () => {
    const s = greet('en', SETTINGS).state;
    const no = decideTurn(s, facts('how much does it cost?', { answers: [{ question: 'how much does it cost?', answer: { kind: 'no_answer', reason: 'nothing_relevant' } }] }), SETTINGS);
    expect(no.actions).toEqual([{ type: 'notify', reason: 'pricing' }]);
    expect(no.messages.map((m) => m.kind)).toContain('offer');
    const priced: GroundedAnswer = { kind: 'answer', text: 'Plans start at $500 a month.', sources: [{ passageId: 'pricing.md#0', documentId: 'pricing.md', title: 'Pricing', heading: 'Pricing', anchor: null }] };
    const yes = decideTurn(s, facts('how much does it cost?', { answers: [{ question: 'how much does it cost?', answer: priced }] }), SETTINGS);
    expect(yes.actions).toEqual([]);
    expect(yes.messages[0]?.text).toBe('Plans start at $500 a month. (Source: Pricing)');
  });

  it('says goodbye and stops asking when the visitor declines or opts out', () => {
    const s = greet('en', SETTINGS).state;
    const t = decideTurn(s, facts('no thanks, not interested', { intent: 'not_interested' }), SETTINGS);
    expect(t.messages.map((m) => m.kind)).toEqual(['goodbye']);
    expect(t.state.ended).toBe(true);
    expect(decideTurn(t.state, facts('ok'), SETTINGS).messages.some((m) => m.slot)).toBe(false);
    expect(decideTurn(s, facts('stop messaging me', { intent: 'unsubscribe' }), SETTINGS).messages[0]?.kind).toBe('goodbye');
    // An unsure "not interested" without a no in so many words keeps the conversation going.
    const unsure = decideTurn(s, facts('not sure yet, still scoping', { intent: 'not_interested', confidence: 0.35 }), SETTINGS);
    expect(unsure.state.ended).toBe(false);
    expect(unsure.messages.map((m) => m.kind)).not.toContain('goodbye');
  });

  it('speaks Chinese to a Chinese visitor', () => {
    const t = decideTurn(greet('zh', SETTINGS).state, facts('我们需要一个线索管理系统', { lang: 'zh', bant: { ...UNKNOWN, need: met('我们需要一个线索管理系统') }, learned: true }), SETTINGS);
    expect(t.messages[0]?.text).toBe('好的，谢谢。 您预计什么时候需要上线？');
  });

  it('nudges a visitor whose first words were only a hello, without re-asking a slot', () => {
    const t = decideTurn(greet('en', SETTINGS).state, facts('hi'), SETTINGS);
    expect(t.messages).toEqual([{ kind: 'prompt', text: 'Happy to help. What are you looking to do?', slot: 'need' }]);
    // A second hello is not invited again: the next unknown slot comes.
    expect(decideTurn(t.state, facts('hello?'), SETTINGS).messages.map((m) => m.slot)).toEqual(['timeline']);
  });

  it('puts the email ahead of BANT once a person was promised', () => {
    expect(nextSlot(INITIAL_STATE, { bant: UNKNOWN, emailKnown: false, mql: false }, true)).toBe('email');
    expect(nextSlot(INITIAL_STATE, { bant: UNKNOWN, emailKnown: false, mql: false }, false)).toBe('need');
    expect(nextSlot({ ...INITIAL_STATE, asked: ['need', 'timeline', 'budget', 'authority', 'email'] }, { bant: UNKNOWN, emailKnown: false, mql: false }, false)).toBeNull();
  });
});
