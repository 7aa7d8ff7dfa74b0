import { describe, expect, it } from 'vitest';
import { header } from '../../domain/mail/message.ts';
import { parseMail } from './parse.ts';

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1');

describe('parseMail', () => {
  it('decodes headers, keeps the report parts raw and walks into the attached original', async () => {
    const m = await parseMail(
      crlf([
        'From: Mail Delivery System <MAILER-DAEMON@mx.example>',
        'Subject: =?UTF-8?B?6YCA5L+h?= notice',
        'Date: Tue, 05 Mar 2024 08:00:00 +0000',
        'Content-Type: multipart/report; report-type=delivery-status;',
        '\tboundary="outer"',
        '',
        '--outer',
        'Content-Type: text/plain; charset=iso-8859-1',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Caf=E9 delivery failed',
        '--outer',
        'Content-Type: message/delivery-status',
        '',
        'Final-Recipient: rfc822; a@b.example',
        'Status: 5.1.1',
        '--outer',
        'Content-Type: message/rfc822',
        '',
        'From: sdr@baton.example',
        'To: a@b.example',
        'Subject: hi',
        '',
        'hello',
        '--outer--',
        '',
      ]),
    );
    expect(m.subject).toBe('退信 notice');
    expect(m.from).toBe('mailer-daemon@mx.example');
    expect(m.contentType).toBe('multipart/report');
    expect(m.contentTypeParams['report-type']).toBe('delivery-status');
    expect(m.text).toBe('Café delivery failed');
    expect(m.parts.map((p) => `${p.depth}:${p.contentType}`)).toEqual(['0:text/plain', '0:message/delivery-status', '0:message/rfc822', '1:text/plain']);
    expect(m.parts[1]?.body).toContain('Final-Recipient: rfc822; a@b.example');
    expect(m.parts[3]?.body.trim()).toBe('hello');
    expect(header(m.headers, 'content-type')).toContain('boundary="outer"');
  });

  it('decodes 8-bit Japanese text labelled as ISO-2022-JP', async () => {
    const euc = Buffer.from([0xa5, 0xe1, 0xa1, 0xbc, 0xa5, 0xeb]); // "メール" in EUC-JP
    const raw = Buffer.concat([crlf(['From: a@b.example', 'Subject: x', 'Content-Type: text/plain; charset=ISO-2022-JP', '', '']), euc]);
    expect((await parseMail(raw)).text).toBe('メール');
  });

  it('refuses what is not a message, with a coded error', async () => {
    await expect(parseMail(Buffer.from('just some words\nand more words\n'))).rejects.toMatchObject({ code: 'MAIL_UNPARSEABLE' });
  });
});
