import { describe, expect, it } from 'vitest';
import { ReplayGuard, signSlackRequest, SlackSignatureError, verifySlackSignature } from './signature.ts';

const SECRET = 'test-signing-secret';
const NOW = 1_800_000_000_000;
const body = Buffer.from('payload=%7B%7D');

function check(over: { ts?: string; sig?: string; now?: number; guard?: ReplayGuard } = {}): SlackSignatureError | null {
  const ts = over.ts ?? String(NOW / 1000);
  try {
    verifySlackSignature({ secret: SECRET, rawBody: body, timestamp: ts, signature: over.sig ?? signSlackRequest(SECRET, ts, body), nowMs: over.now ?? NOW, ...(over.guard ? { guard: over.guard } : {}) });
    return null;
  } catch (e) {
    if (e instanceof SlackSignatureError) return e;
    throw e;
  }
}

describe('Slack request signatures', () => {
  it('accepts a correct signature', () => {
    expect(check()).toBeNull();
  });

  it('refuses a forged signature, a wrong secret, and a missing header', () => {
    expect(check({ sig: 'v0=' + '0'.repeat(64) })?.reason).toBe('forged');
    expect(check({ sig: signSlackRequest('other-secret', NOW / 1000, body) })?.reason).toBe('forged');
    expect(check({ sig: 'v0=short' })?.reason).toBe('forged');
    expect(check({ ts: 'abc' })?.reason).toBe('forged');
    const missing = (() => {
      try {
        verifySlackSignature({ secret: SECRET, rawBody: body, timestamp: undefined, signature: undefined, nowMs: NOW });
        return null;
      } catch (e) {
        return e as SlackSignatureError;
      }
    })();
    expect(missing?.reason).toBe('missing');
  });

  it('refuses a timestamp more than five minutes away, either way', () => {
    expect(check({ ts: String(NOW / 1000 - 301) })?.reason).toBe('stale');
    expect(check({ ts: String(NOW / 1000 + 301) })?.reason).toBe('stale');
    expect(check({ ts: String(NOW / 1000 - 299) })).toBeNull();
  });

  it('refuses the same signature twice within the window, and forgets it after', () => {
    const guard = new ReplayGuard();
    expect(check({ guard })).toBeNull();
    expect(check({ guard })?.reason).toBe('replayed');
    expect(check({ guard, now: NOW + 1000 })?.code).toBe('SLACK_SIGNATURE_REPLAYED');
    // A forged request does not poison the guard for the real one.
    const g2 = new ReplayGuard();
    expect(check({ guard: g2, sig: 'v0=' + 'f'.repeat(64) })?.reason).toBe('forged');
    expect(g2.remember('v0=' + 'f'.repeat(64), NOW)).toBe(true);
    expect(g2.remember('x', NOW)).toBe(true);
    expect(g2.remember('x', NOW + 5 * 60_000 + 1)).toBe(true);
  });
});
