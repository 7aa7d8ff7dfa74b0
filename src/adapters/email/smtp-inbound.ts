import { SMTPServer, type SMTPServerAddress, type SMTPServerError, type SMTPServerSession } from 'smtp-server';
import type { InboundSink } from '../../app/mail-ports.ts';
import { BatonError, ConfigError, toBatonError } from '../../domain/errors.ts';
import type { Logger } from '../log.ts';

/**
 * Baton's own MX for the reply domain: the inbound SMTP server that takes replies, bounces and
 * unsubscribe mails addressed to reply+<token>@<reply domain> and hands each raw message to the
 * pipeline. Transport only: it checks the envelope and the size, nothing in the message but that
 * it starts with a header field.
 *
 * The final 250 to DATA goes out only once the sink has stored the message durably. Any failure
 * before that answers 451, so the sending server keeps the message and tries again: mail is never
 * acknowledged and then lost. A retry after a lost 250 is harmless, the pipeline dedupes by digest.
 */

/** Options of `startInboundSmtp`. */
export interface InboundSmtpOptions {
  /** Interface to bind, e.g. 127.0.0.1 or 0.0.0.0. */
  readonly host: string;
  /** Port to listen on; 0 picks a free one (see the returned `port`). */
  readonly port: number;
  /** Recipient domains accepted at RCPT TO (the reply domain), matched case-insensitively; anything else is refused as relaying. */
  readonly domains: readonly string[];
  /** Largest message in bytes, advertised as SIZE; a larger one gets 552. */
  readonly maxBytes: number;
  readonly sink: InboundSink;
  readonly logger: Logger;
}

/** A listening inbound SMTP server. */
export interface InboundSmtp {
  /** The port it listens on (the real one when `port` was 0). */
  readonly port: number;
  /** Stops accepting connections and lets open sessions finish for up to 5 seconds. Safe to call twice. */
  close(): Promise<void>;
}

/** Simultaneous client connections; more are turned away with 421 by smtp-server. */
const MAX_CLIENTS = 50;
/** Messages one connection may send before it must reconnect; keeps one peer from holding a slot forever. */
const MAX_MESSAGES_PER_CONNECTION = 100;
/** RFC 5321 section 4.5.3.1.8: a server must accept at least 100 recipients. */
const MAX_RECIPIENTS = 100;
/** Idle time before a silent client is dropped, in milliseconds. */
const SOCKET_TIMEOUT_MS = 60_000;
/** How long close() lets sessions (and sink calls) in flight finish, in milliseconds. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * Start the server; resolves once it listens. Rejects with a ConfigError for an empty domain list
 * or a bad size, and with a BatonError `SMTP_LISTEN_FAILED` when the port cannot be bound.
 */
