import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mailer, OutboundEmail } from '../../app/mail-ports.ts';
import { ConfigError, MailSendError } from '../../domain/errors.ts';
import { connectionFromUrl, createSmtpMailer, toMailSendError } from './mailer.ts';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from './sink.ts';

const open: Array<Mailer | SmtpSink> = [];
afterEach(async () => {
  // Mailers first, so their pooled connections end with QUIT before the sinks stop.
  const all = open.splice(0);
  for (const m of all.filter((x): x is Mailer => 'send' in x)) await m.close();
  for (const s of all.filter((x): x is SmtpSink => 'messages' in x)) await s.close();
});

async function sink(options?: SmtpSinkOptions): Promise<SmtpSink> {
  const s = await startSmtpSink(options);
  open.push(s);
  return s;
}

function mailer(options: Parameters<typeof createSmtpMailer>[0]): Mailer {
  const m = createSmtpMailer(options);
  open.push(m);
  return m;
}

// Longer than a 76-character line, so nodemailer has a reason to fold the List-Unsubscribe header.
const UNSUB_URL = 'https://baton.example.com/u/0193f6a2-7c1e-7d2a-9b1e-3f4d5c6b7a89?sig=Zm9vYmFyYmF6cXV4cXV1eA';
const UNSUB_MAILTO = 'mailto:unsubscribe+0193f6a2@replies.baton.example.com?subject=unsubscribe';

function email(overrides: Partial<OutboundEmail> = {}): OutboundEmail {
  return {
    from: '"Ada from Baton" <ada@baton.example.com>',
    to: 'li.wei@acme.example',
    replyTo: 'reply+tok123@replies.baton.example.com',
    subject: '关于贵公司的销售流程 – quick question',
    text: '您好，李先生：\n\n我们可以下周聊聊吗？\n\nAda',
    messageId: '<0193f6a2-0002@baton.example.com>',
    inReplyTo: '<0193f6a2-0001@baton.example.com>',
    references: ['<0193f6a2-0000@baton.example.com>', '<0193f6a2-0001@baton.example.com>'],
    listUnsubscribe: { url: UNSUB_URL, mailto: UNSUB_MAILTO },
    headers: { 'X-Baton-Enrolment': 'enr_42', 'Message-ID': '<spoofed@example.com>' },
    ...overrides,
  };
}

/** The raw header block, as the receiving server got it. */
function headBlock(raw: Buffer): string {
  const s = raw.toString('latin1');
  return s.slice(0, s.indexOf('\r\n\r\n') + 2);
}

