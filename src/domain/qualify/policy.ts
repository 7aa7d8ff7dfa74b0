import { z } from 'zod';
import { INTENTS, Intent } from './types.ts';

const StatusPoints = z.object({
  met: z.number().describe('points when the criterion is met'),
  not_met: z.number().describe('points when it is not met (usually zero or negative)'),
  unknown: z.number().describe('points when unknown'),
});

/**
 * The scoring policy. Today the default below is the only source; a later slice loads the same shape
 * from an editable YAML file and validates it with this schema.
 */
export const ScoringPolicy = z.object({
  version: z.string().describe('policy version, recorded with every score'),
  bant: z.object({ budget: StatusPoints, authority: StatusPoints, need: StatusPoints, timeline: StatusPoints }),
  intent: z.record(Intent, z.number()).describe('points per intent'),
  fit: z.object({
    employees: z.object({ min: z.number().int(), max: z.number().int(), points: z.number() }).describe('ideal company size range'),
    decision_title: z.number().describe('points when the lead record title decides purchases'),
    industries: z.array(z.string()).describe('ideal industries (case-insensitive substring match); empty: no points'),
    industry_points: z.number(),
    countries: z.array(z.string()).describe('ideal countries (ISO alpha-2); empty: no points'),
    country_points: z.number(),
  }),
  mql: z.object({
    min_met: z.number().int().min(0).max(4).describe('BANT criteria that must be met'),
    blocking_intents: z.array(Intent).describe('intents that are never an MQL'),
  }),
  thresholds: z.object({
    candidate: z.number().describe('score at or above which a lead is a sales candidate'),
    nurture: z.number().describe('score at or above which a lead is nurtured; below: disqualify'),
  }),
});
export type ScoringPolicy = z.infer<typeof ScoringPolicy>;

const intentPoints: Record<Intent, number> = {
  interested: 15,
  question: 5,
  objection: 5,
  not_now: 0,
  referral: 0,
  not_interested: -20,
  unsubscribe: -100,
  out_of_office: 0,
  bounce: -100,
};

/** The default policy: BANT carries most of the score, intent and fit adjust it. */
export const DEFAULT_SCORING_POLICY: ScoringPolicy = {
  version: 'default-1',
  bant: {
    budget: { met: 20, not_met: -5, unknown: 0 },
    authority: { met: 15, not_met: -5, unknown: 0 },
    need: { met: 20, not_met: -10, unknown: 0 },
    timeline: { met: 15, not_met: -5, unknown: 0 },
  },
  intent: intentPoints,
  fit: {
    employees: { min: 50, max: 5000, points: 5 },
    decision_title: 5,
    industries: [],
    industry_points: 5,
    countries: [],
    country_points: 3,
  },
  mql: { min_met: 2, blocking_intents: ['not_interested', 'unsubscribe', 'out_of_office', 'bounce'] },
  thresholds: { candidate: 60, nurture: 30 },
};

// Every intent must carry points, so a policy file cannot silently leave one out.
export function policyCoversAllIntents(p: ScoringPolicy): boolean {
  return INTENTS.every((i) => typeof p.intent[i] === 'number');
}
