import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** `baton mail inspect` in a child process: the JSON contract, the table, and the exit code. */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'baton-mail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function baton(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // No database settings: the command must not need (or open) one.
  const env: Record<string, string | undefined> = { ...process.env, BATON_DATA_DIR: join(dir, 'no-db-here'), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin/baton.js'), ...args], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const reply = join(dir, 'reply.eml');
writeFileSync(reply, 'From: Lead <lead@acme.example>\r\nTo: sdr@baton.example\r\nSubject: Re: hi\r\n\r\nYes, call me Tuesday.\r\n\r\nOn Mon, Mar 4, 2024 at 10:00 AM SDR <sdr@baton.example> wrote:\r\n> Hi\r\n');
const bounce = join(dir, 'bounce.eml');
writeFileSync(
  bounce,
  'From: MAILER-DAEMON@mx.example\r\nSubject: failure notice\r\n\r\nHi. This is the qmail-send program at mx.example.\r\nI\'m afraid I wasn\'t able to deliver your message to the following addresses.\r\n\r\n<gone@acme.example>:\r\n192.0.2.1 does not like recipient.\r\nRemote host said: 550 5.1.1 <gone@acme.example>... User unknown\r\n\r\n--- Below this line is a copy of the message.\r\n',
);
const broken = join(dir, 'broken.eml');
writeFileSync(broken, 'no headers at all\n');

describe('baton mail inspect', () => {
  it('prints one JSON line per file in the contract shape, an error line for a bad file, and exits non-zero after all files', async () => {
    const r = await baton('mail', 'inspect', reply, broken, bounce, '--json');
    expect(r.code).toBe(3);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(Object.keys(lines[0] ?? {})).toEqual(['file', 'kind', 'bounce', 'return_date', 'visible_text']);
    expect(lines[0]).toEqual({ file: reply, kind: 'reply', bounce: null, return_date: null, visible_text: 'Yes, call me Tuesday.' });
    expect(lines[1]).toMatchObject({ file: broken, error: expect.stringContaining('not a readable email message') });
    expect(lines[2]).toMatchObject({ file: bounce, kind: 'bounce', bounce: { hard: true, status: '5.1.1', recipient: 'gone@acme.example' } });
  });

  it('prints a table without --json and exits 0 when every file was read', async () => {
    const r = await baton('mail', 'inspect', reply, bounce);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^FILE\s+KIND\s+BOUNCE\s+STATUS\s+RECIPIENT/);
    expect(r.stdout).toMatch(/bounce\s+hard\s+5\.1\.1\s+gone@acme\.example/);
  });
});