describe('createSmtpMailer over loopback SMTP', () => {
  it('delivers our Message-ID, threading, Reply-To, one List-Unsubscribe and an unfolded List-Unsubscribe-Post', async () => {
    const s = await sink();
    const m = mailer({ url: s.url });
    const receipt = await m.send(email());

    expect(receipt.messageId).toBe('<0193f6a2-0002@baton.example.com>');
    expect(receipt.accepted).toEqual(['li.wei@acme.example']);
    expect(receipt.response).toMatch(/^250 /);
    expect(s.messages).toHaveLength(1);
    const got = s.messages[0]!;
    expect(got.envelopeFrom).toBe('ada@baton.example.com');
    expect(got.envelopeTo).toEqual(['li.wei@acme.example']);
    expect(got.messageId).toBe('<0193f6a2-0002@baton.example.com>');

    const parsed = await simpleParser(got.raw);
    expect(parsed.messageId).toBe('<0193f6a2-0002@baton.example.com>');
    expect(parsed.inReplyTo).toBe('<0193f6a2-0001@baton.example.com>');
    expect(parsed.references).toEqual(['<0193f6a2-0000@baton.example.com>', '<0193f6a2-0001@baton.example.com>']);
    expect(parsed.replyTo?.value[0]?.address).toBe('reply+tok123@replies.baton.example.com');
    expect(parsed.subject).toBe('关于贵公司的销售流程 – quick question');
    expect(parsed.text?.trim()).toBe('您好，李先生：\n\n我们可以下周聊聊吗？\n\nAda');
    expect(parsed.headers.get('x-baton-enrolment')).toBe('enr_42');

    const unsub = parsed.headerLines.filter((h) => h.key === 'list-unsubscribe');
    expect(unsub).toHaveLength(1);
    expect(unsub[0]!.line).toContain(`<${UNSUB_URL}>`);
    expect(unsub[0]!.line).toContain(`<${UNSUB_MAILTO}>`);
    const list = parsed.headers.get('list') as { unsubscribe?: { url?: string; mail?: string } };
    expect(list.unsubscribe?.url).toBe(UNSUB_URL);

    const head = headBlock(got.raw);
    // RFC 8058: exactly this value, on one line (a continuation line would start with a space or tab).
    expect(head).toMatch(/\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n(?![ \t])/);
    expect(head.match(/^List-Unsubscribe-Post:/gim)).toHaveLength(1);
    expect(head.match(/^List-Unsubscribe:/gim)).toHaveLength(1);
    // A header of the caller cannot replace ours.
    expect(head.match(/^Message-ID:/gim)).toHaveLength(1);
    expect(head).not.toContain('spoofed');
  });

  it('sends without a pool too, and without threading headers on a first message', async () => {
    const s = await sink();
    const m = mailer({ url: s.url, pool: false });
    const { inReplyTo: _i, references: _r, ...first } = email();
    await m.send({ ...first, html: '<p>您好</p>' });
    const parsed = await simpleParser(s.messages[0]!.raw);
    expect(parsed.inReplyTo).toBeUndefined();
    expect(parsed.references).toBeUndefined();
    expect(parsed.html).toContain('您好');
  });

  it('keeps 50 concurrent sends through the pool, each arriving exactly once', async () => {
    const s = await sink();
    const m = mailer({ url: s.url, maxConnections: 3 });
    const ids = Array.from({ length: 50 }, (_, i) => `<pool-${i}@baton.example.com>`);
    const receipts = await Promise.all(ids.map((messageId) => m.send(email({ messageId }))));
    expect(receipts.map((r) => r.messageId)).toEqual(ids);
    expect(s.messages).toHaveLength(50);
    expect(s.messages.map((x) => x.messageId).sort()).toEqual([...ids].sort());
  });
});

describe('DKIM', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const txt = `v=DKIM1; k=rsa; p=${publicKey.toString('base64')}`;
  const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
    if (rrtype === 'TXT' && name === 'sel1._domainkey.baton.example.com') return [[txt]];
    throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
  };

  async function signedMessage(): Promise<Buffer> {
    const s = await sink();
    const m = mailer({ url: s.url, dkim: { domainName: 'baton.example.com', keySelector: 'sel1', privateKey } });
    await m.send(email());
    return s.messages[0]!.raw;
  }

  it('signs List-Unsubscribe and List-Unsubscribe-Post, and the signature verifies', async () => {
    const raw = await signedMessage();
    const result = await dkimVerify(raw, { resolver });
    expect(result.results).toHaveLength(1);
    expect(result.results[0]!.status.result).toBe('pass');
    expect(result.results[0]!.signingDomain).toBe('baton.example.com');

    const signature = /^DKIM-Signature:((?:.*)(?:\r\n[ \t].*)*)/m.exec(raw.toString('latin1'))?.[1] ?? '';
    const h = (/\bh=([^;]+)/.exec(signature.replace(/\r\n[ \t]/g, ''))?.[1] ?? '').replace(/\s+/g, '').toLowerCase().split(':');
    expect(h).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'message-id', 'reply-to', 'in-reply-to', 'references', 'list-unsubscribe', 'list-unsubscribe-post']));
  });

  it('fails when a signed header is changed on the way', async () => {
    const raw = (await signedMessage()).toString('latin1');
    const otherUrl = raw.replace('https://baton.example.com/u/', 'https://evil.example.net/u/');
    const otherPost = raw.replace('List-Unsubscribe-Post: List-Unsubscribe=One-Click', 'List-Unsubscribe-Post: List-Unsubscribe=Two-Click');
    for (const tampered of [otherUrl, otherPost]) {
      expect(tampered).not.toBe(raw);
      const result = await dkimVerify(Buffer.from(tampered, 'latin1'), { resolver });
      expect(result.results[0]!.status.result).toBe('fail');
    }
  });
});

