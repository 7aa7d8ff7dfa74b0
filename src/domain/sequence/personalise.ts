import type { Usage } from '../qualify/types.ts';
import type { TemplateField, TemplateValues } from './template.ts';

/**
 * Personalised first lines for sequence emails (`personalise: true` on an email step). A model may
 * write ONE sentence from the lead record; nothing it writes goes out unless `groundedOpener` finds
 * every name, number and other specific in the facts or the template text. When in doubt the email
 * goes out as the template wrote it: a missing opener costs little, an invented one costs the lead.
 *
 * The lead's email address is never a fact: it tells the model nothing it may write, and it would put
 * personal data in a third party's request. `personaliseFacts` and `usableFacts` drop it.
 */

export interface PersonaliseInput {
  /** The step's template as rendered for this lead: subject and body, before the footer. */
  readonly template: { readonly name: string; readonly subject: string; readonly body: string };
  /** Lead and account fields that have a value, keyed by template field ('lead.title': 'VP Sales'). */
  readonly facts: Readonly<Record<string, string>>;
  /** Language to write in; absent: the language of the template. */
  readonly lang?: 'en' | 'zh';
}

/**
 * Why there is or is not an opener: `ok`; `no_facts` (nothing to go on, no model call);
 * `nothing_to_say` (the model found nothing worth saying); `model_failed` (error, timeout or an answer
 * that breaks the schema, after retries); `not_grounded: <what>` (the check below refused it).
 */
export type PersonaliseReason = 'ok' | 'no_facts' | 'nothing_to_say' | 'model_failed' | `not_grounded: ${string}`;

export interface PersonaliseResult {
  /** One sentence to put after the greeting, or null to send the template as it is. */
  readonly opener: string | null;
  readonly reason: PersonaliseReason;
  /** Model and prompt version that produced the answer; absent when no answer was used. */
  readonly model?: string;
  readonly prompt_version?: string;
  /** Tokens and cost of this call; absent when nothing was paid for (cache hit, no call). */
  readonly usage?: Usage;
}

/** Writes a first line for one email. Implementations never throw: a failure is an opener of null. */
export interface Personaliser {
  personalise(input: PersonaliseInput): Promise<PersonaliseResult>;
}

/**
 * The template fields an opener may draw on. Not the lead's email, not the account domain (an opener
 * has no business with links), not the sender (already in the template) and not the sequence name
 * (internal; never shown to the lead).
 */
export const PERSONALISE_FACT_FIELDS = [
  'lead.first_name',
  'lead.last_name',
  'lead.full_name',
  'lead.title',
  'lead.company',
  'lead.country',
  'lead.industry',
  'account.name',
] as const satisfies readonly TemplateField[];

/** The facts for a lead from its template values: only the fields above that have a value. */
export function personaliseFacts(values: TemplateValues): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const field of PERSONALISE_FACT_FIELDS) {
    const v = values[field];
    if (typeof v === 'string') picked[field] = v;
  }
  return usableFacts(picked);
}

const MAX_FACT_CHARS = 200;
const EMAIL = /[^\s@]+@[^\s@]+/;

/**
 * Facts as they may be sent: whitespace collapsed (a value cannot start a line of its own in the
 * prompt), empty values, over-long values, email fields and anything holding an address dropped.
 */
export function usableFacts(facts: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(facts)) {
    if (/email/i.test(key) || typeof raw !== 'string') continue;
    const value = raw.replace(/\s+/g, ' ').trim();
    if (!value || value.length > MAX_FACT_CHARS || EMAIL.test(value)) continue;
    out[key] = value;
  }
  return out;
}

/** Longest opener, in characters (code points). */
export const MAX_OPENER_CHARS = 200;

/**
 * Capitalised words that need no grounding. Kept tiny on purpose: the pronoun and the greetings a
 * first line may start with. Days, months and places are facts like any other, so they are not here.
 */
