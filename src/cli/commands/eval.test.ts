import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerEvalCommand } from './eval.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const U = { status: 'unknown' } as const;
const cases = [
  { id: 'c1', lang: 'en', channel: 'email', date: '2026-03-02', lead: { title: 'VP Operations' }, reply: 'Yes. We set aside about $40k for this in Q2. Can we book a demo next week?', expected: { intent: 'interested', bant: { budget: { status: 'met', amount: 40000, currency: 'USD' }, authority: { status: 'met' }, need: U, timeline: { status: 'met', within_days: 120 } }, mql: true } },
  { id: 'c2', lang: 'zh', channel: 'chat', date: '2026-05-13', reply: '请把我从你们的邮件列表里删除，<b>以后不要再发了</b>。', expected: { intent: 'unsubscribe', bant: { budget: U, authority: U, need: U, timeline: U }, mql: false } },
];
const dataset = join(dir, 'cases.jsonl');
writeFileSync(dataset, `${cases.map((c) => JSON.stringify(c)).join('\n')}\nnot json\n`);

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function run(...args: string[]): Promise<void> {
  const program = new Command('baton').exitOverride();
  registerEvalCommand(program);
  await program.parseAsync(['node', 'baton', 'eval', ...args]);
}

describe('baton eval', () => {
  it('writes a prediction per line, the HTML report, and the metrics as one JSON object', async () => {
    const preds = join(dir, 'p.jsonl');
    const report = join(dir, 'r.html');
    await run('--dataset', dataset, '--out', preds, '--report', report, '--json');
    const lines = readFileSync(preds, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; predicted: unknown; error: string | null });
    expect(lines.map((l) => l.id)).toEqual(['c1', 'c2', 'line-3']);
    expect(lines[2]).toMatchObject({ predicted: null, error: expect.stringMatching(/not valid JSON/) });
    expect(out).toHaveLength(1);
    const metrics = JSON.parse(out[0] ?? '') as { cases: number; errors: number; intent: { accuracy: number } };
    expect(metrics).toMatchObject({ cases: 3, errors: 1, intent: { accuracy: 1 } });
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('Intent confusion matrix');
    expect(html).toContain('line-3');
    expect(html).not.toContain('<b>以后');
    expect(process.exitCode).toBeUndefined();
  });

  it('exits 1 and names the metric when the gate fails', async () => {
    const gate = join(dir, 'gate.json');
    writeFileSync(gate, JSON.stringify({ max: { errors: 0 } }));
    await run('--dataset', dataset, '--gate', gate, '--json');
    expect(process.exitCode).toBe(1);
    expect(err.join('\n')).toMatch(/gate failed: errors = 1, above the maximum 0/);
  });

  it('compares two metrics files side by side', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify({ intent: { macro_f1: 0.8 } }));
    writeFileSync(b, JSON.stringify({ intent: { macro_f1: 0.9 } }));
    await run('--compare', a, b);
    expect(out.join('\n')).toMatch(/intent\.macro_f1\s+0\.8\s+0\.9\s+\+0\.1/);
  });

  it('refuses an unknown engine with the list of known ones', async () => {
    await expect(run('--dataset', dataset, '--engine', 'magic')).rejects.toThrow(/unknown engine "magic"; choose one of: offline, openai, hybrid/);
  });

  it('says what is missing', async () => {
    await expect(run()).rejects.toThrow(/--dataset FILE.jsonl is required/);
    await expect(run('--compare', dataset)).rejects.toThrow(/exactly two/);
    await expect(run('--dataset', join(dir, 'nope.jsonl'))).rejects.toThrow(/cannot read dataset/);
    expect(existsSync(join(dir, 'nope.jsonl'))).toBe(false);
  });
});

describe('baton eval --engine openai (against a local OpenAI-compatible server)', () => {
  it('records tokens and cost per case from the model calls', async () => {
    const { FakeOpenAi } = await import('../../testing/fake-openai.ts');
    const fake = await new FakeOpenAi()
      .reply({
        kind: 'json',
        content: { intent: 'unsubscribe', bant: { budget: U, authority: U, need: U, timeline: U }, referral: null, confidence: 0.9 },
        usage: { prompt_tokens: 1000, completion_tokens: 100 },
      })
      .start();
    const saved = { ...process.env };
    Object.assign(process.env, { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: fake.url, OPENAI_MAX_RETRIES: '0', LOG_LEVEL: 'silent' });
    try {
      const preds = join(dir, 'model.jsonl');
      await run('--dataset', dataset, '--engine', 'openai', '--out', preds, '--json');
      const metrics = JSON.parse(out[0] ?? '') as { engine: string; usage: { model_cases: number; input_tokens_per_case: number; cost_per_case_usd: number | null } };
      expect(metrics.engine).toBe('openai');
      expect(metrics.usage.model_cases).toBe(2);
      expect(metrics.usage.input_tokens_per_case).toBeCloseTo(2000 / 3, 3);
      expect(metrics.usage.cost_per_case_usd).not.toBeNull();
      const first = JSON.parse(readFileSync(preds, 'utf8').split('\n')[0] ?? '') as { usage?: { input_tokens: number } };
      expect(first.usage).toEqual({ input_tokens: 1000, output_tokens: 100 });
    } finally {
      process.env = saved;
      await fake.stop();
    }
  });
});

describe('baton eval export-corrections', () => {
  it('writes the corrections of an embedded database as JSON Lines that the eval reader loads', async () => {
    const saved = { ...process.env };
    const data = join(dir, 'desk-db');
    Object.assign(process.env, { BATON_DATA_DIR: data, LOG_LEVEL: 'silent' });
    delete process.env.DATABASE_URL;
    delete process.env.BATON_CONFIG;
    try {
      const file = join(dir, 'corrections.jsonl');
      // Dispatched to the subcommand, not to `baton eval` (which would ask for --dataset).
      await run('export-corrections', '--out', file, '--since', '30d');
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe('');
      expect(err).toEqual([`wrote 0 cases to ${file}`]);
      const { parseCaseLines } = await import('../../app/eval/case.ts');
      expect(parseCaseLines(readFileSync(file, 'utf8'))).toEqual([]);
    } finally {
      process.env = saved;
    }
  }, 60_000);

  it('refuses a --since that is not a day before opening anything', async () => {
    await expect(run('export-corrections', '--since', 'last week')).rejects.toThrow(/--since "last week" is neither a date/);
  });
});
