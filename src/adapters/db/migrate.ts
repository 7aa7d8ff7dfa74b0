import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatonError } from '../../domain/errors.ts';
import type { Db } from './db.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Arbitrary constant that serialises concurrent migrators on a server (pg_advisory_xact_lock). */
const MIGRATION_LOCK_ID = 4_711_2026;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Reads `NNNN_name.sql` files in order. Numbers must be unique and contiguous from 1. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const migrations = files.map((file) => {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new BatonError('MIGRATION_BAD_NAME', `migration file ${file} must be named NNNN_snake_name.sql`);
    const sql = readFileSync(join(dir, file), 'utf8');
    return { version: Number(m[1]), name: m[2] ?? file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new BatonError('MIGRATION_GAP', `migration numbers must run 1, 2, 3...; found ${m.version} at position ${i + 1}`);
  });
  return migrations;
}

/**
 * Applies every migration not yet recorded, each in its own transaction, forward only.
 * Refuses to run when an applied migration was edited afterwards or the database is newer than the code.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<{ applied: number[] }> {
  await db.exec(`CREATE TABLE IF NOT EXISTS baton_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: number[] = [];
  for (const m of migrations) {
    const did = await db.transaction(async (tx) => {
      if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
      const { rows } = await tx.query<{ version: number; checksum: string }>('SELECT version, checksum FROM baton_migrations WHERE version = $1', [m.version]);
      const existing = rows[0];
      if (existing) {
        if (existing.checksum !== m.checksum) {
          throw new BatonError(
            'MIGRATION_EDITED',
            `migration ${m.version} (${m.name}) was changed after it was applied; migrations are forward-only: restore the file and add a new migration instead`,
          );
        }
        return false;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO baton_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      return true;
    });
    if (did) applied.push(m.version);
  }
  const { rows } = await db.query<{ max: number | null }>('SELECT max(version) AS max FROM baton_migrations');
  const newest = rows[0]?.max ?? 0;
  if (newest > migrations.length) {
    throw new BatonError(
      'MIGRATION_DATABASE_NEWER',
      `the database has migration ${newest} but this Baton knows only ${migrations.length}; run a newer Baton against this database`,
    );
  }
  return { applied };
}
