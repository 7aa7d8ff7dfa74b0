import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed webhooks, both ways (the CRM webhook we send, the chat gateway we send to and hear from).
 * The scheme is the one Stripe and Slack use, so receivers know it: `v1=<hex HMAC-SHA256(secret,
 * "<timestamp>.<body>")>`, the Unix timestamp (seconds) sent beside it. The timestamp inside the
 * signed bytes makes an old capture useless after the tolerance window.
 */

/** Default tolerance for a signature's timestamp, either way, in seconds. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`; `timestamp` in Unix seconds. */
export function signBody(secret: string, timestamp: number, body: string | Buffer): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** A timestamp header as Unix seconds, or NaN when it is not a plain number. */
export function parseTimestamp(timestamp: string | number): number {
  if (typeof timestamp === 'number') return timestamp;
  const t = timestamp.trim();
  return /^\d{1,12}$/.test(t) ? Number(t) : NaN;
}

/**
 * Checks a signed request as a receiver would: the signature header (one or more comma-separated
 * `v1=` values, so a sender may sign with an old and a new secret during a rotation) must match, and
 * the timestamp must be within `toleranceSeconds` of `nowSeconds` either way. Constant-time compare.
 */
export function verifySignature(
  secret: string,
  timestamp: string | number,
  body: string | Buffer,
  header: string | null | undefined,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const ts = parseTimestamp(timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds || !header) return false;
  const expected = Buffer.from(signBody(secret, ts, body));
  return header.split(',').some((part) => {
    const given = Buffer.from(part.trim());
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
