import { describe, expect, it } from 'vitest';
import { inspectMailFiles, inspectRaw, toInspectLine, type InspectFailure } from './inspect-mail.ts';

/** Hand-written messages in the shapes real MTAs and clients send; the shared corpus is measured in evals/mail. */
const NOW = new Date('2024-03-05T09:00:00Z');
const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

const dsn = crlf([
  'Return-Path: <>',
  'From: Mail Delivery System <MAILER-DAEMON@mx.baton.example>',
  'To: sdr@baton.example',
  'Subject: Undelivered Mail Returned to Sender',
  'Date: Tue, 05 Mar 2024 08:00:00 +0000',
  'Auto-Submitted: auto-replied',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'This is the mail system at host mx.baton.example.',
  '',
  '<nobody@acme.example>: host mx.acme.example[192.0.2.1] said: 550 5.1.1',
  '    <nobody@acme.example>: Recipient address rejected: User unknown (in reply to',
  '    RCPT TO command)',
  '',
  '--b1',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.baton.example',
  '',
  'Final-Recipient: rfc822; nobody@acme.example',
  'Original-Recipient: rfc822;nobody@acme.example',
  'Action: failed',
  'Status: 5.1.1',
  'Remote-MTA: dns; mx.acme.example',
  'Diagnostic-Code: smtp; 550 5.1.1 <nobody@acme.example>: Recipient address',
  '    rejected: User unknown',
  '',
  '--b1',
  'Content-Type: text/rfc822-headers',
  '',
  'From: sdr@baton.example',
  'To: nobody@acme.example',
  'Subject: Quick question',
  '',
  '--b1--',
  '',
]);

const softDsn = crlf([
  'From: MAILER-DAEMON@mx.baton.example',
  'To: sdr@baton.example',
  'Subject: Delivery Status Notification (Delay)',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="b2"',
  '',
  '--b2',
  'Content-Type: text/plain',
  '',
  'Delivery is delayed.',
  '--b2',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.baton.example',
  '',
  'Final-Recipient: rfc822; full@acme.example',
  'Action: delayed',
  'Status: 4.2.2',
  'Diagnostic-Code: smtp; 452 4.2.2 Mailbox full',
  '--b2--',
  '',
]);

const arf = crlf([
  'From: feedback@arf.mail.example',
  'To: abuse@baton.example',
  'Subject: FW: Quick question',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=feedback-report; boundary="b3"',
  '',
  '--b3',
  'Content-Type: text/plain',
  '',
  'This is an email abuse report for an email message received from 192.0.2.9.',
  '--b3',
  'Content-Type: message/feedback-report',
  '',
  'Feedback-Type: abuse',
  'User-Agent: SomeGenerator/1.0',
  'Version: 1',
  'Original-Rcpt-To: <angry@acme.example>',
  '',
  '--b3',
  'Content-Type: message/rfc822',
  '',
  'From: sdr@baton.example',
  'To: angry@acme.example',
  'Subject: Quick question',
  '',
  'Hello',
  '--b3--',
  '',
]);

const outOfOffice = crlf([
  'From: Jane Doe <jane@acme.example>',
  'To: sdr@baton.example',
  'Subject: Automatic reply: Quick question',
  'Date: Tue, 05 Mar 2024 08:00:00 +0000',
  'Auto-Submitted: auto-replied',
  'X-Auto-Response-Suppress: All',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Thank you for your message. I am out of the office with limited access to email.',
  'I will be back on Monday, March 11 and will reply then.',
  '',
]);

const chineseAutoReply = crlf([
  'From: =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>',
  'To: sdr@baton.example',
  'Subject: =?UTF-8?B?6Ieq5Yqo5Zue5aSNOiBRdWljayBxdWVzdGlvbg==?=',
  'Date: Tue, 05 Mar 2024 08:00:00 +0800',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('您好，我正在休假，将于3月18日返回办公室，届时回复您的邮件。', 'utf8').toString('base64'),
  '',
]);

const gmailReply = crlf([
  'From: Lead Person <lead@acme.example>',
  'To: SDR <sdr@baton.example>',
  'Subject: Re: Quick question',
  'Date: Tue, 05 Mar 2024 08:00:00 +0000',
  'In-Reply-To: <seq-1@baton.example>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b4"',
  '',
  '--b4',
  'Content-Type: text/plain; charset="UTF-8"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Sounds good, can we talk next Tuesday? We have budget for Q2.',
  '',
  'On Mon, Mar 4, 2024 at 10:00 AM SDR <sdr@baton.example> wrote:',
  '',
  '> Hi Lead, would you be open to a quick call about delivery failures=3F',
  '> We help teams like yours.',
  '',
  '--b4',
  'Content-Type: text/html; charset="UTF-8"',
  '',
  '<div>Sounds good, can we talk next Tuesday? We have budget for Q2.</div>',
  '--b4--',
  '',
]);

