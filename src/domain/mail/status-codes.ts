import type { BounceReason } from './reasons.ts';

/**
 * SMTP enhanced status codes (RFC 3463, IANA "SMTP Enhanced Status Codes" registry) and SMTP reply
 * codes (RFC 5321 section 4.2), found in free text and reconciled with each other.
 */

/** Reply codes RFC 5321, 4954, 5248 and 7504 define, by class; anything else in text is a number, not a reply. */
const REPLY_CODES: Readonly<Record<'2' | '4' | '5', readonly string[]>> = {
  '5': ['550', '552', '553', '551', '521', '525', '523', '524', '530', '533', '534', '535', '538', '555', '556', '554', '500', '501', '502', '503', '504'],
  '4': ['421', '450', '451', '452', '422', '430', '432', '453', '454', '455', '458', '459'],
  '2': ['211', '214', '220', '221', '235', '250', '251', '252', '253'],
};

/** IPv4 addresses look like status codes ("5.1.1.2"); they are masked before searching. */
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;

/**
 * The enhanced status code a piece of text states, e.g. "550 5.1.1 <a@b>: User unknown" -> "5.1.1".
 * When several appear, the most specific wins (see `preferStatus`); "X.0.0" and "4.4.7" only when
 * nothing more precise is there. `classHint` ("4", "5" or a reply code) restricts the class.
 */
export function findStatusCode(text: string, classHint = ''): string {
  if (text.length < 5) return '';
  const masked = ` ${text.replace(IPV4, '***')} `;
  const wanted = /^[245]/.test(classHint) ? classHint.charAt(0) : '[245]';
  const re = new RegExp(`(?<![\\d./])(${wanted})\\.([0-7])\\.(\\d{1,3})(?![\\d]|\\.\\d)`, 'gi');
  const found: string[] = [];
  let vague = '';
  for (const m of masked.matchAll(re)) {
    const before = masked.charAt((m.index ?? 0) - 1);
    if (/[vV]/.test(before)) continue; // "v5.1.2" is a version number
    const code = `${m[1]}.${m[2]}.${Number(m[3])}`;
    if (/^\d\.0\.0$/.test(code) || code === '4.4.7') {
      vague ||= code;
      continue;
    }
    found.push(code);
  }
  if (vague) found.push(vague);
  let chosen = '';
  for (const code of found) chosen = chosen === '' ? code : preferStatus(chosen, code, '');
  return chosen;
}

/** The SMTP reply code a piece of text states ("550", "421"), '' when none; `classHint` restricts the class. */
export function findReplyCode(text: string, classHint = ''): string {
  if (text.length < 3 || /x-unix/i.test(text)) return '';
  const padded = ` ${text} `;
  const cls = classHint.charAt(0);
  const order: readonly ('2' | '4' | '5')[] = cls === '2' || cls === '4' || cls === '5' ? [cls] : ['5', '4', '2'];
  for (const c of order) {
    for (const code of REPLY_CODES[c]) {
      let from = 0;
      for (;;) {
        const at = padded.indexOf(code, from);
        if (at < 0) break;
        const before = padded.charAt(at - 1);
        const after = padded.charAt(at + 3);
        // Part of a longer number, an IP address or a status code ("5.5.0") is not a reply code.
        if (!/[\d.]/.test(before) && !/[\d.]/.test(after)) return code;
        from = at + 3;
      }
    }
  }
  return '';
}

/** Whether a string is an enhanced status code. */
export function isStatusCode(code: string): boolean {
  return /^[245]\.\d{1,3}\.\d{1,3}$/.test(code);
}

/**
 * Choose between the `Status:` field of a DSN and the code in its diagnostic text. The class of the
 * SMTP reply code breaks a disagreement of classes; a detailed code beats "X.0.0", "X.Y.0" and codes
 * that only say the protocol or the system failed (X.5.x, 5.3.x), which MTAs use as catch-alls.
 */
