/**
 * How receiving servers put a failure into words, as concepts rather than lists of sentences: each
 * reason is a small regular expression of the form "a thing" near "what happened to it" ("mailbox"
 * near "full", "sender" near "rejected"), written by this team from the meaning of the RFC 3463
 * status classes, the RFC 5321 reply texts, and what we observed of how MTAs and providers phrase
 * failures. They are read only when the status code is absent or too vague to decide (reasons.ts).
 * Text is matched lower-cased. Languages: English, then German, French, Spanish, Italian,
 * Portuguese, Japanese and Chinese where servers commonly answer in them.
 */

/** One reason's wording. */
export type Concept = RegExp;

/** One of the words or phrases, not inside a longer word ("ip" is not the "ip" of "recipient"). */
const alt = (...parts: readonly string[]): string => `(?<![\\p{L}\\p{N}_])(?:${parts.join('|')})(?![\\p{L}\\p{N}_])`;

/** One of the phrases, for Chinese and Japanese, which put no spaces between words. */
const cjk = (...parts: readonly string[]): string => `(?:${parts.join('|')})`;

/** `a` and `b` within `gap` characters of each other, in either order, inside one clause. */
const near = (a: string, b: string, gap = 40): string => `(?:${a}[^.;!?\\n]{0,${gap}}?${b}|${b}[^.;!?\\n]{0,${gap}}?${a})`;

/** `a` then `b` within `gap` characters, in this order only. */
const then = (a: string, b: string, gap = 40): string => `(?:${a}[^.;!?\\n]{0,${gap}}?${b})`;

const concept = (...parts: readonly string[]): Concept => new RegExp(parts.join('|'), 'u');

// Things a failure can be about.
const PERSON = alt('user', 'users', 'mailbox', 'mail ?box', 'recipient', 'addressee', 'account', 'e-?mail address', 'address', 'local[- ]?part', 'alias', 'person', 'destination', 'rcpt');
const BOX = alt('mailbox', 'mail ?box', 'inbox', 'mail ?folder', 'maildir', 'quota', 'storage', 'disk', 'disc', 'account', 'user');
const DOMAIN = alt('host', 'domain', 'domain name', 'hostname', 'mx', 'mail exchanger');
const SENDER = alt('sender', 'senders', 'mail from', 'from:?', 'envelope from', 'envelope sender', 'return[- ]path', 'originator', 'your (?:e-?mail )?address', 'sending address');
const IP = alt('ip', 'ips', 'ip address', 'client host', 'your host', 'sending host', 'your server', 'mail server', 'network', 'remotehost', 'client', 'connecting host', 'sending mta');

// What can be wrong with them.
const MISSING = alt(
  'unknown', 'not known', 'not found', 'could not be found', "couldn't be found", 'cannot be found', 'does not exist', "doesn't exist", 'not exist', 'non-?existent',
  'no such', 'invalid', 'not valid', 'is not a valid', 'unavailable', 'not listed', 'not recogni[sz]ed', 'not local', 'illegal', 'bad', 'unrecognized',
);
const GONE = alt('suspended', 'disabled', 'deactivated', 'inactive', 'frozen', 'locked', 'terminated', 'archived', 'discontinued', 'closed', 'expired', 'blocked due to inactivity');
const REFUSED = alt('rejected', 'refused', 'denied', 'not allowed', 'not accepted', 'not permitted', 'blocked', 'banned', 'blacklisted', 'blocklisted', 'forbidden', 'prohibited');

