/**
 * Splits decoded text, chunk by chunk, into physical lines numbered as an editor numbers them
 * (`\r\n`, `\n` and a lone `\r` each end a line), so every report can point at a line of the file.
 * A line longer than the limit is counted but never held: its text is dropped as it streams past,
 * which is what keeps a 5 MB field (or a binary file) from filling memory.
 */

export type LineEvent =
  | { kind: 'line'; no: number; text: string }
  | { kind: 'oversized'; no: number; length: number };

export class LineSplitter {
  private partial = '';
  private oversizedLength = -1; // >= 0 while the current line is over the limit and being skipped
  private lineNo = 0;
  private skipLeadingLf = false; // the previous chunk ended in '\r', which may pair with a '\n' here

  /** @param maxLineChars longest line kept, in UTF-16 code units */
  constructor(private readonly maxLineChars: number) {}

  push(text: string, emit: (e: LineEvent) => void): void {
    let start = 0;
    if (this.skipLeadingLf) {
      this.skipLeadingLf = false;
      if (text.charCodeAt(0) === 10) start = 1;
    }
    const len = text.length;
    // Positions of the next '\r' and '\n', each searched again only once passed, so a chunk is scanned once.
    let cr = -2;
    let lf = -2;
    while (start < len) {
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) {
        this.append(text, start, len);
        return;
      }
      this.append(text, start, end);
      this.finishLine(emit);
      if (text.charCodeAt(end) === 13) {
        if (end + 1 === len) {
          this.skipLeadingLf = true;
          return;
        }
        start = text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
      } else {
        start = end + 1;
      }
    }
  }

  /** Emits the last line when the file does not end with a line break. */
  end(emit: (e: LineEvent) => void): void {
    if (this.partial !== '' || this.oversizedLength > 0) this.finishLine(emit);
  }

  private append(text: string, from: number, to: number): void {
    if (this.oversizedLength >= 0) {
      this.oversizedLength += to - from;
      return;
    }
    if (this.partial.length + (to - from) > this.maxLineChars) {
      this.oversizedLength = this.partial.length + (to - from);
      this.partial = '';
      return;
    }
    this.partial += from === 0 && to === text.length ? text : text.slice(from, to);
  }

  private finishLine(emit: (e: LineEvent) => void): void {
    this.lineNo += 1;
    if (this.oversizedLength >= 0) {
      emit({ kind: 'oversized', no: this.lineNo, length: this.oversizedLength });
      this.oversizedLength = -1;
    } else {
      emit({ kind: 'line', no: this.lineNo, text: this.partial });
      this.partial = '';
    }
  }
}
