import { header, parseHeaderBlock, type MailHeader, type MailMessage } from './message.ts';
import { USER_UNKNOWN } from './reason-phrases.ts';
import type { BounceReason } from './reasons.ts';
import type { SmtpCommand } from './smtp-command.ts';

/**
 * The human-readable part of a delivery notice, and what the notice readers (notices/*.ts) return.
 */

/** One failed recipient as a notice states it; every field but the address is optional. */
export interface NoticeRecipient {
  readonly recipient: string;
  /** The server's words about this recipient. */
  readonly diagnostic: string;
  readonly status?: string;
  readonly action?: string;
  readonly command?: SmtpCommand | '';
  readonly replyCode?: string;
  /** A reason the format states outright. */
  readonly stated?: BounceReason | '';
  readonly diagnosticType?: string;
  readonly remoteMta?: string;
  /** RFC 3464 Reporting-MTA of the notice. */
  readonly reportingMta?: string;
  /** The text is the server's whole reply for this recipient, fuller than a report's Diagnostic-Code (Postfix). */
  readonly fullReply?: boolean;
  /** Every reply of an SMTP session transcript about this (only) recipient, to put before a report's Diagnostic-Code. */
  readonly sessionReplies?: string;
  /** More of the notice's words about this recipient, read for local-delivery-agent errors only. */
  readonly extra?: string;
}

/** What every notice reader gets. */
export interface Notice {
  readonly message: MailMessage;
  /** The raw From: header (display name included: "Mail Delivery System <...>"). */
  readonly fromHeader: string;
  readonly subject: string;
  /** The notice's own text, before the returned original message, with "\n" line ends. */
  readonly text: string;
  /** Header fields of the returned original message, when the notice carries it. */
  readonly original: readonly MailHeader[];
}

/** A notice reader: the recipients it can read from this notice, or null when the format is not its own. */
export type NoticeReader = (notice: Notice) => NoticeRecipient[] | null;

/** Lines that start the returned copy of the original message in the notice formats we know. */
const ORIGINAL_STARTS: readonly RegExp[] = [
  /^-+ ?This is a copy of the message/i,
  /^-+ ?Below this line is a copy of the message/i,
  /^-+ ?Enclosed is a copy of the message/i,
  /^-+ ?The header of the original message is following/i,
  /^-+ ?Original message/i,
  /^Original message follows\.?/i,
  /^-+ ?Original message follows/i,
  /^Message headers follow\.?/i,
  /^Included is a copy of the message header/i,
  /^\s*-+ ?Unsent message follows/i,
  /^\s*-+ ?Original message (?:header|text)/i,
  /^-+ ?Returned Message/i,
  /^-+ ?original (?:message|mail info)/i,
  /^\s*Below is a copy of the original message/i,
  /^-+ ?Original Message -+/i,
  /^\s*-+ ?The original message was/i,
  /^Original message headers:/i,
  /^-+\s*原始邮件/,
];

/** The text of the notice before the original message it returns. */
export function cutOriginal(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const at = lines.findIndex((l) => ORIGINAL_STARTS.some((re) => re.test(l)));
  return (at < 0 ? lines : lines.slice(0, at)).join('\n');
}

/** The text a notice reader reads: depth-0 text parts, the original message cut off. */
export function buildNotice(message: MailMessage): Notice {
  const texts = message.parts.filter((p) => p.depth === 0 && (p.contentType === 'text/plain' || p.contentType === 'text/html'));
  const plain = texts.filter((p) => p.contentType === 'text/plain');
  const chosen = plain.length > 0 ? plain : texts.map((p) => ({ ...p, body: htmlToText(p.body) }));
  const text = cutOriginal(chosen.map((p) => p.body).join('\n'));
  return { message, fromHeader: header(message.headers, 'from'), subject: message.subject, text, original: originalHeaders(message) };
}

/** A crude HTML to text for notices that only come as HTML. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(?:script|style)[\s\S]*?<\/(?:script|style)>/gi, '')
    .replace(/<(?:br|\/p|\/div|\/tr|\/h\d|\/li)\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Header fields of the original message: its attached part, else a header block after the notice text. */
function originalHeaders(message: MailMessage): MailHeader[] {
  const attached = message.parts.find((p) => p.depth === 0 && (p.contentType === 'message/rfc822' || p.contentType === 'text/rfc822-headers' || p.contentType === 'message/global' || p.contentType === 'message/partial'));
  if (attached) {
    const h = parseHeaderBlock(attached.body);
    if (h.length > 0) return h;
  }
  const body = message.parts.filter((p) => p.depth === 0 && p.contentType === 'text/plain').map((p) => p.body).join('\n');
  const lines = body.split('\n');
  const at = lines.findIndex((l) => ORIGINAL_STARTS.some((re) => re.test(l)));
  if (at < 0) return [];
  return parseHeaderBlock(lines.slice(at + 1).join('\n'));
}

const ADDRESS = /[\w.!#$%&'*+/=?^`{|}~-]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}|[\w.!#$%&'*+/=?^`{|}~-]+@\[[\d.]+\]/gi;

/** The e-mail addresses in a text, in order, lower-cased, without duplicates. */
export function addressesIn(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(ADDRESS)) seen.add(m[0].toLowerCase().replace(/^[.'"]+|[.'"]+$/g, ''));
  return [...seen];
}

/** The first e-mail address in a text, '' when none. */
export function firstAddress(text: string): string {
  return addressesIn(text)[0] ?? '';
}

/** Whether a string is a plausible recipient address (local@domain.tld). */
export function isAddress(value: string): boolean {
  return /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/.test(value);
}

/** Collapse whitespace of a diagnostic, as MTAs wrap long server replies over several lines. */
export function squeeze(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * For notices a receiving system writes about its own directory lookup (Domino, Exchange's
 * categorizer, Google's "Address not found"), not about a remote server's reply: a recipient it says
 * it cannot find does not exist there, whatever stage of delivery it was.
 */
export function ownLookup(diagnostic: string): BounceReason | '' {
  return USER_UNKNOWN.test(diagnostic.toLowerCase()) ? 'userunknown' : '';
}

/** The original message's recipient, the fallback when a notice does not name the failed address. */
export function originalRecipient(notice: Notice): string {
  return firstAddress(header(notice.original, 'to'));
}
