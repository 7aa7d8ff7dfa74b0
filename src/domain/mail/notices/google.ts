import { header } from '../message.ts';
import { addressesIn, firstAddress, isAddress, originalRecipient, squeeze, type NoticeReader, type NoticeRecipient } from '../notice.ts';
import type { BounceReason } from '../reasons.ts';

/**
 * Gmail's plain-text notices (mailer-daemon@googlemail.com, "Delivery Status Notification"):
 *
 *     Delivery to the following recipient failed permanently:
 *
 *          kijitora@example.jp
 *
 *     Technical details of permanent failure:
 *     Google tried to deliver your message, but it was rejected by the recipient domain. ...
 *     The error that the other server returned was: 550 550 5.1.1 <...>: User unknown (state 14).
 *
 * and Google Groups' refusal to post, which names the group only in X-Failed-Recipients.
 */

function fromGoogle(fromHeader: string, subject: string): boolean {
  return /mailer-daemon@googlemail\.com|mailer-daemon@google\.com/i.test(fromHeader) && /Delivery Status Notification/i.test(subject);
}

export const readGmail: NoticeReader = (notice) => {
  if (!fromGoogle(notice.fromHeader, notice.subject)) return null;
  const lines = notice.text.split('\n');
  const start = lines.findIndex((l) => /^\s*Delivery to the following recipients? /.test(l));
  if (start < 0) return null;
  const found: { recipient: string; lines: string[] }[] = [];
  for (const line of lines.slice(start)) {
    if (line.trim() === '') continue;
    const candidate = line.trim().replace(/^<|>$/g, '').toLowerCase();
    if (/^\s/.test(line) && isAddress(candidate)) {
      found.push({ recipient: candidate, lines: [] });
      continue;
    }
    // The heading lines count as the first recipient's diagnostic ("has been delayed").
    if (found.length === 0) found.push({ recipient: '', lines: [] });
    found[found.length - 1]?.lines.push(line.trim());
  }
  const heading = found[0]?.recipient === '' ? (found.shift()?.lines ?? []) : [];
  if (found.length === 0) return null;
  return found.map((f): NoticeRecipient => {
    const diagnostic = squeeze([...heading, ...f.lines].join(' '));
    return { recipient: f.recipient, diagnostic };
  });
};

/** Google Groups: a post refused because the group does not exist or does not accept it. */
export const readGoogleGroups: NoticeReader = (notice) => {
  if (!fromGoogle(notice.fromHeader, notice.subject) || !/Google Groups/.test(notice.text)) return null;
  const failed = addressesIn(header(notice.message.headers, 'x-failed-recipients'));
  if (failed.length === 0) return null;
  const paragraphs = notice.text.split(/\n\s*\n/);
  const diagnostic = squeeze(paragraphs.slice(0, 4).join(' '));
  // The four bullet points of the standard refusal: misspelt, removed, members only, closed to posting.
  const bullets = (notice.text.match(/\n ?\*/g) ?? []).length;
  const stated: BounceReason = bullets === 4 ? 'rejected' : 'onhold';
  return failed.map((recipient) => ({ recipient, diagnostic, stated }));
};

/**
 * Google Workspace's own refusals ("** Message not delivered **", "** Address not found **"), which
 * carry no RFC 3464 part and name the recipient only in the returned original.
 */
export const readGoogleWorkspace: NoticeReader = (notice) => {
  if (!fromGoogle(notice.fromHeader, notice.subject)) return null;
  const lines = notice.text.split('\n');
  const start = lines.findIndex((l) => /^\*\* .+ \*\*\s*$/.test(l));
  if (start < 0) return null;
  const recipient = originalRecipient(notice) || firstAddress(lines.slice(start).join(' '));
  if (recipient === '') return null;
  const diagnostic = squeeze(lines.slice(start).filter((l) => !/^Content-Type:/i.test(l)).join(' '));
  // Google's fixed sentence when the recipient's server had no such mailbox (its DNS failures say "domain").
  const stated: BounceReason | '' = /because the address couldn't be found/i.test(diagnostic) ? 'userunknown' : '';
  return [{ recipient, diagnostic, stated }];
};
