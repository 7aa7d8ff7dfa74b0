import { parseDeliveryStatus, type DsnRecipient } from './dsn.ts';
import type { MailMessage } from './message.ts';
import { buildNotice, isAddress, originalRecipient, squeeze, type Notice, type NoticeReader, type NoticeRecipient } from './notice.ts';
import { looksLikeNotice, readGeneric } from './notices/generic.ts';
import { NOTICE_READERS } from './notices/index.ts';
import { commandIn } from './notices/commands.ts';
import { exchangeNdrReason } from './notices/microsoft.ts';
import { localDeliveryReason } from './local-delivery.ts';
import { classifyReason, isHardBounce, TENTATIVE_REASONS, type BounceReason, type ReasonFacts } from './reasons.ts';
import { findReplyCode, findStatusCode, preferStatus, pseudoStatus, saysTemporary } from './status-codes.ts';

/**
 * From a delivery notice to a verdict per failed recipient: who, why, the status code, hard or soft.
 * RFC 3464 reports are read first; the notice's own text adds what the report leaves out (the SMTP
 * command, a fuller server reply), and is the only source for MTAs that send no report.
 */

/** One failed (or, in a delivery report, delivered) recipient, decided. */
export interface RecipientVerdict {
  readonly recipient: string;
  /** Enhanced status code, stated or derived (see status-codes.ts `pseudoStatus`). */
  readonly status: string;
  readonly reason: BounceReason;
  /** The address itself is bad: stop mailing it. */
  readonly hard: boolean;
  /** RFC 3464 action, '' when the notice has none. */
  readonly action: string;
  readonly diagnostic: string;
}

/** What a delivery notice says. */
export interface NoticeVerdict {
  /** `delivery_report` when every recipient was delivered, relayed or expanded (RFC 3464 section 2.3.3). */
  readonly kind: 'bounce' | 'delivery_report';
  readonly recipients: readonly RecipientVerdict[];
}

/** Read a message as a delivery notice; null when it is not one. */
export function readNotice(message: MailMessage): NoticeVerdict | null {
  const notice = buildNotice(message);
  const { reader, found: fromText } = readerRecipients(notice);
  const dsn = dsnRecipients(message, notice);
  // A report from an MTA with no reader of its own: with one recipient, the notice's words are about it.
  const plainReport = dsn.length === 1 && (reader === null || reader === readGeneric);
  let merged: NoticeRecipient[] = plainReport
    ? dsn.map((d) => withPreamble(d, fromText?.[0], notice))
    : dsn.map((d, i) => mergeWithText(d, i, fromText));
  merged = merged.filter((r) => r.recipient !== '');
  if (merged.length === 0 && fromText) merged = fromText;
  // A report whose recipients name no address at all: the returned original says whom it was for.
  if (merged.length === 0 && dsn[0] && originalRecipient(notice) !== '') merged = [{ ...dsn[0], recipient: originalRecipient(notice) }];
  if (merged.length === 0) return null;
  const recipients = merged.map((r) => resolve(r));
  if (recipients.length === 0) return null;
  const delivered = recipients.every((r) => r.reason === 'delivered' || ['delivered', 'relayed', 'expanded'].includes(r.action));
  return { kind: delivered ? 'delivery_report' : 'bounce', recipients };
}

function readerRecipients(notice: Notice): { reader: NoticeReader | null; found: NoticeRecipient[] | null } {
  for (const reader of NOTICE_READERS) {
    const found = reader(notice);
    if (found && found.length > 0) return { reader, found };
  }
  return { reader: null, found: null };
}

