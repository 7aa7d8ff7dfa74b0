import { header } from '../message.ts';
import { firstAddress, originalRecipient, squeeze, type NoticeReader, type NoticeRecipient } from '../notice.ts';
import type { BounceReason } from '../reasons.ts';
import { findSmtpCommand } from '../smtp-command.ts';

/**
 * Notices of Japanese carriers and gateways: au/KDDI (EZweb, au one net), BIGLOBE and the m-FILTER
 * gateway. Their English lines carry the facts; the Japanese lines repeat them.
 */

const EZWEB_MESSAGES: readonly [BounceReason, RegExp][] = [
  ['expired', /Your message was not delivered within /],
  ['mailboxfull', /The user\(s\) account is temporarily over quota/],
  ['suspend', /The user\(s\) account is disabled\.|The user\(s\) account is temporarily limited\./],
  ['onhold', /Each of the following recipients was rejected by a remote mail server/],
];

export const readEzweb: NoticeReader = (notice) => {
  const from = notice.fromHeader;
  const signals = [/Postmaster@(?:ezweb\.ne\.jp|au\.com)/i.test(from), notice.subject === 'Mail System Error - Returned Mail', /\.(?:ezweb\.ne\.jp|au\.com)>/.test(header(notice.message.headers, 'message-id'))];
  if (signals.filter(Boolean).length < 2) return null;
  // The Japanese lines repeat the English ones; only ASCII lines are read.
  const lines = notice.text.split('\n').filter((l) => l.trim() !== '' && !/[^\t -~]/.test(l));
  const out: { recipient: string; lines: string[] }[] = [];
  for (const line of lines) {
    const m = /(?:Recipient: |^)<([^<>\s]+@[^<>\s]+)>/.exec(line);
    if (m && (line.startsWith('<') || /Recipient: </.test(line))) {
      out.push({ recipient: (m[1] ?? '').toLowerCase(), lines: [line.trim()] });
      continue;
    }
    if (out.length === 0) out.push({ recipient: '', lines: [] });
    out[out.length - 1]?.lines.push(line.trim());
  }
  const preamble = out[0]?.recipient === '' ? (out.shift()?.lines ?? []) : [];
  if (out.length === 0) {
    const recipient = originalRecipient(notice);
    if (recipient === '') return null;
    out.push({ recipient, lines: [] });
  }
  return out.map((r): NoticeRecipient => {
    const diagnostic = squeeze([...preamble, ...r.lines].join(' '));
    const sent = r.lines.find((l) => l.startsWith('>>>')) ?? '';
    // "X-SPASIGN: NG" marks a message the recipient's spam filter refused.
    let stated: BounceReason | '' = header(notice.message.headers, 'x-spasign') === 'NG' ? 'filtered' : (EZWEB_MESSAGES.find(([, re]) => re.test(diagnostic))?.[0] ?? '');
    if (stated === '' && !/@(?:ezweb\.ne\.jp|au\.com)$/.test(r.recipient) && diagnostic.startsWith('<')) stated = 'userunknown';
    return { recipient: r.recipient, diagnostic, command: findSmtpCommand(sent || diagnostic), stated };
  });
};

/** au one net (KDDI): "Could not be delivered to: <...> As their mailbox is full." */
export const readKddi: NoticeReader = (notice) => {
  const m = /Could not be delivered to:\s*<([^<>\s]+)>/.exec(notice.text);
  if (!m || !/Your mail sent on:/.test(notice.text)) return null;
  const after = notice.text.slice((m.index ?? 0) + m[0].length);
  const diagnostic = squeeze(after.split(/\n\s*\n/)[0] ?? '');
  const stated: BounceReason | '' = /As their mailbox is full/i.test(diagnostic) ? 'mailboxfull' : /Due to the following SMTP relay error/i.test(diagnostic) ? 'systemerror' : /unknown user/i.test(diagnostic) ? 'userunknown' : '';
  return [{ recipient: (m[1] ?? '').toLowerCase(), diagnostic, stated }];
};

/** BIGLOBE: "The following addresses had delivery problems" / "Non-delivered information". */
export const readBiglobe: NoticeReader = (notice) => {
  const text = notice.text;
  const list = /-+\s*The following addresses had delivery problems\s*-+\s*\n([\s\S]*?)\n\s*-+\s*Non-delivered information\s*-+\s*\n([\s\S]*)/.exec(text);
  if (!list) return null;
  const recipient = firstAddress(list[1] ?? '');
  if (recipient === '') return null;
  const diagnostic = squeeze(list[2] ?? '');
  const stated: BounceReason | '' = /mailbox exceeded the local limit|over quota/i.test(diagnostic) ? 'mailboxfull' : /user unknown|unknown user/i.test(diagnostic) ? 'userunknown' : '';
  return [{ recipient, diagnostic, stated }];
};

/** m-FILTER (Digital Arts): "-------server message" and "-------SMTP command" sections. */
export const readMfilter: NoticeReader = (notice) => {
  const text = notice.text;
  if (!/-{3,}server message/.test(text)) return null;
  const lines = text.split('\n');
  const serverAt = lines.findIndex((l) => /^-{3,}server message/.test(l));
  const recipient = firstAddress(lines.slice(0, serverAt).reverse().find((l) => firstAddress(l) !== '') ?? '');
  if (recipient === '') return null;
  const section = (name: RegExp): string[] => {
    const at = lines.findIndex((l) => name.test(l));
    if (at < 0) return [];
    const rest = lines.slice(at + 1);
    const end = rest.findIndex((l) => /^-{3,}/.test(l));
    return (end < 0 ? rest : rest.slice(0, end)).filter((l) => l.trim() !== '');
  };
  const diagnostic = squeeze(section(/^-{3,}server message/).join(' '));
  const command = findSmtpCommand(section(/^-{3,}SMTP command/).join(' ').toUpperCase());
  return [{ recipient, diagnostic, command }];
};
