import { z } from 'zod';
import { getLeadByEmail } from '../../adapters/db/store/leads.ts';
import { buildRawMessage } from '../../adapters/email/mime.ts';
import type { Logger } from '../../adapters/log.ts';
import { DeferJobError, PermanentJobError } from '../../adapters/queue/errors.ts';
import { cancelJobs } from '../../adapters/queue/jobs-admin.ts';
import { addJobs } from '../../adapters/queue/jobs.ts';
import { defineTask, type TaskHandlers } from '../../adapters/queue/task.ts';
import { SuppressedError } from '../../domain/errors.ts';
import { LeadInputSchema } from '../../domain/lead-input.ts';
import { intakeLead } from '../leads.ts';
import type { OutreachDeps } from '../outreach/deps.ts';
import { enrolNewInboundLead, receiveInbound } from '../outreach/inbound.ts';
import { composeAnswer, DEMO_PERSONAS, DEMO_SOURCE, demoReplyMessageId, findPersona, type DemoBehaviour, type DemoPersona } from './personas.ts';
import { demoCounts, firstSentEmail, hasLiveEnrolment, inboundWithMessageId, listDemoLeads, type DemoCounts } from './queries.ts';

/**
 * The demo loop that `npm start` runs on a fresh clone: demo people fill in the web form, the fast
 * lane writes to them (into the local SMTP sink), and each answers once, a little later, through the
 * same inbound pipeline a real reply takes. The answers are jobs in Baton's own queue, so they run on
 * the worker, survive a restart, and follow a ManualClock in tests.
 */

export type { DemoCounts };

export const DEMO_REPLY_TASK = 'demo.reply';
const replyKey = (personaKey: string) => `demo.reply:${personaKey}`;
const ACTOR = 'system:demo';

/** One demo person as startDemo found or made them. */
export interface DemoLead {
  readonly persona: string;
  readonly behaviour: DemoBehaviour;
  readonly leadId: string;
  /** The fast-lane enrolment made by this start; null when the lead was there already (or the lane refused it). */
  readonly enrolmentId: string | null;
}

export interface DemoHandle {
  /** True when this start created the demo leads; false when the database had them already. */
  readonly seeded: boolean;
  readonly leads: readonly DemoLead[];
  /** Replies still to come when startDemo returned. */
  readonly pendingReplies: number;
  /** Cancels the demo's replies that have not been delivered yet; returns how many were cancelled. */
  stop(): Promise<number>;
}

function leadInput(p: DemoPersona) {
  return LeadInputSchema.parse({
    email: p.email,
    first_name: p.firstName,
    last_name: p.lastName,
    title: p.title,
    company: p.company,
    country: p.country,
    time_zone: p.timeZone,
    industry: p.industry,
    employees: p.employees,
    campaign: p.campaign,
  });
}

/** Creates the demo people as new web-form leads and enrols each in the fast lane, as a real form would. */
async function seed(deps: OutreachDeps, logger: Logger): Promise<DemoLead[]> {
  const out: DemoLead[] = [];
  for (const p of DEMO_PERSONAS) {
    try {
      const { lead } = await intakeLead(deps, leadInput(p), { channel: 'web_form', source: DEMO_SOURCE, campaign: p.campaign }, ACTOR);
      const enrolment = await enrolNewInboundLead(deps, lead.id);
      if (!enrolment) logger.warn({ persona: p.key, leadId: lead.id }, 'demo: the inbound fast lane did not take this lead (BATON_INBOUND_SEQUENCE unset?); it will get no email');
      out.push({ persona: p.key, behaviour: p.behaviour, leadId: lead.id, enrolmentId: enrolment?.id ?? null });
    } catch (e) {
      // A demo address suppressed by hand (an erasure, say) stays out; the rest of the demo goes on.
      if (!(e instanceof SuppressedError)) throw e;
      logger.info({ persona: p.key }, 'demo: this demo address is suppressed; not created');
    }
  }
  return out;
}

/**
 * Starts the demo on `deps`' database: the first time, creates about eight demo leads and enrols them
 * in the inbound fast lane; every time, queues each persona's answer that has not arrived yet (once
 * per persona, whatever the number of starts). The worker must run the demo's tasks (demoTasks).
 */
