import * as P from './reason-phrases.ts';
import type { BounceReason } from './reasons.ts';

/**
 * Local delivery agents are the programs that write a message into the mailbox after SMTP accepted
 * it (dovecot's LDA, mail.local, procmail, maildrop, vpopmail's vdelivermail, vmailmgr's vdeliver).
 * Their errors end up in the bounce's diagnostic, prefixed with the program's name. When one of
 * them speaks, its words are read with the same concepts as a server's reply; an agent that says
 * none of them failed in itself (a pipe that crashed, a file it could not write).
 */
const AGENT = /(?<![\w-])(?:mail\.local|procmail|maildrop|vdelivermail|vdeliver|dovecot(?:-lda)?|deliver)\s*:|\/procmail\b|your message to <[^>]+> was automatically rejected:/;

/** Concepts an agent's words can express, in the order they are checked. */
const AGENT_REASONS: readonly [BounceReason, P.Concept][] = [
  ['mailboxfull', P.MAILBOX_FULL],
  ['systemfull', P.SYSTEM_FULL],
  ['suspend', P.SUSPEND],
  ['userunknown', P.USER_UNKNOWN],
  ['systemerror', P.SYSTEM_ERROR],
];

/** The agent could not do its own work (create, open or write a file): the agent failed, whatever else it says. */
const AGENT_FAILED = /(?:couldn't|could not|can't|cannot|unable to|failed to) (?:create|open|write|lock|read)/;

/**
 * The reason a local delivery agent's message gives, '' when the text is not one. Only for failures
 * after the message was accepted (no SMTP command, or DATA): an agent runs after SMTP is done.
 */
export function localDeliveryReason(text: string, command: string): BounceReason | '' {
  if (text === '' || (command !== '' && command !== 'DATA')) return '';
  const lower = text.toLowerCase();
  if (!AGENT.test(lower)) return '';
  // What follows the agent's name is its own message.
  const own = lower.slice(lower.search(AGENT));
  if (AGENT_FAILED.test(own)) return 'mailererror';
  for (const [reason, concept] of AGENT_REASONS) if (concept.test(own)) return reason;
  return 'mailererror';
}
