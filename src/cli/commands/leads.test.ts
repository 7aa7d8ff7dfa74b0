import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The real `baton` command in a child process, on an embedded database in a temporary directory.
 * Each run costs a process start and a database open (~3 s), so these cover the command surface and
 * exit codes; the import's behaviour is tested in src/app/import-leads.db.test.ts.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'baton-cli-'));
const fixture = join(root, 'test/fixtures/csv/bad-rows.csv');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function baton(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, BATON_DATA_DIR: join(dataDir, 'db'), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.BATON_CONFIG;
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin/baton.js'), ...args], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('baton leads', () => {
  it('imports the good rows, lists each bad one as "line N: reason" and exits 3', async () => {
    const rejects = join(dataDir, 'rejects.csv');
    const r = await baton('leads', 'import', fixture, '--source', 'expo-2026', '--campaign', 'booth', '--rejects', rejects);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/: 11 rows\n {2}created {13}4\n {2}merged {14}0\n {2}duplicates in file {2}2\n {2}suppressed {10}0\n {2}rejected {12}5/);
    for (const line of [3, 4, 8, 10, 11]) expect(r.stdout).toMatch(new RegExp(`^ {2}line ${line}: \\S`, 'm'));
    expect(r.stdout).toContain('line 11: invalid UTF-8');
    expect(readFileSync(rejects, 'utf8').split('\r\n').filter(Boolean)).toHaveLength(6);
    expect(r.stderr).toBe('');
  });

  it('prints a JSON report with --json; a second import merges', async () => {
    const r = await baton('leads', 'import', fixture, '--source', 'expo-2026', '--json');
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ rows: 11, imported: { created: 0, merged: 4 }, duplicatesInFile: 2, rejectedCount: 5 });
    expect(report.rejected).toContainEqual({ line: 3, reason: 'missing email' });
  });

  it('shows a lead by email as JSON, erases it, and then finds nothing', async () => {
    const shown = await baton('leads', 'show', 'Alan@Turing.example');
    expect(shown.code, shown.stderr).toBe(0);
    // The same JSON shape as GET /v1/leads/:id.
    const detail = JSON.parse(shown.stdout) as { lead: { email: string; stage: string }; sources: { first: { source: string; campaign: string } } };
    expect(detail.lead).toMatchObject({ email: 'alan@turing.example', stage: 'lead' });
    expect(detail.sources.first).toMatchObject({ source: 'expo-2026', campaign: 'booth' });

    const erased = await baton('leads', 'erase', 'alan@turing.example', '--yes');
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(/^Erased lead [0-9a-f-]{36} \(alan@turing\.example\)/);

    const gone = await baton('leads', 'show', 'alan@turing.example');
    expect(gone.code).toBe(1); // not a usage error: the command was right, the lead is gone
    expect(gone.stderr).toBe('baton: lead alan@turing.example was not found\n');
  });

  it('migrates and prints the schema version', async () => {
    const r = await baton('migrate');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/is at version \d+:\n {2}0001 foundation/);
  });

  it('exits 2 on usage errors, before opening the database', async () => {
    const noSource = await baton('leads', 'import', fixture);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toContain("required option '--source <name>' not specified");
    const noFile = await baton('leads', 'import', join(dataDir, 'missing.csv'), '--source', 'x', '--rejects', join(dataDir, 'r2.csv'));
    expect(noFile).toMatchObject({ code: 2, stderr: `baton: cannot read ${join(dataDir, 'missing.csv')}: no such file\n` });
    expect(existsSync(join(dataDir, 'r2.csv'))).toBe(false);
    const noConfirm = await baton('leads', 'erase', 'someone@example.com');
    expect(noConfirm).toMatchObject({ code: 2, stderr: 'baton: erasing cannot be undone: pass --yes to confirm\n' });
  });
});
