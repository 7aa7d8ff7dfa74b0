import { toBatonError } from '../../domain/errors.ts';
import type { QualificationEngine, QualifyInput } from '../../domain/qualify/types.ts';
import type { CaseLine, EvalCase } from './case.ts';
import { toPredicted, type PredictionLine } from './prediction.ts';

/** Millisecond clock for latency; injected so tests are deterministic. */
export type Clock = () => number;

export function caseToInput(c: EvalCase): QualifyInput {
  const input: QualifyInput = { reply: c.reply, date: c.date, channel: c.channel };
  if (c.thread) input.thread = c.thread;
  if (c.lead) input.lead = c.lead;
  if (c.lang === 'en' || c.lang === 'zh') input.lang = c.lang;
  return input;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Run every case through the engine in file order; a bad line or a thrown case still yields a line. */
export async function runCases(lines: readonly CaseLine[], engine: QualificationEngine, clock: Clock): Promise<PredictionLine[]> {
  const out: PredictionLine[] = [];
  for (const line of lines) {
    if ('error' in line) {
      out.push({ id: line.id, predicted: null, latency_ms: 0, error: line.error });
      continue;
    }
    const t0 = clock();
    try {
      const q = await engine.qualify(caseToInput(line.case));
      const p: PredictionLine = { id: line.id, predicted: toPredicted(q), latency_ms: round(clock() - t0), error: null };
      if (q.usage) {
        p.usage = { input_tokens: q.usage.input_tokens, output_tokens: q.usage.output_tokens };
        p.cost_usd = q.usage.cost_usd;
      }
      out.push(p);
    } catch (e) {
      const err = toBatonError(e);
      out.push({ id: line.id, predicted: null, latency_ms: round(clock() - t0), error: `${err.code}: ${err.message}` });
    }
  }
  return out;
}
