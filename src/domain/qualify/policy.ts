import { z } from 'zod';
import { parseDocument } from 'yaml';
import { INTENTS, Intent } from './types.ts';

const Points = z.number({ error: 'must be a number of points, e.g. 5 or -10' }).refine(Number.isFinite, 'must be a finite number of points');
const Score = z
  .number({ error: 'must be a score from 0 to 100' })
  .min(0, { error: 'must be a score from 0 to 100' })
  .max(100, { error: 'must be a score from 0 to 100' });
const Keywords = z
  .array(z.string({ error: 'must be a word or phrase in quotes' }).trim().min(1, { error: 'must not be empty' }), { error: 'must be a list of words or phrases' })
  .describe('words or phrases; English ones match whole words case-insensitively, Chinese ones anywhere');
const Intents = z.array(Intent, { error: `must be a list of intents (${INTENTS.join(', ')})` });
const Slug = z.string().regex(/^[a-z0-9_-]+$/, { error: 'tag names use lower-case letters, digits, _ and -' });

export const GRADES = ['A', 'B', 'C', 'D'] as const;
export const Grade = z.enum(GRADES).describe('lead grade from fit and urgency: A best, D worst');
export type Grade = z.infer<typeof Grade>;

export const ROUTES = ['candidate', 'nurture', 'disqualify'] as const;
export const Route = z.enum(ROUTES).describe('where the lead goes next: a sales candidate, automated nurture, or out');
export type Route = z.infer<typeof Route>;

/** Seniority levels of a job title, most senior first. */
export const SENIORITY_LEVELS = ['c_level', 'vp', 'director', 'manager', 'ic'] as const;
export type Seniority = (typeof SENIORITY_LEVELS)[number];

const StatusPoints = z.strictObject({
  met: Points.describe('points when the criterion is met'),
  not_met: Points.describe('points when it is not met (usually zero or negative)'),
  unknown: Points.describe('points when unknown'),
});

const SeniorityLevel = z.strictObject({
  points: Points.describe('points when the lead record title is at this level'),
  titles: Keywords.describe('title words of this level, English and Chinese'),
});

const GradeRow = z.strictObject({ near: Grade, later: Grade, none: Grade }).describe('grade by urgency for one fit level');

/**
 * The scoring policy: how a qualification becomes a score, a grade, tags and a route. Shipped as
 * config/scoring-policy.yaml (the same content as DEFAULT_SCORING_POLICY below) and editable by the
 * team; every object is strict so a misspelt key fails instead of being ignored.
 */
export const ScoringPolicy = z
  .strictObject({
    version: z.string({ error: 'must be a text such as "acme-3"' }).trim().min(1).describe('policy version; bump it when you edit the policy'),
    bant: z.strictObject({ budget: StatusPoints, authority: StatusPoints, need: StatusPoints, timeline: StatusPoints }).describe('points per BANT criterion and status'),
    mql: z
      .strictObject({
        min_met: z.number({ error: 'must be a whole number from 0 to 4' }).int({ error: 'must be a whole number from 0 to 4' }).min(0).max(4).describe('BANT criteria that must be met'),
        blocking_intents: Intents.describe('intents that are never an MQL'),
      })
      .describe('the MQL rule; the default is the eval contract rule (FORMAT.md)'),
    intent: z.record(Intent, Points).describe('points per reply intent; every intent must be listed'),
    fit: z
      .strictObject({
        industries: z.strictObject({ match: Keywords.describe('ideal industries, matched in the lead record industry; a name of tags.industries stands for its words; empty: no points'), points: Points }),
        employees: z
          .strictObject({
            min: z.number().int({ error: 'must be a whole number of employees' }).min(0),
            max: z.number().int({ error: 'must be a whole number of employees' }).min(0),
            points: Points,
          })
          .refine((e) => e.min <= e.max, { error: 'must not be above fit.employees.max', path: ['min'] })
          .describe('ideal company size range, inclusive'),
        countries: z.strictObject({
          codes: z.array(z.string().regex(/^[A-Za-z]{2}$/, { error: 'must be an ISO 3166 alpha-2 code such as US or CN' })).describe('ideal countries; empty: no points'),
          points: Points,
        }),
        seniority: z
          .strictObject({
            support_roles: Keywords.describe('words that make any title an individual contributor (assistant to the CEO is not the CEO)'),
            levels: z.strictObject({ c_level: SeniorityLevel, vp: SeniorityLevel, director: SeniorityLevel, manager: SeniorityLevel, ic: SeniorityLevel }),
          })
          .describe('seniority of the lead record title; the longest matching title word decides the level'),
      })
      .describe('ideal customer profile, from the lead record'),
    engagement: z
      .strictObject({
        chat: Points.describe('points when the reply came in on chat rather than email'),
        reply: z.strictObject({ points: Points.describe('points for a reply written by the lead'), except_intents: Intents.describe('intents that are not a reply by a person') }),
        thread: z.strictObject({
          per_lead_message: Points.describe('points per earlier message from the lead in the thread'),
          max: Points.describe('at most this many points from the thread'),
        }),
        referral: Points.describe('points when the lead names another contact'),
      })
      .describe('how engaged the lead is, from what the input holds'),
    thresholds: z
      .strictObject({
        candidate: Score.describe('score at or above which a lead is a sales candidate'),
        nurture: Score.describe('score at or above which a lead is nurtured; below it: disqualify'),
      })
      .refine((t) => t.nurture < t.candidate, {
        error: (iss) => {
          const t = iss.input as { nurture: number; candidate: number };
          return `must be below thresholds.candidate (nurture is ${t.nurture}, candidate ${t.candidate}); lower nurture or raise candidate`;
        },
        path: ['nurture'],
      }),
    routing: z.strictObject({
      candidate_requires_mql: z.boolean({ error: 'must be true or false' }).describe('a candidate must also be an MQL'),
      disqualify_intents: Intents.describe('intents that disqualify whatever the score'),
    }),
    grade: z
      .strictObject({
        fit: z
          .strictObject({ strong: Points.describe('fit points at or above which fit is strong'), moderate: Points.describe('fit points at or above which fit is moderate; below: weak') })
          .refine((f) => f.moderate <= f.strong, { error: 'must not be above grade.fit.strong', path: ['moderate'] }),
        urgency_days: z
          .strictObject({
            near: z.number().int().min(0).describe('timeline met within this many days: near-term'),
            later: z.number().int().min(0).describe('timeline met within this many days (or with no horizon): later; beyond: none'),
          })
          .refine((u) => u.near <= u.later, { error: 'must not be above grade.urgency_days.later', path: ['near'] }),
        matrix: z.strictObject({ strong: GradeRow, moderate: GradeRow, weak: GradeRow }),
        invalid: Grade.describe('grade of an invalid lead (see tags.invalid_intents)'),
      })
      .describe('lead grade A-D from fit and urgency'),
    tags: z
      .strictObject({
        invalid_intents: Intents.describe('intents that make the lead invalid (tag invalid:<intent>); otherwise it is tagged valid'),
        industries: z.record(Slug, Keywords).describe('industry tag name -> words in the lead record industry; no match: the industry itself, slugged'),
        needs: z.record(Slug, Keywords).describe('need tag name -> words in the need evidence'),
      })
      .describe('classification tags'),
  })
  .describe('Baton scoring policy');
