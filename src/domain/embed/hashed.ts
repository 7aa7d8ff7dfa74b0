/**
 * The offline embedder: a deterministic text vector without a model download, so similar-candidate
 * search (and later the knowledge base) works on a fresh clone. Feature hashing of word unigrams and
 * character trigrams (Latin, Cyrillic and other spaced scripts) and of character unigrams and bigrams
 * (Chinese, Japanese, Korean, which do not separate words with spaces), each feature added with a
 * sign from a second hash so that collisions cancel out on average instead of piling up, then
 * L2-normalised so that the dot product is the cosine. Pure: no I/O.
 */

/** The model name stored beside each vector; bump it whenever the features below change. */
export const OFFLINE_EMBEDDING_MODEL = 'hash-256';
/** Vector width; the embeddings table has an HNSW expression index at this width (migration 0001). */
export const OFFLINE_EMBEDDING_DIMS = 256;

// Word-level features carry most of the meaning; trigrams add robustness to inflection and typos.
const WORD_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.5;
const CJK_CHAR_WEIGHT = 0.5;
const CJK_BIGRAM_WEIGHT = 1;

/** Han, kana and Hangul: scripts whose "words" are runs of characters without spaces. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** A run of letters or digits (apostrophes inside words kept: "don't"). */
const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** 32-bit FNV-1a over UTF-16 code units, with a seed so one string yields independent hashes. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function add(vec: Float64Array, feature: string, weight: number): void {
  const slot = fnv1a(feature, 0) % vec.length;
  const sign = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1;
  vec[slot] = (vec[slot] ?? 0) + sign * weight;
}

/** Splits a token into its CJK runs and its other runs: "用Slack审批" -> ["用", "Slack", "审批"]. */
function splitScripts(token: string): { text: string; cjk: boolean }[] {
  const out: { text: string; cjk: boolean }[] = [];
  for (const ch of token) {
    const cjk = CJK.test(ch);
    const last = out.at(-1);
    if (last && last.cjk === cjk) last.text += ch;
    else out.push({ text: ch, cjk });
  }
  return out;
}

/** The hashed features of a text, before normalisation; exported for tests and for other widths. */
export function hashedFeatures(text: string, dims: number = OFFLINE_EMBEDDING_DIMS): Float64Array {
  if (!Number.isInteger(dims) || dims < 1) throw new RangeError(`dims must be a positive integer, got ${dims}`);
  const vec = new Float64Array(dims);
  const normalised = text.normalize('NFKC').toLowerCase();
  for (const token of normalised.match(TOKEN) ?? []) {
    for (const part of splitScripts(token)) {
      if (part.cjk) {
        const chars = [...part.text];
        chars.forEach((c, i) => {
          add(vec, `c:${c}`, CJK_CHAR_WEIGHT);
          const next = chars[i + 1];
          if (next !== undefined) add(vec, `b:${c}${next}`, CJK_BIGRAM_WEIGHT);
        });
      } else {
        add(vec, `w:${part.text}`, WORD_WEIGHT);
        const padded = `^${part.text}$`;
        const chars = [...padded];
        for (let i = 0; i + 3 <= chars.length; i++) add(vec, `t:${chars.slice(i, i + 3).join('')}`, TRIGRAM_WEIGHT);
      }
    }
  }
  return vec;
}

/**
 * The unit-length 256-dim vector of a text. A text without letters or digits has no features: its
 * vector is all zeros (cosine is undefined for it), so callers should not store or search with it
 * (see isZeroVector).
 */
export function embedText(text: string): number[] {
  const vec = hashedFeatures(text);
  let norm = 0;
  for (const v of vec) norm += v * v;
  norm = Math.sqrt(norm);
  return Array.from(vec, (v) => (norm === 0 ? 0 : v / norm));
}

/** True for the vector of a text with nothing to embed. */
export function isZeroVector(vector: readonly number[]): boolean {
  return vector.every((v) => v === 0);
}

/** Cosine similarity of two vectors of one width (0 when either is all zeros). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`vectors differ in width: ${a.length} and ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
