import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertLeads } from '../../adapters/db/store/leads.ts';
import { cancelJobs } from '../../adapters/queue/jobs-admin.ts';
import { Worker } from '../../adapters/queue/worker.ts';
import { accountDomainFor, emailDomain } from '../../domain/lead.ts';
import type { Qualification } from '../../domain/qualify/types.ts';
import { testTeam } from '../../testing/desk.ts';
import { blankQualification } from '../../testing/engines.ts';
import { createOutreachHarness, type OutreachHarness } from '../../testing/outreach.ts';
import { RecordingNotifier } from '../../testing/recording-notifier.ts';
import { decide, openCandidate } from './candidates.ts';
import type { DeskDeps } from './deps.ts';
import { handoffTasks } from './handoff.ts';
import { deskStats } from './stats.ts';
import { deskTasks, ensureDeskSchedules } from './tasks.ts';

const MIN = 60_000;
const SDRS = new Set(['U1', 'U2', 'U3']);

function answer(grade: 'A' | 'B'): Qualification {
  return { ...blankQualification(), intent: 'interested', mql: true, score: grade === 'A' ? 85 : 65, grade, route: 'candidate' };
}

describe('desk stats and the daily summary', () => {
  let h: OutreachHarness;
  let desk: DeskDeps;
  let notifier: RecordingNotifier;
  let worker: Worker;
  let n = 0;

  beforeEach(async () => {
    h = await createOutreachHarness({ start: '2026-01-20T09:00:00Z' });
    notifier = new RecordingNotifier('slack');
    desk = { ...h.deps, isSdr: (id) => SDRS.has(id), team: testTeam(), notifier, crm: null };
    worker = new Worker({ db: h.db, clock: h.clock, logger: h.deps.logger, tasks: { ...deskTasks(desk), ...handoffTasks(desk) }, concurrency: 1 });
  });
  afterEach(async () => {
    await h.close();
  });

  async function open(grade: 'A' | 'B' = 'A'): Promise<string> {
    n += 1;
    const email = `lead${n}@buyer${n}.test`;
    const [o] = await upsertLeads(h.db, [{ email, emailDomain: emailDomain(email), accountDomain: accountDomainFor(email), fullName: `Lead ${n}` }], { channel: 'web_form', source: 'test' }, h.clock.now());
    const { candidate } = await h.db.transaction((tx) => openCandidate(desk, tx, { leadId: o!.leadId, qualification: answer(grade) }));
    return candidate.id;
  }
  const at = (iso: string) => h.clock.set(iso);

  it('counts queues, MQLs today, approval rate and median time to decision over 30 days, breaches and escalations', async () => {
    // 41 days back: outside the 30-day window.
    const old = await open();
    at('2026-01-20T09:05:00Z');
    await decide(desk, { candidateId: old, action: 'reject', reason: 'bad_timing', by: 'user:U1' });
    // Yesterday (Sunday): approved after 20 minutes.
    at('2026-03-01T09:00:00Z');
    const yesterday = await open();
    at('2026-03-01T09:20:00Z');
    await decide(desk, { candidateId: yesterday, action: 'approve', by: 'user:U1' });
    // Today.
    at('2026-03-02T10:00:00Z');
    const c1 = await open('A'); // hot, due 10:15
    const c2 = await open('B'); // due 14:00
    const c3 = await open('B');
    at('2026-03-02T10:30:00Z');
    await decide(desk, { candidateId: c3, action: 'approve', by: 'user:U3' }); // 30 min
    at('2026-03-02T11:00:00Z');
    await decide(desk, { candidateId: c2, action: 'reject', reason: 'no_budget', by: 'user:U2' }); // 60 min
    const c4 = await open('B');
    at('2026-03-02T11:10:00Z');
    await decide(desk, { candidateId: c4, action: 'approve', by: 'user:U1' }); // 10 min

    at('2026-03-02T12:00:00Z');
    // Owners in turn: the old one U1, yesterday's U2, c1 U3.
    const before = await deskStats(desk, { userId: 'U3' });
    expect(before.teamQueue.map((l) => [l.candidateId, l.owner?.name, l.overdue, l.hot])).toEqual([[c1, 'Cy', true, true]]);
    expect(before.myQueue.map((l) => l.candidateId)).toEqual([c1]);
    expect(before).toMatchObject({ mqlsToday: 2, approvalRate: 0.75, medianDecisionMinutes: 25, breachesOpen: 1, escalationsToday: 0 });
    expect((await deskStats(desk, { userId: 'U2' })).myQueue).toEqual([]);
    expect((await deskStats(desk)).myQueue).toEqual([]);

    // The worker catches up: c1 is escalated to someone else with a new due time.
    await worker.runDue();
    const after = await deskStats(desk, { userId: 'U3' });
    expect(after).toMatchObject({ breachesOpen: 0, escalationsToday: 1, myQueue: [] });
    expect(after.teamQueue[0]?.owner?.id).not.toBe('U3');
    h.clock.advance(20 * MIN);
    expect((await deskStats(desk)).breachesOpen).toBe(1);
    // Tomorrow, today's counters start again.
    at('2026-03-03T08:00:00Z');
    expect(await deskStats(desk)).toMatchObject({ mqlsToday: 0, escalationsToday: 0 });
  });

  it('posts the daily summary at the desk time on desk days and schedules the next one', async () => {
    at('2026-03-06T12:00:00Z'); // a Friday, after 09:00
    await open();
    await ensureDeskSchedules(desk);
    await ensureDeskSchedules(desk); // idempotent: one of each
    const { rows } = await h.db.query<{ key: string; run_at: Date }>(`SELECT key, run_at FROM jobs WHERE status = 'queued' AND key IN ('desk.summary', 'desk.sweep') ORDER BY key`);
    expect(rows.map((r) => [r.key, r.run_at.toISOString()])).toEqual([
      ['desk.summary', '2026-03-09T09:00:00.000Z'],
      ['desk.sweep', '2026-03-06T12:00:00.000Z'],
    ]);
    // The sweep repeats every 5 minutes; leave it out of a four-day run.
    await cancelJobs(h.db, { key: 'desk.sweep' }, h.clock.now());
    await worker.runDue({ until: new Date('2026-03-10T09:30:00Z') });
    const summaries = notifier.of('summary');
    expect(summaries.map((s) => s.stats.at.toISOString())).toEqual(['2026-03-09T09:00:00.000Z', '2026-03-10T09:00:00.000Z']);
    expect(summaries[0]?.stats.teamQueue).toHaveLength(1);
  });
});
