import { simpleParser, type ParsedMail } from 'mailparser';
import MimeNode from 'nodemailer/lib/mime-node';
import { buildDsn, buildRawMessage } from '../../adapters/email/mime.ts';
import { localDate } from '../../domain/sequence/calendar.ts';
import type { Persona, SimLead } from './scenario.ts';

/**
 * The scripted people at the other end. Each reads the message Baton really sent (as it arrived over
 * SMTP) and answers the way a mail client, an auto-responder, a mail server or a spam button would:
 * a reply to the Reply-To address with In-Reply-To and References and the original quoted, an
 * out-of-office notice with Auto-Submitted, an RFC 3464 bounce, an ARF complaint, a one-click
 * unsubscribe with the token from List-Unsubscribe.
 */

/** One message as the recipient got it. */
export interface Received {
  /** 1 for the first message this person got from us, 2 for the second... */
  readonly n: number;
  /** Virtual time the sink took it. */
  readonly at: Date;
  readonly messageId: string;
  /** The envelope sender: our mailbox (bounces go back to it). */
  readonly mailbox: string;
  readonly raw: Buffer;
}

/** What the world does to Baton. */
export type WorldAction = { readonly kind: 'mail'; readonly raw: Buffer; readonly envelopeTo: readonly string[] } | { readonly kind: 'one_click'; readonly token: string };

/** What a reaction means, for the invariants. */
export type FactKind = 'reply' | 'auto_reply' | 'hard_bounce' | 'soft_bounce' | 'opt_out';

export interface Reaction {
  readonly at: Date;
  readonly fact: FactKind;
  readonly persona: Persona['kind'];
  /** How a person opted out, for opt_out facts. */
  readonly optOut?: 'reply' | 'one_click' | 'mailto' | 'complaint';
  /** Out of office: the day they are back (local), or null when the notice names none. */
  readonly returnDay?: string | null;
  /** Not now: the first day of the month they asked to hear from us again (local). */
  readonly askedDay?: string;
  /** The Message-ID of the world's own message, when it is one. */
  readonly ownMessageId: string | null;
  readonly action: WorldAction;
}

const MINUTE = 60_000;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Whether this persona answers its n-th message at all (cheap: decided before anything is parsed). */
export function reactsTo(persona: Persona, n: number): boolean {
  switch (persona.kind) {
    case 'silent':
      return false;
    case 'out_of_office':
      return n === 1;
    case 'bounce':
      return persona.hard ? !persona.atRcpt && n === 1 : n <= persona.times;
    default:
      return n === persona.onMessage;
  }
}

/** A hard bounce at RCPT TO: the server refuses the address before any data. */
export function refusedAtRcpt(persona: Persona): boolean {
  return persona.kind === 'bounce' && persona.hard && persona.atRcpt;
}

function displayName(lead: SimLead): string {
  return /[\u4e00-\u9fff]/.test(lead.lastName) ? `${lead.lastName}${lead.firstName}` : `${lead.firstName} ${lead.lastName}`;
}

const domainOf = (email: string) => email.split('@')[1] ?? 'example.invalid';

function simMessageId(lead: SimLead, got: Received, what: string): string {
  return `<sim-${lead.n}-${got.n}-${what}@${domainOf(lead.email)}>`;
}

function addressOf(v: ParsedMail['replyTo'] | ParsedMail['from']): string {
  const first = v?.value[0];
  return first?.address ?? '';
}

function references(mail: ParsedMail): string[] {
  const refs = typeof mail.references === 'string' ? [mail.references] : (mail.references ?? []);
  return [...refs, ...(mail.messageId ? [mail.messageId] : [])];
}

/** The unsubscribe URL token and mailto address from List-Unsubscribe. */
function listUnsubscribe(raw: Buffer): { token: string | null; mailto: string | null } {
  const head = raw.subarray(0, Math.max(0, raw.indexOf('\r\n\r\n'))).toString('latin1').replace(/\r\n[ \t]+/g, ' ');
  const line = /^list-unsubscribe:(.*)$/im.exec(head)?.[1] ?? '';
  return { token: /\/u\/([A-Za-z0-9_-]+)>/.exec(line)?.[1] ?? null, mailto: /<mailto:([^>?]+)/.exec(line)?.[1] ?? null };
}

