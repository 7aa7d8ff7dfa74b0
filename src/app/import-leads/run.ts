import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AppDeps } from '../deps.ts';
import type { CheckedOptions, ImportReport, RejectedRow } from '../import-leads.ts';
import { BatonError, toBatonError, ValidationError } from '../../domain/errors.ts';
import { isValidEmail, normalizeEmail } from '../../domain/lead.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { LineSplitter } from './lines.ts';
import { RecordFramer, type Framed } from './framing.ts';
import { detectDelimiter, splitOne, splitRecords } from './fields.ts';
import { planColumns, type ColumnPlan } from './columns.ts';
import { checkRow, encodingReason } from './row.ts';
import { LeadBatch } from './batch.ts';
import { writeBatch, type BatchOutcome } from './write.ts';
import { RejectsWriter } from './rejects.ts';

/** Longest record kept, in characters: far above any real row (attributes stop at 2,000 characters). */
const MAX_RECORD_CHARS = 1024 * 1024;
/** Most lines a record with quoted line breaks may span before its quote is taken as unclosed. */
const MAX_RECORD_LINES = 1000;

/** The state of one import (see import-leads.ts) between input chunks. */
export class ImportRun {
  readonly importId = randomUUID();
  private readonly at: Date;
  private readonly splitter = new LineSplitter(MAX_RECORD_CHARS);
  private readonly framer: RecordFramer;
  private framed: Framed[] = [];
  private plan: ColumnPlan[] | null = null;
  private delimiter: string;
  private batch: LeadBatch;
  /** The batch being written while the next one is read (one at most; batches commit in file order). */
  private inFlight: Promise<void> | null = null;
  private failure: { error: unknown; line: number } | null = null;
  private lastLine = 0;
  /** Line of the last row added to a batch, and of the last row in a committed batch. */
  private lastRowLine = 0;
  private storedThrough = 0;
  private readonly rejects: RejectsWriter | null;
  private readonly counts = { rows: 0, created: 0, merged: 0, duplicatesInFile: 0, suppressed: 0, rejected: 0 };
  private readonly rejected: RejectedRow[] = [];
  private readonly emit = (f: Framed) => {
    // The header is read at once: the framer's check of records spanning lines needs its width.
    if (this.plan) this.framed.push(f);
    else this.readHeader(f);
  };

  constructor(
    private readonly deps: AppDeps,
    private readonly opts: CheckedOptions,
  ) {
    this.at = deps.clock.now();
    this.delimiter = opts.delimiter ?? ',';
    this.batch = this.newBatch();
    this.rejects = opts.rejects ? new RejectsWriter(opts.rejects) : null;
    this.framer = new RecordFramer(
      { maxRecordChars: MAX_RECORD_CHARS, maxRecordLines: MAX_RECORD_LINES },
      (text, lines) => this.isWholeRecord(text, lines),
      (line) => {
        // An odd quote inside an unquoted field (5'10") is the row's own problem, not an unclosed field.
        const f = splitOne(line, this.delimiter);
        return !Array.isArray(f) && f.code === 'INVALID_OPENING_QUOTE' ? f.error : null;
      },
    );
  }

  text(text: string): void {
    if (text === '') return;
    this.splitter.push(text, (e) => {
      this.lastLine = e.no;
      this.framer.push(e, this.emit);
    });
  }

  endOfInput(): void {
    this.splitter.end((e) => {
      this.lastLine = e.no;
      this.framer.push(e, this.emit);
    });
    this.framer.end(this.emit);
  }

  /** Checks the records framed so far and stores full batches. */
  async drain(): Promise<void> {
    const records = this.framed;
    if (records.length === 0) return;
    this.framed = [];
    const texts: string[] = [];
    for (const f of records) if (f.kind === 'record') texts.push(f.text);
    const split = splitRecords(texts, this.delimiter);
    let k = 0;
    for (const f of records) {
      if (f.kind === 'bad') {
        this.counts.rows += 1;
        this.reject(f.line, f.reason, [f.raw]);
        continue;
      }
      const fields = split[k++] as string[] | { error: string };
      this.row(f.line, f.text, fields);
      if (this.batch.size >= this.opts.batchSize) await this.flush();
    }
    await this.rejects?.flush();
  }

