import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import MimeNode from 'nodemailer/lib/mime-node';

/**
 * Real MIME for messages Baton does not send but must read: the simulator and tests forge replies,
 * out-of-office answers and bounces with these, so the inbound pipeline sees the same bytes as
 * from a mail server.
 */

/** A message to build; an OutboundEmail fits. */
export interface RawMessageInput {
  readonly from: string;
  readonly to: string | readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly replyTo?: string;
  /** With angle brackets; a random one when absent. */
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly references?: string | readonly string[];
  /** Default: now. */
  readonly date?: Date;
  /** Further header fields (Auto-Submitted, X-Autoreply, Precedence, ...), written as given. */
  readonly headers?: Readonly<Record<string, string>>;
  /** As on OutboundEmail: one List-Unsubscribe header plus List-Unsubscribe-Post. */
  readonly listUnsubscribe?: { readonly url: string; readonly mailto: string };
}

/** One RFC 5322 message with CRLF line ends. */
export async function buildRawMessage(input: RawMessageInput): Promise<Buffer> {
  const headers: Record<string, string | { prepared: true; value: string }> = { ...input.headers };
  if (input.listUnsubscribe) {
    headers['List-Unsubscribe'] = { prepared: true, value: `<${input.listUnsubscribe.url}>, <${input.listUnsubscribe.mailto}>` };
    headers['List-Unsubscribe-Post'] = { prepared: true, value: 'List-Unsubscribe=One-Click' };
  }
  const composer = new MailComposer({
    from: input.from,
    to: typeof input.to === 'string' ? input.to : [...input.to],
    subject: input.subject,
    text: input.text,
    ...(input.html !== undefined ? { html: input.html } : {}),
    ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
    ...(input.messageId !== undefined ? { messageId: input.messageId } : {}),
    ...(input.inReplyTo !== undefined ? { inReplyTo: input.inReplyTo } : {}),
    ...(input.references !== undefined ? { references: typeof input.references === 'string' ? input.references : [...input.references] } : {}),
    date: input.date ?? new Date(),
    headers,
    newline: 'win',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}

/** A delivery status notification to build (RFC 3464), for one failed or delayed recipient. */
export interface DsnInput {
  /** The MTA that reports, e.g. mx.example.net. */
  readonly reportingMta: string;
  /** Message-ID of the message that did not arrive, with angle brackets. */
  readonly originalMessageId: string;
  /** The address that failed. */
  readonly recipient: string;
  /** Enhanced status code (RFC 3463), e.g. 5.1.1 or 4.2.2. */
  readonly status: string;
  /** e.g. `smtp; 550 5.1.1 user unknown`. */
  readonly diagnostic: string;
  /** Default `failed` for 5.x.x and `delayed` for 4.x.x. */
  readonly action?: 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';
  /** Whom the notice goes to: the original sender. */
  readonly to: string;
  /** Default `Mail Delivery System <MAILER-DAEMON@<reportingMta>>`. */
  readonly from?: string;
  /** Default now. */
  readonly date?: Date;
  /** Subject of the original, repeated in the returned headers. */
  readonly originalSubject?: string;
  /** Header block of the original to return; a minimal one (Message-ID, From, To, Subject) when absent. */
  readonly originalHeaders?: string;
  /** The notice's own Message-ID; a random one when absent. */
  readonly messageId?: string;
}

/**
 * A multipart/report; report-type=delivery-status message (RFC 3462/6522): a human-readable
 * text/plain part, the message/delivery-status part, and the original's headers as text/rfc822-headers.
 */
export async function buildDsn(input: DsnInput): Promise<Buffer> {
  const date = input.date ?? new Date();
  const action = input.action ?? (input.status.startsWith('4') ? 'delayed' : 'failed');
  const from = input.from ?? `Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`;

  const root = new MimeNode('multipart/report; report-type=delivery-status', { newline: 'win', hostname: input.reportingMta });
  root.setHeader({
    From: from,
    To: input.to,
    Subject: action === 'delayed' ? 'Delivery Status Notification (Delay)' : 'Undelivered Mail Returned to Sender',
    Date: date,
    'Message-ID': input.messageId ?? `<${randomToken()}@${input.reportingMta}>`,
    'Auto-Submitted': 'auto-replied',
    'MIME-Version': '1.0',
  });

  const human =
    action === 'delayed'
      ? `This is the mail system at host ${input.reportingMta}.\r\n\r\nYour message could not be delivered yet to the recipient below. The mail system will keep trying.\r\n\r\n<${input.recipient}>: ${stripType(input.diagnostic)}\r\n`
      : `This is the mail system at host ${input.reportingMta}.\r\n\r\nYour message could not be delivered to one or more recipients. It has been returned to you.\r\n\r\n<${input.recipient}>: ${stripType(input.diagnostic)}\r\n`;
  root.createChild('text/plain; charset=us-ascii').setHeader('Content-Description', 'Notification').setContent(human);

  // Per-message fields, an empty line, then per-recipient fields (RFC 3464 section 2.1).
  const status = [
    `Reporting-MTA: dns; ${input.reportingMta}`,
    `Arrival-Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    '',
    `Final-Recipient: rfc822; ${input.recipient}`,
    `Original-Recipient: rfc822; ${input.recipient}`,
    `Action: ${action}`,
    `Status: ${input.status}`,
    `Remote-MTA: dns; ${input.recipient.split('@')[1] ?? input.reportingMta}`,
    `Diagnostic-Code: ${input.diagnostic}`,
    '',
  ].join('\r\n');
  root.createChild('message/delivery-status').setHeader('Content-Description', 'Delivery report').setContent(status);

  const original =
    input.originalHeaders ??
    [`Message-ID: ${input.originalMessageId}`, `From: ${input.to}`, `To: ${input.recipient}`, ...(input.originalSubject !== undefined ? [`Subject: ${input.originalSubject}`] : []), ''].join('\r\n');
  root.createChild('text/rfc822-headers').setHeader('Content-Description', 'Undelivered Message Headers').setContent(original);

  return root.build();
}

/** `smtp; 550 ...` → `550 ...` for the human part. */
function stripType(diagnostic: string): string {
  return diagnostic.replace(/^[\w-]+;\s*/, '');
}

function randomToken(): string {
  return randomUUID();
}