const qqBounce = crlf([
  'From: PostMaster <PostMaster@qq.example>',
  'To: sdr@baton.example',
  'Subject: =?UTF-8?B?6YCA5L+h?=',
  'Date: Tue, 05 Mar 2024 08:00:00 +0800',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from(
    ['很抱歉您发送的邮件被退回，以下是该邮件的相关信息：', '', '收件人地址: wuming@example.cn', '退信原因: 收件人不存在', '对方服务器返回: 550 Mailbox not found', ''].join('\n'),
    'utf8',
  ).toString('base64'),
  '',
]);

const neteaseFullBounce = crlf([
  'From: Postmaster@163.example',
  'To: sdr@baton.example',
  'Subject: =?UTF-8?B?57O757uf6YCA5L+h?=',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  '抱歉，您发送到 full@example.cn 的邮件无法送达。',
  '失败原因：对方邮箱空间已满',
  '',
]);

const brokenMime = Buffer.from('\u0000\u0001\u0002 this is not a mail message at all\nno headers here\n', 'utf8');

describe('inspectRaw on hand-written messages', () => {
  it('reads an RFC 3464 DSN: hard bounce, status and recipient from the report', async () => {
    const line = toInspectLine('dsn.eml', await inspectRaw(dsn, NOW));
    expect(line).toMatchObject({ kind: 'bounce', bounce: { hard: true, status: '5.1.1', recipient: 'nobody@acme.example' }, return_date: null });
    expect(line.visible_text).toContain('This is the mail system');
  });

  it('calls a delayed, mailbox-full DSN a soft bounce', async () => {
    const v = await inspectRaw(softDsn, NOW);
    expect(v.kind).toBe('bounce');
    expect(v.bounce).toMatchObject({ hard: false, status: '4.2.2', recipient: 'full@acme.example', reason: 'mailboxfull' });
  });

  it('reads an RFC 5965 ARF report as a complaint about the original recipient', async () => {
    const v = await inspectRaw(arf, NOW);
    expect(v.kind).toBe('complaint');
    expect(v.bounce).toBeNull();
    expect(v.complainant).toBe('angry@acme.example');
  });

  it('reads an RFC 3834 auto-reply and the return date it states', async () => {
    const line = toInspectLine('ooo.eml', await inspectRaw(outOfOffice, NOW));
    expect(line).toMatchObject({ kind: 'auto_reply', bounce: null, return_date: '2024-03-11' });
  });

  it('reads a Chinese 自动回复 and its return date', async () => {
    const line = toInspectLine('zh.eml', await inspectRaw(chineseAutoReply, NOW));
    expect(line).toMatchObject({ kind: 'auto_reply', return_date: '2024-03-18' });
    expect(line.visible_text).toContain('休假');
  });

  it('reads a Gmail reply and keeps only what the lead wrote', async () => {
    const line = toInspectLine('reply.eml', await inspectRaw(gmailReply, NOW));
    expect(line).toMatchObject({ kind: 'reply', bounce: null, return_date: null });
    expect(line.visible_text).toBe('Sounds good, can we talk next Tuesday? We have budget for Q2.');
  });

  it('reads Chinese provider bounces (退信, 系统退信): recipient, reason and hard/soft', async () => {
    expect((await inspectRaw(qqBounce, NOW)).bounce).toMatchObject({ hard: true, recipient: 'wuming@example.cn', reason: 'userunknown', status: '5.0.911' });
    expect((await inspectRaw(neteaseFullBounce, NOW)).bounce).toMatchObject({ hard: false, recipient: 'full@example.cn', reason: 'mailboxfull', status: '5.0.922' });
  });

  it('rejects broken MIME with a clear, coded error', async () => {
    await expect(inspectRaw(brokenMime, NOW)).rejects.toMatchObject({ code: 'MAIL_UNPARSEABLE', message: expect.stringContaining('not a readable email message') });
    await expect(inspectRaw(Buffer.alloc(0), NOW)).rejects.toMatchObject({ code: 'MAIL_UNPARSEABLE' });
    const noBoundary = crlf(['From: a@b.example', 'Subject: x', 'Content-Type: multipart/mixed', '', 'body', '']);
    await expect(inspectRaw(noBoundary, NOW)).rejects.toMatchObject({ code: 'MAIL_UNPARSEABLE', message: expect.stringContaining('boundary') });
  });
});

describe('inspectMailFiles', () => {
  it('reports each file, and a failure line for a file it cannot read or parse, without stopping', async () => {
    const files: Record<string, Buffer> = { 'a.eml': dsn, 'b.eml': brokenMime, 'd.eml': gmailReply };
    const readFile = async (path: string): Promise<Buffer> => {
      const raw = files[path];
      if (!raw) throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
      return raw;
    };
    const out = [];
    for await (const r of inspectMailFiles(['a.eml', 'b.eml', 'c.eml', 'd.eml'], { readFile, now: () => NOW })) out.push(r);
    expect(out.map((r) => ('error' in r ? `error:${r.code}` : r.line.kind))).toEqual(['bounce', 'error:MAIL_UNPARSEABLE', 'error:MAIL_UNREADABLE', 'reply']);
    expect((out[2] as InspectFailure).error).toBe('cannot read c.eml: no such file');
  });
});
