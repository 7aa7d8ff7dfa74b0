import { performance } from 'node:perf_hooks';
import { outboxCounts, type OutboxStatus } from '../../src/adapters/db/store/outbox.ts';
import { sampleMemory, type MemoryFigures } from '../lib/memory.ts';
import { countOf, enrolLeads, openRig, POLL_MS, waitUntil, type MailRig, type MailTarget } from './setup.ts';

export interface SendsInput extends MailTarget {
  kind: 'sends';
  sends: number;
  concurrency: number;
}

export interface SendsResult {
  kind: 'sends';
  backend: string;
  sends: number;
  concurrency: number;
  smtpPool: number;
  /** Storing and enrolling the leads (setup, not timed with the sends). */
  enrolMs: number;
  /** From worker.start() to the last outbox row marked sent. */
  wallMs: number;
  sendsPerSec: number;
  /** Sends/s over the first and the second half of the messages: whether the rate holds as the backlog drains. */
  halvesPerSec: [number, number];
  /** From worker.start() to the last job done, the advances planning each lead's next step included. */
  settledMs: number;
  /** CPU of this process (Baton and, on PGlite, the database) until the queue settled. */
  cpuMs: number;
  outbox: Record<OutboxStatus, number>;
  sink: { accepted: number; distinct: number };
  memory: MemoryFigures;
}

/**
 * Sends/s through the whole send path: K leads enrolled in a sequence whose first step is an email
 * sent at once, then a real-mode Worker on the system clock runs each lead's advance (plan the step,
 * write the outbox row) and send (re-check, reserve quota, SMTP through the nodemailer pool, mark
 * sent, move the cursor) until the outbox holds K sent rows.
 */
export async function measureSends(input: SendsInput): Promise<SendsResult> {
  const rig = await openRig(input);
  let measured: Omit<SendsResult, 'sink'>;
  try {
    measured = await run(rig, input);
  } catch (e) {
    await rig.close().catch(() => undefined);
    throw e;
  }
  return { ...measured, sink: await rig.close() };
}

async function run(rig: MailRig, input: SendsInput): Promise<Omit<SendsResult, 'sink'>> {
  const e0 = performance.now();
  await enrolLeads(rig, input.sends);
  const enrolMs = performance.now() - e0;

  const worker = rig.newWorker(input.concurrency);
  const memory = sampleMemory();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  worker.start();
  const timeout = Math.max(120_000, input.sends * 100);
  await waitUntil(
    `${input.sends} sent messages`,
    async () => {
      const n = await countOf(rig.db, `SELECT count(*)::int AS n FROM outbox WHERE status = 'sent'`);
      return n >= input.sends || `${n} sent`;
    },
    timeout,
    POLL_MS,
  );
  // Each send also queues the advance that plans the lead's next step: the run ends when those are done too.
  await waitUntil(
    'the queue to settle',
    async () => {
      const busy = await countOf(rig.db, `SELECT count(*)::int AS n FROM jobs WHERE status = 'running' OR (status = 'queued' AND run_at <= $1)`, [new Date()]);
      return busy === 0 || `${busy} jobs due or running`;
    },
    timeout,
    POLL_MS,
  );
  const cpu = process.cpuUsage(cpu0);
  const mem = memory.stop();
  await worker.stop();
  // sent_at and finished_at come from the same system clock as t0: the ends are exact, not rounded to the poll.
  const sentAt = (await rig.db.query<{ at: Date }>(`SELECT sent_at AS at FROM outbox WHERE status = 'sent' ORDER BY sent_at`)).rows.map((r) => new Date(r.at).getTime());
  const settled = (await rig.db.query<{ at: Date }>(`SELECT max(finished_at) AS at FROM jobs`)).rows[0]?.at;
  const wallMs = (sentAt.at(-1) ?? NaN) - t0;
  const mid = sentAt[Math.floor(sentAt.length / 2) - 1] ?? NaN;
  const half = Math.floor(sentAt.length / 2);
  return {
    kind: 'sends',
    backend: input.backend,
    sends: input.sends,
    concurrency: input.concurrency,
    smtpPool: rig.config.SMTP_POOL_MAX,
    enrolMs,
    wallMs,
    sendsPerSec: input.sends / (wallMs / 1000),
    halvesPerSec: [half / ((mid - t0) / 1000), (sentAt.length - half) / (((sentAt.at(-1) ?? NaN) - mid) / 1000)],
    settledMs: new Date(settled ?? NaN).getTime() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    outbox: await outboxCounts(rig.db),
    memory: mem,
  };
}
