import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../adapters/db/db.ts';
import { createSmtpMailer } from '../adapters/email/mailer.ts';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from '../adapters/email/sink.ts';
import { upsertLeads } from '../adapters/db/store/leads.ts';
import { silentLogger } from '../adapters/log.ts';
import { Worker } from '../adapters/queue/worker.ts';
import { loadSequences } from '../app/outreach/catalog.ts';
import type { OutreachDeps, OutreachSettings } from '../app/outreach/deps.ts';
import { outreachTasks } from '../app/outreach/tasks.ts';
import type { Mailer } from '../app/mail-ports.ts';
import { ManualClock } from '../domain/clock.ts';
import { accountDomainFor, emailDomain } from '../domain/lead.ts';
import type { LeadFields } from '../domain/lead.ts';
import { OfflineEngine } from '../domain/qualify/engine.offline.ts';
import { parseScoringPolicy } from '../domain/qualify/policy.ts';
import type { QualificationEngine } from '../domain/qualify/types.ts';
import type { Personaliser } from '../domain/sequence/personalise.ts';
import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { buildRawMessage } from '../adapters/email/mime.ts';
import { createTestDb } from './db.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SHIPPED_SEQUENCES = resolve(ROOT, 'sequences');
export const SHIPPED_TEMPLATES = resolve(ROOT, 'prompts/email');

export const TEST_SETTINGS: OutreachSettings = {
  mailboxes: [{ address: 'ann@sender.test', name: 'Ann Seller' }],
  replyDomain: 'replies.sender.test',
  publicUrl: 'http://127.0.0.1:3000',
  postalAddress: 'Sender Ltd, 1 Test Street, Testville',
  senderZone: 'UTC',
  sendWindow: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5], skipHolidays: true },
  mailboxDailyCap: 1000,
  sequenceDailyCap: 1000,
  spacingMs: 0,
  autoReplyPauseDays: 7,
  softBounceRetryHours: 24,
  maxSoftBounces: 3,
  recycleCoolOffDays: 30,
  inboundSequence: 'inbound-fast-lane',
  nurtureSequence: 'nurture-monthly',
};

export interface OutreachHarness {
  deps: OutreachDeps & { clock: ManualClock };
  db: Db;
  clock: ManualClock;
  sink: SmtpSink;
  worker: Worker;
  /** Creates a lead and returns its id. */
  addLead(email: string, fields?: LeadFields): Promise<string>;
  close(): Promise<void>;
}

/** The email channel on a fresh test database: shipped sequences, offline engine, a loopback SMTP sink, a worker on a manual clock. */
export async function createOutreachHarness(
  options: { settings?: Partial<OutreachSettings>; start?: string; sink?: SmtpSinkOptions; engine?: QualificationEngine; mailer?: (sinkUrl: string) => Mailer; sequencesDir?: string; personaliser?: Personaliser } = {},
): Promise<OutreachHarness> {
  const db = await createTestDb();
  const clock = new ManualClock(options.start ?? '2026-03-02T10:00:00Z');
  const logger = silentLogger();
  const sink = await startSmtpSink(options.sink ?? {});
  const mailer = options.mailer ? options.mailer(sink.url) : createSmtpMailer({ url: sink.url, maxConnections: 2 });
  const policy = parseScoringPolicy(readFileSync(resolve(ROOT, 'config/scoring-policy.yaml'), 'utf8'), 'config/scoring-policy.yaml');
  const deps: OutreachDeps & { clock: ManualClock } = {
    db,
    clock,
    logger,
    mailer,
    engine: options.engine ?? new OfflineEngine(policy),
    settings: { ...TEST_SETTINGS, ...options.settings },
    ...(options.personaliser ? { personaliser: options.personaliser } : {}),
  };
  const worker = new Worker({ db, clock, logger, tasks: outreachTasks(deps), concurrency: 1 });
  await loadSequences(deps, options.sequencesDir ?? SHIPPED_SEQUENCES, SHIPPED_TEMPLATES);
  return {
    deps,
    db,
    clock,
    sink,
    worker,
    async addLead(email, fields = {}) {
      const [o] = await upsertLeads(db, [{ email, emailDomain: emailDomain(email), accountDomain: accountDomainFor(email), ...fields }], { channel: 'web_form', source: 'test' }, clock.now());
      if (!o) throw new Error('no lead');
      return o.leadId;
    },
    async close() {
      await mailer.close();
      await sink.close();
      await db.close();
    },
  };
}

/**
 * A person's answer to one of our emails (`sent`, its raw bytes), as their mail client writes it:
 * to the message's Reply-To token, threaded with In-Reply-To (and References unless `threaded` is
 * false), subject "Re: <ours>" unless given; `headers` adds e.g. Auto-Submitted for an auto-reply.
 */
export async function composeReply(
  sent: Buffer,
  reply: { from: string; text: string; date: Date; subject?: string; headers?: Record<string, string>; threaded?: boolean },
): Promise<Buffer> {
  const ours = await simpleParser(sent);
  return buildRawMessage({
    from: reply.from,
    to: (ours.replyTo?.value[0]?.address ?? '') as string,
    subject: reply.subject ?? `Re: ${ours.subject ?? ''}`,
    text: reply.text,
    inReplyTo: ours.messageId ?? '',
    ...(reply.threaded === false ? {} : { references: [ours.messageId ?? ''] }),
    date: reply.date,
    ...(reply.headers ? { headers: reply.headers } : {}),
  });
}
