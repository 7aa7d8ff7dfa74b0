import { header } from '../message.ts';
import { addressesIn, firstAddress, isAddress, originalRecipient, squeeze, type NoticeReader, type NoticeRecipient } from '../notice.ts';
import type { BounceReason } from '../reasons.ts';
import { commandIn } from './commands.ts';

/** Smaller MTAs and gateways whose notices have a fixed, documented layout. */

/** DragonFly Mail Agent (dma): "There was an error delivering your mail to <...>." */
export const readDragonFly: NoticeReader = (notice) => {
  const m = /There was an error delivering your mail to <([^<>\s]+)>\.?/.exec(notice.text);
  if (!m) return null;
  const after = notice.text.slice((m.index ?? 0) + m[0].length).trim();
  const diagnostic = squeeze(after.split(/\n\s*\n/).slice(0, 2).join(' '));
  const stated: BounceReason | '' = /Could not deliver for the last \d+ seconds|Giving up/i.test(diagnostic) ? 'expired' : '';
  return [{ recipient: (m[1] ?? '').toLowerCase(), diagnostic, command: commandIn(diagnostic), stated }];
};

/** OpenSMTPD: "recipient@example.jp: 550 5.1.1 ..." lines under "the following list of recipients". */
export const readOpenSmtpd: NoticeReader = (notice) => {
  const text = notice.text;
  if (!/This is the MAILER-DAEMON, please DO NOT REPLY to this e-?mail/i.test(text)) return null;
  const out: NoticeRecipient[] = [];
  for (const line of text.split('\n')) {
    const m = /^([^\s<>:]+@[^\s<>:]+):\s+(.*)$/.exec(line);
    if (!m || !isAddress(m[1] ?? '')) continue;
    const diagnostic = squeeze(m[2] ?? '');
    out.push({ recipient: (m[1] ?? '').toLowerCase(), diagnostic, action: /delayed for more than|temporary failure/i.test(text) ? 'delayed' : '' });
  }
  return out.length > 0 ? out : null;
};

/** Ipswitch IMail Server: "Unknown user: kijitora@example.com" and similar single lines. */
export const readIMail: NoticeReader = (notice) => {
  if (!/^Undeliverable Mail\b/.test(notice.subject) || /Additional Information/.test(notice.text)) return null;
  const m = /^(Unknown user|User mailbox exceeds allowed size|Requested action not taken: mailbox unavailable|Delivery failed \d+ attempts|Host unknown|Unknown host)\s*:\s*(\S+@\S+)/im.exec(notice.text) ?? /^([^:\n]{3,80}):\s*(\S+@\S+)\s*$/m.exec(notice.text);
  if (!m || !isAddress((m[2] ?? '').toLowerCase())) return null;
  const what = m[1] ?? '';
  const stated: BounceReason | '' = /unknown user/i.test(what) ? 'userunknown' : /exceeds allowed size/i.test(what) ? 'mailboxfull' : /delivery failed/i.test(what) ? 'expired' : /host/i.test(what) ? 'hostunknown' : '';
  return [{ recipient: (m[2] ?? '').toLowerCase(), diagnostic: squeeze(m[0]), stated }];
};

/** MailFoundry: "Unable to deliver message to: <...>" then "Delivery failed for the following reason:". */
export const readMailFoundry: NoticeReader = (notice) => {
  const m = /Unable to deliver message to: <([^<>\s]+)>/.exec(notice.text);
  const why = /Delivery failed for the following reason:\s*\n([\s\S]*?)(?:\n\s*\n|$)/.exec(notice.text);
  if (!m || !why) return null;
  return [{ recipient: (m[1] ?? '').toLowerCase(), diagnostic: squeeze(why[1] ?? '') }];
};

/** Trustwave/Marshal MailMarshal: "Could not be delivered because of" ... "The following recipients were affected:". */
export const readMailMarshal: NoticeReader = (notice) => {
  const text = notice.text;
  const because = /Could not be delivered because of\s*\n([\s\S]*?)\n\s*\n/.exec(text);
  const affected = /The following recipients were affected:\s*\n([\s\S]*?)(?:\n\s*\n|$)/.exec(text);
  if (!because || !affected) return null;
  const diagnostic = squeeze(because[1] ?? '');
  const out = addressesIn(affected[1] ?? '').map((recipient) => ({ recipient, diagnostic }));
  return out.length > 0 ? out : null;
};

/** Verizon Wireless MMS gateway (vzwpix.com): "Message could not be delivered to mobile." */
export const readVerizon: NoticeReader = (notice) => {
  if (!/Message could not be delivered to mobile/i.test(notice.text) && !/vzwpix\.com|vtext\.com/i.test(notice.fromHeader)) return null;
  const error = /Error:\s*(.*)/.exec(notice.text)?.[1] ?? '';
  const recipient = firstAddress(/^To:\s*(.*)$/im.exec(notice.text)?.[1] ?? '') || originalRecipient(notice);
  if (recipient === '' || error === '') return null;
  const stated: BounceReason | '' = /No valid recipients for this MM/i.test(error) ? 'userunknown' : '';
  return [{ recipient, diagnostic: squeeze(error), stated }];
};

