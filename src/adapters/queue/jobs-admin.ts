import type { Queryable } from '../db/db.ts';
import { toJob, type Job, type JobRow, type JobStatus } from './jobs.ts';

/** Inspection, rescheduling, cancellation and housekeeping of jobs; times come from the caller's Clock. */

/** Which queued jobs an operation applies to: one by id, or the one holding a dedupe key. */
export type JobTarget = { id: number } | { key: string };

function where(target: JobTarget): { sql: string; param: number | string } {
  return 'id' in target ? { sql: 'id = $1', param: target.id } : { sql: 'key = $1', param: target.key };
}

export async function getJob(q: Queryable, id: number): Promise<Job | undefined> {
  const { rows } = await q.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
  return rows[0] ? toJob(rows[0]) : undefined;
}

/** Moves a queued job to `runAt` (e.g. pause a sequence until a return date). False when none is queued. */
export async function rescheduleJob(q: Queryable, target: JobTarget, runAt: Date, now: Date): Promise<boolean> {
  const w = where(target);
  const r = await q.query(`UPDATE jobs SET run_at = $2, updated_at = $3 WHERE ${w.sql} AND status = 'queued' RETURNING id`, [w.param, runAt, now]);
  return r.rows.length > 0;
}

/**
 * Cancels the queued job(s) of a target. A running job is not interrupted: its handler decides from
 * the store whether its work still applies (an opt-out, a stopped sequence). Returns how many.
 */
export async function cancelJobs(q: Queryable, target: JobTarget, now: Date): Promise<number> {
  const w = where(target);
  const r = await q.query(
    `UPDATE jobs SET status = 'cancelled', finished_at = $2, updated_at = $2 WHERE ${w.sql} AND status = 'queued' RETURNING id`,
    [w.param, now],
  );
  return r.rows.length;
}

export interface TaskCounts {
  task: string;
  queued: number;
  running: number;
  done: number;
  failed: number;
  cancelled: number;
  /** Queued and due at `now`: the backlog. */
  due: number;
  /** run_at of the longest-waiting due job: now minus this is the queue's lag. */
  oldestDueAt: Date | null;
}

/** Counts by task and status, for metrics and `baton` status output. */
export async function countJobs(q: Queryable, now: Date): Promise<TaskCounts[]> {
  const { rows } = await q.query<{ task: string; oldest_due_at: Date | null } & Record<JobStatus | 'due', number>>(
    `SELECT task,
            count(*) FILTER (WHERE status = 'queued') AS queued,
            count(*) FILTER (WHERE status = 'running') AS running,
            count(*) FILTER (WHERE status = 'done') AS done,
            count(*) FILTER (WHERE status = 'failed') AS failed,
            count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
            count(*) FILTER (WHERE status = 'queued' AND run_at <= $1) AS due,
            min(run_at) FILTER (WHERE status = 'queued' AND run_at <= $1) AS oldest_due_at
       FROM jobs GROUP BY task ORDER BY task`,
    [now],
  );
  return rows.map((r) => ({
    task: r.task,
    queued: r.queued,
    running: r.running,
    done: r.done,
    failed: r.failed,
    cancelled: r.cancelled,
    due: r.due,
    oldestDueAt: r.oldest_due_at,
  }));
}

/**
 * The earliest moment something becomes due for these tasks: a queued job's run_at or a running job's
 * lease end (reclaimed then). Null when nothing is pending. Virtual-time runs jump the clock to it.
 */
export async function nextDueAt(q: Queryable, tasks: readonly string[]): Promise<Date | null> {
  const { rows } = await q.query<{ at: Date | null }>(
    `SELECT least(
       (SELECT min(run_at) FROM jobs WHERE status = 'queued' AND task = ANY($1::text[])),
       (SELECT min(locked_until) FROM jobs WHERE status = 'running')) AS at`,
    [[...tasks]],
  );
  return rows[0]?.at ?? null;
}

/** Deletes finished jobs older than `before`; failed ones are kept unless listed, for inspection. */
export async function purgeFinishedJobs(
  q: Queryable,
  before: Date,
  statuses: readonly ('done' | 'cancelled' | 'failed')[] = ['done', 'cancelled'],
): Promise<number> {
  const r = await q.query('DELETE FROM jobs WHERE finished_at < $1 AND status = ANY($2::text[]) RETURNING id', [before, [...statuses]]);
  return r.rows.length;
}