describe('send errors', () => {
  async function sendError(m: Mailer): Promise<MailSendError> {
    const e: unknown = await m.send(email()).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(MailSendError);
    return e as MailSendError;
  }

  it('a 4xx reply to RCPT is transient', async () => {
    const s = await sink({ reject: () => ({ code: 450, message: '4.2.1 mailbox busy, try later' }) });
    const err = await sendError(mailer({ url: s.url }));
    expect(err.transient).toBe(true);
    expect(err.code).toBe('MAIL_SEND_TRANSIENT');
    expect(err.responseCode).toBe(450);
    expect(s.messages).toHaveLength(0);
  });

  it('a 5xx reply to RCPT is permanent', async () => {
    const s = await sink({ reject: (rcpt) => (rcpt === 'li.wei@acme.example' ? { code: 550, message: '5.1.1 user unknown' } : null) });
    const err = await sendError(mailer({ url: s.url }));
    expect(err.transient).toBe(false);
    expect(err.code).toBe('MAIL_SEND_REJECTED');
    expect(err.responseCode).toBe(550);
    expect(err.message).toContain('5.1.1 user unknown');
  });

  it('a refused connection is transient', async () => {
    const port = await closedPort();
    const err = await sendError(mailer({ url: `smtp://127.0.0.1:${port}`, timeoutMs: 2000 }));
    expect(err.transient).toBe(true);
    expect(err.responseCode).toBeNull();
  });

  it('a server that does not answer DATA in time is transient', async () => {
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const s = await sink({ hold: () => held });
    const err = await sendError(mailer({ url: s.url, pool: false, timeoutMs: 300 }));
    release();
    expect(err.transient).toBe(true);
  });

  it('maps reply codes and error codes by whose fault they are', () => {
    const nm = (props: Record<string, unknown>): Error => Object.assign(new Error('x'), props);
    expect(toMailSendError(nm({ code: 'EENVELOPE', responseCode: 421, command: 'RCPT TO' })).transient).toBe(true);
    expect(toMailSendError(nm({ code: 'EMESSAGE', responseCode: 554, command: 'DATA' })).transient).toBe(false);
    // 503 is a session out of step, not a refusal of the message.
    expect(toMailSendError(nm({ code: 'EPROTOCOL', responseCode: 503 })).transient).toBe(true);
    // A wrong password is our configuration, not the lead's address.
    expect(toMailSendError(nm({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' })).transient).toBe(true);
    // So is a server that turns our connection away at the greeting.
    expect(toMailSendError(nm({ code: 'EPROTOCOL', responseCode: 554, command: 'CONN' })).transient).toBe(true);
    expect(toMailSendError(nm({ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM' })).transient).toBe(false);
    expect(toMailSendError(nm({ code: 'ESOCKET', originalCode: 'ECONNRESET' })).transient).toBe(true);
    expect(toMailSendError(nm({ code: 'EENVELOPE' })).transient).toBe(false);
  });
});

describe('connectionFromUrl', () => {
  it('reads host, port, TLS mode and escaped credentials', () => {
    expect(connectionFromUrl('smtp://mail.example.com')).toEqual({ host: 'mail.example.com', port: 587, secure: false });
    expect(connectionFromUrl('smtps://user%40example.com:p%3Ass@mail.example.com')).toEqual({
      host: 'mail.example.com',
      port: 465,
      secure: true,
      auth: { user: 'user@example.com', pass: 'p:ss' },
    });
    expect(connectionFromUrl('smtp://[::1]:2525')).toMatchObject({ host: '::1', port: 2525 });
  });

  it('says what is wrong without repeating the password', () => {
    expect(() => connectionFromUrl('http://mail.example.com')).toThrow(ConfigError);
    expect(() => connectionFromUrl('smtp//user:hunter2@mail')).toThrow(/smtp:\/\/user:password@host/);
    try {
      connectionFromUrl('smtp//user:hunter2@mail');
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
