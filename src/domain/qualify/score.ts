import { isDecisionTitle } from './extract/authority.ts';
import type { ScoringPolicy } from './policy.ts';
import type { Bant, Intent, LeadRecord, ScoreReason } from './types.ts';

const CRITERIA = ['budget', 'authority', 'need', 'timeline'] as const;

/** Score 0-100 with reasons whose points add up to the score exactly (a clamp is itself a reason). */
export function scoreLead(intent: Intent, bant: Bant, lead: LeadRecord | undefined, policy: ScoringPolicy): { score: number; reasons: ScoreReason[] } {
  const reasons: ScoreReason[] = [];
  const add = (signal: string, points: number, detail: string): void => {
    if (points !== 0) reasons.push({ signal, points, detail });
  };
  for (const key of CRITERIA) {
    const { status, evidence } = bant[key];
    const quote = evidence ? `: "${evidence.length > 80 ? `${evidence.slice(0, 77)}...` : evidence}"` : '';
    add(`bant.${key}.${status}`, policy.bant[key][status], `${key} is ${status.replace('_', ' ')}${quote}`);
  }
  add(`intent.${intent}`, policy.intent[intent] ?? 0, `reply intent is ${intent}`);
  const emp = lead?.employees;
  if (emp !== undefined && emp >= policy.fit.employees.min && emp <= policy.fit.employees.max) {
    add('fit.employees', policy.fit.employees.points, `${emp} employees is within ${policy.fit.employees.min}-${policy.fit.employees.max}`);
  }
  if (lead?.title && isDecisionTitle(lead.title)) add('fit.title', policy.fit.decision_title, `"${lead.title}" is a decision-making title`);
  const industry = lead?.industry?.toLowerCase();
  if (industry && policy.fit.industries.some((i) => industry.includes(i.toLowerCase()))) {
    add('fit.industry', policy.fit.industry_points, `industry "${lead?.industry}" is in the ideal profile`);
  }
  const country = lead?.country?.toUpperCase();
  if (country && policy.fit.countries.map((c) => c.toUpperCase()).includes(country)) {
    add('fit.country', policy.fit.country_points, `country ${country} is in the ideal profile`);
  }
  const raw = reasons.reduce((sum, r) => sum + r.points, 0);
  const score = Math.max(0, Math.min(100, raw));
  if (score !== raw) add('clamp', score - raw, `score kept within 0-100 (raw ${raw})`);
  return { score, reasons };
}
