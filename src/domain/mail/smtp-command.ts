/**
 * The SMTP command at which a delivery failed (RFC 5321 section 4.1). It matters for the verdict:
 * "user unknown" answered to RCPT TO means the address does not exist, while the same words after
 * DATA come from a content filter that pretends so.
 */

/** SMTP stage; CONN stands for the greeting, before any command. */
export type SmtpCommand = 'CONN' | 'HELO' | 'EHLO' | 'STARTTLS' | 'AUTH' | 'MAIL' | 'RCPT' | 'DATA' | 'QUIT' | 'XFORWARD';

/** Commands answered before the message content is sent: a refusal there cannot be a content filter. */
export const BEFORE_DATA: ReadonlySet<SmtpCommand> = new Set<SmtpCommand>(['CONN', 'EHLO', 'HELO', 'MAIL', 'RCPT']);

// In protocol order: when a text names several commands, the furthest stage it reached is the one that failed.
const STAGES: readonly [SmtpCommand, RegExp][] = [
  ['HELO', /(?<![\w@.-])HELO(?![\w@.-])/],
  ['EHLO', /(?<![\w@.-])EHLO(?![\w@.-])/],
  ['STARTTLS', /STARTTLS/],
  ['AUTH', /AUTH (?:PLAIN|LOGIN|CRAM-|DIGEST-)/],
  ['MAIL', /MAIL F/],
  ['RCPT', /(?<![\w@.-])RCPT(?![\w@.-])/],
  ['DATA', /(?<![\w@.-])DATA(?![\w@-]|\.\w)/],
  ['QUIT', /(?<![\w@.-])QUIT(?![\w@.-])/],
  ['XFORWARD', /XFORWARD/],
];

/** The furthest SMTP command a piece of text mentions, '' when none. */
export function findSmtpCommand(text: string): SmtpCommand | '' {
  let found: SmtpCommand | '' = '';
  for (const [command, re] of STAGES) if (re.test(text)) found = command;
  return found;
}

/** Normalise a command name written by an MTA ("RCPT TO", "end of data", "MAIL FROM") to a stage. */
export function commandFromPhrase(phrase: string): SmtpCommand | '' {
  const p = phrase.toUpperCase();
  if (/INITIAL CONNECTION|CONNECT|GREETING|BANNER/.test(p)) return 'CONN';
  if (/END OF DATA|\bDATA\b|TEXT|BODY/.test(p)) return 'DATA';
  return findSmtpCommand(p);
}
