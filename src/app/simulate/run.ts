import { z } from 'zod';
import type { Db } from '../../adapters/db/db.ts';
import {
  inboundCounts,
  listEmailSuppressions,
  listEnrolmentFacts,
  listLeadFacts,
  listOpenJobs,
  listOutboxFacts,
  listReplyIntents,
  listSequenceVersions,
} from '../../adapters/db/store/simulation.ts';
import type { SinkMessage, SinkReply, SmtpSink } from '../../adapters/email/sink.ts';
import type { Logger } from '../../adapters/log.ts';
import { DeferJobError } from '../../adapters/queue/errors.ts';
import { addJob, addJobs } from '../../adapters/queue/jobs.ts';
import { defineTask, type TaskHandlers } from '../../adapters/queue/task.ts';
import { Worker } from '../../adapters/queue/worker.ts';
import { ManualClock } from '../../domain/clock.ts';
import { toBatonError } from '../../domain/errors.ts';
import { LeadInputSchema } from '../../domain/lead-input.ts';
import type { QualificationEngine } from '../../domain/qualify/types.ts';
import { DEFAULT_SEND_WINDOW, recipientTimeZone } from '../../domain/sequence/calendar.ts';
import { intakeLead } from '../leads.ts';
import type { Mailer } from '../mail-ports.ts';
import { SEND_TASK } from '../outreach/advance.ts';
import { loadSequences } from '../outreach/catalog.ts';
import type { OutreachDeps, OutreachSettings } from '../outreach/deps.ts';
import { enrolLead } from '../outreach/enrol.ts';
import { enrolNewInboundLead, receiveInbound } from '../outreach/inbound.ts';
import { outreachTasks } from '../outreach/tasks.ts';
import { unsubscribeByToken } from '../outreach/unsubscribe.ts';
import { checkInvariants, type Evidence, type InvariantReport, type RefusedFact, type SentFact, type WorldFact } from './invariants.ts';
import { reactionTo, reactsTo, refusedAtRcpt, type Reaction } from './repliers.ts';
import { buildScenario, type Scenario, type SimLead } from './scenario.ts';

/**
 * `baton simulate`: N synthetic leads through the real sequence engine and inbound pipeline on
 * virtual time. The world's own events (a form arriving, a reply, a bounce, a click) are jobs in the
 * same queue as Baton's, at the virtual time they happen, so one `runDue` walks the whole month in
 * order and a reply two minutes after a send is delivered two minutes after it, whatever else is due.
 */

/** What the simulator runs on, built by the composition root (src/main.ts). */
export interface SimulatorAdapters {
  /** A fresh, migrated, empty database. */
  openDatabase(): Promise<Db>;
  /** An SMTP server on loopback. */
  startSink(options: { onMessage: (m: SinkMessage) => Promise<void>; reject: (recipient: string) => SinkReply | null }): Promise<SmtpSink>;
  /** A mailer that sends to the sink over SMTP. */
  mailerFor(url: string, maxConnections: number): Mailer;
  readonly engine: QualificationEngine;
  readonly sequencesDir: string;
  readonly templatesDir: string;
  readonly logger: Logger;
}

export interface SimulationOptions {
  readonly leads: number;
  readonly days: number;
  readonly seed: number;
  /** Default Monday 2 March 2026, 00:00 UTC. */
  readonly start?: Date;
  /** Jobs the worker runs at once; default 4. */
  readonly concurrency?: number;
  /** Overrides of the simulated team's settings (see simulationSettings). */
  readonly settings?: Partial<OutreachSettings>;
  /** Called at the end of each simulated day. */
  readonly onProgress?: (p: Progress) => void;
}

export interface Progress {
  readonly day: number;
  readonly days: number;
  readonly sent: number;
  readonly worldEvents: number;
  readonly jobs: number;
}

export const DEFAULT_START = new Date('2026-03-02T00:00:00Z');
export const WORLD_TASK = 'simulator.world';
const DAY = 86_400_000;

/**
 * The simulated team: four mailboxes in London with caps that bind in the world's busy first days
 * (4% of the leads per mailbox per day, 5% per sequence that sets no cap of its own) but let the
 * month's mail through, ten seconds between two sends of a mailbox (the configuration's default),
 * the shipped sequences as the fast lane and nurture.
 */
