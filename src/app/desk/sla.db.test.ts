import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../adapters/db/store/audit.ts';
import { getCandidate, type DeskCandidate } from '../../adapters/db/store/candidates.ts';
import { upsertLeads } from '../../adapters/db/store/leads.ts';
import { Worker } from '../../adapters/queue/worker.ts';
import { accountDomainFor, emailDomain } from '../../domain/lead.ts';
import type { LeadFields } from '../../domain/lead.ts';
import type { Qualification } from '../../domain/qualify/types.ts';
import type { LoadedTeam } from '../../domain/desk/team.ts';
import { testTeam } from '../../testing/desk.ts';
import { blankQualification } from '../../testing/engines.ts';
import { createOutreachHarness, type OutreachHarness } from '../../testing/outreach.ts';
import { RecordingNotifier } from '../../testing/recording-notifier.ts';
import { outreachTasks } from '../outreach/tasks.ts';
import { decide, openCandidate, reassign, snooze } from './candidates.ts';
import type { DeskDeps } from './deps.ts';
import { handoffTasks } from './handoff.ts';
import { deskTasks } from './tasks.ts';

const SDRS = new Set(['U1', 'U2', 'U3', 'UL']);

function answer(grade: 'A' | 'B'): Qualification {
  return { ...blankQualification(), intent: 'interested', mql: true, score: grade === 'A' ? 85 : 65, grade, route: 'candidate' };
}

