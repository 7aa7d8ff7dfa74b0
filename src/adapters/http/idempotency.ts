import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import { BatonError } from '../../domain/errors.ts';
import {
  PENDING_STATUS,
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
  takeOverStaleClaim,
} from '../db/store/idempotency.ts';
import { HttpError } from './errors.ts';

/** A stored answer: what a replay sends back. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

// A claim still pending after this long belongs to a request that died with its process.
const STALE_CLAIM_MS = 60_000;
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key header, or undefined when it has none. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
    throw new HttpError(400, 'IDEMPOTENCY_KEY_INVALID', 'the Idempotency-Key header must be one value of 1 to 255 visible ASCII characters, e.g. a UUID');
  }
  return key;
}

/** A digest of a JSON body that ignores key order and whitespace, so only a different request differs. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Runs `run` at most once per (scope, key): the first answer is stored and replayed to every retry
 * with the same body; the same key with another body is refused (422). Answers to the caller's
 * mistakes (4xx, e.g. a suppressed address) are stored like successes, since a retry would get them
 * again; on our own faults (5xx) the claim is released so that a retry can succeed.
 *
 * `toResponse` maps a thrown error to the answer the client gets, so a replay matches it exactly.
 */
export async function runIdempotent(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  claim: { scope: string; key: string; requestHash: string },
  run: () => Promise<StoredResponse>,
  toResponse: (e: unknown) => StoredResponse,
): Promise<StoredResponse & { replayed: boolean }> {
  const now = deps.clock.now();
  const existing = await claimIdempotencyKey(deps.db, claim, now);
  if (existing === 'vanished') throw inUse();
  if (existing) {
    if (existing.requestHash !== claim.requestHash) {
      throw new BatonError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with a different request body; send a new key for a new request', { fault: 'user' });
    }
    if (existing.statusCode !== PENDING_STATUS) return { status: existing.statusCode, body: existing.response, replayed: true };
    const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS);
    if (!(await takeOverStaleClaim(deps.db, claim, staleBefore, now))) throw inUse();
  }
  let response: StoredResponse;
  try {
    response = await run();
  } catch (e) {
    const answer = toResponse(e);
    if (answer.status < 500) await completeIdempotencyKey(deps.db, claim.scope, claim.key, answer.status, answer.body);
    // The original error is the one to report; a claim that cannot be released goes stale in a minute.
    else await releaseIdempotencyKey(deps.db, claim.scope, claim.key).catch(() => undefined);
    throw e;
  }
  await completeIdempotencyKey(deps.db, claim.scope, claim.key, response.status, response.body);
  return { ...response, replayed: false };
}

function inUse(): BatonError {
  return new BatonError('IDEMPOTENCY_KEY_IN_USE', 'a request with this Idempotency-Key is still being processed; retry in a moment', { fault: 'user' });
}
