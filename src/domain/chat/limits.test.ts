import { describe, expect, it } from 'vitest';
import { RateLimiter, takeToken } from './limits.ts';

describe('rate limits', () => {
  it('lets a burst through, then refills at the rate', () => {
    const rule = { perMinute: 6, burst: 3 };
    let b = undefined;
    for (let i = 0; i < 3; i++) {
      const r = takeToken(b, rule, 0);
      expect(r.ok).toBe(true);
      b = r.bucket;
    }
    const refused = takeToken(b, rule, 0);
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 10_000 });
    expect(takeToken(refused.bucket, rule, 10_000).ok).toBe(true);
  });

  it('keeps buckets per key and forgets the oldest beyond its bound', () => {
    const l = new RateLimiter({ perMinute: 1, burst: 1 }, 2);
    expect(l.take('a', 0)).toBeNull();
    expect(l.take('a', 0)).toBeGreaterThan(0);
    expect(l.take('b', 0)).toBeNull();
    expect(l.take('c', 0)).toBeNull();
    // 'a' was forgotten: forgiven, never blocked by someone else.
    expect(l.take('a', 0)).toBeNull();
  });

  it('refuses an absurd rule', () => {
    expect(() => new RateLimiter({ perMinute: 0, burst: 1 })).toThrow(/perMinute > 0/);
  });
});
