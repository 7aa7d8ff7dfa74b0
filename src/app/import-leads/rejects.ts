import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Writes rejected rows as CSV: the original line number, the reason, then the row's fields under the
 * file's own headers, so the file can be fixed and imported again (the two extra columns then land in
 * attributes unless skipped). A record that could not be split into fields keeps its raw text in the
 * first data column.
 */
export class RejectsWriter {
  private buffered: string[] = [];
  private wroteHeader = false;

  constructor(private readonly out: Writable) {}

  header(headers: readonly string[]): void {
    if (this.wroteHeader) return;
    this.wroteHeader = true;
    this.buffered.push(csvLine(['line', 'reason', ...headers]));
  }

  row(line: number, reason: string, fields: readonly string[]): void {
    this.buffered.push(csvLine([String(line), reason, ...fields]));
  }

  /** Hands buffered rows to the stream, waiting while it is full. */
  async flush(): Promise<void> {
    if (this.buffered.length === 0) return;
    const text = this.buffered.join('');
    this.buffered = [];
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(() => resolve());
    });
  }
}

function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
