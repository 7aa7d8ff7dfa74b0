import nodemailer, { type NodemailerError, type SendMailOptions, type SMTPPoolOptions, type SMTPSentMessageInfo, type SMTPTransportOptions } from 'nodemailer';
import type { Mailer, OutboundEmail, SendReceipt } from '../../app/mail-ports.ts';
import { ConfigError, MailSendError } from '../../domain/errors.ts';
import { silentLogger, type Logger } from '../log.ts';

/** DKIM signing key for outbound mail. */
export interface DkimOptions {
  /** The `d=` domain, e.g. example.com. */
  readonly domainName: string;
  /** The `s=` selector; the public key is published at `<selector>._domainkey.<domainName>`. */
  readonly keySelector: string;
  /** PEM-encoded RSA private key. */
  readonly privateKey: string;
}

/** Options of `createSmtpMailer`. */
export interface SmtpMailerOptions {
  /** `smtp://[user:pass@]host[:port]` (STARTTLS when offered, port 587 by default) or `smtps://...` (TLS from the start, port 465). */
  readonly url: string;
  /** Keep connections open and reuse them; default true. */
  readonly pool?: boolean;
  /** Connections the pool may open at once; default 5. */
  readonly maxConnections?: number;
  readonly dkim?: DkimOptions;
  /** Connect, greeting and idle-socket timeout in milliseconds; default 30 000. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * Header fields covered by the DKIM signature: nodemailer's default list (RFC 6376 section 5.4)
 * plus List-Unsubscribe-Post, which Gmail and Yahoo only honour for one-click unsubscribe when it
 * is signed (RFC 8058 section 4), and Feedback-ID for the same reason.
 */
const DKIM_SIGNED_FIELDS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'Content-ID', 'Content-Description', 'In-Reply-To', 'References',
  'List-Id', 'List-Help', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Subscribe', 'List-Post', 'List-Owner', 'List-Archive',
  'Feedback-ID',
].join(':');

/** Headers this adapter writes itself; a same-named entry in `OutboundEmail.headers` is dropped. */
const OWN_HEADERS = new Set(['from', 'to', 'reply-to', 'subject', 'message-id', 'in-reply-to', 'references', 'list-unsubscribe', 'list-unsubscribe-post', 'date', 'mime-version', 'content-type', 'content-transfer-encoding']);

/** Sends OutboundEmail over SMTP with nodemailer. Every failure rejects with a MailSendError. */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const logger = options.logger ?? silentLogger();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const base: SMTPTransportOptions = {
    ...connectionFromUrl(options.url),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    logger: false,
    ...(options.dkim ? { dkim: { ...options.dkim, headerFieldNames: DKIM_SIGNED_FIELDS } } : {}),
  };
  const transport =
    options.pool === false
      ? nodemailer.createTransport(base)
      : nodemailer.createTransport({
          ...base,
          pool: true,
          maxConnections: options.maxConnections ?? 5,
          // One requeue covers a pooled connection the server closed just as it was picked up; more
          // would risk sending a message twice when the close came after the server had taken it.
          maxRequeues: 1,
        } satisfies SMTPPoolOptions & { pool: true });

  return {
    async send(email: OutboundEmail): Promise<SendReceipt> {
      let info: SMTPSentMessageInfo;
      try {
        info = await transport.sendMail(toNodemailer(email));
      } catch (e) {
        const err = toMailSendError(e);
        logger.warn({ messageId: email.messageId, code: err.code, responseCode: err.responseCode }, 'smtp send failed');
        throw err;
      }
      const accepted = info.accepted ?? [];
      if (accepted.length === 0) {
        // nodemailer resolves when at least one recipient was taken; with none it rejects, so this is defensive.
        throw new MailSendError(`the SMTP server accepted no recipient: ${info.response}`, { transient: false });
      }
      logger.debug({ messageId: email.messageId }, 'smtp send accepted');
      // Microsoft 365 and Amazon SES replace the Message-ID header; replies then refer to theirs.
      return { messageId: info.serverMessageId ?? email.messageId, response: info.response, accepted };
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}

/** Host, port, TLS mode and credentials from an smtp:// or smtps:// URL; a ConfigError names what is wrong. */
export function connectionFromUrl(url: string): Pick<SMTPTransportOptions, 'host' | 'port' | 'secure' | 'auth'> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL may carry a password: do not repeat it.
    throw new ConfigError('the SMTP URL is not a valid URL; write it as smtp://user:password@host:587 or smtps://user:password@host:465');
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme !== 'smtp' && scheme !== 'smtps') {
    throw new ConfigError(`the SMTP URL must start with smtp:// or smtps://, not ${scheme}://`);
  }
  if (parsed.hostname === '') throw new ConfigError('the SMTP URL names no host; write it as smtp://host:587');
  const secure = scheme === 'smtps';
  const port = parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port);
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  // URL keeps the brackets around an IPv6 literal; sockets want the bare address.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, secure, ...(user !== '' ? { auth: { user, pass } } : {}) };
}

