import type { BounceReason, ReasonFacts } from './reasons.ts';

/**
 * Large mailbox providers document what their rejection texts and codes mean; where their wording
 * would mislead the generic rules (Microsoft's "5.1.10 Recipient not found", au's "550 : User
 * unknown" from a spam filter), their documented meaning decides. A provider is recognised by the
 * recipient's domain, the remote MTA, or the reporting MTA.
 */

/** Where a bounce came from, as far as the notice says. */
export interface BounceHosts {
  readonly recipientDomain: string;
  /** Remote-MTA and host names in the diagnostic ("host mx.example.jp[192.0.2.1] said"). */
  readonly remote: readonly string[];
  /** Reporting-MTA. */
  readonly local: readonly string[];
}

/** A documented rule: the reason when the text (lower-cased) contains `phrase` and the status matches. */
interface Rule {
  readonly reason: BounceReason;
  readonly phrase: string;
  /** Exact status, or a prefix ending in "." with an inclusive range of the last number. */
  readonly status?: string;
  readonly range?: readonly [number, number];
}

interface Provider {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly decide: (facts: ReasonFacts, text: string) => BounceReason | '';
}

const byPhrase =
  (table: Readonly<Partial<Record<BounceReason, readonly string[]>>>) =>
  (_facts: ReasonFacts, text: string): BounceReason | '' => {
    for (const [reason, phrases] of Object.entries(table) as [BounceReason, readonly string[]][]) {
      if (phrases.some((p) => text.includes(p))) return reason;
    }
    return '';
  };

const byRules =
  (rules: readonly Rule[]) =>
  (facts: ReasonFacts, text: string): BounceReason | '' => {
    for (const r of rules) {
      if (!text.includes(r.phrase)) continue;
      if (r.status !== undefined) {
        if (r.range) {
          const last = Number(facts.status.split('.')[2] ?? '-1');
          if (!facts.status.startsWith(r.status) || last < r.range[0] || last > r.range[1]) continue;
        } else if (facts.status !== r.status) continue;
      }
      return r.reason;
    }
    return '';
  };