/** The address does not exist at the destination (RFC 3463 X.1.1 and the RFC 5321 550 "mailbox unavailable"). */
export const USER_UNKNOWN: Concept = concept(
  then(alt('no such', 'unknown', 'invalid', 'bad', 'non-?existent', 'illegal', 'unrecognized'), PERSON, 12),
  then(PERSON, MISSING, 30),
  then(PERSON, alt("doesn't have an?", 'does not have an?', 'has no'), 20) + '[^;\\n]{0,30}account',
  then(alt('not listed in', 'not found in', 'no .{1,30} in'), alt('directory', 'address book', 'name & address book'), 40),
  'requested action not taken: mailbox unavailable',
  // The server refuses access to the recipient address itself (recipient validation at RCPT TO).
  then('recipient(?: address)? rejected', 'access denied', 5),
  alt('no mailbox', 'no one at this address', 'no account by that name', 'no valid recipients'),
  // German, French, Spanish, Italian, Portuguese.
  near(alt('benutzer', 'empfänger', 'adresse', 'postfach', 'konto'), alt('unbekannt', 'existiert nicht', 'nicht gefunden', 'ungültig')),
  near(alt('utilisateur', 'destinataire', 'adresse', 'boite', 'boîte', 'compte'), alt('inconnu', 'inconnue', "n'existe pas", 'invalide', 'introuvable')),
  near(alt('usuario', 'destinatario', 'buzón', 'buzon', 'dirección', 'direccion', 'cuenta', 'persona'), alt('desconocido', 'no existe', 'inexistente', 'no válid[oa]', 'no valid[oa]')),
  near(alt('utente', 'destinatario', 'casella', 'indirizzo'), alt('sconosciuto', 'inesistente', 'non esiste', 'non valido', 'nessun')),
  near(alt('usuário', 'utilizador', 'destinatário', 'endereço', 'conta', 'caixa postal'), alt('desconhecido', 'inexistente', 'não existe', 'inválido')),
  // Japanese and Chinese: "user/address/recipient" + "does not exist / not found / unknown".
  then(cjk('ユーザ', 'ユーザー', 'アドレス', '宛先', '受信者', 'メールボックス', 'ディレクトリ'), cjk('存在しません', '見つかりません', '不明'), 20),
  then(cjk('用户', '收件人', '收信人', '邮箱', '地址', '[帐账][号户]'), cjk('不存在', '无效', '已注销'), 10),
  cjk('无此用户', '查无此人'),
);

/** The mailbox is over its quota (X.2.2). */
export const MAILBOX_FULL: Concept = concept(
  near(BOX, alt('full', 'over quota', 'exceeded', 'exceeds', 'exceed', 'insufficient', 'used up', 'too many messages', 'size limit')),
  alt('over ?quota', 'quota (?:exceeded|violation)', 'exceeded storage allocation', 'no space left', 'not enough (?:disk |storage )?space', 'insufficient (?:disk |storage )?space', 'too much mail data'),
  near(alt('postfach', 'mailbox'), alt('voll', 'überschritten')),
  near(alt('boite', 'boîte', 'quota'), alt('pleine', 'dépassé', 'depasse')),
  near(alt('buzón', 'buzon', 'casella', 'caixa', 'cuota', 'cota'), alt('lleno', 'llena', 'piena', 'cheia', 'excedid[oa]', 'superata')),
  cjk('容量(?:超過|オーバー|不足)', 'メールボックスがいっぱい', '邮箱(?:已满|空间|容量)', '空间(?:已满|不足)', '容量(?:已满|不足)', '(?:超出|超过)配额'),
);

/** The recipient's own rules refused the message (X.2.4 territory, user-level filtering). */
export const FILTERED: Concept = concept(
  then(alt('recipient', 'user', 'addressee'), alt('refuses?', 'does not accept', 'is not accepting', 'only accepting', 'rejects?', 'preferences', 'rules', 'filter'), 30),
  near(alt('filter', 'filtered', 'rules'), alt('user', 'recipient', 'domain', 'message')),
  'blocked by the recipient',
);

/** Something about the sender (envelope from, its domain, a mailing list's membership) was refused. */
export const REJECTED: Concept = concept(
  near(SENDER, alt(REFUSED, 'invalid', 'unknown', 'unroute?able', 'not verified', 'verif\\w* fail\\w*', 'is not valid', 'does not exist', 'must exist', 'not owned', 'is empty', 'required'), 30),
  alt('null sender', 'empty envelope sender', 'empty (?:e-?mail )?address', 'bogus mail from', 'batv', 'backscatter', 'no third-party dsns', 'unsigned dsn', 'bounce(?:d)? ?(?:address|deny)'),
  near(alt('not a member', 'non-?member', 'members[- ]only', 'not subscribed'), alt('list', 'group'), 60),
  then(alt('permission', 'not allowed'), alt('to post'), 20),
  'emetteur invalide',
);

