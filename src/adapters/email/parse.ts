import iconv from 'iconv-lite';
import { simpleParser } from 'mailparser';
import { ValidationError } from '../../domain/errors.ts';
import { header, type MailHeader, type MailMessage, type MailPart } from '../../domain/mail/message.ts';

/**
 * Raw MIME bytes into the message model of src/domain/mail.
 *
 * mailparser decodes the top-level Subject, From and Date robustly and renders HTML-only messages as
 * text, but it folds `message/delivery-status` parts into its `text` and does not hand back the
 * attached `message/rfc822` original, so the part tree is walked here on the raw text: the RFC 3464
 * and RFC 5965 report parts are kept verbatim, as the rules need their fields line by line.
 */

/** Nested multiparts deeper than this are treated as opaque (a malicious or looping message). */
const MAX_DEPTH = 8;

/** Parse one raw message. Throws a ValidationError (code MAIL_UNPARSEABLE) when it is not a MIME message. */
export async function parseMail(raw: Buffer): Promise<MailMessage> {
  if (raw.length === 0) throw unparseable('the file is empty');
  // latin1 keeps every byte as one code unit, so each part can be decoded with its own charset later.
  const binary = raw.toString('latin1');
  const top = splitEntity(binary);
  if (top.headers.length === 0) throw unparseable('no header fields at the start of the message');
  if (!top.headers.some((h) => KNOWN_TOP_FIELDS.has(h.name))) {
    throw unparseable('none of From, To, Subject, Date, Received, Message-ID or Content-Type is present');
  }
  const parts: MailPart[] = [];
  walk(top, 0, 0, parts);

  let mail: Awaited<ReturnType<typeof simpleParser>>;
  try {
    mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  } catch (e) {
    throw unparseable(e instanceof Error ? e.message : String(e));
  }
  const ct = parseContentType(header(top.headers, 'content-type'));
  const fromValue = mail.from?.value[0]?.address ?? '';
  const date = mail.date && !Number.isNaN(mail.date.getTime()) && header(top.headers, 'date') !== '' ? mail.date : null;
  return {
    headers: top.headers,
    subject: mail.subject ?? decodeWords(header(top.headers, 'subject')),
    from: fromValue.toLowerCase(),
    date,
    contentType: ct.type,
    contentTypeParams: ct.params,
    text: humanText(parts, typeof mail.text === 'string' ? mail.text : ''),
    parts,
  };
}

const KNOWN_TOP_FIELDS = new Set(['from', 'to', 'subject', 'date', 'received', 'message-id', 'content-type', 'return-path', 'mime-version']);

function unparseable(why: string): ValidationError {
  return new ValidationError(`not a readable email message: ${why}`, { why }, 'MAIL_UNPARSEABLE');
}

interface Entity {
  readonly headers: MailHeader[];
  /** The body, still in latin1 "binary" form. */
  readonly body: string;
}

/** Header block and body of one entity (RFC 5322 section 2.1: the first empty line separates them). */
function splitEntity(binary: string): Entity {
  const text = binary.replace(/^(?:From [^\n]*\n)/, ''); // an mbox "From " line is not a header
  const m = /\r?\n\r?\n/.exec(text);
  const head = m ? text.slice(0, m.index) : text;
  const body = m ? text.slice(m.index + m[0].length) : '';
  const headers: MailHeader[] = [];
  let current: { name: string; value: string } | undefined;
  for (const line of head.split(/\r?\n/)) {
    // Some Exchange servers fold a Content-Type parameter onto a line without the leading space.
    if (current && (/^[ \t]/.test(line) || (/;\s*$/.test(current.value) && /^[\w*-]+=/.test(line)))) {
      current.value += ` ${line.trim()}`;
      continue;
    }
    const hm = /^([!-9;-~]+)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!hm) {
      // A body without a blank line before it (some broken MTAs): stop at the first non-header line.
      if (headers.length === 0 && current === undefined) return { headers: [], body: text };
      const rest = text.slice(text.indexOf(line));
      return { headers: finish(headers, current), body: rest };
    }
    if (current) headers.push(current);
    current = { name: (hm[1] ?? '').toLowerCase(), value: (hm[2] ?? '').trim() };
  }
  return { headers: finish(headers, current), body };
}

function finish(headers: MailHeader[], current: { name: string; value: string } | undefined): MailHeader[] {
  const all = current ? [...headers, current] : headers;
  return all.map((h) => ({ name: h.name, value: decodeWords(h.value) }));
}

interface ContentType {
  type: string;
  params: Record<string, string>;
}

