/** Retries of a model call: which failures are worth another try, and how long to wait. */

export interface RetryPolicy {
  /** Further attempts after the first (0: no retry). */
  retries: number;
  /** First wait, doubled each retry, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

interface HttpishError {
  status?: number;
  code?: string;
  name?: string;
  headers?: Record<string, string> | Headers;
  cause?: unknown;
}

/** HTTP status of an SDK error, looking through LangChain's wrappers. */
export function statusOf(e: unknown): number | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && cur && typeof cur === 'object'; depth++) {
    const s = (cur as HttpishError).status;
    if (typeof s === 'number') return s;
    cur = (cur as HttpishError).cause;
  }
  return undefined;
}

export function isTimeout(e: unknown): boolean {
  const err = e as HttpishError & { message?: string };
  return err?.name === 'TimeoutError' || err?.name === 'AbortError' || err?.name === 'APIConnectionTimeoutError' || /timed? ?out|aborted/i.test(err?.message ?? '');
}

/** Rate limits, server faults, timeouts and dropped connections pass; bad requests and bad keys do not. */
export function isRetryable(e: unknown): boolean {
  const status = statusOf(e);
  if (status !== undefined) return status === 408 || status === 409 || status === 429 || status >= 500;
  if (isTimeout(e)) return true;
  const code = (e as HttpishError)?.code ?? ((e as HttpishError)?.cause as HttpishError | undefined)?.code;
  const name = (e as HttpishError)?.name;
  return name === 'APIConnectionError' || ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET'].includes(code ?? '');
}

/** Seconds or an HTTP date in Retry-After, as milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(e: unknown, now = Date.now()): number | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && cur && typeof cur === 'object'; depth++) {
    const h = (cur as HttpishError).headers;
    const v = h instanceof Headers ? h.get('retry-after') : h?.['retry-after'];
    if (v) {
      const secs = Number(v);
      if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
      const at = Date.parse(v);
      if (!Number.isNaN(at)) return Math.max(0, at - now);
    }
    cur = (cur as HttpishError).cause;
  }
  return undefined;
}

export function backoffMs(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(exp / 2 + random() * (exp / 2));
}