/** The sending host or network is refused: block lists, dynamic addresses, HELO checks, dropped connections. */
export const BLOCKED: Concept = concept(
  near(IP, alt(REFUSED, 'listed', 'on (?:our|a) block ?list', 'not allowed to (?:send|connect)', 'not accepting', 'suspicious', 'no access'), 40),
  near(alt('unwanted', 'abuse', 'complaints'), IP, 60),
  alt('\\brbl\\b', 'dnsbl', 'black ?list', 'block ?list', 'spamhaus', 'spamcop', 'barracuda', 'sorbs', 'abuseat', 'uceprotect', 'proofpoint'),
  near(alt('dynamic', 'residential', 'dial-?up', 'zombie'), alt('ip', 'ips', 'address', 'hosts?')),
  near(alt('helo', 'ehlo'), alt('rejected', 'invalid', 'bad', 'refused', 'denied')),
  alt('refused to talk to me', 'go away', 'not accepting connections', 'connection (?:dropped|reset|refused)', 'access denied, please try again later', 'open proxy', 'is an open relay', 'blocked for abuse', 'confirm this mail server'),
);

/** The destination domain does not exist or has no route (X.1.2, X.4.4 when permanent). */
export const HOST_UNKNOWN: Concept = concept(
  then(DOMAIN, alt('not found', 'unknown', 'does not exist', "doesn't exist", 'no such', 'must exist', 'lookup failed permanently', 'non-existent', 'point to non-existent'), 40),
  then(alt('unknown', 'no such', 'invalid', 'non-?existent'), DOMAIN, 10),
  then(alt('domain'), alt('not reachable'), 10),
  // A bare host name (not the domain of an address) said not to exist.
  '(?<![@\\w.-])[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,} (?:does not exist|not found)',
  alt('nxdomain', 'unroute?able', 'name or service not known', "couldn't find any host", 'all host address lookups failed'),
  then(alt('domain', 'dominio', 'domaine'), alt('existiert nicht', "n'existe pas", 'no existe', 'inesistente'), 30),
  cjk('域名(?:不存在|无效)', '找不到(?:该)?域名', 'ドメイン(?:が)?(?:存在しません|見つかりません)'),
);

/** The network path failed: temporary DNS trouble, unreachable hosts, loops (X.4.x). */
export const NETWORK_ERROR: Concept = concept(
  alt('(?:mail|routing|forwarding) loop', 'looping', 'too many hops', 'hop count exceeded', 'loop (?:was )?(?:detected|found)', 'too many "?received"? headers'),
  near(alt('dns', 'name server', 'nameserver', 'name service', 'mx lookup', 'host ?name lookup'), alt('fail', 'failed', 'failure', 'error', 'try again', 'malformed', 'timeout', 'could not be found'), 40),
  alt('no route to host', 'unreachable', 'not reachable', 'could not connect', 'unable to resolve', 'network error'),
);

/** The message waited too long: retries ran out or delivery was delayed (X.4.7, delayed DSNs). */
export const EXPIRED: Concept = concept(
  near(alt('delivery', 'message', 'retry', 'queue', 'envelope'), alt('expired', 'timed? ?out', 'timeout exceeded', 'too long', 'lifetime', 'period')),
  alt('giving up', 'gave up', 'has been delayed', 'have been failing for a long time', 'not (?:been )?delivered within', 'could not be delivered for', 'could not deliver for', 'multiple (?:retries|attempts)', 'numerous attempts', 'delivery attempts will continue'),
  alt('connection timed out', 'did not respond', 'not responding', 'did not accept our requests to connect', 'not been collected'),
  cjk('投递超时', '多次尝试', '连接超时', '配信期限'),
);

/** The receiving system failed on its side: configuration, internal errors, local loops (X.3.x, X.5.x on the server). */
export const SYSTEM_ERROR: Concept = concept(
  alt('system (?:error|config\\w*|problem|failure)', '(?:configuration|config) error', 'local (?:error|problem|configuration)', 'server configuration', 'internal (?:server )?error', 'misconfigured', 'loops back to myself', 'would create a mail loop', 'aliasing/forwarding loop', 'interrupted system call', 'write error', 'service (?:currently )?unavailable', 'timeout waiting for input', "can't create user output file"),
);

