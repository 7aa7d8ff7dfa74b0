import { header, parseHeaderBlock, type MailMessage } from './message.ts';
import { firstAddress } from './notice.ts';

/**
 * Spam complaints. The standard form is an ARF report (RFC 5965): `multipart/report;
 * report-type=feedback-report` with a `message/feedback-report` part whose Feedback-Type is abuse,
 * fraud, virus, other or not-spam, and the complained-about message (or its headers) attached.
 * Microsoft's JMRP reports are not ARF: a `complaint about message from <ip>` notice from
 * staff@hotmail.com with the message attached and X-HmXmrOriginalRecipient naming who complained.
 * Amazon SES forwards complaints as a JSON notification (notificationType "Complaint").
 */

/** A complaint: who complained (the recipient of our message), '' when the report does not say. */
export interface Complaint {
  readonly recipient: string;
  /** RFC 5965 Feedback-Type, lower-case ("abuse" when the report is not ARF). */
  readonly feedbackType: string;
}

/** Read a message as a spam complaint; null when it is not one. */
export function readComplaint(message: MailMessage): Complaint | null {
  const report = message.parts.find((p) => p.contentType === 'message/feedback-report' && p.depth === 0);
  const isArf = report !== undefined || (message.contentType === 'multipart/report' && (message.contentTypeParams['report-type'] ?? '').toLowerCase() === 'feedback-report');
  if (isArf) {
    const fields = report ? parseHeaderBlock(report.body) : [];
    const type = header(fields, 'feedback-type').toLowerCase() || 'abuse';
    // RFC 5965 section 3.2: Original-Rcpt-To is the recipient of the reported message.
    const recipient = firstAddress(header(fields, 'original-rcpt-to')) || firstAddress(header(fields, 'removal-recipient')) || originalTo(message);
    return { recipient, feedbackType: type };
  }
  // Apple Mail's unsubscribe button sends an "X-Apple-Unsubscribe: true" message from the recipient.
  if (header(message.headers, 'x-apple-unsubscribe').trim().toLowerCase() === 'true') {
    return { recipient: message.from || originalTo(message), feedbackType: 'opt-out' };
  }
  const jmrp = message.parts.find((p) => p.depth === 1 && p.headers.some((h) => h.name === 'x-hmxmroriginalrecipient'));
  const attachedHeaders = message.parts.filter((p) => p.contentType === 'message/rfc822' && p.depth === 0).map((p) => parseHeaderBlock(p.body));
  const jmrpRecipient = attachedHeaders.map((h) => header(h, 'x-hmxmroriginalrecipient')).find((v) => v !== '');
  const complaintDesk = /staff@hotmail\.com|complaints@email-abuse\.amazonses\.com/i.test(header(message.headers, 'from'));
  if (jmrp || ((jmrpRecipient !== undefined || complaintDesk) && /complaint about message from/i.test(message.subject))) {
    return { recipient: firstAddress(jmrpRecipient ?? '') || originalTo(message), feedbackType: 'abuse' };
  }
  const ses = sesNotification(message);
  if (ses?.notificationType === 'Complaint') {
    const list = (ses.complaint as { complainedRecipients?: { emailAddress?: string }[] } | undefined)?.complainedRecipients ?? [];
    const feedbackType = String((ses.complaint as { complaintFeedbackType?: unknown } | undefined)?.complaintFeedbackType ?? 'abuse');
    return { recipient: (list[0]?.emailAddress ?? '').toLowerCase(), feedbackType };
  }
  return null;
}

function originalTo(message: MailMessage): string {
  const attached = message.parts.find((p) => p.depth === 0 && (p.contentType === 'message/rfc822' || p.contentType === 'text/rfc822-headers'));
  return attached ? firstAddress(header(parseHeaderBlock(attached.body), 'to')) : '';
}

/**
 * The JSON of an Amazon SES notification delivered by mail through SNS ("AWS Notification Message"),
 * or null. Its shape is documented at docs.aws.amazon.com/ses/latest/dg/notification-contents.html;
 * SNS sends it either bare or wrapped in its own envelope ({"Type":"Notification","Message":"..."}).
 */
export function sesNotification(message: MailMessage): Record<string, unknown> | null {
  let text = message.parts.find((p) => p.depth === 0 && p.contentType === 'text/plain')?.body ?? '';
  // The SNS footer ("--", "If you wish to stop receiving notifications...") is not JSON.
  const footer = text.search(/\n--\s*\n/);
  if (footer >= 0) text = text.slice(0, footer);
  // Some relays fold long lines as "!\n "; the JSON itself has no line breaks.
  text = text.replace(/!\r?\n /g, '').replace(/\r?\n/g, '');
  const start = text.indexOf('{');
  if (start < 0 || !text.includes('notificationType')) return null;
  const parsed = parseJsonObject(text.slice(start, text.lastIndexOf('}') + 1));
  if (parsed === null) return null;
  if (typeof parsed.notificationType === 'string') return parsed;
  return typeof parsed.Message === 'string' ? parseJsonObject(parsed.Message) : null;
}

function parseJsonObject(raw: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
