/** How long a failed job waits before its next attempt. */
export interface BackoffPolicy {
  /** Delay after the first failed attempt, in ms. Default 10 s. */
  baseMs: number;
  /** Upper bound of any delay, in ms. Default 1 h. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 10_000, maxMs: 3_600_000 };

/**
 * Exponential delay before the retry that follows failed attempt `attempt` (1-based): base, 2 base,
 * 4 base... capped at max, plus up to 10% jitter so jobs that failed together do not all come back in
 * the same instant. The jitter is derived from the job id rather than Math.random, so a simulation
 * with the same seed schedules the same retries.
 */
export function backoffDelayMs(attempt: number, jobId: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jitter = Math.floor((exp * ((Math.imul(jobId, 0x9e3779b1) >>> 0) % 1000)) / 10_000);
  return Math.min(policy.maxMs, exp + jitter);
}