/** The nodemailer message for one OutboundEmail. */
export function toNodemailer(email: OutboundEmail): SendMailOptions {
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(email.headers ?? {})) {
    if (!OWN_HEADERS.has(name.toLowerCase())) extra[name] = value;
  }
  return {
    from: email.from,
    to: email.to,
    replyTo: email.replyTo,
    subject: email.subject,
    text: email.text,
    ...(email.html !== undefined ? { html: email.html } : {}),
    messageId: email.messageId,
    ...(email.inReplyTo ? { inReplyTo: email.inReplyTo } : {}),
    ...(email.references && email.references.length > 0 ? { references: [...email.references] } : {}),
    // A nested array makes one header `<https://...>, <mailto:...>`; a flat one would make two.
    list: { unsubscribe: [[email.listUnsubscribe.url, email.listUnsubscribe.mailto]] },
    headers: {
      ...extra,
      // Prepared: written as is and never folded or encoded; RFC 8058 receivers match the exact value.
      'List-Unsubscribe-Post': { prepared: true, value: 'List-Unsubscribe=One-Click' },
    },
  };
}

/** Connection-level and configuration failures: nothing was refused, the same message can go again once they are fixed. */
const TRANSIENT_CODES = new Set([
  'ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'EMAXLIMIT', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG', 'ESTREAM',
  'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
]);

/**
 * Whose fault and whether to retry. A 4xx reply is transient by definition (RFC 5321 section 4.2.1);
 * a 5xx reply to MAIL, RCPT or DATA is the server refusing this message for good. 503 (bad sequence)
 * says the session was in the wrong state, not that the message was refused; a refused greeting,
 * EHLO or login is about our connection or configuration, not the recipient. Those stay transient,
 * so one bad password or a blocked IP does not end every lead's step.
 */
export function toMailSendError(e: unknown): MailSendError {
  if (e instanceof MailSendError) return e;
  const err = (e instanceof Error ? e : new Error(String(e))) as NodemailerError;
  const responseCode = typeof err.responseCode === 'number' ? err.responseCode : null;
  const code = err.code ?? '';
  const isSession = code === 'EAUTH' || /^(?:AUTH\b|CONN$|EHLO$|HELO$|LHLO$|RSET$|STARTTLS$)/i.test(err.command ?? '');
  const reply = err.response ? `: ${err.response}` : '';
  if (responseCode !== null && !isSession) {
    const transient = responseCode < 500 || responseCode === 503;
    const what = transient ? 'deferred' : 'refused';
    return new MailSendError(`the SMTP server ${what} the message (${responseCode}${err.command ? ` after ${err.command}` : ''})${reply}`, { transient, responseCode, cause: e });
  }
  if (TRANSIENT_CODES.has(code) || TRANSIENT_CODES.has(err.originalCode ?? '') || isSession) {
    return new MailSendError(`could not hand the message to the SMTP server (${code || 'connection'}): ${err.message}`, { transient: true, responseCode, cause: e });
  }
  // EENVELOPE/EMESSAGE without a reply code: the message itself cannot be sent (no valid recipient, bad address).
  return new MailSendError(`the message cannot be sent (${code || 'error'}): ${err.message}`, { transient: false, responseCode, cause: e });
}
