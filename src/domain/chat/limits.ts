/**
 * Rate limits as token buckets, pure: a bucket holds up to `burst` tokens and refills `perMinute`
 * tokens a minute; each message takes one. The caller keeps the buckets (in memory, per process).
 */

export interface RateRule {
  /** Sustained rate, tokens per minute. */
  readonly perMinute: number;
  /** Tokens a full bucket holds: how many may come at once. */
  readonly burst: number;
}

export interface Bucket {
  readonly tokens: number;
  readonly at: number;
}

export type Take = { readonly ok: true; readonly bucket: Bucket } | { readonly ok: false; readonly bucket: Bucket; readonly retryAfterMs: number };

/** Takes one token at `now` (ms); when none is left, says how long until one is. */
export function takeToken(bucket: Bucket | undefined, rule: RateRule, now: number): Take {
  const perMs = rule.perMinute / 60_000;
  const start = bucket ?? { tokens: rule.burst, at: now };
  const tokens = Math.min(rule.burst, start.tokens + Math.max(0, now - start.at) * perMs);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, at: now } };
  return { ok: false, bucket: { tokens, at: now }, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
}

/**
 * Buckets by key with a bound on how many are kept: the oldest untouched one is forgotten first
 * (forgetting a bucket only forgives its owner, never blocks anyone).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rule: RateRule,
    private readonly maxKeys = 50_000,
  ) {
    if (!(rule.perMinute > 0) || !(rule.burst >= 1)) throw new RangeError(`a rate needs perMinute > 0 and burst >= 1, got ${rule.perMinute}/${rule.burst}`);
  }

  /** Takes a token for `key`; returns null when allowed, else the milliseconds to wait. */
  take(key: string, now: number): number | null {
    const r = takeToken(this.buckets.get(key), this.rule, now);
    this.buckets.delete(key);
    this.buckets.set(key, r.bucket);
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    return r.ok ? null : r.retryAfterMs;
  }
}
