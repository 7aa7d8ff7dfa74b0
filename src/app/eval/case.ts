import { z } from 'zod';
import { CriterionStatus, Intent, LeadRecord, ThreadMessage } from '../../domain/qualify/types.ts';

/** One labelled case, as ../shared/evals/case.schema.json defines it. Unknown keys are ignored. */
export const EvalCase = z.object({
  id: z.string().min(1).describe('stable case id'),
  // FORMAT.md says more languages may come: any code is accepted; the engine detects what it does not know.
  lang: z.string().min(1).describe('language code, en or zh today'),
  channel: z.enum(['email', 'chat']).describe('where the reply came in'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('the day the reply arrived'),
  lead: LeadRecord.optional(),
  thread: z.array(ThreadMessage).optional(),
  reply: z.string().describe('the raw reply'),
  notes: z.string().optional(),
  expected: z.object({
    intent: Intent,
    bant: z.object({
      budget: z.object({ status: CriterionStatus, amount: z.number().min(0).optional(), currency: z.string().regex(/^[A-Z]{3}$/).optional() }),
      authority: z.object({ status: CriterionStatus, role: z.string().optional() }),
      need: z.object({ status: CriterionStatus }),
      timeline: z.object({ status: CriterionStatus, within_days: z.number().int().min(0).optional() }),
    }),
    mql: z.boolean(),
    referral: z.object({ name: z.string().optional(), email: z.string().optional() }).optional(),
  }),
});
export type EvalCase = z.infer<typeof EvalCase>;

/** One line of a case file: the case, or why it could not be read (the runner still writes a line for it). */
export type CaseLine = { readonly line: number; readonly id: string; readonly case: EvalCase } | { readonly line: number; readonly id: string; readonly error: string };

/** Parse a JSON Lines case file; blank lines are skipped, every other line yields an entry. */
export function parseCaseLines(text: string): CaseLine[] {
  const out: CaseLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      out.push({ line, id: `line-${line}`, error: `line ${line}: not valid JSON (${e instanceof Error ? e.message : String(e)})` });
      return;
    }
    const idGuess = typeof json === 'object' && json !== null && typeof (json as { id?: unknown }).id === 'string' ? (json as { id: string }).id : `line-${line}`;
    const parsed = EvalCase.safeParse(json);
    if (!parsed.success) {
      const why = parsed.error.issues.map((iss) => `${iss.path.join('.') || '(root)'}: ${iss.message}`).join('; ');
      out.push({ line, id: idGuess, error: `line ${line}: invalid case: ${why}` });
      return;
    }
    out.push({ line, id: parsed.data.id, case: parsed.data });
  });
  return out;
}
