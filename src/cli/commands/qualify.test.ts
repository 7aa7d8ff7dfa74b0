import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Qualification } from '../../domain/qualify/types.ts';
import { parseLeadPairs, registerQualifyCommand } from './qualify.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-qualify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let out: string[];
beforeEach(() => {
  out = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

async function run(...args: string[]): Promise<Qualification> {
  const program = new Command('baton').exitOverride();
  registerQualifyCommand(program);
  await program.parseAsync(['node', 'baton', 'qualify', ...args]);
  return JSON.parse(out.join('\n')) as Qualification;
}

describe('baton qualify', () => {
  it('qualifies --text with lead fields and a date', async () => {
    const q = await run('--text', 'We have $40k set aside and want it live by end of Q2. Can we book a demo?', '--lead', 'title=CTO', '--lead', 'employees=400', '--date', '2026-03-02');
    expect(q.intent).toBe('interested');
    expect(q.bant.budget).toMatchObject({ status: 'met', amount: 40000, currency: 'USD' });
    expect(q.bant.authority).toMatchObject({ status: 'met', role: 'CTO' });
    expect(q.bant.timeline).toMatchObject({ status: 'met', within_days: 120 });
    expect(q.mql).toBe(true);
    expect(q.engine).toEqual({ name: 'offline', version: expect.any(String), model: null, prompt_version: null });
  });

  it('reads the text part, sender and date of an .eml file', async () => {
    const eml = join(dir, 'reply.eml');
    writeFileSync(
      eml,
      [
        'From: "Dana Ortiz" <dana@kestrel.example>',
        'To: sam@baton.example',
        'Subject: Re: quick question',
        'Date: Mon, 02 Mar 2026 10:00:00 +0000',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Please take me off your list.',
        '',
        'On Sun, Mar 1, 2026 at 9:00 AM Sam <sam@baton.example> wrote:',
        '> We have budget talk here: $90k.',
      ].join('\r\n'),
    );
    const q = await run(eml);
    expect(q.intent).toBe('unsubscribe');
    expect(q.bant.budget.status).toBe('unknown');
  });

  it('rejects bad lead fields and a missing message', async () => {
    expect(() => parseLeadPairs(['salary=1'])).toThrow(/key one of/);
    expect(() => parseLeadPairs(['employees=many'])).toThrow(/whole number/);
    await expect(run()).rejects.toThrow(/either a message file/);
    await expect(run('--text', 'hi', '--date', '2026-13-45')).rejects.toThrow(/date/);
  });
});
