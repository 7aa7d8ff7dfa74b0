import * as P from './reason-phrases.ts';
import { BEFORE_DATA, type SmtpCommand } from './smtp-command.ts';
import { findReplyCode, findStatusCode, reasonOfStatus } from './status-codes.ts';

/**
 * Why a message bounced. The names are the reason labels of the evaluation corpus (labels.csv), so
 * that verdicts can be compared with it; only `userunknown`, `hostunknown`, `hasmoved` and a permanent `notaccept` say that the address
 * itself is bad (a hard bounce). Everything else (a full mailbox, a block, a spam filter, a policy,
 * a timeout) is about this message or this sender, and the address may work later.
 */
export type BounceReason =
  | 'authfailure'
  | 'badreputation'
  | 'blocked'
  | 'contenterror'
  | 'delivered'
  | 'exceedlimit'
  | 'expired'
  | 'failedstarttls'
  | 'feedback'
  | 'filtered'
  | 'hasmoved'
  | 'hostunknown'
  | 'mailboxfull'
  | 'mailererror'
  | 'mesgtoobig'
  | 'networkerror'
  | 'norelaying'
  | 'notaccept'
  | 'notcompliantrfc'
  | 'onhold'
  | 'policyviolation'
  | 'rejected'
  | 'requireptr'
  | 'securityerror'
  | 'spamdetected'
  | 'speeding'
  | 'suppressed'
  | 'suspend'
  | 'syntaxerror'
  | 'systemerror'
  | 'systemfull'
  | 'toomanyconn'
  | 'undefined'
  | 'userunknown'
  | 'vacation'
  | 'virusdetected';

/** What is known about one failed recipient when its reason is decided. */
export interface ReasonFacts {
  /** Enhanced status code (stated or found in the text), '' when none. */
  readonly status: string;
  /** The receiving server's words about this recipient. */
  readonly diagnostic: string;
  /** RFC 3464 diagnostic-type: 'SMTP', 'X-UNIX', ... ('' when unknown). */
  readonly diagnosticType: string;
  /** The SMTP command the failure answered, '' when unknown. */
  readonly command: SmtpCommand | '';
  /** RFC 3464 Action: failed, delayed, ... ('' when unknown). */
  readonly action: string;
  /** SMTP reply code, '' when unknown. */
  readonly replyCode: string;
  /** A reason the notice format states outright (a vendor's own wording), '' when none. */
  readonly stated: BounceReason | '';
}

/** Reasons that a first reading may get wrong and that are therefore checked again against the text. */
export const TENTATIVE_REASONS: ReadonlySet<BounceReason> = new Set<BounceReason>([
  'undefined', 'onhold', 'systemerror', 'securityerror', 'expired', 'networkerror', 'hostunknown', 'userunknown',
]);

/** Reasons of a hard bounce: the address does not exist, the domain does not, or the mailbox is gone for good. */
const HARD: ReadonlySet<BounceReason> = new Set<BounceReason>(['userunknown', 'hostunknown', 'hasmoved']);

/** Whether a reason makes the address itself undeliverable. A domain refusing all mail (null MX, RFC 7505) is hard when permanent. */
export function isHardBounce(reason: BounceReason, statusAndText: string): boolean {
  if (HARD.has(reason)) return true;
  if (reason !== 'notaccept') return false;
  if (statusAndText.trim() === '') return true;
  const code = findStatusCode(statusAndText) || findReplyCode(statusAndText);
  return code.startsWith('5') || !(code.startsWith('4') || / temporar| persistent/i.test(statusAndText));
}

/** Whether the text (lower-case) expresses a concept of reason-phrases.ts. */
export function says(text: string, concept: P.Concept): boolean {
  return text !== '' && concept.test(text);
}

/** The failure is stated as temporary: by the class of its code, else by words ("try again"). */
function temporaryFailure(f: ReasonFacts, text: string): boolean {
  const code = f.status !== '' && !f.status.endsWith('.0.0') ? f.status : f.replyCode || f.status;
  if (code !== '') return code.startsWith('4');
  return /try again|temporar/.test(text);
}

type Probe = (f: ReasonFacts, text: string, byStatus: BounceReason | '') => boolean;

const rejectedSays = (text: string): boolean => says(text, P.REJECTED);

const spamProbe: Probe = (f, text, byStatus) => {
  if (f.status === '') return false;
  if (f.stated === 'spamdetected' || byStatus === 'spamdetected') return true;
  if (f.command !== '' && BEFORE_DATA.has(f.command)) return false;
  return says(text, P.SPAM_DETECTED);
};

