import { z } from 'zod';
import type { Queryable } from '../db/db.ts';
import type { Logger } from '../log.ts';
import type { Clock } from '../../domain/clock.ts';
import { BatonError, toBatonError } from '../../domain/errors.ts';
import { backoffDelayMs, type BackoffPolicy } from './backoff.ts';
import { DeferJobError, PermanentJobError } from './errors.ts';
import { completeJob, deferJob, errorText, extendLease, failJob, type Job, type Lease } from './jobs.ts';
import type { TaskHandlers } from './task.ts';

/** What became of one claimed job. */
export type Outcome = 'completed' | 'retried' | 'failed' | 'deferred' | 'lost';

export interface ExecuteOptions {
  db: Queryable;
  clock: Clock;
  logger: Logger;
  tasks: TaskHandlers;
  leaseMs: number;
  backoff: BackoffPolicy;
  /** Aborted by the worker on a stop timeout; aborted here when the lease is lost. */
  controller: AbortController;
  /** True once the worker is stopping: a job aborted then is put back without using an attempt. */
  stopping: () => boolean;
}

/** setInterval fires at once for delays above 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs one claimed job's handler while renewing its lease, then records the outcome. Never throws: a
 * failure to record is logged, and the lease then expires and the job runs again (at least once).
 */
export async function executeJob(job: Job, o: ExecuteOptions): Promise<Outcome> {
  const logger = o.logger.child({ jobId: job.id, task: job.task, attempt: job.attempts });
  const lease: Lease = { id: job.id, attempts: job.attempts, lockedBy: job.lockedBy };
  let finished = false;
  const renew = async () => {
    try {
      const now = o.clock.now();
      const held = await extendLease(o.db, lease, new Date(now.getTime() + o.leaseMs), now);
      if (!held && !finished) {
        logger.warn('job lease lost to another worker; aborting the handler');
        o.controller.abort(new BatonError('JOB_LEASE_LOST', `job ${job.id} lease was taken over by another worker`));
      }
    } catch (e) {
      logger.warn({ code: toBatonError(e).code }, 'could not renew the job lease; trying again at the next beat');
    }
  };
  const heartbeat = setInterval(() => void renew(), Math.min(MAX_TIMER_MS, Math.max(1, Math.floor(o.leaseMs / 3))));

  let failure: unknown;
  let ok = false;
  try {
    const handler = o.tasks[job.task];
    if (!handler) throw new PermanentJobError(`no handler for task "${job.task}" in this worker`, { code: 'JOB_UNKNOWN_TASK' });
    const parsed = handler.schema.safeParse(job.payload);
    if (!parsed.success) {
      throw new PermanentJobError(`the payload does not fit task "${job.task}": ${z.prettifyError(parsed.error)}`, { code: 'JOB_BAD_PAYLOAD' });
    }
    await handler.run(parsed.data, { job, clock: o.clock, logger, signal: o.controller.signal });
    ok = true;
  } catch (e) {
    failure = e;
  } finally {
    finished = true;
    clearInterval(heartbeat);
  }

  try {
    return await record(job, lease, ok, failure, o, logger);
  } catch (e) {
    logger.error({ code: toBatonError(e).code }, 'could not record the job outcome; its lease will expire and it will run again');
    return 'lost';
  }
}

async function record(job: Job, lease: Lease, ok: boolean, failure: unknown, o: ExecuteOptions, logger: Logger): Promise<Outcome> {
  const now = o.clock.now();
  const lost = () => {
    logger.warn('job lease was lost before its outcome was recorded; another worker may run or have run it');
    return 'lost' as const;
  };
  if (ok) {
    if (!(await completeJob(o.db, lease, now))) return lost();
    logger.debug('job done');
    return 'completed';
  }
  const interrupted = o.stopping() && o.controller.signal.aborted;
  if (failure instanceof DeferJobError || interrupted) {
    const runAt = failure instanceof DeferJobError ? failure.runAt : now;
    const reason = failure instanceof DeferJobError ? failure.message : 'interrupted by a worker stop';
    if (!(await deferJob(o.db, lease, { runAt, reason, now }))) return lost();
    logger.info({ runAt }, 'job deferred');
    return 'deferred';
  }
  const err = toBatonError(failure);
  const permanent = failure instanceof PermanentJobError;
  const retryAt = new Date(now.getTime() + backoffDelayMs(job.attempts, job.id, o.backoff));
  const status = await failJob(o.db, lease, { error: errorText(err), permanent, retryAt, now });
  const fields = { code: err.code, err: redactAddresses(err.message) };
  if (status === 'lost') return lost();
  if (status === 'queued') {
    logger.warn({ ...fields, retryAt }, 'job failed; will retry');
    return 'retried';
  }
  logger.error({ ...fields, permanent }, permanent ? 'job failed permanently' : 'job failed on its last attempt');
  return 'failed';
}

/** Error texts (SMTP answers above all) often quote an address; logs keep ids, not addresses. */
function redactAddresses(s: string): string {
  return s.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[address]');
}
