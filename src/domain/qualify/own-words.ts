import { isChineseName } from './zh-names.ts';

/**
 * Separates what the lead wrote in this message from quoted history and from the signature.
 * Quoted history (ours or anyone's) never counts as evidence; the signature is the lead's own text
 * but only speaks to who they are (a title), never to budget, need or timeline.
 */
export interface OwnWords {
  /** The lead's own lines, verbatim, in order, without quoted lines or the signature. */
  readonly body: string;
  /** Sign-off, name and title block, mobile footers. */
  readonly signature: string;
  /** Everything cut as quoted history, for debugging; never evidence. */
  readonly quoted: string;
}

const SEPARATOR_HEADERS: readonly RegExp[] = [
  // QQ Mail's English interface writes just "Original" between its dashes.
  /^\s*-{2,}\s*(?:original(?: message)?|forwarded message|reply message|message d'origine|ursprüngliche nachricht|mensaje original|messaggio originale)\s*-{2,}/i,
  /^\s*[-—]{2,}\s*(?:原始邮件|原邮件|转发的邮件|转发邮件|回复的原邮件|邮件原文)\s*[-—]{2,}/,
  /^\s*(?:原始邮件|转发的邮件|回复的原邮件)\s*[:：]?\s*$/,
  /^\s*(?:以下为|以下是|下面是)?原(?:始)?邮件(?:内容|信息)?\s*[:：]\s*$/,
  /^\s*begin forwarded message\s*:?\s*$/i,
  /^\s*-+\s*forwarded by\b/i,
];

/** "On <date>, <name> wrote:" in several client spellings and languages, possibly across up to three lines. */
const WROTE_HEADERS: readonly RegExp[] = [
  /^\s*on\b[^\n]{0,300}\bwrote\s*:\s*$/i,
  /^\s*(?:am|le|el|il|op|den|på|w dniu|em)\b[^\n]{0,300}\b(?:schrieb|a écrit|escribió|ha scritto|schreef|skrev|napisał|escreveu)\b[^\n]{0,120}:\s*$/i,
  /^[^\n]{0,300}(?:写道|寫道)\s*[:：]\s*$/,
];

const HEADER_FIRST = /^\s*\*?\s*(?:from|发件人|寄件者|寄件人|de|von|fra|från|van)\s*\*?\s*[:：]/i;
const HEADER_NEXT = /^\s*\*?\s*(?:sent|date|to|subject|cc|发送时间|发件时间|日期|时间|收件人|主题|抄送|envoyé|gesendet|an|betreff|objet|à)\s*\*?\s*[:：]/i;

const MOBILE_FOOTER =
  /^\s*(?:sent from my\b|sent from (?:mail|outlook|yahoo|gmail|samsung)|get outlook for\b|sent via\b|sent using\b|sent with\b|发自我的|发自网易邮箱|来自我的|从我的.{0,20}发送|来自\s*(?:iphone|华为|小米|荣耀|vivo|oppo))/i;

const SIG_DELIMITER = /^\s*(?:--\s?|[-—_=*]{3,}|[—]{2,})\s*$/;

const SIGN_OFF =
  /^\s*(?:thanks|thank you|many thanks|thanks again|thanks so much|thx|ty|best|best regards|best wishes|regards|kind regards|warm regards|warmly|cheers|sincerely|yours|yours truly|all the best|all best|talk soon|speak soon|br|rgds|with thanks|respectfully|cordially|谢谢|多谢|感谢|谢谢您|此致|敬礼|此致敬礼|祝好|顺祝商祺|顺颂商祺|祝商祺|商祺|祝工作顺利)\s*[,，.。!！~]*\s*$/i;
const SIGN_OFF_WITH_NAME = /^\s*(?:thanks|cheers|best|regards|thx)\s*[,，]?\s*[-—]?\s*[A-Z][\p{L}'-]+(?:\s+[A-Z][\p{L}'-]+)?\s*$/u;

function isQuoteHeaderAt(lines: readonly string[], i: number): boolean {
  const line = lines[i] ?? '';
  if (SEPARATOR_HEADERS.some((p) => p.test(line))) return true;
  // A Gmail header is sometimes wrapped onto two or three lines.
  for (let span = 1; span <= 3; span++) {
    const joined = lines.slice(i, i + span).join(' ');
    if (span > 1 && lines.slice(i + 1, i + span).some((l) => l.trim() === '')) break;
    if (WROTE_HEADERS.some((p) => p.test(joined))) {
      // The header must start at this line: "On" or a date/name line.
      if (span === 1 || /^\s*on\b/i.test(line) || /^\s*(?:am|le|el|il|op|den|på)\b/i.test(line) || /\d{4}/.test(line)) return true;
    }
  }
  if (HEADER_FIRST.test(line)) {
    let seen = 0;
    for (let j = i + 1; j < Math.min(lines.length, i + 7); j++) {
      const next = lines[j] ?? '';
      if (HEADER_NEXT.test(next)) seen++;
    }
    if (seen >= 1) return true;
  }
  // Any client's "<date> <name> wrote:" in a language we do not list: a dated line ending in a colon
  // right above quoted lines.
  if (/\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}/.test(line) && /[:：]\s*$/.test(line)) {
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    if (next !== undefined && isQuotedLine(next)) return true;
  }
  // An Outlook rule line directly above a header block.
  if (/^\s*_{10,}\s*$/.test(line) && HEADER_FIRST.test(lines[i + 1] ?? '')) return true;
  return false;
}

