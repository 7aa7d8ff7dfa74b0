import type { LineEvent } from './lines.ts';

/**
 * Groups physical lines into CSV records before any field is parsed, so that broken quoting costs one
 * row instead of the rest of the file.
 *
 * A record ends at a line break outside quotes; in valid CSV that is exactly where the number of `"`
 * characters since the record began is even (an opening and a closing quote make two, an escaped `""`
 * makes two). A record that spans lines is checked by `acceptsMultiline` (the real parser, and whether
 * a continuation line looks like a row of its own: a stray quote further down can pair up with an
 * unclosed one and make the lines between parse as one field).
 * When a quote stays open past the limits or to the end of the file, or the joined lines do not parse,
 * the record's first line is reported as broken and the lines after it are read again as new records:
 * an unclosed quote in the middle of a file loses one row, and only the last `maxRecordLines` lines are
 * ever held.
 *
 * Why not csv-parse's own stream over the whole file: it stops at the first quote error, and its
 * skip_records_with_error mode keeps a quote open across the rest of the file (and, at 6.2.1, drops the
 * rest of a chunk after an over-long record). csv-parse still splits every quoted record (fields.ts).
 */

export type Framed =
  | { kind: 'record'; line: number; text: string; multiline: boolean }
  | { kind: 'bad'; line: number; reason: string; raw: string };

export interface FramerLimits {
  /** Longest record, in characters, across all its lines. */
  maxRecordChars: number;
  /** Most physical lines one record (a quoted field with line breaks) may span. */
  maxRecordLines: number;
}

interface OpenRecord {
  lines: { no: number; text: string }[];
  chars: number;
}

export class RecordFramer {
  private open: OpenRecord | null = null;

  constructor(
    private readonly limits: FramerLimits,
    /** Whether a record spanning several lines (`text`: joined by "\n") is one good record. */
    private readonly acceptsMultiline: (text: string, lines: readonly string[]) => boolean,
    /** A more precise reason for a broken record from its first line alone (e.g. a stray quote), if any. */
    private readonly explain: (firstLine: string) => string | null = () => null,
  ) {}

  push(event: LineEvent, emit: (f: Framed) => void): void {
    let replay = this.step(event, emit);
    // Lines handed back by a broken record come before anything newer, in file order.
    while (replay.length > 0) {
      const next = replay.shift() as LineEvent;
      const more = this.step(next, emit);
      if (more.length > 0) replay = more.concat(replay);
    }
  }

  end(emit: (f: Framed) => void): void {
    while (this.open) {
      const open = this.open;
      this.open = null;
      emit(this.broken(open, 'unclosed quote: a field opened with " on this line is never closed; the lines after it were read as separate rows'));
      for (const l of open.lines.slice(1)) this.push({ kind: 'line', no: l.no, text: l.text }, emit);
    }
  }

  /** Handles one line; returns lines that must be read again (oldest first). */
  private step(e: LineEvent, emit: (f: Framed) => void): LineEvent[] {
    const open = this.open;
    if (e.kind === 'oversized') {
      if (open) {
        this.open = null;
        emit(this.broken(open, this.limitReason()));
        return [...again(open), e];
      }
      emit({
        kind: 'bad',
        line: e.no,
        reason: `record is ${e.length.toLocaleString('en-US')} characters long, over the limit of ${this.limits.maxRecordChars.toLocaleString('en-US')} (a field far too large, or not a CSV file)`,
        raw: '',
      });
      return [];
    }
    if (!open) {
      if (isBlank(e.text)) return [];
      if (quotesEven(e.text)) {
        emit({ kind: 'record', line: e.no, text: e.text, multiline: false });
        return [];
      }
      this.open = { lines: [{ no: e.no, text: e.text }], chars: e.text.length };
      return [];
    }
    open.lines.push({ no: e.no, text: e.text });
    open.chars += e.text.length + 1;
    if (!quotesEven(e.text)) {
      // The odd quote closes the open field: the record is complete, if it parses.
      this.open = null;
      const texts = open.lines.map((l) => l.text);
      const text = texts.join('\n');
      const first = open.lines[0] as { no: number };
      if (open.chars > this.limits.maxRecordChars) {
        emit(this.broken(open, this.limitReason()));
        return again(open);
      }
      if (this.acceptsMultiline(text, texts)) {
        emit({ kind: 'record', line: first.no, text, multiline: true });
        return [];
      }
      emit(this.broken(open, `broken quoting: the field opened with " on this line only closes on line ${e.no}, and lines ${first.no}-${e.no} do not form one valid record; the lines after it were read as separate rows`));
      return again(open);
    }
    if (open.chars > this.limits.maxRecordChars || open.lines.length >= this.limits.maxRecordLines) {
      this.open = null;
      emit(this.broken(open, this.limitReason()));
      return again(open);
    }
    return [];
  }

  private broken(open: OpenRecord, reason: string): Framed {
    const first = open.lines[0] as { no: number; text: string };
    return { kind: 'bad', line: first.no, reason: this.explain(first.text) ?? reason, raw: first.text };
  }

  private limitReason(): string {
    const { maxRecordLines, maxRecordChars } = this.limits;
    return `unclosed quote: a field opened with " on this line is not closed within ${maxRecordLines} lines or ${maxRecordChars.toLocaleString('en-US')} characters; the lines after it were read as separate rows`;
  }
}


function again(open: OpenRecord): LineEvent[] {
  return open.lines.slice(1).map((l) => ({ kind: 'line' as const, no: l.no, text: l.text }));
}

function isBlank(text: string): boolean {
  return text.length === 0 || text.trim().length === 0;
}

function quotesEven(text: string): boolean {
  let odd = false;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) odd = !odd;
  return !odd;
}
