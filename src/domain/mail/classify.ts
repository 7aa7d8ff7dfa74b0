import { separateOwnWords } from '../qualify/own-words.ts';
import { readComplaint } from './arf.ts';
import { isAutoReply } from './auto-reply.ts';
import { readNotice, type RecipientVerdict } from './bounce.ts';
import type { MailMessage } from './message.ts';
import { buildNotice } from './notice.ts';
import type { BounceReason } from './reasons.ts';
import { statedReturnDate } from './return-date.ts';

/** What an inbound message is, for the sequence engine. */
export type MailKind = 'reply' | 'auto_reply' | 'bounce' | 'complaint' | 'delivery_report';

/** The failed recipient of a bounce. */
export interface BounceSummary {
  /** The address itself is bad (user or domain unknown, mailbox gone): suppress it. */
  readonly hard: boolean;
  /** Enhanced status code (RFC 3463), or an x.0.9xx code derived from the wording when none is stated. */
  readonly status: string;
  readonly recipient: string;
  /** The reason behind the verdict (for logs and the table output; not part of the JSON contract). */
  readonly reason: BounceReason;
}

/** The verdict on one inbound message. */
export interface MailVerdict {
  readonly kind: MailKind;
  /** The first failed recipient, for bounces; null otherwise. */
  readonly bounce: BounceSummary | null;
  /** Every failed recipient, for bounces (several recipients can fail in one notice). */
  readonly failed: readonly BounceSummary[];
  /** For auto-replies: the day the writer says they are back, YYYY-MM-DD. */
  readonly returnDate: string | null;
  /** What a person wrote or a notice says, without quoted history and signature. */
  readonly visibleText: string;
  /** For complaints: who complained, '' when the report does not say. */
  readonly complainant: string;
}

/** Options of `classifyMail`. */
export interface ClassifyOptions {
  /** Reference date for relative return dates when the message has no Date: header (the caller's clock). */
  readonly now: Date;
}

/**
 * Classify an inbound message. Order matters: complaints and delivery notices are machine reports
 * that also carry auto-reply headers (RFC 3834 asks notices to say Auto-Submitted), so they are
 * recognised first; what is neither a report nor an automatic reply is a person's reply.
 */
export function classifyMail(message: MailMessage, options: ClassifyOptions): MailVerdict {
  const complaint = readComplaint(message);
  if (complaint) return verdict('complaint', [], null, noticeText(message), complaint.recipient);

  const notice = readNotice(message);
  if (notice) {
    const failed = notice.kind === 'bounce' ? notice.recipients.filter((r) => r.reason !== 'delivered').map(summary) : [];
    return verdict(notice.kind, failed, null, noticeText(message), '');
  }

  const own = separateOwnWords(message.text);
  if (isAutoReply(message, own.quoted.trim() !== '')) {
    const returnDate = statedReturnDate(`${message.subject}\n\n${own.body || message.text}`, message.date ?? options.now);
    return verdict('auto_reply', [], returnDate, own.body, '');
  }
  return verdict('reply', [], null, own.body, '');
}

function summary(r: RecipientVerdict): BounceSummary {
  return { hard: r.hard, status: r.status, recipient: r.recipient, reason: r.reason };
}

function verdict(kind: MailKind, failed: BounceSummary[], returnDate: string | null, visibleText: string, complainant: string): MailVerdict {
  return { kind, bounce: failed[0] ?? null, failed, returnDate, visibleText, complainant };
}

/** A notice's own words, without the returned original and without runs of empty lines. */
function noticeText(message: MailMessage): string {
  return buildNotice(message)
    .text.replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