/** Lines of a notice that are MIME scaffolding or banners, not words about the failure. */
const SCAFFOLDING = /^(?:Content-|This is a MIME|This is a multi|This is an auto|This multi-part|###|\*\*\*|--)|--- The follow|--- Transcript/;

/**
 * The text before a report, joined to its Diagnostic-Code: MTAs without a format of their own put the
 * human explanation there ("Your message to <x> was automatically rejected: Not enough disk space").
 */
function withPreamble(d: NoticeRecipient, fromText: NoticeRecipient | undefined, notice: Notice): NoticeRecipient {
  const lines = notice.text.split('\n');
  const reportAt = lines.findIndex((l) => /^(?:Reporting-MTA|Final-Recipient|Original-Recipient)\s*:/i.test(l));
  const before = squeeze((reportAt < 0 ? lines : lines.slice(0, reportAt)).filter((l) => l.trim() !== '' && !SCAFFOLDING.test(l.trim())).join(' '));
  const own = d.diagnostic;
  const diagnostic = before === '' ? own : own !== '' && before.toLowerCase().includes(own.toLowerCase()) ? before : squeeze(`${before} ${own}`);
  return { ...d, recipient: d.recipient || fromText?.recipient || '', diagnostic, extra: fromText?.diagnostic ?? '' };
}

/** The report parts of the notice itself; a report quoted in its text when the MIME structure is broken. */
function dsnRecipients(message: MailMessage, notice: Notice): NoticeRecipient[] {
  const isReport = (t: string): boolean => t === 'message/delivery-status' || t === 'message/global-delivery-status';
  let bodies = message.parts.filter((p) => p.depth === 0 && isReport(p.contentType)).map((p) => p.body);
  // A notice that carries the real report inside an attached message (a relay re-wrapping the bounce).
  if (bodies.length === 0 && looksLikeNotice(notice)) bodies = message.parts.filter((p) => p.depth === 1 && isReport(p.contentType)).map((p) => p.body);
  if (bodies.length === 0 && /^Final-Recipient\s*:/im.test(notice.text) && /^(?:Action|Status)\s*:/im.test(notice.text)) bodies = [notice.text];
  const out: NoticeRecipient[] = [];
  for (const body of bodies) {
    const report = parseDeliveryStatus(body);
    for (const r of report.recipients) {
      // A report naming a pipe or a bare domain still gives the status; the text names the address.
      const recipient = pickRecipient(r);
      out.push({
        recipient,
        // The status comment is the reporting MTA's own reading of the code; it joins the server's words.
        diagnostic: r.statusComment !== '' && !/undefined status/i.test(r.statusComment) ? `${r.diagnostic} (${r.statusComment})` : r.diagnostic,
        status: r.status,
        action: r.action,
        diagnosticType: r.diagnosticType,
        remoteMta: r.remoteMta,
        reportingMta: report.reportingMta,
        stated: POWERMTA_CATEGORIES[r.bounceCategory] ?? '',
      });
    }
  }
  return out;
}

/** PowerMTA's X-PowerMTA-BounceCategory values (PowerMTA user guide, "bounce categories"). */
const POWERMTA_CATEGORIES: Readonly<Record<string, BounceReason>> = {
  'bad-mailbox': 'userunknown',
  'bad-domain': 'hostunknown',
  'inactive-mailbox': 'suspend',
  'quota-issues': 'mailboxfull',
  'message-expired': 'expired',
  'no-answer-from-host': 'networkerror',
  'bad-connection': 'networkerror',
  'routing-errors': 'systemerror',
  'protocol-errors': 'systemerror',
  'policy-related': 'policyviolation',
  'spam-related': 'spamdetected',
  'virus-related': 'virusdetected',
  'content-related': 'contenterror',
  'invalid-sender': 'rejected',
  'relaying-issues': 'norelaying',
};

function pickRecipient(r: DsnRecipient): string {
  const finalAddr = r.recipient.toLowerCase();
  if (isAddress(finalAddr)) return finalAddr;
  const original = r.originalRecipient.toLowerCase();
  // A pipe or a bare local part ("|/usr/bin/procmail", "kijitora") is not an address to suppress.
  return isAddress(original) ? original : '';
}

/**
 * A report gives the fields; the notice text often carries the fuller server reply and the command it
 * answered (Postfix "in reply to RCPT TO command", Sendmail's session transcript).
 */
function mergeWithText(d: NoticeRecipient, index: number, fromText: NoticeRecipient[] | null): NoticeRecipient {
  const same =
    d.recipient === ''
      ? fromText?.[index]
      : (fromText?.find((t) => t.recipient === d.recipient) ?? (fromText?.length === 1 ? fromText[0] : undefined));
  if (!same) return d;
  let diagnostic = d.diagnostic;
  const textDiag = same.diagnostic;
  if (diagnostic === '' || /^\d+$/.test(diagnostic.trim())) diagnostic = textDiag;
  else if (same.fullReply && textDiag.length > diagnostic.length && textDiag.toLowerCase().includes(diagnostic.toLowerCase())) diagnostic = textDiag;
  if (same.sessionReplies) diagnostic = `${same.sessionReplies} ${diagnostic}`;
  let status = d.status ?? '';
  if ((status === '' || status.endsWith('.0.0')) && textDiag !== '') {
    const inText = findStatusCode(textDiag);
    if (inText !== '' && !inText.endsWith('.0.0')) status = inText;
  }
  return {
    ...d,
    recipient: d.recipient || same.recipient,
    diagnostic,
    status,
    command: d.command || same.command || '',
    replyCode: d.replyCode || same.replyCode || '',
    stated: d.stated || same.stated || '',
    extra: [same.diagnostic, same.extra ?? ''].join(' '),
  };
}

function resolve(r: NoticeRecipient): RecipientVerdict {
  const diagnostic = squeeze(r.diagnostic.replace(/<html>[\s\S]*<\/html>/i, ' '));
  const inText = findStatusCode(diagnostic);
  const reply = findReplyCode(diagnostic, inText);
  const status = preferStatus(r.status ?? '', inText, reply);
  const replyCode = r.replyCode || reply;
  const command = r.command || commandIn(diagnostic);
  const stated = r.stated || exchangeNdrReason(diagnostic);
  const diagnosticType = r.diagnosticType || (stated === 'mailererror' ? 'X-UNIX' : 'SMTP');
  const facts = { status, diagnostic, diagnosticType, command, action: r.action ?? '', replyCode, stated };
  const reason = decideReason(facts, r);
  const hard = reason === 'delivered' || reason === 'feedback' || reason === 'vacation' ? false : isHardBounce(reason, `${status} ${diagnostic}`);
  const finalStatus = status !== '' ? status : pseudoStatus(reason, saysTemporary(`${replyCode} ${diagnostic}`));
  return { recipient: r.recipient, status: finalStatus, reason, hard, action: r.action ?? '', diagnostic };
}

/** A reason the notice format states wins; else a local delivery agent's words; else the status code and the server's words. */
function decideReason(facts: ReasonFacts, r: NoticeRecipient): BounceReason {
  if (facts.stated !== '' && !TENTATIVE_REASONS.has(facts.stated)) return facts.stated;
  const lda = localDeliveryReason(`${facts.diagnostic} ${r.extra ?? ''}`, facts.command);
  if (lda !== '') return lda;
  return classifyReason(facts);
}
