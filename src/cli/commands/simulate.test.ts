import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** `baton simulate` in a child process: the last line is the JSON contract, the exit code says whether the invariants held. */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'baton-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function baton(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // The simulator needs no database or mail settings, and must not touch the configured ones.
  const env: Record<string, string | undefined> = { ...process.env, BATON_DATA_DIR: join(dir, 'no-db-here'), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin/baton.js'), ...args], { cwd: root, env, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('baton simulate', () => {
  it('prints a summary and, as its last line, one JSON object with the counts and each invariant', async () => {
    const r = await baton('simulate', '--leads', '20', '--days', '3', '--seed', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(r.stdout).toContain('invariants:');
    const last = JSON.parse(lines.at(-1) ?? '') as Record<string, unknown>;
    expect(last).toMatchObject({ leads: 20, days: 3, seed: 1, violations: 0 });
    expect(typeof last.sent).toBe('number');
    expect(typeof last.elapsed_ms).toBe('number');
    const invariants = last.invariants as Record<string, number>;
    for (const name of ['no_duplicate_sends', 'no_send_after_opt_out', 'no_send_after_hard_bounce', 'inside_send_windows', 'caps_held', 'human_reply_stopped_sequence', 'auto_reply_paused', 'auto_reply_resumed', 'never_dropped']) {
      expect(invariants[name], name).toBe(0);
    }
    expect(Object.values(invariants).reduce((a, b) => a + b, 0)).toBe(last.violations);
    expect(r.stderr).toBe('');
  }, 120_000);

  it('refuses options out of range with exit code 2 and says what is allowed', async () => {
    const r = await baton('simulate', '--leads', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--leads must be from 1 to 100000');
    const d = await baton('simulate', '--days', 'ten');
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('--days must be a whole number');
  }, 60_000);
});
