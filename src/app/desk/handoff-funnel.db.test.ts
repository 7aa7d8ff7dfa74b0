import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getCandidate } from '../../adapters/db/store/candidates.ts';
import { getLeadById } from '../../adapters/db/store/leads.ts';
import type { Candidate } from '../../domain/desk/decision.ts';
import type { HandoffOutcome } from '../../domain/desk/views.ts';
import type { Qualification } from '../../domain/qualify/types.ts';
import { testTeam } from '../../testing/desk.ts';
import { blankQualification } from '../../testing/engines.ts';
import { createOutreachHarness, type OutreachHarness } from '../../testing/outreach.ts';
import { moveLeadStage } from '../leads.ts';
import { funnelReport } from '../report/funnel.ts';
import { decide, openCandidate } from './candidates.ts';
import type { DeskDeps } from './deps.ts';
import { handoffOfCandidate, recordOutcome, startHandoff } from './handoff.ts';
import { noNotifier } from './notifier.ts';

const HOUR = 3_600_000;
const QUAL: Qualification = { ...blankQualification(), intent: 'interested', mql: true, score: 75, route: 'candidate' };

/**
 * The funnel after sales outcomes: six leads of one source, four of them candidates. A: approved, SQL,
 * won. B: approved, SQL, lost. C: approved, rejected by sales. D: rejected by the SDR. E: contacted
 * only. F: a bare lead. Expected, cumulative: leads 6, contacted 5, replied 4, candidates 4, MQL 3,
 * SQL 2, won 1.
 */
describe('sales outcomes in the funnel report', () => {
  let h: OutreachHarness;
  let desk: DeskDeps;

  beforeEach(async () => {
    h = await createOutreachHarness();
    desk = { ...h.deps, isSdr: (id) => id.startsWith('U') && !id.startsWith('UA'), team: testTeam(), notifier: noNotifier, crm: null };
  });
  afterEach(async () => {
    await h.close();
  });

  async function candidateLead(email: string): Promise<{ leadId: string; candidateId: string }> {
    const leadId = await h.addLead(email);
    for (const to of ['contacted', 'engaged', 'mql_candidate'] as const) {
      h.clock.advance(HOUR);
      await moveLeadStage(h.deps, leadId, { to, actor: 'test' });
    }
    const { candidate } = await h.db.transaction((tx) => openCandidate(h.deps, tx, { leadId, qualification: QUAL }));
    return { leadId, candidateId: candidate.id };
  }

  async function handOff(c: { leadId: string; candidateId: string }, outcomes: [HandoffOutcome, string?][]): Promise<void> {
    h.clock.advance(HOUR);
    await decide(desk, { candidateId: c.candidateId, action: 'approve', by: 'user:U1' });
    // decide() hands off on approval; startHandoff returns that same handoff (a retried approval gets the first one).
    const handoffId =
      (await handoffOfCandidate(h.db, c.candidateId))?.id ??
      (await h.db.transaction(async (tx) => {
        const candidate = (await getCandidate(tx, c.candidateId)) as Candidate;
        const lead = (await getLeadById(tx, c.leadId))!;
        return (await startHandoff(desk, tx, { candidate, lead, by: 'user:U1', at: h.clock.now() })).handoffId;
      }));
    for (const [outcome, reason] of outcomes) {
      h.clock.advance(24 * HOUR);
      await recordOutcome(desk, { handoffId, outcome, by: 'user:UA1', ...(reason ? { reason } : {}) });
    }
  }

  it('counts SQL and won from the outcomes AEs record', async () => {
    const a = await candidateLead('a@one.test');
    const b = await candidateLead('b@two.test');
    const c = await candidateLead('c@three.test');
    const d = await candidateLead('d@four.test');
    const e = await h.addLead('e@five.test');
    await moveLeadStage(h.deps, e, { to: 'contacted', actor: 'test' });
    await h.addLead('f@six.test');

    await handOff(a, [['sql'], ['won']]);
    await handOff(b, [['sql'], ['lost', 'price']]);
    await handOff(c, [['rejected', 'not_ready']]);
    await decide(desk, { candidateId: d.candidateId, action: 'reject', by: 'user:U2', reason: 'bad_timing' });

    expect((await getLeadById(h.db, a.leadId))?.stage).toBe('customer');
    expect((await getLeadById(h.db, b.leadId))?.stage).toBe('nurture');
    expect((await getLeadById(h.db, c.leadId))?.stage).toBe('nurture');

    const report = await funnelReport(h.deps, { by: 'source' });
    const counts = Object.fromEntries(Object.entries(report.total.steps).map(([k, v]) => [k, v.count]));
    expect(counts).toEqual({ leads: 6, contacted: 5, replied: 4, mql_candidate: 4, mql: 3, sql: 2, won: 1 });
    expect(report.total.steps.sql.fromPrevious).toBe(0.6667);
    expect(report.total.steps.won.fromPrevious).toBe(0.5);
    expect(report.rows.map((r) => r.group)).toEqual(['test']);
  });
});
