import { separateOwnWords } from '../../domain/qualify/own-words.ts';
import { INTENTS, type Intent } from '../../domain/qualify/types.ts';
import { isGrounded } from '../../domain/qualify/verify.ts';
import type { CaseLine, EvalCase } from './case.ts';
import type { PredictionLine } from './prediction.ts';

export const CRITERIA = ['budget', 'authority', 'need', 'timeline'] as const;
export type Criterion = (typeof CRITERIA)[number];

export interface BinaryScores {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface Metrics {
  dataset: string | null;
  engine: string;
  cases: number;
  /** Lines that yielded no prediction (unreadable case or engine failure); scored as wrong. */
  errors: number;
  intent: {
    accuracy: number;
    /** Mean F1 over the nine intents that occur in the labels or the predictions. */
    macro_f1: number;
    per_intent: Record<Intent, BinaryScores & { support: number }>;
    /** confusion[expected][predicted]; "error" is a line without a prediction. */
    confusion: Record<Intent, Record<Intent | 'error', number>>;
  };
  bant: Record<Criterion, { accuracy: number } & BinaryScores>;
  bant_macro_f1: number;
  mql: { accuracy: number } & BinaryScores;
  grounding: { share: number | null; grounded: number; checked: number };
  values: {
    budget_amount: { rate: number | null; matched: number; labelled: number };
    within_days: { rate: number | null; matched: number; labelled: number };
  };
  latency_ms: { p50: number; p95: number; mean: number; max: number };
  usage: { model_cases: number; input_tokens_per_case: number; output_tokens_per_case: number; cost_per_case_usd: number | null };
}

/** USD per million tokens, for cost per case when a model was called. */
export interface TokenPrice {
  input_per_million: number;
  output_per_million: number;
}

function binary(tp: number, fp: number, fn: number): BinaryScores {
  // With nothing to find and nothing claimed, precision and recall are perfect, not undefined.
  const precision = tp + fp === 0 ? (fn === 0 ? 1 : 0) : tp / (tp + fp);
  const recall = tp + fn === 0 ? (fp === 0 ? 1 : 0) : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision: r4(precision), recall: r4(recall), f1: r4(f1), tp, fp, fn };
}

function r6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function r4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.max(0, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.min(idx, sorted.length - 1)] ?? 0;
}

function emptyConfusion(): Record<Intent, Record<Intent | 'error', number>> {
  const m = {} as Record<Intent, Record<Intent | 'error', number>>;
  for (const e of INTENTS) {
    const row = { error: 0 } as Record<Intent | 'error', number>;
    for (const p of INTENTS) row[p] = 0;
    m[e] = row;
  }
  return m;
}

/** Whether a predicted evidence span is found in the lead's own words, lead thread messages or lead record. */
export function evidenceGrounded(c: EvalCase, evidence: string | undefined): boolean {
  const own = separateOwnWords(c.reply, c.lead?.name);
  const ownWords = own.signature ? `${own.body}\n${own.signature}` : own.body;
  const leadThread = (c.thread ?? []).filter((m) => m.from === 'lead').map((m) => m.text);
  return isGrounded(evidence, { ownWords, leadThread, lead: c.lead });
}

/**
 * The FORMAT.md metrics. Cases and predictions are matched by position (the runner keeps file order);
 * a line whose case could not be read is counted as an error and left out of the label metrics,
 * since it has no labels to score against.
 */
