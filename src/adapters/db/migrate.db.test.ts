import { mkdtempSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../testing/db.ts';
import type { Db } from './db.ts';
import { loadMigrations, migrate } from './migrate.ts';

let db: Db;
let dir: string;
beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(join(tmpdir(), 'baton-mig-'));
  cpSync(fileURLToPath(new URL('./migrations/', import.meta.url)), dir, { recursive: true });
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('are recorded once and re-running applies nothing', async () => {
    const { rows } = await db.query<{ version: number }>('SELECT version FROM baton_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrate(db)).toEqual({ applied: [] });
  });

  it('create the pgvector extension and an embeddings table that does nearest-neighbour search', async () => {
    const v = (x: number) => `[${Array.from({ length: 256 }, (_, i) => (i === x ? 1 : 0)).join(',')}]`;
    for (const [id, x] of [['a', 1], ['b', 2], ['c', 3]] as const) {
      await db.query(`INSERT INTO embeddings (subject_type, subject_id, model, dims, content_hash, embedding) VALUES ('t', $1, 'hash256', 256, 'h', $2::vector)`, [id, v(x)]);
    }
    const { rows } = await db.query<{ subject_id: string }>(
      `SELECT subject_id FROM embeddings WHERE dims = 256 ORDER BY embedding::vector(256) <=> $1::vector(256) LIMIT 1`,
      [v(2)],
    );
    expect(rows[0]?.subject_id).toBe('b');
  });

  it('apply a new numbered file in a transaction, and roll a failing one back whole', async () => {
    const n = loadMigrations(dir).length;
    const next = String(n + 1).padStart(4, '0');
    writeFileSync(join(dir, `${next}_broken.sql`), `CREATE TABLE half_done (id int); SELECT * FROM no_such_table;`);
    await expect(migrate(db, loadMigrations(dir))).rejects.toThrow(/no_such_table/);
    const { rows } = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
    expect(rows).toHaveLength(0);
    writeFileSync(join(dir, `${next}_fixed.sql`), `CREATE TABLE half_done (id int);`);
    rmSync(join(dir, `${next}_broken.sql`));
    expect(await migrate(db, loadMigrations(dir))).toEqual({ applied: [n + 1] });
  });

  it('refuse an applied migration that was edited afterwards', async () => {
    const migrations = loadMigrations(dir);
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(db, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it('refuse a database newer than the code', async () => {
    await expect(migrate(db, loadMigrations())).rejects.toThrow(/knows only/);
  });
});
