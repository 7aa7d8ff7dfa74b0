import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../adapters/db/db.ts';
import { openPglite } from '../../adapters/db/db.pglite.ts';
import { migrate } from '../../adapters/db/migrate.ts';
import { upsertLeads } from '../../adapters/db/store/leads.ts';
import { startSmtpSink, type SinkMessage } from '../../adapters/email/sink.ts';
import { silentLogger } from '../../adapters/log.ts';
import { systemClock } from '../../domain/clock.ts';
import { createTestDb } from '../../testing/db.ts';
import { SHIPPED_SEQUENCES, SHIPPED_TEMPLATES, TEST_SETTINGS } from '../../testing/outreach.ts';
import { ScriptedEngine } from '../../testing/engines.ts';
import { loadSequences } from './catalog.ts';
import { enrolInTx } from './enrol.ts';

/**
 * A worker process is killed (SIGKILL) while the SMTP server holds its message between DATA and the
 * final reply: after a restart every lead gets its email exactly once. The killed attempt left its
 * outbox row `sending`; its job's lease runs out and the next worker sends the same message (same
 * Message-ID) again, which the server accepts this time.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const LEADS = 5;
const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function startChild(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/testing/crash-child.ts')], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${err.slice(0, 2000)}`)));
  });
}

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

async function until(ok: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('crash between the outbox write and SMTP acceptance', () => {
  it('loses nothing and sends nothing twice after a restart', async () => {
    // The database, prepared here, then left to the worker processes.
    let db: Db;
    let childDb: Record<string, string>;
    const server = process.env.BATON_TEST_DATABASE_URL;
    if (server) {
      const t = await createTestDb();
      db = t;
      childDb = { CRASH_DATABASE_URL: (t as unknown as { url: string }).url };
      cleanup.push(() => t.close());
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'baton-crash-'));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      db = await openPglite(dir);
      await migrate(db);
      childDb = { CRASH_PGLITE_DIR: dir };
    }
    const deps = { db, clock: systemClock, logger: silentLogger(), mailer: { send: () => Promise.reject(new Error('not here')), close: async () => undefined }, engine: new ScriptedEngine(), settings: TEST_SETTINGS };
    await loadSequences(deps, SHIPPED_SEQUENCES, SHIPPED_TEMPLATES);
    const rows = Array.from({ length: LEADS }, (_, i) => `crash${i}@buyer.test`);
    const out = await upsertLeads(db, rows.map((email) => ({ email, emailDomain: 'buyer.test', accountDomain: 'buyer.test' })), { channel: 'web_form', source: 'crash-test' }, new Date());
    // The fast lane's first email goes at once, whatever the hour.
    for (const o of out) await db.transaction((tx) => enrolInTx(deps, tx, { leadId: o.leadId, sequenceId: 'inbound-fast-lane', actor: 'test' }));
    if (!server) await db.close();

    // The SMTP server holds the first message it is given until told; the worker dies meanwhile.
    let held: SinkMessage | undefined;
    let refuseHeld: ((e: Error) => void) | undefined;
    const sink = await startSmtpSink({
      hold: (m) => {
        if (held) return Promise.resolve();
        held = m;
        return new Promise<void>((_resolve, reject) => (refuseHeld = reject));
      },
    });
    cleanup.push(() => sink.close());

    const first = await startChild({ ...childDb, CRASH_SMTP_URL: sink.url, CRASH_LEASE_MS: '1500' });
    await until(() => held !== undefined, 'the first message to reach the SMTP server');
    first.kill('SIGKILL');
    await exited(first);
    // The dead worker's session ends without a final reply: the server never accepted that message.
    refuseHeld?.(new Error('the client is gone'));
    expect(sink.messages).toHaveLength(0);

    const second = await startChild({ ...childDb, CRASH_SMTP_URL: sink.url, CRASH_LEASE_MS: '1500' });
    try {
      await until(() => sink.messages.length >= LEADS, `${LEADS} accepted messages`);
      // Time for any duplicate to show up.
      await new Promise((r) => setTimeout(r, 2500));
    } finally {
      second.kill('SIGTERM');
      await exited(second);
    }

    const ids = sink.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(LEADS);
    expect(sink.messages).toHaveLength(LEADS);
    expect(new Set(sink.messages.flatMap((m) => m.envelopeTo))).toEqual(new Set(rows));
    // The message that was in flight when the worker died went out again, as the same message.
    expect(ids).toContain(held?.messageId);

    const check = server ? db : await openPglite(childDb.CRASH_PGLITE_DIR as string);
    try {
      const { rows: outbox } = await check.query<{ status: string; attempts: number; message_id: string }>('SELECT status, attempts, message_id FROM outbox ORDER BY created_at');
      expect(outbox).toHaveLength(LEADS);
      expect(outbox.every((r) => r.status === 'sent')).toBe(true);
      // Two attempts recorded: the killed one (its `sending` mark was committed) and the one that went out.
      expect(outbox.find((r) => r.message_id === held?.messageId)?.attempts).toBe(2);
    } finally {
      if (!server) await check.close();
    }
  }, 90_000);
});
