import { isAddress, originalRecipient, squeeze, type NoticeReader, type NoticeRecipient } from '../notice.ts';
import { commandIn } from './commands.ts';

/**
 * Postfix's human-readable part (bounce(5) templates), also used by many Postfix-based providers:
 *
 *     <kijitora@example.jp>: host mx.example.jp[192.0.2.153] said: 550 5.1.1
 *         <kijitora@example.jp>... User Unknown (in reply to RCPT TO command)
 *
 * The RFC 3464 part of the same notice often lacks the command, or the whole reply.
 */
const INTRO = /^\s*(?:This is the (?:Postfix program|mail system)|The (?:Postfix |mail system|\S+ program))|I'm sorry to have to inform you that (?:your|the) message/i;

export const readPostfix: NoticeReader = (notice) => {
  const lines = notice.text.split('\n');
  const start = lines.findIndex((l) => INTRO.test(l));
  if (start < 0 && !/Undelivered Mail Returned to Sender|SMTP server: errors from/i.test(notice.subject)) return null;
  const found: { recipient: string; lines: string[] }[] = [];
  let current: { recipient: string; lines: string[] } | undefined;
  for (const line of lines.slice(Math.max(start, 0))) {
    // "<a@b> (expanded from <c@d>): ..." or "<a@b>: ..."
    const m = /^<([^<>\s]+)>(?:\s*\(expanded from <[^>]*>\))?\s*:\s*(.*)$/.exec(line);
    if (m && isAddress(m[1] ?? '')) {
      current = { recipient: (m[1] ?? '').toLowerCase(), lines: [m[2] ?? ''] };
      found.push(current);
      continue;
    }
    if (current && /^\s+\S/.test(line)) current.lines.push(line.trim());
    else current = undefined;
  }
  if (found.length === 0) {
    // bounce_notify_util.c: "--- Delivery report unavailable ---": the original's recipient, no reason given.
    const recipient = /--- Delivery report unavailable ---/i.test(notice.text) ? originalRecipient(notice) : '';
    return recipient === '' ? null : [{ recipient, diagnostic: '' }];
  }
  return found.map((f): NoticeRecipient => {
    const diagnostic = squeeze(f.lines.join(' '));
    const command = commandIn(diagnostic) || (/refused to talk to me:/.test(diagnostic) ? 'HELO' : '');
    return { recipient: f.recipient, diagnostic, command, fullReply: true };
  });
};