/** Trend Micro InterScan MSS: "Sent <<< RCPT TO:<...>" / "Received >>> 550 ..." or "Unable to deliver message to <...>". */
export const readInterScan: NoticeReader = (notice) => {
  const text = notice.text;
  const sent = /Sent <<< (RCPT TO|MAIL FROM|DATA)[^\n]*?<?([^<>\s]*@[^<>\s]*)?>?\s*\n\s*Received >>> ([^\n]*)/i.exec(text);
  if (sent) {
    const recipient = (sent[2] ?? '').toLowerCase() || originalRecipient(notice);
    if (recipient !== '') return [{ recipient, diagnostic: squeeze(sent[3] ?? ''), command: commandIn(`>>> ${(sent[1] ?? '').toUpperCase()}`) }];
  }
  const m = /Unable to deliver message to <([^<>\s]+)>/.exec(text);
  // InterScan's own "Unable to deliver message to <...>": it checked the address with the next hop.
  if (m && /InterScan|Message from/i.test(text)) return [{ recipient: (m[1] ?? '').toLowerCase(), diagnostic: squeeze(text.slice(m.index ?? 0).split('\n')[0] ?? ''), stated: 'userunknown' }];
  return null;
};

/** fml mailing-list manager: posts from non-members are refused. */
export const readFml: NoticeReader = (notice) => {
  if (header(notice.message.headers, 'x-mlserver') === '' && !/-admin@|-ctl@/.test(notice.fromHeader + notice.text)) return null;
  if (!/You are not a member of this mailing list|not member|loop-alert|Loop Alert/i.test(notice.text + notice.subject)) return null;
  const list = firstAddress(/mailing list <([^>]+)>/.exec(notice.text)?.[1] ?? '') || originalRecipient(notice);
  if (list === '') return null;
  const stated: BounceReason = /loop/i.test(notice.subject) ? 'systemerror' : 'rejected';
  return [{ recipient: list, diagnostic: squeeze(notice.text.split(/\n\s*\n/)[0] ?? ''), stated }];
};

/** Unnamed MTA "X1": "---The following addresses had delivery errors---" then "addr [reason]". */
export const readDeliveryErrorsList: NoticeReader = (notice) => {
  const m = /-+\s*The following addresses had delivery errors\s*-+\s*\n([\s\S]*?)(?:\n\s*\n|$)/.exec(notice.text);
  if (!m) return null;
  const out: NoticeRecipient[] = [];
  for (const line of (m[1] ?? '').split('\n')) {
    const e = /^\s*<?([^\s<>]+@[^\s<>]+)>?\s*(?:\[(.*)\])?/.exec(line);
    if (e && isAddress((e[1] ?? '').toLowerCase())) out.push({ recipient: (e[1] ?? '').toLowerCase(), diagnostic: squeeze(e[2] ?? line) });
  }
  return out.length > 0 ? out : null;
};

/** Unnamed MTA "X3": "Delevery to the following recipients ..." with "Technical details:". */
export const readTechnicalDetails: NoticeReader = (notice) => {
  const text = notice.text;
  if (!/Dele[lv]ery to the following recipients? (?:was aborted|failed)/i.test(text) || !/Technical details:/i.test(text)) return null;
  const recipients = text.split('\n').map((l) => /^\s*\*\s*(\S+@\S+)/.exec(l)?.[1]?.toLowerCase() ?? '').filter(isAddress);
  const details = squeeze((/Technical details:\s*\n([\s\S]*)/.exec(text)?.[1] ?? '').replace(/={5,}/g, ' '));
  const out = recipients.map((recipient): NoticeRecipient => ({ recipient, diagnostic: details, command: commandIn(details) }));
  return out.length > 0 ? out : null;
};

/** "Delivery failed: addr" blocks with "Remote host said[...]: ..." and "STEP: ..." lines. */
export const readDeliveryFailedBlocks: NoticeReader = (notice) => {
  const m = /^Delivery failed:\s*(\S+@\S+)\s*\n([\s\S]*?)(?:\n\s*\n|$)/m.exec(notice.text);
  if (!m || !isAddress((m[1] ?? '').toLowerCase())) return null;
  const diagnostic = squeeze(m[2] ?? '');
  return [{ recipient: (m[1] ?? '').toLowerCase(), diagnostic, command: commandIn(diagnostic) }];
};

