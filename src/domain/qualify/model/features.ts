import { fold } from '../text.ts';

/**
 * Features for the learned intent model: English word unigrams and bigrams with negation marking,
 * Chinese character 1-3-grams, and a few shape features. Pure and deterministic; the training
 * script (evals/train/train-intent.ts) and the engine call the same function, so the two can
 * never drift apart.
 */

// Contractions are spelt out so "don't", "do not" and "dont" give the same tokens.
const CONTRACTIONS: readonly [RegExp, string][] = [
  [/\bcan't\b|\bcannot\b|\bcant\b/g, 'can not'],
  [/\bwon't\b|\bwont\b/g, 'will not'],
  [/\bshan't\b/g, 'shall not'],
  [/n't\b/g, ' not'],
  [/\b(do|does|did|is|are|was|were|would|could|should|have|has)nt\b/g, '$1 not'],
  [/'re\b/g, ' are'],
  [/'ll\b/g, ' will'],
  [/'ve\b/g, ' have'],
  [/'d\b/g, ' would'],
  [/'m\b/g, ' am'],
  [/'s\b/g, ''],
];

const NEGATORS = new Set(['not', 'no', 'never', 'without', 'nor', 'nothing', 'none', 'neither']);
/** Negation reaches this many following words, or to the next punctuation mark. */
const NEGATION_SCOPE = 3;

function englishTokens(text: string): string[][] {
  let t = text;
  for (const [re, rep] of CONTRACTIONS) t = t.replace(re, rep);
  // Clauses: negation and bigrams do not cross punctuation.
  return t
    .split(/[.,;:!?()"\n\u3002\uff1b]+/)
    .map((clause) =>
      (clause.match(/[a-z][a-z0-9'-]*|\d+(?:[.,]\d+)*|[$€£¥]/g) ?? []).map((w) => (/^\d/.test(w) ? '<num>' : w.replace(/'+$/, ''))),
    )
    .filter((c) => c.length > 0);
}

/** Feature strings present in a text (a set: presence, not counts). */
export function intentFeatures(text: string): string[] {
  const norm = fold(text);
  const out = new Set<string>();
  for (const clause of englishTokens(norm.replace(/[\u4e00-\u9fff]+/g, ' . '))) {
    let scope = 0;
    const marked: string[] = [];
    for (const w of clause) {
      if (NEGATORS.has(w)) {
        marked.push(w);
        scope = NEGATION_SCOPE;
        continue;
      }
      marked.push(scope > 0 ? `!${w}` : w);
      if (scope > 0) scope--;
    }
    marked.forEach((w, i) => {
      out.add(`w:${w}`);
      const next = marked[i + 1];
      if (next !== undefined) out.add(`b:${w} ${next}`);
    });
    if (marked[0] !== undefined) out.add(`s:${marked[0]}`);
  }
  for (const run of norm.match(/[\u4e00-\u9fff]+/g) ?? []) {
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      for (let n = 1; n <= 3 && i + n <= chars.length; n++) out.add(`c:${chars.slice(i, i + n).join('')}`);
    }
    out.add(`c:^${chars[0] ?? ''}`);
  }
  if (/[?？]/.test(norm)) out.add('f:question_mark');
  if (/[!！]/.test(norm)) out.add('f:exclaim');
  const words = norm.split(/\s+/).filter((w) => w !== '').length + (norm.match(/[\u4e00-\u9fff]/g)?.length ?? 0) / 2;
  out.add(words <= 6 ? 'f:len_short' : words <= 25 ? 'f:len_mid' : 'f:len_long');
  if (/@[\w-]+\.\w+/.test(norm)) out.add('f:email_address');
  return [...out].sort();
}
