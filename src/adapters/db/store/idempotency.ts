import type { Queryable } from '../db.ts';

/**
 * Idempotency keys: the first answer to a request carrying a key, kept so that a retry gets the same
 * answer instead of doing the work twice. A key is first claimed (status_code 0, "pending") before the
 * work runs, so two concurrent requests with one key cannot both do it.
 */

/** status_code of a claim whose request is still running. */
export const PENDING_STATUS = 0;

export interface IdempotencyRecord {
  requestHash: string;
  /** HTTP status of the stored answer; PENDING_STATUS while the first request runs. */
  statusCode: number;
  response: unknown;
  createdAt: Date;
}

/**
 * Claims `key` in `scope` for a request. Returns null when the claim is ours (run the request), else
 * the record already there (a replay, a reuse, or a request still running). Returns `'vanished'`
 * when the other claim was released between our attempt and our read: the caller may retry.
 */
export async function claimIdempotencyKey(
  q: Queryable,
  claim: { scope: string; key: string; requestHash: string },
  at: Date,
): Promise<IdempotencyRecord | null | 'vanished'> {
  const inserted = await q.query(
    `INSERT INTO idempotency_keys (scope, key, request_hash, response, status_code, created_at)
     VALUES ($1, $2, $3, 'null'::jsonb, $4, $5) ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
    [claim.scope, claim.key, claim.requestHash, PENDING_STATUS, at],
  );
  if (inserted.rows.length > 0) return null;
  const { rows } = await q.query<{ request_hash: string; status_code: number; response: unknown; created_at: Date }>(
    'SELECT request_hash, status_code, response, created_at FROM idempotency_keys WHERE scope = $1 AND key = $2',
    [claim.scope, claim.key],
  );
  const r = rows[0];
  if (!r) return 'vanished';
  return { requestHash: r.request_hash, statusCode: r.status_code, response: r.response, createdAt: r.created_at };
}

/**
 * Takes over a pending claim older than `staleBefore` (its request died with the process). Only one
 * caller wins; returns whether it was this one.
 */
export async function takeOverStaleClaim(
  q: Queryable,
  claim: { scope: string; key: string; requestHash: string },
  staleBefore: Date,
  at: Date,
): Promise<boolean> {
  const { rows } = await q.query(
    `UPDATE idempotency_keys SET created_at = $5
      WHERE scope = $1 AND key = $2 AND request_hash = $3 AND status_code = $4 AND created_at < $6 RETURNING key`,
    [claim.scope, claim.key, claim.requestHash, PENDING_STATUS, at, staleBefore],
  );
  return rows.length > 0;
}

/** Stores the answer of a claimed key. */
export async function completeIdempotencyKey(q: Queryable, scope: string, key: string, statusCode: number, response: unknown): Promise<void> {
  await q.query('UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE scope = $1 AND key = $2 AND status_code = $5', [
    scope,
    key,
    statusCode,
    JSON.stringify(response),
    PENDING_STATUS,
  ]);
}

/** Gives a claim back (the request failed on our side), so a retry can run it again. */
export async function releaseIdempotencyKey(q: Queryable, scope: string, key: string): Promise<void> {
  await q.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status_code = $3', [scope, key, PENDING_STATUS]);
}