/** Zoho Mail: "[Status: Error, Address: <...>, ResponseCode 421, , Host not reachable.]" or "addr Invalid Address, ERROR_CODE :550, ...". */
export const readZoho: NoticeReader = (notice) => {
  const out: NoticeRecipient[] = [];
  for (const line of notice.text.split('\n')) {
    if (!/^\[Status: |ERROR_CODE :/.test(line)) continue;
    const recipient = firstAddress(line);
    if (recipient === '') continue;
    const diagnostic = squeeze(line);
    out.push({ recipient, diagnostic, stated: /Host not reachable/i.test(diagnostic) ? 'expired' : '' });
  }
  return out.length > 0 ? out : null;
};

/**
 * GMX and 1&1 (mail.com, web.de): unindented entries after "The following address(es) failed:",
 * optionally with "For the following reason:" / "Reason:" and "SMTP error from remote server ...".
 */
export const readGmxStyle: NoticeReader = (notice) => {
  const text = notice.text;
  if (!/The following address(?:\(es\))?\s+failed:/i.test(text.replace(/\n/g, ' '))) return null;
  const lines = text.split('\n');
  const start = lines.findIndex((l, i) => /failed:\s*$/.test(l) || (/^failed:\s*$/.test(l) && i > 0));
  if (start < 0) return null;
  const out: { recipient: string; lines: string[] }[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') continue;
    const m = /^"?<?([^\s<>"]+@[^\s<>":]+)>?"?:?\s*$/.exec(line);
    if (m && isAddress((m[1] ?? '').toLowerCase())) {
      out.push({ recipient: (m[1] ?? '').toLowerCase(), lines: [] });
      continue;
    }
    if (/^(?:For the following reason|Reason):?\s*$/i.test(line.trim())) continue;
    out[out.length - 1]?.lines.push(line.trim());
  }
  if (out.length === 0) return null;
  return out.map((r): NoticeRecipient => {
    const diagnostic = squeeze(r.lines.join(' '));
    return { recipient: r.recipient, diagnostic, command: commandIn(diagnostic) };
  });
};

/** Apache James (AbstractNotify.java): "Error message below:" ... "Message details:" with "  RCPT TO: ...". */
export const readApacheJames: NoticeReader = (notice) => {
  const text = notice.text;
  const details = text.indexOf('Message details:');
  if (details < 0) return null;
  const recipients = [...text.slice(details).matchAll(/^\s+RCPT TO:\s*<?([^\s<>]+@[^\s<>]+)>?/gim)].map((m) => (m[1] ?? '').toLowerCase());
  if (recipients.length === 0) return null;
  const diagnostic = squeeze(text.slice(0, details).replace(/^.*Error message below:/is, ''));
  return recipients.map((recipient) => ({ recipient, diagnostic }));
};

/** "There was an error sending your mail": "SMTP Server <host> rejected recipient <addr> (Error following RCPT command)". */
export const readSmtpServerRejected: NoticeReader = (notice) => {
  const out: NoticeRecipient[] = [];
  for (const line of notice.text.split('\n')) {
    const m = /^SMTP Server <[^>]*> rejected recipient <([^<>\s]+)>(.*)$/.exec(line.trim()) ?? /^The following recipients returned permanent errors: (\S+?)\.?\s*$/.exec(line.trim());
    if (!m || !isAddress((m[1] ?? '').toLowerCase())) continue;
    const at = notice.text.indexOf(line);
    const diagnostic = squeeze(notice.text.slice(at).split(/\n\s*\n/)[0] ?? line);
    out.push({ recipient: (m[1] ?? '').toLowerCase(), diagnostic, command: commandIn(diagnostic) });
  }
  return out.length > 0 ? out : null;
};

/**
 * Smail 3 and its Deutsche Telekom (T-Online) fork: "|---- Failed addresses follow: ----|" then
 * " <addr>" or " addr ... failed: reason".
 */
export const readSmail: NoticeReader = (notice) => {
  const lines = notice.text.split('\n');
  const start = lines.findIndex((l) => /Failed addresses follow:/.test(l));
  if (start < 0) return null;
  const out: { recipient: string; lines: string[] }[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\|?-{5,}/.test(line.trim())) break;
    if (line.trim() === '') continue;
    const m = /^\s<([^<>\s]+@[^<>\s]+)>\s*$/.exec(line) ?? /^\s(\S+@\S+) \.\.\. (.*)$/.exec(line);
    if (m && isAddress((m[1] ?? '').toLowerCase())) {
      out.push({ recipient: (m[1] ?? '').toLowerCase(), lines: m[2] ? [m[2]] : [] });
      continue;
    }
    out[out.length - 1]?.lines.push(line.trim());
  }
  return out.length > 0 ? out.map((r) => ({ recipient: r.recipient, diagnostic: squeeze(r.lines.join(' ')) })) : null;
};
