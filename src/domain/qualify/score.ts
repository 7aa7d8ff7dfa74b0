import { SENIORITY_LEVELS, type ScoringPolicy, type Seniority } from './policy.ts';
import type { Bant, Intent, LeadRecord, QualifyInput, Referral, ScoreReason } from './types.ts';

const CRITERIA = ['budget', 'authority', 'need', 'timeline'] as const;

/** What the score is computed from: the decided intent and BANT plus what the input holds. */
export interface ScoringFacts {
  readonly intent: Intent;
  readonly bant: Bant;
  readonly lead?: LeadRecord | undefined;
  readonly channel: QualifyInput['channel'];
  readonly thread?: QualifyInput['thread'];
  readonly referral?: Referral | undefined;
}

export interface LeadScore {
  /** 0-100, the clamped sum of the reasons' points (the clamp is itself a reason). */
  readonly score: number;
  readonly reasons: ScoreReason[];
  /** Sum of the fit.* reasons: how well the lead matches the ideal customer profile (grade input). */
  readonly fitPoints: number;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Finds the longest keyword of a list in a text. */
export type KeywordMatcher = (text: string) => string | undefined;

/**
 * English keywords match whole words, case-insensitively, with plural and -ed/-ing endings; Chinese
 * ones match anywhere (Chinese has no spaces between words). The longest match wins, so "vice
 * president" beats "president" and 副总裁 beats 总裁.
 */
export function keywordMatcher(keywords: readonly string[]): KeywordMatcher {
  const tests = [...keywords]
    .sort((a, b) => b.length - a.length)
    .map((k) => {
      if (CJK.test(k)) return { k, test: (t: string) => t.includes(k) };
      const re = new RegExp(`(?<![A-Za-z0-9])${escapeRegex(k.toLowerCase())}(?:s|es|d|ed|ing)?(?![A-Za-z0-9])`);
      return { k, test: (t: string) => re.test(t) };
    });
  return (text) => {
    const lower = text.toLowerCase();
    return tests.find((x) => x.test(lower))?.k;
  };
}

interface Compiled {
  readonly support: KeywordMatcher;
  readonly levels: readonly { level: Seniority; match: KeywordMatcher }[];
  readonly industries: KeywordMatcher;
}

// Policies are immutable once loaded; compiling their keyword lists once keeps scoring in microseconds.
const compiled = new WeakMap<ScoringPolicy, Compiled>();

function compile(policy: ScoringPolicy): Compiled {
  let c = compiled.get(policy);
  if (!c) {
    const s = policy.fit.seniority;
    c = {
      support: keywordMatcher(s.support_roles),
      levels: SENIORITY_LEVELS.map((level) => ({ level, match: keywordMatcher(s.levels[level].titles) })),
      // An entry naming an industry tag (tags.industries) stands for all of that tag's words.
      industries: keywordMatcher(policy.fit.industries.match.flatMap((w) => [w, ...(policy.tags.industries[w] ?? [])])),
    };
    compiled.set(policy, c);
  }
  return c;
}

/**
 * The seniority of a job title: the level whose title word is the longest match (the more senior
 * level on a tie); a support role ("Assistant to the CEO", 总经理助理) is an individual contributor.
 */
export function titleSeniority(title: string, policy: ScoringPolicy): { level: Seniority; word: string } | undefined {
  const c = compile(policy);
  const support = c.support(title);
  if (support) return { level: 'ic', word: support };
  let best: { level: Seniority; word: string } | undefined;
  for (const { level, match } of c.levels) {
    const word = match(title);
    if (word && (!best || word.length > best.word.length)) best = { level, word };
  }
  return best;
}

function quote(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Score 0-100 with reasons whose points add up to the score exactly; every point names its signal. */
export function scoreLead(facts: ScoringFacts, policy: ScoringPolicy): LeadScore {
  const reasons: ScoreReason[] = [];
  const add = (signal: string, points: number, detail: string, evidence?: string): void => {
    if (points !== 0) reasons.push({ signal, points, detail, ...(evidence ? { evidence } : {}) });
  };
  const { intent, bant, lead } = facts;

  for (const key of CRITERIA) {
    const { status, evidence } = bant[key];
    add(`bant.${key}.${status}`, policy.bant[key][status], `${key} is ${status.replace('_', ' ')}${evidence ? `: "${quote(evidence)}"` : ''}`, evidence);
  }
  add(`intent.${intent}`, policy.intent[intent] ?? 0, `reply intent is ${intent}`);

  const fit = policy.fit;
  const industry = lead?.industry?.trim();
  const industryWord = industry ? compile(policy).industries(industry) : undefined;
  if (industry && industryWord) add('fit.industry', fit.industries.points, `industry "${industry}" matches "${industryWord}" of the ideal profile`, industry);
  const emp = lead?.employees;
  if (emp !== undefined && emp >= fit.employees.min && emp <= fit.employees.max) {
    add('fit.employees', fit.employees.points, `${emp} employees is within ${fit.employees.min}-${fit.employees.max}`, String(emp));
  }
  const country = lead?.country?.trim().toUpperCase();
  if (country && fit.countries.codes.some((c) => c.toUpperCase() === country)) {
    add('fit.country', fit.countries.points, `country ${country} is in the ideal profile`, lead?.country);
  }
  const title = lead?.title?.trim();
  const seniority = title ? titleSeniority(title, policy) : undefined;
  if (title && seniority) {
    add(`fit.title.${seniority.level}`, fit.seniority.levels[seniority.level].points, `title "${title}" is ${seniority.level.replace('_', '-')} level ("${seniority.word}")`, title);
  }
  const fitPoints = reasons.filter((r) => r.signal.startsWith('fit.')).reduce((s, r) => s + r.points, 0);

  const eng = policy.engagement;
  if (facts.channel === 'chat') add('engagement.chat', eng.chat, 'the lead wrote on chat');
  if (!eng.reply.except_intents.includes(intent)) add('engagement.reply', eng.reply.points, 'the lead replied in person');
  const earlier = (facts.thread ?? []).filter((m) => m.from === 'lead').length;
  if (earlier > 0) {
    const points = Math.sign(eng.thread.per_lead_message) * Math.min(Math.abs(eng.thread.per_lead_message * earlier), Math.abs(eng.thread.max));
    add('engagement.thread', points, `${earlier} earlier message${earlier > 1 ? 's' : ''} from the lead in the thread`);
  }
  const ref = facts.referral;
  const contact = ref?.email ?? ref?.name;
  if (contact) add('engagement.referral', eng.referral, 'the lead named another contact', contact);

  const raw = reasons.reduce((sum, r) => sum + r.points, 0);
  const score = Math.max(0, Math.min(100, raw));
  if (score !== raw) add('clamp', score - raw, `score kept within 0-100 (raw ${raw})`);
  return { score, reasons, fitPoints };
}