export function simulationSettings(leads: number): OutreachSettings {
  return {
    mailboxes: [
      { address: 'ann@sender.example', name: 'Ann Lee' },
      { address: 'bo@sender.example', name: 'Bo Chen' },
      { address: 'cy@sender.example', name: 'Cy Park' },
      { address: 'di@sender.example', name: 'Di Rossi' },
    ],
    replyDomain: 'replies.sender.example',
    publicUrl: 'https://baton.sender.example',
    postalAddress: 'Sender Ltd, 1 Example Street, London EC1A 1AA',
    senderZone: 'Europe/London',
    sendWindow: DEFAULT_SEND_WINDOW,
    mailboxDailyCap: Math.max(5, Math.ceil(leads * 0.04)),
    sequenceDailyCap: Math.max(5, Math.ceil(leads * 0.05)),
    spacingMs: 10_000,
    autoReplyPauseDays: 7,
    softBounceRetryHours: 24,
    maxSoftBounces: 3,
    recycleCoolOffDays: 30,
    inboundSequence: 'inbound-fast-lane',
    nurtureSequence: 'nurture-monthly',
  };
}

type WorldEvent = { readonly kind: 'arrive'; readonly lead: SimLead } | { readonly kind: 'react'; readonly lead: SimLead; readonly reaction: Reaction; readonly about: string };

/** Counts of one run (the JSON line's fields besides the invariants). */
export interface SimulationCounts {
  readonly arrivals: { readonly inbound: number; readonly outbound: number; readonly nurture: number };
  readonly sent: number;
  readonly refused_at_rcpt: number;
  readonly inbound: number;
  readonly inbound_by_kind: Readonly<Record<string, number>>;
  readonly replies: number;
  readonly auto_replies: number;
  readonly bounces: number;
  readonly hard_bounces: number;
  readonly soft_bounces: number;
  readonly unsubscribes: number;
  readonly unsubscribes_by_way: Readonly<Record<string, number>>;
  readonly complaints: number;
  readonly referrals: number;
  readonly mql_candidates: number;
  /** Replies whose intent the engine read differently from what the person meant. */
  readonly misread_replies: number;
  readonly enrolments: Readonly<Record<string, number>>;
  readonly stages: Readonly<Record<string, number>>;
  readonly deferred: { readonly total: number; readonly window: number; readonly mailbox_cap: number; readonly sequence_cap: number; readonly spacing: number; readonly other: number };
  /** Fast-lane first emails: how many went, how many within a minute of the form, the slowest, and how many web leads still wait for theirs. */
  readonly fast_lane: { readonly first_emails: number; readonly within_60s: number; readonly max_delay_s: number; readonly unsent_at_end: number };
  /** The longest any email waited past the time it was first due (its window's opening), sent or still waiting at the end. */
  readonly longest_wait_hours: number;
  readonly jobs_run: number;
}

export interface SimulationReport {
  readonly leads: number;
  readonly days: number;
  readonly seed: number;
  readonly start: string;
  readonly end: string;
  readonly counts: SimulationCounts;
  readonly invariants: readonly InvariantReport[];
  readonly violations: number;
}

const EXPECTED_INTENT: Partial<Record<string, string>> = { interested: 'interested', not_now: 'not_now', referral: 'referral', unsubscribe: 'unsubscribe' };

/** One simulated world on one throwaway database: open, run, check, close. */
export class Simulation {
  readonly scenario: Scenario;
  readonly clock: ManualClock;
  readonly settings: OutreachSettings;
  /** Every message the sink accepted, at virtual time. */
  readonly sent: SentFact[] = [];
  readonly refused: RefusedFact[] = [];
  readonly world: WorldFact[] = [];
  readonly worldFailures: string[] = [];
  private readonly events = new Map<number, WorldEvent>();
  private nextEvent = 0;
  private readonly leadsByEmail = new Map<string, SimLead>();
  private readonly received = new Map<string, number>();
  private readonly deferred = { total: 0, window: 0, mailbox_cap: 0, sequence_cap: 0, spacing: 0, other: 0 };
  private jobsRun = 0;
  private deps!: OutreachDeps;
  private worker!: Worker;
  private sink!: SmtpSink;
  private mailer!: Mailer;
  private db!: Db;

  private constructor(
    private readonly adapters: SimulatorAdapters,
    private readonly options: SimulationOptions,
  ) {
    this.scenario = buildScenario({ seed: options.seed, leads: options.leads, days: options.days, start: options.start ?? DEFAULT_START });
    this.clock = new ManualClock(this.scenario.start);
    this.settings = { ...simulationSettings(options.leads), ...options.settings };
    for (const l of this.scenario.leads) this.leadsByEmail.set(l.email, l);
  }

  /** Builds the world: database, sequences, sink, mailer, worker, and every arrival queued at its time. */
  static async open(adapters: SimulatorAdapters, options: SimulationOptions): Promise<Simulation> {
    const sim = new Simulation(adapters, options);
    await sim.start();
    return sim;
  }

