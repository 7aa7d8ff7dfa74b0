import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import iconv from 'iconv-lite';
import type { AppDeps } from './deps.ts';
import { BatonError, toBatonError, ValidationError } from '../domain/errors.ts';
import { isValidEmail, normalizeEmail } from '../domain/lead.ts';
import { appendAudit } from '../adapters/db/store/audit.ts';
import { LineSplitter } from './import-leads/lines.ts';
import { RecordFramer, type Framed } from './import-leads/framing.ts';
import { detectDelimiter, splitOne, splitRecords } from './import-leads/fields.ts';
import { planColumns, type ColumnMap, type ColumnPlan } from './import-leads/columns.ts';
import { checkRow, encodingReason } from './import-leads/row.ts';
import { LeadBatch } from './import-leads/batch.ts';
import { writeBatch, type BatchOutcome } from './import-leads/write.ts';
import { RejectsWriter } from './import-leads/rejects.ts';

/**
 * CSV lead import. The file streams through: bytes are decoded, cut into numbered lines, framed into
 * records, split into fields, checked row by row, merged by email within a batch and stored one batch
 * per transaction. Memory holds one batch and one input chunk, whatever the file's size.
 *
 * Bad rows never stop an import: each is reported with the line its record starts on and a reason,
 * and every good row is stored. Broken quoting costs the row it starts on (see framing.ts). What does
 * stop it is a failure to read the input or to write to the database: then every batch already
 * committed stays (each is whole: one transaction), nothing of the failing batch is stored, and the
 * error (BatonError code IMPORT_ABORTED) carries the report so far and the line reached. Importing
 * the file again is safe: rows already stored merge into themselves.
 */

export interface ImportLeadsOptions {
  /** The list or system the file comes from, recorded on every lead's touch (e.g. "tradeshow-2026"). */
  source: string;
  /** Campaign of rows without a campaign column value. */
  campaign?: string | null;
  /** Partner of rows without a partner column value. */
  partner?: string | null;
  /** Explicit columns: header as in the file -> lead field, `attributes.NAME`, or `-` to skip. */
  map?: ColumnMap;
  /** Character encoding of the file (any iconv-lite name). Default utf8; a byte-order mark is skipped. */
  encoding?: string;
  /** Field delimiter. Default: guessed from the header line (comma, semicolon, tab or pipe). */
  delimiter?: string;
  /** Distinct people per transaction. Default 2000. */
  batchSize?: number;
  /** Where to write rejected rows as CSV (line, reason, original fields); closed at the end. */
  rejects?: Writable;
  /** The file's name, kept on each touch for attribution. */
  fileName?: string;
  /** Who runs the import, for the audit log. Default "import". */
  actor?: string;
  /** Most rejected rows listed in the report (all are counted and all go to `rejects`). Default 10,000. */
  maxListedRejects?: number;
  /** Stops the import between chunks (Ctrl-C): committed batches stay, it ends as IMPORT_ABORTED. */
  signal?: AbortSignal;
}

export interface RejectedRow {
  /** Physical line of the file where the record starts (1 is the first line). */
  line: number;
  reason: string;
}

export interface ImportReport {
  importId: string;
  /** Data rows read (blank lines not counted): imported + duplicatesInFile + suppressed + rejected. */
  rows: number;
  imported: { created: number; merged: number };
  /** Rows whose email appeared earlier in the file; merged into that person (gaps filled). */
  duplicatesInFile: number;
  /** Rows left out because the address, its erased digest or its domain is suppressed. */
  suppressed: number;
  rejected: RejectedRow[];
  /** All rejected rows; larger than `rejected.length` when the list was capped. */
  rejectedCount: number;
  encoding: string;
  delimiter: string;
  durationMs: number;
}

export const DEFAULT_BATCH_SIZE = 2000;
const MAX_BATCH_SIZE = 20_000;
/** Longest record kept, in characters: far above any real row (attributes stop at 2,000 characters). */
const MAX_RECORD_CHARS = 1024 * 1024;
/** Most lines a record with quoted line breaks may span before its quote is taken as unclosed. */
const MAX_RECORD_LINES = 1000;
/**
 * Input is decoded and checked in slices of this many bytes (about a hundred rows), so one huge chunk
 * never becomes one huge string, and so the event loop gets a turn often enough to hand the database
 * its next statement while the following batch is being read.
 */
const SLICE_BYTES = 16 * 1024;

export async function importLeads(
  deps: AppDeps,
  input: AsyncIterable<Buffer | Uint8Array | string>,
  options: ImportLeadsOptions,
): Promise<ImportReport> {
  const started = performance.now();
  const opts = checkOptions(options);
  const run = new ImportRun(deps, opts);
  const decoder = iconv.getDecoder(opts.encoding);
  let report: ImportReport;
  try {
    for await (const chunk of input) {
      if (opts.signal?.aborted) throw new Interrupted();
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (let off = 0; off < bytes.length; off += SLICE_BYTES) {
        run.text(decoder.write(bytes.subarray(off, off + SLICE_BYTES)));
        await run.drain();
        await run.yieldToDatabase();
      }
    }
    run.text(decoder.end() ?? '');
    run.endOfInput();
    await run.drain();
    await run.finish();
    report = run.report(started);
    await run.audit(report, true);
  } catch (e) {
    if (e instanceof ValidationError) {
      await run.abandon();
      throw e;
    }
    throw await run.abort(e, started);
  }
  deps.logger.info({ importId: report.importId, source: opts.source, rows: report.rows, created: report.imported.created, merged: report.imported.merged, duplicatesInFile: report.duplicatesInFile, suppressed: report.suppressed, rejected: report.rejectedCount, durationMs: report.durationMs }, 'leads imported');
  return report;
}

type CheckedOptions = Required<Pick<ImportLeadsOptions, 'source' | 'encoding' | 'batchSize' | 'actor' | 'maxListedRejects'>> & ImportLeadsOptions;

function checkOptions(o: ImportLeadsOptions): CheckedOptions {
  const source = o.source?.trim();
  if (!source) throw new ValidationError('an import needs a source: name the list or system the file comes from (--source NAME)', undefined, 'IMPORT_NO_SOURCE');
  const encoding = (o.encoding ?? 'utf8').trim();
  if (!iconv.encodingExists(encoding)) {
    throw new ValidationError(`unknown encoding "${encoding}"; use e.g. utf8, latin1, windows-1252, utf16le, gbk or shift_jis`, { encoding }, 'IMPORT_BAD_ENCODING');
  }
  const batchSize = o.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new ValidationError(`batch size must be a whole number from 1 to ${MAX_BATCH_SIZE}; got ${batchSize}`, undefined, 'IMPORT_BAD_BATCH_SIZE');
  }
  if (o.delimiter !== undefined && (o.delimiter.length !== 1 || o.delimiter === '"' || o.delimiter === '\n' || o.delimiter === '\r')) {
    throw new ValidationError(`the delimiter must be one character other than a quote or line break; got ${JSON.stringify(o.delimiter)}`, undefined, 'IMPORT_BAD_DELIMITER');
  }
  return { ...o, source, encoding, batchSize, actor: o.actor ?? 'import', maxListedRejects: o.maxListedRejects ?? 10_000 };
}

/** The state of one import between chunks. */
class ImportRun {
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
    this.framer = new RecordFramer({ maxRecordChars: MAX_RECORD_CHARS, maxRecordLines: MAX_RECORD_LINES }, (text, lines) => this.isWholeRecord(text, lines));
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

class Interrupted extends Error {
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
