import { header } from '../message.ts';
import { addressesIn, firstAddress, originalRecipient, squeeze, type Notice, type NoticeReader } from '../notice.ts';
import { findReplyCode, findStatusCode } from '../status-codes.ts';
import { commandIn } from './commands.ts';

/**
 * The last resort for a notice in a layout none of the other readers knows: it must look like a
 * delivery notice (sent by a mailer daemon or postmaster, with a null return path or a notice
 * subject, in English, Chinese, Japanese or a European language); the failed recipient is the first
 * address the text names that is not the notice's own sender or addressee, else X-Failed-Recipients,
 * else the returned original's To:.
 */

const NOTICE_SENDER = /mailer-daemon|postmaster|mail deliver(?:y)? (?:subsystem|system)|notificationrecipients|mail administrator|mdaemon|majordomo|bounce[s]?@|no-?reply@.*(?:bounce|mail)/i;
const NOTICE_SUBJECT = /undeliver|mail failed|\[bounce\]|error sending your mail|undelivered|not delivered|delivery (?:status )?(?:notification|notice|report|failure|failed|problem|has failed)|returned mail|returning message|fail(?:ure|ed)? (?:notice|delivery)|delivery fail|mail delivery|could not be delivered|bounce notification|mail system error|nondeliverable|non[- ]delivery|unzustellbar|non remis|non recapitabile|no entregado|onbestelbaar|退信|系统退信|投递失败|未送达|发送失败|无法送达|配信できません|エラー|送信できません/i;

/** Whether a message is sent like a delivery notice: by a mailer daemon or postmaster, with a notice subject or a null sender. */
export function looksLikeNotice(notice: Notice): boolean {
  const returnPath = header(notice.message.headers, 'return-path');
  const fromDaemon = NOTICE_SENDER.test(notice.fromHeader);
  const subject = NOTICE_SUBJECT.test(notice.subject);
  const nullSender = /^<\s*>$/.test(returnPath.trim());
  return (fromDaemon && (subject || nullSender)) || (subject && nullSender) || (fromDaemon && header(notice.message.headers, 'x-failed-recipients') !== '');
}

/** Lines around the first mention of an address: the usual place of the server's words. */
function around(text: string, address: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.toLowerCase().includes(address));
  if (at < 0) return '';
  const block: string[] = [];
  for (const line of lines.slice(at, at + 12)) {
    if (block.length > 1 && line.trim() === '') break;
    block.push(line.trim());
  }
  return block.join(' ');
}

export const readGeneric: NoticeReader = (notice) => {
  if (!looksLikeNotice(notice)) return null;
  const own = new Set([...addressesIn(notice.fromHeader), ...addressesIn(header(notice.message.headers, 'to')), ...addressesIn(header(notice.message.headers, 'reply-to'))]);
  const sender = addressesIn(header(notice.original, 'from'));
  const skip = (a: string): boolean => own.has(a) || sender.includes(a) || /^(?:postmaster|mailer-daemon|abuse|support|help|noreply|no-reply)@/.test(a);
  const candidates = addressesIn(notice.text).filter((a) => !skip(a));
  const recipient = candidates[0] || firstAddress(header(notice.message.headers, 'x-failed-recipients')) || originalRecipient(notice);
  if (recipient === '') return null;
  // The server's words: the block around the address, else any line with an SMTP code, else the text.
  const near = around(notice.text, recipient);
  const coded = notice.text.split('\n').filter((l) => findStatusCode(l) !== '' || /^\s*[45]\d\d[\s-]/.test(l) || findReplyCode(l).startsWith('5') || findReplyCode(l).startsWith('4'));
  const diagnostic = squeeze([near, ...coded].join(' ')) || squeeze(notice.text.slice(0, 1500));
  return [{ recipient, diagnostic, command: commandIn(diagnostic) }];
};
