import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../log.ts';
import { ManualClock, systemClock, type Clock } from '../../domain/clock.ts';
import { createTestDb } from '../../testing/db.ts';
import type { Db } from '../db/db.ts';
import { DEFAULT_BACKOFF, backoffDelayMs } from './backoff.ts';
import { DeferJobError, PermanentJobError } from './errors.ts';
import { addJob, claimJobs, type Job } from './jobs.ts';
import { getJob } from './jobs-admin.ts';
import { defineTask, type JobContext, type TaskHandlers } from './task.ts';
import { Worker, type WorkerOptions } from './worker.ts';

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
const logger = silentLogger();
const worker = (tasks: TaskHandlers, o: Partial<WorkerOptions> = {}) => new Worker({ db, clock, logger, tasks, id: 'w-test', ...o });
const job = async (id: number): Promise<Job> => {
  const j = await getJob(db, id);
  if (!j) throw new Error(`job ${id} is gone`);
  return j;
};
const later = (ms: number, c: Clock = clock) => new Date(c.now().getTime() + ms);
const Send = z.object({ leadId: z.string() });

/** A promise with its resolver outside, to hold a handler mid-flight. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

async function until(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('worker on virtual time', () => {
  it('runs due jobs with the validated payload and a scoped context, and leaves future ones', async () => {
    const seen: { payload: unknown; ctx: JobContext }[] = [];
    const w = worker({ send: defineTask(Send, async (payload, ctx) => void seen.push({ payload, ctx })) });
    const now = await addJob(db, { task: 'send', payload: { leadId: 'L1', extra: 'dropped by the schema' } }, clock.now());
    const future = await addJob(db, { task: 'send', payload: { leadId: 'L2' }, runAt: later(MIN) }, clock.now());
    expect(await w.runDue()).toMatchObject({ ran: 1, completed: 1, hitMax: false });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.payload).toEqual({ leadId: 'L1' });
    expect(seen[0]?.ctx.job).toMatchObject({ id: now.id, attempts: 1 });
    expect(seen[0]?.ctx.clock).toBe(clock);
    expect(seen[0]?.ctx.signal.aborted).toBe(false);
    expect((await job(now.id)).status).toBe('done');
    expect((await job(future.id)).status).toBe('queued');
    clock.advance(MIN);
    expect(await w.runDue()).toMatchObject({ ran: 1, completed: 1 });
  });

  it('with `until`, steps the clock to each due time in order and ends at `until`', async () => {
    const ranAt: [string, string][] = [];
    const w = worker({ t: defineTask(z.object({ n: z.string() }), async ({ n }, ctx) => void ranAt.push([n, ctx.clock.now().toISOString()])) });
    await addJob(db, { task: 't', payload: { n: 'b' }, runAt: later(2 * MIN) }, clock.now());
    await addJob(db, { task: 't', payload: { n: 'a' }, runAt: later(MIN) }, clock.now());
    await addJob(db, { task: 't', payload: { n: 'late' }, runAt: later(60 * MIN) }, clock.now());
    expect(await w.runDue({ until: later(30 * MIN) })).toMatchObject({ ran: 2, completed: 2 });
    expect(ranAt).toEqual([
      ['a', '2026-03-02T09:01:00.000Z'],
      ['b', '2026-03-02T09:02:00.000Z'],
    ]);
    expect(clock.now().toISOString()).toBe('2026-03-02T09:30:00.000Z');
  });

  it('runs jobs that handlers enqueue for now, and stops at `max`', async () => {
    const w = worker({
      chain: defineTask(z.object({ left: z.number() }), async ({ left }, ctx) => {
        if (left > 0) await addJob(db, { task: 'chain', payload: { left: left - 1 } }, ctx.clock.now());
      }),
    });
    await addJob(db, { task: 'chain', payload: { left: 5 } }, clock.now());
    expect(await w.runDue({ max: 3 })).toMatchObject({ ran: 3, hitMax: true });
    expect(await w.runDue()).toMatchObject({ ran: 3, completed: 3, hitMax: false });
  });

  it('retries a failing job with exponential backoff, then fails it on the last attempt', async () => {
    let calls = 0;
    const w = worker({
      flaky: defineTask(z.object({}), async () => {
        calls += 1;
        throw new Error(`smtp 421 try later (call ${calls})`);
      }),
    });
    const { id } = await addJob(db, { task: 'flaky', maxAttempts: 3 }, clock.now());
    expect(await w.runDue()).toMatchObject({ ran: 1, retried: 1 });
    const first = await job(id);
    expect(first).toMatchObject({ status: 'queued', attempts: 1, lastError: 'INTERNAL: smtp 421 try later (call 1)' });
    const delay1 = backoffDelayMs(1, id);
    expect(first.runAt).toEqual(later(delay1));
    expect(delay1).toBeGreaterThanOrEqual(DEFAULT_BACKOFF.baseMs);

    clock.advance(delay1 - 1);
    expect(await w.runDue()).toMatchObject({ ran: 0 });
    clock.advance(1);
    expect(await w.runDue()).toMatchObject({ ran: 1, retried: 1 });
    const delay2 = backoffDelayMs(2, id);
    expect(delay2).toBeGreaterThanOrEqual(2 * DEFAULT_BACKOFF.baseMs);
    expect((await job(id)).runAt).toEqual(later(delay2));

    expect(await w.runDue({ until: later(24 * 60 * MIN) })).toMatchObject({ ran: 1, failed: 1 });
    expect(await job(id)).toMatchObject({ status: 'failed', attempts: 3, lastError: 'INTERNAL: smtp 421 try later (call 3)' });
    expect(calls).toBe(3);
  });

  it('ends a job at once on PermanentJobError and on a payload that fails the schema', async () => {
    let calls = 0;
    const w = worker({
      perm: defineTask(z.object({}), async () => {
        calls += 1;
        throw new PermanentJobError('550 mailbox unavailable', { code: 'SMTP_REJECTED' });
      }),
      send: defineTask(Send, async () => void (calls += 100)),
    });
    const perm = await addJob(db, { task: 'perm', maxAttempts: 5 }, clock.now());
    const bad = await addJob(db, { task: 'send', payload: { leadId: 42 } }, clock.now());
    expect(await w.runDue()).toMatchObject({ ran: 2, failed: 2 });
    expect(calls).toBe(1);
    expect(await job(perm.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'SMTP_REJECTED: 550 mailbox unavailable' });
    expect(await job(bad.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await job(bad.id)).lastError).toMatch(/^JOB_BAD_PAYLOAD: the payload does not fit task "send"/);
  });

  it('puts a deferred job back for later without using an attempt', async () => {
    let calls = 0;
    const w = worker({
      capped: defineTask(z.object({}), async (_p, ctx) => {
        calls += 1;
        if (calls === 1) throw new DeferJobError(new Date(ctx.clock.now().getTime() + 60 * MIN), 'mailbox cap reached');
      }),
    });
    const { id } = await addJob(db, { task: 'capped', maxAttempts: 1 }, clock.now());
    expect(await w.runDue()).toMatchObject({ ran: 1, deferred: 1 });
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 0, runAt: later(60 * MIN) });
    expect(await w.runDue({ until: later(2 * 60 * MIN) })).toMatchObject({ ran: 1, completed: 1 });
  });

  it('runs again, on another worker, a job whose worker crashed once its lease has expired', async () => {
    const runs: string[] = [];
    const tasks = { send: defineTask(Send, async (_p, ctx) => void runs.push(ctx.job.lockedBy ?? '?')) };
    const { id } = await addJob(db, { task: 'send', payload: { leadId: 'L1' } }, clock.now());
    // The crashed worker claimed the job and died before recording anything.
    const [claimed] = await claimJobs(db, { workerId: 'crashed', tasks: ['send'], limit: 1, leaseMs: 5 * MIN, now: clock.now() });
    expect(claimed?.id).toBe(id);

    const survivor = worker(tasks, { id: 'survivor', leaseMs: 5 * MIN });
    expect(await survivor.runDue()).toMatchObject({ ran: 0 });
    clock.advance(5 * MIN - 1);
    expect(await survivor.runDue()).toMatchObject({ ran: 0 });
    clock.advance(1);
    expect(await survivor.runDue()).toMatchObject({ ran: 1, completed: 1 });
    expect(runs).toEqual(['survivor']);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 2, lockedBy: 'survivor' });
  });

  it('a worker whose lease was taken over cannot record its outcome; the job ran twice (at least once)', async () => {
    let runs = 0;
    const b = worker({ slow: defineTask(z.object({}), async () => void (runs += 1)) }, { id: 'b', leaseMs: MIN });
    const a = worker(
      {
        slow: defineTask(z.object({}), async () => {
          runs += 1;
          // Stalls past its lease (virtual time jumps), and worker b takes the job over meanwhile.
          clock.advance(2 * MIN);
          await b.runDue();
        }),
      },
      { id: 'a', leaseMs: MIN },
    );
    const { id } = await addJob(db, { task: 'slow' }, clock.now());
    expect(await a.runDue()).toMatchObject({ ran: 1, lost: 1 });
    expect(runs).toBe(2);
    expect(await job(id)).toMatchObject({ status: 'done', lockedBy: 'b', attempts: 2 });
  });

  it('runDue({ until }) needs a settable clock', async () => {
    const w = new Worker({ db, clock: systemClock, logger, tasks: {} });
    await expect(w.runDue({ until: new Date() })).rejects.toMatchObject({ code: 'WORKER_CLOCK' });
  });
});

describe('worker polling in real time', () => {
  it('picks up jobs enqueued after start when woken, long before the next poll, and stops cleanly when idle', async () => {
    const done: string[] = [];
    const w = worker({ send: defineTask(Send, async ({ leadId }) => void done.push(leadId)) }, { pollIntervalMs: 60_000 });
    w.start();
    await addJob(db, { task: 'send', payload: { leadId: 'L1' } }, clock.now());
    await addJob(db, { task: 'send', payload: { leadId: 'L2' } }, clock.now());
    w.wake();
    await until(() => done.length === 2);
    expect(await w.stop()).toEqual({ abandoned: 0 });
    expect(done.sort()).toEqual(['L1', 'L2']);
  });

  it('graceful stop waits for an in-flight job to finish and records it', async () => {
    const started = gate();
    const release = gate();
    const w = worker(
      {
        slow: defineTask(z.object({}), async () => {
          started.open();
          await release.opened;
        }),
      },
      { pollIntervalMs: 10 },
    );
    const { id } = await addJob(db, { task: 'slow' }, clock.now());
    w.start();
    await started.opened;
    let stopped = false;
    const stopping = w.stop().then((r) => {
      stopped = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    expect((await job(id)).status).toBe('running');
    release.open();
    expect(await stopping).toEqual({ abandoned: 0 });
    expect((await job(id)).status).toBe('done');
  });

  it('on a stop timeout, aborts the handler; a job that honours the signal goes back without using an attempt', async () => {
    const started = gate();
    const w = worker(
      {
        hang: defineTask(z.object({}), async (_p, ctx) => {
          started.open();
          await new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
        }),
      },
      { pollIntervalMs: 10, stopTimeoutMs: 50 },
    );
    const { id } = await addJob(db, { task: 'hang', maxAttempts: 1 }, clock.now());
    w.start();
    await started.opened;
    expect(await w.stop()).toEqual({ abandoned: 0 });
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 0, lastError: 'interrupted by a worker stop' });
  });

  it('renews the lease while a long job runs, so no other worker takes it', async () => {
    const started = gate();
    const release = gate();
    let runs = 0;
    const tasks = {
      long: defineTask(z.object({}), async () => {
        runs += 1;
        started.open();
        await release.opened;
      }),
    };
    const a = new Worker({ db, clock: systemClock, logger, tasks, id: 'a', leaseMs: 400, pollIntervalMs: 10 });
    const b = new Worker({ db, clock: systemClock, logger, tasks, id: 'b', leaseMs: 400, pollIntervalMs: 10 });
    const { id } = await addJob(db, { task: 'long' }, systemClock.now());
    a.start();
    await started.opened;
    b.start();
    await new Promise((r) => setTimeout(r, 1200)); // three lease lengths
    expect((await job(id)).lockedBy).toBe('a');
    release.open();
    await until(async () => (await job(id)).status === 'done');
    await Promise.all([a.stop(), b.stop()]);
    expect(runs).toBe(1);
    expect(await job(id)).toMatchObject({ attempts: 1, lockedBy: 'a' });
  });
});
