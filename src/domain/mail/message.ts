/**
 * The parsed inbound message the mail rules work on. Adapters (src/adapters/email/parse.ts) build it
 * from raw MIME; the rules never see bytes, sockets or files.
 */

/** One header field: lower-case name, value unfolded and RFC 2047-decoded. */
export interface MailHeader {
  readonly name: string;
  readonly value: string;
}

/** A leaf MIME part, in document order. */
export interface MailPart {
  /** Lower-case `type/subtype`, e.g. `message/delivery-status`; `text/plain` when the part declares none. */
  readonly contentType: string;
  /** The part's own header fields. */
  readonly headers: readonly MailHeader[];
  /**
   * The body as text: transfer encoding and charset decoded for text parts; the raw text for `message/*`
   * parts (RFC 3464 and RFC 5965 reports are line-oriented header-like fields, read as is).
   */
  readonly body: string;
  /** 0 for parts of the notice itself, 1 and more inside an attached `message/rfc822`. */
  readonly depth: number;
}

/** A whole inbound message. */
export interface MailMessage {
  /** Top-level header fields in order (several `Received:` fields keep their order). */
  readonly headers: readonly MailHeader[];
  /** Decoded Subject, '' when absent. */
  readonly subject: string;
  /** The address in From:, lower-cased, '' when absent. */
  readonly from: string;
  /** The Date: header, or null when absent or unparseable. */
  readonly date: Date | null;
  /** Lower-case top-level `type/subtype`. */
  readonly contentType: string;
  /** The top-level Content-Type parameters (lower-case names), e.g. `report-type`. */
  readonly contentTypeParams: Readonly<Record<string, string>>;
  /** The human-readable text of the message: its first text/plain part, else its HTML as text. */
  readonly text: string;
  /** Every leaf part in order, including those of attached messages (see `depth`). */
  readonly parts: readonly MailPart[];
}

/** The first value of a header field, '' when absent. */
export function header(headers: readonly MailHeader[], name: string): string {
  const n = name.toLowerCase();
  return headers.find((h) => h.name === n)?.value ?? '';
}

/** Every value of a header field, in order. */
export function headerAll(headers: readonly MailHeader[], name: string): string[] {
  const n = name.toLowerCase();
  return headers.filter((h) => h.name === n).map((h) => h.value);
}

/** Header fields of a block of `Name: value` lines (an attached message's or a report's), unfolded. */
export function parseHeaderBlock(text: string): MailHeader[] {
  const out: { name: string; value: string }[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      if (out.length > 0) break;
      continue;
    }
    const last = out[out.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const m = /^([!-9;-~]+)\s*:\s*(.*)$/.exec(line);
    if (!m) {
      if (out.length === 0) continue;
      break;
    }
    out.push({ name: (m[1] ?? '').toLowerCase(), value: (m[2] ?? '').trim() });
  }
  return out;
}
