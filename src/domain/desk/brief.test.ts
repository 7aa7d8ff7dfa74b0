import { describe, expect, it } from 'vitest';
import type { Bant } from '../qualify/types.ts';
import { blankQualification } from '../../testing/engines.ts';
import { buildHandoffBrief, doNotAsk, formatAmount, needLine, renderBriefText } from './brief.ts';
import type { ConversationEntry } from './views.ts';

const BANT: Bant = {
  budget: { status: 'met', evidence: 'we set aside $40k', amount: 40000, currency: 'USD' },
  authority: { status: 'not_met', evidence: 'my boss signs off', role: 'Analyst' },
  need: { status: 'unknown' },
  timeline: { status: 'met', evidence: 'this quarter' },
};
const NO_FACTS = { title: null, company: null, country: null, employees: null };
const conv: ConversationEntry[] = [
  { at: new Date('2026-03-02T10:00:00Z'), from: 'us', channel: 'email', subject: 'Hello', text: 'Hi, can we help?' },
  { at: new Date('2026-03-02T11:00:00Z'), from: 'lead', channel: 'email', subject: 'Re: Hello', text: 'Yes,\n  we   need a CRM\nfor 20 reps.' },
];

describe('the handoff brief', () => {
  it('formats amounts compactly with the currency', () => {
    expect(formatAmount(40000, 'USD')).toBe('$40k');
    expect(formatAmount(1_500_000, 'EUR')).toBe('€1.5M');
    expect(formatAmount(950)).toBe('950');
    expect(formatAmount(12_500, 'CHF')).toBe('12.5k CHF');
  });

  it('lists answered criteria with their quotes, never the unknown ones, and facts on record', () => {
    expect(doNotAsk(BANT, NO_FACTS)).toEqual(['budget: $40k ("we set aside $40k")', 'authority: Analyst ("my boss signs off")', 'timeline: has a timeline ("this quarter")']);
    const noRole: Bant = { ...BANT, authority: { status: 'unknown' } };
    expect(doNotAsk(noRole, { title: 'CTO', company: 'Acme', country: 'US', employees: 120 })).toEqual([
      'budget: $40k ("we set aside $40k")',
      'timeline: has a timeline ("this quarter")',
      'role: CTO',
      'company: Acme',
      'company size: 120 employees',
      'country: US',
    ]);
  });

  it('takes the need from the need evidence, else from the latest words of the lead', () => {
    expect(needLine(BANT, conv)).toBe('Yes, we need a CRM for 20 reps.');
    expect(needLine({ ...BANT, need: { status: 'met', evidence: 'a CRM for 20 reps' } }, conv)).toBe('a CRM for 20 reps');
    expect(needLine(BANT, [])).toBeNull();
    expect(needLine(BANT, [{ ...conv[1]!, text: 'x'.repeat(500) }])?.length).toBe(240);
  });

  it('lays the SDR correction over the machine answer and renders a plain-text email', () => {
    const brief = buildHandoffBrief({
      handoffId: 'h1',
      candidate: { id: 'c1', qualification: { ...blankQualification(), bant: BANT, score: 70, grade: 'B' }, bantCorrection: { need: { status: 'met', evidence: 'we need a CRM' } }, note: '  ' },
      lead: { id: 'l1', name: 'Pat', email: 'pat@x.test', title: null, company: 'X', country: null, stage: 'mql', source: 'web', campaign: null, channel: 'web_form' },
      account: null,
      ae: { id: 'UA1', name: 'Omar' },
      approvedBy: { id: 'U1', name: 'Ana' },
      approvedAt: new Date('2026-03-02T12:00:00Z'),
      conversation: conv,
      threadUrl: 'http://x/console/candidates/c1',
    });
    expect(brief.bant.need).toEqual({ status: 'met', evidence: 'we need a CRM' });
    expect(brief.need).toBe('we need a CRM');
    expect(brief.note).toBeNull();
    expect(brief.doNotAsk).toContain('need: stated ("we need a CRM")');
    const text = renderBriefText(brief);
    expect(text).toContain('Hi Omar,');
    expect(text).toContain('Ana approved a lead for you on 2026-03-02 12:00 UTC.');
    expect(text).toContain('Score: 70 (grade B)');
    expect(text).toContain('  Authority: not met ("my boss signs off")');
    expect(text).toContain('--- Pat wrote on 2026-03-02 11:00 UTC: Re: Hello');
    expect(text.indexOf('We wrote')).toBeLessThan(text.indexOf('Pat wrote'));
    expect(text).toContain('http://x/console/candidates/c1');
  });
});
