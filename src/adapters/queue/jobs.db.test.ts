import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../domain/clock.ts';
import { createTestDb } from '../../testing/db.ts';
import type { Db } from '../db/db.ts';
import { addJob, addJobs, claimJobs, completeJob, deferJob, extendLease, failJob, reclaimExpiredLeases, type Job } from './jobs.ts';
import { cancelJobs, countJobs, getJob, nextDueAt, purgeFinishedJobs, rescheduleJob } from './jobs-admin.ts';

let db: Db;
let clock: ManualClock;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => db?.close());
beforeEach(async () => {
  await db.query('DELETE FROM jobs');
  clock = new ManualClock('2026-03-02T09:00:00Z');
});

const MIN = 60_000;
const claim = (workerId = 'w1', limit = 10, leaseMs = 5 * MIN) => claimJobs(db, { workerId, tasks: ['t'], limit, leaseMs, now: clock.now() });
const job = async (id: number): Promise<Job> => {
  const j = await getJob(db, id);
  if (!j) throw new Error(`job ${id} is gone`);
  return j;
};
const later = (ms: number) => new Date(clock.now().getTime() + ms);

describe('jobs table', () => {
  it('adds, claims under a lease and completes a job, with times from the clock', async () => {
    const { id, outcome } = await addJob(db, { task: 't', payload: { leadId: 'L1' } }, clock.now());
    expect(outcome).toBe('added');
    const [claimed, ...rest] = await claim();
    expect(rest).toEqual([]);
    expect(claimed).toMatchObject({ id, status: 'running', attempts: 1, lockedBy: 'w1', payload: { leadId: 'L1' } });
    expect(claimed?.lockedUntil).toEqual(later(5 * MIN));
    expect(await claim('w2')).toEqual([]);
    clock.advance(1000);
    expect(await completeJob(db, claimed!, clock.now())).toBe(true);
    expect(await job(id)).toMatchObject({ status: 'done', finishedAt: clock.now(), lockedUntil: null, lockedBy: 'w1', createdAt: new Date('2026-03-02T09:00:00Z') });
    expect(await completeJob(db, claimed!, clock.now())).toBe(false);
  });

  it('does not claim a job before its run_at on the clock', async () => {
    await addJob(db, { task: 't', runAt: later(MIN) }, clock.now());
    expect(await claim()).toEqual([]);
    clock.advance(MIN - 1);
    expect(await claim()).toEqual([]);
    expect(await nextDueAt(db, ['t'])).toEqual(later(1));
    clock.advance(1);
    expect(await claim()).toHaveLength(1);
  });

  it('claims only the tasks asked for', async () => {
    await addJob(db, { task: 'other' }, clock.now());
    expect(await claim()).toEqual([]);
    expect(await nextDueAt(db, ['t'])).toBeNull();
  });

  it('claims by priority, then run_at, then id, up to the limit', async () => {
    const now = clock.now();
    const low = await addJob(db, { task: 't', priority: -1, runAt: new Date(now.getTime() - 3 * MIN) }, now);
    const oldDefault = await addJob(db, { task: 't', runAt: new Date(now.getTime() - 2 * MIN) }, now);
    const newDefault = await addJob(db, { task: 't' }, now);
    const urgent = await addJob(db, { task: 't', priority: 10 }, now);
    expect((await claim('w1', 3)).map((j) => j.id)).toEqual([urgent.id, oldDefault.id, newDefault.id]);
    expect((await claim('w1', 3)).map((j) => j.id)).toEqual([low.id]);
  });

  it('dedupes by key: keeps or replaces the queued job, and frees the key once it runs', async () => {
    const now = clock.now();
    const first = await addJob(db, { task: 't', key: 'k', payload: { v: 1 }, runAt: later(MIN) }, now);
    const kept = await addJob(db, { task: 't', key: 'k', payload: { v: 2 }, runAt: later(2 * MIN) }, now);
    expect(kept).toEqual({ id: first.id, outcome: 'kept' });
    expect(await job(first.id)).toMatchObject({ payload: { v: 1 }, runAt: later(MIN) });

    const replaced = await addJob(db, { task: 't', key: 'k', payload: { v: 3 }, runAt: later(3 * MIN), ifKeyExists: 'replace' }, now);
    expect(replaced).toEqual({ id: first.id, outcome: 'replaced' });
    expect(await job(first.id)).toMatchObject({ payload: { v: 3 }, runAt: later(3 * MIN) });

    clock.advance(3 * MIN);
    const [running] = await claim();
    // A running job does not hold the key: it may schedule its own successor.
    const successor = await addJob(db, { task: 't', key: 'k', runAt: later(MIN) }, clock.now());
    expect(successor.outcome).toBe('added');
    expect(successor.id).not.toBe(first.id);
    expect(await completeJob(db, running!, clock.now())).toBe(true);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*) AS n FROM jobs WHERE key = 'k'`);
    expect(rows[0]?.n).toBe(2);
  });

  it('adds many in one statement, collapsing repeated keys in the batch', async () => {
    const r = await addJobs(
      db,
      [
        { task: 't', key: 'a', payload: { v: 1 } },
        { task: 't', key: 'a', payload: { v: 2 } },
        { task: 't' },
        { task: 't', key: 'b', payload: { v: 1 }, ifKeyExists: 'replace' },
        { task: 't', key: 'b', payload: { v: 2 }, ifKeyExists: 'replace' },
      ],
      clock.now(),
    );
    expect(r).toMatchObject({ added: 3, replaced: 0, kept: 0 });
    const again = await addJobs(db, [{ task: 't', key: 'a' }, { task: 't', key: 'b', payload: { v: 3 }, ifKeyExists: 'replace' }], clock.now());
    expect(again).toMatchObject({ added: 0, replaced: 1, kept: 1 });
    const { rows } = await db.query<{ key: string; payload: { v: number } }>('SELECT key, payload FROM jobs WHERE key IS NOT NULL ORDER BY key');
    expect(rows).toEqual([
      { key: 'a', payload: { v: 1 } },
      { key: 'b', payload: { v: 3 } },
    ]);
  });

  it('enqueues inside the caller transaction: a rollback leaves no job, a commit leaves one', async () => {
    await expect(
      db.transaction(async (tx) => {
        await addJob(tx, { task: 't', key: 'tx' }, clock.now());
        throw new Error('the caller write failed');
      }),
    ).rejects.toThrow('the caller write failed');
    expect(await claim()).toEqual([]);
    await db.transaction((tx) => addJob(tx, { task: 't', key: 'tx' }, clock.now()));
    expect(await claim()).toHaveLength(1);
  });

  it('retries a failed attempt at the given time, and fails for good on the last attempt or when permanent', async () => {
    const { id } = await addJob(db, { task: 't', maxAttempts: 2 }, clock.now());
    const [a1] = await claim();
    expect(await failJob(db, a1!, { error: 'E: first', retryAt: later(MIN), permanent: false, now: clock.now() })).toBe('queued');
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 1, runAt: later(MIN), lastError: 'E: first', lockedBy: null });
    clock.advance(MIN);
    const [a2] = await claim();
    expect(a2?.attempts).toBe(2);
    expect(await failJob(db, a2!, { error: 'E: second', retryAt: later(MIN), permanent: false, now: clock.now() })).toBe('failed');
    expect(await job(id)).toMatchObject({ status: 'failed', attempts: 2, lastError: 'E: second', finishedAt: clock.now() });

    const p = await addJob(db, { task: 't', maxAttempts: 5 }, clock.now());
    const [b1] = await claim();
    expect(await failJob(db, b1!, { error: 'P', retryAt: later(MIN), permanent: true, now: clock.now() })).toBe('failed');
    expect(await job(p.id)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('a retried job gives up its key when another queued job holds it', async () => {
    await addJob(db, { task: 't', key: 'k' }, clock.now());
    const [running] = await claim();
    const successor = await addJob(db, { task: 't', key: 'k', runAt: later(MIN) }, clock.now());
    expect(await failJob(db, running!, { error: 'E', retryAt: later(MIN), permanent: false, now: clock.now() })).toBe('queued');
    expect(await job(running!.id)).toMatchObject({ status: 'queued', key: null });
    expect(await job(successor.id)).toMatchObject({ status: 'queued', key: 'k' });
  });

  it('defers a job without counting the attempt', async () => {
    const { id } = await addJob(db, { task: 't', key: 'd' }, clock.now());
    const [a] = await claim();
    expect(await deferJob(db, a!, { runAt: later(60 * MIN), reason: 'daily cap reached', now: clock.now() })).toBe(true);
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 0, key: 'd', runAt: later(60 * MIN), lastError: 'daily cap reached' });
  });

  it('reclaims an expired lease; the old holder can no longer record, the new one can', async () => {
    const { id } = await addJob(db, { task: 't', maxAttempts: 3 }, clock.now());
    const [crashed] = await claim('w1', 10, MIN);
    clock.advance(MIN - 1);
    expect(await reclaimExpiredLeases(db, clock.now())).toEqual({ requeued: [], failed: [] });
    expect(await extendLease(db, crashed!, later(MIN), clock.now())).toBe(true);
    clock.advance(MIN);
    expect(await reclaimExpiredLeases(db, clock.now())).toEqual({ requeued: [id], failed: [] });
    expect((await job(id)).lastError).toMatch(/^LEASE_EXPIRED/);
    const [second] = await claim('w2');
    expect(second).toMatchObject({ id, attempts: 2, lockedBy: 'w2' });
    expect(await completeJob(db, crashed!, clock.now())).toBe(false);
    expect(await failJob(db, crashed!, { error: 'late', retryAt: clock.now(), permanent: false, now: clock.now() })).toBe('lost');
    expect(await extendLease(db, crashed!, later(MIN), clock.now())).toBe(false);
    expect(await completeJob(db, second!, clock.now())).toBe(true);
  });

  it('fails a job whose lease expired on its last attempt', async () => {
    const { id } = await addJob(db, { task: 't', maxAttempts: 1 }, clock.now());
    await claim('w1', 10, MIN);
    clock.advance(MIN);
    expect(await reclaimExpiredLeases(db, clock.now())).toEqual({ requeued: [], failed: [id] });
    expect(await job(id)).toMatchObject({ status: 'failed', finishedAt: clock.now() });
  });

  it('reschedules and cancels queued jobs by key or id', async () => {
    const a = await addJob(db, { task: 't', key: 'enrol:1' }, clock.now());
    const b = await addJob(db, { task: 't' }, clock.now());
    expect(await rescheduleJob(db, { key: 'enrol:1' }, later(24 * 60 * MIN), clock.now())).toBe(true);
    expect((await job(a.id)).runAt).toEqual(later(24 * 60 * MIN));
    expect(await cancelJobs(db, { key: 'enrol:1' }, clock.now())).toBe(1);
    expect(await cancelJobs(db, { key: 'enrol:1' }, clock.now())).toBe(0);
    expect(await rescheduleJob(db, { key: 'enrol:1' }, clock.now(), clock.now())).toBe(false);
    expect(await job(a.id)).toMatchObject({ status: 'cancelled', finishedAt: clock.now() });
    expect(await cancelJobs(db, { id: b.id }, clock.now())).toBe(1);
    expect(await claim()).toEqual([]);
  });

  it('counts jobs by task and status, with the due backlog, and purges finished ones', async () => {
    const now = clock.now();
    await addJobs(db, [{ task: 't' }, { task: 't' }, { task: 't', runAt: later(MIN) }, { task: 'u', runAt: new Date(now.getTime() - MIN) }], now);
    const [one] = await claim('w1', 1);
    await completeJob(db, one!, now);
    await claim('w1', 1);
    expect(await countJobs(db, now)).toEqual([
      { task: 't', queued: 1, running: 1, done: 1, failed: 0, cancelled: 0, due: 0, oldestDueAt: null },
      { task: 'u', queued: 1, running: 0, done: 0, failed: 0, cancelled: 0, due: 1, oldestDueAt: new Date(now.getTime() - MIN) },
    ]);
    expect(await purgeFinishedJobs(db, now)).toBe(0);
    expect(await purgeFinishedJobs(db, later(1))).toBe(1);
  });
});
