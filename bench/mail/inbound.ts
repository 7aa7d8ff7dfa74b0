import { receiveInbound } from '../../src/app/outreach/inbound.ts';
import { sampleMemory, type MemoryFigures } from '../lib/memory.ts';
import { buildInbound, replyTexts, type InboundKind, type SentMessage } from './replies.ts';
import { countOf, enrolLeads, openRig, POLL_MS, waitUntil, type MailRig, type MailTarget } from './setup.ts';

export interface InboundInput extends MailTarget {
  kind: 'inbound';
  messages: number;
  concurrency: number;
  /** JSON Lines case files whose email replies are the human answers. */
  datasets: string[];
}

export interface InboundResult {
  kind: 'inbound';
  backend: string;
  messages: number;
  concurrency: number;
  /** What the benchmark sent in, by kind. */
  sentIn: Record<InboundKind, number>;
  /** Bytes of MIME in all. */
  mimeBytes: number;
  /** Sending the leads their first email and waiting for the queue to settle (setup, not timed). */
  setupMs: number;
  /** From the first receiveInbound to the last one returning (the worker runs meanwhile). */
  receiveMs: number;
  /** From the first receiveInbound to the last inbound_mail row processed. */
  wallMs: number;
  messagesPerSec: number;
  cpuMs: number;
  /** inbound_mail rows by the kind the pipeline saw, and by status. */
  classified: Record<string, number>;
  status: Record<string, number>;
  qualifications: number;
  memory: MemoryFigures;
}

/**
 * Inbound messages/s from MIME to stored qualification: M leads are sent their first email (setup),
 * then an answer to each (bench/mail/replies.ts) is handed to receiveInbound one after another, as
 * the SMTP and IMAP adapters do, while a real-mode Worker processes them (parse, classify, match, stop
 * or pause, qualify with the offline engine, act). Ends when no inbound_mail row is left unprocessed.
 */
export async function measureInbound(input: InboundInput): Promise<InboundResult> {
  const rig = await openRig(input);
  try {
    return await run(rig, input);
  } finally {
    await rig.close();
  }
}

async function run(rig: MailRig, input: InboundInput): Promise<InboundResult> {
  const s0 = Date.now();
  await enrolLeads(rig, input.messages);
  const setup = rig.newWorker(8);
  setup.start();
  await waitUntil(
    'the setup sends and the queue to settle',
    async () => {
      const sent = await countOf(rig.db, `SELECT count(*)::int AS n FROM outbox WHERE status = 'sent'`);
      const busy = await countOf(rig.db, `SELECT count(*)::int AS n FROM jobs WHERE status = 'running' OR (status = 'queued' AND run_at <= $1)`, [new Date()]);
      return (sent >= input.messages && busy === 0) || `${sent} sent, ${busy} jobs due or running`;
    },
    Math.max(120_000, input.messages * 100),
  );
  await setup.stop();
  const setupMs = Date.now() - s0;

  const { rows } = await rig.db.query<{ message_id: string; to_address: string; full_name: string | null; mailbox: string; email: { from: string; replyTo: string; subject: string } }>(
    `SELECT o.message_id, o.to_address, l.full_name, o.mailbox, o.email FROM outbox o JOIN leads l ON l.id = o.lead_id WHERE o.status = 'sent' ORDER BY o.sent_at, o.id`,
  );
  const sent: SentMessage[] = rows.map((r) => ({ messageId: r.message_id, to: r.to_address, toName: r.full_name, from: r.email.from, mailbox: r.mailbox, replyTo: r.email.replyTo, subject: r.email.subject }));
  const inbound = await buildInbound(sent, replyTexts(input.datasets));
  const sentIn: Record<InboundKind, number> = { reply: 0, auto_reply: 0, bounce: 0 };
  for (const m of inbound) sentIn[m.kind] += 1;

  const worker = rig.newWorker(input.concurrency);
  const memory = sampleMemory();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  worker.start();
  for (const m of inbound) await receiveInbound(rig.deps, m.raw, { via: 'smtp', envelopeTo: m.envelopeTo, envelopeFrom: m.envelopeFrom });
  const receiveMs = Date.now() - t0;
  await waitUntil(
    `${inbound.length} inbound messages processed`,
    async () => {
      const left = await countOf(rig.db, `SELECT count(*)::int AS n FROM inbound_mail WHERE status = 'received'`);
      return left === 0 || `${left} left`;
    },
    Math.max(120_000, input.messages * 200),
    POLL_MS,
  );
  const cpu = process.cpuUsage(cpu0);
  const mem = memory.stop();
  // processed_at comes from the same system clock as t0.
  const last = await rig.db.query<{ last: Date }>(`SELECT max(processed_at) AS last FROM inbound_mail`);
  const wallMs = new Date(last.rows[0]?.last ?? Date.now()).getTime() - t0;
  await worker.stop();

  const group = async (column: 'kind' | 'status') => {
    const r = await rig.db.query<{ k: string | null; n: number }>(`SELECT ${column} AS k, count(*)::int AS n FROM inbound_mail GROUP BY 1 ORDER BY 1`);
    return Object.fromEntries(r.rows.map((x) => [x.k ?? 'none', x.n]));
  };
  return {
    kind: 'inbound',
    backend: input.backend,
    messages: inbound.length,
    concurrency: input.concurrency,
    sentIn,
    mimeBytes: inbound.reduce((a, m) => a + m.raw.length, 0),
    setupMs,
    receiveMs,
    wallMs,
    messagesPerSec: inbound.length / (wallMs / 1000),
    cpuMs: (cpu.user + cpu.system) / 1000,
    classified: await group('kind'),
    status: await group('status'),
    qualifications: await countOf(rig.db, `SELECT count(*)::int AS n FROM qualifications`),
    memory: mem,
  };
}