export type ScoringPolicy = z.infer<typeof ScoringPolicy>;

/**
 * The default policy, identical to config/scoring-policy.yaml (a test keeps them equal). Pure code and
 * tests use it; the composition root loads the file named by BATON_SCORING_POLICY.
 */
export const DEFAULT_SCORING_POLICY: ScoringPolicy = {
  version: 'default-2',
  bant: {
    budget: { met: 20, not_met: -5, unknown: 0 },
    authority: { met: 15, not_met: -5, unknown: 0 },
    need: { met: 20, not_met: -10, unknown: 0 },
    timeline: { met: 15, not_met: -5, unknown: 0 },
  },
  mql: { min_met: 2, blocking_intents: ['not_interested', 'unsubscribe', 'out_of_office', 'bounce'] },
  intent: {
    interested: 15,
    question: 5,
    objection: 5,
    not_now: 0,
    not_interested: -20,
    referral: 0,
    unsubscribe: -100,
    out_of_office: 0,
    bounce: -100,
  },
  fit: {
    industries: { match: ['software', 'saas', 'logistics', 'manufacturing', 'e-commerce', 'ecommerce', 'retail', '软件', '物流', '制造', '电商', '零售'], points: 5 },
    employees: { min: 50, max: 5000, points: 5 },
    countries: { codes: ['US', 'CA', 'GB', 'DE', 'FR', 'AU', 'SG', 'CN'], points: 3 },
    seniority: {
      support_roles: ['assistant', 'secretary', 'intern', 'trainee', 'coordinator', 'office of the', '助理', '秘书', '实习', '文员'],
      levels: {
        c_level: {
          points: 8,
          titles: [
            'ceo', 'cto', 'cfo', 'coo', 'cio', 'cmo', 'cro', 'cpo', 'ciso', 'chief', 'founder', 'co-founder', 'cofounder', 'owner', 'president',
            'managing director', 'general manager', 'managing partner', 'chairman', 'chairwoman', 'chair',
            '首席', '创始人', '联合创始人', '董事长', '总裁', '总经理', '老板', '合伙人', '董事',
          ],
        },
        vp: { points: 7, titles: ['vp', 'svp', 'evp', 'avp', 'vice president', 'vice-president', '副总裁', '副总经理', '副总'] },
        director: { points: 5, titles: ['director', 'head of', 'head', '总监', '负责人', '部长', '主任', '厂长'] },
        manager: { points: 3, titles: ['manager', 'lead', 'team lead', 'supervisor', '经理', '主管', '组长'] },
        ic: {
          points: 0,
          titles: [
            'engineer', 'developer', 'analyst', 'specialist', 'associate', 'representative', 'account executive', 'consultant',
            'designer', 'administrator', 'staff', 'product owner', '工程师', '专员', '开发', '分析师', '顾问', '设计师', '职员'],
        },
      },
    },
  },
  engagement: {
    chat: 5,
    reply: { points: 5, except_intents: ['out_of_office', 'bounce', 'unsubscribe'] },
    thread: { per_lead_message: 2, max: 6 },
    referral: 3,
  },
  thresholds: { candidate: 60, nurture: 30 },
  routing: { candidate_requires_mql: true, disqualify_intents: ['unsubscribe', 'bounce', 'not_interested'] },
  grade: {
    fit: { strong: 13, moderate: 7 },
    urgency_days: { near: 120, later: 365 },
    matrix: {
      strong: { near: 'A', later: 'B', none: 'B' },
      moderate: { near: 'B', later: 'C', none: 'C' },
      weak: { near: 'C', later: 'D', none: 'D' },
    },
    invalid: 'D',
  },
  tags: {
    invalid_intents: ['bounce', 'unsubscribe'],
    industries: {
      software: ['software', 'saas', 'it services', 'internet', '软件', '互联网', '信息技术'],
      logistics: ['logistics', 'freight', 'shipping', 'supply chain', 'transport', '物流', '货运', '供应链', '运输'],
      manufacturing: ['manufacturing', 'factory', 'industrial', '制造', '工厂', '工业'],
      retail: ['retail', 'e-commerce', 'ecommerce', 'consumer goods', '零售', '电商'],
      finance: ['finance', 'financial', 'bank', 'banking', 'insurance', 'fintech', '金融', '银行', '保险'],
      healthcare: ['healthcare', 'health', 'hospital', 'medical', 'clinic', 'pharma', '医疗', '医院', '医药', '诊所'],
      education: ['education', 'school', 'university', 'edtech', '教育', '学校', '大学', '培训'],
    },
    needs: {
      integration: ['integrate', 'integration', 'integrations', 'sync', 'api', 'connect', 'connector', '集成', '对接', '同步', '接口'],
      migration: ['migrate', 'migration', 'move off', 'switch from', 'replace', 'replacement', 'replacing', '迁移', '替换', '换掉'],
      automation: ['automate', 'automation', 'automated', 'manual', 'manually', 'spreadsheet', 'spreadsheets', '自动化', '手工', '人工', '表格'],
      reporting: ['report', 'reporting', 'reports', 'dashboard', 'dashboards', 'analytics', 'visibility', '报表', '报告', '看板', '数据分析'],
      cost: ['cost', 'costs', 'cheaper', 'save money', 'expensive', 'pricing', '成本', '便宜', '省钱', '太贵'],
      compliance: ['compliance', 'compliant', 'audit', 'gdpr', 'soc 2', 'soc2', 'hipaa', 'security', '合规', '审计', '安全', '等保'],
      scale: ['scale', 'scaling', 'growth', 'growing', 'volume', '扩张', '增长', '规模'],
    },
  },
};