function parseContentType(value: string): ContentType {
  const [typePart = '', ...rest] = value.split(';');
  const type = typePart.trim().toLowerCase() || 'text/plain';
  const params: Record<string, string> = {};
  const re = /([\w*.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (const m of rest.join(';').matchAll(re)) {
    const name = (m[1] ?? '').toLowerCase();
    params[name] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { type: /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : 'text/plain', params };
}

function walk(entity: Entity, depth: number, nesting: number, out: MailPart[]): void {
  const ct = parseContentType(header(entity.headers, 'content-type'));
  if (ct.type.startsWith('multipart/') && nesting < MAX_DEPTH) {
    const boundary = ct.params.boundary;
    if (!boundary && nesting === 0) throw unparseable(`the message is ${ct.type} but names no boundary, so its parts cannot be found`);
    const children = boundary ? splitMultipart(entity.body, boundary) : [];
    // A notice truncated before its first boundary still has text worth reading: keep it as one part.
    if (children.length === 0) {
      out.push({ contentType: 'text/plain', headers: [], body: decodeBody(entity.body, '', 'utf-8'), depth });
      return;
    }
    for (const child of children) walk(splitEntity(child), depth, nesting + 1, out);
    return;
  }
  const encoding = header(entity.headers, 'content-transfer-encoding').toLowerCase();
  const body = decodeBody(entity.body, encoding, ct.params.charset ?? '');
  out.push({ contentType: ct.type, headers: entity.headers, body, depth });
  if ((ct.type === 'message/rfc822' || ct.type === 'message/global') && nesting < MAX_DEPTH) {
    const inner = splitEntity(decodeTransfer(entity.body, encoding));
    if (inner.headers.length > 0) walk(inner, depth + 1, nesting + 1, out);
  }
}

/** The bodies between `--boundary` delimiter lines (RFC 2046 section 5.1.1); the epilogue is dropped. */
function splitMultipart(body: string, boundary: string): string[] {
  const lines = body.split(/\r?\n/);
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current) parts.push(current.join('\n'));
      current = trimmed === delimiter ? [] : undefined;
      if (trimmed !== delimiter) break;
      continue;
    }
    current?.push(line);
  }
  if (current && current.length > 0) parts.push(current.join('\n'));
  return parts;
}

function decodeTransfer(binary: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(binary.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
  if (encoding === 'quoted-printable') {
    return binary.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return binary;
}

function decodeBody(binary: string, encoding: string, charset: string): string {
  return decodeCharset(Buffer.from(decodeTransfer(binary, encoding), 'latin1'), charset).replace(/\r\n?/g, '\n');
}

/** Bytes to text in the declared charset; undeclared bytes are UTF-8 when they are valid UTF-8, else Latin-1. */
function decodeCharset(bytes: Buffer, charset: string): string {
  const label = charset.trim().toLowerCase().replace(/^"|"$/g, '');
  if (label !== '' && label !== 'us-ascii' && label !== 'ascii') {
    const declared = decodeAs(bytes, label);
    // Japanese and Chinese MTAs often label 8-bit EUC or Shift_JIS bytes as the 7-bit ISO-2022 form.
    if (declared !== null && !declared.includes('\uFFFD')) return declared;
    for (const alternative of ['utf-8', ...(SIBLINGS[label] ?? [])]) {
      const text = decodeAs(bytes, alternative, true);
      if (text !== null && !text.includes('\uFFFD')) return text;
    }
    if (declared !== null) return declared;
  }
  return decodeAs(bytes, 'utf-8', true) ?? bytes.toString('latin1');
}

/** Charsets whose bytes are found under each other's labels. */
const SIBLINGS: Readonly<Record<string, readonly string[]>> = {
  'iso-2022-jp': ['euc-jp', 'shift_jis'],
  'euc-jp': ['shift_jis'],
  shift_jis: ['euc-jp'],
  gb2312: ['gb18030'],
  gbk: ['gb18030'],
  'iso-2022-cn': ['gb18030'],
  'iso-2022-kr': ['euc-kr'],
  big5: ['big5-hkscs'],
};

/**
 * Labels the WHATWG Encoding standard maps to windows-1252 (mail clients mean it whenever they say
 * Latin-1). Node 20.18.3+ decodes them as plain Latin-1 (nodejs/node#60888), which turns Outlook's
 * smart quotes and dashes (0x80-0x9F) into invisible control characters, so iconv-lite decodes them.
 */
const WINDOWS_1252 = new Set(['windows-1252', 'cp1252', 'x-cp1252', 'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'l1', 'cp819', 'ibm819', 'iso-ir-100']);

function decodeAs(bytes: Buffer, label: string, fatal = false): string | null {
  if (WINDOWS_1252.has(label)) return iconv.decode(bytes, 'win1252');
  try {
    // WHATWG TextDecoder (with Node's ICU) knows ISO-2022-JP, GB18030 and friends; iconv-lite covers the rest.
    return new TextDecoder(label, { fatal }).decode(bytes);
  } catch {
    if (!fatal && iconv.encodingExists(label)) return iconv.decode(bytes, label);
    return null;
  }
}

/** RFC 2047 encoded words in a header value; adjacent encoded words join without the space between them. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=/g, (whole, charset: string, enc: string, text: string) => {
      const cs = charset.replace(/\*.*$/, '');
      const bytes =
        enc.toLowerCase() === 'b'
          ? Buffer.from(text, 'base64')
          : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      try {
        return decodeCharset(bytes, cs);
      } catch {
        return whole;
      }
    });
}

/** The notice's own first text/plain part; mailparser's rendering of its HTML when it has none. */
function humanText(parts: readonly MailPart[], mailparserText: string): string {
  const plain = parts.find((p) => p.depth === 0 && p.contentType === 'text/plain' && p.body.trim() !== '');
  if (plain) return plain.body;
  return mailparserText;
}