export async function startInboundSmtp(options: InboundSmtpOptions): Promise<InboundSmtp> {
  const domains = new Set(options.domains.map(normalizeDomain).filter((d) => d !== ''));
  if (domains.size === 0) throw new ConfigError('the inbound SMTP server was given no domain to accept mail for; set MAIL_REPLY_DOMAIN');
  if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes <= 0) {
    throw new ConfigError(`the inbound SMTP size limit must be a positive whole number of bytes, not ${options.maxBytes}`);
  }
  const { sink, maxBytes } = options;
  const logger = options.logger.child({ component: 'smtp-inbound' });

  const server = new SMTPServer({
    banner: 'Baton inbound mail',
    // A mail exchanger takes mail from anyone for its own domains and needs no AUTH; without TLS
    // configured there is nothing for STARTTLS to offer either.
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    size: maxBytes,
    maxClients: MAX_CLIENTS,
    maxRecipients: MAX_RECIPIENTS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    closeTimeout: CLOSE_TIMEOUT_MS,
    // Enhanced status codes stay unadvertised (the library's default): smtp-server would then pick
    // them from the reply code alone (550 -> 5.1.1, 552 -> 5.2.2), which is wrong for a relay
    // refusal and a size refusal. Our own replies spell the right RFC 3463 code in their text.
    onMailFrom(_address, session, callback) {
      // session.transaction counts MAIL commands on this connection, starting at 1.
      if (session.transaction > MAX_MESSAGES_PER_CONNECTION) {
        callback(smtpError(421, '4.7.0 too many messages on one connection; reconnect and continue'));
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      const domain = domainOf(address.address);
      if (!domains.has(domain)) {
        logger.info({ event: 'rcpt_refused', rcptDomain: domain }, 'refused a recipient outside the accepted domains');
        callback(smtpError(550, '5.1.2 relaying denied: this server only accepts mail for its own domains'));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // Past the limit the rest is only counted, never kept: an oversized message costs no memory.
        if (bytes <= maxBytes) chunks.push(chunk);
      });
      // The sender hung up mid-message: nothing was acknowledged, so nothing is stored; it will resend.
      stream.on('error', () => {
        chunks.length = 0;
        logger.debug({ event: 'message_aborted', bytes }, 'the sender disconnected before the end of the message');
      });
      stream.on('end', () => {
        const envelope = envelopeOf(session);
        const logFields = { fromDomain: envelope.from === '' ? '' : domainOf(envelope.from), toDomains: [...new Set(envelope.to.map(domainOf))], bytes };
        if (stream.sizeExceeded || bytes > maxBytes) {
          logger.warn({ event: 'message_too_big', ...logFields, limit: maxBytes }, 'refused an inbound message over the size limit');
          callback(smtpError(552, `5.3.4 message exceeds the fixed maximum message size of ${maxBytes} bytes`));
          return;
        }
        const raw = Buffer.concat(chunks, bytes);
        if (!startsWithHeaderField(raw)) {
          logger.warn({ event: 'message_malformed', ...logFields }, 'refused an inbound message without a header section');
          callback(smtpError(554, '5.6.0 message refused: it does not begin with a header field (RFC 5322)'));
          return;
        }
        sink(raw, { via: 'smtp', envelopeTo: envelope.to, envelopeFrom: envelope.from }).then(
          (stored) => {
            logger.info({ event: 'message_stored', id: stored.id, duplicate: stored.duplicate, ...logFields }, 'stored an inbound message');
            callback(null, `2.0.0 Ok: queued as ${stored.id}`);
          },
          (e: unknown) => {
            const err = toBatonError(e);
            logger.error({ event: 'message_not_stored', code: err.code, error: err.message, ...logFields }, 'could not store an inbound message; answered 451 so the sender retries');
            // The sender sees no internal detail, only that it should try again.
            callback(smtpError(451, '4.3.0 the message could not be stored; try again later'));
          },
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error): void => {
      reject(new BatonError('SMTP_LISTEN_FAILED', `the inbound SMTP server could not listen on ${options.host}:${options.port}: ${e.message}`, { cause: e, details: { host: options.host, port: options.port } }));
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // After listening, 'error' reports single connections (a peer that resets); it must not crash the process.
  server.on('error', (e: Error & { code?: string }) => {
    logger.debug({ event: 'connection_error', code: e.code ?? 'UNKNOWN' }, 'an inbound SMTP connection failed');
  });

  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  logger.info({ event: 'listening', host: options.host, port, domains: [...domains], maxBytes }, 'inbound SMTP server listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          logger.info({ event: 'closed', port }, 'inbound SMTP server closed');
          resolve();
        });
      });
      return closing;
    },
  };
}

function smtpError(code: number, message: string): SMTPServerError {
  const err: SMTPServerError = new Error(message);
  err.responseCode = code;
  return err;
}

function envelopeOf(session: SMTPServerSession): { from: string; to: string[] } {
  const mailFrom: SMTPServerAddress | false = session.envelope.mailFrom;
  // The null sender (MAIL FROM:<>, used by bounces) is kept as ''.
  return { from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) };
}

/** The domain of an address, lower-cased, without a trailing root dot; '' when there is none. */
export function domainOf(address: string): string {
  // The local part may be quoted and contain '@'; the domain follows the last one.
  const at = address.lastIndexOf('@');
  return at === -1 ? '' : normalizeDomain(address.slice(at + 1));
}

function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Whether the message opens with an RFC 5322 header field (`name:`, the name printable ASCII
 * without a colon). Empty input, a bare body and binary noise do not.
 */
export function startsWithHeaderField(raw: Buffer): boolean {
  const head = raw.subarray(0, 1000).toString('latin1');
  return /^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(head);
}
