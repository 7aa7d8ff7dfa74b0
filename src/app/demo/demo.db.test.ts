import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getLeadByEmail } from '../../adapters/db/store/leads.ts';
import { currentEnrolment } from '../../adapters/db/store/sequences.ts';
import { findSuppressions } from '../../adapters/db/store/suppressions.ts';
import { silentLogger } from '../../adapters/log.ts';
import { Worker } from '../../adapters/queue/worker.ts';
import { createOutreachHarness, type OutreachHarness } from '../../testing/outreach.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { parse as parseYaml } from 'yaml';
import { deciders, parseTeam } from '../../domain/desk/team.ts';
import { decide, listOpenCandidates } from '../desk/candidates.ts';
import type { DeskDeps } from '../desk/deps.ts';
import { handoffOfCandidate, handoffTasks } from '../desk/handoff.ts';
import { noNotifier } from '../desk/notifier.ts';
import { deskTasks } from '../desk/tasks.ts';
import { outreachTasks } from '../outreach/tasks.ts';
import { demoTasks, replyAsPersona, startDemo, summariseDemo } from './demo.ts';
import { DEMO_PERSONAS, demoReplyMessageId, type DemoBehaviour, type DemoPersona } from './personas.ts';

// Sunday 8 March 2026, 03:00 UTC: outside every send window of the test team (09:00-17:00 Mon-Fri).
const SUNDAY_3AM = '2026-03-08T03:00:00Z';
const MINUTE = 60_000;
const DAY = 86_400_000;

const of = (b: DemoBehaviour): DemoPersona[] => DEMO_PERSONAS.filter((p) => p.behaviour === b);
const one = (b: DemoBehaviour): DemoPersona => of(b)[0] as DemoPersona;