const ALLOWED_CAPITALISED: ReadonlySet<string> = new Set(['I', 'Hi', 'Hello', 'Hey', 'Dear']);

/** CJK greetings that need no grounding, for the same reason. */
const ALLOWED_CJK: readonly string[] = ['您好', '你好'];

/**
 * Lower-case words that claim news about the lead (a round, a launch, a hire, a post). The facts hold a
 * name, a title, a company, an industry and a country, so such news can only be invented; each of
 * these words must appear in the facts or the template like a proper noun. Checked anywhere in the
 * sentence, the first word included ("Congrats on ...").
 */
const CLAIM_WORDS: ReadonlySet<string> = new Set([
  'congrats', 'congratulations', 'funding', 'funded', 'fundraise', 'fundraising', 'raise', 'raised', 'raising',
  'round', 'investor', 'investors', 'investment', 'valuation', 'acquisition', 'acquired', 'acquires', 'merger',
  'merged', 'ipo', 'launch', 'launched', 'launching', 'announced', 'announcement', 'award', 'awarded', 'won',
  'hired', 'hiring', 'promoted', 'promotion', 'expansion', 'expanded', 'expanding', 'milestone', 'anniversary',
  'podcast', 'webinar', 'article', 'interview', 'keynote', 'post', 'blog', 'news', 'recent', 'recently',
]);

/** Abbreviations whose full stop does not end a sentence. */
const ABBREVIATIONS: ReadonlySet<string> = new Set(['mr.', 'mrs.', 'ms.', 'dr.', 'st.', 'inc.', 'ltd.', 'co.', 'corp.', 'e.g.', 'i.e.', 'vs.']);

