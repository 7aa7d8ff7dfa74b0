import { z } from 'zod';

/** The nine reply intents of the eval contract (../shared/evals/FORMAT.md). */
export const INTENTS = [
  'interested',
  'question',
  'objection',
  'not_now',
  'not_interested',
  'referral',
  'unsubscribe',
  'out_of_office',
  'bounce',
] as const;

export const Intent = z.enum(INTENTS).describe('what the reply means for the conversation, one of the nine contract intents');
export type Intent = z.infer<typeof Intent>;

export const CriterionStatus = z
  .enum(['met', 'not_met', 'unknown'])
  .describe('met / not_met when the lead words or record say so, otherwise unknown');
export type CriterionStatus = z.infer<typeof CriterionStatus>;

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  // Date.parse rolls 2026-02-30 over to March; a round trip catches days that do not exist.
  .refine((s) => {
    const t = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
  }, 'not a real calendar date');

export const ThreadMessage = z.object({
  from: z.enum(['us', 'lead']).describe('who wrote it: our outreach or the lead'),
  text: z.string().describe('the message body as sent'),
});
export type ThreadMessage = z.infer<typeof ThreadMessage>;

export const LeadRecord = z.object({
  name: z.string().optional().describe('full name of the lead'),
  email: z.string().optional().describe('email address of the lead'),
  title: z.string().optional().describe('job title as held in the lead record'),
  company: z.string().optional().describe('company name'),
  industry: z.string().optional().describe('industry, free text'),
  employees: z.number().int().min(0).optional().describe('company head count'),
  country: z.string().optional().describe('country, ISO 3166 alpha-2 where known'),
  source: z.string().optional().describe('the channel the lead came from'),
});
export type LeadRecord = z.infer<typeof LeadRecord>;

export const QualifyInput = z.object({
  reply: z.string().describe('the newest inbound message exactly as received, quoted history and signature included'),
  thread: z.array(ThreadMessage).optional().describe('earlier messages of the conversation, oldest first'),
  lead: LeadRecord.optional().describe('what the lead record already holds'),
  date: IsoDate.describe('the day the reply arrived (YYYY-MM-DD); relative times resolve against it'),
  channel: z.enum(['email', 'chat']).describe('where the reply came in'),
  lang: z.enum(['en', 'zh']).optional().describe('language of the reply when known; detected otherwise'),
});
export type QualifyInput = z.infer<typeof QualifyInput>;

// Evidence comes before the verdict fields so a model filling this schema states its grounds first.
export const BudgetCriterion = z.object({
  evidence: z.string().optional().describe('verbatim span of the lead words or record that supports the status'),
  status: CriterionStatus,
  amount: z.number().min(0).optional().describe('the budget figure; a range is given by its upper bound'),
  currency: z.string().regex(/^[A-Z]{3}$/).optional().describe('ISO 4217 code of amount'),
});
export type BudgetCriterion = z.infer<typeof BudgetCriterion>;

export const AuthorityCriterion = z.object({
  evidence: z.string().optional().describe('verbatim span of the lead words or record that supports the status'),
  status: CriterionStatus,
  role: z.string().optional().describe('the writer role or title that gives or denies authority'),
});
export type AuthorityCriterion = z.infer<typeof AuthorityCriterion>;

export const NeedCriterion = z.object({
  evidence: z.string().optional().describe('verbatim span of the lead words that supports the status'),
  status: CriterionStatus,
});
export type NeedCriterion = z.infer<typeof NeedCriterion>;

export const TimelineCriterion = z.object({
  evidence: z.string().optional().describe('verbatim span of the lead words that supports the status'),
  status: CriterionStatus,
  within_days: z.number().int().min(0).optional().describe('days from the reply date to the end of the stated horizon'),
});
export type TimelineCriterion = z.infer<typeof TimelineCriterion>;

export const Bant = z.object({
  budget: BudgetCriterion,
  authority: AuthorityCriterion,
  need: NeedCriterion,
  timeline: TimelineCriterion,
});
export type Bant = z.infer<typeof Bant>;

export const Referral = z.object({
  name: z.string().optional().describe('the person the lead points us to'),
  email: z.string().optional().describe('their email address when given'),
});
export type Referral = z.infer<typeof Referral>;

export const ScoreReason = z.object({
  signal: z.string().describe('stable name of the signal, e.g. bant.budget.met or fit.employees'),
  points: z.number().describe('points this signal adds (negative: removes) to the score'),
  detail: z.string().describe('why, for a person reading the score'),
  evidence: z.string().optional().describe('what the signal rests on: the verbatim BANT span, the lead record value, the referral contact'),
});
export type ScoreReason = z.infer<typeof ScoreReason>;

export const EngineInfo = z.object({
  name: z.string().describe('engine that produced the qualification: offline, openai, hybrid'),
  version: z.string().describe('engine version; changes whenever its rules change'),
  model: z.string().nullable().describe('model name when a model was called, otherwise null'),
  prompt_version: z.string().nullable().describe('prompt file version when a model was called, otherwise null'),
});
export type EngineInfo = z.infer<typeof EngineInfo>;

export const Usage = z.object({
  input_tokens: z.number().int().min(0).describe('prompt tokens billed'),
  output_tokens: z.number().int().min(0).describe('completion tokens billed'),
  cost_usd: z.number().min(0).describe('estimated cost in US dollars from the configured prices'),
});
export type Usage = z.infer<typeof Usage>;

export const Qualification = z.object({
  intent: Intent,
  bant: Bant,
  referral: Referral.optional().describe('present when the lead points us to another person'),
  mql: z.boolean().describe('at least two BANT criteria met and the intent does not rule the lead out'),
  score: z.number().min(0).max(100).describe('0-100 lead score; the reasons add up to it'),
  reasons: z.array(ScoreReason).describe('every point of the score traced to a signal'),
  confidence: z.number().min(0).max(1).describe('how sure the engine is (0..1); hybrid mode asks a model below a threshold'),
  flags: z.array(z.string()).describe('notable conditions, e.g. prompt_injection, evidence_dropped'),
  grade: z.enum(['A', 'B', 'C', 'D']).optional().describe('lead grade from fit and urgency under the scoring policy: A best, D worst'),
  tags: z.array(z.string()).optional().describe('classification tags: valid or invalid:<why>, source:, industry:, need:'),
  route: z.enum(['candidate', 'nurture', 'disqualify']).optional().describe('where the lead goes next under the policy thresholds'),
  engine: EngineInfo,
  usage: Usage.optional().describe('model tokens and cost of producing this answer; absent when no model was called (or the answer came from the cache)'),
});
export type Qualification = z.infer<typeof Qualification>;

/** Turns one inbound message in context into a Qualification. Implementations must not mutate the input. */
export interface QualificationEngine {
  readonly name: string;
  qualify(input: QualifyInput): Promise<Qualification>;
}
