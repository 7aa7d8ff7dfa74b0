/**
 * The ports the sequence engine and the inbound pipeline use to reach mail. The composition root
 * (src/main.ts) plugs adapters into them: nodemailer over SMTP for sending, smtp-server, IMAP and
 * HTTP for receiving. The use-cases never see sockets.
 */

/** One message Baton sends, with every header decided before the transport sees it. */
export interface OutboundEmail {
  /** `"Name" <address>` or a bare address: the sending mailbox. */
  readonly from: string;
  readonly to: string;
  /** The per-enrolment reply address, e.g. reply+<token>@replies.example.com. */
  readonly replyTo: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** Our own Message-ID with angle brackets, e.g. <0193...@baton.example.com>. */
  readonly messageId: string;
  /** Threading: the Message-ID this follows up (RFC 5322 In-Reply-To), with angle brackets. */
  readonly inReplyTo?: string;
  /** Threading: the thread's Message-IDs, oldest first, with angle brackets. */
  readonly references?: readonly string[];
  /** RFC 2369 / RFC 8058 unsubscribe targets; both go into one List-Unsubscribe header. */
  readonly listUnsubscribe: { readonly url: string; readonly mailto: string };
  /** Further headers (X-Baton-Enrolment and the like). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the SMTP server said when it took the message. */
export interface SendReceipt {
  readonly messageId: string;
  /** The server's final reply line, e.g. `250 2.0.0 Ok: queued as 1234`. */
  readonly response: string;
  readonly accepted: readonly string[];
}

/** Sends one message. Rejects with a MailSendError. */
export interface Mailer {
  send(email: OutboundEmail): Promise<SendReceipt>;
  close(): Promise<void>;
}

/** How a raw inbound message reached Baton. */
export type InboundVia = 'smtp' | 'imap' | 'http' | 'simulator';

/** Hands one raw inbound message to the pipeline, which stores it and processes it durably. */
export type InboundSink = (raw: Buffer, meta: { via: InboundVia; envelopeTo?: readonly string[]; envelopeFrom?: string }) => Promise<{ id: string; duplicate: boolean }>;
