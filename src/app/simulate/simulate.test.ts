import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addJob } from '../../adapters/queue/jobs.ts';
import { simulatorAdapters } from '../../main.ts';
import { createTestDb } from '../../testing/db.ts';
import { ADVANCE_TASK, advanceKey } from '../outreach/enrol.ts';
import type { OutboundEmail } from '../mail-ports.ts';
import { checkInvariants, type Evidence } from './invariants.ts';
import { runSimulation, Simulation, type SimulationReport, type SimulatorAdapters } from './run.ts';
import { buildScenario } from './scenario.ts';

/**
 * A small world (80 leads, 10 days) through the real engine, then the same world broken on purpose,
 * so that each invariant is seen to catch what it is about: none of them is vacuous.
 */

const adapters: SimulatorAdapters = { ...simulatorAdapters(), openDatabase: () => createTestDb() };
const WORLD = { leads: 80, days: 10, seed: 7 } as const;

const violations = (r: { invariants: readonly { name: string; violations: readonly string[] }[] }, name: string) => r.invariants.find((i) => i.name === name)?.violations ?? [];
const notes = (r: SimulationReport, name: string) => r.invariants.find((i) => i.name === name)?.notes ?? {};

describe('baton simulate: a small world', () => {
  let sim: Simulation;
  let report: SimulationReport;

  beforeAll(async () => {
    sim = await Simulation.open(adapters, WORLD);
    await sim.run();
    report = await sim.check();
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
  });

  it('holds every invariant', () => {
    for (const i of report.invariants) expect(i.violations, i.name).toEqual([]);
    expect(report.violations).toBe(0);
  });

  it('exercises every persona and every mechanism it checks', () => {
    const c = report.counts;
    expect(c.sent).toBeGreaterThan(80);
    expect(c.replies).toBeGreaterThan(0);
    expect(c.auto_replies).toBeGreaterThan(0);
    expect(c.hard_bounces).toBeGreaterThan(0);
    expect(c.soft_bounces).toBeGreaterThan(0);
    expect(c.refused_at_rcpt).toBeGreaterThan(0);
    expect(c.unsubscribes).toBeGreaterThan(0);
    expect(c.referrals).toBeGreaterThan(0);
    expect(c.mql_candidates).toBeGreaterThan(0);
    expect(c.misread_replies).toBe(0);
    // Caps and windows really bind: messages waited, and some mailbox days were full.
    expect(c.deferred.window).toBeGreaterThan(0);
    expect(c.deferred.mailbox_cap).toBeGreaterThan(0);
    expect(notes(report, 'caps_held').mailbox_days_at_cap).toBeGreaterThan(0);
    expect(notes(report, 'no_send_after_opt_out').opt_outs).toBeGreaterThan(0);
    expect(notes(report, 'no_send_after_hard_bounce').hard_bounced_addresses).toBeGreaterThan(0);
    expect(notes(report, 'auto_reply_paused').auto_replies_to_live_sequences).toBeGreaterThan(0);
    expect(notes(report, 'waits_respected').follow_ups_checked).toBeGreaterThan(0);
    expect(notes(report, 'no_duplicate_sends').steps_resent_after_soft_bounce).toBeGreaterThan(0);
    expect(notes(report, 'inside_send_windows').immediate_outside_window).toBeGreaterThan(0);
  });

  it('is the same world for the same seed', async () => {
    expect(buildScenario({ ...WORLD, start: sim.scenario.start })).toEqual(sim.scenario);
    expect(buildScenario({ ...WORLD, seed: 8, start: sim.scenario.start })).not.toEqual(sim.scenario);
    const again = await runSimulation(adapters, WORLD);
    expect(again.violations).toBe(0);
    expect(again.counts.arrivals).toEqual(report.counts.arrivals);
    // Baton's ids are random (UUIDv7) and both the mailbox a lead gets and deferral jitter hash them,
    // so where caps bind the schedule, and what fits into ten days, can differ by a few messages.
    expect(Math.abs(again.counts.sent - report.counts.sent)).toBeLessThanOrEqual(report.counts.sent * 0.1);
  }, 60_000);

  describe('a world broken on purpose', () => {
    let ev: Evidence;
    beforeAll(async () => {
      ev = await sim.evidence();
    });

    /** A sent message of the run, as the outbox holds it. */
    async function sentEmail(where: string, params: unknown[] = []): Promise<{ email: OutboundEmail; to: string; enrolmentId: string }> {
      const { rows } = await sim.outreach.db.query<{ email: OutboundEmail; to_address: string; enrolment_id: string }>(
        `SELECT email, to_address, enrolment_id FROM outbox WHERE status = 'sent' AND ${where} ORDER BY sent_at LIMIT 1`,
        params,
      );
      const row = rows[0];
      if (!row) throw new Error(`no sent message where ${where}`);
      return { email: row.email, to: row.to_address, enrolmentId: row.enrolment_id };
    }

    it('sees a message to an address after its opt-out', async () => {
      const optedOut = sim.world.find((w) => w.kind === 'opt_out');
      if (!optedOut) throw new Error('the world has no opt-out');
      const m = await sentEmail('to_address = $1', [optedOut.email]);
      await sim.outreach.mailer.send({ ...m.email, messageId: `<sabotage-opt-out@sender.example>` });
      const r = await sim.check();
      expect(violations(r, 'no_send_after_opt_out').join('\n')).toContain(optedOut.email);
      // A message no outbox row sent is caught too.
      expect(violations(r, 'every_send_recorded').join('\n')).toContain('<sabotage-opt-out@sender.example>');
    });

    it('sees a message sent twice, and one sent on a Sunday', async () => {
      const m = await sentEmail('NOT immediate');
      const now = sim.clock.now();
      sim.clock.set('2026-03-08T12:00:00Z');
      await sim.outreach.mailer.send(m.email);
      sim.clock.set(now);
      const r = await sim.check();
      expect(violations(r, 'no_duplicate_sends').join('\n')).toContain(m.email.messageId);
      expect(violations(r, 'inside_send_windows').join('\n')).toContain(m.email.messageId);
    });

    it('sees a sequence that went on after a human reply', async () => {
      // A referral leaves the lead engaged, a stage the sequences still write to (an interested lead
      // becomes an MQL candidate, where the engine's own exit rule would stop a revived sequence).
      const reply = sim.world.find((w) => w.kind === 'reply' && w.persona === 'referral');
      if (!reply) throw new Error('the world has no referral reply');
      const { rows } = await sim.outreach.db.query<{ enrolment_id: string; sequence_id: string }>(`SELECT enrolment_id, sequence_id FROM outbox WHERE message_id = $1`, [reply.about]);
      const e = rows[0];
      if (!e) throw new Error('the reply answers no outbox row');
      // Revive the stopped enrolment on its last email step, as a bug that ignored the reply would.
      const lastEmail = e.sequence_id === 'nurture-monthly' ? 3 : 4;
      await sim.outreach.db.query(`UPDATE enrolments SET status = 'active', step_index = $2, pending_outbox_id = NULL, ended_at = NULL, stop_reason = NULL WHERE id = $1`, [e.enrolment_id, lastEmail]);
      await addJob(sim.outreach.db, { task: ADVANCE_TASK, payload: { enrolmentId: e.enrolment_id }, key: advanceKey(e.enrolment_id) }, sim.clock.now());
      await sim.runUntil(new Date(sim.scenario.end.getTime() + 4 * 86_400_000));
      const r = await sim.check();
      expect(violations(r, 'human_reply_stopped_sequence').join('\n')).toContain(e.enrolment_id);
    }, 30_000);

    it('sees a cap exceeded, an opt-out not recorded, a hard bounce not recorded, and enrolments left with nothing queued', () => {
      const cap = ev.settings.mailboxDailyCap;
      expect(violations({ invariants: checkInvariants({ ...ev, settings: { ...ev.settings, mailboxDailyCap: cap - 1 } }) }, 'caps_held').length).toBeGreaterThan(0);
      const optedOut = ev.world.find((w) => w.kind === 'opt_out')?.email ?? '';
      const bounced = ev.world.find((w) => w.kind === 'hard_bounce')?.email ?? '';
      const suppressed = new Map([...ev.suppressed].filter(([email]) => email !== optedOut && email !== bounced));
      const broken = checkInvariants({ ...ev, suppressed });
      expect(violations({ invariants: broken }, 'no_send_after_opt_out').join('\n')).toContain(`${optedOut} at`);
      expect(violations({ invariants: broken }, 'no_send_after_hard_bounce').join('\n')).toContain(`${bounced} at`);
      expect(violations({ invariants: checkInvariants({ ...ev, openJobs: [] }) }, 'never_dropped').join('\n')).toMatch(/active with nothing queued/);
    });

    it('sees a send while the lead was away, and a held reply never decided', () => {
      const away = ev.world.find((w) => w.kind === 'auto_reply');
      const last = ev.sent.filter((s) => s.to === away?.email).at(-1);
      if (!away || !last) throw new Error('the world has no auto-reply to a sent message');
      // The lead's last message once more, a minute after the out-of-office notice.
      const early = { ...last, at: new Date(away.at.getTime() + 60_000) };
      expect(violations({ invariants: checkInvariants({ ...ev, sent: [...ev.sent, early] }) }, 'auto_reply_paused').join('\n')).toContain('while its lead was away');
      const held = ev.enrolments.map((e) => (e.status === 'active' ? { ...e, status: 'paused' as const, pausedUntil: null } : e));
      expect(violations({ invariants: checkInvariants({ ...ev, enrolments: held }) }, 'never_dropped').join('\n')).toContain('a held reply never decided');
    });
  });
});
