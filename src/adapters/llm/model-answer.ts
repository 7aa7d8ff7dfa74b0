import { z } from 'zod';
import { CriterionStatus, Intent } from '../../domain/qualify/types.ts';

/**
 * What the model is asked to return. Every field is required and nullable rather than optional, so
 * the same schema works with strict structured output. Evidence comes before each verdict. Score and
 * MQL are not asked for: they follow from the rules, so our own code computes them.
 */
const evidence = z.string().nullable().describe('verbatim span copied from the lead words or lead record; null when status is unknown');

export const ModelAnswer = z.object({
  intent: Intent,
  bant: z.object({
    budget: z.object({
      evidence,
      status: CriterionStatus,
      amount: z.number().min(0).nullable().describe('budget figure; a range gives its upper bound; null when not fixed by the text'),
      currency: z.string().nullable().describe('ISO 4217 code such as USD, EUR, CNY; null when unknown'),
    }),
    authority: z.object({ evidence, status: CriterionStatus, role: z.string().nullable().describe('the role or title that gives or denies authority') }),
    need: z.object({ evidence, status: CriterionStatus }),
    timeline: z.object({
      evidence,
      status: CriterionStatus,
      within_days: z.number().int().min(0).nullable().describe('days from the reply date to the end of the stated horizon'),
    }),
  }),
  referral: z
    .object({ name: z.string().nullable(), email: z.string().nullable() })
    .nullable()
    .describe('the person the lead points to, when the intent is referral'),
  confidence: z.number().min(0).max(1).describe('certainty about the whole answer, 0 to 1'),
});
export type ModelAnswer = z.infer<typeof ModelAnswer>;
