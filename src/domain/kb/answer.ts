import { contentTerms, termSet, type Term } from './terms.ts';
import type { Citation, GroundedAnswer, Passage, Retrieved } from './types.ts';

/**
 * The offline grounded answer: which retrieved passages really answer the question, and the
 * sentences of the best one that do, verbatim, with the passage cited. A passage is relevant only
 * when the vector similarity AND the content words agree: a high cosine from shared function words
 * ("do you", "what is") is not enough, and neither is one shared generic word ("support"). Pure.
 */

export interface RelevanceOptions {
  /** Least cosine similarity of question and passage; default 0.12 (the hashed vectors run low). */
  readonly minSimilarity: number;
  /** Least share of the question's content-word weight found in the passage; default 0.6. */
  readonly minCoverage: number;
  /** The same for a Chinese question (bigrams across word boundaries never match); default 0.6. */
  readonly minCoverageZh: number;
  /** Most sentences in an answer; default 3. */
  readonly maxSentences: number;
  /** Answer length above which no further sentence is added; characters, default 420. */
  readonly maxChars: number;
}

export const DEFAULT_RELEVANCE: RelevanceOptions = { minSimilarity: 0.12, minCoverage: 0.6, minCoverageZh: 0.6, maxSentences: 3, maxChars: 420 };

export interface Relevance {
  readonly similarity: number;
  /** Share (0..1) of the question's content-word weight that the passage contains. */
  readonly coverage: number;
  /** Topical (not generic) question words the passage contains. */
  readonly matched: readonly string[];
  /** Names in the question ("Pipedrive") the passage does not contain. */
  readonly missingNames: readonly string[];
  readonly relevant: boolean;
  /** For ranking relevant passages: similarity plus coverage. */
  readonly score: number;
}

const CJK_CHAR = /[\p{Script=Han}]/u;

function isChinese(text: string): boolean {
  const chars = [...text.replace(/\s+/g, '')];
  return chars.length > 0 && chars.filter((c) => CJK_CHAR.test(c)).length / chars.length > 0.3;
}

/** How relevant one passage is to a question whose terms are already known. */
export function relevanceOf(question: readonly Term[], zh: boolean, r: Retrieved, o: RelevanceOptions = DEFAULT_RELEVANCE): Relevance {
  const passageTerms = termSet(`${r.passage.heading}\n${r.passage.body}`);
  const headingTerms = termSet(r.passage.heading);
  const total = question.reduce((s, t) => s + t.weight, 0);
  let found = 0;
  let inHeading = 0;
  const matched: string[] = [];
  const missingNames: string[] = [];
  for (const t of question) {
    if (headingTerms.has(t.term)) inHeading += t.weight;
    if (passageTerms.has(t.term)) {
      found += t.weight;
      if (t.weight >= 1) matched.push(t.term);
    } else if (t.named) missingNames.push(t.term);
  }
  const coverage = total === 0 ? 0 : found / total;
  const headingShare = total === 0 ? 0 : inHeading / total;
  // A question of generic words only ("what is Baton?") is about a section named for (half of) them.
  const generic = question.length > 0 && question.every((t) => t.weight < 1);
  const lexical = generic
    ? headingShare >= 0.5
    : matched.length > 0 && missingNames.length === 0 && coverage >= (zh ? o.minCoverageZh : o.minCoverage);
  const relevant = lexical && r.similarity >= o.minSimilarity;
  // A question word in the section's heading says more than one in its body.
  return { similarity: r.similarity, coverage, matched, missingNames, relevant, score: r.similarity + coverage + 0.5 * headingShare };
}

