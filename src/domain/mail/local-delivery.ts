import type { BounceReason } from './reasons.ts';

/**
 * Local delivery agents (the programs that write into the mailbox after SMTP accepted the message)
 * report their own errors, which end up in the diagnostic of the bounce: dovecot-lda, mail.local,
 * procmail, maildrop, vpopmail's vdelivermail and vmailmgr's vdeliver.
 */
const AGENTS: readonly { readonly marks: readonly string[]; readonly reasons: readonly [BounceReason, readonly string[]][] }[] = [
  {
    // dovecot/src/deliver/deliver.c: "Your message to <%t> was automatically rejected:%n%r"
    marks: ['your message to <', '> was automatically rejected:'],
    reasons: [
      ['mailboxfull', ['not enough disk space', 'quota exceeded', 'quota exceeded (mailbox for user is full)']],
      ['userunknown', ["mailbox doesn't exist: "]],
    ],
  },
  {
    marks: ['mail.local: '],
    reasons: [
      ['mailboxfull', ['disc quota exceeded', 'mailbox full or quota exceeded']],
      ['systemerror', ['temporary file write error']],
      ['userunknown', [': invalid mailbox path', ': unknown user:', ': user missing home directory', ': user unknown']],
    ],
  },
  {
    marks: ['procmail: ', '/procmail '],
    reasons: [
      ['mailboxfull', ['quota exceeded while writing', 'user over quota']],
      ['systemerror', ['service unavailable']],
      ['systemfull', ['no space left to finish writing']],
    ],
  },
  { marks: ['maildrop: '], reasons: [['mailboxfull', ['maildir over quota.']], ['userunknown', ['cannot find system user', 'invalid user specified.']]] },
  {
    marks: ['vdelivermail: '],
    reasons: [
      ['filtered', ['user does not exist, but will deliver to ']],
      ['mailboxfull', ['domain is over quota', 'user is over quota']],
      ['suspend', ['account is locked email bounced']],
      ['userunknown', ['sorry, no mailbox here by that name.']],
    ],
  },
  {
    marks: ['vdeliver: '],
    reasons: [
      ['mailboxfull', ['delivery failed due to system quota violation']],
      ['userunknown', ['invalid or unknown base user or domain', 'invalid or unknown virtual user', 'user name does not refer to a virtual user']],
    ],
  },
];

/**
 * The reason a local delivery agent's message gives, '' when the text is not one. Only for failures
 * after the message was accepted (no SMTP command, or DATA): an agent runs after SMTP is done.
 */
export function localDeliveryReason(text: string, command: string): BounceReason | '' {
  if (text === '' || (command !== '' && command !== 'DATA')) return '';
  const lower = text.toLowerCase();
  const agent = AGENTS.find((a) => a.marks.some((m) => lower.includes(m)));
  if (!agent) return '';
  for (const [reason, phrases] of agent.reasons) if (phrases.some((p) => lower.includes(p))) return reason;
  // procmail: Couldn't create "/var/mail/..." and the like: the agent itself failed.
  return 'mailererror';
}
