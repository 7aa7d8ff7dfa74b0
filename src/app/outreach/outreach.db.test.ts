import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../adapters/email/mailer.ts';
import { simpleParser } from 'mailparser';
import { buildDsn, buildRawMessage } from '../../adapters/email/mime.ts';
import { getLeadById } from '../../adapters/db/store/leads.ts';
import { currentEnrolment } from '../../adapters/db/store/sequences.ts';
import { findSuppressions } from '../../adapters/db/store/suppressions.ts';
import { createOutreachHarness, type OutreachHarness } from '../../testing/outreach.ts';
import { enrolLead } from './enrol.ts';
import { receiveInbound } from './inbound.ts';
import { unsubscribeByToken } from './unsubscribe.ts';

const HOUR = 3_600_000;

describe('email sequences end to end (real SMTP on loopback, virtual time)', () => {
  let h: OutreachHarness;
  beforeEach(async () => {
    // Monday 2 March 2026, 10:00 UTC.
    h = await createOutreachHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** The last message the sink took, parsed. */
  const lastSent = async () => simpleParser(h.sink.messages.at(-1)?.raw ?? Buffer.alloc(0));

  async function reply(text: string, extra: { auto?: boolean; subject?: string; from?: string } = {}) {
    const sent = await lastSent();
    const raw = await buildRawMessage({
      from: extra.from ?? 'pat@buyer.test',
      to: (sent.replyTo?.value[0]?.address ?? '') as string,
      subject: extra.subject ?? `Re: ${sent.subject ?? ''}`,
      text,
      inReplyTo: sent.messageId ?? '',
      references: [sent.messageId ?? ''],
      date: h.clock.now(),
      ...(extra.auto ? { headers: { 'Auto-Submitted': 'auto-replied' } } : {}),
    });
    await receiveInbound(h.deps, raw, { via: 'simulator' });
    await h.worker.runDue();
  }

  it('sends the fast-lane email at once, follows up in the thread two business days later, and stops on a human reply', async () => {
    const leadId = await h.addLead('pat@buyer.test', { firstName: 'Pat', company: 'Buyer Inc', country: 'US' });
    await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue();
    expect(h.sink.messages).toHaveLength(1);
    const first = await lastSent();
    expect(first.subject).toBe('Thanks for reaching out, Pat');
    expect(first.text).toContain('Hi Pat,');
    expect(first.text).toContain('Unsubscribe with one click: http://127.0.0.1:3000/u/');
    expect(first.text).toContain('Sender Ltd, 1 Test Street');
    expect(first.replyTo?.value[0]?.address).toMatch(/^reply\+[A-Za-z0-9_-]{16,}@replies\.sender\.test$/);
    expect((await getLeadById(h.db, leadId))?.stage).toBe('contacted');

    // Two business days later (Wednesday), inside the window of New York (09:00 EST = 14:00 UTC).
    await h.worker.runDue({ until: new Date('2026-03-04T23:00:00Z') });
    expect(h.sink.messages).toHaveLength(2);
    const second = await lastSent();
    expect(second.inReplyTo).toBe(first.messageId);
    expect(second.references).toEqual(first.messageId);
    expect(second.subject).toBe(`Re: ${first.subject}`);

    h.clock.advance(HOUR);
    await reply('Thanks. We need a tool for this; I am the VP of Sales and we have a budget of $40k for this quarter.');
    const e = await currentEnrolment(h.db, leadId);
    expect(e?.status).toBe('stopped');
    const lead = await getLeadById(h.db, leadId);
    expect(['engaged', 'mql_candidate']).toContain(lead?.stage);
    const { rows } = await h.db.query<{ intent: string }>('SELECT intent FROM qualifications WHERE lead_id = $1', [leadId]);
    expect(rows).toHaveLength(1);
    // Nothing more goes out, whatever the time.
    await h.worker.runDue({ until: new Date('2026-04-30T00:00:00Z') });
    expect(h.sink.messages).toHaveLength(2);
  });

  it('pauses on an out-of-office reply and resumes on the stated return date', async () => {
    const leadId = await h.addLead('pat@buyer.test', { firstName: 'Pat' });
    await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue();
    await reply('I am out of the office until March 20 with limited access to email.', { auto: true, subject: 'Automatic reply: Thanks' });
    const e = await currentEnrolment(h.db, leadId);
    expect(e?.status).toBe('paused');
    expect(e?.pausedUntil?.toISOString().slice(0, 10)).toBe('2026-03-20');
    await h.worker.runDue({ until: new Date('2026-03-19T23:00:00Z') });
    expect(h.sink.messages).toHaveLength(1);
    await h.worker.runDue({ until: new Date('2026-03-21T00:00:00Z') });
    expect((await currentEnrolment(h.db, leadId))?.status).toBe('active');
    expect(h.sink.messages).toHaveLength(2);
  });

  it('a hard bounce suppresses the address and ends the sequence', async () => {
    const leadId = await h.addLead('gone@buyer.test');
    await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue();
    const sent = await lastSent();
    const dsn = await buildDsn({ reportingMta: 'mx.buyer.test', originalMessageId: sent.messageId ?? '', recipient: 'gone@buyer.test', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 user unknown', action: 'failed', to: 'ann@sender.test', from: 'MAILER-DAEMON@mx.buyer.test', date: h.clock.now() });
    await receiveInbound(h.deps, dsn, { via: 'simulator' });
    await h.worker.runDue();
    expect((await findSuppressions(h.db, ['gone@buyer.test'])).get('gone@buyer.test')?.reason).toBe('bounced');
    expect((await currentEnrolment(h.db, leadId))?.status).toBe('stopped');
    expect((await getLeadById(h.db, leadId))?.stage).toBe('bounced');
    await h.worker.runDue({ until: new Date('2026-04-30T00:00:00Z') });
    expect(h.sink.messages).toHaveLength(1);
  });

  it('one-click unsubscribe suppresses at once and nothing else is ever sent, by any sequence', async () => {
    const leadId = await h.addLead('pat@buyer.test');
    const e = await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue();
    await unsubscribeByToken(h.deps, e.replyToken, 'lead:one-click');
    expect((await getLeadById(h.db, leadId))?.stage).toBe('unsubscribed');
    await expect(enrolLead(h.deps, { leadId, sequenceId: 'outbound-intro', actor: 'test' })).rejects.toThrow(/suppression list|unsubscribed/);
    await h.worker.runDue({ until: new Date('2026-04-30T00:00:00Z') });
    expect(h.sink.messages).toHaveLength(1);
  });

  it('a reply asking to unsubscribe suppresses in the same pipeline', async () => {
    const leadId = await h.addLead('pat@buyer.test');
    await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue();
    await reply('Please remove me from your mailing list.');
    expect((await findSuppressions(h.db, ['pat@buyer.test'])).size).toBe(1);
    expect((await getLeadById(h.db, leadId))?.stage).toBe('unsubscribed');
  });

  it('a reply from an unknown sender becomes a new inbound lead, and a referral creates the referred person', async () => {
    const raw = await buildRawMessage({ from: 'New Person <new@somewhere.test>', to: 'ann@sender.test', subject: 'Question', text: 'Hi, I am not the right person, please talk to Dana Lee, dana@somewhere.test, who runs our sales tooling.', date: h.clock.now() });
    await receiveInbound(h.deps, raw, { via: 'simulator' });
    await h.worker.runDue();
    const { rows } = await h.db.query<{ email: string; first_channel: string }>('SELECT email, first_channel FROM leads ORDER BY email');
    expect(rows.map((r) => r.email)).toContain('new@somewhere.test');
    expect(rows.find((r) => r.email === 'new@somewhere.test')?.first_channel).toBe('email');
    expect(rows.find((r) => r.email === 'dana@somewhere.test')?.first_channel).toBe('referral');
  });

  it('a lead that is not interested goes to nurture and, after the cool-off, into the nurture sequence (never a void)', async () => {
    const leadId = await h.addLead('pat@buyer.test', { firstName: 'Pat' });
    await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue();
    await reply('Thanks, but we are not interested.');
    expect((await getLeadById(h.db, leadId))?.stage).toBe('nurture');
    await h.worker.runDue({ until: new Date('2026-03-30T00:00:00Z') });
    expect(h.sink.messages).toHaveLength(1);
    await h.worker.runDue({ until: new Date('2026-04-03T00:00:00Z') });
    const e = await currentEnrolment(h.db, leadId);
    expect(e?.sequenceId).toBe('nurture-monthly');
    expect(e?.enrolledBy).toBe('system:recycle');
    expect(h.sink.messages).toHaveLength(2);
    expect((await lastSent()).subject).toBe('Checking in, Pat');
  });

  it('outside the send window the email waits for the recipient morning, never at 3 a.m. their time', async () => {
    // Tuesday 3 March 2026 08:00 UTC = 03:00 in New York.
    h.clock.set('2026-03-03T08:00:00Z');
    const leadId = await h.addLead('ny@buyer.test', { country: 'US' });
    await enrolLead(h.deps, { leadId, sequenceId: 'outbound-intro', actor: 'test' });
    await h.worker.runDue({ until: new Date('2026-03-03T13:59:00Z') });
    expect(h.sink.messages).toHaveLength(0);
    await h.worker.runDue({ until: new Date('2026-03-03T16:00:00Z') });
    expect(h.sink.messages).toHaveLength(1);
    const { rows } = await h.db.query<{ sent_at: Date }>('SELECT sent_at FROM outbox WHERE lead_id = $1', [leadId]);
    const sentAt = rows[0]?.sent_at as Date;
    expect(sentAt.getTime()).toBeGreaterThanOrEqual(new Date('2026-03-03T14:00:00Z').getTime());
  });
});

describe('the sequence emails as they reach a real SMTP server (DKIM on)', () => {
  it('carry our Message-ID, thread follow-ups, one-click unsubscribe headers, and verify under DKIM', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
      if (rrtype === 'TXT' && name === 'baton._domainkey.sender.test') return [[`v=DKIM1; k=rsa; p=${publicKey.toString('base64')}`]];
      throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
    };
    const h = await createOutreachHarness({ mailer: (url) => createSmtpMailer({ url, dkim: { domainName: 'sender.test', keySelector: 'baton', privateKey } }) });
    try {
      const leadId = await h.addLead('lee@buyer.test', { firstName: 'Lee', company: 'Buyer Inc', country: 'GB' });
      const e = await enrolLead(h.deps, { leadId, sequenceId: 'outbound-intro', actor: 'test' });
      await h.worker.runDue({ until: new Date('2026-03-06T18:00:00Z') });
      expect(h.sink.messages).toHaveLength(2);
      const [first, second] = await Promise.all(h.sink.messages.map((m) => simpleParser(m.raw)));
      const { rows } = await h.db.query<{ message_id: string }>('SELECT message_id FROM outbox WHERE enrolment_id = $1 ORDER BY created_at', [e.id]);
      expect([first?.messageId, second?.messageId]).toEqual(rows.map((r) => r.message_id));
      expect(first?.messageId).toMatch(/^<[0-9a-f-]{36}@sender\.test>$/);
      expect(second?.inReplyTo).toBe(first?.messageId);
      expect(second?.subject).toBe('Re: A question for Buyer Inc');
      for (const m of h.sink.messages) {
        const raw = m.raw.toString('latin1');
        expect(raw).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
        expect(raw.replace(/\r\n[ \t]+/g, ' ')).toContain(`List-Unsubscribe: <http://127.0.0.1:3000/u/${e.replyToken}>, <mailto:unsubscribe+${e.replyToken}@replies.sender.test>`);
        expect(raw).toMatch(new RegExp(`\\r\\nReply-To: reply\\+${e.replyToken}@replies\\.sender\\.test\\r\\n`));
        const v = await dkimVerify(m.raw, { resolver });
        expect(v.results[0]?.status.result).toBe('pass');
      }
    } finally {
      await h.close();
    }
  });
});

describe('personalised first lines (personalise: true)', () => {
  it('puts the checked opener after the greeting; without one the template goes as written', async () => {
    const seen: Record<string, string>[] = [];
    const h = await createOutreachHarness({
      personaliser: {
        personalise: async (input) => {
          seen.push({ ...input.facts });
          return input.facts['lead.first_name'] === 'Lee' ? { opener: 'Running sales at Buyer Inc must keep your inbox busy.', reason: 'ok', model: 'stub' } : { opener: null, reason: 'not_grounded: Series' };
        },
      },
    });
    try {
      const lee = await h.addLead('lee@buyer.test', { firstName: 'Lee', company: 'Buyer Inc', title: 'VP Sales', country: 'GB' });
      const kim = await h.addLead('kim@other.test', { firstName: 'Kim', company: 'Other Co', country: 'GB' });
      await enrolLead(h.deps, { leadId: lee, sequenceId: 'outbound-intro', actor: 'test' });
      await enrolLead(h.deps, { leadId: kim, sequenceId: 'outbound-intro', actor: 'test' });
      await h.worker.runDue({ until: new Date('2026-03-02T16:00:00Z') });
      const byTo = new Map(await Promise.all(h.sink.messages.map(async (m) => [m.envelopeTo[0], await simpleParser(m.raw)] as const)));
      expect(byTo.get('lee@buyer.test')?.text).toMatch(/^Hi Lee,\n\nRunning sales at Buyer Inc must keep your inbox busy\.\n\nI'm Ann\./);
      expect(byTo.get('kim@other.test')?.text).toMatch(/^Hi Kim,\n\nI'm Ann\./);
      // The model sees the lead record's fields, never the address.
      expect(seen.every((f) => !Object.values(f).some((v) => v.includes('@')))).toBe(true);
      const { rows } = await h.db.query<{ data: { used: boolean; reason: string } }>(`SELECT data FROM audit_log WHERE action = 'sequence.personalised' ORDER BY id`);
      expect(rows.map((r) => r.data.used).sort()).toEqual([false, true]);
    } finally {
      await h.close();
    }
  });
});
