import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getCandidate, type DeskCandidate } from '../../adapters/db/store/candidates.ts';
import { insertConversation, insertMessage } from '../../adapters/db/store/conversations.ts';
import { upsertLeads } from '../../adapters/db/store/leads.ts';
import { newId } from '../../adapters/db/store/sequences.ts';
import { Worker } from '../../adapters/queue/worker.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { accountDomainFor, emailDomain, type LeadFields } from '../../domain/lead.ts';
import type { Qualification } from '../../domain/qualify/types.ts';
import { testTeam } from '../../testing/desk.ts';
import { blankQualification } from '../../testing/engines.ts';
import { createOutreachHarness, type OutreachHarness } from '../../testing/outreach.ts';
import { archived, rateLimited, RecordingNotifier } from '../../testing/recording-notifier.ts';
import { decide, editBant, listOpenCandidates, openCandidate } from './candidates.ts';
import { loadCard } from './card.ts';
import type { DeskDeps } from './deps.ts';
import { handoffTasks } from './handoff.ts';
import { deskTasks, ensureDeskSchedules } from './tasks.ts';

const SDRS = new Set(['U1', 'U2', 'U3']);

function answer(): Qualification {
  return {
    ...blankQualification(),
    intent: 'interested',
    mql: true,
    score: 82,
    grade: 'A',
    route: 'candidate',
    bant: {
      budget: { status: 'met', evidence: 'budget is 40k', amount: 40000, currency: 'USD' },
      authority: { status: 'met', evidence: 'I run sales ops', role: 'Head of Sales Ops' },
      need: { status: 'met', evidence: 'We need a sales automation tool' },
      timeline: { status: 'unknown' },
    },
    reasons: [
      { signal: 'fit.employees', points: 5, detail: 'mid-size' },
      { signal: 'bant.budget.met', points: 20, detail: 'budget stated', evidence: 'budget is 40k' },
      { signal: 'intent.negative', points: -3, detail: 'hesitant' },
      { signal: 'bant.need.met', points: 15, detail: 'need stated' },
      { signal: 'bant.authority.met', points: 12, detail: 'decides' },
      { signal: 'fit.industry', points: 1, detail: 'software' },
    ],
  };
}