export function preferStatus(field: string, inText: string, replyCode: string): string {
  if (field === '') return inText;
  if (inText === '' || field === inText) return field;
  if (field.length < 5) return inText;
  if (inText.length < 5) return field;
  const reply = replyCode.charAt(0);
  if (reply !== '' && field.charAt(0) !== inText.charAt(0)) {
    if (reply === field.charAt(0)) return field;
    if (reply === inText.charAt(0)) return inText;
  }
  const fieldVague = /^\d\.0\.0$/.test(field);
  const textVague = /^\d\.0\.0$/.test(inText);
  if (fieldVague) return textVague ? field : inText;
  if (/\.0$|^\d\.0\./.test(field) && !/\.0$|^\d\.0\./.test(inText)) return inText;
  if (textVague) return field;
  if (field === '4.4.7' || field === '4.7.0') return inText;
  if (/^5\.3\./.test(field) || /^\d\.5\.[1245]$/.test(field)) return inText;
  if (field === '5.1.1') return /^5\.5\./.test(inText) || /\.0$|^\d\.0\./.test(inText) ? field : inText;
  if (field === '5.1.3' && inText.startsWith('5.7.')) return inText;
  return field;
}

/**
 * Codes in the x.0.9xx range are not RFC 3463 codes: they label a bounce whose notice states no
 * status at all, by the reason found in its wording (the convention of the sisimai bounce corpus,
 * which the evaluation labels follow). Hard reasons have no temporary variant: an address that does
 * not exist does not exist "for now".
 */
const PSEUDO: Readonly<Partial<Record<BounceReason, string>>> = {
  authfailure: '926',
  badreputation: '975',
  blocked: '971',
  contenterror: '960',
  exceedlimit: '923',
  expired: '947',
  failedstarttls: '976',
  filtered: '910',
  hasmoved: '916',
  hostunknown: '912',
  mailboxfull: '922',
  mailererror: '939',
  mesgtoobig: '934',
  networkerror: '944',
  norelaying: '909',
  notaccept: '932',
  notcompliantrfc: '974',
  onhold: '901',
  policyviolation: '972',
  rejected: '918',
  requireptr: '973',
  securityerror: '970',
  spamdetected: '980',
  speeding: '946',
  suppressed: '903',
  suspend: '921',
  systemerror: '930',
  systemfull: '931',
  syntaxerror: '902',
  toomanyconn: '945',
  userunknown: '911',
  undefined: '900',
  virusdetected: '981',
};
const NO_TEMPORARY: ReadonlySet<BounceReason> = new Set<BounceReason>(['hasmoved', 'hostunknown', 'userunknown']);

/** The status to report when the notice states none: class from the wording, detail from the reason. */
export function pseudoStatus(reason: BounceReason, temporary: boolean): string {
  const detail = PSEUDO[reason];
  if (!detail) return '';
  if (reason === 'filtered' && temporary) return '4.0.924';
  return `${temporary && !NO_TEMPORARY.has(reason) ? '4' : '5'}.0.${detail}`;
}

/** A pseudo status (x.0.9xx) says nothing the notice stated. */
export function isPseudoStatus(code: string): boolean {
  return /^\d\.0\.9\d\d$/.test(code);
}

/**
 * What a status code alone says about the reason (RFC 3463 section 3 and the IANA registry), for the
 * codes precise enough to say it. Class 4 only where the temporary meaning is clear.
 */
