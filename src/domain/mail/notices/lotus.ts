import { firstAddress, squeeze, type NoticeReader, type NoticeRecipient } from '../notice.ts';
import type { BounceReason } from '../reasons.ts';

/**
 * IBM/HCL Domino ("Your message ... was not delivered to: ... because: ...") and Lotus Notes
 * ("------- Failure Reasons --------") notices, in English and in Japanese.
 */

const DOMINO_REASONS: readonly [BounceReason, RegExp][] = [
  ['userunknown', /not listed in Domino Directory|not listed in public Name & Address Book|Domino ディレクトリには見つかりません|No such user/i],
  ['filtered', /Cannot route mail to user/i],
  ['systemerror', /Several matches found in Domino Directory/i],
  ['networkerror', /Unable to find a route to the destination/i],
];

export const readDomino: NoticeReader = (notice) => {
  const lines = notice.text.split('\n');
  const notDelivered = lines.findIndex((l) => /was not delivered to:|は、次のあて先に配信されませんでした/.test(l));
  if (notDelivered < 0) return null;
  const because = lines.findIndex((l, i) => i > notDelivered && /^\s*because:|^\s*理由:/.test(l));
  const recipient = firstAddress(lines.slice(notDelivered + 1, because < 0 ? notDelivered + 4 : because).join(' '));
  if (recipient === '') return null;
  const diagnostic = squeeze(because < 0 ? '' : lines.slice(because + 1, because + 6).join(' '));
  const stated = DOMINO_REASONS.find(([, re]) => re.test(diagnostic))?.[0] ?? '';
  return [{ recipient, diagnostic, stated }];
};

export const readNotes: NoticeReader = (notice) => {
  const lines = notice.text.split('\n');
  const start = lines.findIndex((l) => /^-+\s*Failure Reasons\s*-+/.test(l));
  if (start < 0) return null;
  const body = lines.slice(start + 1);
  const addressAt = body.findIndex((l) => firstAddress(l) !== '');
  if (addressAt < 0) return null;
  const diagnostic = squeeze(body.slice(0, addressAt).join(' '));
  const stated = DOMINO_REASONS.find(([, re]) => re.test(diagnostic))?.[0] ?? '';
  const out: NoticeRecipient = { recipient: firstAddress(body[addressAt] ?? ''), diagnostic, stated };
  return [out];
};
