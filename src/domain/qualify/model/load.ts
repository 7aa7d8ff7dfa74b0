import { readFileSync } from 'node:fs';
import { IntentWeights } from './intent-model.ts';

/**
 * The shipped intent weights, read once when this module is first imported. The file lives beside
 * this module and is rewritten only by `npx tsx evals/train/train-intent.ts`.
 */
export const INTENT_WEIGHTS_FILE = new URL('./intent-weights.json', import.meta.url);

export const SHIPPED_INTENT_WEIGHTS: IntentWeights = IntentWeights.parse(JSON.parse(readFileSync(INTENT_WEIGHTS_FILE, 'utf8')));
