import { describe, expect, it } from 'vitest';
import { apiKeyMatches, isLoopbackAddress } from './auth.ts';
import { requestHash } from './idempotency.ts';

describe('isLoopbackAddress', () => {
  it('accepts 127.0.0.0/8, ::1 and IPv4-mapped loopback', () => {
    for (const a of ['127.0.0.1', '127.255.255.254', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.2']) expect(isLoopbackAddress(a), a).toBe(true);
  });
  it('refuses everything else, including look-alikes', () => {
    for (const a of [undefined, '', '0.0.0.0', '10.0.0.1', '128.0.0.1', '127.0.0', '127.0.0.1.5', '127.0.0.256', '::ffff:10.0.0.1', '::2', 'localhost', '1127.0.0.1']) {
      expect(isLoopbackAddress(a), String(a)).toBe(false);
    }
  });
});

describe('apiKeyMatches', () => {
  it('matches only the exact key, whatever the lengths', () => {
    expect(apiKeyMatches('0123456789abcdef', '0123456789abcdef')).toBe(true);
    expect(apiKeyMatches('0123456789abcdef', '0123456789abcdeF')).toBe(false);
    expect(apiKeyMatches('0123456789abcdef', '0123456789abcdef0')).toBe(false);
    expect(apiKeyMatches('0123456789abcdef', '')).toBe(false);
  });
});

describe('requestHash', () => {
  it('ignores key order, and tells different values apart', () => {
    expect(requestHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(requestHash({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: '1' }));
    expect(requestHash({ a: [1, 2] })).not.toBe(requestHash({ a: [2, 1] }));
  });
});
