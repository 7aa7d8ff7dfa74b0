import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the sections measure beside PGlite: BATON_BENCH_DATABASE_URL, else the local
 * default. A fresh database is made for each measurement and dropped afterwards.
 */
export function benchServerUrl(): string {
  return process.env.BATON_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Why the server cannot be used, or null when it can. */
export async function serverProblem(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (e) {
    return `cannot connect to ${redact(url)} (${e instanceof Error ? e.message : String(e)}); set BATON_BENCH_DATABASE_URL`;
  }
  try {
    const { rows } = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
    if (rows.length === 0) return `the pgvector extension is not installed on ${redact(url)} (.ci/run builds it)`;
    return null;
  } finally {
    await client.end();
  }
}

/** Fresh databases on the server, one per measurement, dropped afterwards. */
export class TempDatabases {
  private readonly names: string[] = [];
  constructor(private readonly url: string) {}

  async create(): Promise<string> {
    const name = `baton_bench_${randomBytes(5).toString('hex')}`;
    await this.admin(`CREATE DATABASE ${name}`);
    this.names.push(name);
    const u = new URL(this.url);
    u.pathname = `/${name}`;
    return u.toString();
  }

  async dropAll(): Promise<void> {
    for (const name of this.names.splice(0)) await this.admin(`DROP DATABASE IF EXISTS ${name}`);
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

export function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