/** Lines taken by the quote header at `i` (a Gmail header may wrap over up to three lines). */
function headerSpan(lines: readonly string[], i: number): number {
  for (let span = 0; span < 3; span++) {
    if (/(?:wrote|schrieb|a écrit|写道)\s*[:：]?\s*$|[:：]\s*$/i.test(lines[i + span] ?? '')) return span;
  }
  return 0;
}

/** Unquoted text interleaved with ">" lines after the header: answers written inline. */
function hasInlineAnswers(lines: readonly string[], cut: number): boolean {
  const rest = lines.slice(cut + headerSpan(lines, cut) + 1);
  const quotedCount = rest.filter(isQuotedLine).length;
  const plain = rest.filter((l) => l.trim() !== '' && !isQuotedLine(l));
  return quotedCount > 0 && plain.length > 0 && !rest.some((l, j) => j > 0 && !isQuotedLine(l) && isQuoteHeaderAt(rest, j));
}

function isQuotedLine(line: string): boolean {
  return /^\s*(?:>|＞|\|)/.test(line);
}

/** First name and full name of the lead, for spotting a bare name line that starts a signature. */
function nameForms(leadName: string | undefined): string[] {
  if (!leadName) return [];
  const full = leadName.trim();
  const first = full.split(/\s+/)[0] ?? '';
  return [full, first].filter((s) => s.length > 0).map((s) => s.toLowerCase());
}

// First and last name (two or three capitalised words); single words are too often "Sure" or "Great".
const EN_FULL_NAME = /^\s*[A-Z][\p{L}'.-]+(?:\s+[A-Z][\p{L}'.-]+){1,2}\s*[,.]?\s*$/u;
const NOT_A_NAME = /^\s*(?:sounds|looks|thanks|thank|sure|yes|great|good|hi|hello|hey|dear|ok|okay|please|best|kind|happy|all|see|talk|let|will|no|not)\b/i;

function isNameLine(t: string): boolean {
  return (EN_FULL_NAME.test(t) && !NOT_A_NAME.test(t)) || isChineseName(t);
}

// Legal footers follow signatures and are long sentences; they do not make the block a message.
const DISCLAIMER = /confidential|intended (?:solely|only)|privileged|disclaimer|if you (?:have )?received this|this (?:e-?mail|message) (?:and any|is)|保密|免责/i;

function looksLikeSignatureBlock(lines: readonly string[]): boolean {
  const nonEmpty = lines.filter((l) => l.trim() !== '' && !DISCLAIMER.test(l));
  if (nonEmpty.length === 0 || nonEmpty.length > 7) return false;
  return nonEmpty.every((l) => (l.trim().length <= 90 && !/[.?!。？！]\s*$/.test(l.trim())) || /^\s*[+\d(][\d\s().-]{6,}$/.test(l));
}

function findSignatureStart(lines: readonly string[], leadName: string | undefined): number {
  const names = nameForms(leadName);
  let start = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (MOBILE_FOOTER.test(line) || (i > 0 && SIG_DELIMITER.test(line))) {
      start = i;
      break;
    }
  }
  for (let i = 0; i < start; i++) {
    const line = lines[i] ?? '';
    const hasTextBefore = lines.slice(0, i).some((l) => l.trim() !== '');
    if (hasTextBefore && (SIGN_OFF.test(line) || SIGN_OFF_WITH_NAME.test(line)) && looksLikeSignatureBlock(lines.slice(i + 1, start))) return i;
  }
  // A bare name line (the lead's, or name-shaped after a blank line) followed only by a short block.
  const lastText = lines.slice(0, start).map((l) => l.trim()).reduce((acc, l, i) => (l !== '' ? i : acc), -1);
  for (let i = 1; i < start; i++) {
    const t = (lines[i] ?? '').trim().replace(/^[-–—~]\s*/, '');
    if (t === '') continue;
    const isLeadName = names.includes(t.toLowerCase().replace(/[,.]$/, ''));
    const afterBlank = (lines[i - 1] ?? '').trim() === '';
    // A single capitalised word alone on the last line after a blank line is a first-name sign-off.
    const lastFirstName = i === lastText && afterBlank && /^[A-Z][\p{L}'-]{1,20}[,.]?$/u.test(t) && !NOT_A_NAME.test(t);
    if ((isLeadName || lastFirstName || (afterBlank && isNameLine(t))) && looksLikeSignatureBlock(lines.slice(i, start))) return i;
  }
  return start;
}

/** Split a raw reply into the lead's own words, the signature, and quoted history. */
export function separateOwnWords(reply: string, leadName?: string): OwnWords {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    if (isQuoteHeaderAt(lines, i)) {
      cut = i;
      break;
    }
  }
  const kept: string[] = [];
  const quoted: string[] = [];
  // A reply written inline under a quote header at the very top: keep the unquoted lines after it.
  const inline = cut < lines.length && lines.slice(0, cut).every((l) => l.trim() === '') && hasInlineAnswers(lines, cut);
  lines.forEach((line, i) => {
    if (isQuotedLine(line) || (i >= cut && !inline) || (inline && i <= cut + headerSpan(lines, cut))) quoted.push(line);
    else kept.push(line);
  });
  while (kept.length > 0 && (kept[kept.length - 1] ?? '').trim() === '') kept.pop();
  const sigStart = findSignatureStart(kept, leadName);
  return {
    body: kept.slice(0, sigStart).join('\n').trim(),
    signature: kept.slice(sigStart).join('\n').trim(),
    quoted: quoted.join('\n'),
  };
}
