import { commandFromPhrase, findSmtpCommand, type SmtpCommand } from '../smtp-command.ts';

/**
 * How notices name the SMTP command the remote server answered: Postfix "(in reply to RCPT TO
 * command)", Exim "SMTP error from remote mail server after RCPT TO:", Sendmail ">>> RCPT To:",
 * qmail "does not like recipient", GMX "after RCPT command", 1&1 "for TEXT command".
 */
const NAMED: readonly RegExp[] = [
  /in reply to (?:the )?([A-Z][A-Za-z]*(?: [A-Z]+)?|end of data) command/i,
  /(?:SMTP|LMTP) error from remote (?:mail server|mailer|server) after (RCPT TO|MAIL FROM|RCPT|MAIL|DATA|end of data|initial connection|HELO|EHLO|STARTTLS|AUTH|pipelined \w+)/i,
  /error from remote server (?:after|for) (\w+(?: \w+)?) command/i,
  /(?:after|for) (RCPT|MAIL|DATA|TEXT|HELO|EHLO) command/i,
  /^\s*>>> (RCPT|MAIL|DATA|HELO|EHLO|STARTTLS|AUTH|QUIT)/im,
  /did not like our (RCPT TO|MAIL FROM|final DATA|DATA|EHLO|HELO|greeting)/i,
  /SMTP:(RCPT|MAIL|DATA|HELO|EHLO)/,
  /Sent <<< (RCPT|MAIL|DATA|HELO|EHLO)/,
];

/** The command a notice's diagnostic names, '' when it names none. */
export function commandIn(text: string): SmtpCommand | '' {
  for (const re of NAMED) {
    const m = re.exec(text);
    if (m?.[1]) {
      const c = commandFromPhrase(m[1]);
      if (c !== '') return c;
    }
  }
  if (/does not like recipient|most progress was RCPT TO/i.test(text)) return 'RCPT';
  if (/failed after I sent the message|failed on DATA command/i.test(text)) return 'DATA';
  if (/but sender was rejected/i.test(text)) return 'MAIL';
  if (/but my name was rejected|refused to talk to me/i.test(text)) return 'HELO';
  return findSmtpCommand(text);
}
