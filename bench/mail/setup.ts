import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../src/adapters/db/db.ts';
import { upsertLeads } from '../../src/adapters/db/store/leads.ts';
import { createSmtpMailer } from '../../src/adapters/email/mailer.ts';
import { silentLogger } from '../../src/adapters/log.ts';
import { Worker } from '../../src/adapters/queue/worker.ts';
import { loadSequences } from '../../src/app/outreach/catalog.ts';
import type { OutreachDeps } from '../../src/app/outreach/deps.ts';
import { enrolInTx } from '../../src/app/outreach/enrol.ts';
import { outreachTasks } from '../../src/app/outreach/tasks.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { systemClock } from '../../src/domain/clock.ts';
import { accountDomainFor } from '../../src/domain/lead.ts';
import { buildQualificationEngine, openDatabase, outreachSettings, templatesDir } from '../../src/main.ts';
import { storedLead } from '../import/data.ts';
import type { SinkReport } from './sink.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SINK = fileURLToPath(new URL('./sink.ts', import.meta.url));

export type Backend = 'pglite' | 'postgres';

/** Where a measurement keeps its data: a PGlite directory or a fresh server database. */
export interface MailTarget {
  backend: Backend;
  /** PGlite data directory, or the server database URL. */
  target: string;
  /** Scratch directory of this measurement. */
  workDir: string;
}

/**
 * The service's configuration as a fresh install has it, from a fixed environment (not this
 * process's, so a developer's .env does not change the figures), on the measurement's database.
 * Spacing and caps pace a real mailbox; left at their defaults they would measure the pacing, so
 * they are opened up unless `extra` says otherwise.
 */
export function benchConfig(t: MailTarget, extra: Record<string, string> = {}): Config {
  return loadConfig({
    LOG_LEVEL: 'silent',
    ...(t.backend === 'pglite' ? { BATON_DATA_DIR: t.target } : { DATABASE_URL: t.target }),
    MAIL_SPACING_SECONDS: '0',
    MAIL_DAILY_CAP: '100000',
    SEQUENCE_DAILY_CAP: '1000000',
    ...extra,
  });
}

export const BENCH_SEQUENCE = 'bench-burst';

// One email sent at once whatever the hour (so the send window does not pace the run), then a
// wait long enough that nothing else falls due while the benchmark runs.
const BENCH_SEQUENCE_YAML = `id: ${BENCH_SEQUENCE}
name: Mail benchmark burst
kind: outbound
steps:
  - id: hello
    type: email
    template: outbound-intro
    immediate: true
  - type: wait
    days: 30
  - type: end
`;

/** The SMTP sink in its own process (bench/mail/sink.ts). */
export interface SinkProcess {
  url: string;
  close(): Promise<SinkReport>;
}

export function startSinkProcess(): Promise<SinkProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SINK], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const pending: ((line: string) => void)[] = [];
    lines.on('line', (line) => pending.shift()?.(line));
    const nextLine = () => new Promise<string>((res) => pending.push(res));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the SMTP sink process exited with code ${code}`));
    });
    void nextLine().then((first) => {
      const { url } = JSON.parse(first) as { url: string };
      resolve({
        url,
        async close() {
          const last = nextLine();
          child.stdin.end();
          return JSON.parse(await last) as SinkReport;
        },
      });
    });
  });
}

/** The email channel on the measurement's database: bench sequence, offline engine, pooled SMTP mailer to the sink process. */
export interface MailRig {
  config: Config;
  db: Db;
  deps: OutreachDeps;
  sink: SinkProcess;
  /** A real-mode worker on the system clock; enqueues in deps wake it. */
  newWorker(concurrency: number): Worker;
  close(): Promise<SinkReport>;
}

export async function openRig(t: MailTarget): Promise<MailRig> {
  const config = benchConfig(t);
  const logger = silentLogger();
  const db = await openDatabase(config, logger);
  const sequences = join(t.workDir, 'sequences');
  mkdirSync(sequences, { recursive: true });
  writeFileSync(join(sequences, `${BENCH_SEQUENCE}.yaml`), BENCH_SEQUENCE_YAML);
  await loadSequences({ db, clock: systemClock, logger }, sequences, templatesDir(config));
  const sink = await startSinkProcess();
  const mailer = createSmtpMailer({ url: sink.url, maxConnections: config.SMTP_POOL_MAX, logger });
  const wake = { fn: (): void => undefined };
  const deps: OutreachDeps = {
    db,
    clock: systemClock,
    logger,
    mailer,
    engine: buildQualificationEngine(config, { logger }),
    settings: outreachSettings(config),
    wake: () => wake.fn(),
  };
  return {
    config,
    db,
    deps,
    sink,
    newWorker(concurrency) {
      const w = new Worker({ db, clock: systemClock, logger, tasks: outreachTasks(deps), concurrency, pollIntervalMs: config.WORKER_POLL_MS });
      wake.fn = () => w.wake();
      return w;
    },
    async close() {
      await mailer.close();
      const report = await sink.close();
      await db.close();
      return report;
    },
  };
}

/** Stores `n` generated leads (bench/import/data.ts) and enrols each in the bench sequence. Returns the lead ids. */
export async function enrolLeads(rig: MailRig, n: number): Promise<string[]> {
  const at = new Date();
  const ids: string[] = [];
  for (let i = 0; i < n; i += 500) {
    const rows = Array.from({ length: Math.min(500, n - i) }, (_, k) => {
      const { attributes, ...fields } = storedLead(i + k);
      return { ...fields, accountDomain: accountDomainFor(fields.email), attributes: JSON.parse(attributes) as Record<string, string> };
    });
    const out = await rig.db.transaction((tx) => upsertLeads(tx, rows, { channel: 'csv_import', source: 'bench' }, at));
    ids.push(...out.map((o) => o.leadId));
  }
  for (let i = 0; i < ids.length; i += 100) {
    await rig.db.transaction(async (tx) => {
      for (const leadId of ids.slice(i, i + 100)) await enrolInTx(rig.deps, tx, { leadId, sequenceId: BENCH_SEQUENCE, actor: 'bench' });
    });
  }
  return ids;
}

/**
 * How often a timed measurement looks whether it is done. Each look is a count over the outbox or
 * inbound_mail, which on PGlite shares the one connection with the worker, so not too often; the end
 * time comes from the rows' own timestamps (sent_at, processed_at), not from the look.
 */
export const POLL_MS = Number(process.env.BENCH_MAIL_POLL_MS ?? 250);

/** Polls `done` every `everyMs` until it answers true; fails after `timeoutMs` with `what` and the last progress. */
export async function waitUntil(what: string, done: () => Promise<boolean | string>, timeoutMs: number, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await done();
    if (r === true) return;
    if (Date.now() > end) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${typeof r === 'string' ? ` (${r})` : ''}`);
    await new Promise((res) => setTimeout(res, everyMs));
  }
}

export async function countOf(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}