/** Every intent must carry points, so a policy cannot silently leave one out. */
export function policyCoversAllIntents(p: ScoringPolicy): boolean {
  return INTENTS.every((i) => typeof p.intent[i] === 'number');
}

/** A policy that does not parse or validate; `problems` lists each as "field: what is wrong". */
export class ScoringPolicyError extends Error {
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super(
      `scoring policy ${source} is invalid:\n${problems.map((p) => `  ${p}`).join('\n')}\n` +
        'Fix the file (the shipped config/scoring-policy.yaml explains every field) or point BATON_SCORING_POLICY at another policy file.',
    );
    this.name = 'ScoringPolicyError';
    this.problems = problems;
  }
}

function describeValue(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** Validates already-parsed data; throws ScoringPolicyError naming each bad field. */
export function validateScoringPolicy(data: unknown, source: string): ScoringPolicy {
  const r = ScoringPolicy.safeParse(data);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => {
    const field = i.path.map(String).join('.') || '(top level)';
    if (i.code === 'unrecognized_keys') {
      return `${field}: unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}; check the spelling or remove ${i.keys.length > 1 ? 'them' : 'it'}`;
    }
    const got = valueAt(data, i.path);
    if (got === undefined) return `${field}: missing; add it (the shipped config/scoring-policy.yaml shows its shape)`;
    // Cross-field rules already quote the values they compare.
    const shown = i.code === 'custom' || typeof got === 'object' ? '' : ` (got ${describeValue(got)})`;
    return `${field}: ${i.message}${shown}`;
  });
  throw new ScoringPolicyError(source, problems);
}

/**
 * Parses a policy file's text (YAML, which includes JSON) and validates it. Pure: the caller reads the
 * file. `source` names the file in error messages.
 */
export function parseScoringPolicy(text: string, source: string): ScoringPolicy {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ScoringPolicyError(
      source,
      doc.errors.map((e) => {
        const what = (e.message.split('\n')[0] ?? '').replace(/\s*at line \d+, column \d+:?$/, '');
        return `not valid YAML${e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : ''}: ${what}`;
      }),
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScoringPolicyError(source, ['(top level): must be a mapping of policy sections (version, bant, mql, intent, fit, ...)']);
  }
  return validateScoringPolicy(data, source);
}