describe('desk SLAs: owners, due times, reminders and escalations on virtual time', () => {
  let h: OutreachHarness;
  let desk: DeskDeps;
  let notifier: RecordingNotifier;
  let worker: Worker;
  let n = 0;

  async function setup(team: LoadedTeam = testTeam(), start = '2026-03-02T10:00:00Z'): Promise<void> {
    h = await createOutreachHarness({ start });
    notifier = new RecordingNotifier('slack');
    desk = { ...h.deps, isSdr: (id) => SDRS.has(id), team, notifier, crm: null };
    worker = new Worker({ db: h.db, clock: h.clock, logger: h.deps.logger, tasks: { ...outreachTasks(desk), ...deskTasks(desk), ...handoffTasks(desk) }, concurrency: 1 });
  }
  afterEach(async () => {
    await h.close();
  });

  /** A lead (web form unless told) with an MQL candidate opened now. */
  async function open(fields: LeadFields = {}, options: { grade?: 'A' | 'B'; channel?: string } = {}): Promise<DeskCandidate> {
    n += 1;
    const email = `lead${n}@buyer${n}.test`;
    const [o] = await upsertLeads(h.db, [{ email, emailDomain: emailDomain(email), accountDomain: accountDomainFor(email), ...fields }], { channel: options.channel ?? 'web_form', source: 'test' }, h.clock.now());
    const { candidate } = await h.db.transaction((tx) => openCandidate(desk, tx, { leadId: o!.leadId, qualification: answer(options.grade ?? 'A') }));
    return candidate as DeskCandidate;
  }

  const queuedKeys = async () =>
    (await h.db.query<{ key: string; run_at: Date }>(`SELECT key, run_at FROM jobs WHERE status = 'queued' AND key LIKE 'desk.%' ORDER BY key`)).rows.map((r) => `${r.key.split(':')[0]} ${r.run_at.toISOString()}`);

  describe('assignment', () => {
    beforeEach(() => setup());

    it('gives owners in turn', async () => {
      const owners = [];
      for (let i = 0; i < 4; i++) owners.push((await open()).owner);
      expect(owners).toEqual(['user:U1', 'user:U2', 'user:U3', 'user:U1']);
    });
  });

  describe('territory assignment', () => {
    beforeEach(() => setup(testTeam({ assignment: 'territory' })));

    it("gives the lead's country to its SDR, and everyone else's in turn", async () => {
      expect((await open({ country: 'United States' })).owner).toBe('user:U1');
      expect((await open({ country: 'DE' })).owner).toBe('user:U2');
      const others = [(await open({ country: 'FR' })).owner, (await open({ country: 'FR' })).owner, (await open({})).owner];
      expect(new Set(others)).toEqual(new Set(['user:U1', 'user:U2', 'user:U3']));
    });
  });

  describe('due times', () => {
    it('a hot inbound lead (web form, grade A) is due in 15 desk minutes, others in 240', async () => {
      await setup();
      const hot = await open({}, { grade: 'A' });
      expect(hot).toMatchObject({ hot: true, dueAt: new Date('2026-03-02T10:15:00Z') });
      const graded = await open({}, { grade: 'B' });
      expect(graded).toMatchObject({ hot: false, dueAt: new Date('2026-03-02T14:00:00Z') });
      const imported = await open({}, { grade: 'A', channel: 'import' });
      expect(imported).toMatchObject({ hot: false, dueAt: new Date('2026-03-02T14:00:00Z') });
      expect(await queuedKeys()).toEqual(
        expect.arrayContaining(['desk.remind 2026-03-02T10:10:00.000Z', 'desk.escalate 2026-03-02T10:15:00.000Z', `desk.card ${h.clock.now().toISOString()}`]),
      );
      const audit = await listAudit(h.db, 'candidate', hot.id);
      expect(audit[0]).toMatchObject({ action: 'candidate.opened', data: { owner: 'user:U1', hot: true, dueAt: '2026-03-02T10:15:00.000Z' } });
    });

    it('Friday 17:50 + 15 desk minutes is Monday 09:05; at night the clock starts at 09:00', async () => {
      await setup(testTeam(), '2026-03-06T17:50:00Z');
      expect((await open()).dueAt).toEqual(new Date('2026-03-09T09:05:00Z'));
      h.clock.set('2026-03-10T02:00:00Z');
      expect((await open()).dueAt).toEqual(new Date('2026-03-10T09:15:00Z'));
    });
  });

  describe('reminders and escalations', () => {
    beforeEach(() => setup());

    it('reminds the owner before the due time, then escalates, reassigns and sets a new due time', async () => {
      const c = await open();
      await worker.runDue();
      expect(notifier.cardsOf(c.id)).toHaveLength(1);

      await worker.runDue({ until: new Date('2026-03-02T10:12:00Z') });
      expect(notifier.of('remind').map((r) => [r.owner.id, r.card.candidate.id])).toEqual([['U1', c.id]]);
      expect(notifier.of('escalate')).toEqual([]);
      expect((await getCandidate(h.db, c.id))?.remindedAt).toEqual(new Date('2026-03-02T10:10:00Z'));

      await worker.runDue({ until: new Date('2026-03-02T10:16:00Z') });
      const after = await getCandidate(h.db, c.id);
      expect(after).toMatchObject({ status: 'open', escalations: 1, escalatedAt: new Date('2026-03-02T10:15:00Z'), dueAt: new Date('2026-03-02T10:30:00Z'), remindedAt: null });
      expect(after?.owner).not.toBe('user:U1');
      const [esc] = notifier.of('escalate');
      expect(esc).toMatchObject({ from: { id: 'U1' }, to: { id: after?.owner?.slice(5) }, teamLead: { id: 'UL' }, ref: notifier.cardsOf(c.id)[0]?.result });
      // The card is updated in place with the new owner and the escalation count.
      const last = notifier.cardsOf(c.id).at(-1);
      expect(last?.ref).toEqual(notifier.cardsOf(c.id)[0]?.result);
      expect(last?.card.candidate).toMatchObject({ escalations: 1, owner: { id: after?.owner?.slice(5) } });
      expect((await listAudit(h.db, 'candidate', c.id)).map((a) => a.action)).toContain('candidate.escalated');

      // The new owner is reminded before the new due time.
      await worker.runDue({ until: new Date('2026-03-02T10:26:00Z') });
      expect(notifier.of('remind').map((r) => r.owner.id)).toEqual(['U1', after?.owner?.slice(5)]);
    });

    it('a decision cancels the reminder and the escalation', async () => {
      const c = await open();
      await decide(desk, { candidateId: c.id, action: 'approve', by: 'user:U1' });
      const { rows } = await h.db.query<{ key: string; status: string }>(`SELECT key, status FROM jobs WHERE key IN ($1, $2)`, [`desk.remind:${c.id}`, `desk.escalate:${c.id}`]);
      expect(rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
      await worker.runDue({ until: new Date('2026-03-02T12:00:00Z') });
      expect(notifier.of('remind')).toEqual([]);
      expect(notifier.of('escalate')).toEqual([]);
      expect((await getCandidate(h.db, c.id))?.escalations).toBe(0);
      // Approval handed the lead to an AE, and the card shows it.
      const card = notifier.cardsOf(c.id).at(-1)?.card;
      expect(card?.candidate.status).toBe('approved');
      expect(card?.handoff).toMatchObject({ status: 'pending' });
    });

    it('a snooze pauses the SLA: due at wake + the SLA, reminders move with it', async () => {
      const c = await open();
      const until = new Date('2026-03-02T13:00:00Z');
      const s = await snooze(desk, { candidateId: c.id, by: 'user:U1', until });
      expect(s.dueAt).toEqual(new Date('2026-03-02T13:15:00Z'));
      await worker.runDue({ until: new Date('2026-03-02T12:59:00Z') });
      expect(notifier.of('remind')).toEqual([]);
      expect(notifier.of('escalate')).toEqual([]);
      await worker.runDue({ until: new Date('2026-03-02T13:11:00Z') });
      expect(notifier.of('remind').map((r) => r.card.candidate.id)).toEqual([c.id]);
    });

    it('reassign keeps the due time and restarts the reminder for the new owner', async () => {
      const c = await open();
      await worker.runDue({ until: new Date('2026-03-02T10:11:00Z') });
      expect(notifier.of('remind').map((r) => r.owner.id)).toEqual(['U1']);
      await reassign(desk, { candidateId: c.id, by: 'user:U1', owner: 'user:U3' });
      await worker.runDue({ until: new Date('2026-03-02T10:14:00Z') });
      expect(notifier.of('remind').map((r) => r.owner.id)).toEqual(['U1', 'U3']);
      expect((await getCandidate(h.db, c.id))?.dueAt).toEqual(new Date('2026-03-02T10:15:00Z'));
    });
  });
});
