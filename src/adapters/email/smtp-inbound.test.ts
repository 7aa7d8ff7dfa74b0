import net from 'node:net';
import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundSink } from '../../app/mail-ports.ts';
import { ConfigError } from '../../domain/errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { domainOf, startInboundSmtp, startsWithHeaderField, type InboundSmtp, type InboundSmtpOptions } from './smtp-inbound.ts';

interface Stored {
  readonly raw: Buffer;
  readonly meta: Parameters<InboundSink>[1];
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A sink that records what it stored; `fail` makes the next calls throw instead. */
function recordingSink(): { sink: InboundSink; stored: Stored[]; failNext: (times: number) => void; hold: (gate: Promise<void>) => void } {
  const stored: Stored[] = [];
  let failures = 0;
  let gate: Promise<void> | undefined;
  const sink: InboundSink = async (raw, meta) => {
    if (gate) await gate;
    if (failures > 0) {
      failures -= 1;
      throw new Error('database unavailable');
    }
    stored.push({ raw, meta });
    return { id: `in-${stored.length}`, duplicate: false };
  };
  return { sink, stored, failNext: (times) => (failures = times), hold: (g) => (gate = g) };
}

async function start(overrides: Partial<InboundSmtpOptions> & Pick<InboundSmtpOptions, 'sink'>): Promise<InboundSmtp> {
  const server = await startInboundSmtp({
    host: '127.0.0.1',
    port: 0,
    domains: ['Replies.Example.com'],
    maxBytes: 64 * 1024,
    logger: silentLogger(),
    ...overrides,
  });
  cleanup.push(() => server.close());
  return server;
}

/** A line-level SMTP client on a raw socket: each `send` resolves with the server's complete reply. */
async function dialogue(port: number): Promise<{ greeting: string; send(text: string): Promise<string>; destroy(): void }> {
  const socket = net.connect(port, '127.0.0.1');
  cleanup.push(() => void socket.destroy());
  let buffer = '';
  const replies: string[] = [];
  const waiting: Array<(reply: string) => void> = [];
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    // A reply ends with the line whose code is followed by a space (RFC 5321 section 4.2.1).
    for (let m = /^(?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n/.exec(buffer); m; m = /^(?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n/.exec(buffer)) {
      buffer = buffer.slice(m[0].length);
      const reply = m[0].trimEnd();
      const next = waiting.shift();
      if (next) next(reply);
      else replies.push(reply);
    }
  });
  const reply = (): Promise<string> => {
    const ready = replies.shift();
    return ready !== undefined ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
  };
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const greeting = await reply();
  return {
    greeting,
    send(text: string): Promise<string> {
      socket.write(text.endsWith('\r\n') ? text : `${text}\r\n`);
      return reply();
    },
    destroy: () => void socket.destroy(),
  };
}

const message = (subject: string, body = 'Thanks, call me Tuesday.'): Buffer =>
  Buffer.from(`From: Lead <lead@acme.example>\r\nTo: reply+tok1@replies.example.com\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@acme.example>\r\n\r\n${body}\r\n`, 'latin1');

/** Dot-stuffs a message for DATA (RFC 5321 section 4.5.2) and appends the terminator. */
const dataOf = (raw: Buffer): string => `${raw.toString('latin1').replace(/^\./gm, '..')}.\r\n`;

describe('startInboundSmtp', () => {
  it('greets as Baton and offers SIZE, but neither AUTH nor STARTTLS', async () => {
    const server = await start({ sink: recordingSink().sink });
    const smtp = await dialogue(server.port);
    expect(smtp.greeting).toMatch(/^220 .* ESMTP Baton inbound mail$/);
    const ehlo = await smtp.send('EHLO mx.acme.example');
    expect(ehlo).toMatch(/^250-/);
    expect(ehlo).toContain(`SIZE ${64 * 1024}`);
    expect(ehlo).not.toMatch(/AUTH|STARTTLS/);
    expect(await smtp.send('QUIT')).toMatch(/^221/);
  });

  it('stores the exact bytes with the envelope, sent by nodemailer, and answers 250 with the stored id', async () => {
    const { sink, stored } = recordingSink();
    const server = await start({ sink });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.port, secure: false, ignoreTLS: true, logger: false });
    cleanup.push(() => transport.close());
    // A line that starts with a dot checks that dot-stuffing is undone, 8-bit bytes that nothing is re-encoded.
    const raw = Buffer.concat([message('Re: intro', '.hidden dot line\r\nCaf\xe9 ok'), Buffer.from('\r\n')]);
    const info = await transport.sendMail({
      envelope: { from: 'lead@acme.example', to: ['reply+tok1@replies.example.com', 'reply+tok2@REPLIES.example.com'] },
      raw,
    });
    expect(info.response).toBe('250 2.0.0 Ok: queued as in-1');
    expect(info.accepted).toHaveLength(2);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.raw.equals(raw)).toBe(true);
    // nodemailer lower-cases the domains it sends; the server passes on what it was given.
    expect(stored[0]!.meta).toEqual({ via: 'smtp', envelopeFrom: 'lead@acme.example', envelopeTo: ['reply+tok1@replies.example.com', 'reply+tok2@replies.example.com'] });
  });

  it('refuses a recipient outside the accepted domains with 550 5.1.2 and keeps the others', async () => {
    const { sink, stored } = recordingSink();
    const server = await start({ sink });
    const smtp = await dialogue(server.port);
    await smtp.send('EHLO mx.acme.example');
    expect(await smtp.send('MAIL FROM:<lead@acme.example>')).toMatch(/^250/);
    expect(await smtp.send('RCPT TO:<someone@elsewhere.example>')).toMatch(/^550 5\.1\.2 /);
    // A subdomain of an accepted domain is a different domain.
    expect(await smtp.send('RCPT TO:<x@sub.replies.example.com>')).toMatch(/^550 5\.1\.2 /);
    // Domains match case-insensitively; the address reaches the sink as given.
    expect(await smtp.send('RCPT TO:<reply+tok1@REPLIES.example.COM>')).toMatch(/^250/);
    expect(await smtp.send('DATA')).toMatch(/^354/);
    expect(await smtp.send(dataOf(message('one')))).toBe('250 2.0.0 Ok: queued as in-1');
    expect(stored.map((s) => s.meta.envelopeTo)).toEqual([['reply+tok1@REPLIES.example.COM']]);
  });

  it('refuses DATA when every recipient was refused', async () => {
    const server = await start({ sink: recordingSink().sink });
    const smtp = await dialogue(server.port);
    await smtp.send('EHLO mx.acme.example');
    await smtp.send('MAIL FROM:<lead@acme.example>');
    expect(await smtp.send('RCPT TO:<someone@elsewhere.example>')).toMatch(/^550/);
    expect(await smtp.send('DATA')).toMatch(/^503/);
  });

  it('refuses an oversized message with 552: announced in MAIL FROM SIZE=, and counted in DATA', async () => {
    const { sink, stored } = recordingSink();
    const server = await start({ sink, maxBytes: 2048 });
    const smtp = await dialogue(server.port);
    await smtp.send('EHLO mx.acme.example');
    expect(await smtp.send('MAIL FROM:<lead@acme.example> SIZE=4096')).toMatch(/^552 /);

    expect(await smtp.send('MAIL FROM:<lead@acme.example>')).toMatch(/^250/);
    await smtp.send('RCPT TO:<reply+tok1@replies.example.com>');
    expect(await smtp.send('DATA')).toMatch(/^354/);
    const big = message('big', `${'x'.repeat(998)}\r\n`.repeat(4));
    expect(await smtp.send(dataOf(big))).toMatch(/^552 5\.3\.4 /);
    expect(stored).toHaveLength(0);

    // The session goes on: a message within the limit still gets through.
    await smtp.send('MAIL FROM:<lead@acme.example>');
    await smtp.send('RCPT TO:<reply+tok1@replies.example.com>');
    await smtp.send('DATA');
    expect(await smtp.send(dataOf(message('small')))).toMatch(/^250 /);
    expect(stored).toHaveLength(1);
  });

  it('answers 451 4.3.0 and records nothing when the sink fails, and takes the retry', async () => {
    const { sink, stored, failNext } = recordingSink();
    const server = await start({ sink });
    const smtp = await dialogue(server.port);
    await smtp.send('EHLO mx.acme.example');
    failNext(1);
    await smtp.send('MAIL FROM:<lead@acme.example>');
    await smtp.send('RCPT TO:<reply+tok1@replies.example.com>');
    await smtp.send('DATA');
    const refused = await smtp.send(dataOf(message('retry me')));
    expect(refused).toMatch(/^451 4\.3\.0 /);
    // The remote sender learns nothing about the internal failure.
    expect(refused).not.toContain('database');
    expect(stored).toHaveLength(0);

    await smtp.send('MAIL FROM:<lead@acme.example>');
    await smtp.send('RCPT TO:<reply+tok1@replies.example.com>');
    await smtp.send('DATA');
    expect(await smtp.send(dataOf(message('retry me')))).toMatch(/^250 /);
    expect(stored.map((s) => s.raw.equals(message('retry me')))).toEqual([true]);
  });

  it('reports a sink failure to nodemailer as a transient 451', async () => {
    const { sink, failNext } = recordingSink();
    const server = await start({ sink });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.port, secure: false, ignoreTLS: true, logger: false });
    cleanup.push(() => transport.close());
    failNext(1);
    const err = await transport.sendMail({ envelope: { from: 'a@acme.example', to: ['reply+t@replies.example.com'] }, raw: message('x') }).catch((e: unknown) => e);
    expect(err).toMatchObject({ responseCode: 451 });
  });

  it('answers DATA only once the sink has resolved', async () => {
    const { sink, stored, hold } = recordingSink();
    let release = (): void => undefined;
    hold(new Promise<void>((resolve) => (release = resolve)));
    const server = await start({ sink });
    const smtp = await dialogue(server.port);
    await smtp.send('EHLO mx.acme.example');
    await smtp.send('MAIL FROM:<lead@acme.example>');
    await smtp.send('RCPT TO:<reply+tok1@replies.example.com>');
    await smtp.send('DATA');
    let answered = '';
    const pending = smtp.send(dataOf(message('held'))).then((r) => (answered = r));
    await new Promise((r) => setTimeout(r, 150));
    expect(answered).toBe('');
    expect(stored).toHaveLength(0);
    release();
    await pending;
    expect(answered).toMatch(/^250 /);
    expect(stored).toHaveLength(1);
  });

  it('refuses an empty message and one without a header section with 554 5.6.0', async () => {
    const { sink, stored } = recordingSink();
    const server = await start({ sink });
    const smtp = await dialogue(server.port);
    await smtp.send('EHLO mx.acme.example');
    for (const body of ['', 'just a body line\r\n', '\r\nSubject: after an empty line\r\n']) {
      await smtp.send('MAIL FROM:<lead@acme.example>');
      await smtp.send('RCPT TO:<reply+tok1@replies.example.com>');
      expect(await smtp.send('DATA')).toMatch(/^354/);
      expect(await smtp.send(`${body}.\r\n`)).toMatch(/^554 5\.6\.0 /);
    }
    expect(stored).toHaveLength(0);
  });

  it('stores nothing when the sender hangs up in the middle of DATA, and keeps serving', async () => {
    const { sink, stored } = recordingSink();
    const server = await start({ sink });
    const smtp = await dialogue(server.port);
    await smtp.send('EHLO mx.acme.example');
    await smtp.send('MAIL FROM:<lead@acme.example>');
    await smtp.send('RCPT TO:<reply+tok1@replies.example.com>');
    await smtp.send('DATA');
    void smtp.send('Subject: half\r\n\r\nbody without the final dot\r\n');
    await new Promise((r) => setTimeout(r, 50));
    smtp.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(stored).toHaveLength(0);
    const next = await dialogue(server.port);
    expect(await next.send('EHLO mx.acme.example')).toMatch(/^250/);
  });

  it('keeps the null sender of a bounce as an empty envelopeFrom', async () => {
    const { sink, stored } = recordingSink();
    const server = await start({ sink });
    const smtp = await dialogue(server.port);
    await smtp.send('EHLO mx.acme.example');
    expect(await smtp.send('MAIL FROM:<>')).toMatch(/^250/);
    await smtp.send('RCPT TO:<reply+tok1@replies.example.com>');
    await smtp.send('DATA');
    expect(await smtp.send(dataOf(message('bounce')))).toMatch(/^250 /);
    expect(stored[0]!.meta.envelopeFrom).toBe('');
  });

  it('ends a connection after 100 messages with 421, and the sender reconnects', async () => {
    const { sink, stored } = recordingSink();
    const server = await start({ sink });
    const smtp = await dialogue(server.port);
    await smtp.send('EHLO mx.acme.example');
    for (let n = 1; n <= 100; n += 1) {
      await smtp.send('MAIL FROM:<lead@acme.example>');
      await smtp.send('RCPT TO:<reply+tok1@replies.example.com>');
      await smtp.send('DATA');
      expect(await smtp.send(dataOf(message(`m${n}`)))).toMatch(/^250 /);
    }
    expect(await smtp.send('MAIL FROM:<lead@acme.example>')).toMatch(/^421 4\.7\.0 /);
    expect(stored).toHaveLength(100);
    const again = await dialogue(server.port);
    await again.send('EHLO mx.acme.example');
    expect(await again.send('MAIL FROM:<lead@acme.example>')).toMatch(/^250/);
  });

  it('logs domains, never addresses', async () => {
    const lines: string[] = [];
    const logger: Logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const { sink, failNext } = recordingSink();
    const server = await start({ sink, logger, maxBytes: 1024 });
    const smtp = await dialogue(server.port);
    await smtp.send('EHLO mx.acme.example');
    await smtp.send('MAIL FROM:<lead.person@acme.example>');
    await smtp.send('RCPT TO:<secret.person@elsewhere.example>');
    await smtp.send('RCPT TO:<reply+tok1@replies.example.com>');
    await smtp.send('DATA');
    await smtp.send(dataOf(message('logged')));
    failNext(1);
    await smtp.send('MAIL FROM:<lead.person@acme.example>');
    await smtp.send('RCPT TO:<reply+tok1@replies.example.com>');
    await smtp.send('DATA');
    await smtp.send(dataOf(message('failed')));
    await smtp.send('MAIL FROM:<lead.person@acme.example>');
    await smtp.send('RCPT TO:<reply+tok1@replies.example.com>');
    await smtp.send('DATA');
    await smtp.send(dataOf(message('big', 'y'.repeat(2000))));
    const log = lines.join('');
    expect(log).toContain('"event":"message_stored"');
    expect(log).toContain('"event":"message_not_stored"');
    expect(log).toContain('"event":"message_too_big"');
    expect(log).toContain('"rcptDomain":"elsewhere.example"');
    expect(log).toContain('"fromDomain":"acme.example"');
    expect(log).toContain('"toDomains":["replies.example.com"]');
    for (const secret of ['lead.person', 'secret.person', 'reply+tok1', 'Thanks, call me']) expect(log).not.toContain(secret);
  });

  it('refuses to start without an accepted domain, and reports a port in use', async () => {
    await expect(startInboundSmtp({ host: '127.0.0.1', port: 0, domains: [' '], maxBytes: 1024, sink: recordingSink().sink, logger: silentLogger() })).rejects.toBeInstanceOf(ConfigError);
    const first = await start({ sink: recordingSink().sink });
    await expect(start({ sink: recordingSink().sink, port: first.port })).rejects.toMatchObject({ code: 'SMTP_LISTEN_FAILED' });
  });

  it('closes once, however often close() is called', async () => {
    const server = await start({ sink: recordingSink().sink });
    await Promise.all([server.close(), server.close()]);
    await server.close();
    await expect(new Promise((resolve, reject) => net.connect(server.port, '127.0.0.1').once('connect', resolve).once('error', reject))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('helpers', () => {
  it('domainOf takes the part after the last @, lower-cased, without the root dot', () => {
    expect(domainOf('Reply+x@Replies.Example.COM.')).toBe('replies.example.com');
    expect(domainOf('"a@b"@example.com')).toBe('example.com');
    expect(domainOf('postmaster')).toBe('');
  });

  it('startsWithHeaderField wants a field name and a colon on the first line', () => {
    expect(startsWithHeaderField(Buffer.from('Received: from x\r\n'))).toBe(true);
    expect(startsWithHeaderField(Buffer.from('X-Odd-Name : y\r\n'))).toBe(true);
    expect(startsWithHeaderField(Buffer.from(''))).toBe(false);
    expect(startsWithHeaderField(Buffer.from(' folded: no\r\n'))).toBe(false);
    expect(startsWithHeaderField(Buffer.from('From nobody Mon Jan 1\r\n'))).toBe(false);
  });
});