const CJK_CHAR = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
const CJK_RUN = new RegExp(`[${CJK_CHAR}]+`, 'gu');
const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu;
const NUMBER = /\p{Nd}+(?:[.,:]\p{Nd}+)*/gu;
const URL_LIKE = /(?:\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.|\b[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?![\p{L}\p{N}]))/iu;
const LATIN_SENTENCE_END = /[.!?…]+["'”’)\]]*\s+(?=\S)/gu;
const CJK_SENTENCE_END = /[。！？]+(?=\S)/gu;

const norm = (s: string) => s.normalize('NFKC').toLowerCase();
/** "Acme's" is grounded by "Acme", "I'm" allowed as "I". */
const stem = (w: string) => w.replace(/['’](?:s|m|re|ve|ll|d)$/i, '');
const numberKey = (n: string) => n.replace(/,/g, '');

/**
 * Whether an opener says only what the facts and the template already say. Refused, with the reason
 * in `offending`:
 * - shape: empty, over 200 characters, a line break, more than one sentence, a URL or bare domain, an
 *   `@` (an address or a handle), a `{{` placeholder. These come back as `[too_long]`, `[newline]`,
 *   `[several_sentences]`, `[url]`, `[email]`, `[placeholder]`, `[empty]`;
 * - every number, every capitalised word that is not the first word, every word with a capital inside
 *   it (IBM, HubSpot, even first), every claim word above, and every stretch of two or more CJK
 *   characters not covered by text of the facts or the template, must appear there (case-insensitive,
 *   after Unicode NFKC). These come back as the words themselves.
 *
 * Known limits, by design on the safe side: a lower-case invention without a claim word ("your
 * growing team") passes, and so does a plain capitalised first word ("Sarah suggested ..."); the
 * prompt forbids both. Chinese has no capitals, so a Chinese opener must be built from the facts and
 * the template's own wording plus single joining characters (的, 在, 您): many honest ones are refused.
 */
export function groundedOpener(text: string, facts: Readonly<Record<string, string>>, templateText: string): { ok: boolean; offending: string[] } {
  const offending: string[] = [];
  const add = (w: string) => {
    if (!offending.includes(w)) offending.push(w);
  };
  const t = text.normalize('NFKC').trim();
  if (!/\p{L}/u.test(t)) return { ok: false, offending: ['[empty]'] };

  const factValues = Object.values(facts);
  const source = norm([...factValues, templateText].join('\n'));
  const sourceWords = new Set([...source.replace(CJK_RUN, ' ').matchAll(WORD)].map((m) => stem(m[0])));
  const sourceNumbers = new Set([...source.matchAll(NUMBER)].map((m) => numberKey(m[0])));

  if ([...t].length > MAX_OPENER_CHARS) add('[too_long]');
  if (/[\r\n\u2028\u2029]/.test(t)) add('[newline]');
  if (t.includes('{{') || t.includes('}}')) add('[placeholder]');
  if (t.includes('@')) add('[email]');
  if (URL_LIKE.test(t)) add('[url]');
  if (sentenceCount(t, factValues) > 1) add('[several_sentences]');

  for (const m of t.matchAll(NUMBER)) {
    if (!sourceNumbers.has(numberKey(m[0]))) add(m[0]);
  }

  // CJK runs blanked to spaces of the same length, so indices still point into `t`.
  const latin = t.replace(CJK_RUN, (r) => ' '.repeat(r.length));
  for (const m of latin.matchAll(WORD)) {
    const word = stem(m[0]);
    const key = norm(word);
    const initial = !/[\p{L}\p{N}]/u.test(t.slice(0, m.index));
    if (sourceWords.has(key)) continue;
    if (CLAIM_WORDS.has(key)) {
      add(word);
      continue;
    }
    const capitalised = /^[\p{Lu}\p{Lt}]/u.test(word);
    const innerCapital = /\p{Lu}/u.test([...word].slice(1).join(''));
    if (ALLOWED_CAPITALISED.has(word)) continue;
    if (innerCapital || (capitalised && !initial)) add(word);
  }

  const cjkSources = [source, ...ALLOWED_CJK];
  for (const m of norm(t).matchAll(CJK_RUN)) {
    for (const piece of uncoveredCjk(m[0], cjkSources)) add(piece);
  }

  return { ok: offending.length === 0, offending };
}

/** Sentences in the text; a full stop after an abbreviation or inside a fact ("Acme Inc.") ends none. */
function sentenceCount(t: string, factValues: readonly string[]): number {
  let ends = 0;
  for (const m of t.matchAll(LATIN_SENTENCE_END)) {
    if (m[0].startsWith('.') && !m[0].startsWith('..')) {
      const token = /(\S+)$/.exec(t.slice(0, m.index))?.[1] ?? '';
      const withDot = norm(`${token}.`);
      if (ABBREVIATIONS.has(withDot) || factValues.some((v) => norm(v).includes(withDot))) continue;
    }
    ends++;
  }
  ends += [...t.matchAll(CJK_SENTENCE_END)].length;
  return ends + 1;
}

/**
 * The stretches of a CJK run that no source text of two characters or more covers. Chinese is not
 * split into words, so a run is covered piece by piece by substrings found in the sources; a lone
 * uncovered character (的, 在, 您) joins grounded pieces and cannot carry a name or a place alone.
 */
function uncoveredCjk(run: string, sources: readonly string[]): string[] {
  const chars = [...run];
  const covered = new Array<boolean>(chars.length).fill(false);
  const found = (s: string) => sources.some((src) => src.includes(s));
  for (let i = 0; i < chars.length - 1; i++) {
    let end = i + 1;
    // A longer piece can only be found when its prefix was, so stop at the first miss.
    while (end < chars.length && found(chars.slice(i, end + 1).join(''))) end++;
    if (end - i >= 2) covered.fill(true, i, end);
  }
  const pieces: string[] = [];
  let start = -1;
  for (let i = 0; i <= chars.length; i++) {
    if (i < chars.length && !covered[i]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= 2) pieces.push(chars.slice(start, i).join(''));
      start = -1;
    }
  }
  return pieces;
}
