import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x: callers on this machine. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  if (address === '::1') return true;
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  const parts = v4.split('.');
  return parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/**
 * Compares a presented key with the configured one in constant time. Both are hashed first so the
 * buffers have equal length: neither the key's content nor its length leaks through timing.
 */
export function apiKeyMatches(expected: string, presented: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

const BEARER = /^Bearer +([^\s]+) *$/i;
const CHALLENGE = { 'www-authenticate': 'Bearer realm="baton"' };

/** Who a guarded request came from, for the audit log. */
export type Caller = 'api:key' | 'api:loopback';

/**
 * The guard of the API and /metrics. With BATON_API_KEY set, every caller (loopback too) must send
 * `Authorization: Bearer <key>`. Without it, only callers on this machine get in; a request that
 * came through a local reverse proxy (forwarding headers) is refused too, since the proxy would
 * otherwise open the API to whoever reaches it.
 */
export function createApiGuard(apiKey: string | undefined): (request: FastifyRequest) => Caller {
  return (request) => {
    if (apiKey !== undefined) {
      const header = request.headers.authorization;
      if (!header) throw new HttpError(401, 'UNAUTHENTICATED', 'this API needs a key: send "Authorization: Bearer <BATON_API_KEY>"', CHALLENGE);
      const presented = BEARER.exec(header)?.[1];
      if (presented === undefined || !apiKeyMatches(apiKey, presented)) {
        throw new HttpError(401, 'INVALID_API_KEY', 'the API key is not valid; send "Authorization: Bearer <BATON_API_KEY>"', CHALLENGE);
      }
      return 'api:key';
    }
    // request.socket, not request.ip: no proxy header may turn a remote caller into a local one.
    if (!isLoopbackAddress(request.socket.remoteAddress)) {
      throw new HttpError(403, 'LOOPBACK_ONLY', 'BATON_API_KEY is not set, so this API accepts only callers on the same machine; set BATON_API_KEY and send "Authorization: Bearer <key>" to call it from elsewhere');
    }
    if (request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined) {
      throw new HttpError(403, 'LOOPBACK_ONLY', 'BATON_API_KEY is not set, so this API accepts only direct callers on the same machine, and this request came through a proxy; set BATON_API_KEY to serve it behind a proxy');
    }
    return 'api:loopback';
  };
}