  /** The email channel's dependencies, for tests that reach into the world. */
  get outreach(): OutreachDeps {
    return this.deps;
  }

  private async start(): Promise<void> {
    this.db = await this.adapters.openDatabase();
    try {
      this.sink = await this.adapters.startSink({ onMessage: (m) => this.onMessage(m), reject: (r) => this.onRcpt(r) });
      const concurrency = this.options.concurrency ?? 4;
      this.mailer = this.adapters.mailerFor(this.sink.url, concurrency);
      this.deps = { db: this.db, clock: this.clock, logger: this.adapters.logger, mailer: this.mailer, engine: this.adapters.engine, settings: this.settings };
      await loadSequences(this.deps, this.adapters.sequencesDir, this.adapters.templatesDir, 'system:simulator');
      this.worker = new Worker({ db: this.db, clock: this.clock, logger: this.adapters.logger, tasks: this.tasks(), concurrency, id: 'simulator' });
      const specs = this.scenario.leads.map((lead) => ({ task: WORLD_TASK, payload: { event: this.remember({ kind: 'arrive', lead }) }, runAt: lead.arriveAt, priority: 30 }));
      for (let i = 0; i < specs.length; i += 1000) await addJobs(this.db, specs.slice(i, i + 1000), this.clock.now());
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** Baton's own tasks, with sends watched for deferrals, plus the world's. */
  private tasks(): TaskHandlers {
    const own = outreachTasks(this.deps);
    const send = own[SEND_TASK];
    if (!send) throw new Error(`outreachTasks has no ${SEND_TASK}`);
    return {
      ...own,
      [SEND_TASK]: {
        schema: send.schema,
        run: async (payload, ctx) => {
          try {
            await send.run(payload, ctx);
          } catch (e) {
            if (e instanceof DeferJobError) this.countDeferral(String(e.details?.reason ?? ''));
            throw e;
          }
        },
      },
      [WORLD_TASK]: defineTask(z.object({ event: z.number().int() }), async (p) => this.deliver(p.event)),
    };
  }

  private countDeferral(reason: string): void {
    this.deferred.total += 1;
    if (/send window/.test(reason)) this.deferred.window += 1;
    else if (/^mailbox .* daily cap/.test(reason)) this.deferred.mailbox_cap += 1;
    else if (/^sequence .* daily cap/.test(reason)) this.deferred.sequence_cap += 1;
    else if (/spacing/.test(reason)) this.deferred.spacing += 1;
    else this.deferred.other += 1;
  }

  private remember(e: WorldEvent): number {
    const id = this.nextEvent++;
    this.events.set(id, e);
    return id;
  }

  private zoneOf(lead: SimLead): string {
    return recipientTimeZone({ time_zone: lead.timeZone, country: lead.country }, this.settings.senderZone).zone;
  }

  private onRcpt(recipient: string): SinkReply | null {
    const to = recipient.toLowerCase();
    const lead = this.leadsByEmail.get(to);
    if (!lead || !refusedAtRcpt(lead.persona)) return null;
    this.refused.push({ to, at: this.clock.now() });
    return { code: 550, message: `5.1.1 <${to}>: Recipient address rejected: User unknown in virtual mailbox table` };
  }

  /** The sink took a message: note it at virtual time, and queue the person's reaction. */
  private async onMessage(m: SinkMessage): Promise<void> {
    const at = this.clock.now();
    const to = (m.envelopeTo[0] ?? '').toLowerCase();
    this.sent.push({ messageId: m.messageId, to, at });
    const lead = this.leadsByEmail.get(to);
    if (!lead) return;
    const n = (this.received.get(to) ?? 0) + 1;
    this.received.set(to, n);
    if (!reactsTo(lead.persona, n)) return;
    try {
      const reaction = await reactionTo(lead, { n, at, messageId: m.messageId, mailbox: m.envelopeFrom.toLowerCase(), raw: m.raw }, this.zoneOf(lead));
      if (!reaction) return;
      const id = this.remember({ kind: 'react', lead, reaction, about: m.messageId });
      await addJob(this.db, { task: WORLD_TASK, payload: { event: id }, runAt: reaction.at, priority: 30 }, at);
    } catch (e) {
      // The message itself was delivered; only the world's answer is lost, and that is reported.
      this.worldFailures.push(`lead ${lead.n} could not react to ${m.messageId}: ${toBatonError(e).message}`);
    }
  }

  /** A world event is due: a lead arrives, or a person (or their mail server) answers. */
  private async deliver(id: number): Promise<void> {
    const e = this.events.get(id);
    if (!e) {
      this.worldFailures.push(`world event ${id} is unknown`);
      return;
    }
    this.events.delete(id);
    const at = this.clock.now();
    try {
      if (e.kind === 'arrive') await this.arrive(e.lead);
      else {
        const r = e.reaction;
        if (r.action.kind === 'mail') await receiveInbound(this.deps, r.action.raw, { via: 'simulator', envelopeTo: r.action.envelopeTo });
        else await unsubscribeByToken(this.deps, r.action.token, 'lead:one-click');
        this.world.push({
          kind: r.fact,
          persona: r.persona,
          ...(r.optOut ? { optOut: r.optOut } : {}),
          email: e.lead.email,
          at,
          about: e.about,
          ...(r.returnDay !== undefined ? { returnDay: r.returnDay } : {}),
          ...(r.askedDay ? { askedDay: r.askedDay } : {}),
          ownMessageId: r.ownMessageId,
        });
      }
    } catch (err) {
      this.worldFailures.push(`${e.kind} of lead ${e.lead.n} at ${at.toISOString()} failed: ${toBatonError(err).code}: ${toBatonError(err).message}`);
    }
  }

  private async arrive(lead: SimLead): Promise<void> {
    const input = LeadInputSchema.parse({
      email: lead.email,
      first_name: lead.firstName,
      last_name: lead.lastName,
      company: lead.company,
      title: lead.title,
      ...(lead.country ? { country: lead.country } : {}),
      ...(lead.timeZone ? { time_zone: lead.timeZone } : {}),
    });
    const channel = lead.kind === 'inbound' ? 'web_form' : lead.kind === 'outbound' ? 'outbound' : 'csv_import';
    const { lead: stored } = await intakeLead(this.deps, input, { channel, source: 'simulator' }, 'system:simulator');
    if (lead.kind === 'inbound') {
      if (!(await enrolNewInboundLead(this.deps, stored.id))) throw new Error('the fast lane refused a new web lead');
    } else {
      await enrolLead(this.deps, { leadId: stored.id, sequenceId: lead.kind === 'outbound' ? 'outbound-intro' : 'nurture-monthly', actor: 'user:simulator' });
    }
  }

  /** Runs the world to its end, a simulated day at a time. */
  async run(): Promise<void> {
    const { start, end } = this.scenario;
    const days = Math.round((end.getTime() - start.getTime()) / DAY);
    for (let day = 1; day <= days; day += 1) {
      await this.runUntil(new Date(start.getTime() + day * DAY));
      this.options.onProgress?.({ day, days, sent: this.sent.length, worldEvents: this.world.length, jobs: this.jobsRun });
    }
  }

  /** Runs every job (Baton's and the world's) due up to `until`, moving the clock there. */
  async runUntil(until: Date): Promise<void> {
    for (;;) {
      const stats = await this.worker.runDue({ until, max: 20_000 });
      this.jobsRun += stats.ran;
      if (this.clock.now().getTime() >= until.getTime()) return;
      // runDue stops short only at `max` (go on) or on a due job it cannot claim (a stuck world).
      if (!stats.hitMax) throw new Error(`the simulation stopped at ${this.clock.now().toISOString()}: a due job could not be claimed`);
    }
  }

  /** What the invariants look at: the world's record and the database as it is now. */
  async evidence(): Promise<Evidence> {
    const [outbox, enrolments, leads, suppressed, openJobs, inbound, sequences] = await Promise.all([
      listOutboxFacts(this.db),
      listEnrolmentFacts(this.db),
      listLeadFacts(this.db),
      listEmailSuppressions(this.db),
      listOpenJobs(this.db),
      inboundCounts(this.db),
      listSequenceVersions(this.db),
    ]);
    const undelivered = [...this.events.values()].filter((e) => e.kind === 'arrive' || e.reaction.at.getTime() < this.scenario.end.getTime()).length;
    return {
      settings: this.settings,
      end: this.scenario.end,
      sent: [...this.sent],
      refused: [...this.refused],
      world: [...this.world],
      worldFailures: [...this.worldFailures, ...(undelivered > 0 ? [`${undelivered} world event(s) due before the end were never delivered`] : [])],
      outbox,
      enrolments,
      leads,
      suppressed,
      sequences,
      openJobs,
      inbound,
    };
  }

  /** Reads the database, checks every invariant and counts what happened. */
  async check(): Promise<SimulationReport> {
    const evidence = await this.evidence();
    const { leads, enrolments, inbound } = evidence;
    const intents = await listReplyIntents(this.db);
    const invariants = checkInvariants(evidence);
    const tally = (xs: readonly string[]) => xs.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
    const facts = (k: WorldFact['kind']) => this.world.filter((w) => w.kind === k);
    const optOuts = facts('opt_out');
    const intentById = new Map(intents.map((i) => [i.messageId, i.intent]));
    const expectedOf = (w: WorldFact) => (w.kind === 'reply' ? EXPECTED_INTENT[w.persona] : w.kind === 'opt_out' && w.optOut === 'reply' ? 'unsubscribe' : undefined);
    // A reply the engine never qualified (taken for an auto-reply, say) is misread too.
    const misread = this.world.filter((w) => expectedOf(w) !== undefined && (w.ownMessageId ? intentById.get(w.ownMessageId) : undefined) !== expectedOf(w)).length;
    const inboundByKind: Record<string, number> = {};
    for (const i of inbound) inboundByKind[i.kind ?? 'unknown'] = (inboundByKind[i.kind ?? 'unknown'] ?? 0) + i.n;
    const firstSend = new Map<string, Date>();
    for (const s of this.sent) if (!firstSend.has(s.to)) firstSend.set(s.to, s.at);
    const web = this.scenario.leads.filter((l) => l.kind === 'inbound' && l.arriveAt < this.scenario.end && !refusedAtRcpt(l.persona));
    const delays = web.filter((l) => firstSend.has(l.email)).map((l) => ((firstSend.get(l.email) as Date).getTime() - l.arriveAt.getTime()) / 1000);
    const sentAt = new Map(this.sent.map((s) => [s.messageId, s.at]));
    const waits = evidence.outbox
      .filter((o) => o.status === 'sent' || o.status === 'pending')
      .map((o) => ((o.status === 'sent' ? (sentAt.get(o.messageId) ?? o.notBefore) : this.scenario.end).getTime() - o.notBefore.getTime()) / 3_600_000);
    const counts: SimulationCounts = {
      arrivals: {
        inbound: this.scenario.leads.filter((l) => l.kind === 'inbound' && l.arriveAt < this.scenario.end).length,
        outbound: this.scenario.leads.filter((l) => l.kind === 'outbound').length,
        nurture: this.scenario.leads.filter((l) => l.kind === 'nurture').length,
      },
      sent: this.sent.length,
      refused_at_rcpt: this.refused.length,
      inbound: inbound.reduce((s, i) => s + i.n, 0),
      inbound_by_kind: inboundByKind,
      replies: facts('reply').length + optOuts.filter((w) => w.optOut === 'reply').length,
      auto_replies: facts('auto_reply').length,
      bounces: facts('hard_bounce').length + facts('soft_bounce').length + this.refused.length,
      hard_bounces: facts('hard_bounce').length + new Set(this.refused.map((r) => r.to)).size,
      soft_bounces: facts('soft_bounce').length,
      unsubscribes: optOuts.filter((w) => w.optOut !== 'complaint').length,
      unsubscribes_by_way: tally(optOuts.filter((w) => w.optOut !== 'complaint').map((w) => w.optOut ?? 'unknown')),
      complaints: optOuts.filter((w) => w.optOut === 'complaint').length,
      referrals: leads.filter((l) => l.firstChannel === 'referral').length,
      mql_candidates: leads.filter((l) => l.stage === 'mql_candidate').length,
      misread_replies: misread,
      enrolments: tally(enrolments.map((e) => e.status)),
      stages: tally(leads.map((l) => l.stage)),
      deferred: { ...this.deferred },
      fast_lane: { first_emails: delays.length, within_60s: delays.filter((d) => d <= 60).length, max_delay_s: Math.round(Math.max(0, ...delays)), unsent_at_end: web.length - delays.length },
      longest_wait_hours: Math.round(Math.max(0, ...waits)),
      jobs_run: this.jobsRun,
    };
    return {
      leads: this.options.leads,
      days: this.options.days,
      seed: this.options.seed,
      start: this.scenario.start.toISOString(),
      end: this.scenario.end.toISOString(),
      counts,
      invariants,
      violations: invariants.reduce((s, i) => s + i.violations.length, 0),
    };
  }

  async close(): Promise<void> {
    await this.mailer?.close().catch(() => undefined);
    await this.sink?.close().catch(() => undefined);
    await this.db?.close();
  }
}

/** Open, run, check and close a world. */
export async function runSimulation(adapters: SimulatorAdapters, options: SimulationOptions): Promise<SimulationReport> {
  const sim = await Simulation.open(adapters, options);
  try {
    await sim.run();
    return await sim.check();
  } finally {
    await sim.close();
  }
}
