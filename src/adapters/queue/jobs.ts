import type { Queryable } from '../db/db.ts';
import { BatonError } from '../../domain/errors.ts';

/**
 * The jobs table (migration 0002): enqueue, claim under a lease, and record each attempt's outcome.
 * Every function takes the Queryable to run on, so a caller can enqueue inside its own transaction
 * (the job exists exactly when the caller's writes commit), and every time comes from the caller's
 * Clock as a parameter, never from now() in SQL, so the queue runs on virtual time.
 */

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Job {
  id: number;
  task: string;
  payload: unknown;
  key: string | null;
  status: JobStatus;
  priority: number;
  runAt: Date;
  /** Claims so far, counting the running one. */
  attempts: number;
  maxAttempts: number;
  lockedBy: string | null;
  lockedUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface JobSpec {
  task: string;
  /** Stored as jsonb; the task's schema validates it when the job runs. */
  payload?: unknown;
  /** Default: now. */
  runAt?: Date;
  /** Higher runs first among due jobs. Default 0. */
  priority?: number;
  /** Default 5. */
  maxAttempts?: number;
  /** Dedupe key: at most one queued job holds it. */
  key?: string;
  /**
   * What an add does when a queued job already holds `key`: 'keep' (default) leaves that job as it
   * is; 'replace' gives it this spec's task, payload, run_at, priority and max_attempts and resets its
   * attempts.
   */
  ifKeyExists?: 'keep' | 'replace';
}

/** A claimed job's lease: the attempt number fences off a worker whose lease expired and was re-claimed. */
export type Lease = Pick<Job, 'id' | 'attempts'> & { lockedBy: string | null };

export const DEFAULT_MAX_ATTEMPTS = 5;
/** Longest last_error kept: enough for a message and the head of a cause, not a whole response body. */
const MAX_ERROR_CHARS = 2000;

export interface JobRow {
  id: number;
  task: string;
  payload: unknown;
  key: string | null;
  status: JobStatus;
  priority: number;
  run_at: Date;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export function toJob(r: JobRow): Job {
  return {
    id: r.id,
    task: r.task,
    payload: r.payload,
    key: r.key,
    status: r.status,
    priority: r.priority,
    runAt: r.run_at,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    lockedBy: r.locked_by,
    lockedUntil: r.locked_until,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

/** Job order among due jobs, as the claim query picks them. */
function byClaimOrder(a: Job, b: Job): number {
  return b.priority - a.priority || a.runAt.getTime() - b.runAt.getTime() || a.id - b.id;
}

const UNIQUE_VIOLATION = '23505';
function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === UNIQUE_VIOLATION;
}

export type AddOutcome = 'added' | 'replaced' | 'kept';

/** Enqueues one job. With a key already held by a queued job, keeps or replaces that job (see JobSpec). */
export async function addJob(q: Queryable, spec: JobSpec, now: Date): Promise<{ id: number; outcome: AddOutcome }> {
  const r = await addJobs(q, [spec], now);
  const first = r.jobs[0];
  if (!first) throw new BatonError('INTERNAL', `adding a "${spec.task}" job returned no row`); // one spec always yields one row
  return first;
}

/**
 * Enqueues many jobs in one statement per key mode, however many. Specs sharing a key collapse first:
 * with 'keep' the first wins, with 'replace' the last. `jobs` lists each job touched, not in spec order.
 */
export async function addJobs(
  q: Queryable,
  specs: readonly JobSpec[],
  now: Date,
): Promise<{ added: number; replaced: number; kept: number; jobs: { id: number; outcome: AddOutcome }[] }> {
  const keep = specs.filter((s) => (s.ifKeyExists ?? 'keep') === 'keep');
  const replace = specs.filter((s) => s.ifKeyExists === 'replace');
  const result = { added: 0, replaced: 0, kept: 0, jobs: [] as { id: number; outcome: AddOutcome }[] };
  // Two statements at most, because ON CONFLICT picks one action per statement.
  for (const [group, mode] of [[keep, 'keep'], [replace, 'replace']] as const) {
    if (group.length === 0) continue;
    for (const job of await insertGroup(q, group, mode, now)) {
      result[job.outcome] += 1;
      result.jobs.push(job);
    }
  }
  return result;
}

async function insertGroup(q: Queryable, specs: readonly JobSpec[], mode: 'keep' | 'replace', now: Date): Promise<{ id: number; outcome: AddOutcome }[]> {
  // One statement may not touch a row twice (ON CONFLICT DO UPDATE refuses), so collapse keys here.
  const byKey = new Map<string, JobSpec>();
  const rows: JobSpec[] = [];
  for (const s of specs) {
    if (s.key === undefined) rows.push(s);
    else if (mode === 'replace' || !byKey.has(s.key)) byKey.set(s.key, s);
  }
  rows.push(...byKey.values());
  const col = <T>(f: (s: JobSpec) => T) => rows.map(f);
  const params = [
    col((s) => s.task),
    col((s) => JSON.stringify(s.payload ?? {})),
    col((s) => s.key ?? null),
    col((s) => s.priority ?? 0),
    col((s) => (s.runAt ?? now).toISOString()),
    col((s) => s.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    now,
  ];
  const onConflict =
    mode === 'keep'
      ? 'DO NOTHING'
      : `DO UPDATE SET task = EXCLUDED.task, payload = EXCLUDED.payload, run_at = EXCLUDED.run_at, priority = EXCLUDED.priority,
           max_attempts = EXCLUDED.max_attempts, attempts = 0, updated_at = EXCLUDED.updated_at`;
  // xmax = 0 only on a freshly inserted row version: tells an insert from an ON CONFLICT update.
  const { rows: written } = await q.query<{ id: number; key: string | null; inserted: boolean }>(
    `INSERT INTO jobs (task, payload, key, priority, run_at, max_attempts, created_at, updated_at)
     SELECT t, p::jsonb, k, pr, ra::timestamptz, ma, $7, $7
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[]) AS u(t, p, k, pr, ra, ma)
     ON CONFLICT (key) WHERE status = 'queued' AND key IS NOT NULL ${onConflict}
     RETURNING id, key, (xmax = 0) AS inserted`,
    params,
  );
  const out = written.map((w) => ({ id: w.id, outcome: (w.inserted ? 'added' : 'replaced') as AddOutcome }));
  if (mode === 'keep' && written.length < rows.length) {
    // The rest were kept: name the queued job that holds each key.
    const got = new Set(written.map((w) => w.key));
    const missing = [...byKey.keys()].filter((k) => !got.has(k));
    const { rows: held } = await q.query<{ id: number }>(
      `SELECT DISTINCT ON (key) id FROM jobs WHERE key = ANY($1::text[]) ORDER BY key, (status = 'queued') DESC, id DESC`,
      [missing],
    );
    out.push(...held.map((h) => ({ id: h.id, outcome: 'kept' as const })));
  }
  return out;
}

/** Claims up to `limit` due jobs of the given tasks for `workerId`, leased until `now + leaseMs`. */
export async function claimJobs(
  q: Queryable,
  o: { workerId: string; tasks: readonly string[]; limit: number; leaseMs: number; now: Date },
): Promise<Job[]> {
  if (o.limit <= 0 || o.tasks.length === 0) return [];
  // SKIP LOCKED: concurrent claimers each take different rows instead of queueing behind one another.
  const { rows } = await q.query<JobRow>(
    `WITH due AS (
       SELECT id FROM jobs
        WHERE status = 'queued' AND run_at <= $1 AND task = ANY($2::text[])
        ORDER BY priority DESC, run_at, id
        LIMIT $3
        FOR UPDATE SKIP LOCKED
     )
     UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, locked_by = $4, locked_until = $5, updated_at = $1
       FROM due WHERE j.id = due.id
     RETURNING j.*`,
    [o.now, [...o.tasks], o.limit, o.workerId, new Date(o.now.getTime() + o.leaseMs)],
  );
  return rows.map(toJob).sort(byClaimOrder);
}

/** The lease is still this worker's: the same attempt, still running, still locked by it. */
const OWNED = `j.id = $1 AND j.status = 'running' AND j.attempts = $2 AND j.locked_by = $3`;
const leaseParams = (l: Lease) => [l.id, l.attempts, l.lockedBy];

/** Moves a running job's lease end (a heartbeat). False when the lease was lost to another worker. */
export async function extendLease(q: Queryable, lease: Lease, until: Date, now: Date): Promise<boolean> {
  const r = await q.query(`UPDATE jobs j SET locked_until = $4, updated_at = $5 WHERE ${OWNED} RETURNING j.id`, [...leaseParams(lease), until, now]);
  return r.rows.length > 0;
}

/** Marks a claimed job done. False when the lease was lost (the job may run, or have run, elsewhere). */
export async function completeJob(q: Queryable, lease: Lease, now: Date): Promise<boolean> {
  const r = await q.query(
    `UPDATE jobs j SET status = 'done', locked_until = NULL, finished_at = $4, updated_at = $4 WHERE ${OWNED} RETURNING j.id`,
    [...leaseParams(lease), now],
  );
  return r.rows.length > 0;
}

/**
 * SQL for a job going back to the queue (retry, deferral, reclaimed lease). It keeps its key only
 * when no other live job holds it: another queued one would break the one-queued-job-per-key index,
 * and a running one may come back too. Losing the key loses no work, only the dedupe.
 */
const REQUEUED_KEY = `CASE WHEN j.key IS NOT NULL AND EXISTS (
  SELECT 1 FROM jobs o WHERE o.key = j.key AND o.id <> j.id AND o.status IN ('queued', 'running')) THEN NULL ELSE j.key END`;

/** Runs a requeueing statement; a concurrent enqueue can still win the key between check and write. */
async function requeue<R>(q: Queryable, sql: (keyExpr: string) => string, params: unknown[]): Promise<R[]> {
  try {
    return (await q.query<R>(sql(REQUEUED_KEY), params)).rows;
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    return (await q.query<R>(sql('NULL'), params)).rows;
  }
}

export function errorText(e: { code?: string; message: string }): string {
  const text = e.code ? `${e.code}: ${e.message}` : e.message;
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}...` : text;
}

/**
 * Records a failed attempt: back to the queue for `retryAt`, or `failed` for good when `permanent` or
 * when the attempts are used up. Returns the job's new status, or 'lost' when the lease was lost.
 */
export async function failJob(
  q: Queryable,
  lease: Lease,
  o: { error: string; retryAt: Date; permanent: boolean; now: Date },
): Promise<'queued' | 'failed' | 'lost'> {
  const final = `($5::boolean OR j.attempts >= j.max_attempts)`;
  const rows = await requeue<{ status: 'queued' | 'failed' }>(
    q,
    (key) => `UPDATE jobs j SET
        status = CASE WHEN ${final} THEN 'failed' ELSE 'queued' END,
        key = CASE WHEN ${final} THEN j.key ELSE ${key} END,
        run_at = CASE WHEN ${final} THEN j.run_at ELSE $6::timestamptz END,
        locked_by = CASE WHEN ${final} THEN j.locked_by END,
        locked_until = NULL,
        finished_at = CASE WHEN ${final} THEN $7::timestamptz END,
        last_error = $4::text, updated_at = $7::timestamptz
      WHERE ${OWNED} RETURNING j.status`,
    [...leaseParams(lease), o.error, o.permanent, o.retryAt, o.now],
  );
  return rows[0]?.status ?? 'lost';
}

/** Puts a claimed job back for `runAt` without counting the attempt (see DeferJobError). */
export async function deferJob(q: Queryable, lease: Lease, o: { runAt: Date; reason: string; now: Date }): Promise<boolean> {
  const rows = await requeue<{ id: number }>(
    q,
    (key) => `UPDATE jobs j SET status = 'queued', key = ${key}, run_at = $4, attempts = j.attempts - 1, locked_by = NULL,
        locked_until = NULL, last_error = $5, updated_at = $6
      WHERE ${OWNED} RETURNING j.id`,
    [...leaseParams(lease), o.runAt, o.reason, o.now],
  );
  return rows.length > 0;
}

/**
 * Takes back running jobs whose lease ended by `now` (their worker died or stalled): they are
 * queued to run at once, or failed when that was their last attempt. Safe to run from every worker.
 */
export async function reclaimExpiredLeases(q: Queryable, now: Date): Promise<{ requeued: number[]; failed: number[] }> {
  const final = `j.attempts >= j.max_attempts`;
  const rows = await requeue<{ id: number; status: JobStatus }>(
    q,
    (key) => `WITH expired AS (
        SELECT id FROM jobs WHERE status = 'running' AND locked_until <= $1 FOR UPDATE SKIP LOCKED
      )
      UPDATE jobs j SET
        status = CASE WHEN ${final} THEN 'failed' ELSE 'queued' END,
        key = CASE WHEN ${final} THEN j.key ELSE ${key} END,
        run_at = CASE WHEN ${final} THEN j.run_at ELSE $1::timestamptz END,
        locked_by = CASE WHEN ${final} THEN j.locked_by END,
        locked_until = NULL,
        finished_at = CASE WHEN ${final} THEN $1::timestamptz END,
        last_error = 'LEASE_EXPIRED: the lease of ' || j.locked_by || ' ended before the job finished (the worker died or stalled)',
        updated_at = $1
      FROM expired WHERE j.id = expired.id RETURNING j.id, j.status`,
    [now],
  );
  return {
    requeued: rows.filter((r) => r.status === 'queued').map((r) => r.id),
    failed: rows.filter((r) => r.status === 'failed').map((r) => r.id),
  };
}
