import { describe, expect, it } from 'vitest';
import { assembleQualification } from './assemble.ts';
import { qualifyOffline } from './engine.offline.ts';
import { DEFAULT_SCORING_POLICY as P, type ScoringPolicy } from './policy.ts';
import { keywordMatcher, scoreLead, titleSeniority, type ScoringFacts } from './score.ts';
import type { Bant, QualifyInput } from './types.ts';

const UNKNOWN: Bant = { budget: { status: 'unknown' }, authority: { status: 'unknown' }, need: { status: 'unknown' }, timeline: { status: 'unknown' } };
const HOT: Bant = {
  budget: { status: 'met', evidence: 'budget is $40k', amount: 40000, currency: 'USD' },
  authority: { status: 'met', evidence: 'I sign off' },
  need: { status: 'met', evidence: 'we need to integrate our WMS' },
  timeline: { status: 'met', evidence: 'live next quarter', within_days: 100 },
};
const facts = (over: Partial<ScoringFacts> = {}): ScoringFacts => ({ intent: 'question', bant: UNKNOWN, channel: 'email', ...over });
const sum = (rs: { points: number }[]) => rs.reduce((s, r) => s + r.points, 0);

describe('titleSeniority', () => {
  it.each([
    ['CEO', 'c_level'],
    ['Co-Founder & CTO', 'c_level'],
    ['Chief Revenue Officer', 'c_level'],
    ['General Manager, APAC', 'c_level'],
    ['Vice President of Sales', 'vp'],
    ['SVP Operations', 'vp'],
    ['Director of IT', 'director'],
    ['Head of Growth', 'director'],
    ['Sales Manager', 'manager'],
    ['Team Lead, Support', 'manager'],
    ['Senior Software Engineer', 'ic'],
    ['Product Owner', 'ic'],
    ['Executive Assistant to the CEO', 'ic'],
    ['首席执行官', 'c_level'],
    ['创始人兼CEO', 'c_level'],
    ['总经理', 'c_level'],
    ['副总裁', 'vp'],
    ['副总经理', 'vp'],
    ['销售总监', 'director'],
    ['技术负责人', 'director'],
    ['项目经理', 'manager'],
    ['软件工程师', 'ic'],
    ['总经理助理', 'ic'],
  ] as const)('%s is %s', (title, level) => {
    expect(titleSeniority(title, P)?.level).toBe(level);
  });

  it('knows nothing of a title without a level word', () => {
    expect(titleSeniority('Volunteer', P)).toBeUndefined();
  });
});

describe('keywordMatcher', () => {
  it('matches English whole words with their endings, Chinese anywhere, the longest first', () => {
    const m = keywordMatcher(['api', 'integrate', 'vice president', 'president', '集成']);
    expect(m('We integrated it last year')).toBe('integrate');
    expect(m('capital expenses')).toBeUndefined(); // "api" inside a word
    expect(m('Vice President, Sales')).toBe('vice president');
    expect(m('需要和ERP集成')).toBe('集成');
  });
});

