import { squeeze, type NoticeReader, type NoticeRecipient } from '../notice.ts';
import type { BounceReason } from '../reasons.ts';
import type { SmtpCommand } from '../smtp-command.ts';
import { commandIn } from './commands.ts';

/**
 * qmail-send's "failure notice" (qmail-send.c, qmail-remote.c) and the MTAs that copy its layout
 * (Yahoo, vpopmail, several hosting providers):
 *
 *     Hi. This is the qmail-send program at mx.example.jp.
 *     I'm afraid I wasn't able to deliver your message to the following addresses.
 *
 *     <kijitora@example.jp>:
 *     192.0.2.153 does not like recipient.
 *     Remote host said: 550 5.1.1 <kijitora@example.jp>... User Unknown
 */

const INTRO = /Hi\. This is the qmail|He\/Her is not |unable to deliver your message to the following address|Su mensaje no pudo ser entregado|This is the machine generated message from mail service|This is the mail delivery agent at|Unable to deliver message to the following address|Unfortunately, your mail was not delivered to the following address|Your mail message to the following address|Your message to the following addresses|We're sorry\./i;

/** qmail-remote.c: which command the remote host refused. */
const COMMANDS: readonly [SmtpCommand, RegExp][] = [
  ['CONN', / but greeting failed\./],
  ['EHLO', / but my name was rejected\./],
  ['MAIL', / but sender was rejected\./],
  ['RCPT', / does not like recipient\./],
  ['DATA', / failed on DATA command| failed after I sent the message/],
];

export const readQmail: NoticeReader = (notice) => {
  const lines = notice.text.split('\n');
  const start = lines.findIndex((l) => INTRO.test(l));
  if (start < 0) return null;
  const found: { recipient: string; lines: string[] }[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') continue;
    const m = /^\s*<([^<>\s]+@[^<>\s]+)>\s*:/.exec(line);
    if (m) {
      found.push({ recipient: (m[1] ?? '').toLowerCase(), lines: [] });
      const rest = line.slice(line.indexOf('>:') + 2).trim();
      if (rest) found[found.length - 1]?.lines.push(rest);
      continue;
    }
    found[found.length - 1]?.lines.push(line.trim());
  }
  if (found.length === 0) return null;
  return found.map((f): NoticeRecipient => {
    const diagnostic = squeeze(f.lines.join(' '));
    let command: SmtpCommand | '' = COMMANDS.find(([, re]) => re.test(diagnostic))?.[0] ?? '';
    if (command === '' && /no SMTP connection got far enough/.test(diagnostic)) command = commandIn(diagnostic);
    let stated: BounceReason | '' = '';
    if (command === 'EHLO' || command === 'HELO') stated = 'blocked';
    else if (/ does not like recipient\./.test(diagnostic) && /this message has been in the queue too long\./.test(diagnostic)) stated = 'onhold';
    // qmail-send gave up when the message outlived the queue lifetime: it expired, whatever failed on the way.
    else if (/this message has been in the queue too long\./.test(diagnostic)) stated = 'expired';
    return { recipient: f.recipient, diagnostic, command: command || commandIn(diagnostic), stated };
  });
};
