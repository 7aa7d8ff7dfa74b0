import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import iconv from 'iconv-lite';
import type { AppDeps } from './deps.ts';
import { ValidationError } from '../domain/errors.ts';
import type { ColumnMap } from './import-leads/columns.ts';
import { ImportRun, Interrupted } from './import-leads/run.ts';

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

export type CheckedOptions = Required<Pick<ImportLeadsOptions, 'source' | 'encoding' | 'batchSize' | 'actor' | 'maxListedRejects'>> & ImportLeadsOptions;

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