/** The sentences of a passage body (list items and lines count as sentences), each verbatim. */
export function sentences(body: string): string[] {
  const out: string[] = [];
  for (const line of body.split(/\n+/)) {
    const item = line.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '').trim();
    if (!item || /^(```|~~~)/.test(item)) continue;
    // A full stop inside a token ("TLS 1.2", "v2.1", "example.com") does not end a sentence.
    for (const m of item.matchAll(/(?:[^.!?。！？]|[.!?](?!\s|$|[.!?]))+(?:[.!?]+(?=\s|$)|[。！？]+|$)/gu)) {
      const s = m[0].trim();
      if (s) out.push(s);
    }
  }
  return out;
}

function citationOf(p: Passage): Citation {
  return { passageId: p.id, documentId: p.documentId, title: p.title, heading: p.heading, anchor: p.anchor };
}

/** The 1..maxSentences sentences of the passage most about the question, in passage order. */
function extract(question: readonly Term[], passage: Passage, o: RelevanceOptions): string[] {
  const all = sentences(passage.body);
  const scored = all.map((s, i) => {
    const terms = termSet(s);
    const score = question.reduce((sum, t) => sum + (terms.has(t.term) ? t.weight : 0), 0);
    return { s, i, score };
  });
  const ranked = scored.filter((x) => x.score > 0).sort((a, b) => b.score - a.score || a.i - b.i);
  // Matched only through its heading: the passage's opening is its answer.
  const picked = ranked.length ? [ranked[0]!] : scored.slice(0, 1);
  let length = picked[0]?.s.length ?? 0;
  for (const next of ranked.slice(1)) {
    if (picked.length >= o.maxSentences || length >= o.maxChars / 2 || length + next.s.length > o.maxChars) break;
    picked.push(next);
    length += next.s.length;
  }
  if (picked.length === 1 && length < 80 && scored[picked[0]!.i + 1]) picked.push(scored[picked[0]!.i + 1]!);
  return picked.sort((a, b) => a.i - b.i).map((x) => x.s);
}

/**
 * The parts of a question that are asked separately: "Does it work with HubSpot, and how is it
 * priced?" is two questions, each with its own passage. Split at sentence ends, semicolons and a
 * comma followed by "and"/"also"; Chinese at 。？！；and "，还有".
 */
export function questionParts(question: string): string[] {
  return question
    .split(/[?!;？！；。]+|,\s*(?:and|also|plus)\s+|，(?:还有|另外|以及)/iu)
    .map((p) => p.trim())
    .filter((p) => contentTerms(p).length > 0);
}

/**
 * The grounded answer to a question from retrieved passages. No passage passing the relevance bar
 * for any part of the question: `no_answer`. Otherwise, for each part that one passes, the best
 * passage's most relevant sentences, each passage cited (a part nothing answers is left out).
 */
export function composeAnswer(
  question: string,
  retrieved: readonly Retrieved[],
  options: Partial<RelevanceOptions> & { readonly lang?: 'en' | 'zh' } = {},
): GroundedAnswer {
  if (retrieved.length === 0) return { kind: 'no_answer', reason: 'empty' };
  const o = { ...DEFAULT_RELEVANCE, ...options };
  const chosen: { passage: Passage; terms: readonly Term[] }[] = [];
  for (const { terms, ranked } of gate(question, retrieved, o, options.lang)) {
    const best = ranked[0];
    if (best && !chosen.some((c) => c.passage.id === best.id)) chosen.push({ passage: best, terms });
  }
  if (chosen.length === 0) return { kind: 'no_answer', reason: 'nothing_relevant' };
  const parts = chosen.map((c) => extract(c.terms, c.passage, o).join(isChinese(c.passage.body) ? '' : ' '));
  return { kind: 'answer', text: parts.join(isChinese(question) ? '' : ' '), sources: chosen.map((c) => citationOf(c.passage)) };
}

/** Each part of the question with its terms and the passages that pass the bar for it, best first. */
function gate(question: string, retrieved: readonly Retrieved[], o: RelevanceOptions, lang?: 'en' | 'zh'): { terms: Term[]; ranked: Passage[] }[] {
  const asked = lang ?? (isChinese(question) ? 'zh' : 'en');
  return questionParts(question).map((part) => {
    const terms = contentTerms(part);
    const ranked = retrieved
      .map((r) => ({ r, rel: relevanceOf(terms, isChinese(part), r, o) }))
      .filter((x) => x.rel.relevant)
      // A passage in the asker's language wins a close call: its sentences are quoted as they are.
      .map((x) => ({ p: x.r.passage, rank: x.rel.score + (isChinese(x.r.passage.body) === (asked === 'zh') ? 0.25 : 0) }))
      .sort((a, b) => b.rank - a.rank)
      .map((x) => x.p);
    return { terms, ranked };
  });
}

/**
 * Every retrieved passage that passes the relevance bar for some part of the question, most relevant
 * first, at most `limit`: what a model may write an answer from. Empty: nothing relevant.
 */
export function relevantPassages(
  question: string,
  retrieved: readonly Retrieved[],
  options: Partial<RelevanceOptions> & { readonly lang?: 'en' | 'zh'; readonly limit?: number } = {},
): Passage[] {
  const o = { ...DEFAULT_RELEVANCE, ...options };
  const lists = gate(question, retrieved, o, options.lang).map((g) => g.ranked);
  const out: Passage[] = [];
  // Round robin over the parts, so each part's best passage is in before any part's second.
  for (let i = 0; lists.some((l) => l[i]); i++) {
    for (const l of lists) {
      const p = l[i];
      if (p && !out.some((x) => x.id === p.id)) out.push(p);
    }
  }
  return out.slice(0, options.limit ?? 5);
}

/** Retrievals for the parts of a question as one list: each passage once, with its best similarity, best first. */
export function mergeRetrieved(lists: readonly (readonly Retrieved[])[]): Retrieved[] {
  const best = new Map<string, Retrieved>();
  for (const r of lists.flat()) {
    const seen = best.get(r.passage.id);
    if (!seen || r.similarity > seen.similarity) best.set(r.passage.id, r);
  }
  return [...best.values()].sort((a, b) => b.similarity - a.similarity);
}

/** Where an answer comes from, for a reader: "Security > Data residency; Pricing policy > Plans". */
export function sourceLabel(sources: readonly Citation[]): string {
  return [...new Set(sources.map((s) => s.heading))].join('; ');
}

/** An answer as chat and email show it: "…text… (Source: Security > Data residency)" or "…（来源：…）". */
export function answerText(answer: Extract<GroundedAnswer, { kind: 'answer' }>, lang: 'en' | 'zh'): string {
  const label = sourceLabel(answer.sources);
  return lang === 'zh' ? `${answer.text}（来源：${label}）` : `${answer.text} (Source: ${label})`;
}