/**
 * First pass, for SMTP diagnostics: each reason looks at the status code and the wording, in an order
 * where the more specific and the address-related reasons come first.
 */
const FIRST_PASS: readonly [BounceReason, Probe][] = [
  ['mailboxfull', (f, t, s) => f.stated === 'mailboxfull' || s === 'mailboxfull' || says(t, P.MAILBOX_FULL)],
  ['mesgtoobig', (f, t, s) => f.stated === 'mesgtoobig' || s === 'mesgtoobig' || (s !== 'exceedlimit' && f.status !== '5.2.3' && says(t, P.MESG_TOO_BIG))],
  ['exceedlimit', (f, t, s) => f.stated === 'exceedlimit' || s === 'exceedlimit' || says(t, P.EXCEED_LIMIT)],
  ['suspend', (f, t) => f.stated === 'suspend' || f.replyCode === '525' || says(t, P.SUSPEND)],
  ['hasmoved', (f, t) => f.stated === 'hasmoved' || says(t, P.HAS_MOVED)],
  ['norelaying', (f, t) => f.stated === 'norelaying' || (!['CONN', 'EHLO', 'HELO'].includes(f.command) && says(t, P.NO_RELAYING))],
  ['authfailure', (f, t, s) => f.stated === 'authfailure' || s === 'authfailure' || says(t, P.AUTH_FAILURE)],
  [
    'userunknown',
    (f, t, s) => {
      if (f.stated === 'userunknown') return true;
      // A reply to MAIL FROM is about the sender's address, never the recipient's (RFC 5321 section 3.3).
      if (f.command === 'MAIL') return false;
      if (s === 'userunknown') {
        // 5.1.1 with words about relaying, blocking, a full mailbox, a moved mailbox or the sender is about those.
        return !(says(t, P.NO_RELAYING) || says(t, P.BLOCKED) || says(t, P.MAILBOX_FULL) || says(t, P.HAS_MOVED) || rejectedSays(t) || says(t, P.NOT_ACCEPT) || says(t, P.TOO_MANY_CONN) || says(t, P.SPEEDING));
      }
      // Without a 5.1.x code, "user unknown" counts only when it answered RCPT TO (see smtp-command.ts),
      // and never against a code that names another address status (5.1.2: the domain).
      return f.command === 'RCPT' && s !== 'hostunknown' && says(t, P.USER_UNKNOWN);
    },
  ],
  [
    'filtered',
    (f, t, s) => {
      if (f.stated === 'filtered') return true;
      if (s === 'filtered') return says(t, P.USER_UNKNOWN) || says(t, P.FILTERED);
      if (f.command !== '' && BEFORE_DATA.has(f.command)) return false;
      return says(t, P.FILTERED) || says(t, P.USER_UNKNOWN);
    },
  ],
  ['requireptr', (f, t, s) => f.stated === 'requireptr' || s === 'requireptr' || says(t, P.REQUIRE_PTR)],
  ['notcompliantrfc', (f, t) => f.stated === 'notcompliantrfc' || says(t, P.NOT_COMPLIANT_RFC)],
  ['badreputation', (f, t) => f.stated === 'badreputation' || says(t, P.BAD_REPUTATION)],
  ['contenterror', (f, t, s) => f.stated === 'contenterror' || (!spamProbe(f, t, s) && (s === 'contenterror' || says(t, P.CONTENT_ERROR)))],
  [
    'rejected',
    (f, t, s) => {
      if (f.stated === 'rejected' || s === 'rejected') return true;
      // Refused at MAIL FROM: the sender's address is what is unknown or bad.
      if (f.command === 'MAIL') return rejectedSays(t) || /^5\.1\./.test(f.status) || says(t, P.USER_UNKNOWN) || says(t, P.HOST_UNKNOWN);
      if (f.command === 'DATA' && s !== 'userunknown') return rejectedSays(t);
      if (s === '' || s === 'onhold' || s === 'undefined' || s === 'securityerror' || s === 'systemerror') return rejectedSays(t);
      return false;
    },
  ],
  ['notaccept', (f, t) => f.command !== 'MAIL' && says(t, P.NOT_ACCEPT)],
  [
    'hostunknown',
    (f, t, s) => {
      if (f.stated === 'hostunknown') return true;
      if (f.command === 'MAIL') return false;
      // A DNS failure while looking the domain up is not proof that the domain does not exist.
      if (s === 'hostunknown') return !temporaryFailure(f, t);
      return says(t, P.HOST_UNKNOWN) && !temporaryFailure(f, t);
    },
  ],
  // "Domain not found" said as a temporary failure: the lookup failed this time.
  ['networkerror', (f, t) => f.command !== 'MAIL' && says(t, P.HOST_UNKNOWN) && temporaryFailure(f, t)],
  ['spamdetected', spamProbe],
  ['speeding', (f, t) => f.stated === 'speeding' || says(t, P.SPEEDING)],
  ['toomanyconn', (f, t, s) => f.stated === 'toomanyconn' || s === 'toomanyconn' || says(t, P.TOO_MANY_CONN)],
  ['blocked', (f, t, s) => f.stated === 'blocked' || s === 'blocked' || says(t, P.BLOCKED)],
];

