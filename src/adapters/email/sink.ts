import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

/**
 * A real SMTP peer on loopback that keeps what it is sent: the embedded default when no SMTP server
 * is configured, and the far end for the simulator, tests and benchmarks. Transport only: it parses
 * nothing but the Message-ID.
 */

/** One message the sink accepted. */
export interface SinkMessage {
  readonly raw: Buffer;
  /** MAIL FROM, '' for the null sender. */
  readonly envelopeFrom: string;
  /** The accepted RCPT TO addresses. */
  readonly envelopeTo: readonly string[];
  /** The Message-ID header with angle brackets, '' when the message has none. */
  readonly messageId: string;
  readonly receivedAt: Date;
}

/** A scripted SMTP reply, e.g. `{ code: 550, message: '5.1.1 user unknown' }`. */
export interface SinkReply {
  readonly code: number;
  readonly message: string;
}

/** Options of `startSmtpSink`. */
export interface SmtpSinkOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Also write each accepted message to `<dir>/<timestamp>-<n>.eml`. */
  readonly dir?: string;
  /** Called for each accepted message before the sender gets its 250; a rejection answers 451 instead. */
  readonly onMessage?: (message: SinkMessage) => void | Promise<void>;
  /** Test hook: the final reply to DATA waits for this (a slow or hung server). */
  readonly hold?: (message: SinkMessage) => Promise<void>;
  /** Scripted refusal of one recipient at RCPT TO; null accepts it. */
  readonly reject?: (recipient: string) => SinkReply | null;
  /** Largest message in bytes; default 25 MiB. Larger ones get 552. */
  readonly maxBytes?: number;
  /** How long close() lets open sessions finish before cutting them, in milliseconds; default 1000. */
  readonly closeTimeoutMs?: number;
}

/** A running sink. */
export interface SmtpSink {
  readonly host: string;
  readonly port: number;
  /** smtp://host:port, ready for createSmtpMailer. */
  readonly url: string;
  /** Every accepted message, in the order the 250 went out. */
  readonly messages: SinkMessage[];
  close(): Promise<void>;
}

/** Start the sink; resolves once it listens. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  const maxBytes = options.maxBytes ?? 25 * 1024 * 1024;
  const messages: SinkMessage[] = [];
  let written = 0;
  if (options.dir !== undefined) await mkdir(options.dir, { recursive: true });

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // A sender configured with credentials still gets through: any user and password is taken.
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'sink' });
    },
    disableReverseLookup: true,
    logger: false,
    size: maxBytes,
    closeTimeout: options.closeTimeoutMs ?? 1000,
    // The sink serves one sender that may pipeline many messages over few connections.
    maxAllowedUnauthenticatedCommands: false,
    onRcptTo(address, _session, callback) {
      const reply = options.reject?.(address.address) ?? null;
      callback(reply ? smtpError(reply) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= maxBytes) chunks.push(chunk);
      });
      stream.on('error', (e: Error) => callback(e));
      stream.on('end', () => {
        if (stream.sizeExceeded || bytes > maxBytes) {
          callback(smtpError({ code: 552, message: `message exceeds the ${maxBytes}-byte limit` }));
          return;
        }
        const raw = Buffer.concat(chunks);
        const message: SinkMessage = {
          raw,
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          messageId: messageIdOf(raw),
          receivedAt: new Date(),
        };
        accept(message).then(
          () => callback(null, `Ok: queued as ${messages.length}`),
          (e: unknown) => callback(smtpError({ code: 451, message: `the sink could not keep the message: ${e instanceof Error ? e.message : String(e)}` })),
        );
      });
    },
  });

  async function accept(message: SinkMessage): Promise<void> {
    if (options.hold) await options.hold(message);
    if (options.onMessage) await options.onMessage(message);
    if (options.dir !== undefined) {
      written += 1;
      const name = `${message.receivedAt.toISOString().replace(/[-:.]/g, '')}-${written}.eml`;
      // Written under a dot name and renamed, so a reader of the directory never sees half a file.
      const tmp = path.join(options.dir, `.${name}.tmp`);
      await writeFile(tmp, message.raw);
      await rename(tmp, path.join(options.dir, name));
    }
    messages.push(message);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Errors of single client connections (a peer that hangs up) must not crash the process.
  server.on('error', () => undefined);
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    url: `smtp://${urlHost}:${port}`,
    messages,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
}

function smtpError(reply: SinkReply): SMTPServerError {
  const err: SMTPServerError = new Error(reply.message);
  err.responseCode = reply.code;
  return err;
}

/** The Message-ID from the header block, unfolded; '' when there is none. */
export function messageIdOf(raw: Buffer): string {
  // The header block ends at the first empty line; senders that use bare LF end it with LF LF.
  const ends = [raw.indexOf('\r\n\r\n'), raw.indexOf('\n\n')].filter((i) => i !== -1);
  const head = raw.subarray(0, ends.length > 0 ? Math.min(...ends) : raw.length).toString('latin1');
  const m = /^message-id[ \t]*:((?:[^\r\n]*)(?:\r?\n[ \t][^\r\n]*)*)/im.exec(head);
  if (!m) return '';
  const value = (m[1] ?? '').replace(/\r?\n/g, '').trim();
  const bracketed = /<[^<>\s]+>/.exec(value);
  return bracketed ? bracketed[0] : value;
}