  private readHeader(first: Framed): void {
    if (first.kind === 'bad') throw new ValidationError(`the header (line ${first.line}) cannot be read: ${first.reason}`, { line: first.line }, 'IMPORT_BAD_HEADER');
    this.delimiter = this.opts.delimiter ?? detectDelimiter(first.text);
    const fields = splitOne(first.text, this.delimiter);
    if (!Array.isArray(fields)) throw new ValidationError(`the header (line ${first.line}) cannot be read: ${fields.error}`, { line: first.line }, 'IMPORT_BAD_HEADER');
    if (fields.some((f) => f.includes('\uFFFD'))) {
      throw new ValidationError(`the header (line ${first.line}) is not readable text: ${encodingReason(this.opts.encoding)}`, { line: first.line }, 'IMPORT_BAD_ENCODING');
    }
    this.plan = planColumns(fields, this.opts.map);
    this.rejects?.header(this.plan.map((c) => c.header));
  }

  private row(line: number, text: string, fields: string[] | { error: string }): void {
    const plan = this.plan as ColumnPlan[];
    if (!Array.isArray(fields)) {
      this.counts.rows += 1;
      this.reject(line, fields.error, [text]);
      return;
    }
    const checked = checkRow(plan, fields, this.opts.encoding);
    if (checked.ok === 'blank') return;
    this.counts.rows += 1;
    if (checked.ok === false) {
      this.reject(line, checked.reason, fields);
      return;
    }
    if (!this.batch.add(line, checked.input)) this.counts.duplicatesInFile += 1;
    this.lastRowLine = line;
  }

  private reject(line: number, reason: string, fields: readonly string[]): void {
    this.counts.rejected += 1;
    if (this.rejected.length < this.opts.maxListedRejects) this.rejected.push({ line, reason });
    this.rejects?.row(line, reason, fields);
  }

  /**
   * A record spanning lines counts as one when it parses with the header's number of fields and none
   * of its continuation lines is, by itself, a row with a valid email: such a line is a row that an
   * unclosed quote above swallowed.
   */
  private isWholeRecord(text: string, lines: readonly string[]): boolean {
    const fields = splitOne(text, this.delimiter);
    if (!Array.isArray(fields)) return false;
    const plan = this.plan;
    if (!plan) return true;
    if (fields.length !== plan.length) return false;
    const emailAt = plan.findIndex((c) => c.target.kind === 'field' && c.target.key === 'email');
    return !lines.slice(1).some((line) => {
      const own = splitOne(line, this.delimiter);
      return Array.isArray(own) && own.length >= plan.length && isValidEmail(normalizeEmail(own[emailAt] ?? ''));
    });
  }

  private newBatch(): LeadBatch {
    return new LeadBatch({ campaign: this.opts.campaign ?? null, partner: this.opts.partner ?? null });
  }

