import { firstAddress, isAddress, ownLookup, squeeze, type NoticeReader, type NoticeRecipient } from '../notice.ts';
import type { BounceReason } from '../reasons.ts';

/**
 * Microsoft Exchange 2000/2003 notices ("did not reach the following recipient(s)") with their
 * MSEXCH:IMS status codes, and Exchange Online / Office 365 notices sent without an RFC 3464 part
 * ("Delivery has failed to these recipients or groups" ... "Remote Server returned '550 5.1.10 ...'").
 */

export const readExchange2003: NoticeReader = (notice) => {
  const lines = notice.text.split('\n');
  const start = lines.findIndex((l) => /did not reach the following recipient\(s\)|did not reach the following recipients?:/i.test(l));
  if (start < 0) return null;
  const found: { recipient: string; lines: string[] }[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') continue;
    // "kijitora@example.co.jp on Thu, 29 Apr 2007 16:51:51 -0500"
    // "kijitora@example.co.jp on Thu, 29 Apr 2007 ...", "c=US;a= ;p=neko;o=kijitora;cat:SMTP=NEKO@EXAMPLE.COM; on Fri, ..."
    const m = /:smtp=([^;\s]+@[^;\s]+);\s*on\s/i.exec(line) ?? /^\s{0,2}(\S+@\S+?)\s+on\s+\S/.exec(line) ?? /^\s{0,2}<?([^\s<>]+@[^\s<>]+)>?\s*$/.exec(line);
    if (m && isAddress((m[1] ?? '').toLowerCase())) {
      found.push({ recipient: (m[1] ?? '').toLowerCase(), lines: [] });
      continue;
    }
    found[found.length - 1]?.lines.push(line.trim());
  }
  if (found.length === 0) return null;
  return found.map((f): NoticeRecipient => {
    const diagnostic = squeeze(f.lines.join(' '));
    return { recipient: f.recipient, diagnostic, stated: ownLookup(diagnostic) };
  });
};

export const readOffice365Text: NoticeReader = (notice) => {
  const text = notice.text;
  if (!/Delivery has failed to these recipients or groups|Your message (?:to .* )?couldn't be delivered|Remote Server returned '/i.test(text)) return null;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /Delivery has failed to these recipients or groups|couldn't be delivered/i.test(l));
  const recipient = firstAddress(lines.slice(start + 1).find((l) => firstAddress(l) !== '') ?? '');
  if (recipient === '') return null;
  const returned = /Remote Server returned '([^']*)'/i.exec(text)?.[1] ?? '';
  const explanation = lines.slice(start + 2, start + 6).join(' ');
  return [{ recipient, diagnostic: squeeze(`${returned} ${returned ? '' : explanation}`) }];
};

/** Exchange's enhanced NDR subcodes ("550 5.1.1 RESOLVER.ADR.RecipNotFound; not found") and their meaning. */
const NDR_CODES: Readonly<Record<string, BounceReason>> = {
  'smtpsend.dns.nonexistentdomain': 'hostunknown',
  'smtpsend.dns.mxloopback': 'networkerror',
  'resolver.adr.badprimary': 'systemerror',
  'resolver.adr.recipnotfound': 'userunknown',
  'resolver.adr.recipientnotfound': 'userunknown',
  'resolver.adr.exrecipnotfound': 'userunknown',
  'resolver.adr.reciplimit': 'toomanyconn',
  'resolver.adr.invalidinsmtp': 'systemerror',
  'resolver.adr.ambiguous': 'systemerror',
  'resolver.rst.authrequired': 'securityerror',
  'resolver.rst.notauthorized': 'rejected',
  'resolver.rst.recipsizelimit': 'exceedlimit',
  'queue.expired': 'expired',
};

/** The reason an Exchange NDR subcode in a diagnostic names, '' when there is none. */
export function exchangeNdrReason(diagnostic: string): BounceReason | '' {
  const m = /\b((?:RESOLVER|SMTPSEND|QUEUE)\.[A-Za-z]+(?:\.[A-Za-z]+)?)\s*;/.exec(diagnostic);
  return m ? (NDR_CODES[(m[1] ?? '').toLowerCase()] ?? '') : '';
}
