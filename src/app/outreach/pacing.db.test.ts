import { afterEach, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { buildDsn, buildRawMessage } from '../../adapters/email/mime.ts';
import { reserveQuota } from '../../adapters/db/store/outbox.ts';
import { currentEnrolment } from '../../adapters/db/store/sequences.ts';
import { isInSendWindow } from '../../domain/sequence/calendar.ts';
import { createTestDb } from '../../testing/db.ts';
import { createOutreachHarness, TEST_SETTINGS, type OutreachHarness } from '../../testing/outreach.ts';
import { enrolLead } from './enrol.ts';
import { receiveInbound } from './inbound.ts';

/**
 * Pacing bugs the simulator (`baton simulate`) found: each test is the smallest world that showed one.
 */
describe('pauses, immediate emails and spacing (found by the simulator)', () => {
  let h: OutreachHarness;
  afterEach(async () => {
    await h.close();
  });

  const sentAt = async (leadId: string) =>
    (await h.db.query<{ sent_at: Date; immediate: boolean }>(`SELECT sent_at, immediate FROM outbox WHERE lead_id = $1 AND status = 'sent' ORDER BY sent_at`, [leadId])).rows;

  async function autoReply(text: string) {
    const sent = await simpleParser(h.sink.messages.at(-1)?.raw ?? Buffer.alloc(0));
    const raw = await buildRawMessage({
      from: 'pat@buyer.test',
      to: sent.replyTo?.value[0]?.address ?? '',
      subject: `Automatic reply: ${sent.subject ?? ''}`,
      text,
      inReplyTo: sent.messageId ?? '',
      date: h.clock.now(),
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    await receiveInbound(h.deps, raw, { via: 'simulator' });
    await h.worker.runDue();
  }

  it('an out-of-office "until March 20" from Honolulu resumes on March 20 there, not at 00:00 UTC (14:00 the day before)', async () => {
    // Monday 2 March 2026, 10:00 in Honolulu.
    h = await createOutreachHarness({ start: '2026-03-02T20:00:00Z' });
    const leadId = await h.addLead('pat@buyer.test', { firstName: 'Pat', country: 'US', timeZone: 'Pacific/Honolulu' });
    await enrolLead(h.deps, { leadId, sequenceId: 'outbound-intro', actor: 'test' });
    await h.worker.runDue();
    h.clock.advance(60_000);
    await autoReply('I am out of the office until March 20 with limited access to email.');
    // Friday 20 March, 09:00 in Honolulu.
    expect((await currentEnrolment(h.db, leadId))?.pausedUntil?.toISOString()).toBe('2026-03-20T19:00:00.000Z');
    await h.worker.runDue({ until: new Date('2026-03-20T18:59:00Z') });
    expect(await sentAt(leadId)).toHaveLength(1);
    await h.worker.runDue({ until: new Date('2026-03-20T20:00:00Z') });
    expect(await sentAt(leadId)).toHaveLength(2);
  });

  it('an absence shorter than the wait does not speed the sequence up', async () => {
    // Monday 2 March 2026, 10:00 in London; the bump is due three business days after the intro.
    h = await createOutreachHarness();
    const leadId = await h.addLead('pat@buyer.test', { firstName: 'Pat', country: 'GB' });
    await enrolLead(h.deps, { leadId, sequenceId: 'outbound-intro', actor: 'test' });
    await h.worker.runDue();
    h.clock.advance(60_000);
    await autoReply('I am out of the office until March 3 with limited access to email.');
    expect((await currentEnrolment(h.db, leadId))?.pausedUntil?.toISOString()).toBe('2026-03-05T10:00:00.000Z');
    await h.worker.runDue({ until: new Date('2026-03-05T09:59:00Z') });
    expect(await sentAt(leadId)).toHaveLength(1);
    await h.worker.runDue({ until: new Date('2026-03-05T11:00:00Z') });
    expect(await sentAt(leadId)).toHaveLength(2);
  });

  it('a fast-lane email held a day by a full cap waits for the recipient window instead of going at midnight', async () => {
    // Monday 2 March 2026, 22:00 UTC = 17:00 in New York; one email per mailbox per day.
    h = await createOutreachHarness({ start: '2026-03-02T22:00:00Z', settings: { mailboxDailyCap: 1 } });
    const first = await h.addLead('first@buyer.test', { country: 'US' });
    const second = await h.addLead('second@buyer.test', { country: 'US' });
    await enrolLead(h.deps, { leadId: first, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue();
    await enrolLead(h.deps, { leadId: second, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue({ until: new Date('2026-03-03T23:00:00Z') });
    const rows = await sentAt(second);
    expect(rows).toHaveLength(1);
    const at = rows[0]?.sent_at as Date;
    expect(at.getTime()).toBeGreaterThanOrEqual(new Date('2026-03-03T14:00:00Z').getTime());
    expect(isInSendWindow(at, 'America/New_York', TEST_SETTINGS.sendWindow, 'US')).toBe(true);
  });

  it('the retry of a soft-bounced fast-lane email is not immediate: it waits for the window', async () => {
    // Monday 2 March 2026, 03:00 UTC = Sunday 22:00 in New York: the form's answer goes at once.
    h = await createOutreachHarness({ start: '2026-03-02T03:00:00Z' });
    const leadId = await h.addLead('pat@buyer.test', { country: 'US' });
    await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue();
    expect((await sentAt(leadId))[0]?.immediate).toBe(true);
    h.clock.advance(5 * 60_000);
    const sent = await simpleParser(h.sink.messages.at(-1)?.raw ?? Buffer.alloc(0));
    const dsn = await buildDsn({ reportingMta: 'mx.buyer.test', originalMessageId: sent.messageId ?? '', recipient: 'pat@buyer.test', status: '4.2.2', diagnostic: 'smtp; 452 4.2.2 mailbox full', action: 'failed', to: 'ann@sender.test', date: h.clock.now() });
    await receiveInbound(h.deps, dsn, { via: 'simulator' });
    // The step is retried a day later: Tuesday 03:05 UTC, 22:05 in New York, outside the window.
    await h.worker.runDue({ until: new Date('2026-03-03T20:00:00Z') });
    const rows = await sentAt(leadId);
    expect(rows).toHaveLength(2);
    expect(rows[1]?.immediate).toBe(false);
    expect(rows[1]?.sent_at.toISOString()).toBe('2026-03-03T14:00:00.000Z');
  });
  it('a backlog of outbound mail leaves room in the day for the fast lane (a share of each mailbox cap is kept for it)', async () => {
    h = await createOutreachHarness({ settings: { mailboxDailyCap: 5 } });
    for (let i = 0; i < 8; i++) {
      const id = await h.addLead(`out${i}@buyer.test`, { country: 'GB' });
      await enrolLead(h.deps, { leadId: id, sequenceId: 'outbound-intro', actor: 'test' });
    }
    await h.worker.runDue({ until: new Date('2026-03-02T15:00:00Z') });
    // Outbound may use 4 of the 5 (one fifth is kept for the fast lane).
    expect(h.sink.messages).toHaveLength(4);
    const web = await h.addLead('web@buyer.test', { firstName: 'Wen', country: 'GB' });
    await enrolLead(h.deps, { leadId: web, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue();
    expect(h.sink.messages.map((m) => m.envelopeTo[0])).toContain('web@buyer.test');
    expect(h.sink.messages).toHaveLength(5);
    // The rest wait for tomorrow's quota, never dropped.
    await h.worker.runDue({ until: new Date('2026-03-03T16:00:00Z') });
    expect(h.sink.messages.filter((m) => m.envelopeTo[0]?.startsWith('out'))).toHaveLength(8);
  });
});

describe('mailbox spacing', () => {
  it('holds across midnight: the first send of a day keeps its distance from the last of the day before', async () => {
    const db = await createTestDb();
    try {
      const scope = 'mailbox:ann@sender.test';
      expect(await reserveQuota(db, scope, '2026-03-02', 10, 60_000, new Date('2026-03-02T23:59:30Z'))).toEqual({ ok: true });
      expect(await reserveQuota(db, scope, '2026-03-03', 10, 60_000, new Date('2026-03-03T00:00:10Z'))).toEqual({ ok: false, why: 'spacing', retryAt: new Date('2026-03-03T00:00:30Z') });
      expect(await reserveQuota(db, scope, '2026-03-03', 10, 60_000, new Date('2026-03-03T00:00:30Z'))).toEqual({ ok: true });
    } finally {
      await db.close();
    }
  });
});
