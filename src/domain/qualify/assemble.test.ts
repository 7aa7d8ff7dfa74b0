import { describe, expect, it } from 'vitest';
import { assembleQualification } from './assemble.ts';
import { HybridEngine } from './engine.hybrid.ts';
import type { Qualification, QualifyInput } from './types.ts';
import { ScriptedEngine, blankQualification } from '../../testing/engines.ts';

const engine = { name: 'openai', version: 't', model: 'm', prompt_version: 'p' };
const input: QualifyInput = {
  reply: 'We have $40k approved and need this live by June.\n\nOn Mon, Mar 2, 2026, Aiden wrote:\n> Most teams spend $90k.',
  thread: [{ from: 'lead', text: 'Our reps waste hours routing leads.' }, { from: 'us', text: 'We go live in 30 days.' }],
  lead: { title: 'VP Sales', company: 'Kestrel' },
  date: '2026-03-02',
  channel: 'email',
};

describe('assembleQualification', () => {
  it('keeps grounded evidence from own words, lead messages and the record, and applies the MQL rule', () => {
    const q = assembleQualification(
      input,
      {
        intent: 'interested',
        bant: {
          budget: { status: 'met', evidence: 'We have $40k approved', amount: 40000, currency: 'USD' },
          authority: { status: 'met', evidence: 'VP Sales', role: 'VP Sales' },
          need: { status: 'met', evidence: 'Our reps waste  hours routing leads' },
          timeline: { status: 'unknown' },
        },
        confidence: 0.9,
        flags: [],
      },
      engine,
    );
    expect(q.bant.budget.status).toBe('met');
    expect(q.bant.authority.status).toBe('met');
    expect(q.bant.need.status).toBe('met'); // whitespace may differ
    expect(q.mql).toBe(true);
    expect(q.reasons.map((r) => r.signal)).toEqual(expect.arrayContaining([expect.stringContaining('budget')]));
    expect(q.engine).toEqual(engine);
  });

  it('drops evidence quoted from our own outreach or invented, and the criterion falls back to unknown', () => {
    const q = assembleQualification(
      input,
      {
        intent: 'interested',
        bant: {
          budget: { status: 'met', evidence: 'Most teams spend $90k', amount: 90000, currency: 'USD' },
          authority: { status: 'unknown' },
          need: { status: 'met', evidence: 'they desperately need us' },
          timeline: { status: 'met', evidence: 'We go live in 30 days', within_days: 30 },
        },
        confidence: 0.9,
        flags: [],
      },
      engine,
    );
    expect(q.bant.budget).toEqual({ status: 'unknown' });
    expect(q.bant.need).toEqual({ status: 'unknown' });
    expect(q.bant.timeline).toEqual({ status: 'unknown' });
    expect(q.flags).toEqual(['evidence_dropped:budget', 'evidence_dropped:need', 'evidence_dropped:timeline']);
    expect(q.mql).toBe(false);
  });

  it('never makes an MQL of an opt-out, however much BANT is met', () => {
    const bant = {
      budget: { status: 'met' as const, evidence: 'We have $40k approved' },
      authority: { status: 'met' as const, evidence: 'VP Sales' },
      need: { status: 'unknown' as const },
      timeline: { status: 'unknown' as const },
    };
    expect(assembleQualification(input, { intent: 'unsubscribe', bant, confidence: 1, flags: [] }, engine).mql).toBe(false);
    expect(assembleQualification(input, { intent: 'question', bant, confidence: 1, flags: [] }, engine).mql).toBe(true);
  });
});

describe('HybridEngine', () => {
  const answer = (name: string, confidence: number): Qualification => ({ ...blankQualification({ name }), confidence });

  it('keeps the offline answer when it is sure, and asks the model only when it is not', async () => {
    const model = new ScriptedEngine('openai', () => answer('openai', 0.9));
    const sure = new HybridEngine(new ScriptedEngine('offline', () => answer('offline', 0.95)), model, 0.7);
    const q1 = await sure.qualify(input);
    expect(q1.engine.name).toBe('offline');
    expect(q1.flags).toContain('hybrid:offline');
    expect(model.inputs).toHaveLength(0);

    const unsure = new HybridEngine(new ScriptedEngine('offline', () => answer('offline', 0.4)), model, 0.7);
    const q2 = await unsure.qualify(input);
    expect(q2.engine.name).toBe('openai');
    expect(q2.flags).toEqual(expect.arrayContaining(['hybrid:model', 'hybrid:offline_confidence=0.40']));
    expect(model.inputs).toHaveLength(1);
  });
});
