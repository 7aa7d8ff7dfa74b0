import { z } from 'zod';
import { INTENTS, type Intent } from '../types.ts';
import { intentFeatures } from './features.ts';

/**
 * A multinomial logistic regression over `intentFeatures`, trained by evals/train/train-intent.ts
 * on the team's labelled cases and paraphrases. Weights are integers (thousandths) to keep the file
 * small and the arithmetic exact across platforms.
 */
export const IntentWeights = z
  .object({
    version: z.string().describe('training data and feature version, recorded in flags'),
    scale: z.number().positive().describe('weights are stored multiplied by this'),
    classes: z.array(z.enum(INTENTS)).min(2).describe('the intents the model scores, in weight order'),
    bias: z.array(z.number()).describe('one bias per class'),
    weights: z.record(z.string(), z.array(z.number())).describe('feature -> one weight per class'),
  })
  .refine((w) => w.bias.length === w.classes.length && Object.values(w.weights).every((v) => v.length === w.classes.length), {
    message: 'every weight vector must have one entry per class',
  });
export type IntentWeights = z.infer<typeof IntentWeights>;

export interface IntentScores {
  /** Intents sorted by probability, highest first. */
  readonly ranked: readonly { readonly intent: Intent; readonly p: number }[];
}

/** Probabilities of each modelled intent for a text; pure. */
export function scoreIntent(model: IntentWeights, text: string): IntentScores {
  const logits = model.bias.map((b) => b / model.scale);
  for (const f of intentFeatures(text)) {
    const w = model.weights[f];
    if (!w) continue;
    for (let k = 0; k < logits.length; k++) logits[k] = (logits[k] ?? 0) + (w[k] ?? 0) / model.scale;
  }
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  const ranked = model.classes.map((intent, k) => ({ intent, p: (exps[k] ?? 0) / total })).sort((a, b) => b.p - a.p || a.intent.localeCompare(b.intent));
  return { ranked };
}