export async function startDemo(deps: OutreachDeps, options: { logger: Logger }): Promise<DemoHandle> {
  const logger = options.logger.child({ component: 'demo' });
  const existing = await listDemoLeads(deps.db);
  const seeded = existing.length === 0;
  const leads: DemoLead[] = seeded
    ? await seed(deps, logger)
    : DEMO_PERSONAS.flatMap((p) => {
        const row = existing.find((r) => r.email === p.email);
        return row ? [{ persona: p.key, behaviour: p.behaviour, leadId: row.id, enrolmentId: null }] : [];
      });
  const now = deps.clock.now();
  const due: DemoPersona[] = [];
  for (const l of leads) {
    const p = findPersona(l.persona) as DemoPersona;
    if (!(await inboundWithMessageId(deps.db, demoReplyMessageId(p)))) due.push(p);
  }
  // First look when the answer is likely due: the fast lane sends at once, but each mailbox keeps its
  // spacing between sends, so the i-th email goes about i x spacing later (fewer looks, fewer deferrals).
  const perMailbox = Math.max(1, deps.settings.mailboxes.length);
  const firstLook = (p: DemoPersona, i: number) => new Date(now.getTime() + Math.floor(i / perMailbox) * deps.settings.spacingMs + p.delaySeconds * 1000);
  // 'keep': a restart while an answer is queued leaves that job as it is.
  await addJobs(
    deps.db,
    due.map((p, i) => ({ task: DEMO_REPLY_TASK, payload: { persona: p.key }, key: replyKey(p.key), runAt: firstLook(p, i), priority: 5 })),
    now,
  );
  deps.wake?.();
  logger.info({ seeded, leads: leads.length, pendingReplies: due.length }, seeded ? 'demo: demo leads created and enrolled in the inbound fast lane' : 'demo: demo leads already there; not seeded again');
  return {
    seeded,
    leads,
    pendingReplies: due.length,
    async stop() {
      let n = 0;
      for (const p of DEMO_PERSONAS) n += await cancelJobs(deps.db, { key: replyKey(p.key) }, deps.clock.now());
      return n;
    },
  };
}

/**
 * When to look again for a first email that has not gone: every 5 s for the first five minutes (the
 * fast lane sends at once, but one mailbox spaces its sends), then a quarter of the time waited so
 * far, at most 15 min (a full cap can hold it for a day).
 */
function nextLook(now: Date, since: Date): Date {
  const waited = Math.max(0, now.getTime() - since.getTime());
  return new Date(now.getTime() + (waited < 5 * 60_000 ? 5_000 : Math.min(15 * 60_000, waited / 4)));
}

export type ReplyOutcome = 'replied' | 'already_replied' | 'no_lead' | 'no_email';

/**
 * Task demo.reply: the persona answers Baton's first email, `delaySeconds` after it landed, through
 * receiveInbound. Waits (a deferral, not a failure) while the first email has not gone; answers at
 * most once, checked against the inbound store by the answer's fixed Message-ID (and the store keeps
 * identical bytes once anyway).
 */
export async function replyAsPersona(deps: OutreachDeps, personaKey: string): Promise<ReplyOutcome> {
  const p = findPersona(personaKey);
  if (!p) throw new PermanentJobError(`no demo persona "${personaKey}"`, { code: 'DEMO_UNKNOWN_PERSONA' });
  if (await inboundWithMessageId(deps.db, demoReplyMessageId(p))) return 'already_replied';
  const lead = await getLeadByEmail(deps.db, p.email);
  if (!lead) return 'no_lead';
  const first = await firstSentEmail(deps.db, lead.id);
  const now = deps.clock.now();
  if (!first) {
    if (!(await hasLiveEnrolment(deps.db, lead.id))) {
      deps.logger.info({ persona: p.key, leadId: lead.id }, 'demo: no email went to this lead and none is coming; no answer');
      return 'no_email';
    }
    throw new DeferJobError(nextLook(now, lead.createdAt), 'the demo lead has not had its first email yet');
  }
  const answerAt = new Date(first.sentAt.getTime() + p.delaySeconds * 1000);
  if (now.getTime() < answerAt.getTime()) throw new DeferJobError(answerAt, 'the demo lead answers a little after the email lands');
  const raw = await buildRawMessage(
    composeAnswer(p, { messageId: first.messageId, from: first.email.from, replyTo: first.email.replyTo, subject: first.email.subject, text: first.email.text, sentAt: first.sentAt }, answerAt),
  );
  await receiveInbound(deps, raw, { via: 'simulator', envelopeTo: [first.email.replyTo], envelopeFrom: p.email });
  deps.logger.info({ persona: p.key, leadId: lead.id, behaviour: p.behaviour }, 'demo: a demo lead answered');
  return 'replied';
}

/** The demo's job handlers, to run on the same Worker as outreachTasks. */
export function demoTasks(deps: OutreachDeps): TaskHandlers {
  return {
    [DEMO_REPLY_TASK]: defineTask(z.object({ persona: z.string().min(1) }), async (p) => {
      await replyAsPersona(deps, p.persona);
    }),
  };
}

/** The demo's figures (demo leads only): for the start-up log line and the lead engineer's note. */
export async function summariseDemo(deps: Pick<OutreachDeps, 'db'>): Promise<DemoCounts> {
  return demoCounts(deps.db);
}
