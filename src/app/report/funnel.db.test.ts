import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../deps.ts';
import { intakeLead, moveLeadStage } from '../leads.ts';
import { funnelReport } from './funnel.ts';
import { LeadInputSchema } from '../../domain/lead-input.ts';
import type { Stage } from '../../domain/lifecycle.ts';
import type { ManualClock } from '../../domain/clock.ts';
import type { FunnelRow } from '../../domain/report/funnel.ts';
import { createTestDeps } from '../../testing/deps.ts';

/**
 * A known history: nine leads from three sources, moved through the lifecycle at known times, with
 * sent emails, replies, enrolments and decisions by two SDRs. Every figure asserted below is worked
 * out by hand from this seed.
 */
let deps: AppDeps & { clock: ManualClock; close: () => Promise<void> };
const T0 = Date.parse('2026-03-02T09:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0 + ms);

const PRICING = { channel: 'web_form', source: 'pricing-page' };
const TRADESHOW = { channel: 'csv_import', source: 'tradeshow-2026', campaign: 'booth' };
const WEBINAR = { channel: 'web_form', source: 'webinar', campaign: 'q1' };

async function lead(email: string, touch: { channel: string; source: string; campaign?: string }, createdMs: number): Promise<string> {
  deps.clock.set(at(createdMs));
  const { lead: l } = await intakeLead(deps, LeadInputSchema.parse({ email }), touch, 'test');
  return l.id;
}

async function move(leadId: string, moves: [Stage, string, number][]): Promise<void> {
  for (const [to, actor, ms] of moves) {
    deps.clock.set(at(ms));
    await moveLeadStage(deps, leadId, { to, actor });
  }
}

async function email(leadId: string, status: 'sent' | 'pending', sentMs: number | null): Promise<void> {
  const sentAt = sentMs === null ? null : at(sentMs);
  await deps.db.query(
    `INSERT INTO outbox (id, step_key, lead_id, mailbox, to_address, message_id, email, status, not_before, created_at, updated_at, sent_at)
     VALUES (gen_random_uuid(), gen_random_uuid()::text, $1, 'sdr@baton.example', 'x@example.com', gen_random_uuid()::text || '@baton.example', '{}'::jsonb, $2, $3, $3, $3, $4)`,
    [leadId, status, at(0), sentAt],
  );
}

async function message(leadId: string, direction: 'inbound' | 'outbound', ms: number): Promise<void> {
  const { rows } = await deps.db.query<{ id: string }>(`INSERT INTO conversations (lead_id, channel) VALUES ($1, 'email') RETURNING id`, [leadId]);
  await deps.db.query(`INSERT INTO messages (conversation_id, direction, author, body_text, at) VALUES ($1, $2, $3, 'hello', $4)`, [
    rows[0]!.id,
    direction,
    direction === 'inbound' ? 'lead' : 'us',
    at(ms),
  ]);
}

async function enrol(leadId: string, sequenceId: string, status: 'active' | 'completed' | 'stopped', startedMs: number): Promise<void> {
  await deps.db.query(
    `INSERT INTO enrolments (id, lead_id, sequence_id, sequence_version, status, mailbox, reply_token, enrolled_by, started_at, updated_at)
     VALUES (gen_random_uuid(), $1, $2, 1, $3, 'sdr@baton.example', gen_random_uuid()::text, 'test', $4, $4)`,
    [leadId, sequenceId, status, at(startedMs)],
  );
}

beforeAll(async () => {
  deps = await createTestDeps();
  for (const id of ['inbound-welcome', 'tradeshow-followup']) {
    await deps.db.query(`INSERT INTO sequences (id, version, kind, name, definition, checksum, created_at) VALUES ($1, 1, 'inbound', $1, '{}'::jsonb, 'x', $2)`, [id, at(0)]);
  }

  // pricing-page: four leads on day 0.
  const a1 = await lead('a1@pricing.example', PRICING, 0);
  const a2 = await lead('a2@pricing.example', PRICING, 0);
  const a3 = await lead('a3@pricing.example', PRICING, 0);
  const a4 = await lead('a4@pricing.example', PRICING, 0);
  await email(a1, 'sent', 10 * MIN);
  await email(a1, 'sent', 2 * DAY); // a later email: the first one is the first touch
  await email(a2, 'sent', 30 * MIN);
  await email(a3, 'sent', 20 * MIN);
  await email(a4, 'pending', null); // written, never sent: not a touch
  await message(a1, 'inbound', 40 * MIN);
  await message(a2, 'inbound', 50 * MIN);
  await message(a3, 'outbound', 20 * MIN); // our own message is not a reply
  await move(a1, [
    ['contacted', 'sequence:inbound-welcome', 10 * MIN],
    ['engaged', 'system:inbound', 40 * MIN],
    ['mql_candidate', 'system:qualify', 1 * HOUR],
    ['mql', 'user:U1', 3 * HOUR],
    ['sql', 'user:AE1', 1 * DAY],
    ['opportunity', 'user:AE1', 2 * DAY],
    ['customer', 'user:AE1', 10 * DAY],
  ]);
  // Set aside by the SDR: it is in nurture now, and still counts as a candidate.
  await move(a2, [
    ['contacted', 'sequence:inbound-welcome', 30 * MIN],
    ['engaged', 'system:inbound', 50 * MIN],
    ['mql_candidate', 'system:qualify', 2 * HOUR],
    ['nurture', 'user:U2', 6 * HOUR],
  ]);
  await move(a3, [
    ['contacted', 'sequence:inbound-welcome', 20 * MIN],
    ['unsubscribed', 'system:inbound', 1 * DAY],
  ]);
  await enrol(a1, 'inbound-welcome', 'completed', 5 * MIN);
  await enrol(a2, 'inbound-welcome', 'completed', 5 * MIN);
  await enrol(a3, 'inbound-welcome', 'stopped', 5 * MIN);

  // tradeshow-2026 (campaign booth): three leads on day 1.
  const b1 = await lead('b1@tradeshow.example', TRADESHOW, DAY);
  const b2 = await lead('b2@tradeshow.example', TRADESHOW, DAY);
  const b3 = await lead('b3@tradeshow.example', TRADESHOW, DAY);
  await email(b1, 'sent', DAY + 2 * HOUR);
  await email(b2, 'sent', DAY + 4 * HOUR);
  await message(b1, 'inbound', DAY + 3 * HOUR);
  await message(b3, 'inbound', DAY + 30 * MIN); // wrote to us before we wrote to them
  await move(b1, [
    ['contacted', 'sequence:tradeshow-followup', DAY + 2 * HOUR],
    ['engaged', 'system:inbound', DAY + 3 * HOUR],
    ['mql_candidate', 'system:qualify', DAY + 5 * HOUR],
    ['mql', 'user:U1', DAY + 6 * HOUR],
    ['sql', 'user:AE1', 3 * DAY],
  ]);
  await move(b2, [
    ['contacted', 'sequence:tradeshow-followup', DAY + 4 * HOUR],
    ['bounced', 'system:inbound', DAY + 5 * HOUR],
  ]);
  await move(b3, [
    ['engaged', 'system:inbound', DAY + 30 * MIN],
    ['mql_candidate', 'system:qualify', DAY + 1 * HOUR],
  ]);
  await enrol(b1, 'tradeshow-followup', 'completed', DAY + HOUR);
  await enrol(b1, 'inbound-welcome', 'active', 4 * DAY); // a later enrolment: the first sequence gets the credit
  await enrol(b2, 'tradeshow-followup', 'stopped', DAY + HOUR);

  // webinar (campaign q1): two leads on day 2.
  const c1 = await lead('c1@webinar.example', WEBINAR, 2 * DAY);
  const c2 = await lead('c2@webinar.example', WEBINAR, 2 * DAY);
  await email(c1, 'sent', 2 * DAY + HOUR);
  await email(c2, 'sent', 2 * DAY + 8 * HOUR);
  await message(c1, 'inbound', 2 * DAY + 2 * HOUR);
  await move(c1, [
    ['contacted', 'sequence:webinar', 2 * DAY + HOUR],
    ['engaged', 'system:inbound', 2 * DAY + 2 * HOUR],
    ['mql_candidate', 'system:qualify', 2 * DAY + 3 * HOUR],
    ['disqualified', 'user:U2', 2 * DAY + 3 * HOUR + 30 * MIN],
  ]);
  // Left the candidate stage by unsubscribing: a system move, not an SDR decision.
  await move(c2, [
    ['contacted', 'sequence:webinar', 2 * DAY + 8 * HOUR],
    ['mql_candidate', 'system:qualify', 2 * DAY + 9 * HOUR],
    ['unsubscribed', 'system:inbound', 2 * DAY + 10 * HOUR],
  ]);
  deps.clock.set(at(20 * DAY));
});
afterAll(async () => deps?.close());

const counts = (r: FunnelRow | undefined) => r && Object.values(r.steps).map((s) => s.count);
const byGroup = (rows: FunnelRow[], group: string) => rows.find((r) => r.group === group);

describe('funnel report', () => {
  it('counts every step a lead ever reached per source, with rates and times', async () => {
    const report = await funnelReport(deps, { by: 'source' });
    expect(report).toMatchObject({ by: 'source', since: null, generatedAt: at(20 * DAY).toISOString() });
    expect(report.rows.map((r) => [r.group, r.channel])).toEqual([
      ['pricing-page', 'web_form'],
      ['tradeshow-2026', 'csv_import'],
      ['webinar', 'web_form'],
    ]);
    const [pricing, tradeshow, webinar] = report.rows;
    //                        leads contacted replied cand mql sql won
    expect(counts(pricing)).toEqual([4, 3, 2, 2, 1, 1, 1]);
    expect(counts(tradeshow)).toEqual([3, 3, 2, 2, 1, 1, 0]);
    expect(counts(webinar)).toEqual([2, 2, 2, 2, 0, 0, 0]);
    expect(counts(report.total)).toEqual([9, 8, 6, 6, 2, 2, 1]);

    expect(pricing!.steps.contacted).toEqual({ count: 3, fromPrevious: 0.75, fromLeads: 0.75 });
    expect(pricing!.steps.won).toEqual({ count: 1, fromPrevious: 1, fromLeads: 0.25 });
    expect(webinar!.steps.sql).toEqual({ count: 0, fromPrevious: null, fromLeads: 0 });
    expect(report.total.steps).toEqual({
      leads: { count: 9, fromPrevious: null, fromLeads: 1 },
      contacted: { count: 8, fromPrevious: 0.8889, fromLeads: 0.8889 },
      replied: { count: 6, fromPrevious: 0.75, fromLeads: 0.6667 },
      mql_candidate: { count: 6, fromPrevious: 1, fromLeads: 0.6667 },
      mql: { count: 2, fromPrevious: 0.3333, fromLeads: 0.2222 },
      sql: { count: 2, fromPrevious: 1, fromLeads: 0.2222 },
      won: { count: 1, fromPrevious: 0.5, fromLeads: 0.1111 },
    });

    // First touch: 10, 20, 30 min; 2 h, 4 h; 1 h, 8 h. Decision: 2 h, 4 h; 1 h; 30 min.
    expect(pricing!.timeToFirstTouch).toEqual({ n: 3, medianMs: 20 * MIN, p90Ms: 30 * MIN });
    expect(pricing!.timeToDecision).toEqual({ n: 2, medianMs: 3 * HOUR, p90Ms: 4 * HOUR });
    expect(tradeshow!.timeToFirstTouch).toEqual({ n: 2, medianMs: 3 * HOUR, p90Ms: 4 * HOUR });
    expect(tradeshow!.timeToDecision).toEqual({ n: 1, medianMs: HOUR, p90Ms: HOUR });
    expect(webinar!.timeToFirstTouch).toEqual({ n: 2, medianMs: 4.5 * HOUR, p90Ms: 8 * HOUR });
    expect(webinar!.timeToDecision).toEqual({ n: 1, medianMs: 30 * MIN, p90Ms: 30 * MIN });
    expect(report.total.timeToFirstTouch).toEqual({ n: 7, medianMs: HOUR, p90Ms: 8 * HOUR });
    expect(report.total.timeToDecision).toEqual({ n: 4, medianMs: 1.5 * HOUR, p90Ms: 4 * HOUR });
  });

  it('groups by the SDR who decided, with undecided candidates and system moves apart', async () => {
    const report = await funnelReport(deps, { by: 'sdr' });
    expect(report.rows.map((r) => [r.group, r.steps.leads.count])).toEqual([
      ['(undecided)', 5],
      ['user:U1', 2],
      ['user:U2', 2],
    ]);
    expect(report.rows[0]).not.toHaveProperty('channel');
    const u1 = byGroup(report.rows, 'user:U1');
    const u2 = byGroup(report.rows, 'user:U2');
    const undecided = byGroup(report.rows, '(undecided)');
    expect(counts(u1)).toEqual([2, 2, 2, 2, 2, 2, 1]);
    expect(counts(u2)).toEqual([2, 2, 2, 2, 0, 0, 0]);
    expect(counts(undecided)).toEqual([5, 4, 2, 2, 0, 0, 0]);
    expect(u1!.timeToDecision).toEqual({ n: 2, medianMs: 1.5 * HOUR, p90Ms: 2 * HOUR });
    expect(u2!.timeToDecision).toEqual({ n: 2, medianMs: 2.25 * HOUR, p90Ms: 4 * HOUR });
    expect(u1!.timeToFirstTouch).toEqual({ n: 2, medianMs: 65 * MIN, p90Ms: 2 * HOUR });
    expect(undecided!.timeToDecision).toEqual({ n: 0, medianMs: null, p90Ms: null });
  });

  it('groups by campaign and by first sequence', async () => {
    const byCampaign = await funnelReport(deps, { by: 'campaign' });
    expect(byCampaign.rows.map((r) => [r.group, counts(r)])).toEqual([
      ['(none)', [4, 3, 2, 2, 1, 1, 1]],
      ['booth', [3, 3, 2, 2, 1, 1, 0]],
      ['q1', [2, 2, 2, 2, 0, 0, 0]],
    ]);
    const bySequence = await funnelReport(deps, { by: 'sequence' });
    expect(bySequence.rows.map((r) => [r.group, counts(r)])).toEqual([
      ['(none)', [4, 3, 3, 3, 0, 0, 0]],
      ['inbound-welcome', [3, 3, 2, 2, 1, 1, 1]],
      ['tradeshow-followup', [2, 2, 1, 1, 1, 1, 0]],
    ]);
    expect(counts(bySequence.total)).toEqual([9, 8, 6, 6, 2, 2, 1]);
  });

  it('--since takes the cohort of leads created since then, whatever they did later', async () => {
    const report = await funnelReport(deps, { by: 'source', since: at(DAY) });
    expect(report.since).toBe(at(DAY).toISOString());
    expect(report.rows.map((r) => r.group)).toEqual(['tradeshow-2026', 'webinar']);
    expect(counts(report.total)).toEqual([5, 5, 4, 4, 1, 1, 0]);
    expect(report.total.timeToFirstTouch).toEqual({ n: 4, medianMs: 3 * HOUR, p90Ms: 8 * HOUR });
    expect(report.total.timeToDecision).toEqual({ n: 2, medianMs: 45 * MIN, p90Ms: HOUR });

    const none = await funnelReport(deps, { by: 'sdr', since: at(30 * DAY) });
    expect(none.rows).toEqual([]);
    expect(none.total.steps.leads).toEqual({ count: 0, fromPrevious: null, fromLeads: null });
    expect(none.total.timeToFirstTouch).toEqual({ n: 0, medianMs: null, p90Ms: null });
  });
});
