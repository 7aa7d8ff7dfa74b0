import { firstAddress, ownLookup, squeeze, type NoticeReader, type NoticeRecipient } from '../notice.ts';

/**
 * IBM/HCL Domino ("Your message ... was not delivered to: ... because: ...") and Lotus Notes
 * ("------- Failure Reasons --------") notices, in English and in Japanese.
 */

export const readDomino: NoticeReader = (notice) => {
  const lines = notice.text.split('\n');
  const notDelivered = lines.findIndex((l) => /was not delivered to:|は、次のあて先に配信されませんでした/.test(l));
  if (notDelivered < 0) return null;
  const because = lines.findIndex((l, i) => i > notDelivered && /^\s*because:|^\s*理由:/.test(l));
  const recipient = firstAddress(lines.slice(notDelivered + 1, because < 0 ? notDelivered + 4 : because).join(' '));
  if (recipient === '') return null;
  const diagnostic = squeeze(because < 0 ? '' : lines.slice(because + 1, because + 6).join(' '));
  return [{ recipient, diagnostic, stated: ownLookup(diagnostic) }];
};

export const readNotes: NoticeReader = (notice) => {
  const lines = notice.text.split('\n');
  const start = lines.findIndex((l) => /^-+\s*Failure Reasons\s*-+/.test(l));
  if (start < 0) return null;
  const body = lines.slice(start + 1);
  const addressAt = body.findIndex((l) => firstAddress(l) !== '');
  if (addressAt < 0) return null;
  const diagnostic = squeeze(body.slice(0, addressAt).join(' '));
  const out: NoticeRecipient = { recipient: firstAddress(body[addressAt] ?? ''), diagnostic, stated: ownLookup(diagnostic) };
  return [out];
};
