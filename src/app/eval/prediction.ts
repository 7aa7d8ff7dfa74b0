import type { Qualification } from '../../domain/qualify/types.ts';

type Status = 'met' | 'not_met' | 'unknown';

/** A predicted criterion in the order FORMAT.md prints it. */
export interface PredictedCriterion {
  status: Status;
  evidence?: string;
  amount?: number;
  currency?: string;
  within_days?: number;
  role?: string;
}

export interface Predicted {
  intent: Qualification['intent'];
  bant: { budget: PredictedCriterion; authority: PredictedCriterion; need: PredictedCriterion; timeline: PredictedCriterion };
  mql: boolean;
  score: number;
  referral?: { name?: string; email?: string };
}

/** One line of the predictions file (../shared/evals/prediction.schema.json). */
export interface PredictionLine {
  id: string;
  predicted: Predicted | null;
  latency_ms: number;
  usage?: { input_tokens: number; output_tokens: number };
  error: string | null;
  /** Model cost of this line in USD; kept for the metrics, not written to the file (FORMAT.md has no field for it). */
  cost_usd?: number;
}

function criterion(c: { status: Status; evidence?: string | undefined; amount?: number | undefined; currency?: string | undefined; within_days?: number | undefined; role?: string | undefined }): PredictedCriterion {
  const out: PredictedCriterion = { status: c.status };
  if (c.evidence !== undefined) out.evidence = c.evidence;
  if (c.amount !== undefined) out.amount = c.amount;
  if (c.currency !== undefined) out.currency = c.currency;
  if (c.within_days !== undefined) out.within_days = c.within_days;
  if (c.role !== undefined) out.role = c.role;
  return out;
}

/** The contract's view of a Qualification: intent, BANT, mql, score, referral. */
export function toPredicted(q: Qualification): Predicted {
  const p: Predicted = {
    intent: q.intent,
    bant: {
      budget: criterion(q.bant.budget),
      authority: criterion(q.bant.authority),
      need: criterion(q.bant.need),
      timeline: criterion(q.bant.timeline),
    },
    mql: q.mql,
    score: q.score,
  };
  if (q.referral) p.referral = { ...q.referral };
  return p;
}

export function formatPredictionLine(p: PredictionLine): string {
  const ordered: PredictionLine = { id: p.id, predicted: p.predicted, latency_ms: p.latency_ms, ...(p.usage ? { usage: p.usage } : {}), error: p.error };
  return JSON.stringify(ordered);
}
