import { ModelBehaviorError } from '../errors.ts';
import type { Citation, GroundedAnswer, Passage } from './types.ts';

/**
 * The model path of a grounded answer: a model writes the answer only from numbered passages and
 * names the numbers it used. The model is never trusted on that: `checkModelAnswer` refuses an
 * answer that cites nothing or a number that was not offered, and the caller then falls back to
 * the extractive answer. Pure.
 */

/** What a model writer returns: its text and the passage numbers (1-based) it rests on. */
export interface ModelDraft {
  readonly text: string;
  readonly cited: readonly number[];
}

/** Writes an answer from numbered passages only (passage 1 is `passages[0]`). */
export interface ModelAnswerer {
  /** Recorded for logs, e.g. `gpt-4o-mini`. */
  readonly model: string;
  write(question: string, passages: readonly Passage[], lang: 'en' | 'zh'): Promise<ModelDraft>;
}

const citation = (p: Passage): Citation => ({ passageId: p.id, documentId: p.documentId, title: p.title, heading: p.heading, anchor: p.anchor });

/** The draft as an answer citing the passages it named; a ModelBehaviorError when it cites none, or one not offered, or says nothing. */
export function checkModelAnswer(draft: ModelDraft, passages: readonly Passage[]): Extract<GroundedAnswer, { kind: 'answer' }> {
  // Numbers belong in `cited`; markers such as [1] left in the text are dropped.
  const text = draft.text.replace(/\s*\[\d+(?:\s*,\s*\d+)*\]/g, '').trim();
  if (!text) throw new ModelBehaviorError('the model wrote an empty answer');
  if (draft.cited.length === 0) throw new ModelBehaviorError('the model cited no passage');
  const bad = draft.cited.filter((n) => !Number.isInteger(n) || n < 1 || n > passages.length);
  if (bad.length) throw new ModelBehaviorError(`the model cited passages that were not offered: ${bad.join(', ')} (offered 1..${passages.length})`, { cited: [...draft.cited] });
  const used = [...new Set(draft.cited)].sort((a, b) => a - b);
  return { kind: 'answer', text, sources: used.map((n) => citation(passages[n - 1]!)) };
}
