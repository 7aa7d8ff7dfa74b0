import { createHmac, timingSafeEqual } from 'node:crypto';
import { BatonError } from '../../domain/errors.ts';

/** How far a request's timestamp may be from now, and how long a seen signature is remembered (Slack: 5 minutes). */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export type SignatureFailure = 'missing' | 'stale' | 'forged' | 'replayed';

/** A request to POST /slack/events that did not come from Slack (or came twice). */
export class SlackSignatureError extends BatonError {
  readonly reason: SignatureFailure;
  constructor(reason: SignatureFailure, message: string) {
    super(`SLACK_SIGNATURE_${reason.toUpperCase()}`, message, { fault: 'user', details: { reason } });
    this.reason = reason;
  }
}

/** v0=HMAC-SHA256(secret, "v0:<timestamp>:<raw body>"), the signature Slack sends in x-slack-signature. */
export function signSlackRequest(secret: string, timestampSec: number | string, rawBody: string | Buffer): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:`).update(rawBody).digest('hex')}`;
}

/**
 * Remembers signatures seen within the window, so a captured request cannot be sent again. In memory:
 * one service process answers Slack (several would need a shared store).
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  constructor(private readonly windowMs: number = SIGNATURE_WINDOW_MS) {}

  /** Records the signature; false when it was already seen within the window. */
  remember(signature: string, nowMs: number): boolean {
    for (const [sig, expires] of this.seen) {
      if (expires > nowMs) break; // insertion order is expiry order
      this.seen.delete(sig);
    }
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, nowMs + this.windowMs);
    return true;
  }
}

/**
 * Checks a request's Slack signature and freshness; throws SlackSignatureError saying which check
 * failed. The replay check comes last, so a forged request never fills the guard.
 */
export function verifySlackSignature(input: {
  secret: string;
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs: number;
  guard?: ReplayGuard;
}): void {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) throw new SlackSignatureError('missing', 'the request has no x-slack-signature or x-slack-request-timestamp header');
  const ts = Number(timestamp);
  if (!/^\d{1,12}$/.test(timestamp) || !Number.isFinite(ts)) throw new SlackSignatureError('forged', 'x-slack-request-timestamp is not a Unix time in seconds');
  if (Math.abs(input.nowMs - ts * 1000) > SIGNATURE_WINDOW_MS) {
    throw new SlackSignatureError('stale', 'the request timestamp is more than 5 minutes from now (a replay, or this server\'s clock is wrong)');
  }
  const expected = Buffer.from(signSlackRequest(input.secret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SlackSignatureError('forged', 'the request signature does not match (check SLACK_SIGNING_SECRET)');
  }
  if (input.guard && !input.guard.remember(signature, input.nowMs)) {
    throw new SlackSignatureError('replayed', 'this exact request was already received');
  }
}