/** Second pass, when the first found nothing or only a vague reason: wording alone. */
const SECOND_PASS: readonly [BounceReason, P.Concept][] = [
  ['mailboxfull', P.MAILBOX_FULL],
  ['authfailure', P.AUTH_FAILURE],
  ['badreputation', P.BAD_REPUTATION],
  ['speeding', P.SPEEDING],
  ['spamdetected', P.SPAM_DETECTED],
  ['virusdetected', P.VIRUS_DETECTED],
  ['policyviolation', P.POLICY_VIOLATION],
  ['norelaying', P.NO_RELAYING],
  ['systemerror', P.SYSTEM_ERROR],
  ['networkerror', P.NETWORK_ERROR],
  ['suspend', P.SUSPEND],
  ['contenterror', P.CONTENT_ERROR],
  ['systemfull', P.SYSTEM_FULL],
  ['notaccept', P.NOT_ACCEPT],
  ['expired', P.EXPIRED],
  ['failedstarttls', P.FAILED_STARTTLS],
  ['securityerror', P.SECURITY_ERROR],
  ['suppressed', P.SUPPRESSED],
  ['mailererror', P.MAILER_ERROR],
];

/** Decide the reason of one failed recipient. */
export function classifyReason(f: ReasonFacts): BounceReason {
  if (f.stated !== '' && !TENTATIVE_REASONS.has(f.stated)) return f.stated;
  if (f.status.startsWith('2.')) return 'delivered';
  const text = f.diagnostic.toLowerCase();
  const byStatus = reasonOfStatus(f.status);

  let found: BounceReason | '' = '';
  if (f.diagnosticType === '' || f.diagnosticType.toUpperCase() === 'SMTP') {
    for (const [reason, probe] of FIRST_PASS) {
      if (probe(f, text, byStatus)) {
        found = reason;
        break;
      }
    }
  }
  if (found === '' || found === 'undefined') found = secondPass(f, text, byStatus);
  if (found !== '') return found;
  if (f.action === 'delayed') return 'expired';
  if (says(text, P.VACATION)) return 'vacation';
  return text.trim() !== '' ? 'onhold' : 'undefined';
}

function secondPass(f: ReasonFacts, text: string, byStatus: BounceReason | ''): BounceReason | '' {
  if (f.stated !== '' && f.stated !== 'undefined' && f.stated !== 'onhold') return f.stated;
  if (byStatus !== '' && !TENTATIVE_REASONS.has(byStatus) && f.diagnosticType.toUpperCase() === 'SMTP') return byStatus;
  for (const [reason, concept] of SECOND_PASS) {
    // A domain said not to exist, before the network troubles the same words may come with.
    if (reason === 'networkerror' && says(text, P.HOST_UNKNOWN) && f.command !== 'MAIL') return temporaryFailure(f, text) ? 'networkerror' : 'hostunknown';
    if (says(text, concept)) return reason;
  }
  if (byStatus !== '') return byStatus;
  if (/^[45]\.6\./.test(f.status)) return 'contenterror';
  if (/^[45]\.7\./.test(f.status)) return 'securityerror';
  if (f.diagnosticType.toUpperCase().startsWith('X-UNIX')) return 'mailererror';
  const reply = Number(f.replyCode);
  if ((reply > 400 && reply < 408) || (reply > 500 && reply < 508)) return 'syntaxerror';
  if (f.action === 'delayed' || f.action === 'expired') return 'expired';
  if (f.command === 'EHLO' || f.command === 'HELO') return 'blocked';
  return '';
}
