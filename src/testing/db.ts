import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { Db } from '../adapters/db/db.ts';
import { openPglite } from '../adapters/db/db.pglite.ts';
import { openPostgres } from '../adapters/db/db.pg.ts';
import { migrate } from '../adapters/db/migrate.ts';

/**
 * A fresh, migrated database for one test file. On embedded PGlite by default; against the server
 * named by BATON_TEST_DATABASE_URL when set (the CI server tier), as a new database cloned from a
 * migrated template, dropped again by `close()`.
 */
export async function createTestDb(): Promise<Db & { backend: 'pglite' | 'postgres' }> {
  const url = process.env.BATON_TEST_DATABASE_URL;
  return url ? createServerDb(url) : createPgliteDb();
}

let pgliteTemplate: Promise<Blob> | undefined;

async function createPgliteDb() {
  pgliteTemplate ??= (async () => {
    const db = await openPglite('memory://');
    await migrate(db);
    const blob = await (db as unknown as { pg: PGlite }).pg.dumpDataDir('none');
    await db.close();
    return blob;
  })();
  const db = await openPglite('memory://', { loadDataDir: await pgliteTemplate });
  return Object.assign(db, { backend: 'pglite' as const });
}

const TEMPLATE = 'baton_test_template';
let templateChecked = false;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function migrateTemplate(admin: pg.Client, url: string): Promise<void> {
  const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE]);
  if (rows.length === 0) await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  const db = await openPostgres(withDatabase(url, TEMPLATE), { max: 1 });
  try {
    await migrate(db);
    await db.close();
  } catch {
    // The migrations changed since the template was made: build it again.
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE}`);
    const fresh = await openPostgres(withDatabase(url, TEMPLATE), { max: 1 });
    await migrate(fresh);
    await fresh.close();
  }
}

async function createServerDb(url: string) {
  const name = `baton_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // Test workers run at once, and CREATE DATABASE ... TEMPLATE fails while anyone is connected to the
    // template: one lock serialises template upkeep and cloning across processes.
    await admin.query('SELECT pg_advisory_lock(4711)');
    try {
      if (!templateChecked) await migrateTemplate(admin, url);
      templateChecked = true;
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(4711)');
    }
  } finally {
    await admin.end();
  }
  const db = await openPostgres(withDatabase(url, name), { max: 4 });
  const close = db.close.bind(db);
  return Object.assign(db, {
    /** The test database's URL, for a child process that must reach the same database. */
    url: withDatabase(url, name),
    backend: 'postgres' as const,
    close: async () => {
      await close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
    },
  });
}
