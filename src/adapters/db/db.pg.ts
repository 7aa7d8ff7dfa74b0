import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.ts';

/** PostgreSQL server through a node-postgres pool. */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types: { getTypeParser } });
  // A broken idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const client = await pool.connect(); // fail fast with a clear error when the server is unreachable
  client.release();
  return new PgDb(pool);
}

/** int8 (bigserial ids, counts) as numbers, as PGlite returns them; Baton's values stay below 2^53. */
function getTypeParser(oid: number, format?: string) {
  if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
  return pg.types.getTypeParser(oid, format as 'text');
}

class PgDb implements Db {
  readonly kind = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const r = await this.pool.query(sql, params as unknown[]);
    return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({
        query: async <R>(sql: string, params: readonly unknown[] = []) => {
          const r = await client.query(sql, params as unknown[]);
          return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
        },
        exec: async (sql: string) => {
          await client.query(sql);
        },
      });
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  private closing: Promise<void> | undefined;

  /** Idempotent: a second call waits for the first. */
  close(): Promise<void> {
    return (this.closing ??= this.pool.end());
  }
}
