import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../log.ts';
import { systemClock } from '../../domain/clock.ts';
import { createTestDb } from '../../testing/db.ts';
import type { Db } from '../db/db.ts';
import { openPostgres } from '../db/db.pg.ts';
import { addJob, addJobs, claimJobs, failJob } from './jobs.ts';
import { getJob } from './jobs-admin.ts';
import { defineTask } from './task.ts';
import { Worker } from './worker.ts';

// PGlite is one in-process connection: there is nothing to race there, so the unit tier skips this
// file without building a database, and the test checks the backend it got as well.
const serverTier = Boolean(process.env.BATON_TEST_DATABASE_URL);

let db: Db & { backend: 'pglite' | 'postgres' };
beforeAll(async () => {
  if (serverTier) db = await createTestDb();
});
afterAll(async () => db?.close());

/** The same test database, through another pool: what a second worker process would have. */
async function ownPool(): Promise<Db> {
  const base = process.env.BATON_TEST_DATABASE_URL;
  if (!base) throw new Error('BATON_TEST_DATABASE_URL is not set');
  const { rows } = await db.query<{ name: string }>('SELECT current_database() AS name');
  const url = new URL(base);
  url.pathname = `/${rows[0]?.name ?? ''}`;
  return openPostgres(url.toString(), { max: 3 });
}

describe.skipIf(!serverTier)('several workers on a server', () => {
  it('claim disjoint jobs: 500 jobs, 4 workers on separate pools, each job succeeds exactly once', async (ctx) => {
    if (db.backend === 'pglite') ctx.skip();
    const JOBS = 500;
    const successes = new Map<number, string[]>();
    let attempts = 0;
    const tasks = {
      count: defineTask(z.object({ n: z.number().int() }), async ({ n }, { job }) => {
        attempts += 1;
        await new Promise((r) => setTimeout(r, Math.random() * 3)); // let the workers interleave
        // Every tenth job fails once, so retries race with claims too.
        if (n % 10 === 0 && job.attempts === 1) throw new Error('transient');
        successes.set(n, [...(successes.get(n) ?? []), job.lockedBy ?? '?']);
      }),
    };
    await addJobs(db, Array.from({ length: JOBS }, (_, n) => ({ task: 'count', payload: { n } })), systemClock.now());
    const pools = await Promise.all([1, 2, 3, 4].map(() => ownPool()));
    const workers = pools.map(
      (pool, i) =>
        new Worker({ db: pool, clock: systemClock, logger: silentLogger(), tasks, id: `w${i + 1}`, concurrency: 4, pollIntervalMs: 10, backoff: { baseMs: 5, maxMs: 20 } }),
    );
    try {
      workers.forEach((w) => w.start());
      const end = Date.now() + 25_000;
      for (;;) {
        const { rows } = await db.query<{ n: number }>(`SELECT count(*) AS n FROM jobs WHERE status = 'done'`);
        if (rows[0]?.n === JOBS) break;
        if (Date.now() > end) throw new Error(`only ${rows[0]?.n} of ${JOBS} jobs done in time`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(pools.map((p) => p.close()));
    }
    expect(successes.size).toBe(JOBS);
    expect([...successes.values()].filter((by) => by.length !== 1)).toEqual([]);
    expect(attempts).toBe(JOBS + JOBS / 10);
    const { rows } = await db.query<{ locked_by: string; n: number; max_attempts: number }>(
      `SELECT locked_by, count(*) AS n, max(attempts) AS max_attempts FROM jobs GROUP BY locked_by ORDER BY locked_by`,
    );
    expect(rows.map((r) => r.locked_by)).toEqual(['w1', 'w2', 'w3', 'w4']);
    expect(Math.max(...rows.map((r) => r.max_attempts))).toBe(2);
  });

  it('dedupes concurrent adds of one key from separate pools into one queued job', async (ctx) => {
    if (db.backend === 'pglite') ctx.skip();
    const pools = await Promise.all([1, 2, 3, 4].map(() => ownPool()));
    try {
      const now = systemClock.now();
      const results = await Promise.all(
        pools.flatMap((pool, p) =>
          Array.from({ length: 25 }, (_, i) => addJob(pool, { task: 'race', key: 'same', payload: { p, i }, ifKeyExists: i % 2 ? 'replace' : 'keep' }, now)),
        ),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => r.outcome === 'added')).toHaveLength(1);
      const { rows } = await db.query<{ n: number }>(`SELECT count(*) AS n FROM jobs WHERE task = 'race'`);
      expect(rows[0]?.n).toBe(1);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  it('a retry that loses a race for its key to a concurrent enqueue goes back without the key', async (ctx) => {
    if (db.backend === 'pglite') ctx.skip();
    const other = await ownPool();
    try {
      const now = systemClock.now();
      await addJob(db, { task: 'keyed', key: 'k-race' }, now);
      const [running] = await claimJobs(db, { workerId: 'w', tasks: ['keyed'], limit: 1, leaseMs: 60_000, now });
      let commit: () => void = () => undefined;
      const committed = new Promise<void>((r) => (commit = r));
      let entered: () => void = () => undefined;
      const inserted = new Promise<void>((r) => (entered = r));
      // A successor enqueued in a transaction that has not committed when the retry checks the key.
      const tx = other.transaction(async (t) => {
        const r = await addJob(t, { task: 'keyed', key: 'k-race' }, now);
        entered();
        await committed;
        return r;
      });
      await inserted;
      const failing = failJob(db, running!, { error: 'E', retryAt: now, permanent: false, now });
      await new Promise((r) => setTimeout(r, 100)); // the retry now waits on the uncommitted key
      commit();
      const successor = await tx;
      expect(await failing).toBe('queued');
      expect(await getJob(db, running!.id)).toMatchObject({ status: 'queued', key: null });
      expect(await getJob(db, successor.id)).toMatchObject({ status: 'queued', key: 'k-race' });
    } finally {
      await other.close();
    }
  });
});
