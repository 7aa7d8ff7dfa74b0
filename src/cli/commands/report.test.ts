import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The real `baton report funnel` in a child process, on an embedded database in a temporary directory
 * holding the leads of one CSV import. The figures themselves are tested in src/app/report/funnel.db.test.ts.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'baton-report-'));
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

beforeAll(async () => {
  const r = await baton('leads', 'import', join(root, 'test/fixtures/csv/bad-rows.csv'), '--source', 'expo-2026', '--campaign', 'booth');
  expect(r.code, r.stderr).toBe(3); // 4 leads created, some rows rejected
}, 60_000);

describe('baton report funnel', () => {
  it('prints the funnel as JSON with --json', async () => {
    const r = await baton('report', 'funnel', '--json', '--since', '7d');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { by: string; since: string; rows: { group: string; channel: string; steps: Record<string, { count: number }> }[]; total: Record<string, unknown> };
    expect(report.by).toBe('source');
    expect(Date.parse(report.since)).toBeGreaterThan(Date.now() - 8 * 86_400_000);
    expect(report.rows).toHaveLength(1);
    expect(report.rows[0]).toMatchObject({ group: 'expo-2026', channel: 'csv_import', steps: { leads: { count: 4 }, contacted: { count: 0 } } });
    expect(report.total).toMatchObject({
      group: 'total',
      steps: { leads: { count: 4, fromPrevious: null, fromLeads: 1 }, won: { count: 0, fromPrevious: null, fromLeads: 0 } },
      timeToFirstTouch: { n: 0, medianMs: null, p90Ms: null },
      timeToDecision: { n: 0, medianMs: null, p90Ms: null },
    });
  });

  it('prints a table by default', async () => {
    const r = await baton('report', 'funnel', '--by', 'campaign');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Funnel by campaign, all leads');
    expect(lines[2]).toMatch(/^campaign\s+Leads\s+Contacted\s+Replied\s+MQL cand\.\s+MQL\s+SQL\s+Won\s+Won\/lead\s+1st touch p50 \/ p90\s+Decision p50 \/ p90$/);
    expect(r.stdout).toMatch(/^booth\s+4\s+0 0%\s+0 -/m);
    expect(r.stdout).toMatch(/^total\s+4\s+0 0%/m);
  });

  it('exits 2 on a bad --by or --since, with a message that names the accepted values', async () => {
    const by = await baton('report', 'funnel', '--by', 'region');
    expect(by).toMatchObject({ code: 2, stdout: '', stderr: 'baton: --by "region" is not a grouping; use one of: source, campaign, sequence, sdr\n' });
    const since = await baton('report', 'funnel', '--since', 'last-week');
    expect(since).toMatchObject({ code: 2, stdout: '', stderr: 'baton: --since "last-week" is neither a date (YYYY-MM-DD) nor a number of days (7d, 30d)\n' });
    const unknown = await baton('report', 'funnel', '--until', '2026-01-01');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--until'");
  });
});
