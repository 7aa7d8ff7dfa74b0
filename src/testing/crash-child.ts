/**
 * A job worker in its own process, for the crash test (src/app/outreach/crash.db.test.ts): it opens
 * the database named by CRASH_DATABASE_URL (a server) or CRASH_PGLITE_DIR (embedded), sends through the
 * SMTP server at CRASH_SMTP_URL, and runs the email channel's jobs until killed (SIGKILL: a crash) or
 * stopped (SIGTERM: a graceful stop). Prints "ready" once polling.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { openPglite } from '../adapters/db/db.pglite.ts';
import { openPostgres } from '../adapters/db/db.pg.ts';
import { createSmtpMailer } from '../adapters/email/mailer.ts';
import { silentLogger } from '../adapters/log.ts';
import { Worker } from '../adapters/queue/worker.ts';
import { outreachTasks } from '../app/outreach/tasks.ts';
import { systemClock } from '../domain/clock.ts';
import { OfflineEngine } from '../domain/qualify/engine.offline.ts';
import { parseScoringPolicy } from '../domain/qualify/policy.ts';
import { TEST_SETTINGS } from './outreach.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const url = process.env.CRASH_DATABASE_URL;
const dir = process.env.CRASH_PGLITE_DIR;
const smtp = process.env.CRASH_SMTP_URL;
if ((!url && !dir) || !smtp) throw new Error('set CRASH_DATABASE_URL or CRASH_PGLITE_DIR, and CRASH_SMTP_URL');

const db = url ? await openPostgres(url, { max: 2 }) : await openPglite(dir as string);
const mailer = createSmtpMailer({ url: smtp, pool: false, timeoutMs: 60_000 });
const policy = parseScoringPolicy(readFileSync(resolve(ROOT, 'config/scoring-policy.yaml'), 'utf8'), 'config/scoring-policy.yaml');
const deps = { db, clock: systemClock, logger: silentLogger(), mailer, engine: new OfflineEngine(policy), settings: TEST_SETTINGS };
const worker = new Worker({ db, clock: systemClock, logger: silentLogger(), tasks: outreachTasks(deps), concurrency: 1, pollIntervalMs: 100, leaseMs: Number(process.env.CRASH_LEASE_MS ?? 1500), stopTimeoutMs: 5000 });
worker.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void (async () => {
    await worker.stop();
    await mailer.close();
    await db.close();
    process.exit(0);
  })();
});
