import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** `baton sequences` in a child process on an embedded database in a temporary directory. */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'baton-seq-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function baton(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const e: Record<string, string | undefined> = { ...process.env, BATON_DATA_DIR: join(dir, 'db'), LOG_LEVEL: 'warn', ...env };
  delete e.DATABASE_URL;
  delete e.BATON_CONFIG;
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin/baton.js'), ...args], { cwd: root, env: e, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('baton sequences', () => {
  it('check names every problem of a broken sequence file and exits 2', async () => {
    const broken = join(dir, 'broken');
    cpSync(join(root, 'sequences'), broken, { recursive: true });
    writeFileSync(join(broken, 'bad.yaml'), 'id: bad\nname: Bad\nkind: outbound\nsteps:\n  - type: email\n    template: no-such-template\n  - type: wait\n    hours: 2\n    days: 1\n');
    const r = await baton({}, 'sequences', 'check', broken);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml/);
    expect(r.stderr).toMatch(/no-such-template/);
    expect(r.stderr).toMatch(/exactly one of minutes, hours, days or business_days/);
    const ok = await baton({}, 'sequences', 'check');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ok {2}inbound-fast-lane/m);
  }, 60_000);

  it('enrols the leads of an import source, and says why the rest were not enrolled', async () => {
    const csv = join(dir, 'leads.csv');
    writeFileSync(csv, 'email,first_name,company,country\nkim@acme.example,Kim,Acme,US\nlee@acme.example,Lee,Acme,GB\n');
    expect((await baton({}, 'leads', 'import', csv, '--source', 'fair-2026')).code).toBe(0);
    const first = await baton({}, 'sequences', 'enrol', 'outbound-intro', '--source', 'fair-2026');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/enrolled 2 lead\(s\) in outbound-intro/);
    const again = await baton({}, 'sequences', 'enrol', 'outbound-intro', 'kim@acme.example');
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/already in this sequence/);
    const list = await baton({}, 'sequences', 'list', '--json');
    const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; active: number });
    expect(rows.find((r) => r.id === 'outbound-intro')?.active).toBe(2);
  }, 120_000);
});