/** The content looked like spam (X.7.1 from a content filter). */
export const SPAM_DETECTED: Concept = concept(
  '\\bspam\\b', 'spam[- ](?:like|score|filter|content|points)', 'anti-?spam', 'unsolicited', 'bulk (?:e-?mail|mail|advertising)', 'junk mail', 'uribl', 'surbl', 'spamassassin', 'spamprofiler', 'content filter',
  near(alt('message', 'mail', 'content', 'email'), alt('looks like', 'classified as', 'identified as', 'considered', 'detected as', 'scored'), 40) + '[^.;]{0,30}(?:spam|bulk|junk)',
  alt('unacceptable content', 'mail content denied', 'content rejected', 'rejecting (?:banned|mail) content', 'recurrent pattern'),
  cjk('垃圾邮件', '迷惑メール'),
);

/** A local or organisational policy refused the message. */
export const POLICY_VIOLATION: Concept = concept(
  near(alt('policy', 'policies'), alt('violation', 'reasons', 'denied', 'rejected', 'refused', 'not accepted', 'blocked', 'prohibit\\w*'), 30),
  near('attachment', alt('not allowed', 'illegal', 'prohibited', 'forbidden', 'not accepted', 'banned', 'security')),
  alt('organi[sz]ation(?:al)? (?:policy|settings)', 'closed mailing list', 'members-only list', 'mass mailer', 'protocol violation', 'security issue'),
);

/** The sending host lacks valid reverse DNS (X.7.25). */
export const REQUIRE_PTR: Concept = concept(
  near(alt('ptr', 'reverse dns', 'rdns', 'reverse lookup', 'reverse (?:dns )?(?:record|entry)', 'forward dns'), alt('missing', 'required', 'fail', 'failed', 'no', 'not', 'lookup', 'mismatch', 'must', 'invalid', 'setup', 'fix')),
  alt('cannot find your hostname', 'ip name lookup failed', 'cannot resolve your address', 'unresolvable relay host', 'mismatches client ip'),
  near('sending ips?', 'unverif\\w*', 10),
);

/** Sender authentication of the domain failed: SPF, DKIM, DMARC (X.7.20-X.7.26). */
export const AUTH_FAILURE: Concept = concept(
  '\\bspf\\b', '\\bdkim\\b', '\\bdmarc\\b', 'sender policy framework', 'domainkeys', 'domain authentication', 'authentication (?:checks|level|requirements)',
);

/** The client had to authenticate, or a security rule of the server failed (X.7.x). */
export const SECURITY_ERROR: Concept = concept(
  near(alt('authentication', 'authentification', 'authenticate', 'authenticated', 'credentials', 'auth'), alt('required', 'requise', 'fail', 'failed', 'failure', 'invalid', 'invalide', 'not', 'turn on', 'must')),
  alt('insecure', 'unauthenticated', 'not authorized to (?:send|perform)', 'verification failure', 'executable files', 'dead domain'),
);

/** The mailbox exists but is switched off (X.2.1). */
export const SUSPEND: Concept = concept(
  near(alt('account', 'mailbox', 'mail ?box', 'user', 'address', 'recipient', 'inbox', 'service'), GONE, 30),
  alt('no longer accepts mail', 'temporarily inactive', 'temporary locked', 'user is terminated'),
  cjk('已被冻结', '已冻结', '已停用', '已锁定', '[帐账][号户]已(?:被)?(?:冻结|停用|锁定)'),
);

/** The mailbox moved without forwarding (X.1.6). */
export const HAS_MOVED: Concept = concept(alt('has moved', 'moved permanently', 'no forwarding address', 'has been replaced by', 'no longer on (?:this )?server'));

/** The message is larger than the receiving system allows (X.3.4). */
export const MESG_TOO_BIG: Concept = concept(
  near(alt('message', 'mail', 'email', 'e-mail', 'attachment', 'data'), alt('too (?:big|large)', 'size exceeds', 'exceeds (?:the )?(?:maximum|fixed|allowed)', 'size limit', 'maximum (?:\\w+ )?(?:message )?size', 'line limit'), 30),
  alt('size limit', 'message size', 'line limit', 'taille limite', 'zu gro(?:ß|ss)'), cjk('邮件(?:过大|太大)', '大小超过', 'サイズ'),
);

