import { createHash } from 'node:crypto';
import type { SequenceDefinition } from '../../../domain/sequence/definition.ts';
import type { Queryable } from '../db.ts';
import { newLeadIds } from './leads.ts';

/** A new time-ordered id (UUIDv7). */
export const newId = (): string => newLeadIds(1)[0] as string;

export interface StoredSequence {
  readonly id: string;
  readonly version: number;
  readonly definition: SequenceDefinition;
  readonly checksum: string;
  readonly createdAt: Date;
}

export function sequenceChecksum(def: SequenceDefinition): string {
  return createHash('sha256').update(stableJson(def)).digest('hex');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

interface SequenceRow {
  id: string;
  version: number;
  definition: SequenceDefinition;
  checksum: string;
  created_at: Date;
}
const toSequence = (r: SequenceRow): StoredSequence => ({ id: r.id, version: r.version, definition: r.definition, checksum: r.checksum, createdAt: r.created_at });

/**
 * Stores a definition as the sequence's next version unless the latest version is the same. Returns
 * the version in force and whether it is new.
 */
export async function saveSequenceVersion(q: Queryable, def: SequenceDefinition, source: string | null, at: Date): Promise<{ version: number; created: boolean }> {
  const checksum = sequenceChecksum(def);
  const latest = await getSequence(q, def.id);
  if (latest && latest.checksum === checksum) return { version: latest.version, created: false };
  const version = (latest?.version ?? 0) + 1;
  await q.query(
    `INSERT INTO sequences (id, version, kind, name, definition, checksum, source, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [def.id, version, def.kind, def.name, JSON.stringify(def), checksum, source, at],
  );
  return { version, created: true };
}

/** The latest version, or a given one. */
export async function getSequence(q: Queryable, id: string, version?: number): Promise<StoredSequence | null> {
  const { rows } = await q.query<SequenceRow>(
    version === undefined
      ? `SELECT id, version, definition, checksum, created_at FROM sequences WHERE id = $1 ORDER BY version DESC LIMIT 1`
      : `SELECT id, version, definition, checksum, created_at FROM sequences WHERE id = $1 AND version = $2`,
    version === undefined ? [id] : [id, version],
  );
  return rows[0] ? toSequence(rows[0]) : null;
}

export async function listSequences(q: Queryable): Promise<(StoredSequence & { active: number; paused: number; completed: number; stopped: number })[]> {
  const { rows } = await q.query<SequenceRow & { active: number; paused: number; completed: number; stopped: number }>(
    `SELECT s.id, s.version, s.definition, s.checksum, s.created_at,
            count(e.id) FILTER (WHERE e.status = 'active')::int AS active,
            count(e.id) FILTER (WHERE e.status = 'paused')::int AS paused,
            count(e.id) FILTER (WHERE e.status = 'completed')::int AS completed,
            count(e.id) FILTER (WHERE e.status = 'stopped')::int AS stopped
       FROM sequences s
       LEFT JOIN enrolments e ON e.sequence_id = s.id
      WHERE s.version = (SELECT max(version) FROM sequences s2 WHERE s2.id = s.id)
      GROUP BY s.id, s.version, s.definition, s.checksum, s.created_at
      ORDER BY s.id`,
  );
  return rows.map((r) => ({ ...toSequence(r), active: r.active, paused: r.paused, completed: r.completed, stopped: r.stopped }));
}

export type EnrolmentStatus = 'active' | 'paused' | 'completed' | 'stopped';

export interface Enrolment {
  readonly id: string;
  readonly leadId: string;
  readonly sequenceId: string;
  readonly sequenceVersion: number;
  readonly status: EnrolmentStatus;
  readonly stepIndex: number;
  readonly outboxSeq: number;
  readonly pendingOutboxId: string | null;
  readonly mailbox: string;
  readonly replyToken: string;
  readonly conversationId: string | null;
  readonly pausedUntil: Date | null;
  readonly pauseReason: string | null;
  readonly softBounces: number;
  readonly lastIntent: string | null;
  readonly stopReason: string | null;
  readonly enrolledBy: string;
  readonly startedAt: Date;
  readonly updatedAt: Date;
  readonly endedAt: Date | null;
}

interface EnrolmentRow {
  id: string;
  lead_id: string;
  sequence_id: string;
  sequence_version: number;
  status: EnrolmentStatus;
  step_index: number;
  outbox_seq: number;
  pending_outbox_id: string | null;
  mailbox: string;
  reply_token: string;
  conversation_id: string | null;
  paused_until: Date | null;
  pause_reason: string | null;
  soft_bounces: number;
  last_intent: string | null;
  stop_reason: string | null;
  enrolled_by: string;
  started_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}

const toEnrolment = (r: EnrolmentRow): Enrolment => ({
  id: r.id,
  leadId: r.lead_id,
  sequenceId: r.sequence_id,
  sequenceVersion: r.sequence_version,
  status: r.status,
  stepIndex: r.step_index,
  outboxSeq: r.outbox_seq,
  pendingOutboxId: r.pending_outbox_id,
  mailbox: r.mailbox,
  replyToken: r.reply_token,
  conversationId: r.conversation_id,
  pausedUntil: r.paused_until,
  pauseReason: r.pause_reason,
  softBounces: r.soft_bounces,
  lastIntent: r.last_intent,
  stopReason: r.stop_reason,
  enrolledBy: r.enrolled_by,
  startedAt: r.started_at,
  updatedAt: r.updated_at,
  endedAt: r.ended_at,
});

const ENROLMENT_COLUMNS = `id, lead_id, sequence_id, sequence_version, status, step_index, outbox_seq, pending_outbox_id, mailbox, reply_token,
  conversation_id, paused_until, pause_reason, soft_bounces, last_intent, stop_reason, enrolled_by, started_at, updated_at, ended_at`;

export async function insertEnrolment(
  q: Queryable,
  e: { id: string; leadId: string; sequenceId: string; sequenceVersion: number; mailbox: string; replyToken: string; conversationId: string; enrolledBy: string },
  at: Date,
): Promise<Enrolment> {
  const { rows } = await q.query<EnrolmentRow>(
    `INSERT INTO enrolments (id, lead_id, sequence_id, sequence_version, status, mailbox, reply_token, conversation_id, enrolled_by, started_at, updated_at)
     VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8, $9, $9) RETURNING ${ENROLMENT_COLUMNS}`,
    [e.id, e.leadId, e.sequenceId, e.sequenceVersion, e.mailbox, e.replyToken, e.conversationId, e.enrolledBy, at],
  );
  return toEnrolment(rows[0] as EnrolmentRow);
}

export async function getEnrolment(q: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<Enrolment | null> {
  const { rows } = await q.query<EnrolmentRow>(`SELECT ${ENROLMENT_COLUMNS} FROM enrolments WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toEnrolment(rows[0]) : null;
}

export async function getEnrolmentByToken(q: Queryable, token: string): Promise<Enrolment | null> {
  const { rows } = await q.query<EnrolmentRow>(`SELECT ${ENROLMENT_COLUMNS} FROM enrolments WHERE reply_token = $1`, [token]);
  return rows[0] ? toEnrolment(rows[0]) : null;
}

/** The lead's live enrolment (active or paused), else its latest. */
export async function currentEnrolment(q: Queryable, leadId: string, options: { forUpdate?: boolean } = {}): Promise<Enrolment | null> {
  const { rows } = await q.query<EnrolmentRow>(
    `SELECT ${ENROLMENT_COLUMNS} FROM enrolments WHERE lead_id = $1
      ORDER BY (status IN ('active', 'paused')) DESC, started_at DESC, id DESC LIMIT 1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [leadId],
  );
  return rows[0] ? toEnrolment(rows[0]) : null;
}

export async function listEnrolments(q: Queryable, leadId: string): Promise<Enrolment[]> {
  const { rows } = await q.query<EnrolmentRow>(`SELECT ${ENROLMENT_COLUMNS} FROM enrolments WHERE lead_id = $1 ORDER BY started_at, id`, [leadId]);
  return rows.map(toEnrolment);
}

export type EnrolmentPatch = Partial<{
  status: EnrolmentStatus;
  stepIndex: number;
  outboxSeq: number;
  pendingOutboxId: string | null;
  pausedUntil: Date | null;
  pauseReason: string | null;
  softBounces: number;
  lastIntent: string | null;
  stopReason: string | null;
  endedAt: Date | null;
  sequenceVersion: number;
}>;

const PATCH_COLUMNS: Record<keyof EnrolmentPatch, string> = {
  status: 'status',
  stepIndex: 'step_index',
  outboxSeq: 'outbox_seq',
  pendingOutboxId: 'pending_outbox_id',
  pausedUntil: 'paused_until',
  pauseReason: 'pause_reason',
  softBounces: 'soft_bounces',
  lastIntent: 'last_intent',
  stopReason: 'stop_reason',
  endedAt: 'ended_at',
  sequenceVersion: 'sequence_version',
};

export async function updateEnrolment(q: Queryable, id: string, patch: EnrolmentPatch, at: Date): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [id, at];
  for (const [k, v] of Object.entries(patch) as [keyof EnrolmentPatch, unknown][]) {
    if (v === undefined) continue;
    values.push(v);
    sets.push(`${PATCH_COLUMNS[k]} = $${values.length}`);
  }
  await q.query(`UPDATE enrolments SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1`, values);
}

/** Ended runs of a sequence for a lead (for re-enrolment rules). */
export async function pastEnrolmentEnds(q: Queryable, leadId: string, sequenceId: string): Promise<(Date | null)[]> {
  const { rows } = await q.query<{ ended_at: Date | null }>(`SELECT ended_at FROM enrolments WHERE lead_id = $1 AND sequence_id = $2`, [leadId, sequenceId]);
  return rows.map((r) => r.ended_at);
}
