// Checks the labelled qualification eval sets in evals/datasets against the eval contract
// (/work/shared/evals/FORMAT.md and case.schema.json) and against the labelling rules the
// team agreed on. It reads only the data files; it never imports the engine.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { z } from 'zod';

const INTENTS = [
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

/** Intents that can never be an MQL, whatever the BANT labels say. */
const NEVER_MQL: ReadonlySet<string> = new Set(['not_interested', 'unsubscribe', 'out_of_office', 'bounce']);

const MAX_TIMELINE_DAYS = 180;

// Mirrors case.schema.json: required fields, enums, and additionalProperties: false via .strict().
const Status = z.enum(['met', 'not_met', 'unknown']);
const Intent = z.enum(INTENTS);

const Lead = z
  .object({
    name: z.string().optional(),
    email: z.string().optional(),
    title: z.string().optional(),
    company: z.string().optional(),
    industry: z.string().optional(),
    employees: z.number().int().min(0).optional(),
    country: z.string().optional(),
    source: z.string().optional(),
  })
  .strict();

const Message = z
  .object({
    from: z.enum(['us', 'lead']),
    text: z.string(),
  })
  .strict();

const Bant = z
  .object({
    budget: z
      .object({
        status: Status,
        amount: z.number().min(0).optional(),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/)
          .optional(),
      })
      .strict(),
    authority: z.object({ status: Status, role: z.string().optional() }).strict(),
    need: z.object({ status: Status }).strict(),
    timeline: z
      .object({
        status: Status,
        within_days: z.number().int().min(0).optional(),
      })
      .strict(),
  })
  .strict();

const Expected = z
  .object({
    intent: Intent,
    bant: Bant,
    mql: z.boolean(),
    referral: z.object({ name: z.string().optional(), email: z.string().optional() }).strict().optional(),
  })
  .strict();

const Case = z
  .object({
    id: z.string().min(1),
    lang: z.enum(['en', 'zh']),
    channel: z.enum(['email', 'chat']),
    date: z.iso.date(),
    lead: Lead.optional(),
    thread: z.array(Message).optional(),
    reply: z.string(),
    notes: z.string().optional(),
    expected: Expected,
  })
  .strict();

type EvalCase = z.infer<typeof Case>;

interface Loaded {
  file: string;
  prefix: string;
  lines: string[];
  cases: EvalCase[];
}

function load(file: string, prefix: string): Loaded {
  const text = readFileSync(new URL(`./datasets/${file}`, import.meta.url), 'utf8');
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const cases: EvalCase[] = [];
  for (const line of lines) {
    const parsed = Case.safeParse(JSON.parse(line));
    if (parsed.success) cases.push(parsed.data);
  }
  return { file, prefix, lines, cases };
}

const DEV = load('dev.jsonl', 'dev');
const HOLDOUT = load('holdout.jsonl', 'ho');
const TUNE = load('tune.jsonl', 'tune');
/** The multi-turn website chat sets: chat only, with their own coverage minimums (no email-only intents). */
const CHAT_DEV = load('chat-dev.jsonl', 'chat');
const CHAT_HOLDOUT = load('chat-holdout.jsonl', 'chat-ho');
const CHAT_FILES: readonly Loaded[] = [CHAT_DEV, CHAT_HOLDOUT];
const FILES: Loaded[] = [DEV, HOLDOUT, TUNE, ...CHAT_FILES];
/** Every case in every file: ids, the MQL rule and value labels are checked over all of them. */
const ALL: EvalCase[] = FILES.flatMap((f) => f.cases);
/** The original measurement sets, whose combined coverage minimums predate tune.jsonl. */
const CORE: EvalCase[] = [...DEV.cases, ...HOLDOUT.cases];

/** tune.jsonl marks its adversarial cases (traps for naive rules) with this prefix in `notes`. */
const ADVERSARIAL_NOTE = /^Adversarial: /;

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function metCount(c: EvalCase): number {
  const { budget, authority, need, timeline } = c.expected.bant;
  return [budget, authority, need, timeline].filter((criterion) => criterion.status === 'met').length;
}

