import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The visitor's session token: `<expiry seconds>.<HMAC-SHA256(secret, "chat:<session id>:<expiry>")>`,
 * base64url. It proves the bearer opened that session, without a lookup; it cannot be moved to
 * another session, and it expires.
 */

const DAY_SECONDS = 86_400;

export function newChatSecret(): string {
  return randomBytes(32).toString('hex');
}

function mac(secret: string, sessionId: string, expires: number): string {
  return createHmac('sha256', secret).update(`chat:${sessionId}:${expires}`).digest('base64url');
}

export function signChatToken(secret: string, sessionId: string, nowMs: number, ttlDays: number): string {
  const expires = Math.floor(nowMs / 1000) + Math.round(ttlDays * DAY_SECONDS);
  return `${expires}.${mac(secret, sessionId, expires)}`;
}

export type TokenCheck = { readonly ok: true } | { readonly ok: false; readonly why: 'missing' | 'malformed' | 'expired' | 'forged' };

export function verifyChatToken(secret: string, sessionId: string, token: string | null | undefined, nowMs: number): TokenCheck {
  if (!token) return { ok: false, why: 'missing' };
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m?.[1] || !m[2]) return { ok: false, why: 'malformed' };
  const expires = Number(m[1]);
  const want = Buffer.from(mac(secret, sessionId, expires));
  const got = Buffer.from(m[2]);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, why: 'forged' };
  if (expires * 1000 < nowMs) return { ok: false, why: 'expired' };
  return { ok: true };
}
