import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Queryable } from '../db/db.ts';
import type { Logger } from '../log.ts';
import type { Clock } from '../../domain/clock.ts';
import { BatonError, toBatonError } from '../../domain/errors.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { executeJob, type Outcome } from './execute.ts';
import { claimJobs, reclaimExpiredLeases, type Job } from './jobs.ts';
import { nextDueAt } from './jobs-admin.ts';
import type { TaskHandlers } from './task.ts';

export interface WorkerOptions {
  /** The database (or pool) to claim from; not a transaction, since each step commits on its own. */
  db: Queryable;
  clock: Clock;
  logger: Logger;
  tasks: TaskHandlers;
  /** Written to locked_by. Default `host:pid:random`. */
  id?: string;
  /** Jobs run at once by this worker. Default 4. */
  concurrency?: number;
  /** Real mode: wait between polls when nothing is due, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Lease per claim in ms, renewed every third of it while the handler runs. Default 5 min. */
  leaseMs?: number;
  backoff?: BackoffPolicy;
  /** stop(): how long in-flight jobs may take to finish, in ms. Default 30 s. */
  stopTimeoutMs?: number;
}

export interface RunStats {
  ran: number;
  completed: number;
  retried: number;
  failed: number;
  deferred: number;
  /** Outcome not recorded: the lease was lost, or the database failed while recording. */
  lost: number;
  /** runDue stopped at `max` with work possibly left. */
  hitMax: boolean;
}

type SettableClock = Clock & { set(at: Date): void };
const isSettable = (c: Clock): c is SettableClock => typeof (c as { set?: unknown }).set === 'function';

/**
 * Runs jobs from the jobs table. Real mode: `start()` polls, `stop()` drains. Virtual time: `runDue()`
 * runs what is due at the clock's time, and with `until` moves a ManualClock from one due time to the
 * next, so tests and the simulator can run days of schedule in milliseconds.
 */
export class Worker {
  readonly id: string;
  private readonly o: Required<Omit<WorkerOptions, 'id'>>;
  private readonly taskNames: string[];
  private readonly inflight = new Set<Promise<Outcome>>();
  private readonly controllers = new Set<AbortController>();
  private loop: Promise<void> | undefined;
  private stopRequested = false;
  private stopping: Promise<{ abandoned: number }> | undefined;
  private wakeUp: (() => void) | undefined;
  private wakePending = false;