const REASON_OF_STATUS: Readonly<Record<string, BounceReason>> = {
  '2.1.5': 'delivered',
  '4.1.6': 'hasmoved',
  '4.1.7': 'rejected',
  '4.1.8': 'rejected',
  '4.1.9': 'systemerror',
  '4.2.1': 'blocked',
  '4.2.2': 'mailboxfull',
  '4.2.3': 'exceedlimit',
  '4.2.4': 'filtered',
  '4.3.1': 'systemfull',
  '4.3.2': 'notaccept',
  '4.3.3': 'systemerror',
  '4.3.5': 'systemerror',
  '4.4.1': 'expired',
  '4.4.2': 'networkerror',
  '4.4.3': 'systemerror',
  '4.4.4': 'networkerror',
  '4.4.5': 'systemfull',
  '4.4.6': 'networkerror',
  '4.4.7': 'expired',
  '4.4.8': 'networkerror',
  '4.5.3': 'systemerror',
  '4.5.5': 'systemerror',
  '4.6.0': 'contenterror',
  '4.6.2': 'contenterror',
  '4.6.5': 'contenterror',
  '4.7.1': 'blocked',
  '4.7.2': 'blocked',
  '4.7.5': 'securityerror',
  '4.7.6': 'securityerror',
  '4.7.7': 'securityerror',
  '4.7.12': 'securityerror',
  '4.7.15': 'securityerror',
  '4.7.16': 'mesgtoobig',
  '4.7.24': 'authfailure',
  '4.7.25': 'requireptr',
  '4.7.26': 'authfailure',
  '5.1.0': 'userunknown',
  '5.1.1': 'userunknown',
  '5.1.2': 'hostunknown',
  '5.1.3': 'userunknown',
  '5.1.4': 'filtered',
  '5.1.6': 'hasmoved',
  '5.1.7': 'rejected',
  '5.1.8': 'rejected',
  '5.1.9': 'systemerror',
  '5.1.10': 'notaccept',
  '5.2.0': 'filtered',
  '5.2.1': 'filtered',
  '5.2.2': 'mailboxfull',
  '5.2.3': 'exceedlimit',
  '5.2.4': 'filtered',
  '5.3.0': 'systemerror',
  '5.3.1': 'systemfull',
  '5.3.2': 'notaccept',
  '5.3.3': 'systemerror',
  '5.3.4': 'mesgtoobig',
  '5.3.5': 'systemerror',
  '5.4.0': 'networkerror',
  '5.4.3': 'systemerror',
  '5.4.4': 'hostunknown',
  '5.5.2': 'syntaxerror',
  '5.5.3': 'toomanyconn',
  '5.5.4': 'systemerror',
  '5.5.5': 'systemerror',
  '5.5.6': 'syntaxerror',
  '5.6.0': 'contenterror',
  '5.6.1': 'contenterror',
  '5.6.2': 'contenterror',
  '5.6.3': 'contenterror',
  '5.6.5': 'contenterror',
  '5.6.6': 'contenterror',
  '5.6.7': 'contenterror',
  '5.6.8': 'contenterror',
  '5.6.9': 'contenterror',
  '5.7.0': 'securityerror',
  '5.7.1': 'securityerror',
  '5.7.2': 'securityerror',
  '5.7.3': 'securityerror',
  '5.7.4': 'securityerror',
  '5.7.5': 'securityerror',
  '5.7.6': 'securityerror',
  '5.7.7': 'securityerror',
  '5.7.8': 'securityerror',
  '5.7.9': 'securityerror',
  '5.7.10': 'securityerror',
  '5.7.11': 'securityerror',
  '5.7.13': 'suspend',
  '5.7.14': 'securityerror',
  '5.7.15': 'securityerror',
  '5.7.16': 'mesgtoobig',
  '5.7.17': 'hasmoved',
  '5.7.18': 'hasmoved',
  '5.7.19': 'securityerror',
  '5.7.20': 'authfailure',
  '5.7.21': 'authfailure',
  '5.7.22': 'authfailure',
  '5.7.23': 'authfailure',
  '5.7.24': 'authfailure',
  '5.7.25': 'requireptr',
  '5.7.26': 'authfailure',
  '5.7.27': 'notaccept',
  '5.7.28': 'spamdetected',
  '5.7.29': 'authfailure',
  '5.7.30': 'failedstarttls',
};

/** The reason a status code stands for, '' when the code alone does not say. */
export function reasonOfStatus(code: string): BounceReason | '' {
  return REASON_OF_STATUS[code] ?? '';
}

/** The text (a status code, else a reply code, else the words) says the failure is permanent. */
export function saysPermanent(text: string): boolean {
  if (text === '') return false;
  const code = findStatusCode(text) || findReplyCode(text);
  return code.startsWith('5') || / permanent /i.test(text);
}

/** The text (a status code, else a reply code, else the words) says the failure is temporary. */
export function saysTemporary(text: string): boolean {
  if (text === '') return false;
  const code = findStatusCode(text) || findReplyCode(text);
  return code.startsWith('4') || / temporar| persistent/i.test(text);
}
