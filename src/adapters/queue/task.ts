import type { z } from 'zod';
import type { Logger } from '../log.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Job } from './jobs.ts';

/** What a handler gets besides its payload. */
export interface JobContext {
  /** The claimed job: id, attempts (1 on the first run), key, run_at. */
  job: Job;
  clock: Clock;
  /** Scoped with jobId, task and attempt. */
  logger: Logger;
  /**
   * Aborted when the worker lost this job's lease (it may already run elsewhere) or when a graceful
   * stop ran out of time. Long handlers should pass it on to I/O and stop early.
   */
  signal: AbortSignal;
}

/**
 * One task's handler. Jobs run at least once: a handler must be idempotent, or record its side
 * effect in the same transaction as a unique outbox row that a retry can find.
 */
export interface TaskHandler<T = unknown> {
  /** Validates the stored payload before `run`; a payload that fails ends the job at once. */
  readonly schema: z.ZodType<T>;
  /**
   * Resolving completes the job. Throw PermanentJobError to fail it for good, DeferJobError to put it
   * back without using an attempt; anything else is retried with backoff up to max_attempts.
   */
  run(payload: T, ctx: JobContext): Promise<void>;
}

/** Task name -> handler. */
// Handlers of different payload types share one map because `run` is a method (bivariant in its
// parameter): safe here since the worker only ever calls it with what its own schema produced.
export type TaskHandlers = Readonly<Record<string, TaskHandler<unknown>>>;

/** A handler whose payload type follows from its schema. */
export function defineTask<S extends z.ZodType>(schema: S, run: (payload: z.output<S>, ctx: JobContext) => Promise<void>): TaskHandler<z.output<S>> {
  return { schema: schema as z.ZodType<z.output<S>>, run };
}
