import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBenchWorker } from '../lib/worker.ts';
import { benchServerUrl, serverProblem, TempDatabases } from '../lib/postgres.ts';
import type { BenchContext, BenchSection, SectionResult } from '../lib/section.ts';
import { writeCsv } from './data.ts';
import type { WorkerInput, WorkerResult } from './worker.ts';

/**
 * CSV import throughput and memory: 100,000 generated leads through the real importLeads, on the
 * embedded PGlite and on a PostgreSQL server, each beside the raw rate of a bare multi-row INSERT of
 * the same rows; and the same at 20,000 rows to show the memory peak does not grow with the file.
 *
 * Targets: import >= 50% of the raw rate; peak memory flat in the file size.
 * Environment: BENCH_ROWS (100000), BENCH_SMALL_ROWS (20000), BENCH_BATCH_SIZE (the import's default),
 * BATON_BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres; a fresh database is made and
 * dropped for each measurement).
 */

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export const importSection: BenchSection = {
  name: 'import',
  title: 'CSV lead import',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const rows = Number(process.env.BENCH_ROWS ?? 100_000);
    const small = Number(process.env.BENCH_SMALL_ROWS ?? 20_000);
    const batchSize = process.env.BENCH_BATCH_SIZE ? Number(process.env.BENCH_BATCH_SIZE) : undefined;
    const serverUrl = benchServerUrl();

    const files = new Map<number, { path: string; bytes: number }>();
    for (const n of [small, rows]) {
      const path = join(ctx.tmpDir, `leads-${n}.csv`);
      ctx.log(`generating ${n.toLocaleString('en-US')} leads as CSV`);
      files.set(n, { path, bytes: await writeCsv(path, n) });
    }

    const speed: WorkerResult[] = [];
    const memory: WorkerResult[] = [];
    const measure = async (backend: 'pglite' | 'postgres', n: number, target: () => Promise<string> | string, cleanup?: () => Promise<void>) => {
      const csv = (files.get(n) as { path: string }).path;
      for (const mode of ['speed', 'memory'] as const) {
        ctx.log(`${backend === 'pglite' ? 'PGlite' : 'PostgreSQL server'}: importing ${n.toLocaleString('en-US')} rows (${mode})`);
        const run = (t: string) => runWorker({ backend, target: t, csv, rows: n, mode, ...(batchSize ? { batchSize } : {}) });
        (mode === 'speed' ? speed : memory).push(await run(await target()));
        await cleanup?.();
      }
    };
    for (const n of [small, rows]) {
      let k = 0;
      await measure('pglite', n, () => {
        const dir = join(ctx.tmpDir, `pglite-${n}-${k++}`);
        mkdirSync(dir, { recursive: true });
        return dir;
      });
    }
    const notes: string[] = [];
    const server = await serverProblem(serverUrl);
    if (server) {
      notes.push(`PostgreSQL server skipped: ${server}`);
    } else {
      for (const n of [small, rows]) {
        const temp = new TempDatabases(serverUrl);
        try {
          await measure('postgres', n, () => temp.create(), () => temp.dropAll());
        } finally {
          await temp.dropAll();
        }
      }
    }

    const label = (b: string) => (b === 'pglite' ? 'PGlite' : 'PostgreSQL');
    const rate = (ms: number | null, n: number) => (ms ? n / (ms / 1000) : NaN);
    const speedRows = speed.map((r) => {
      const importRate = rate(r.importMs, r.rows);
      return [
        label(r.backend),
        r.rows,
        Math.round(r.importMs) / 1000,
        Math.round(importRate),
        Math.round(rate(r.rawMs, r.rows)),
        round2(importRate / rate(r.rawMs, r.rows)),
        Math.round(rate(r.rawIndexedMs, r.rows)),
        round2(importRate / rate(r.rawIndexedMs, r.rows)),
        Math.round(rate(r.storeMs, r.rows)),
        round2(importRate / rate(r.storeMs, r.rows)),
      ];
    });
    const memoryRows = memory.map((m) => {
      const s = speed.find((x) => x.backend === m.backend && x.rows === m.rows);
      return [
        label(m.backend),
        m.rows,
        round1(((files.get(m.rows) as { bytes: number }).bytes) / MB),
        Math.round(s?.memory.peakRssMb ?? NaN),
        Math.round(s?.memory.peakHeapMb ?? NaN),
        Math.round(m.memory.peakRssMb),
        round1(m.memory.baselineHeapMb),
        round1(m.memory.peakHeapMb),
        round1(m.memory.peakHeapMb - m.memory.baselineHeapMb),
      ];
    });

    for (const backend of ['pglite', 'postgres']) {
      const big = speed.find((r) => r.backend === backend && r.rows === rows);
      const bigMem = memory.find((r) => r.backend === backend && r.rows === rows);
      const littleMem = memory.find((r) => r.backend === backend && r.rows === small);
      if (!big || !bigMem || !littleMem || big.rawMs === null || big.rawIndexedMs === null) continue;
      const ratio = big.rawMs / big.importMs;
      const held = (m: WorkerResult) => m.memory.peakHeapMb - m.memory.baselineHeapMb;
      const growth = held(bigMem) - held(littleMem);
      const rssGrowth = bigMem.memory.peakRssMb - littleMem.memory.peakRssMb;
      notes.push(
        `${label(backend)}: import at ${pct(ratio)} of the bare INSERT rate (target >= 50%: ${ratio >= 0.5 ? 'met' : 'NOT met'}), ${pct(big.rawIndexedMs / big.importMs)} of the INSERT into the indexed copy${big.storeMs ? `, ${pct(big.storeMs / big.importMs)} of the store alone (whose own rate is ${pct(big.rawMs / big.storeMs)} of the bare INSERT)` : ''}.`,
      );
      notes.push(
        `${label(backend)}: ${(rows / small).toFixed(0)}x the rows changed the heap the import holds by ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (${held(littleMem).toFixed(1)} -> ${held(bigMem).toFixed(1)} MB) and the peak RSS by ${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(0)} MB (target: flat; ${Math.abs(growth) <= Math.max(4, 0.25 * held(littleMem)) ? 'met' : 'NOT met'}).`,
      );
    }

    return {
      tables: [
        {
          title: 'Throughput (ratio = import rate / raw rate)',
          columns: ['backend', 'rows', 'import s', 'import rows/s', 'raw rows/s', 'ratio', 'raw+idx rows/s', 'ratio idx', 'store rows/s', 'ratio store'],
          rows: speedRows,
        },
        {
          title: 'Memory during the import (MB)',
          columns: ['backend', 'rows', 'CSV MB', 'peak RSS', 'peak heap', 'peak RSS (gc run)', 'heap before', 'heap held peak', 'held by import'],
          rows: memoryRows,
        },
      ],
      notes: [
        'raw = the same rows, already valid, by bare INSERT ... SELECT unnest(...) into an empty table with the leads columns, in batches',
        'of the same size, one transaction each; raw+idx = the same into a copy with the leads indexes and checks; store = the same rows',
        'through upsertLeads alone: link an account (read, created when new), upsert into leads (2 indexes: id, email) with the',
        'first touch on the lead row (a later touch adds a lead_sources row). The import adds decoding, parsing, validating, merging',
        'by email and the suppression lookup.',
        'Peak RSS / peak heap: sampled every 5 ms in the timed run (heap includes garbage V8 has not collected yet). The gc run samples',
        'every 50 ms right after a full collection: "heap held peak" is the most the import held at once, "held by import" the same above',
        'the heap before it started; RSS includes the database (PGlite runs inside the process).',
        ...notes,
      ],
      figures: {
        csvBytes: Object.fromEntries([...files].map(([n, f]) => [n, f.bytes])),
        speed: speed.map((r) => ({
          ...r,
          importRowsPerSec: rate(r.importMs, r.rows),
          rawRowsPerSec: rate(r.rawMs, r.rows),
          rawIndexedRowsPerSec: rate(r.rawIndexedMs, r.rows),
          ratio: r.rawMs ? r.rawMs / r.importMs : null,
          ratioIndexed: r.rawIndexedMs ? r.rawIndexedMs / r.importMs : null,
          storeRowsPerSec: rate(r.storeMs, r.rows),
          ratioStore: r.storeMs ? r.storeMs / r.importMs : null,
        })),
        memory,
        skipped: server ? { postgres: server } : {},
      },
    };
  },
};

const MB = 1024 * 1024;
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

function runWorker(input: WorkerInput): Promise<WorkerResult> {
  return runBenchWorker<WorkerInput, WorkerResult>(WORKER, input, `bench worker (${input.backend}, ${input.rows} rows)`);
}