  /** Lets pending database replies in while a batch is being written, so reading and writing overlap. */
  async yieldToDatabase(): Promise<void> {
    if (this.inFlight) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Starts writing the current batch; waits for the previous one first, so batches commit in order. */
  private async flush(): Promise<void> {
    await this.settle();
    const entries = this.batch.list();
    this.batch = this.newBatch();
    if (entries.length === 0) return;
    const firstLine = (entries[0] as { line: number }).line;
    const lastLine = this.lastRowLine;
    const touch = { channel: 'csv_import', source: this.opts.source, detail: { import_id: this.importId, ...(this.opts.fileName ? { file: this.opts.fileName } : {}) } };
    this.inFlight = this.deps.db
      .transaction((tx) => writeBatch(tx, entries, touch, this.at))
      .then(
        (outcome: BatchOutcome) => {
          this.counts.created += outcome.created;
          this.counts.merged += outcome.merged;
          this.counts.duplicatesInFile += outcome.duplicatesInFile;
          this.counts.suppressed += outcome.suppressed;
          this.storedThrough = lastLine;
          this.deps.logger.debug({ importId: this.importId, firstLine, ...outcome }, 'import batch stored');
        },
        (error: unknown) => {
          this.failure = { error, line: firstLine };
        },
      );
  }

  /** Waits for the batch being written; rethrows its failure. */
  private async settle(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    this.inFlight = null;
    if (this.failure) throw new BatchFailed(this.failure.error, this.failure.line);
  }

  async finish(): Promise<void> {
    if (!this.plan) throw new ValidationError('the file is empty: there is no header line naming the columns', undefined, 'IMPORT_EMPTY_FILE');
    await this.flush();
    await this.settle();
    await this.rejects?.close();
  }

  report(started: number): ImportReport {
    const c = this.counts;
    return {
      importId: this.importId,
      rows: c.rows,
      imported: { created: c.created, merged: c.merged },
      duplicatesInFile: c.duplicatesInFile,
      suppressed: c.suppressed,
      rejected: this.rejected,
      rejectedCount: c.rejected,
      encoding: this.opts.encoding,
      delimiter: this.delimiter,
      durationMs: Math.round(performance.now() - started),
    };
  }

  async audit(report: ImportReport, complete: boolean): Promise<void> {
    await appendAudit(
      this.deps.db,
      {
        actor: this.opts.actor,
        action: 'leads.imported',
        subjectType: 'import',
        subjectId: report.importId,
        data: {
          complete,
          source: this.opts.source,
          campaign: this.opts.campaign ?? null,
          file: this.opts.fileName ?? null,
          rows: report.rows,
          created: report.imported.created,
          merged: report.imported.merged,
          duplicatesInFile: report.duplicatesInFile,
          suppressed: report.suppressed,
          rejected: report.rejectedCount,
          durationMs: report.durationMs,
        },
      },
      this.at,
    );
  }

  /** Before anything was stored (a usage problem): only waits for nothing to be left running. */
  async abandon(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    this.opts.rejects?.destroy();
  }

  /** Ends a failed import: keeps what was committed, records it, and builds the error to throw. */
  async abort(e: unknown, started: number): Promise<BatonError> {
    if (!(e instanceof BatchFailed)) await this.inFlight?.catch(() => undefined);
    // A failed batch is reported at its first line: nothing from there on is stored.
    const failedAt = e instanceof BatchFailed ? e.line : this.lastLine;
    const cause = e instanceof BatchFailed ? e.cause : e;
    this.opts.rejects?.destroy();
    const report = this.report(started);
    const err = toBatonError(cause);
    await this.audit(report, false).catch(() => undefined); // the database may be what failed
    this.deps.logger.error({ importId: this.importId, line: failedAt, code: err.code, rows: report.rows }, 'lead import stopped');
    const what = e instanceof Interrupted ? `the import was interrupted at line ${failedAt}` : `the import stopped while ${e instanceof BatchFailed ? 'storing rows' : 'reading the file'} at line ${failedAt}: ${err.message}`;
    return new BatonError(
      'IMPORT_ABORTED',
      `${what}. ${this.storedThrough > 0 ? `Rows up to line ${this.storedThrough} are stored` : 'No rows were stored'} (${report.imported.created} created, ${report.imported.merged} merged); importing the file again is safe.`,
      { fault: err.fault, cause, details: { line: failedAt, storedThrough: this.storedThrough, report } },
    );
  }
}

/** The caller's signal stopped the import. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

/** A batch's transaction failed; carries the first line of that batch. */
class BatchFailed extends Error {
  constructor(
    override readonly cause: unknown,
    readonly line: number,
  ) {
    super('batch failed');
  }
}
