import type { OutboundEmail } from '../mail-ports.ts';
import type { Lead } from '../../domain/records.ts';
import type { SequenceDefinition } from '../../domain/sequence/definition.ts';
import { renderTemplate, type TemplateValues } from '../../domain/sequence/template.ts';
import type { Mailbox, OutreachSettings } from './deps.ts';
import { leadDisplayName } from '../../domain/lead.ts';

/** Where the unsubscribe link of an enrolment points. */
export function unsubscribeUrl(settings: Pick<OutreachSettings, 'publicUrl'>, token: string): string {
  return `${settings.publicUrl.replace(/\/+$/, '')}/u/${token}`;
}

export const replyAddress = (settings: Pick<OutreachSettings, 'replyDomain'>, token: string) => `reply+${token}@${settings.replyDomain}`;
export const unsubscribeAddress = (settings: Pick<OutreachSettings, 'replyDomain'>, token: string) => `unsubscribe+${token}@${settings.replyDomain}`;

export function newMessageId(id: string, mailbox: Mailbox): string {
  const domain = mailbox.address.split('@')[1] ?? 'baton.local';
  return `<${id}@${domain}>`;
}

export function templateValues(lead: Lead, account: { name: string | null; domain: string } | null, mailbox: Mailbox, def: Pick<SequenceDefinition, 'name'>): TemplateValues {
  const first = mailbox.name.split(/\s+/)[0] ?? '';
  return {
    'lead.first_name': lead.firstName,
    'lead.last_name': lead.lastName,
    'lead.full_name': leadDisplayName(lead),
    'lead.title': lead.title,
    'lead.company': lead.company ?? account?.name ?? null,
    'lead.email': lead.email,
    'lead.country': lead.country,
    'lead.industry': lead.industry,
    'account.name': account?.name ?? lead.company ?? null,
    'account.domain': account?.domain ?? null,
    'sender.name': mailbox.name,
    'sender.first_name': first,
    'sender.email': mailbox.address,
    'sequence.name': def.name,
  };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The whole message of an email step: the rendered template, then the footer every message carries
 * (a visible unsubscribe link and the sender's postal address), and the headers: our Message-ID,
 * threading, the enrolment's Reply-To and RFC 8058 one-click List-Unsubscribe.
 */
export function composeStepEmail(input: {
  def: SequenceDefinition;
  template: string;
  lead: Lead;
  account: { name: string | null; domain: string } | null;
  mailbox: Mailbox;
  token: string;
  messageId: string;
  /** Earlier messages of the thread, oldest first; the last one is replied to. Empty: a new thread. */
  thread: readonly string[];
  /** Subject of the thread's first message, for "Re:" follow-ups. */
  threadSubject: string | null;
  settings: Pick<OutreachSettings, 'publicUrl' | 'replyDomain' | 'postalAddress'>;
  enrolmentId: string;
  /** A checked personal first line from the model (personalise: true), placed after the greeting. */
  opener?: string | null;
}): OutboundEmail {
  const t = input.def.templates[input.template];
  if (!t) throw new Error(`sequence ${input.def.id} has no template ${input.template}`);
  const rendered = renderTemplate(t, templateValues(input.lead, input.account, input.mailbox, input.def));
  const r = input.opener ? { ...rendered, text: withOpener(rendered.text, input.opener) } : rendered;
  const url = unsubscribeUrl(input.settings, input.token);
  const footerText = `--\nNot interested? Unsubscribe with one click: ${url}\n${input.settings.postalAddress}`;
  const paragraphs = r.text.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  const html =
    `<!doctype html><html><body>${paragraphs.join('\n')}\n` +
    `<p style="color:#666;font-size:12px">Not interested? <a href="${escapeHtml(url)}">Unsubscribe</a> with one click.<br>${escapeHtml(input.settings.postalAddress)}</p></body></html>`;
  const following = input.thread.length > 0;
  const subject = following && input.threadSubject ? (/^re:/i.test(input.threadSubject) ? input.threadSubject : `Re: ${input.threadSubject}`) : r.subject;
  return {
    from: input.mailbox.name ? `"${input.mailbox.name.replace(/["\\]/g, '')}" <${input.mailbox.address}>` : input.mailbox.address,
    to: input.lead.email,
    replyTo: replyAddress(input.settings, input.token),
    subject,
    text: `${r.text}\n\n${footerText}\n`,
    html,
    messageId: input.messageId,
    ...(following ? { inReplyTo: input.thread[input.thread.length - 1] as string, references: [...input.thread] } : {}),
    listUnsubscribe: { url, mailto: unsubscribeAddress(input.settings, input.token) },
    headers: { 'X-Baton-Enrolment': input.enrolmentId },
  };
}

/** The opener as the paragraph after the greeting (the first paragraph), or first when there is no greeting. */
export function withOpener(text: string, opener: string): string {
  const paras = text.split(/\n{2,}/);
  const greeting = paras[0] !== undefined && paras[0].length <= 60 && !/[.?!]\s*$/.test(paras[0]);
  return (greeting ? [paras[0], opener, ...paras.slice(1)] : [opener, ...paras]).join('\n\n');
}
