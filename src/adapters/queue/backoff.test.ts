import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.ts';

describe('retry backoff', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };

  it('doubles per attempt from the base, with under 10% jitter, capped at the maximum', () => {
    for (const id of [1, 2, 77, 123_456, 2 ** 40]) {
      const delays = [1, 2, 3, 4].map((a) => backoffDelayMs(a, id, policy));
      delays.forEach((d, i) => {
        const exp = 1000 * 2 ** i;
        expect(d).toBeGreaterThanOrEqual(exp);
        expect(d).toBeLessThan(exp * 1.1);
      });
      expect(backoffDelayMs(20, id, policy)).toBe(60_000);
    }
  });

  it('is deterministic per job and spreads jobs that failed together', () => {
    expect(backoffDelayMs(3, 42, policy)).toBe(backoffDelayMs(3, 42, policy));
    const spread = new Set(Array.from({ length: 50 }, (_, id) => backoffDelayMs(3, id + 1, policy)));
    expect(spread.size).toBeGreaterThan(40);
  });
});
