import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { INTENTS } from '../qualify/types.ts';
import { STAGES } from '../lifecycle.ts';
import { SendWindowSchema, type SendWindow } from './calendar.ts';
import type { EmailTemplate } from './template.ts';

/**
 * A sequence as marketing writes it (YAML in sequences/), validated here. Steps run in order; a
 * branch jumps to a step by id. Every loop must pass through a wait or an email step, so a sequence
 * can never spin without time passing.
 */

const StepId = z
  .string({ error: 'must be text' })
  .regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'must be lower-case letters, digits, - or _' })
  .max(60);

/** Ids given to unnamed steps by position; a file may not use them (they shift when steps move). */
export const POSITIONAL_ID = /^step-\d+$/;

const TemplateName = z
  .string({ error: 'must be a template name' })
  .regex(/^[a-z0-9][a-z0-9_./-]*$/, { error: 'must name a file in prompts/email/ without the .md, e.g. inbound-welcome' })
  .refine((s) => !s.includes('..'), { error: 'must not contain ..' });

const EmailStep = z
  .object({
    id: StepId.optional(),
    type: z.literal('email'),
    template: TemplateName,
    /** Ask the model engine for a personal first line, from the lead record only (no invented facts). */
    personalise: z.boolean().default(false),
    /**
     * Goes at once, whatever the hour: only for answering a form the person has just sent (the
     * inbound fast lane). Every other email waits for the recipient's send window.
     */
    immediate: z.boolean().default(false),
    /** Start a new thread instead of following up the previous email. */
    new_thread: z.boolean().default(false),
  })
  .strict();

const WaitStep = z
  .object({
    id: StepId.optional(),
    type: z.literal('wait'),
    minutes: z.number().int().min(1).max(60 * 24 * 365).optional(),
    hours: z.number().int().min(1).max(24 * 365).optional(),
    days: z.number().int().min(1).max(365).optional(),
    business_days: z.number().int().min(1).max(260).optional(),
  })
  .strict()
  .refine((s) => [s.minutes, s.hours, s.days, s.business_days].filter((v) => v !== undefined).length === 1, {
    error: 'a wait needs exactly one of minutes, hours, days or business_days',
  });

const ChatStep = z
  .object({
    id: StepId.optional(),
    type: z.literal('chat'),
    /** Text with the same placeholders as email templates. */
    text: z.string().min(1).max(1000),
    /** Which chat provider adapter sends it: the website chat, or the signed-webhook gateway (SMS, WhatsApp, WeCom). */
    provider: z.enum(['website', 'webhook']).default('webhook'),
  })
  .strict();

const IntentCase = z.object({ when_intent: z.array(z.enum(INTENTS)).min(1), goto: StepId }).strict();
const ScoreCase = z.object({ when_score_at_least: z.number().min(0).max(100), goto: StepId }).strict();

const BranchStep = z
  .object({
    id: StepId.optional(),
    type: z.literal('branch'),
    /** The intent of the lead's last reply, or the lead's latest score. */
    on: z.enum(['intent', 'score']),
    cases: z.array(z.union([IntentCase, ScoreCase])).min(1),
    /** Where to go when no case matches: a step id, or "next" (default). */
    otherwise: z.union([z.literal('next'), StepId]).default('next'),
  })
  .strict()
  .superRefine((s, ctx) => {
    s.cases.forEach((c, i) => {
      const isIntent = 'when_intent' in c;
      if ((s.on === 'intent') !== isIntent) {
        ctx.addIssue({ code: 'custom', path: ['cases', i], message: s.on === 'intent' ? 'a branch on intent takes when_intent cases' : 'a branch on score takes when_score_at_least cases' });
      }
    });
  });

const NotifyStep = z
  .object({
    id: StepId.optional(),
    type: z.literal('notify'),
    /** What the SDR is told, with the same placeholders as templates. */
    message: z.string().min(1).max(2000),
  })
  .strict();

const EndStep = z
  .object({
    id: StepId.optional(),
    type: z.literal('end'),
    /** Where the lead goes when the sequence ends this way: stays where it is (default) or nurture. */
    move_to: z.enum(['stay', 'nurture']).default('stay'),
  })
  .strict();

const Step = z.discriminatedUnion('type', [EmailStep, WaitStep, ChatStep, BranchStep, NotifyStep, EndStep]);

export const SEQUENCE_KINDS = ['inbound', 'outbound', 'nurture'] as const;
export type SequenceKind = (typeof SEQUENCE_KINDS)[number];

export const SequenceFileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lower-case letters, digits and -' }).max(60),
    name: z.string().trim().min(1).max(200),
    kind: z.enum(SEQUENCE_KINDS),
    description: z.string().max(2000).optional(),
    /** Local send window of the recipient; default: the service's (BATON_SEND_WINDOW). */
    send_window: SendWindowSchema.optional(),
    /** Emails this sequence may send per day, all mailboxes together; over it, leads wait for tomorrow. */
    daily_cap: z.number().int().min(1).max(1_000_000).optional(),
    enrolment: z
      .object({
        /** May a lead enter this sequence again? never (default), or some days after its last run here ended. */
        reenrol: z.enum(['never', 'after_days']).default('never'),
        reenrol_after_days: z.number().int().min(1).max(3650).default(90),
        /** Leads in these stages leave the sequence (checked before every step). */
        exit_stages: z.array(z.enum(STAGES)).default(['mql_candidate', 'mql', 'sql', 'opportunity', 'customer', 'disqualified', 'unsubscribed', 'bounced']),
      })
      .strict()
      .default({ reenrol: 'never', reenrol_after_days: 90, exit_stages: ['mql_candidate', 'mql', 'sql', 'opportunity', 'customer', 'disqualified', 'unsubscribed', 'bounced'] }),
    steps: z.array(Step).min(1).max(100),
  })
  .strict();