// Exchange Online and Exchange Server NDR codes (learn.microsoft.com, "Email non-delivery reports and SMTP errors").
const MICROSOFT: readonly Rule[] = [
  { reason: 'authfailure', status: '4.7.26', phrase: 'must pass either spf or dkim validation' },
  { reason: 'authfailure', status: '5.7.23', phrase: 'sender policy framework violation' },
  { reason: 'authfailure', status: '5.7.509', phrase: 'does not pass dmarc verification' },
  { reason: 'authfailure', status: '5.7.515', phrase: "doesn't meet the required authentication level" },
  { reason: 'badreputation', status: '4.7.650', phrase: 'has been temporarily rate limited due to ip reputation' },
  { reason: 'blocked', status: '4.4.2', phrase: 'connection dropped' },
  { reason: 'blocked', status: '4.7.', range: [500, 899], phrase: 'access denied, please try again later' },
  { reason: 'blocked', status: '5.7.25', phrase: 'must have a reverse dns record' },
  { reason: 'blocked', status: '5.7.506', phrase: 'access denied, bad helo' },
  { reason: 'blocked', status: '5.7.507', phrase: 'access denied, rejected by recipient' },
  { reason: 'blocked', status: '5.7.510', phrase: 'does not accept email over ipv6' },
  { reason: 'blocked', status: '5.7.511', phrase: 'access denied, banned sender' },
  { reason: 'blocked', status: '5.7.513', phrase: 'using customer block list' },
  { reason: 'blocked', status: '5.7.', range: [606, 649], phrase: 'access denied, banned sending ip ' },
  { reason: 'blocked', status: '5.5.4', phrase: 'invalid domain name' },
  { reason: 'blocked', status: '5.7.1', phrase: 'part of their network is on our block list (s3150)' },
  { reason: 'contenterror', status: '5.3.0', phrase: 'too many related errors' },
  { reason: 'contenterror', status: '5.6.11', phrase: 'invalid characters' },
  { reason: 'mesgtoobig', status: '5.2.3', phrase: 'resolver.rst.recipsizelimit; message too large for this recipient' },
  { reason: 'mesgtoobig', status: '5.3.4', phrase: 'message size exceeds fixed maximum message size' },
  { reason: 'mesgtoobig', status: '5.3.4', phrase: 'message too big for system' },
  { reason: 'expired', status: '4.4.1', phrase: 'connection timed out' },
  { reason: 'expired', status: '4.4.7', phrase: 'message delayed' },
  { reason: 'expired', status: '4.4.7', phrase: 'message expired' },
  { reason: 'expired', status: '5.4.300', phrase: 'message expired' },
  { reason: 'expired', status: '5.4.316', phrase: 'message expired' },
  { reason: 'failedstarttls', status: '4.4.8', phrase: ' failed mta-sts validation' },
  { reason: 'failedstarttls', status: '5.4.8', phrase: ' failed mta-sts validation' },
  { reason: 'failedstarttls', status: '5.4.317', phrase: 'starttls is required to send mail' },
  { reason: 'mailboxfull', status: '5.2.2', phrase: 'mailbox full' },
  { reason: 'networkerror', status: '5.4.4', phrase: 'smtpsend.dns.nonexistentdomain; nonexistent domain' },
  { reason: 'networkerror', status: '5.4.6', phrase: 'hop count exceeded - possible mail loop' },
  { reason: 'networkerror', status: '5.4.14', phrase: 'hop count exceeded - possible mail loop' },
  { reason: 'networkerror', status: '4.4.312', phrase: 'dns query failed' },
  { reason: 'networkerror', status: '5.4.312', phrase: 'dns query failed' },
  { reason: 'networkerror', status: '4.4.316', phrase: 'connection refused' },
  { reason: 'networkerror', status: '5.4.316', phrase: 'connection refused' },
  { reason: 'networkerror', status: '5.4.6', phrase: 'routing loop detected' },
  { reason: 'networkerror', status: '5.4.14', phrase: 'routing loop detected' },
  { reason: 'norelaying', status: '5.7.1', phrase: 'unable to relay' },
  { reason: 'norelaying', status: '5.4.1', phrase: 'relay access denied' },
  { reason: 'norelaying', status: '5.7.64', phrase: 'tenantattribution; relay access denied' },
  { reason: 'notaccept', status: '4.3.2', phrase: 'system not accepting network messages' },
  { reason: 'notaccept', status: '4.4.4', phrase: 'hosted tenant which has no mail-enabled subscriptions' },
  { reason: 'policyviolation', status: '5.7.', range: [900, 999], phrase: 'delivery not authorized, message refused' },
  { reason: 'rejected', status: '5.1.7', phrase: 'invalid address' },
  { reason: 'rejected', status: '5.1.7', phrase: 'unknown sender address' },
  { reason: 'rejected', status: '5.1.0', phrase: 'sender denied' },
  { reason: 'rejected', status: '5.1.8', phrase: 'access denied, bad outbound sender' },
  { reason: 'rejected', status: '5.7.1', phrase: 'delivery not authorized' },
  { reason: 'rejected', status: '5.7.12', phrase: 'sender was not authenticated by organization' },
  { reason: 'rejected', status: '5.7.124', phrase: 'sender not in allowed-senders list' },
  { reason: 'rejected', status: '5.7.133', phrase: 'sender not authenticated for group' },
  { reason: 'rejected', status: '5.7.134', phrase: 'sender was not authenticated for mailbox' },
  { reason: 'rejected', status: '5.7.', range: [501, 503], phrase: 'access denied, spam abuse detected' },
  { reason: 'securityerror', status: '5.7.1', phrase: 'client was not authenticated' },
  { reason: 'securityerror', status: '5.7.57', phrase: 'client was not authenticated to send anonymous mail during mail from' },
  { reason: 'spamdetected', status: '5.2.1', phrase: 'content filter agent quarantined this message' },
  { reason: 'speeding', status: '4.3.2', phrase: 'storedrv.deliver; recipient thread limit exceeded' },
  { reason: 'speeding', status: '5.2.121', phrase: "recipient's per hour message receive limit" },
  { reason: 'speeding', status: '5.2.122', phrase: "recipient's per hour message receive limit" },
  { reason: 'speeding', status: '5.7.508', phrase: 'has exceeded permitted limits within' },
  { reason: 'suspend', status: '5.7.504', phrase: 'recipient address rejected: access denied' },
  { reason: 'suspend', status: '5.7.505', phrase: 'access denied, banned recipient' },
  { reason: 'suspend', status: '5.2.1', phrase: 'mailbox cannot be accessed' },
  { reason: 'systemerror', status: '4.3.2', phrase: 'service not available' },
  { reason: 'systemerror', status: '5.3.5', phrase: 'system incorrectly configured' },
  { reason: 'systemerror', status: '5.2.14', phrase: 'misconfigured forwarding address' },
  { reason: 'systemfull', status: '4.3.1', phrase: 'insufficient system resources' },
  { reason: 'userunknown', status: '5.1.1', phrase: 'resolver.adr.exrecipnotfound; not found' },
  { reason: 'userunknown', status: '5.1.1', phrase: 'user unknown' },
  { reason: 'userunknown', status: '5.1.1', phrase: 'bad destination mailbox address' },
  { reason: 'userunknown', status: '5.1.3', phrase: 'storedrv.submit; invalid recipient address' },
  { reason: 'userunknown', status: '5.1.10', phrase: 'recipient not found' },
  { reason: 'userunknown', status: '5.4.1', phrase: 'recipient address rejected: access denied' },
  { reason: 'userunknown', status: '5.5.0', phrase: 'requested action not taken: mailbox unavailable' },
  { reason: 'userunknown', status: '5.1.351', phrase: 'remote server returned unknown recipient or mailbox unavailable' },
];

