import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { Db, Queryable, QueryResult } from './db.ts';

/** Embedded Postgres (PGlite, WASM) with pgvector, persisted to `dataDir`; `memory://` keeps it in memory. */
export async function openPglite(dataDir: string, options: { loadDataDir?: Blob } = {}): Promise<Db> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create({
    dataDir,
    extensions: { vector },
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  return new PgliteDb(pg);
}

class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  constructor(readonly pg: PGlite) {}

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    return toResult<R>(await this.pg.query<R>(sql, params as unknown[]));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction(async (tx) =>
      fn({
        query: async <R>(sql: string, params: readonly unknown[] = []) => toResult<R>(await tx.query<R>(sql, params as unknown[])),
        exec: async (sql: string) => {
          await tx.exec(sql);
        },
      }),
    );
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }

  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}

function toResult<R>(r: { rows: R[]; affectedRows?: number }): QueryResult<R> {
  return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
}