describe('scoreLead', () => {
  it('traces every point to a named signal with its evidence, and the score is the clamped sum', () => {
    const lead = { title: 'VP Operations', industry: 'Logistics & Freight', employees: 400, country: 'us', source: 'Web Form' };
    const thread = [{ from: 'lead' as const, text: 'hi' }, { from: 'us' as const, text: 'hello' }];
    const s = scoreLead(facts({ intent: 'referral', bant: UNKNOWN, lead, channel: 'chat', thread, referral: { name: 'Dana Li', email: 'dana@x.io' } }), P);
    expect(s.reasons).toEqual([
      { signal: 'fit.industry', points: 5, detail: 'industry "Logistics & Freight" matches "logistics" of the ideal profile', evidence: 'Logistics & Freight' },
      { signal: 'fit.employees', points: 5, detail: '400 employees is within 50-5000', evidence: '400' },
      { signal: 'fit.country', points: 3, detail: 'country US is in the ideal profile', evidence: 'us' },
      { signal: 'fit.title.vp', points: 7, detail: 'title "VP Operations" is vp level ("vp")', evidence: 'VP Operations' },
      { signal: 'engagement.chat', points: 5, detail: 'the lead wrote on chat' },
      { signal: 'engagement.reply', points: 5, detail: 'the lead replied in person' },
      { signal: 'engagement.thread', points: 2, detail: '1 earlier message from the lead in the thread' },
      { signal: 'engagement.referral', points: 3, detail: 'the lead named another contact', evidence: 'dana@x.io' },
    ]);
    expect(s.score).toBe(35);
    expect(sum(s.reasons)).toBe(s.score);
    expect(s.fitPoints).toBe(20);
  });

  it('quotes the BANT evidence in the reason', () => {
    const s = scoreLead(facts({ bant: { ...UNKNOWN, need: { status: 'met', evidence: 'we need to integrate our WMS' } } }), P);
    expect(s.reasons[0]).toEqual({ signal: 'bant.need.met', points: 20, detail: 'need is met: "we need to integrate our WMS"', evidence: 'we need to integrate our WMS' });
  });

  it('records the clamp as a reason at both ends', () => {
    const high = scoreLead(facts({ intent: 'interested', bant: HOT, lead: { title: 'CEO', employees: 300, industry: 'SaaS', country: 'DE' }, channel: 'chat' }), P);
    expect(high.score).toBe(100);
    expect(high.reasons.at(-1)?.signal).toBe('clamp');
    expect(sum(high.reasons)).toBe(100);
    const low = scoreLead(facts({ intent: 'unsubscribe' }), P);
    expect(low.score).toBe(0);
    expect(low.reasons.map((r) => r.signal)).toEqual(['intent.unsubscribe', 'clamp']);
    expect(sum(low.reasons)).toBe(0);
  });

  it('caps the thread points and gives none to automatic replies', () => {
    const thread = Array.from({ length: 9 }, () => ({ from: 'lead' as const, text: 'x' }));
    const s = scoreLead(facts({ intent: 'out_of_office', thread }), P);
    expect(s.reasons.map((r) => [r.signal, r.points])).toEqual([['engagement.thread', 6]]);
  });

  it('follows an edited policy', () => {
    const edited: ScoringPolicy = { ...P, engagement: { ...P.engagement, chat: 12 }, fit: { ...P.fit, countries: { codes: [], points: 3 } } };
    const s = scoreLead(facts({ channel: 'chat', lead: { country: 'US' } }), edited);
    expect(s.reasons.map((r) => r.signal)).toEqual(['intent.question', 'engagement.chat', 'engagement.reply']);
    expect(s.score).toBe(5 + 12 + 5);
  });
});

describe('every engine gets the score, grade, tags and route', () => {
  const input: QualifyInput = {
    reply: 'We need to integrate our WMS with the ERP. Budget is around $40k and I sign off. We want it live within 60 days.',
    lead: { name: 'Ana Ruiz', title: 'Director of Operations', industry: 'Freight forwarding', employees: 400, country: 'US', source: 'web_form' },
    date: '2026-03-11',
    channel: 'email',
  };

  it('offline', () => {
    const q = qualifyOffline(input);
    expect(q.mql).toBe(true);
    expect(sum(q.reasons)).toBe(q.score);
    expect(q.grade).toBe('A');
    expect(q.route).toBe('candidate');
    expect(q.tags).toEqual(['valid', 'source:web_form', 'industry:logistics', 'need:integration']);
  });

  it('a model draft through the shared assembly, with a policy of its own', () => {
    const five = { met: 5, not_met: 0, unknown: 0 };
    const light: ScoringPolicy = { ...P, bant: { budget: five, authority: five, need: five, timeline: five } };
    const q = assembleQualification(
      input,
      {
        intent: 'interested',
        bant: {
          budget: { status: 'met', evidence: 'Budget is around $40k', amount: 40000, currency: 'USD' },
          authority: { status: 'met', evidence: 'I sign off' },
          need: { status: 'met', evidence: 'We need to integrate our WMS with the ERP.' },
          timeline: { status: 'met', evidence: 'We want it live within 60 days.', within_days: 60 },
        },
        confidence: 0.9,
        flags: [],
      },
      { name: 'openai', version: 't', model: 'm', prompt_version: 'p' },
      light,
    );
    // 4 x 5 (BANT) + 15 (interested) + 18 (fit) + 5 (reply): below the candidate threshold of 60.
    expect(q.score).toBe(58);
    expect(sum(q.reasons)).toBe(q.score);
    expect(q.grade).toBe('A');
    expect(q.route).toBe('nurture');
    expect(q.tags).toContain('need:integration');
  });
});
