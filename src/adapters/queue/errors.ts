import { BatonError } from '../../domain/errors.ts';

/**
 * Thrown by a job handler when retrying cannot help (the lead is gone, the payload names nothing, a
 * 5xx SMTP answer): the job ends as `failed` at once, whatever attempts remain.
 */
export class PermanentJobError extends BatonError {
  constructor(message: string, options: { code?: string; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(options.code ?? 'JOB_PERMANENT', message, {
      fault: 'system',
      ...(options.details ? { details: options.details } : {}),
      cause: options.cause,
    });
  }
}

/**
 * Thrown by a job handler that cannot run yet through no fault of its own (a send cap is full, the
 * recipient's send window is closed): the job goes back to the queue for `runAt` and the attempt is
 * not counted against max_attempts.
 */
export class DeferJobError extends BatonError {
  readonly runAt: Date;
  constructor(runAt: Date, reason: string) {
    super('JOB_DEFERRED', `deferred until ${runAt.toISOString()}: ${reason}`, { fault: 'system', details: { runAt: runAt.toISOString(), reason } });
    this.runAt = runAt;
  }
}