/** The original, quoted the way Gmail or Outlook does it. */
function quoted(mail: ParsedMail, style: 'gmail' | 'outlook', lead: SimLead): string {
  const text = (mail.text ?? '').trimEnd();
  const from = mail.from?.text ?? '';
  const date = mail.date ?? new Date(0);
  if (style === 'gmail') {
    const when = date.toUTCString().replace(/:\d\d GMT$/, '').replace(/^(\w+), /, '$1, ');
    return `On ${when}, ${from} wrote:\n${text
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\n')}`;
  }
  return `________________________________\nFrom: ${from}\nSent: ${date.toUTCString()}\nTo: ${displayName(lead)} <${lead.email}>\nSubject: ${mail.subject ?? ''}\n\n${text}`;
}

function interestedText(p: Extract<Persona, { kind: 'interested' }>, lead: SimLead): string {
  const amount = 20 + (p.variant % 7) * 10;
  const zh = /[\u4e00-\u9fff]/.test(lead.lastName) && p.variant % 3 === 0;
  if (zh) return `您好，我们对这个很感兴趣。我是${lead.title === 'CEO' ? '公司CEO' : '销售负责人'}，负责这次采购决策，预算大约${amount}万元，希望下个月上线。能否本周安排一次电话？`;
  const texts = [
    `Yes, this is timely. I'm the ${lead.title} and I make the call on tools like this. We have a budget of about $${amount}k for fixing lead follow-up this quarter. Could we talk on Thursday?`,
    `Interested. We need to answer inbound leads much faster; I own the decision as ${lead.title}, the budget is around EUR ${amount},000, and we want something live within 60 days. What does a pilot look like?`,
    `Thanks for the note. We are actively looking for a tool to route and follow up leads, budget approved (roughly $${amount},000), and I am the decision maker. Can you send pricing and some times for a demo next week?`,
  ];
  return texts[p.variant % texts.length] as string;
}

function replyBody(p: Persona, lead: SimLead, at: Date, zone: string): { text: string; askedDay?: string } {
  switch (p.kind) {
    case 'interested':
      return { text: interestedText(p, lead) };
    case 'not_now': {
      const [y, m] = localDate(at, zone).split('-').map(Number) as [number, number];
      const month = ((m - 1 + p.monthsAhead) % 12) + 1;
      const year = y + Math.floor((m - 1 + p.monthsAhead) / 12);
      const name = MONTHS[month - 1] as string;
      const texts = [
        `Thanks for reaching out. This is not a priority for us right now, please get back to me in ${name}.`,
        `Not the right time, we are in the middle of a reorganisation. Please get back to me in ${name}.`,
      ];
      return { text: texts[p.variant % texts.length] as string, askedDay: `${year}-${String(month).padStart(2, '0')}-01` };
    }
    case 'referral': {
      const texts = [
        `Thanks, but I'm not the right person for this. Please talk to ${p.referee.name} (${p.referee.email}), who runs our sales operations.`,
        `You should talk to ${p.referee.name} <${p.referee.email}> about this; they own our CRM and lead routing.`,
      ];
      return { text: texts[p.variant % texts.length] as string };
    }
    case 'unsubscribe': {
      const zh = /[\u4e00-\u9fff]/.test(lead.lastName) && p.variant % 2 === 0;
      const texts = ['Please unsubscribe me.', 'Please remove me from your mailing list.', 'Please unsubscribe me from these emails, thanks.'];
      return { text: zh ? '请退订，谢谢。' : (texts[p.variant % texts.length] as string) };
    }
    default:
      throw new Error(`persona ${p.kind} does not write replies`);
  }
}

