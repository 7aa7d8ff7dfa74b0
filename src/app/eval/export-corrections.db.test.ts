import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { candidatesOfLead } from '../../adapters/db/store/candidates.ts';
import type { Qualification } from '../../domain/qualify/types.ts';
import { testTeam } from '../../testing/desk.ts';
import { blankQualification, ScriptedEngine } from '../../testing/engines.ts';
import { composeReply, createOutreachHarness, type OutreachHarness } from '../../testing/outreach.ts';
import { decide, editBant } from '../desk/candidates.ts';
import type { DeskDeps } from '../desk/deps.ts';
import { noNotifier } from '../desk/notifier.ts';
import { enrolLead } from '../outreach/enrol.ts';
import { receiveInbound } from '../outreach/inbound.ts';
import { parseCaseLines } from './case.ts';
import { caseLang, correctedExpected, exportCorrections, formatCases } from './export-corrections.ts';

// The contract lives in the shared folder and is read from there, never copied into the repository.
const SCHEMA = JSON.parse(readFileSync('/work/shared/evals/case.schema.json', 'utf8')) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'baton-corrections-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A small JSON Schema (draft 2020-12) checker for the keywords the shared eval schemas use, so tests
 * can hold exported files to ../shared/evals/*.schema.json as written there. It refuses any keyword
 * it does not know rather than ignoring it, so a schema that grows cannot pass unchecked.
 */

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  '$schema', '$id', 'title', 'description', '$defs',
  'type', 'required', 'additionalProperties', 'properties', 'items', 'enum', '$ref', 'minLength', 'minimum', 'pattern', 'format',
]);

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    default:
      throw new Error(`json-schema: unsupported type "${type}"`);
  }
}

/** Every problem with `value` against `schema`, as "path: message"; empty when it conforms. */
function validateJsonSchema(schema: Schema, value: unknown): string[] {
  const root = schema;
  const errors: string[] = [];
  const walk = (s: Schema, v: unknown, path: string): void => {
    for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new Error(`json-schema: unsupported keyword "${k}" at ${path || '(root)'}`);
    if (typeof s.$ref === 'string') {
      const m = /^#\/\$defs\/(.+)$/.exec(s.$ref);
      const target = m?.[1] ? (root.$defs as Record<string, Schema> | undefined)?.[m[1]] : undefined;
      if (!target) throw new Error(`json-schema: cannot resolve ${s.$ref}`);
      walk(target, v, path);
    }
    const at = path || '(root)';
    if (typeof s.type === 'string' && !typeOk(s.type, v)) {
      errors.push(`${at}: expected ${s.type}`);
      return;
    }
    if (Array.isArray(s.enum) && !s.enum.includes(v)) errors.push(`${at}: not one of ${JSON.stringify(s.enum)}`);
    if (typeof v === 'string') {
      if (typeof s.minLength === 'number' && [...v].length < s.minLength) errors.push(`${at}: shorter than ${s.minLength}`);
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errors.push(`${at}: does not match ${s.pattern}`);
      if (s.format === 'date') {
        const d = new Date(`${v}T00:00:00Z`);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) errors.push(`${at}: not a date`);
      } else if (s.format !== undefined) throw new Error(`json-schema: unsupported format "${String(s.format)}"`);
    }
    if (typeof v === 'number' && typeof s.minimum === 'number' && v < s.minimum) errors.push(`${at}: below ${s.minimum}`);
    if (Array.isArray(v) && s.items) v.forEach((item, i) => walk(s.items as Schema, item, `${path}[${i}]`));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const obj = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required ?? []) as string[]) if (!(r in obj)) errors.push(`${at}: missing ${r}`);
      for (const [k, child] of Object.entries(obj)) {
        const p = props[k];
        if (p) walk(p, child, path ? `${path}.${k}` : k);
        else if (s.additionalProperties === false) errors.push(`${at}: unexpected property ${k}`);
      }
    }
  };
  walk(schema, value, '');
  return errors;
}

const MACHINE: Qualification = {
  ...blankQualification(),
  intent: 'interested',
  bant: {
    budget: { status: 'met', evidence: 'we set aside $40k', amount: 40000, currency: 'USD' },
    authority: { status: 'met', evidence: 'I decide', role: 'COO' },
    need: { status: 'met', evidence: 'we need fewer spreadsheets' },
    timeline: { status: 'met', evidence: 'this quarter', within_days: 60 },
  },
  mql: true,
  score: 80,
  route: 'candidate',
};

describe('correction labels', () => {
  it('lays the correction over the machine answer, then the rejection reason, and applies the MQL rule', () => {
    const e = correctedExpected(MACHINE, { budget: { status: 'not_met' }, timeline: { within_days: 150 } }, null);
    expect(e).toEqual({
      intent: 'interested',
      bant: { budget: { status: 'not_met', amount: 40000, currency: 'USD' }, authority: { status: 'met', role: 'COO' }, need: { status: 'met' }, timeline: { status: 'met', within_days: 150 } },
      mql: true,
    });
    const r = correctedExpected(MACHINE, { need: { status: 'not_met' } }, 'bad_timing');
    expect(r.bant.timeline).toEqual({ status: 'not_met' });
    expect(r.bant.need).toEqual({ status: 'not_met' });
    expect(r.mql).toBe(true);
    const budgetless = correctedExpected({ ...MACHINE, bant: { ...MACHINE.bant, need: { status: 'unknown' }, timeline: { status: 'unknown' } } }, null, 'no_budget');
    expect(budgetless.bant.budget).toEqual({ status: 'not_met' });
    expect(budgetless.mql).toBe(false);
    expect(correctedExpected({ ...MACHINE, intent: 'not_interested' }, null, 'spam').mql).toBe(false);
    expect(correctedExpected({ ...MACHINE, referral: { name: 'Kim' } }, null, 'not_decision_maker')).toMatchObject({ bant: { authority: { status: 'not_met', role: 'COO' } }, referral: { name: 'Kim' } });
  });

  it('calls a reply Chinese when it is mostly CJK', () => {
    expect(caseLang('我们下个月需要一个CRM系统，预算大约五万元。')).toBe('zh');
    expect(caseLang('We need a CRM next month, budget about $50k. 谢谢')).toBe('en');
  });
});

