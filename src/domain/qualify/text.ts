import type { QuestionTopic } from './extract/question-topic.ts';

/** Where a sentence came from: the reply body, its signature, or an earlier lead-authored thread message. */
export type SentenceSource = 'reply' | 'signature' | 'thread';

export interface Sentence {
  /** Verbatim text, trimmed; always a substring of the source text. */
  readonly text: string;
  /** Same length as `text`, lower-cased with typographic quotes and full-width forms folded, for matching. */
  readonly norm: string;
  readonly source: SentenceSource;
  /** Position among all sentences of the analysis, reply first. */
  readonly order: number;
  readonly isQuestion: boolean;
  /** The topic of our question that the message holding this sentence answers (chat); absent when we asked nothing. */
  readonly answers?: QuestionTopic;
}

const FOLD: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\uff0c': ',',
  '\uff1a': ':',
  '\uff1f': '?',
  '\uff01': '!',
  '\uff08': '(',
  '\uff09': ')',
  '\uff05': '%',
  '\uff04': '$',
  '\u00a0': ' ',
  '\u3000': ' ',
};

/**
 * Lower-case and fold typographic forms one character for one character, so offsets found in the
 * folded text are offsets in the original and evidence stays verbatim.
 */
export function fold(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xff10 && code <= 0xff19) out += String.fromCharCode(code - 0xff10 + 48);
    else out += FOLD[ch] ?? ch.toLowerCase();
  }
  // toLowerCase can change length for a few letters (e.g. U+0130); fall back to the unfolded text then.
  return out.length === s.length ? out : s;
}

/** Whitespace-insensitive form used for evidence checks. */
export function squash(s: string): string {
  return s.replace(/\s+/g, '');
}

// A period ends a sentence unless it closes a title or common abbreviation ("Dr. Patel", "e.g. this").
const SPLIT =
  /(?<=[。！？!?；;])|(?<![^\w]?(?:\b(?:mr|mrs|ms|dr|prof|st|vs|inc|ltd|co|jr|sr|no|approx|dept|e\.g|i\.e|etc|est|ext|fig|mt|ft|corp))\.)(?<=[^\d.\s]\.)(?=\s)|(?<=\d\.)(?=\s+[A-Z])|\n+/iu;

/** Split a text into trimmed sentences; newlines, CJK and Latin sentence marks all end a sentence. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const piece of text.split(SPLIT)) {
    const t = piece.trim();
    if (t.length > 0 && /[\p{L}\p{N}]/u.test(t)) out.push(t);
  }
  return out;
}

export function makeSentences(text: string, source: SentenceSource, startOrder: number, answers?: QuestionTopic | null): Sentence[] {
  return splitSentences(text).map((t, i) => ({
    text: t,
    norm: fold(t),
    source,
    order: startOrder + i,
    isQuestion: isQuestionSentence(t),
    ...(answers ? { answers } : {}),
  }));
}

const QUESTION_START =
  /^(?:and |also |so |but |quick question:? |just )?(?:does|do|can|could|is|are|was|were|will|would|should|how|what|which|where|when|who|whom|whose|why|have|has|any chance|is there|are there)\b/i;
const ZH_QUESTION = /(吗|呢|么|是否|能否|可否|有没有|是不是|能不能|可不可以|会不会|支不支持|多少|怎么|怎样|如何|哪些|哪个|什么|几|请问|想问|想了解)/;

export function isQuestionSentence(t: string): boolean {
  if (/[?？]\s*[)"'\]]?\s*$/.test(t) || /[?？]/.test(t)) return true;
  if (QUESTION_START.test(t.trim())) return true;
  return ZH_QUESTION.test(t) && /(吗|呢|么)[。.!！]?\s*$|是否|能否|请问|想问/.test(t);
}

/** True when a text is mostly CJK, used to pick the language when the case does not say. */
export function looksChinese(text: string): boolean {
  const cjk = text.match(/[\u4e00-\u9fff]/g)?.length ?? 0;
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  return cjk > 0 && cjk * 2 >= latin * 0.5;
}

/** Find the first regex match in any of the sentences, newest (lowest order) first. */
export function firstMatch(sentences: readonly Sentence[], patterns: readonly RegExp[]): { sentence: Sentence; match: RegExpExecArray } | null {
  for (const s of sentences) {
    for (const p of patterns) {
      const m = p.exec(s.norm);
      if (m) return { sentence: s, match: m };
    }
  }
  return null;
}

export function anyMatch(text: string, patterns: readonly RegExp[]): boolean {
  return patterns.some((p) => p.test(text));
}