/** A person's reply to the received message, in the same thread, to its Reply-To address. */
async function personReply(lead: SimLead, got: Received, mail: ParsedMail, at: Date, p: Persona, zone: string): Promise<{ raw: Buffer; envelopeTo: string[]; askedDay?: string }> {
  const variant = 'variant' in p ? p.variant : 0;
  const body = replyBody(p, lead, at, zone);
  const to = addressOf(mail.replyTo) || addressOf(mail.from);
  const raw = await buildRawMessage({
    from: `"${displayName(lead)}" <${lead.email}>`,
    to,
    subject: /^re:/i.test(mail.subject ?? '') ? (mail.subject ?? '') : `Re: ${mail.subject ?? ''}`,
    text: `${body.text}\n\n${quoted(mail, variant % 2 === 0 ? 'gmail' : 'outlook', lead)}\n`,
    messageId: simMessageId(lead, got, 'reply'),
    inReplyTo: mail.messageId ?? got.messageId,
    references: references(mail),
    date: at,
  });
  return { raw, envelopeTo: [to], ...(body.askedDay ? { askedDay: body.askedDay } : {}) };
}

async function outOfOffice(lead: SimLead, got: Received, mail: ParsedMail, at: Date, p: Extract<Persona, { kind: 'out_of_office' }>, zone: string): Promise<{ raw: Buffer; envelopeTo: string[]; returnDay: string | null }> {
  const returnDay = p.awayDays === null ? null : localDate(new Date(got.at.getTime() + p.awayDays * 86_400_000), zone);
  const [, m, d] = (returnDay ?? '0-1-1').split('-').map(Number) as [number, number, number];
  const text =
    p.lang === 'zh'
      ? returnDay
        ? `您好，我目前正在休假，我将于${m}月${d}日返回，届时回复您的邮件。紧急事务请联系我的同事。`
        : '您好，这是一封自动回复。我目前不在办公室，回来后会尽快回复您。'
      : returnDay
        ? `I am out of the office until ${MONTHS[m - 1]} ${d} with limited access to email. I will reply when I am back.`
        : 'I am currently out of the office with limited access to email. I will respond as soon as possible.';
  const to = p.answers === 'reply_to' ? addressOf(mail.replyTo) || addressOf(mail.from) : addressOf(mail.from);
  const threaded = p.answers !== 'sender_unthreaded';
  const raw = await buildRawMessage({
    from: `"${displayName(lead)}" <${lead.email}>`,
    to,
    subject: `${p.lang === 'zh' ? '自动回复' : 'Automatic reply'}: ${mail.subject ?? ''}`,
    text,
    messageId: simMessageId(lead, got, 'ooo'),
    ...(threaded ? { inReplyTo: mail.messageId ?? got.messageId, references: references(mail) } : {}),
    date: at,
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  });
  return { raw, envelopeTo: [to], returnDay };
}

function originalHeaders(mail: ParsedMail, got: Received, lead: SimLead): string {
  return [`Message-ID: ${mail.messageId ?? got.messageId}`, `From: ${mail.from?.text ?? got.mailbox}`, `To: ${lead.email}`, `Subject: ${mail.subject ?? ''}`, `Date: ${(mail.date ?? got.at).toUTCString()}`, ''].join('\r\n');
}

/** An RFC 5965 abuse report from the recipient's mailbox provider (a feedback loop). */
async function complaint(lead: SimLead, got: Received, mail: ParsedMail, at: Date): Promise<Buffer> {
  const provider = `fbl.${domainOf(lead.email)}`;
  const root = new MimeNode('multipart/report; report-type=feedback-report', { newline: 'win', hostname: provider });
  root.setHeader({
    From: `Feedback Loop <feedback@${provider}>`,
    To: got.mailbox,
    Subject: 'Abuse report',
    Date: at,
    'Message-ID': simMessageId(lead, got, 'arf'),
    'MIME-Version': '1.0',
  });
  root.createChild('text/plain; charset=us-ascii').setContent(`This is an email abuse report for a message received from ${got.mailbox}.\r\n`);
  root
    .createChild('message/feedback-report')
    .setContent(['Feedback-Type: abuse', 'User-Agent: BatonSimulator/1.0', 'Version: 1', `Original-Mail-From: <${got.mailbox}>`, `Original-Rcpt-To: <${lead.email}>`, `Arrival-Date: ${got.at.toUTCString()}`, ''].join('\r\n'));
  root.createChild('text/rfc822-headers').setContent(originalHeaders(mail, got, lead));
  return root.build();
}

