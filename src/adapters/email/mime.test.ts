import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { classifyMail } from '../../domain/mail/classify.ts';
import { buildDsn, buildRawMessage } from './mime.ts';
import { parseMail } from './parse.ts';

const now = new Date('2025-03-03T09:00:00Z');

describe('buildDsn', () => {
  const base = {
    reportingMta: 'mx.acme.example',
    originalMessageId: '<0193f6a2-0002@baton.example.com>',
    recipient: 'nobody@acme.example',
    to: 'ada@baton.example.com',
    date: new Date('2025-03-03T08:59:00Z'),
    originalSubject: 'quick question',
  };

  it('is a real RFC 3464 report with its three parts', async () => {
    const raw = await buildDsn({ ...base, status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 user unknown' });
    const text = raw.toString('latin1');
    expect(text).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status;/m);
    const parts = [...text.matchAll(/^Content-Type: ([\w/.-]+)/gm)].map((m) => m[1]);
    expect(parts).toEqual(['multipart/report', 'text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    expect(text).toContain('\r\nFinal-Recipient: rfc822; nobody@acme.example\r\n');
    expect(text).toContain('\r\nAction: failed\r\n');
    expect(text).toContain('\r\nStatus: 5.1.1\r\n');
    expect(text).toContain('\r\nMessage-ID: <0193f6a2-0002@baton.example.com>\r\n');
    expect(text).not.toMatch(/[^\r]\n/);
  });

  it('reads back as a hard bounce for 5.1.1', async () => {
    const raw = await buildDsn({ ...base, status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 user unknown' });
    const verdict = classifyMail(await parseMail(raw), { now });
    expect(verdict.kind).toBe('bounce');
    expect(verdict.bounce).toMatchObject({ hard: true, status: '5.1.1', recipient: 'nobody@acme.example' });
  });

  it('reads back as a soft bounce for 4.2.2', async () => {
    const raw = await buildDsn({ ...base, status: '4.2.2', diagnostic: 'smtp; 452 4.2.2 mailbox full' });
    expect(raw.toString('latin1')).toContain('\r\nAction: delayed\r\n');
    const verdict = classifyMail(await parseMail(raw), { now });
    expect(verdict.kind).toBe('bounce');
    expect(verdict.bounce).toMatchObject({ hard: false, status: '4.2.2', recipient: 'nobody@acme.example' });
  });
});

describe('buildRawMessage', () => {
  it('forges a threaded reply in non-ASCII text that reads back as a reply', async () => {
    const raw = await buildRawMessage({
      from: '李伟 <li.wei@acme.example>',
      to: 'reply+tok123@replies.baton.example.com',
      subject: 'Re: 关于贵公司的销售流程',
      text: '好的，下周二可以。\n\n> 我们可以下周聊聊吗？',
      messageId: '<reply-1@acme.example>',
      inReplyTo: '<0193f6a2-0002@baton.example.com>',
      references: ['<0193f6a2-0001@baton.example.com>', '<0193f6a2-0002@baton.example.com>'],
      date: new Date('2025-03-03T08:00:00Z'),
    });
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe('<reply-1@acme.example>');
    expect(parsed.inReplyTo).toBe('<0193f6a2-0002@baton.example.com>');
    expect(parsed.references).toEqual(['<0193f6a2-0001@baton.example.com>', '<0193f6a2-0002@baton.example.com>']);
    expect(parsed.subject).toBe('Re: 关于贵公司的销售流程');
    expect(parsed.date?.toISOString()).toBe('2025-03-03T08:00:00.000Z');

    const verdict = classifyMail(await parseMail(raw), { now });
    expect(verdict.kind).toBe('reply');
    expect(verdict.visibleText).toContain('好的，下周二可以。');
  });

  it('forges an out-of-office answer that reads back as an auto-reply', async () => {
    const raw = await buildRawMessage({
      from: 'li.wei@acme.example',
      to: 'reply+tok123@replies.baton.example.com',
      subject: 'Automatic reply: quick question',
      text: 'I am out of the office until 10 March 2025 with limited access to email.',
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
      date: new Date('2025-03-03T08:00:00Z'),
    });
    const verdict = classifyMail(await parseMail(raw), { now });
    expect(verdict.kind).toBe('auto_reply');
    expect(verdict.returnDate).toBe('2025-03-10');
  });

  it('writes the unsubscribe headers of an OutboundEmail the way the mailer does', async () => {
    const raw = await buildRawMessage({
      from: 'ada@baton.example.com',
      to: 'lead@acme.example',
      replyTo: 'reply+t@replies.baton.example.com',
      subject: 'hi',
      text: 'hello',
      messageId: '<m@baton.example.com>',
      listUnsubscribe: { url: 'https://baton.example.com/u/t', mailto: 'mailto:u@baton.example.com' },
    });
    const head = `\r\n${raw.toString('latin1').split('\r\n\r\n')[0]!}\r\n`;
    expect(head).toContain('\r\nList-Unsubscribe: <https://baton.example.com/u/t>, <mailto:u@baton.example.com>\r\n');
    expect(head).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
  });
});
