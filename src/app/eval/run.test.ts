import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.ts';
import { blankQualification, ScriptedEngine } from '../../testing/engines.ts';
import { parseCaseLines } from './case.ts';
import { formatPredictionLine } from './prediction.ts';
import { runCases } from './run.ts';

const base = { lang: 'en', channel: 'email', date: '2026-03-02', expected: { intent: 'question', bant: { budget: { status: 'unknown' }, authority: { status: 'unknown' }, need: { status: 'unknown' }, timeline: { status: 'unknown' } }, mql: false } };

describe('runCases', () => {
  it('writes one line per case in order, with an error line for bad input and for a throwing engine', async () => {
    const text = [JSON.stringify({ ...base, id: 'ok', reply: 'fine' }), 'not json', JSON.stringify({ ...base, id: 'boom', reply: 'explode' })].join('\n');
    const engine = new ScriptedEngine('scripted', (input) => {
      if (input.reply === 'explode') throw new ValidationError('cannot read this');
      return blankQualification();
    });
    let t = 0;
    const preds = await runCases(parseCaseLines(text), engine, () => (t += 2));
    expect(preds.map((p) => p.id)).toEqual(['ok', 'line-2', 'boom']);
    expect(preds[0]).toMatchObject({ predicted: { intent: 'question', mql: false, score: 0 }, latency_ms: 2, error: null });
    expect(preds[1]).toMatchObject({ predicted: null, error: expect.stringMatching(/not valid JSON/) });
    expect(preds[2]).toMatchObject({ predicted: null, error: 'VALIDATION_FAILED: cannot read this' });
    expect(engine.inputs[0]).toEqual({ reply: 'fine', date: '2026-03-02', channel: 'email', lang: 'en' });
  });

  it('prints a line in FORMAT.md key order and leaves usage out when no model ran', () => {
    const line = formatPredictionLine({ error: null, latency_ms: 1, predicted: null, id: 'x', cost_usd: 0.1 });
    expect(line).toBe('{"id":"x","predicted":null,"latency_ms":1,"error":null}');
    const withUsage = formatPredictionLine({ id: 'y', predicted: null, latency_ms: 2, usage: { input_tokens: 3, output_tokens: 4 }, error: null });
    expect(Object.keys(JSON.parse(withUsage) as object)).toEqual(['id', 'predicted', 'latency_ms', 'usage', 'error']);
  });
});