/**
 * The reaction of `lead` to the message it got, or null (silent, or not this message). `zone` is the
 * person's time zone (where "back on the 20th" is meant).
 */
export async function reactionTo(lead: SimLead, got: Received, zone: string): Promise<Reaction | null> {
  const p = lead.persona;
  if (!reactsTo(p, got.n)) return null;
  const mail = await simpleParser(got.raw);
  const at = new Date(got.at.getTime() + ('delayMin' in p ? p.delayMin : 60) * MINUTE);
  const base = { at, persona: p.kind };
  switch (p.kind) {
    case 'silent':
      return null;
    case 'interested':
    case 'not_now':
    case 'referral': {
      const r = await personReply(lead, got, mail, at, p, zone);
      return { ...base, fact: 'reply', ownMessageId: simMessageId(lead, got, 'reply'), ...(r.askedDay ? { askedDay: r.askedDay } : {}), action: { kind: 'mail', raw: r.raw, envelopeTo: r.envelopeTo } };
    }
    case 'unsubscribe': {
      if (p.via === 'reply') {
        const r = await personReply(lead, got, mail, at, p, zone);
        return { ...base, fact: 'opt_out', optOut: 'reply', ownMessageId: simMessageId(lead, got, 'reply'), action: { kind: 'mail', raw: r.raw, envelopeTo: r.envelopeTo } };
      }
      const list = listUnsubscribe(got.raw);
      if (p.via === 'one_click') {
        if (!list.token) throw new Error(`message ${got.messageId} has no one-click unsubscribe link`);
        return { ...base, fact: 'opt_out', optOut: 'one_click', ownMessageId: null, action: { kind: 'one_click', token: list.token } };
      }
      if (p.via === 'mailto') {
        if (!list.mailto) throw new Error(`message ${got.messageId} has no mailto unsubscribe address`);
        const raw = await buildRawMessage({ from: lead.email, to: list.mailto, subject: 'unsubscribe', text: 'This message was automatically generated by the mail client to unsubscribe.', messageId: simMessageId(lead, got, 'unsub'), date: at });
        return { ...base, fact: 'opt_out', optOut: 'mailto', ownMessageId: simMessageId(lead, got, 'unsub'), action: { kind: 'mail', raw, envelopeTo: [list.mailto] } };
      }
      return { ...base, fact: 'opt_out', optOut: 'complaint', ownMessageId: simMessageId(lead, got, 'arf'), action: { kind: 'mail', raw: await complaint(lead, got, mail, at), envelopeTo: [got.mailbox] } };
    }
    case 'out_of_office': {
      const r = await outOfOffice(lead, got, mail, at, p, zone);
      return { ...base, fact: 'auto_reply', ownMessageId: simMessageId(lead, got, 'ooo'), returnDay: r.returnDay, action: { kind: 'mail', raw: r.raw, envelopeTo: r.envelopeTo } };
    }
    case 'bounce': {
      const status = p.hard ? '5.1.1' : '4.2.2';
      const diagnostic = p.hard ? `smtp; 550 5.1.1 <${lead.email}>: Recipient address rejected: User unknown in virtual mailbox table` : `smtp; 452 4.2.2 <${lead.email}>: Mailbox full`;
      const raw = await buildDsn({
        reportingMta: `mx.${domainOf(lead.email)}`,
        originalMessageId: mail.messageId ?? got.messageId,
        recipient: lead.email,
        status,
        diagnostic,
        action: 'failed',
        to: got.mailbox,
        date: at,
        originalHeaders: originalHeaders(mail, got, lead),
        messageId: simMessageId(lead, got, 'dsn'),
      });
      return { ...base, fact: p.hard ? 'hard_bounce' : 'soft_bounce', ownMessageId: simMessageId(lead, got, 'dsn'), action: { kind: 'mail', raw, envelopeTo: [got.mailbox] } };
    }
  }
}