describe('qualification eval datasets', () => {
  for (const f of FILES) {
    describe(f.file, () => {
      it('has only lines that parse as JSON and satisfy the case schema', () => {
        const problems: string[] = [];
        f.lines.forEach((line, index) => {
          let value: unknown;
          try {
            value = JSON.parse(line);
          } catch (error) {
            problems.push(`line ${index + 1}: invalid JSON (${String(error)})`);
            return;
          }
          const parsed = Case.safeParse(value);
          if (!parsed.success) {
            problems.push(`line ${index + 1}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
          }
        });
        expect(problems).toEqual([]);
        expect(f.cases.length).toBe(f.lines.length);
      });

      it('names every case <split>-<lang>-NNN', () => {
        const bad = f.cases.filter((c) => !new RegExp(`^${f.prefix}-${c.lang}-\\d{3}$`).test(c.id)).map((c) => c.id);
        expect(bad).toEqual([]);
      });

      if (!CHAT_FILES.includes(f)) {
        it('has at least 12 cases of every intent', () => {
          const counts = countBy(f.cases, (c) => c.expected.intent);
          for (const intent of INTENTS) expect(counts.get(intent) ?? 0, intent).toBeGreaterThanOrEqual(12);
        });
      }

      it('gives every case a note explaining its labels', () => {
        expect(f.cases.filter((c) => !c.notes || c.notes.trim() === '').map((c) => c.id)).toEqual([]);
      });
    });
  }

  for (const f of CHAT_FILES) {
    describe(`${f.file} (chat)`, () => {
      it('is all chat, with turns that alternate from our greeting and end on our question', () => {
        const problems: string[] = [];
        for (const c of f.cases) {
          if (c.channel !== 'chat') problems.push(`${c.id}: channel ${c.channel}`);
          const thread = c.thread ?? [];
          if (thread.length === 0) problems.push(`${c.id}: no thread`);
          thread.forEach((m, i) => {
            if (m.from !== (i % 2 === 0 ? 'us' : 'lead')) problems.push(`${c.id}: message ${i + 1} is from ${m.from}`);
          });
          if (thread.at(-1)?.from === 'lead') problems.push(`${c.id}: thread ends on the visitor`);
        }
        expect(problems).toEqual([]);
      });

      it('covers every intent a chat can have, both MQL outcomes, Chinese, multi-turn and adversarial cases', () => {
        const chatIntents = INTENTS.filter((i) => i !== 'out_of_office' && i !== 'bounce');
        const intents = countBy(f.cases, (c) => c.expected.intent);
        for (const intent of chatIntents) expect(intents.get(intent) ?? 0, intent).toBeGreaterThanOrEqual(3);
        expect(f.cases.filter((c) => c.expected.mql).length).toBeGreaterThanOrEqual(10);
        expect(f.cases.filter((c) => !c.expected.mql).length).toBeGreaterThanOrEqual(10);
        expect(f.cases.filter((c) => c.lang === 'zh').length).toBeGreaterThanOrEqual(f.cases.length * 0.35);
        expect(f.cases.filter((c) => ADVERSARIAL_NOTE.test(c.notes ?? '')).length).toBeGreaterThanOrEqual(f.cases.length * 0.1);
        expect(f.cases.filter((c) => (c.thread?.length ?? 0) >= 2).length).toBeGreaterThanOrEqual(f.cases.length * 0.6);
      });
    });
  }

  it('keeps ids unique across all files', () => {
    const dupes = [...countBy(ALL, (c) => c.id)].filter(([, n]) => n > 1).map(([id]) => id);
    expect(dupes).toEqual([]);
  });

  it('labels mql exactly by the rule: two or more criteria met and an intent that can qualify', () => {
    const wrong = ALL.filter((c) => c.expected.mql !== (metCount(c) >= 2 && !NEVER_MQL.has(c.expected.intent)));
    expect(wrong.map((c) => c.id)).toEqual([]);
  });

  it('meets the minimum coverage (dev + holdout)', () => {
    expect(DEV.cases.length).toBeGreaterThanOrEqual(250);
    expect(HOLDOUT.cases.length).toBeGreaterThanOrEqual(190);
    expect(CORE.length).toBeGreaterThanOrEqual(460);
    expect(CORE.filter((c) => c.lang === 'zh').length).toBeGreaterThanOrEqual(180);
    expect(CORE.filter((c) => c.channel === 'chat').length).toBeGreaterThanOrEqual(80);
    const intents = countBy(CORE, (c) => c.expected.intent);
    for (const intent of INTENTS) expect(intents.get(intent) ?? 0, intent).toBeGreaterThanOrEqual(30);
    // Both outcomes and every BANT status must be well represented, or the metrics mean little.
    expect(CORE.filter((c) => c.expected.mql).length).toBeGreaterThanOrEqual(60);
    expect(CORE.filter((c) => !c.expected.mql).length).toBeGreaterThanOrEqual(60);
    for (const criterion of ['budget', 'authority', 'need', 'timeline'] as const) {
      for (const status of ['met', 'not_met'] as const) {
        const n = CORE.filter((c) => c.expected.bant[criterion].status === status).length;
        expect(n, `${criterion} ${status}`).toBeGreaterThanOrEqual(15);
      }
    }
  });

  it('meets the minimum coverage (tune)', () => {
    const tune = TUNE.cases;
    expect(tune.length).toBeGreaterThanOrEqual(300);
    expect(tune.filter((c) => c.lang === 'zh').length).toBeGreaterThanOrEqual(120);
    expect(tune.filter((c) => c.channel === 'chat').length).toBeGreaterThanOrEqual(80);
    expect(tune.filter((c) => ADVERSARIAL_NOTE.test(c.notes ?? '')).length).toBeGreaterThanOrEqual(40);
    const intents = countBy(tune, (c) => c.expected.intent);
    for (const intent of INTENTS) expect(intents.get(intent) ?? 0, intent).toBeGreaterThanOrEqual(25);
    expect(tune.filter((c) => c.expected.mql).length).toBeGreaterThanOrEqual(30);
    expect(tune.filter((c) => !c.expected.mql).length).toBeGreaterThanOrEqual(30);
    for (const criterion of ['budget', 'authority', 'need', 'timeline'] as const) {
      for (const status of ['met', 'not_met'] as const) {
        const n = tune.filter((c) => c.expected.bant[criterion].status === status).length;
        expect(n, `${criterion} ${status}`).toBeGreaterThanOrEqual(5);
      }
    }
  });

  it('has no value label without the status and companions it implies', () => {
    const problems: string[] = [];
    for (const c of ALL) {
      const { budget, authority, timeline } = c.expected.bant;
      if (budget.amount !== undefined && budget.status !== 'met') problems.push(`${c.id}: budget.amount without budget met`);
      if (budget.amount !== undefined && budget.currency === undefined) problems.push(`${c.id}: budget.amount without currency`);
      if (budget.currency !== undefined && budget.amount === undefined) problems.push(`${c.id}: currency without amount`);
      if (authority.role !== undefined && authority.status !== 'met') problems.push(`${c.id}: authority.role without authority met`);
      if (timeline.within_days !== undefined) {
        if (timeline.status === 'unknown') problems.push(`${c.id}: within_days on an unknown timeline`);
        if (timeline.status === 'met' && timeline.within_days > MAX_TIMELINE_DAYS) {
          problems.push(`${c.id}: timeline met but ${timeline.within_days} days is beyond ${MAX_TIMELINE_DAYS}`);
        }
        if (timeline.status === 'not_met' && timeline.within_days <= MAX_TIMELINE_DAYS) {
          problems.push(`${c.id}: timeline not_met but ${timeline.within_days} days is within ${MAX_TIMELINE_DAYS}`);
        }
      }
      if (c.expected.referral !== undefined) {
        if (c.expected.intent !== 'referral') problems.push(`${c.id}: referral label on a ${c.expected.intent} case`);
        if (c.expected.referral.name === undefined && c.expected.referral.email === undefined) {
          problems.push(`${c.id}: empty referral label`);
        }
      }
      if (c.expected.intent === 'bounce') {
        const nonUnknown = Object.entries(c.expected.bant).filter(([, v]) => v.status !== 'unknown');
        if (nonUnknown.length > 0) problems.push(`${c.id}: bounce with BANT signal ${nonUnknown.map(([k]) => k).join(',')}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