// Google (support.google.com/a/answer/3726730): the documented texts, whatever the code.
const GOOGLE = byPhrase({
  userunknown: ['the email account that you tried to reach does not exist', 'because the address couldn\'t be found. check for typos or unnecessary spaces'],
  suspend: ['account that you tried to reach is disabled', 'account that you tried to reach is inactive'],
  mailboxfull: ['inbox is out of storage space', 'is over quota', 'email quota exceeded'],
  authfailure: ['the spf record of the sending domain', 'senders to authenticate with either spf or dkim', 'fails to pass spf checks', 'has an spf record with a hard fail policy', "is not accepted due to domain's dmarc policy", 'fails to pass authentication checks', 'senders to authenticate with spf', 'senders to authenticate with dkim', 'senders to authenticate their email with'],
  badreputation: ['very low reputation of the sending'],
  blocked: ['ip not in whitelist for rcpt domain', 'an unusual rate of unsolicited mail', 'an unusual rate of mail', 'helo/ehlo argument is invalid'],
  requireptr: ['does not have a ptr record', ' have a ptr record, or the ptr record', 'does not match the ip address of the hostname'],
  notcompliantrfc: ['is not rfc 5322 compliant', 'missing a valid address in the from: header', 'missing a valid message-id: header', 'multiple addresses in from: header are not accepted'],
  spamdetected: ['likely unsolicited mail', 'due to the nature of the content or the links within'],
  policyviolation: ['illegal attachment on your message', 'blocked because its content presents a potential security issue', 'has a policy that prohibited the mail that you sent'],
  speeding: ['is receiving mail too quickly', 'rate that prevents additional messages from being delivered', 'daily user sending limit exceeded'],
  mesgtoobig: ["exceeded google's message size limits", "exceeds google's message size limit"],
  notaccept: ['null mx'],
});

