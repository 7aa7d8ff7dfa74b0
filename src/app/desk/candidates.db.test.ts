import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../adapters/db/store/audit.ts';
import { candidatesOfLead, getCandidate } from '../../adapters/db/store/candidates.ts';
import { getLeadById } from '../../adapters/db/store/leads.ts';
import { DecisionConflictError, NotSdrError, StaleCandidateError, type Candidate } from '../../domain/desk/decision.ts';
import { ScriptedEngine } from '../../testing/engines.ts';
import { composeReply, createOutreachHarness, type OutreachHarness } from '../../testing/outreach.ts';
import { enrolLead } from '../outreach/enrol.ts';
import { receiveInbound } from '../outreach/inbound.ts';
import { decide, editBant, listOpenCandidates, openCandidate, reassign, snooze } from './candidates.ts';
import type { DeskDeps } from './deps.ts';
import { noNotifier } from './notifier.ts';
import { candidateAnswer, testTeam } from '../../testing/desk.ts';
import { RecordingNotifier } from '../../testing/recording-notifier.ts';
import { Worker } from '../../adapters/queue/worker.ts';
import { deskTasks } from './tasks.ts';

const DAY = 86_400_000;
const SDRS = new Set(['U1', 'U2', 'U3']);

describe('the SDR desk: candidates and decisions', () => {
  let h: OutreachHarness;
  let desk: DeskDeps;
  let score = 80;
  let leadId: string;

  beforeEach(async () => {
    score = 80;
    h = await createOutreachHarness({ engine: new ScriptedEngine('scripted', () => candidateAnswer(score)) });
    desk = { ...h.deps, isSdr: (id) => SDRS.has(id), team: testTeam(), notifier: noNotifier, crm: null };
    leadId = await h.addLead('pat@buyer.test', { firstName: 'Pat', company: 'Buyer Inc' });
    await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue();
  });
  afterEach(async () => {
    await h.close();
  });

  async function reply(text: string): Promise<void> {
    const raw = await composeReply(h.sink.messages.at(-1)?.raw ?? Buffer.alloc(0), { from: 'pat@buyer.test', text, date: h.clock.now() });
    await receiveInbound(h.deps, raw, { via: 'simulator' });
    await h.worker.runDue();
  }

  async function theCandidate(): Promise<Candidate> {
    const all = await candidatesOfLead(h.db, leadId);
    expect(all).toHaveLength(1);
    return all[0] as Candidate;
  }

  const actions = async (c: Candidate) => (await listAudit(h.db, 'candidate', c.id)).map((a) => `${a.actor} ${a.action}`);

  it('a qualifying reply opens one candidate; a second reply updates it in place', async () => {
    await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    expect((await getLeadById(h.db, leadId))?.stage).toBe('mql_candidate');
    const first = await theCandidate();
    expect(first).toMatchObject({ status: 'open', refreshes: 0, version: 1, decidedBy: null, bantCorrection: null });
    expect(first.qualification.score).toBe(80);
    expect(first.qualificationId).not.toBeNull();

    score = 90;
    h.clock.advance(3_600_000);
    await reply('Also: we would like to start next month.');
    const second = await theCandidate();
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({ status: 'open', refreshes: 1, version: 2 });
    expect(second.qualification.score).toBe(90);
    expect(Number(second.qualificationId)).toBeGreaterThan(Number(first.qualificationId));
    expect(await actions(second)).toEqual(['system:qualify candidate.opened', 'system:qualify candidate.updated']);
    expect((await listOpenCandidates(desk)).map((c) => c.id)).toEqual([first.id]);
  });

  it('approve moves the lead to mql; a second approval is a conflict naming the first decider', async () => {
    await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const c = await theCandidate();
    const approvedAt = h.clock.now();
    const approved = await decide(desk, { candidateId: c.id, action: 'approve', by: 'user:U1' });
    expect(approved).toMatchObject({ status: 'approved', decidedBy: 'user:U1', decidedAt: approvedAt, version: 2 });
    expect((await getLeadById(h.db, leadId))?.stage).toBe('mql');

    h.clock.advance(60_000);
    const again = await decide(desk, { candidateId: c.id, action: 'approve', by: 'user:U2' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(DecisionConflictError);
    expect((again as DecisionConflictError).decidedBy).toBe('user:U1');
    expect((again as DecisionConflictError).message).toContain(`approved by user:U1 at ${approvedAt.toISOString()}`);
    await expect(editBant(desk, { candidateId: c.id, by: 'user:U2', correction: { need: { status: 'not_met' } } })).rejects.toThrow(DecisionConflictError);
    expect(await listOpenCandidates(desk)).toEqual([]);

    // A later reply of an approved lead opens no new candidate: the lead is past the desk.
    await reply('Any news?');
    expect((await candidatesOfLead(h.db, leadId)).map((x) => x.status)).toEqual(['approved']);
    const audit = await listAudit(h.db, 'candidate', c.id);
    expect(audit.map((a) => `${a.actor} ${a.action}`)).toEqual(['system:qualify candidate.opened', 'user:U1 candidate.approved']);
    expect(audit[1]?.data).toMatchObject({ leadId, stage: { from: 'mql_candidate', to: 'mql' }, recycled: false });
  });

  it('reject with a reason moves the lead to nurture and schedules the recycle branch; spam disqualifies', async () => {
    await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const c = await theCandidate();
    const rejected = await decide(desk, { candidateId: c.id, action: 'reject', by: 'user:U2', reason: 'bad_timing', note: 'budget frozen until Q3' });
    expect(rejected).toMatchObject({ status: 'rejected', rejectReason: 'bad_timing', note: 'budget frozen until Q3', decidedBy: 'user:U2' });
    expect((await getLeadById(h.db, leadId))?.stage).toBe('nurture');
    const { rows } = await h.db.query<{ run_at: Date; status: string }>(`SELECT run_at, status FROM jobs WHERE key = $1`, [`recycle:${leadId}`]);
    expect(rows).toEqual([{ run_at: new Date(h.clock.now().getTime() + 30 * DAY), status: 'queued' }]);
    const audit = await listAudit(h.db, 'candidate', c.id);
    expect(audit.at(-1)).toMatchObject({ actor: 'user:U2', action: 'candidate.rejected', data: { reason: 'bad_timing', hasNote: true, stage: { from: 'mql_candidate', to: 'nurture' }, recycled: true } });
    // The note is SDR text: it stays on the candidate, out of the audit log.
    expect(JSON.stringify(audit)).not.toContain('frozen');

    // The lead warms up again (nurture -> mql_candidate): a new candidate, and this time it is spam.
    h.clock.advance(DAY);
    await reply('Hello again, we are ready now.');
    const all = await candidatesOfLead(h.db, leadId);
    expect(all.map((x) => x.status)).toEqual(['rejected', 'open']);
    await decide(desk, { candidateId: (all[1] as Candidate).id, action: 'reject', by: 'user:U1', reason: 'spam' });
    expect((await getLeadById(h.db, leadId))?.stage).toBe('disqualified');
  });

  it('two deciders at once: exactly one wins, the other is told who', async () => {
    await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const c = await theCandidate();
    const results = await Promise.allSettled([
      decide(desk, { candidateId: c.id, action: 'approve', by: 'user:U1' }),
      decide(desk, { candidateId: c.id, action: 'reject', by: 'user:U2', reason: 'no_budget' }),
      decide(desk, { candidateId: c.id, action: 'approve', by: 'user:U3' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(2);
    const winner = (won[0] as PromiseFulfilledResult<Candidate>).value;
    for (const l of lost) {
      expect(l.reason).toBeInstanceOf(DecisionConflictError);
      expect((l.reason as DecisionConflictError).decidedBy).toBe(winner.decidedBy);
    }
    const stored = await getCandidate(h.db, c.id);
    expect(stored?.decidedBy).toBe(winner.decidedBy);
    expect((await getLeadById(h.db, leadId))?.stage).toBe(winner.status === 'approved' ? 'mql' : 'nurture');
    const decisions = (await listAudit(h.db, 'candidate', c.id)).filter((a) => a.action === 'candidate.approved' || a.action === 'candidate.rejected');
    expect(decisions).toHaveLength(1);
    const { rows } = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM stage_transitions WHERE lead_id = $1 AND from_stage = 'mql_candidate'`, [leadId]);
    expect(rows[0]?.n).toBe(1);
  });

  it('refuses people outside the SDR group, and reassigning to one', async () => {
    await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const c = await theCandidate();
    await expect(decide(desk, { candidateId: c.id, action: 'approve', by: 'user:U9' })).rejects.toThrow(NotSdrError);
    await expect(editBant(desk, { candidateId: c.id, by: 'user:U9', correction: { need: { status: 'not_met' } } })).rejects.toMatchObject({ code: 'DESK_NOT_SDR' });
    await expect(reassign(desk, { candidateId: c.id, by: 'user:U1', owner: 'user:U9' })).rejects.toThrow(/user:U9 is not a member of the SDR group/);
    await expect(decide(desk, { candidateId: c.id, action: 'approve', by: 'system:bot' })).rejects.toMatchObject({ code: 'DESK_BAD_ACTOR' });
    expect((await getCandidate(h.db, c.id))?.status).toBe('open');
    expect((await getLeadById(h.db, leadId))?.stage).toBe('mql_candidate');
    expect(await actions(c)).toEqual(['system:qualify candidate.opened']);
  });

  it('an edit of BANT is stored beside the machine answer, validated and audited; a stale card is refused', async () => {
    await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const c = await theCandidate();
    await expect(editBant(desk, { candidateId: c.id, by: 'user:U1', correction: { budget: { status: 'maybe' } } })).rejects.toMatchObject({ code: 'DESK_BAD_CORRECTION' });
    const edited = await editBant(desk, { candidateId: c.id, by: 'user:U1', correction: { authority: { status: 'not_met', evidence: 'reports to the CFO' }, comment: 'checked on LinkedIn' }, expectedVersion: 1 });
    expect(edited.bantCorrection).toEqual({ authority: { status: 'not_met', evidence: 'reports to the CFO' }, comment: 'checked on LinkedIn' });
    expect(edited.qualification.bant.authority).toEqual({ status: 'met', evidence: 'I am the VP of Sales', role: 'VP of Sales' });
    await expect(editBant(desk, { candidateId: c.id, by: 'user:U2', correction: { need: { status: 'not_met' } }, expectedVersion: 1 })).rejects.toThrow(StaleCandidateError);
    const again = await editBant(desk, { candidateId: c.id, by: 'user:U2', correction: { timeline: { status: 'met', within_days: 30 } } });
    expect(again.bantCorrection).toMatchObject({ authority: { status: 'not_met' }, timeline: { status: 'met', within_days: 30 } });
    const audit = (await listAudit(h.db, 'candidate', c.id)).filter((a) => a.action === 'candidate.bant_edited');
    expect(audit.map((a) => [a.actor, a.data?.fields])).toEqual([
      ['user:U1', ['authority.evidence', 'authority.status']],
      ['user:U2', ['timeline.status', 'timeline.within_days']],
    ]);
  });

  it('snooze takes a candidate off the queue until it ends, a new message wakes it, and reassign sets the owner', async () => {
    await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const c = await theCandidate();
    const owned = await reassign(desk, { candidateId: c.id, by: 'user:U1', owner: 'user:U2' });
    expect(owned.owner).toBe('user:U2');
    const snoozed = await snooze(desk, { candidateId: c.id, by: 'user:U2', until: new Date(h.clock.now().getTime() + DAY) });
    expect(snoozed).toMatchObject({ status: 'snoozed' });
    expect(await listOpenCandidates(desk)).toEqual([]);
    h.clock.advance(DAY);
    expect((await listOpenCandidates(desk)).map((x) => [x.id, x.status, x.snoozedUntil])).toEqual([[c.id, 'open', null]]);

    await snooze(desk, { candidateId: c.id, by: 'user:U2', until: new Date(h.clock.now().getTime() + 7 * DAY) });
    await reply('Can we talk tomorrow?');
    expect(await theCandidate()).toMatchObject({ status: 'open', snoozedUntil: null, refreshes: 1, owner: 'user:U2' });
    expect(await actions(c)).toEqual([
      'system:qualify candidate.opened',
      'user:U1 candidate.reassigned',
      'user:U2 candidate.snoozed',
      'system:desk candidate.woken',
      'user:U2 candidate.snoozed',
      'system:qualify candidate.updated',
    ]);
  });

  it('openCandidate is idempotent per lead inside one transaction too', async () => {
    const a = await h.db.transaction((tx) => openCandidate(h.deps, tx, { leadId, qualification: candidateAnswer(70) }));
    const b = await h.db.transaction((tx) => openCandidate(h.deps, tx, { leadId, qualification: candidateAnswer(75) }));
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.candidate.id).toBe(a.candidate.id);
    expect((await theCandidate()).qualification.score).toBe(75);
  });

  it('opened without the team at hand (outreach deps only), a desk.assign job gives it an owner and a due time from its opening', async () => {
    await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const c = await theCandidate();
    expect(c).toMatchObject({ owner: null, dueAt: null });
    const notifier = new RecordingNotifier('slack');
    const worker = new Worker({ db: h.db, clock: h.clock, logger: h.deps.logger, tasks: deskTasks({ ...desk, notifier }), concurrency: 1 });
    h.clock.advance(30 * 60_000);
    await worker.runDue();
    const after = await getCandidate(h.db, c.id);
    // Not hot (no grade): the standard 240 desk minutes, counted from the opening, inside Monday's desk hours.
    expect(after).toMatchObject({ owner: 'user:U1', hot: false, dueAt: new Date(c.createdAt.getTime() + 240 * 60_000) });
    expect(await actions(c)).toEqual(['system:qualify candidate.opened', 'system:desk candidate.assigned']);
    expect(notifier.cardsOf(c.id).at(-1)?.card.candidate.owner).toEqual({ id: 'U1', name: 'Ana' });
  });
});
