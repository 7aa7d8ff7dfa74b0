import type { Grade, Route, ScoringPolicy } from './policy.ts';
import { keywordMatcher, type KeywordMatcher } from './score.ts';
import type { Bant, Intent, LeadRecord, TimelineCriterion } from './types.ts';

export type FitLevel = 'strong' | 'moderate' | 'weak';
export type Urgency = 'near' | 'later' | 'none';

/** Fit level from the fit.* points of the score. */
export function fitLevel(fitPoints: number, policy: ScoringPolicy): FitLevel {
  const f = policy.grade.fit;
  return fitPoints >= f.strong ? 'strong' : fitPoints >= f.moderate ? 'moderate' : 'weak';
}

/** Urgency from the timeline: met within `near` days, within `later` days (or with no horizon), or none. */
export function urgencyOf(timeline: TimelineCriterion, policy: ScoringPolicy): Urgency {
  if (timeline.status !== 'met') return 'none';
  const d = timeline.within_days;
  const u = policy.grade.urgency_days;
  if (d === undefined) return 'later';
  return d <= u.near ? 'near' : d <= u.later ? 'later' : 'none';
}

export function isInvalidLead(intent: Intent, policy: ScoringPolicy): boolean {
  return policy.tags.invalid_intents.includes(intent);
}

/** Grade A-D the way SDR teams grade: fit (who they are) against urgency (when they buy). */
export function gradeLead(intent: Intent, timeline: TimelineCriterion, fitPoints: number, policy: ScoringPolicy): Grade {
  if (isInvalidLead(intent, policy)) return policy.grade.invalid;
  return policy.grade.matrix[fitLevel(fitPoints, policy)][urgencyOf(timeline, policy)];
}

/**
 * Where the lead goes: disqualifying intents first, then the thresholds; a candidate must also be an
 * MQL when the policy says so (a high score without two BANT criteria is nurtured, not handed over).
 */
export function routeLead(intent: Intent, score: number, mql: boolean, policy: ScoringPolicy): Route {
  if (policy.routing.disqualify_intents.includes(intent)) return 'disqualify';
  const t = policy.thresholds;
  if (score >= t.candidate && (mql || !policy.routing.candidate_requires_mql)) return 'candidate';
  return score >= t.nurture ? 'nurture' : 'disqualify';
}

/** A tag value: lower case, runs of other characters as one underscore; Chinese kept as is. */
export function slug(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9\u3400-\u9fff]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
}

interface TagMatchers {
  readonly industries: readonly { tag: string; match: KeywordMatcher }[];
  readonly needs: readonly { tag: string; match: KeywordMatcher }[];
}

const matchers = new WeakMap<ScoringPolicy, TagMatchers>();

function tagMatchers(policy: ScoringPolicy): TagMatchers {
  let m = matchers.get(policy);
  if (!m) {
    const build = (r: Record<string, string[]>) => Object.entries(r).map(([tag, words]) => ({ tag, match: keywordMatcher(words) }));
    m = { industries: build(policy.tags.industries), needs: build(policy.tags.needs) };
    matchers.set(policy, m);
  }
  return m;
}

/**
 * Classification tags: `valid` or `invalid:<intent>`, `source:<channel>` (`source:unknown` when the
 * record has none, so missing attribution shows), `industry:<tag>` from the policy's industry words or
 * else the record's industry slugged, and one `need:<type>` per need type the need evidence names.
 */
export function classifyLead(intent: Intent, bant: Bant, lead: LeadRecord | undefined, policy: ScoringPolicy): string[] {
  const m = tagMatchers(policy);
  const tags = [isInvalidLead(intent, policy) ? `invalid:${intent}` : 'valid'];
  const source = lead?.source ? slug(lead.source) : '';
  tags.push(`source:${source || 'unknown'}`);
  const industry = lead?.industry?.trim();
  if (industry) {
    const known = m.industries.find((i) => i.match(industry))?.tag;
    const tag = known ?? slug(industry);
    if (tag) tags.push(`industry:${tag}`);
  }
  const need = bant.need.status === 'met' ? bant.need.evidence : undefined;
  if (need) for (const n of m.needs) if (n.match(need)) tags.push(`need:${n.tag}`);
  return tags;
}