  constructor(options: WorkerOptions) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.o = {
      db: options.db,
      clock: options.clock,
      logger: options.logger,
      tasks: options.tasks,
      concurrency: options.concurrency ?? 4,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      leaseMs: options.leaseMs ?? 300_000,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      stopTimeoutMs: options.stopTimeoutMs ?? 30_000,
    };
    if (!(this.o.concurrency >= 1)) throw new BatonError('WORKER_CONFIG', 'worker concurrency must be at least 1', { fault: 'user' });
    this.taskNames = Object.keys(options.tasks);
  }

  /** Starts polling (real mode). */
  start(): void {
    if (this.stopRequested) throw new BatonError('WORKER_STOPPED', 'this worker was stopped; create a new one');
    this.loop ??= this.poll();
  }

  /** Polls now instead of at the next interval, e.g. right after an in-process enqueue. */
  wake(): void {
    // Called mid-poll, the wake is kept for the next sleep, so an enqueue is never left to the interval.
    if (this.wakeUp) this.wakeUp();
    else this.wakePending = true;
  }

  /**
   * Stops claiming and waits up to stopTimeoutMs for in-flight jobs. Jobs still running then are
   * signalled to abort and given a second to record; any left keep their lease, which expires, and
   * another worker runs them again. Idempotent.
   */
  stop(): Promise<{ abandoned: number }> {
    return (this.stopping ??= this.drain());
  }

  /**
   * Runs every job due at the clock's current time (and jobs those make due), in batches of
   * `concurrency`. With `until` the clock must be settable (ManualClock): it steps to each next due
   * time up to `until` and ends at `until`. Stops after `max` jobs (default 10,000).
   */
  async runDue(options: { until?: Date; max?: number } = {}): Promise<RunStats> {
    if (this.loop) throw new BatonError('WORKER_POLLING', 'runDue cannot run while the worker polls; use start() or runDue(), not both');
    const { until, max = 10_000 } = options;
    const clock = this.o.clock;
    if (until && !isSettable(clock)) throw new BatonError('WORKER_CLOCK', 'runDue({ until }) needs a settable clock such as ManualClock', { fault: 'user' });
    const stats: RunStats = { ran: 0, completed: 0, retried: 0, failed: 0, deferred: 0, lost: 0, hitMax: false };
    for (;;) {
      if (stats.ran >= max) {
        stats.hitMax = true;
        return stats;
      }
      const now = clock.now();
      const reclaimed = await this.reclaim(now);
      const jobs = await this.claim(Math.min(this.o.concurrency, max - stats.ran), now);
      if (jobs.length > 0) {
        for (const outcome of await Promise.all(jobs.map((j) => this.run(j)))) {
          stats.ran += 1;
          stats[outcome] += 1;
        }
        continue;
      }
      if (reclaimed) continue;
      if (!until) return stats;
      const next = await nextDueAt(this.o.db, this.taskNames);
      // Something due now that we could not claim (another worker holds its row lock): leave the
      // clock here rather than skip past work.
      if (next && next.getTime() <= now.getTime()) return stats;
      if (!next || next.getTime() > until.getTime()) {
        if (isSettable(clock) && until.getTime() > now.getTime()) clock.set(until);
        return stats;
      }
      if (isSettable(clock)) clock.set(next);
    }
  }

  private async poll(): Promise<void> {
    const log = this.o.logger.child({ worker: this.id });
    log.info({ tasks: this.taskNames, concurrency: this.o.concurrency }, 'job worker started');
    while (!this.stopRequested) {
      const free = this.o.concurrency - this.inflight.size;
      let claimed = 0;
      try {
        if (free > 0) {
          const now = this.o.clock.now();
          await this.reclaim(now);
          const jobs = await this.claim(free, now);
          claimed = jobs.length;
          for (const job of jobs) this.spawn(job);
        }
      } catch (e) {
        const err = toBatonError(e);
        log.error({ code: err.code, err: err.message }, 'job worker could not poll; trying again after the interval');
      }
      // A full batch suggests more is due: claim again at once. Otherwise sleep, woken early by wake()
      // or by a finished job (a slot came free).
      if (free > 0 && claimed === free) continue;
      if (!this.stopRequested) await this.sleep(this.o.pollIntervalMs);
    }
  }

  private spawn(job: Job): void {
    const p = this.run(job).finally(() => {
      this.inflight.delete(p);
      this.wake();
    });
    this.inflight.add(p);
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private async drain(): Promise<{ abandoned: number }> {
    this.stopRequested = true;
    this.wake();
    await this.loop;
    const waitAll = (ms: number) => waitFor(Promise.allSettled([...this.inflight]), ms);
    if (await waitAll(this.o.stopTimeoutMs)) return { abandoned: 0 };
    for (const c of this.controllers) c.abort(new BatonError('WORKER_STOPPING', 'the worker is stopping and its stop timeout ran out'));
    await waitAll(Math.min(1000, this.o.stopTimeoutMs));
    const abandoned = this.inflight.size;
    if (abandoned) this.o.logger.warn({ worker: this.id, abandoned }, 'job worker stopped with jobs still running; their leases will expire and they will run again');
    return { abandoned };
  }

  private async reclaim(now: Date): Promise<boolean> {
    const { requeued, failed } = await reclaimExpiredLeases(this.o.db, now);
    if (requeued.length || failed.length) this.o.logger.warn({ worker: this.id, requeued, failed }, 'reclaimed jobs whose worker lease expired');
    return requeued.length + failed.length > 0;
  }

  private claim(limit: number, now: Date): Promise<Job[]> {
    return claimJobs(this.o.db, { workerId: this.id, tasks: this.taskNames, limit, leaseMs: this.o.leaseMs, now });
  }

  private run(job: Job): Promise<Outcome> {
    const controller = new AbortController();
    this.controllers.add(controller);
    return executeJob(job, { ...this.o, controller, stopping: () => this.stopRequested }).finally(() => this.controllers.delete(controller));
  }
}

/** Resolves true when `p` settles within `ms`, false otherwise; never leaves a timer behind. */
async function waitFor(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