describe('the candidate card and its job', () => {
  let h: OutreachHarness;
  let desk: DeskDeps;
  let notifier: RecordingNotifier;
  let worker: Worker;

  beforeEach(async () => {
    h = await createOutreachHarness();
    notifier = new RecordingNotifier('slack');
    desk = { ...h.deps, isSdr: (id) => SDRS.has(id), team: testTeam(), notifier, crm: null };
    worker = new Worker({ db: h.db, clock: h.clock, logger: h.deps.logger, tasks: { ...deskTasks(desk), ...handoffTasks(desk) }, concurrency: 1 });
  });
  afterEach(async () => {
    await h.close();
  });

  async function lead(email: string, fields: LeadFields = {}, touch: { channel: string; source: string; campaign?: string } = { channel: 'web_form', source: 'website' }): Promise<string> {
    const [o] = await upsertLeads(h.db, [{ email, emailDomain: emailDomain(email), accountDomain: accountDomainFor(email), ...fields }], touch, h.clock.now());
    return o!.leadId;
  }

  /** The lead says `words` (one inbound email each, a minute apart), then a candidate opens. */
  async function candidate(leadId: string, words: string[]): Promise<DeskCandidate> {
    const conversationId = newId();
    await insertConversation(h.db, { id: conversationId, leadId, channel: 'email', subject: 'Hello' }, h.clock.now());
    for (const text of words) {
      h.clock.advance(60_000);
      await insertMessage(h.db, { id: newId(), conversationId, direction: 'inbound', author: 'lead', bodyText: text }, h.clock.now());
    }
    const { candidate: c } = await h.db.transaction((tx) => openCandidate(desk, tx, { leadId, qualification: answer() }));
    return c as DeskCandidate;
  }

  it('shows the lead, the account and its other contacts, the score, BANT with the correction, the latest own words and the thread link', async () => {
    await lead('kim@acme.test', { firstName: 'Kim', lastName: 'Lee', title: 'CFO' });
    const id = await lead('pat@acme.test', { firstName: 'Pat', lastName: 'Doe', title: 'Head of Sales Ops', company: 'Acme', country: 'DE' }, { channel: 'web_form', source: 'website', campaign: 'spring' });
    const c = await candidate(id, ['Hi, we are looking around.', 'We need a sales automation tool; budget is 40k.\n\nOn Mon, 2 Mar 2026, Ann Seller wrote:\n> Would a demo help?']);
    await editBant(desk, { candidateId: c.id, by: 'user:U2', correction: { timeline: { status: 'met', evidence: 'next month' } } });

    const card = await loadCard(desk, c.id);
    expect(card.lead).toMatchObject({ id, name: 'Pat Doe', email: 'pat@acme.test', title: 'Head of Sales Ops', company: 'Acme', country: 'DE', stage: 'lead', source: 'website', campaign: 'spring', channel: 'web_form' });
    expect(card.account).toMatchObject({ domain: 'acme.test', contacts: [{ name: 'Kim Lee', title: 'CFO', email: 'kim@acme.test', stage: 'lead' }] });
    expect(card.candidate).toMatchObject({ id: c.id, status: 'open', version: 2, owner: { id: 'U1', name: 'Ana' }, hot: true, overdue: false, escalations: 0, decidedBy: null });
    expect(card.qualification.score).toBe(82);
    expect(card.qualification.grade).toBe('A');
    expect(card.qualification.reasons.map((r) => r.signal)).toEqual(['bant.budget.met', 'bant.need.met', 'bant.authority.met', 'fit.employees', 'intent.negative']);
    expect(card.qualification.bant.budget.evidence).toBe('budget is 40k');
    expect(card.qualification.correction).toEqual({ timeline: { status: 'met', evidence: 'next month' } });
    expect(card.latestWords).toBe('We need a sales automation tool; budget is 40k.');
    expect(card.latestAt).toEqual(new Date('2026-03-02T10:02:00Z'));
    expect(card.threadUrl).toBe(`http://127.0.0.1:3000/console/candidates/${c.id}`);
    expect(card.similar).toEqual([]);
    expect(card.handoff).toBeNull();

    h.clock.advance(20 * 60_000);
    expect((await loadCard(desk, c.id)).candidate.overdue).toBe(true);
    await expect(loadCard(desk, '00000000-0000-4000-8000-000000000000')).rejects.toThrow(NotFoundError);
  });

  it('lists the nearest decided candidates of other leads with what SDRs decided and what sales said', async () => {
    const won = await candidate(await lead('a@one.test', { company: 'One' }), ['We need a sales automation tool for our team, budget is 40k this quarter.']);
    const noBudget = await candidate(await lead('b@two.test', { company: 'Two' }), ['We need sales automation for the team but there is no budget this year.']);
    const spam = await candidate(await lead('c@three.test', { company: 'Three' }), ['Cheap watches and pills, click here now!!!']);
    const undecided = await candidate(await lead('d@four.test', { company: 'Four' }), ['We need a sales automation tool for our team, budget 40k this quarter.']);
    await decide(desk, { candidateId: won.id, action: 'approve', by: 'user:U1' });
    await decide(desk, { candidateId: noBudget.id, action: 'reject', reason: 'no_budget', by: 'user:U2' });
    await decide(desk, { candidateId: spam.id, action: 'reject', reason: 'spam', by: 'user:U2' });
    // Sales accepted the first one.
    await h.db.query(`UPDATE handoffs SET status = 'sql', outcome_at = $2, outcome_by = 'user:UA1' WHERE candidate_id = $1`, [won.id, h.clock.now()]);

    const target = await candidate(await lead('e@five.test', { company: 'Five' }), ['Looking for a sales automation tool for the team; our budget is 40k this quarter.']);
    const card = await loadCard(desk, target.id);
    expect(card.similar.map((s) => s.candidateId)).not.toContain(undecided.id);
    expect(card.similar.map((s) => [s.company, s.status, s.rejectReason, s.outcome])).toEqual([
      ['One', 'approved', null, 'sql'],
      ['Two', 'rejected', 'no_budget', null],
      ['Three', 'rejected', 'spam', null],
    ]);
    const sims = card.similar.map((s) => s.similarity);
    expect(sims[0]).toBeGreaterThan(0.5);
    expect([...sims].sort((a, b) => b - a)).toEqual(sims);
    expect(sims[2]).toBeLessThan(0.2);

    // The approved candidate's own card shows its handoff.
    expect((await loadCard(desk, won.id)).handoff).toMatchObject({ ae: { id: 'UA1', name: 'Omar' }, status: 'sql' });
  });

  it('posts the card once, then updates it in place', async () => {
    const c = await candidate(await lead('p@acme.test'), ['We need it.']);
    await worker.runDue();
    const [first] = notifier.cardsOf(c.id);
    expect(first).toMatchObject({ ref: null, result: { channel: 'C_DESK' } });
    expect(await getCandidate(h.db, c.id)).toMatchObject({ slackChannel: 'C_DESK', slackTs: first?.result?.ts, version: 1 });
    await editBant(desk, { candidateId: c.id, by: 'user:U1', correction: { need: { status: 'not_met' } } });
    await worker.runDue();
    expect(notifier.cardsOf(c.id).map((x) => x.ref)).toEqual([null, first?.result]);
  });

  it('a rate-limited card is retried at the time Slack names, without using an attempt', async () => {
    notifier.failNext('showCard', rateLimited(30_000), 2);
    const c = await candidate(await lead('p@acme.test'), ['We need it.']);
    const stats = await worker.runDue();
    expect(stats.deferred).toBe(1);
    expect(notifier.cardsOf(c.id)).toEqual([]);
    const { rows } = await h.db.query<{ run_at: Date; attempts: number; status: string }>(`SELECT run_at, attempts, status FROM jobs WHERE key = $1`, [`desk.card:${c.id}`]);
    expect(rows[0]).toMatchObject({ status: 'queued', run_at: new Date(h.clock.now().getTime() + 30_000) });
    await worker.runDue({ until: new Date(h.clock.now().getTime() + 61_000) });
    expect(notifier.failures).toHaveLength(2);
    expect(notifier.cardsOf(c.id)).toHaveLength(1);
    expect((await getCandidate(h.db, c.id))?.slackTs).not.toBeNull();
  });

  it('a non-retryable failure fails the job but keeps the candidate queued; the sweep posts it once Slack works', async () => {
    notifier.failNext('showCard', archived());
    const c = await candidate(await lead('p@acme.test'), ['We need it.']);
    const stats = await worker.runDue();
    expect(stats.failed).toBe(1);
    const { rows } = await h.db.query<{ status: string; last_error: string }>(`SELECT status, last_error FROM jobs WHERE task = 'desk.card'`);
    expect(rows[0]).toMatchObject({ status: 'failed', last_error: expect.stringContaining('SLACK_CHANNEL_ARCHIVED') });
    expect((await getCandidate(h.db, c.id))?.status).toBe('open');
    expect((await listOpenCandidates(desk)).map((x) => x.id)).toEqual([c.id]);

    await ensureDeskSchedules(desk);
    await worker.runDue();
    expect(notifier.cardsOf(c.id)).toHaveLength(1);
    expect((await getCandidate(h.db, c.id))?.slackTs).not.toBeNull();
  });
});
