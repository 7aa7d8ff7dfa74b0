/**
 * One import measurement, in its own process so that its memory peak is its own. Opens the database
 * and imports the CSV through the real use-case while sampling memory. In `speed` mode it then writes
 * the same rows with bare INSERT ... SELECT unnest(...) into empty tables for the raw baseline. In
 * `memory` mode each sample is taken right after a full garbage collection, so it shows the memory
 * the import holds rather than garbage not yet collected (which makes it slower: no timing then).
 * Prints one JSON line.
 *
 * Usage: node --import tsx bench/import/worker.ts '{"backend":"pglite","dataDir":"...","csv":"...","rows":100000}'
 */
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Db } from '../../src/adapters/db/db.ts';
import { openPglite } from '../../src/adapters/db/db.pglite.ts';
import { openPostgres } from '../../src/adapters/db/db.pg.ts';
import { migrate } from '../../src/adapters/db/migrate.ts';
import { silentLogger } from '../../src/adapters/log.ts';
import { importLeads, DEFAULT_BATCH_SIZE } from '../../src/app/import-leads.ts';
import { systemClock } from '../../src/domain/clock.ts';
import { upsertLeads, type LeadUpsert } from '../../src/adapters/db/store/leads.ts';
import { isFreemailDomain } from '../../src/domain/lead.ts';
import { storedLead, type StoredLead } from './data.ts';

export interface WorkerInput {
  backend: 'pglite' | 'postgres';
  /** PGlite data directory, or the server database URL. */
  target: string;
  csv: string;
  rows: number;
  mode: 'speed' | 'memory';
  batchSize?: number;
}

export interface WorkerResult {
  backend: string;
  rows: number;
  batchSize: number;
  importMs: number;
  created: number;
  rejected: number;
  /** Raw baselines (speed mode only). */
  rawMs: number | null;
  rawIndexedMs: number | null;
  /** The store alone (speed mode only): upsertLeads of the same, already valid rows into emptied tables. */
  storeMs: number | null;
  memory: {
    baselineRssMb: number;
    peakRssMb: number;
    baselineHeapMb: number;
    /** Sampled heap; in memory mode after a full collection each time, i.e. what the import holds. */
    peakHeapMb: number;
    /** The kernel's peak resident size of the whole process (database open included). */
    maxRssMb: number;
  };
}

const MB = 1024 * 1024;

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as WorkerInput;
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  const db = input.backend === 'pglite' ? await openPglite(input.target) : await openPostgres(input.target, { max: 2 });
  try {
    await migrate(db);
    const deps = { db, clock: systemClock, logger: silentLogger() };

    global.gc?.();
    const base = process.memoryUsage();
    const peak = { rss: base.rss, heap: base.heapUsed };
    const collect = input.mode === 'memory' ? global.gc : undefined;
    const sample = () => {
      collect?.();
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heap = Math.max(peak.heap, m.heapUsed);
    };
    const sampler = setInterval(sample, collect ? 50 : 5);
    const t0 = performance.now();
    const report = await importLeads(deps, createReadStream(input.csv), { source: 'bench', batchSize });
    const importMs = performance.now() - t0;
    clearInterval(sampler);
    sample();

    const speed = input.mode === 'speed';
    const rawMs = speed ? await rawInsert(db, 'bench_raw', 'INCLUDING DEFAULTS', input.rows, batchSize) : null;
    const rawIndexedMs = speed ? await rawInsert(db, 'bench_raw_indexed', 'INCLUDING ALL', input.rows, batchSize) : null;
    const storeMs = speed ? await storeOnly(db, input.rows, batchSize) : null;
    const result: WorkerResult = {
      backend: input.backend,
      rows: input.rows,
      batchSize,
      importMs,
      created: report.imported.created,
      rejected: report.rejectedCount,
      rawMs,
      rawIndexedMs,
      storeMs,
      memory: {
        baselineRssMb: base.rss / MB,
        peakRssMb: peak.rss / MB,
        baselineHeapMb: base.heapUsed / MB,
        peakHeapMb: peak.heap / MB,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await db.close();
  }
}

const COLUMNS: [keyof StoredLead, string, string][] = [
  ['email', 'email', 'text'],
  ['emailDomain', 'email_domain', 'text'],
  ['firstName', 'first_name', 'text'],
  ['lastName', 'last_name', 'text'],
  ['fullName', 'full_name', 'text'],
  ['title', 'title', 'text'],
  ['company', 'company', 'text'],
  ['phone', 'phone', 'text'],
  ['country', 'country', 'text'],
  ['industry', 'industry', 'text'],
  ['employees', 'employees', 'int'],
  ['owner', 'owner', 'text'],
  ['attributes', 'attributes', 'jsonb'],
];

/**
 * The baseline: the same rows, already validated, in batches of the import's size, one multi-row
 * INSERT ... SELECT unnest(...) per batch and transaction, into an empty table with the leads columns.
 * `like` picks the copy: INCLUDING DEFAULTS is a bare table; INCLUDING ALL adds the leads indexes and
 * checks. Rows are built before the clock starts.
 */
async function rawInsert(db: Db, table: string, like: string, rows: number, batchSize: number): Promise<number> {
  await db.exec(`CREATE TABLE ${table} (LIKE leads ${like})`);
  const batches: unknown[][][] = [];
  for (let i = 0; i < rows; i += batchSize) {
    const leads = Array.from({ length: Math.min(batchSize, rows - i) }, (_, k) => storedLead(i + k));
    batches.push(COLUMNS.map(([key]) => leads.map((l) => l[key])));
  }
  const sql = `INSERT INTO ${table} (${COLUMNS.map((c) => c[1]).join(', ')})
    SELECT * FROM unnest(${COLUMNS.map((c, i) => `$${i + 1}::${c[2]}[]`).join(', ')})`;
  const t0 = performance.now();
  for (const params of batches) await db.transaction((tx) => tx.query(sql, params));
  return performance.now() - t0;
}

/**
 * The store's share: the same rows, already valid and unique, through upsertLeads in batches (one
 * transaction each, the import's touch), into leads and accounts emptied first. What the import adds
 * on top is reading, checking, merging and the suppression lookup.
 */
async function storeOnly(db: Db, rows: number, batchSize: number): Promise<number> {
  await db.exec('TRUNCATE leads, lead_sources, accounts CASCADE');
  const batches: LeadUpsert[][] = [];
  for (let i = 0; i < rows; i += batchSize) {
    batches.push(
      Array.from({ length: Math.min(batchSize, rows - i) }, (_, k) => {
        const s = storedLead(i + k);
        const { attributes, ...fields } = s;
        return { ...fields, timeZone: null, accountDomain: isFreemailDomain(s.emailDomain) ? null : s.emailDomain, attributes: JSON.parse(attributes) as Record<string, string> };
      }),
    );
  }
  const at = new Date();
  const touch = { channel: 'csv_import', source: 'bench', detail: { import_id: 'store-only' } };
  const t0 = performance.now();
  for (const batch of batches) await db.transaction((tx) => upsertLeads(tx, batch, touch, at));
  return performance.now() - t0;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