export type SequenceFile = z.output<typeof SequenceFileSchema>;
export type SequenceStep = SequenceFile['steps'][number] & { id: string };
export type EmailStepDef = Extract<SequenceStep, { type: 'email' }>;

/** A validated sequence with step ids filled in and its templates bundled, as stored (one version). */
export interface SequenceDefinition {
  readonly id: string;
  readonly name: string;
  readonly kind: SequenceKind;
  readonly description?: string;
  readonly sendWindow: SendWindow | null;
  readonly dailyCap: number | null;
  readonly enrolment: SequenceFile['enrolment'];
  readonly steps: readonly SequenceStep[];
  /** The templates the email steps use, copied in so that a version never changes under a lead. */
  readonly templates: Readonly<Record<string, EmailTemplate>>;
}

/**
 * Validates a parsed sequence file. `templates` resolves a template name to its parsed template (or
 * throws); every email step's template must resolve.
 */
export function defineSequence(raw: unknown, templates: (name: string) => EmailTemplate, where = 'sequence'): SequenceDefinition {
  const parsed = SequenceFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`);
    // The templates of the steps that can be read are checked too, so one pass names every problem.
    const rawSteps = (raw as { steps?: unknown } | null)?.steps;
    if (Array.isArray(rawSteps)) {
      rawSteps.forEach((st: unknown, i) => {
        const t = (st as { type?: unknown; template?: unknown } | null) ?? {};
        // A name the schema refused (say "../x") is reported above and never looked up on disk.
        if (t.type !== 'email' || typeof t.template !== 'string' || !TemplateName.safeParse(t.template).success) return;
        try {
          templates(t.template);
        } catch (e) {
          lines.push(`steps.${i}: ${e instanceof Error ? e.message : String(e)}`);
        }
      });
    }
    throw new ValidationError(`${where} is not a valid sequence:\n  ${lines.join('\n  ')}`, { problems: lines }, 'SEQUENCE_INVALID');
  }
  const f = parsed.data;
  const steps: SequenceStep[] = f.steps.map((s, i) => ({ ...s, id: s.id ?? `step-${i + 1}` }) as SequenceStep);
  const problems: string[] = [];
  const ids = new Map<string, number>();
  f.steps.forEach((s, i) => {
    if (s.id !== undefined && POSITIONAL_ID.test(s.id)) problems.push(`steps.${i}.id: "${s.id}" looks like the id of an unnamed step; choose a name such as "follow-up"`);
  });
  steps.forEach((s, i) => {
    if (ids.has(s.id)) problems.push(`steps.${i}.id: "${s.id}" is used twice`);
    ids.set(s.id, i);
  });
  steps.forEach((s, i) => {
    if (s.type !== 'branch') return;
    for (const target of [...s.cases.map((c) => c.goto), s.otherwise]) {
      if (target !== 'next' && !ids.has(target)) problems.push(`steps.${i}: goto "${target}" names no step`);
    }
  });
  const bundled: Record<string, EmailTemplate> = {};
  for (const s of steps) {
    if (s.type !== 'email' || bundled[s.template]) continue;
    try {
      bundled[s.template] = templates(s.template);
    } catch (e) {
      problems.push(`step ${s.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (problems.length === 0) {
    const loop = timelessLoop(steps, ids);
    if (loop) problems.push(`steps ${loop.join(' -> ')} form a loop with no wait or email in it; it would never stop`);
  }
  if (problems.length) throw new ValidationError(`${where} is not a valid sequence:\n  ${problems.join('\n  ')}`, { problems }, 'SEQUENCE_INVALID');
  return {
    id: f.id,
    name: f.name,
    kind: f.kind,
    ...(f.description ? { description: f.description } : {}),
    sendWindow: f.send_window ?? null,
    dailyCap: f.daily_cap ?? null,
    enrolment: f.enrolment,
    steps,
    templates: bundled,
  };
}

/** Successors of a step without time passing (branch targets, or the next step for notify/chat). */
function instantSuccessors(steps: readonly SequenceStep[], ids: ReadonlyMap<string, number>, i: number): number[] {
  const s = steps[i];
  if (!s) return [];
  const next = (t: string) => (t === 'next' ? i + 1 : (ids.get(t) ?? -1));
  switch (s.type) {
    case 'branch':
      return [...s.cases.map((c) => next(c.goto)), next(s.otherwise)].filter((j) => j >= 0 && j < steps.length);
    case 'notify':
    case 'chat':
      return i + 1 < steps.length ? [i + 1] : [];
    default:
      return [];
  }
}

/** A cycle through instant steps only, as step ids, or null. */
function timelessLoop(steps: readonly SequenceStep[], ids: ReadonlyMap<string, number>): string[] | null {
  const state = new Array<0 | 1 | 2>(steps.length).fill(0);
  const path: number[] = [];
  const visit = (i: number): number[] | null => {
    if (state[i] === 2) return null;
    if (state[i] === 1) return path.slice(path.indexOf(i)).concat(i);
    state[i] = 1;
    path.push(i);
    for (const j of instantSuccessors(steps, ids, i)) {
      const found = visit(j);
      if (found) return found;
    }
    path.pop();
    state[i] = 2;
    return null;
  };
  for (let i = 0; i < steps.length; i += 1) {
    const found = visit(i);
    if (found) return found.map((j) => steps[j]?.id ?? String(j));
  }
  return null;
}
