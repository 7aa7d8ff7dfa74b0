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

/** qmail's own error texts (qmail-local.c, qmail-remote.c, error_str.c, qmail-ldap) and their reasons. */
const MESSAGES: readonly [BounceReason, RegExp][] = [
  ['hostunknown', /Sorry, I couldn't find any host /],
  ['mailboxfull', /disk quota exceeded/],
  ['mesgtoobig', /Message size exceeds fixed maximum message size:/],
  ['networkerror', /Sorry, I wasn't able to establish an SMTP connection|Sorry\. Although I'm listed as a best-preference MX or A for that host/],
  ['notaccept', /Sorry, I couldn't find a mail exchanger or IP address/],
  ['systemerror', /bad interpreter: No such file or directory|system error|Unable to|Automatic homedir creator crashed|Illegal value in LDAP attribute|LDAP attribute is not given but mandatory|Timeout while performing search on LDAP server|Too many results returned but needs to be unique|error while executing qmail-forward|error in automatic homedir creation|Temporary failure in LDAP lookup|Unable to contact LDAP server|Unable to login into LDAP server/],
  ['systemfull', /Requested action not taken: mailbox unavailable \(not enough free space\)/],
  ['exceedlimit', /The message exeeded the maximum size the user accepts/],
  ['suspend', /Mailaddress is administrativ\w* disabled/],
  ['userunknown', /no mailbox here by that name/],
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
    else {
      // "Remote host said:" carries the remote reply; qmail's own words are checked there first.
      const said = f.lines.find((l) => l.startsWith('Remote host said:')) ?? '';
      for (const text of [said, diagnostic]) {
        stated = MESSAGES.find(([, re]) => re.test(text))?.[0] ?? '';
        // Retried until the queue lifetime ran out: the message expired, whatever failed on the way.
        if ((stated === '' || stated === 'networkerror') && /this message has been in the queue too long\./.test(text)) stated = 'expired';
        if (stated !== '') break;
      }
    }
    return { recipient: f.recipient, diagnostic, command: command || commandIn(diagnostic), stated };
  });
};