/** A limit of this recipient (message size or header size) was exceeded (X.2.3). */
export const EXCEED_LIMIT: Concept = concept(near('header', alt('size exceeds', 'too large', 'exceeds limit')));

/** The server does not relay for the sender (X.7.1 relaying). */
export const NO_RELAYING: Concept = concept(
  near(alt('relay', 'relaying'), alt('denied', 'not permitted', 'not allowed', 'prohibited', 'refused', 'unable', 'not configured', 'as a', 'not an open', 'insecure', 'access', 'without authentication')),
  alt('allowed rcpthosts', "we don't handle mail for", 'not local host', 'not a gateway'),
);

/** The domain accepts no mail at all (RFC 7505 null MX, X.1.10, X.3.2). */
export const NOT_ACCEPT: Concept = concept(
  alt('null ?mx', 'does not accept (?:e-?)?mail', "doesn't receive email", 'not accepting (?:any )?(?:e-?)?mail', 'mail receiving disabled', 'no smtp service', 'no mx record'),
);

/** Too many connections, recipients or messages in a window (X.4.5, X.5.3, throttling). */
export const TOO_MANY_CONN: Concept = concept(
  alt('too many (?:connections|concurrent|sessions|recipients|messages|errors|invalid)'),
  near(alt('connection', 'frequency', 'sending rate', 'message'), alt('limit(?:ed)?', 'exceeded', 'threshold'), 20),
  alt('throttl\\w*', 'max(?:imum)? (?:emails|messages) per'),
);

/** The sender is sending too fast (rate limiting). */
export const SPEEDING: Concept = concept(alt('rate limit(?:ed)?', 'too (?:fast|quickly)', 'slow(?:er)? down', 'try again slower', 'at a rate', 'per hour'));

/** The sending IP or domain has a poor reputation. */
export const BAD_REPUTATION: Concept = concept('reputation');

/** The message's form is broken: headers, MIME, encoding (X.6.x). */
export const CONTENT_ERROR: Concept = concept(
  near(alt('header', 'headers', 'mime', 'encoding', 'binary content', '8-bit', '8bit', 'base64', 'linefeed'), alt('invalid', 'malformed', 'duplicate', 'too many', 'exceeds', 'improper', 'unnecessary', 'complexity', 'stray', 'bare')),
);

/** The message does not follow RFC 5322. */
export const NOT_COMPLIANT_RFC: Concept = concept(alt('rfc ?5322', 'rfc ?2822', 'not rfc compliant', 'rfcmessagenoncompliant'), then('multiple', 'header', 30));

/** A virus or malware was found. */
export const VIRUS_DETECTED: Concept = concept(alt('virus', 'malware', 'infected', 'trojan', 'executable attachment', 'potentially executable', 'phishing'), cjk('病毒'));

/** TLS was required and could not be used. */
export const FAILED_STARTTLS: Concept = concept(near(alt('starttls', 'tls', 'encryption', 'ssl'), alt('required', 'not supported', 'does not support', 'failed', 'must')));

/** The receiving system itself is out of space (X.3.1). */
export const SYSTEM_FULL: Concept = concept(alt('mail system full', 'system (?:is )?full', 'insufficient system (?:storage|resources)', 'disk full'));

/** The sending service refused to send to an address on its suppression list. */
export const SUPPRESSED: Concept = concept('suppression list', '\\bsuppressed\\b');

/** A local delivery program (a pipe, procmail, maildrop) failed. */
export const MAILER_ERROR: Concept = concept(alt('procmail', 'maildrop', 'command (?:died|failed)', 'pipe to \\|', 'x-unix', 'exit (?:code|status)', 'mailer error', '\\|\\| exit '));

/** An out-of-office text ended up in a notice. */
export const VACATION: Concept = concept(alt('away (?:on vacation|until)', 'out of (?:the )?office', 'on vacation', 'will be travel'));