/** Google Workspace: a domain that does not resolve is unknown when the failure is permanent, a DNS error when temporary. */
function googleWorkspace(facts: ReasonFacts, text: string): BounceReason | '' {
  const documented = GOOGLE(facts, text);
  if (documented !== '') return documented;
  if (!/ responded with code nxdomain|domain name not found| had no relevant answers\./.test(text)) return '';
  const permanent = facts.status.startsWith('5') || facts.replyCode.startsWith('5');
  const temporary = facts.status.startsWith('4') || facts.replyCode.startsWith('4');
  if (permanent && !/ had no relevant answers\./.test(text)) return 'hostunknown';
  return temporary || !permanent ? 'networkerror' : '';
}

const PROVIDERS: readonly Provider[] = [
  {
    name: 'Microsoft',
    hosts: ['.prod.outlook.com', '.protection.outlook.com', '.onmicrosoft.com', '.exchangelabs.com'],
    decide: (facts, text) => (/^\d\.\d+\.\d+$/.test(facts.status) ? byRules(MICROSOFT)(facts, text) : ''),
  },
  {
    name: 'Outlook',
    hosts: ['.hotmail.com'],
    decide: byPhrase({
      hostunknown: ['the mail could not be delivered to the recipient because the domain is not reachable'],
      userunknown: ['requested action not taken: mailbox unavailable'],
    }),
  },
  {
    // au (KDDI): "550 : User unknown" is the recipient's own filter; "<address>: User unknown" is a missing user.
    name: 'KDDI',
    hosts: ['.ezweb.ne.jp', 'msmx.au.com'],
    decide: (_f, text) => (/550\s*:\s*user unknown/.test(text) ? 'filtered' : />\s*:\s*user unknown/.test(text) ? 'userunknown' : ''),
  },
  { name: 'Google', hosts: ['aspmx.l.google.com', 'gmail-smtp-in.l.google.com', '.googlemail.com', 'googlemail.com', '.google.com'], decide: googleWorkspace },
  {
    name: 'YahooInc',
    hosts: ['.yahoodns.net', '.yahoo.com'],
    decide: byPhrase({
      authfailure: ['yahoo requires all senders to authenticate with either spf or dkim'],
      blocked: [" because the ip is in spamhaus's list;", 'not accepted from ip addresses on spamhaus xbl'],
      norelaying: ['relaying denied for '],
      notcompliantrfc: ['headers are not rfc compliant'],
      policyviolation: ['not accepted for policy reasons'],
      rejected: ['temporarily deferred due to unexpected volume or user complaints', 'due to unresolvable rfc.5321 domain', ' will be permanently deferred'],
      speeding: ['user is receiving mail too quickly'],
      suspend: [' is no longer valid.', 'this mailbox is disabled'],
      toomanyconn: ['max message per connection reached'],
      userunknown: ["dd this user doesn't have a ", 'mailbox not found'],
    }),
  },
  {
    name: 'Apple',
    hosts: ['.mail.icloud.com', '.apple.com', '.me.com'],
    decide: byPhrase({
      authfailure: ['s dmarc policy', 'blocked for failing both spf and dkim'],
      blocked: ['rejected due to having a domain present in the spamhaus', 'rejected due to listing in spamhaus', 'blocked - see https://support.proofpoint.com/dnsbl-lookup', 'not accepting connections'],
      hasmoved: ['recipient no longer on server'],
      mailboxfull: ['user is over quota'],
      norelaying: ['relay access denied'],
      notaccept: ['host/domain does not accept mail'],
      policyviolation: ['due to local policy'],
      rejected: ['sender address rejected'],
      speeding: ['due to excessive volume'],
      userunknown: ['inactive email address', 'user does not exist', 'unknown or illegal alias'],
    }),
  },
  {
    name: 'Aol',
    hosts: ['.mail.aol.com', '.mx.aol.com'],
    decide: byPhrase({ hostunknown: ['host or domain name not found'], notaccept: ['type=mx: malformed or unexpected name server reply'] }),
  },
  {
    // QQ Mail (service.mail.qq.com/detail/122).
    name: 'Tencent',
    hosts: ['.qq.com'],
    decide: byPhrase({
      authfailure: ['spf check failed', 'dmarc check failed'],
      blocked: ['suspected bounce attacks', 'suspected spam ip', 'connection denied'],
      mesgtoobig: ['message too large'],
      rejected: ['suspected spam', 'mail is rejected by recipients'],
      spamdetected: ['spam is embedded in the email', 'mail content denied'],
      speeding: ['mailbox unavailable or access denined', 'frequency of receiving messages is limited'],
      suspend: ['is a deactivated mailbox'],
      syntaxerror: ['bad address syntax'],
      toomanyconn: ['ip frequency limited', 'domain frequency limited', 'sender frequency limited', 'connection frequency limited'],
      userunknown: ['mailbox not found'],
    }),
  },
  { name: 'GoDaddy', hosts: ['smtp.secureserver.net', 'mailstore1.secureserver.net'], decide: (_f, text) => goDaddy(text) },
  { name: 'Cox', hosts: ['cox.net'], decide: (_f, text) => cox(text) },
  { name: 'Spectrum', hosts: ['charter.net'], decide: (_f, text) => spectrum(text) },
  { name: 'IUA', hosts: ['.email.ua'], decide: (_f, text) => IUA_CODES[/\.i\.ua\/err\/(\d+)\//.exec(text)?.[1] ?? ''] ?? '' },
  {
    // Broadcom (Symantec) Email Security.cloud, knowledge.broadcom.com article 169652.
    name: 'MessageLabs',
    hosts: ['.messagelabs.com'],
    decide: byPhrase({
      authfailure: ['domain authentication fail'],
      badreputation: ['connection rejected by policy'],
      blocked: ['mail rejected because your ip is in the pbl', 'your ip address has been ', 'your email address (addr) has been blocked'],
      contenterror: ['stray linefeeds in message'],
      failedstarttls: ['tls/sslv3 connection required'],
      norelaying: [' as a relay, '],
      notcompliantrfc: ['550 requested action aborted [4]', 'has detected that this message is not rfc 5322'],
      rejected: ['sender envelope domain not allowed for sender ip address', 'your domain has been blocked', 'your email address has been blocked', 'your envelope sender is in my badmailfrom list', 'your email address has been blacklisted', 'your domain has been blacklisted'],
      securityerror: ['please turn on smtp authentication in your mail client'],
      spamdetected: ['message filtered', 'filtered by outbound scanning'],
      toomanyconn: ['too many recipients received this hour', 'too many messages'],
      userunknown: ['no such user', 'invalid recipient', 'mailbox is not allowed'],
    }),
  },
  { name: 'NTTDOCOMO', hosts: ['mfsmax.docomo.ne.jp'], decide: nttDocomo },
  { name: 'Facebook', hosts: ['.facebook.com'], decide: (_f, text) => FACEBOOK_CODES[/\b([a-z]{3}-[pt]\d)\b/.exec(text)?.[1]?.toUpperCase() ?? ''] ?? '' },
  {
    // Mimecast SMTP error codes (community.mimecast.com, "Mimecast SMTP Error Codes").
    name: 'Mimecast',
    hosts: ['.mimecast.com'],
    decide: byPhrase({
      authfailure: ['spf sender invalid - envelope rejected', 'dkim sender invalid - envelope rejected', 'dmarc sender invalid - envelope rejected'],
      badreputation: ['internal resources are temporarily unavailable', 'local ct ip reputation - (reject)'],
      blocked: ['sender address blocked', 'recipient temporarily unavailable', 'ip temporarily blacklisted'],
      failedstarttls: ['this route requires encryption (tls)', 'this route requires tls version 1.2 or greater', 'this route requires high-strength ciphers'],
      mesgtoobig: ['maximum email size exceeded'],
      networkerror: ['the incorrect hostname used for inbounds', 'mail loop detected'],
      norelaying: ['open relay not allowed', 'open relay is not allowed'],
      notaccept: ['account inbounds disabled'],
      policyviolation: ['anti-spoofing policy - inbound not allowed', 'rejected by header-based anti-spoofing policy', 'message bounced due to content examination policy', 'host network not allowed', 'host network, not allowed'],
      rejected: ['administrative prohibition envelope blocked', 'envelope blocked - user entry', 'envelope blocked - user domain entry', 'rejected by header-based manually blocked senders', 'rejected by header-based blocked senders', 'envelope rejected - block policy for envelope from address'],
      securityerror: ['incorrect authentication data', 'submitter failed to authenticate'],
      systemerror: ['unable to process connection at this time', 'message ended early', 'unable to process command', 'unable to process an email at this time'],
      toomanyconn: ['account service is temporarily unavailable', 'exceeding outbound thread limit'],
      userunknown: ['invalid recipient'],
      virusdetected: ['virus signature detected', 'message contains a virus'],
    }),
  },
  { name: 'FrancePTT', hosts: ['.laposte.net', '.orange.fr', '.wanadoo.fr'], decide: (_f, text) => francePtt(text) },
];

// GoDaddy's "IBnnn" codes (godaddy.com/help/fix-rejected-email-with-a-bounce-error-40685).
const GODADDY_CODES: Readonly<Record<string, BounceReason>> = {
  IB401: 'securityerror', IB501: 'notcompliantrfc', IB502: 'notcompliantrfc', IB506: 'rejected', IB508: 'authfailure', IB108: 'requireptr',
  IB212: 'spamdetected', IB705: 'virusdetected', IB605: 'toomanyconn', IB007: 'toomanyconn', IB101: 'speeding', IB110: 'blocked',
  IB111: 'blocked', IB112: 'blocked', IB113: 'blocked', IB504: 'speeding', IB510: 'speeding', IB607: 'speeding', IB103: 'badreputation',
  IB104: 'blocked', IB105: 'blocked', IB106: 'blocked',
};

function goDaddy(text: string): BounceReason | '' {
  const code = /\bib(\d{3})\b/.exec(text)?.[1];
  const known = code ? GODADDY_CODES[`IB${code}`] : undefined;
  if (known) return known;
  return byPhrase({
    blocked: ['rbl reject', 'www.spamhaus.org/query/bl?ip='],
    expired: ['has been in the queue too long', 'delivery timeout'],
    mailboxfull: ['account storage limit'],
    spamdetected: ['message rejected for spam or virus content'],
    suspend: ['account disabled'],
    systemerror: ['message is looping'],
    userunknown: ['recipient not found', 'account does not exist'],
  })({} as ReasonFacts, text);
}

// Cox postmaster codes ("AUP#CXBL") and texts (cox.com, "Cox postmaster email administration").
const COX_CODES: Readonly<Record<string, BounceReason>> = {
  CXBL: 'blocked', CXDNS: 'requireptr', CXSNDR: 'authfailure', CXSMTP: 'rejected', CXCNCT: 'toomanyconn', CXMXRT: 'toomanyconn', CDRBL: 'blocked',
  CXTHRT: 'securityerror', CXMJ: 'securityerror', URLBL011: 'spamdetected', URLBL101: 'spamdetected', URLBL110: 'spamdetected', URLBL1001: 'spamdetected',
};

function cox(text: string): BounceReason | '' {
  const code = /aup#([a-z0-9]+)/.exec(text)?.[1]?.toUpperCase() ?? '';
  const known = COX_CODES[code] ?? (/^IPBL\d+$/.test(code) ? 'blocked' : undefined);
  if (known) return known;
  return byPhrase({
    blocked: ['cox too many bad commands from', 'too many invalid recipients'],
    requireptr: ['dns check failure - try again later', 'rejected - no rdns'],
    policyviolation: ['esmtp no data before greeting', 'attachment extension is forbidden'],
    rejected: ['sender rejected'],
    systemerror: ['esmtp server temporarily not available'],
    toomanyconn: ['too many sessions from', 'requested action aborted: try again later', 'message threshold exceeded'],
    userunknown: ['recipient rejected'],
  })({} as ReasonFacts, text);
}

// Spectrum (Charter) "AUP#I1000"-style codes (spectrumbusiness.net, "Understanding email error codes").
const SPECTRUM_RANGES: readonly [number, number, BounceReason][] = [
  [1000, 1000, 'blocked'], [1010, 1010, 'rejected'], [1020, 1080, 'rejected'], [1090, 1090, 'systemerror'], [1100, 1150, 'requireptr'],
  [1160, 1190, 'policyviolation'], [1200, 1250, 'blocked'], [1260, 1260, 'networkerror'], [1300, 1340, 'toomanyconn'], [1350, 1490, 'speeding'],
  [1500, 1500, 'rejected'], [1520, 1520, 'rejected'], [1530, 1530, 'mesgtoobig'], [1540, 1550, 'speeding'], [1560, 1560, 'policyviolation'], [1580, 1580, 'speeding'],
];

function spectrum(text: string): BounceReason | '' {
  const code = Number(/aup#\D*(\d{4})/.exec(text)?.[1] ?? NaN);
  return SPECTRUM_RANGES.find(([from, to]) => code >= from && code <= to)?.[2] ?? '';
}

// i.ua "https://mail.i.ua/err/N/" codes.
const IUA_CODES: Readonly<Record<string, BounceReason>> = {
  '1': 'norelaying', '2': 'userunknown', '3': 'suspend', '4': 'mailboxfull', '5': 'toomanyconn', '6': 'norelaying', '7': 'blocked', '8': 'rejected', '9': 'blocked', '10': 'filtered',
};

// Facebook postmaster response codes (facebook.com/postmaster/response_codes).
const FACEBOOK_CODES: Readonly<Record<string, BounceReason>> = {
  'POL-P7': 'authfailure', 'POL-P1': 'blocked', 'POL-P2': 'blocked', 'POL-P3': 'blocked', 'POL-P4': 'blocked', 'POL-T1': 'blocked', 'POL-T2': 'blocked',
  'POL-T3': 'blocked', 'MSG-P2': 'contenterror', 'RCP-P2': 'filtered', 'RCP-P3': 'filtered', 'MSG-P1': 'mesgtoobig', 'INT-P2': 'mesgtoobig',
  'MSG-P3': 'notcompliantrfc', 'DNS-P1': 'rejected', 'DNS-P2': 'rejected', 'DNS-T1': 'rejected', 'DNS-P3': 'requireptr', 'DNS-T2': 'requireptr',
  'POL-P6': 'spamdetected', 'RCP-T4': 'suspend', 'RCP-T1': 'systemerror', 'CON-T1': 'toomanyconn', 'CON-T2': 'toomanyconn', 'CON-T3': 'toomanyconn',
  'CON-T4': 'toomanyconn', 'MSG-T1': 'toomanyconn', 'RCP-P1': 'userunknown', 'INT-P1': 'userunknown', 'INT-P3': 'userunknown', 'INT-P4': 'userunknown',
  'POL-P5': 'virusdetected',
};

/**
 * NTT DOCOMO: the reply text says full mailbox or too many recipients; otherwise "550 Unknown user"
 * is a missing user when answered to RCPT TO and the recipient's domain filter when answered after DATA.
 */
function nttDocomo(facts: ReasonFacts, text: string): BounceReason | '' {
  if (facts.status === '5.1.1' || facts.status === '5.0.911') return 'userunknown';
  if (facts.status === '5.2.0') return 'filtered';
  const byText = byPhrase({
    mailboxfull: ['552 too much mail data'],
    syntaxerror: ['503 bad sequence of commands', '504 command parameter not implemented'],
    toomanyconn: ['552 too many recipients'],
  })(facts, text);
  if (byText !== '') return byText;
  if (facts.status === '5.0.0' && facts.command === 'RCPT') return 'userunknown';
  if (facts.status === '5.0.0' && facts.command === 'DATA') return 'rejected';
  return '';
}

// Orange and La Poste error labels (OFR_nnn, LPNnnn_nnn): the last three digits name the reason.
const FRANCE_PTT_CODES: Readonly<Record<string, BounceReason>> = {
  '101': 'blocked', '102': 'blocked', '103': 'blocked', '104': 'toomanyconn', '305': 'securityerror', '401': 'authfailure', '402': 'securityerror',
  '403': 'rejected', '405': 'rejected', '415': 'rejected', '416': 'userunknown', '417': 'mailboxfull', '420': 'suspend', '421': 'rejected',
  '426': 'suspend', '505': 'systemerror', '506': 'spamdetected', '510': 'blocked', '514': 'mesgtoobig', '517': 'authfailure', '630': 'policyviolation', '999': 'blocked',
};

function francePtt(text: string): BounceReason | '' {
  const label = /(?:lpnaaa|lpn|ofr|ouk)[_-]?\d*_?(\d{3})\b/.exec(text.replace(/_/g, '_'));
  const known = label?.[1] ? FRANCE_PTT_CODES[label[1]] : undefined;
  if (known) return known;
  return text.includes('spf/dns de votre nom de domaine') ? 'authfailure' : '';
}

function matches(host: string, pattern: string): boolean {
  return host === pattern.replace(/^\./, '') || host.endsWith(pattern.startsWith('.') ? pattern : `.${pattern}`) || host === pattern;
}

/** The provider a bounce came from: by recipient domain, then remote host, then reporting host. */
export function providerOf(hosts: BounceHosts): Provider | undefined {
  const domain = hosts.recipientDomain.toLowerCase();
  if (domain !== '') {
    // "user@hotmail.com" belongs to the provider whose MX hosts end in ".hotmail.com".
    const byDomain = PROVIDERS.find((p) => p.hosts.some((h) => h.endsWith(domain) && (h === domain || h.endsWith(`.${domain}`))));
    if (byDomain) return byDomain;
  }
  for (const list of [hosts.remote, hosts.local]) {
    for (const host of list) {
      const h = host.toLowerCase().replace(/\.$/, '');
      const found = PROVIDERS.find((p) => p.hosts.some((pattern) => matches(h, pattern)));
      if (found) return found;
    }
  }
  return undefined;
}

/** The reason a provider's documentation gives for this bounce, '' when it gives none. */
export function remoteHostReason(facts: ReasonFacts, hosts: BounceHosts): BounceReason | '' {
  if (facts.diagnostic === '') return '';
  const provider = providerOf(hosts);
  return provider ? provider.decide(facts, facts.diagnostic.toLowerCase()) : '';
}

/** Host names a diagnostic mentions: "host mx.example.jp[192.0.2.1]", "host mx.example.jp [192.0.2.1]". */
export function hostsInText(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\bhost\s+([a-z0-9][a-z0-9.-]*\.[a-z]{2,})\.?\s*\[/gi)) out.push((m[1] ?? '').toLowerCase());
  for (const m of text.matchAll(/while talking to ([a-z0-9][a-z0-9.-]*\.[a-z]{2,})\.?:/gi)) out.push((m[1] ?? '').toLowerCase());
  return out;
}
