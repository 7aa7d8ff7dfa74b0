import { readFileSync } from 'node:fs';
import { buildDsn, buildRawMessage } from '../../src/adapters/email/mime.ts';
import { parseCaseLines } from '../../src/app/eval/case.ts';

/**
 * The inbound mix of the mail benchmark, as real MIME: for each message Baton sent, what comes back.
 * Out of every 20: 14 human replies (the email cases of the labelled eval datasets, in their own
 * words and languages, quoted history included, less those labelled out_of_office or bounce, which
 * come below with their headers; half also carry an HTML part as webmail sends), 3 out-of-office
 * answers (RFC 3834 Auto-Submitted, Exchange, and one without any header, which only its words tell
 * apart), 2 hard bounces (5.1.1) and 1 soft bounce (4.2.2), RFC 3464 reports returning our Message-ID.
 */

/** One message Baton sent, as the outbox has it. */
export interface SentMessage {
  messageId: string;
  to: string;
  toName: string | null;
  /** The From of our message (the mailbox, with its name). */
  from: string;
  mailbox: string;
  replyTo: string;
  subject: string;
}

export type InboundKind = 'reply' | 'auto_reply' | 'bounce';

export interface InboundMessage {
  kind: InboundKind;
  raw: Buffer;
  envelopeTo: string[];
  envelopeFrom: string;
}

/** The reply texts of the email cases a person wrote in the given JSON Lines files. */
export function replyTexts(datasets: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of datasets) {
    for (const line of parseCaseLines(readFileSync(path, 'utf8'))) {
      if ('case' in line && line.case.channel === 'email' && !['out_of_office', 'bounce'].includes(line.case.expected.intent)) out.push(line.case.reply);
    }
  }
  if (out.length === 0) throw new Error(`no email cases in ${datasets.join(', ')}`);
  return out;
}

/** Out-of-office answers; `back` is a day after now, written as people write it. */
const OUT_OF_OFFICE: { subject: (s: string) => string; text: (back: Date) => string; headers: Record<string, string> }[] = [
  {
    subject: (s) => `Automatic reply: ${s}`,
    text: (back) =>
      `Thank you for your message. I am out of the office until ${back.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })} with limited access to email. For anything urgent please write to office@company.example.`,
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  },
  {
    subject: (s) => `Out of Office: ${s}`,
    text: (back) => `I am on annual leave and will be back on ${back.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' })}. Your email will not be forwarded.`,
    headers: { 'X-MS-Exchange-Generated-Message-Source': 'Mailbox Rules Agent', 'X-Auto-Response-Suppress': 'All', Precedence: 'auto_reply' },
  },
  {
    subject: (s) => `Away: ${s}`,
    text: () => 'Hi, I am travelling this week with little access to email and will reply when I am back.',
    headers: {},
  },
];

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** What comes back for each sent message, in the order of `sent`. */
export async function buildInbound(sent: readonly SentMessage[], texts: readonly string[]): Promise<InboundMessage[]> {
  const out: InboundMessage[] = [];
  const date = new Date();
  const back = new Date(date.getTime() + 10 * 86_400_000);
  for (const [i, s] of sent.entries()) {
    const slot = i % 20;
    const from = s.toName ? `"${s.toName.replace(/["\\]/g, '')}" <${s.to}>` : s.to;
    if (slot < 14) {
      const text = texts[i % texts.length] as string;
      const raw = await buildRawMessage({
        from,
        to: s.replyTo,
        subject: `Re: ${s.subject}`,
        text,
        ...(i % 2 === 0 ? { html: `<div dir="ltr">${escapeHtml(text).replace(/\n/g, '<br>\n')}</div>` } : {}),
        inReplyTo: s.messageId,
        references: [s.messageId],
        date,
      });
      out.push({ kind: 'reply', raw, envelopeTo: [s.replyTo], envelopeFrom: s.to });
    } else if (slot < 17) {
      const ooo = OUT_OF_OFFICE[slot - 14] as (typeof OUT_OF_OFFICE)[number];
      const raw = await buildRawMessage({ from, to: s.replyTo, subject: ooo.subject(s.subject), text: ooo.text(back), inReplyTo: s.messageId, references: [s.messageId], date, headers: ooo.headers });
      out.push({ kind: 'auto_reply', raw, envelopeTo: [s.replyTo], envelopeFrom: '' });
    } else {
      const hard = slot < 19;
      const domain = s.to.split('@')[1] ?? 'example.com';
      const raw = await buildDsn({
        reportingMta: `mx.${domain}`,
        originalMessageId: s.messageId,
        recipient: s.to,
        status: hard ? '5.1.1' : '4.2.2',
        diagnostic: hard ? 'smtp; 550 5.1.1 <' + s.to + '>: Recipient address rejected: User unknown' : 'smtp; 452 4.2.2 Mailbox full',
        to: s.mailbox,
        originalSubject: s.subject,
        date,
      });
      out.push({ kind: 'bounce', raw, envelopeTo: [s.mailbox], envelopeFrom: '' });
    }
  }
  return out;
}