describe('the demo loop', () => {
  let h: OutreachHarness;
  let worker: Worker;
  const logger = silentLogger();

  beforeEach(async () => {
    h = await createOutreachHarness({ start: SUNDAY_3AM });
    worker = new Worker({ db: h.db, clock: h.clock, logger, tasks: { ...outreachTasks(h.deps), ...demoTasks(h.deps) }, concurrency: 1 });
  });
  afterEach(async () => {
    await h.close();
  });

  const runFor = (ms: number) => worker.runDue({ until: new Date(h.clock.now().getTime() + ms), max: 50_000 });

  /** Inbound messages carrying each persona's answer Message-ID, and when they were received. */
  async function answers(): Promise<Map<string, Date[]>> {
    const { rows } = await h.db.query<{ message_id: string; received_at: Date }>(`SELECT message_id, received_at FROM inbound_mail WHERE message_id LIKE '<demo-reply.%'`);
    const out = new Map<string, Date[]>();
    for (const r of rows) out.set(r.message_id, [...(out.get(r.message_id) ?? []), r.received_at]);
    return out;
  }

  async function leadOf(p: DemoPersona) {
    const lead = await getLeadByEmail(h.db, p.email);
    if (!lead) throw new Error(`no lead for ${p.key}`);
    return lead;
  }

  it('seeds web leads that get their first email at once on a Sunday at 03:00, answer once each, and leave three candidates', async () => {
    const handle = await startDemo(h.deps, { logger });
    expect(handle.seeded).toBe(true);
    expect(handle.leads).toHaveLength(DEMO_PERSONAS.length);
    expect(handle.leads.every((l) => l.enrolmentId !== null)).toBe(true);
    expect(handle.pendingReplies).toBe(DEMO_PERSONAS.length);

    // Each is a web-form lead from the demo source, with its campaign, in the fast lane.
    for (const p of DEMO_PERSONAS) {
      const { rows } = await h.db.query<{ first_channel: string; first_source: string; first_campaign: string; country: string }>(
        `SELECT first_channel, first_source, first_campaign, country FROM leads WHERE email = $1`,
        [p.email],
      );
      expect(rows[0]).toEqual({ first_channel: 'web_form', first_source: 'demo', first_campaign: p.campaign, country: p.country });
      expect((await currentEnrolment(h.db, (await leadOf(p)).id))?.sequenceId).toBe('inbound-fast-lane');
    }

    await runFor(10 * MINUTE);

    // First emails: one per persona, in the sink, sent within the first minute, before any window opened.
    const firstTo = h.sink.messages.map((m) => m.envelopeTo[0]);
    expect(new Set(firstTo)).toEqual(new Set(DEMO_PERSONAS.map((p) => p.email)));
    expect(h.sink.messages).toHaveLength(DEMO_PERSONAS.length);
    const { rows: sent } = await h.db.query<{ sent_at: Date }>(`SELECT sent_at FROM outbox WHERE status = 'sent'`);
    expect(sent).toHaveLength(DEMO_PERSONAS.length);
    for (const s of sent) expect(s.sent_at.getTime() - Date.parse(SUNDAY_3AM)).toBeLessThan(MINUTE);

    // Every persona answered exactly once, within minutes (no waiting for Monday's business hours).
    const got = await answers();
    expect([...got.keys()].sort()).toEqual(DEMO_PERSONAS.map(demoReplyMessageId).sort());
    for (const [, at] of got) {
      expect(at).toHaveLength(1);
      expect((at[0] as Date).getTime() - Date.parse(SUNDAY_3AM)).toBeLessThan(5 * MINUTE);
    }
    const { rows: processed } = await h.db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM inbound_mail GROUP BY status`);
    expect(processed).toEqual([{ status: 'processed', n: DEMO_PERSONAS.length }]);

    // The three MQL personas wait on the desk; nobody else does.
    const open = await listOpenCandidates(h.deps);
    const mqlLeads = await Promise.all(of('mql').map(async (p) => (await leadOf(p)).id));
    expect(open.map((c) => c.leadId).sort()).toEqual(mqlLeads.sort());
    // Each card has the persona's own words as evidence, one sentence per criterion.
    const bants = open.map((c) => c.qualification.bant);
    for (const b of bants) expect([b.budget.status, b.authority.status, b.need.status, b.timeline.status]).toEqual(['met', 'met', 'met', 'met']);
    expect(bants.map((b) => b.budget.evidence).sort()).toEqual(['The budget is around EUR 30,000.', 'We have a budget of about $40k for it this quarter.', '预算大约30万元。'].sort());
    for (const p of of('mql')) expect((await leadOf(p)).stage).toBe('mql_candidate');

    // The question is a conversation for a person, not a candidate.
    expect((await leadOf(one('question'))).stage).toBe('engaged');
    // The unsubscriber is suppressed and out of the sequence.
    const unsub = one('unsubscribe');
    expect((await findSuppressions(h.db, [unsub.email])).get(unsub.email)?.reason).toBe('unsubscribed');
    expect((await leadOf(unsub)).stage).toBe('unsubscribed');
    // "Not now, try in June" pauses the fast lane until then; the out-of-office until its return.
    const later = await currentEnrolment(h.db, (await leadOf(one('not_now'))).id);
    expect(later?.status).toBe('paused');
    expect(later?.pausedUntil?.toISOString().slice(0, 7)).toBe('2026-06');
    const away = await currentEnrolment(h.db, (await leadOf(one('out_of_office'))).id);
    expect(away?.status).toBe('paused');
    expect(away?.pausedUntil?.toISOString().slice(0, 10)).toBe('2026-03-13');
    // The referral named a colleague, who is now a lead of the same account.
    const referee = one('referral').referee?.email ?? '';
    const { rows: ref } = await h.db.query<{ first_channel: string; account_id: string }>(`SELECT first_channel, account_id FROM leads WHERE email = $1`, [referee]);
    expect(ref[0]?.first_channel).toBe('referral');
    expect(ref[0]?.account_id).toBe((await leadOf(one('referral'))).accountId);

    expect(await summariseDemo(h.deps)).toEqual({ leads: 8, emailsSent: 8, replies: 8, candidatesOpen: 3, decided: 0, handedOff: 0 });

    // Six days on: the out-of-office came back on Friday and got the next email, but nobody answered twice.
    await runFor(6 * DAY);
    expect(h.sink.messages.length).toBeGreaterThan(DEMO_PERSONAS.length);
    for (const [, at] of await answers()) expect(at).toHaveLength(1);
    expect((await summariseDemo(h.deps)).replies).toBe(8);
  });

  it('a second start seeds nothing and answers nobody twice, even when it comes before the answers went', async () => {
    const first = await startDemo(h.deps, { logger });
    const again = await startDemo(h.deps, { logger });
    expect(again.seeded).toBe(false);
    expect(again.leads.map((l) => l.leadId)).toEqual(first.leads.map((l) => l.leadId));
    expect(again.leads.every((l) => l.enrolmentId === null)).toBe(true);
    const { rows: queued } = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE task = 'demo.reply' AND status = 'queued'`);
    expect(queued[0]?.n).toBe(DEMO_PERSONAS.length);

    await runFor(10 * MINUTE);
    const third = await startDemo(h.deps, { logger });
    expect(third).toMatchObject({ seeded: false, pendingReplies: 0 });
    await runFor(DAY);
    const { rows } = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_mail`);
    expect(rows[0]?.n).toBe(DEMO_PERSONAS.length);
    const { rows: leads } = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM leads WHERE first_source = 'demo'`);
    expect(leads[0]?.n).toBe(DEMO_PERSONAS.length);
    // Called by hand after the answer went, the task does nothing.
    expect(await replyAsPersona(h.deps, one('mql').key)).toBe('already_replied');
  });

  it('on the shipped team: owners by territory; approving hands the lead to an AE with a brief, rejecting for timing recycles it', async () => {
    // The whole desk, as `npm start` has it: the shipped team file, desk and handoff jobs on the worker.
    const team = parseTeam(parseYaml(readFileSync(fileURLToPath(new URL('../../../config/team.yaml', import.meta.url)), 'utf8')), 'config/team.yaml');
    const ids = new Set(deciders(team).map((p) => p.id));
    const desk: DeskDeps = { ...h.deps, isSdr: (id) => ids.has(id), team, notifier: noNotifier, crm: null };
    worker = new Worker({ db: h.db, clock: h.clock, logger, tasks: { ...outreachTasks(desk), ...demoTasks(desk), ...deskTasks(desk), ...handoffTasks(desk) }, concurrency: 1 });
    await startDemo(desk, { logger });
    await runFor(10 * MINUTE);

    const [maya, jonas, wang] = of('mql') as [DemoPersona, DemoPersona, DemoPersona];
    const open = await listOpenCandidates(h.deps);
    const candidateOf = async (p: DemoPersona) => {
      const id = (await leadOf(p)).id;
      const c = open.find((x) => x.leadId === id);
      if (!c) throw new Error(`no candidate for ${p.key}`);
      return c;
    };
    // config/team.yaml: Ana covers the Americas, Ben Europe, Chen China.
    expect([(await candidateOf(maya)).owner, (await candidateOf(jonas)).owner, (await candidateOf(wang)).owner]).toEqual(['user:ana', 'user:ben', 'user:chen']);

    await decide(desk, { candidateId: (await candidateOf(maya)).id, action: 'approve', by: 'user:ana' });
    await decide(desk, { candidateId: (await candidateOf(jonas)).id, action: 'reject', reason: 'bad_timing', note: 'budget is for next year', by: 'user:ben' });
    await runFor(MINUTE);
    expect((await leadOf(maya)).stage).toBe('mql');
    expect((await leadOf(jonas)).stage).toBe('nurture');
    expect(await listOpenCandidates(h.deps)).toHaveLength(1);
    expect(await summariseDemo(h.deps)).toMatchObject({ candidatesOpen: 1, decided: 2, handedOff: 1 });

    // The handoff: Omar (the AE for the US) gets the brief by email, with Maya's own words in it.
    const handoff = await handoffOfCandidate(h.db, (await candidateOf(maya)).id);
    expect(handoff?.ae).toBe('omar');
    const brief = h.sink.messages.filter((m) => m.envelopeTo.includes('omar@baton.localhost'));
    expect(brief).toHaveLength(1);
    expect((await simpleParser(brief[0]?.raw ?? Buffer.alloc(0))).text).toContain('We have a budget of about $40k for it this quarter.');

    // The recycle branch: after the 30-day cool-off the rejected lead enters the nurture sequence.
    // (Without the desk's jobs from here: its five-minute sweep would make a month of virtual time slow.)
    worker = new Worker({ db: h.db, clock: h.clock, logger, tasks: { ...outreachTasks(desk), ...demoTasks(desk) }, concurrency: 1 });
    await runFor(31 * DAY);
    expect(await currentEnrolment(h.db, (await leadOf(jonas)).id)).toMatchObject({ sequenceId: 'nurture-monthly' });
    expect((await currentEnrolment(h.db, (await leadOf(maya)).id))?.sequenceId).toBe('inbound-fast-lane');
  });

  it('with a mailbox that spaces its sends 10 s apart, each persona still answers once, within minutes', async () => {
    await h.close();
    h = await createOutreachHarness({ start: SUNDAY_3AM, settings: { spacingMs: 10_000 } });
    worker = new Worker({ db: h.db, clock: h.clock, logger, tasks: { ...outreachTasks(h.deps), ...demoTasks(h.deps) }, concurrency: 1 });
    await startDemo(h.deps, { logger });
    await runFor(10 * MINUTE);
    const { rows } = await h.db.query<{ sent_at: Date }>(`SELECT sent_at FROM outbox WHERE status = 'sent' ORDER BY sent_at`);
    expect(rows).toHaveLength(DEMO_PERSONAS.length);
    // The spacing holds (the last first email goes over a minute after the first)...
    expect((rows.at(-1)?.sent_at.getTime() ?? 0) - (rows[0]?.sent_at.getTime() ?? 0)).toBeGreaterThanOrEqual(70_000);
    // ...and every answer came once, within four minutes of the start.
    const got = await answers();
    expect(got.size).toBe(DEMO_PERSONAS.length);
    for (const [, at] of got) {
      expect(at).toHaveLength(1);
      expect((at[0] as Date).getTime() - Date.parse(SUNDAY_3AM)).toBeLessThan(4 * MINUTE);
    }
  });

  it('stop cancels the answers still to come', async () => {
    const handle = await startDemo(h.deps, { logger });
    expect(await handle.stop()).toBe(DEMO_PERSONAS.length);
    await runFor(10 * MINUTE);
    expect(h.sink.messages).toHaveLength(DEMO_PERSONAS.length);
    expect((await answers()).size).toBe(0);
  });
});