describe('baton eval export-corrections', () => {
  let h: OutreachHarness;
  let desk: DeskDeps;
  let answer: Qualification;

  beforeEach(async () => {
    answer = MACHINE;
    h = await createOutreachHarness({ engine: new ScriptedEngine('scripted', () => answer) });
    desk = { ...h.deps, isSdr: (id) => ['U1', 'U2'].includes(id), team: testTeam(), notifier: noNotifier, crm: null };
  });
  afterEach(async () => {
    await h.close();
  });

  async function leadReplies(email: string, fields: Record<string, unknown>, text: string): Promise<string> {
    const leadId = await h.addLead(email, fields);
    await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue();
    const raw = await composeReply(h.sink.messages.at(-1)?.raw ?? Buffer.alloc(0), { from: email, text, date: h.clock.now() });
    await receiveInbound(h.deps, raw, { via: 'simulator' });
    await h.worker.runDue();
    return (await candidatesOfLead(h.db, leadId))[0]!.id;
  }

  it('exports every edited or rejected candidate as a case that fits the shared schema and loads with the eval reader', async () => {
    const edited = await leadReplies('pat@one.test', { firstName: 'Pat', title: 'COO', company: 'One Inc', country: 'us', employees: 50 }, 'We need fewer spreadsheets; I decide. We set aside $40k.\n\nOn Mon, Ann wrote:\n> Hello Pat');
    await editBant(desk, { candidateId: edited, by: 'user:U1', correction: { budget: { status: 'unknown' }, comment: 'the 40k is for another project' } });
    h.clock.advance(3_600_000);
    const rejected = await leadReplies('li@two.test', { fullName: '李伟' }, '我们下个月需要一个CRM系统，但是今年没有预算。');
    await decide(desk, { candidateId: rejected, action: 'reject', by: 'user:U2', reason: 'no_budget' });
    h.clock.advance(3_600_000);
    // Approved as the machine saw it: no disagreement, nothing to export.
    const approved = await leadReplies('sam@three.test', {}, 'Yes, let us talk.');
    await decide(desk, { candidateId: approved, action: 'approve', by: 'user:U1' });

    const { cases, skipped } = await exportCorrections(h.db);
    expect(skipped).toBe(0);
    expect(cases.map((c) => c.id)).toEqual([`desk-${edited}`, `desk-${rejected}`]);
    for (const c of cases) expect(validateJsonSchema(SCHEMA, JSON.parse(JSON.stringify(c)) as unknown), c.id).toEqual([]);
    // The check bites: a language or a key outside the contract is caught.
    expect(validateJsonSchema(SCHEMA, { ...cases[0], lang: 'fr', extra: 1 })).toEqual(['lang: not one of ["en","zh"]', '(root): unexpected property extra']);

    const [a, b] = cases;
    expect(a).toMatchObject({ lang: 'en', channel: 'email', date: '2026-03-02', lead: { name: 'Pat', title: 'COO', company: 'One Inc', country: 'US', employees: 50, source: 'web_form' } });
    expect(a?.thread?.map((t) => t.from)).toEqual(['us']);
    // The reply as received: quoted history included, as the engine saw it.
    expect(a?.reply).toContain('> Hello Pat');
    expect(a?.expected).toEqual({
      intent: 'interested',
      bant: { budget: { status: 'unknown', amount: 40000, currency: 'USD' }, authority: { status: 'met', role: 'COO' }, need: { status: 'met' }, timeline: { status: 'met', within_days: 60 } },
      mql: true,
    });
    expect(a?.notes).toContain('corrected budget.status');
    expect(b).toMatchObject({ lang: 'zh', reply: expect.stringContaining('今年没有预算') as unknown, expected: { bant: { budget: { status: 'not_met' } }, mql: true } });
    expect(b?.notes).toContain('rejected by user:U2 (no_budget)');

    // --since keeps what was decided or edited since then.
    expect((await exportCorrections(h.db, { since: new Date(h.clock.now().getTime() - 30 * 60_000) })).cases).toEqual([]);
    expect((await exportCorrections(h.db, { since: new Date(h.clock.now().getTime() - 90 * 60_000) })).cases.map((c) => c.id)).toEqual([`desk-${rejected}`]);

    const file = join(dir, 'corrections.jsonl');
    writeFileSync(file, formatCases(cases));
    const loaded = parseCaseLines(readFileSync(file, 'utf8'));
    expect(loaded.map((l) => ('case' in l ? l.case.id : l.error))).toEqual(cases.map((c) => c.id));
  });
});