export function computeMetrics(
  lines: readonly CaseLine[],
  predictions: readonly PredictionLine[],
  opts: { dataset?: string; engine: string; price?: TokenPrice },
): Metrics {
  const confusion = emptyConfusion();
  let intentCorrect = 0;
  let scored = 0;
  const bantCounts = Object.fromEntries(CRITERIA.map((k) => [k, { correct: 0, tp: 0, fp: 0, fn: 0 }])) as Record<Criterion, { correct: number; tp: number; fp: number; fn: number }>;
  const mql = { correct: 0, tp: 0, fp: 0, fn: 0 };
  let grounded = 0;
  let checked = 0;
  const amount = { matched: 0, labelled: 0 };
  const days = { matched: 0, labelled: 0 };
  let errors = 0;
  let inTok = 0;
  let outTok = 0;
  let modelCases = 0;
  let cost = 0;
  let costKnown = false;

  lines.forEach((line, i) => {
    const pred = predictions[i];
    if (!pred || pred.predicted === null) errors++;
    if (pred?.usage) {
      modelCases++;
      inTok += pred.usage.input_tokens;
      outTok += pred.usage.output_tokens;
    }
    if (pred?.cost_usd !== undefined) {
      cost += pred.cost_usd;
      costKnown = true;
    }
    if ('error' in line) return;
    const c = line.case;
    const p = pred?.predicted ?? null;
    scored++;
    const exp = c.expected;
    if (p) {
      confusion[exp.intent][p.intent]++;
      if (p.intent === exp.intent) intentCorrect++;
    } else {
      confusion[exp.intent].error++;
    }
    for (const k of CRITERIA) {
      const e = exp.bant[k].status;
      const got = p?.bant[k].status ?? null;
      const b = bantCounts[k];
      if (got === e) b.correct++;
      // A missing prediction is wrong both ways: it misses a met and claims one that is not.
      const predMet = got === null ? e !== 'met' : got === 'met';
      if (e === 'met' && predMet) b.tp++;
      else if (e === 'met') b.fn++;
      else if (predMet) b.fp++;
      if (p && p.bant[k].status !== 'unknown') {
        checked++;
        if (evidenceGrounded(c, p.bant[k].evidence)) grounded++;
      }
    }
    const predMql = p === null ? !exp.mql : p.mql;
    if (predMql === exp.mql && p !== null) mql.correct++;
    if (exp.mql && predMql) mql.tp++;
    else if (exp.mql) mql.fn++;
    else if (predMql) mql.fp++;

    const eb = exp.bant.budget;
    if (eb.amount !== undefined) {
      amount.labelled++;
      const pb = p?.bant.budget;
      const sameCurrency = eb.currency === undefined || pb?.currency === eb.currency;
      if (pb?.amount !== undefined && sameCurrency && Math.abs(pb.amount - eb.amount) <= 0.01 * Math.max(eb.amount, 1e-9)) amount.matched++;
    }
    const et = exp.bant.timeline.within_days;
    if (et !== undefined) {
      days.labelled++;
      const pt = p?.bant.timeline.within_days;
      if (pt !== undefined && Math.abs(pt - et) <= 31) days.matched++;
    }
  });

  const perIntent = {} as Record<Intent, BinaryScores & { support: number }>;
  const f1s: number[] = [];
  for (const intent of INTENTS) {
    const tp = confusion[intent][intent];
    const support = INTENTS.reduce((s, p) => s + confusion[intent][p], 0) + confusion[intent].error;
    const predicted = INTENTS.reduce((s, e) => s + confusion[e][intent], 0);
    const scores = binary(tp, predicted - tp, support - tp);
    perIntent[intent] = { ...scores, support };
    if (support > 0 || predicted > 0) f1s.push(scores.f1);
  }
  const bant = {} as Metrics['bant'];
  for (const k of CRITERIA) {
    const b = bantCounts[k];
    bant[k] = { accuracy: scored ? r4(b.correct / scored) : 0, ...binary(b.tp, b.fp, b.fn) };
  }
  const latencies = predictions.map((p) => p.latency_ms);
  const n = lines.length;
  const price = opts.price;
  return {
    dataset: opts.dataset ?? null,
    engine: opts.engine,
    cases: n,
    errors,
    intent: {
      accuracy: scored ? r4(intentCorrect / scored) : 0,
      macro_f1: f1s.length ? r4(f1s.reduce((a, b) => a + b, 0) / f1s.length) : 0,
      per_intent: perIntent,
      confusion,
    },
    bant,
    bant_macro_f1: r4(CRITERIA.reduce((s, k) => s + bant[k].f1, 0) / CRITERIA.length),
    mql: { accuracy: scored ? r4(mql.correct / scored) : 0, ...binary(mql.tp, mql.fp, mql.fn) },
    grounding: { share: checked ? r4(grounded / checked) : null, grounded, checked },
    values: {
      budget_amount: { rate: amount.labelled ? r4(amount.matched / amount.labelled) : null, ...amount },
      within_days: { rate: days.labelled ? r4(days.matched / days.labelled) : null, ...days },
    },
    latency_ms: {
      p50: r4(percentile(latencies, 0.5)),
      p95: r4(percentile(latencies, 0.95)),
      mean: latencies.length ? r4(latencies.reduce((a, b) => a + b, 0) / latencies.length) : 0,
      max: r4(Math.max(0, ...latencies)),
    },
    usage: {
      model_cases: modelCases,
      input_tokens_per_case: n ? r4(inTok / n) : 0,
      output_tokens_per_case: n ? r4(outTok / n) : 0,
      cost_per_case_usd: !modelCases || !n ? null : costKnown ? r6(cost / n) : price ? r6((inTok * price.input_per_million + outTok * price.output_per_million) / 1e6 / n) : null,
    },
  };
}
