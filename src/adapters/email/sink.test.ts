import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mailer, OutboundEmail } from '../../app/mail-ports.ts';
import { MailSendError } from '../../domain/errors.ts';
import { createSmtpMailer } from './mailer.ts';
import { messageIdOf, startSmtpSink, type SmtpSink, type SmtpSinkOptions } from './sink.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

async function pair(options?: SmtpSinkOptions, mailerOptions: { pool?: boolean } = {}): Promise<{ sink: SmtpSink; mailer: Mailer }> {
  const sink = await startSmtpSink(options);
  const mailer = createSmtpMailer({ url: sink.url, ...mailerOptions });
  cleanup.push(async () => {
    await mailer.close();
    await sink.close();
  });
  return { sink, mailer };
}

const email = (n: number): OutboundEmail => ({
  from: 'ada@baton.example.com',
  to: 'lead@acme.example',
  replyTo: 'reply+t@replies.baton.example.com',
  subject: `hello ${n}`,
  text: 'body',
  messageId: `<sink-${n}@baton.example.com>`,
  listUnsubscribe: { url: 'https://baton.example.com/u/t', mailto: 'mailto:u@baton.example.com' },
});

describe('startSmtpSink', () => {
  it('listens on loopback and names itself by URL', async () => {
    const { sink } = await pair();
    expect(sink.host).toBe('127.0.0.1');
    expect(sink.port).toBeGreaterThan(0);
    expect(sink.url).toBe(`smtp://127.0.0.1:${sink.port}`);
  });

  it('writes each accepted message to the directory whole, with no temporary file left', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'baton-sink-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const { sink, mailer } = await pair({ dir });
    await mailer.send(email(1));
    await mailer.send(email(2));
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^\d{8}T\d{9}Z-\d+\.eml$/);
    const contents = await Promise.all(files.map((f) => readFile(path.join(dir, f))));
    expect(contents.map((c) => messageIdOf(c)).sort()).toEqual(['<sink-1@baton.example.com>', '<sink-2@baton.example.com>']);
    expect(contents.map((c) => c.equals(sink.messages.find((m) => m.messageId === messageIdOf(c))!.raw))).toEqual([true, true]);
  });

  it('answers 451 and keeps nothing when onMessage fails, and calls it once per accepted message', async () => {
    const seen: string[] = [];
    const { sink, mailer } = await pair({
      onMessage: (m) => {
        if (m.messageId === '<sink-2@baton.example.com>') throw new Error('disk full');
        seen.push(m.messageId);
      },
    });
    await mailer.send(email(1));
    const err = await mailer.send(email(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailSendError);
    expect((err as MailSendError).transient).toBe(true);
    expect((err as MailSendError).responseCode).toBe(451);
    expect(seen).toEqual(['<sink-1@baton.example.com>']);
    expect(sink.messages.map((m) => m.messageId)).toEqual(['<sink-1@baton.example.com>']);
  });

  it('records a held message only once the hold ends', async () => {
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { sink, mailer } = await pair({ hold: () => held });
    const sending = mailer.send(email(1));
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.messages).toHaveLength(0);
    release();
    await sending;
    expect(sink.messages).toHaveLength(1);
  });

  it('refuses a message over the size limit with a permanent 552', async () => {
    const { sink, mailer } = await pair({ maxBytes: 2000 }, { pool: false });
    const err = await mailer.send({ ...email(1), text: 'x'.repeat(5000) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailSendError);
    expect((err as MailSendError).transient).toBe(false);
    expect((err as MailSendError).responseCode).toBe(552);
    expect(sink.messages).toHaveLength(0);
  });

  it('accepts a sender that logs in, whatever the credentials', async () => {
    const sink = await startSmtpSink();
    const mailer = createSmtpMailer({ url: `smtp://user:secret@127.0.0.1:${sink.port}` });
    cleanup.push(async () => {
      await mailer.close();
      await sink.close();
    });
    await mailer.send(email(1));
    expect(sink.messages).toHaveLength(1);
  });

  it('closes promptly even while a pooled connection stays open', async () => {
    const sink = await startSmtpSink({ closeTimeoutMs: 200 });
    const mailer = createSmtpMailer({ url: sink.url });
    await mailer.send(email(1));
    const started = Date.now();
    await sink.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await mailer.close();
  });
});

describe('messageIdOf', () => {
  it('reads a folded Message-ID from the header block only', () => {
    const raw = Buffer.from('Subject: x\r\nMessage-ID:\r\n <a.b@c.example>\r\n\r\nMessage-ID: <body@x>\r\n');
    expect(messageIdOf(raw)).toBe('<a.b@c.example>');
    expect(messageIdOf(Buffer.from('Subject: x\n\nMessage-ID: <body@x>\n'))).toBe('');
  });
});
