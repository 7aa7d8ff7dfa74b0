import type { SequenceDefinition } from '../../../domain/sequence/definition.ts';
import type { Queryable } from '../db.ts';

/**
 * Whole-table reads for the simulator's checks (`baton simulate`): its database is a throwaway
 * in-memory one of a few thousand leads, so each table is read once, after the run.
 */

export interface OutboxFact {
  readonly id: string;
  readonly messageId: string;
  readonly enrolmentId: string | null;
  readonly leadId: string;
  readonly sequenceId: string | null;
  readonly stepIndex: number | null;
  readonly immediate: boolean;
  readonly status: string;
  readonly lastError: string | null;
  readonly mailbox: string;
  readonly toAddress: string;
  /** When it was due first (the window's opening, or at once). */
  readonly notBefore: Date;
  readonly createdAt: Date;
}

export async function listOutboxFacts(q: Queryable): Promise<OutboxFact[]> {
  const { rows } = await q.query<{
    id: string; message_id: string; enrolment_id: string | null; lead_id: string; sequence_id: string | null; step_index: number | null;
    immediate: boolean; status: string; last_error: string | null; mailbox: string; to_address: string; not_before: Date; created_at: Date;
  }>(`SELECT id, message_id, enrolment_id, lead_id, sequence_id, step_index, immediate, status, last_error, mailbox, to_address, not_before, created_at FROM outbox`);
  return rows.map((r) => ({
    id: r.id, messageId: r.message_id, enrolmentId: r.enrolment_id, leadId: r.lead_id, sequenceId: r.sequence_id, stepIndex: r.step_index,
    immediate: r.immediate, status: r.status, lastError: r.last_error, mailbox: r.mailbox, toAddress: r.to_address, notBefore: r.not_before, createdAt: r.created_at,
  }));
}

export interface EnrolmentFact {
  readonly id: string;
  readonly leadId: string;
  readonly sequenceId: string;
  readonly sequenceVersion: number;
  readonly status: 'active' | 'paused' | 'completed' | 'stopped';
  readonly stopReason: string | null;
  readonly pausedUntil: Date | null;
  readonly pendingOutboxId: string | null;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
}

export async function listEnrolmentFacts(q: Queryable): Promise<EnrolmentFact[]> {
  const { rows } = await q.query<{
    id: string; lead_id: string; sequence_id: string; sequence_version: number; status: EnrolmentFact['status']; stop_reason: string | null;
    paused_until: Date | null; pending_outbox_id: string | null; started_at: Date; ended_at: Date | null;
  }>(`SELECT id, lead_id, sequence_id, sequence_version, status, stop_reason, paused_until, pending_outbox_id, started_at, ended_at FROM enrolments`);
  return rows.map((r) => ({
    id: r.id, leadId: r.lead_id, sequenceId: r.sequence_id, sequenceVersion: r.sequence_version, status: r.status, stopReason: r.stop_reason,
    pausedUntil: r.paused_until, pendingOutboxId: r.pending_outbox_id, startedAt: r.started_at, endedAt: r.ended_at,
  }));
}

export interface LeadFact {
  readonly id: string;
  readonly email: string;
  readonly country: string | null;
  readonly timeZone: string | null;
  readonly stage: string;
  readonly firstChannel: string | null;
}

export async function listLeadFacts(q: Queryable): Promise<LeadFact[]> {
  const { rows } = await q.query<{ id: string; email: string; country: string | null; time_zone: string | null; stage: string; first_channel: string | null }>(
    `SELECT id, email, country, time_zone, stage, first_channel FROM leads`,
  );
  return rows.map((r) => ({ id: r.id, email: r.email, country: r.country, timeZone: r.time_zone, stage: r.stage, firstChannel: r.first_channel }));
}

/** Suppressed addresses and why. */
export async function listEmailSuppressions(q: Queryable): Promise<Map<string, string>> {
  const { rows } = await q.query<{ value: string; reason: string }>(`SELECT value, reason FROM suppressions WHERE kind = 'email'`);
  return new Map(rows.map((r) => [r.value, r.reason]));
}

export interface OpenJobFact {
  readonly task: string;
  readonly key: string | null;
  readonly status: 'queued' | 'running' | 'failed';
  readonly lastError: string | null;
}

/** Jobs not finished well: still queued or running, or failed. */
export async function listOpenJobs(q: Queryable): Promise<OpenJobFact[]> {
  const { rows } = await q.query<{ task: string; key: string | null; status: OpenJobFact['status']; last_error: string | null }>(
    `SELECT task, key, status, last_error FROM jobs WHERE status IN ('queued', 'running', 'failed')`,
  );
  return rows.map((r) => ({ task: r.task, key: r.key, status: r.status, lastError: r.last_error }));
}

/** Inbound messages by status and kind. */
export async function inboundCounts(q: Queryable): Promise<{ status: string; kind: string | null; n: number }[]> {
  const { rows } = await q.query<{ status: string; kind: string | null; n: number }>(`SELECT status, kind, count(*)::int AS n FROM inbound_mail GROUP BY status, kind`);
  return rows;
}

/** What the engine made of each reply: the inbound message's own Message-ID and the intent. */
export async function listReplyIntents(q: Queryable): Promise<{ messageId: string | null; leadId: string; intent: string }[]> {
  const { rows } = await q.query<{ message_id: string | null; lead_id: string; intent: string }>(
    `SELECT m.message_id, q.lead_id, q.intent FROM qualifications q LEFT JOIN messages m ON m.id = q.message_id`,
  );
  return rows.map((r) => ({ messageId: r.message_id, leadId: r.lead_id, intent: r.intent }));
}

/** Every stored version of every sequence, keyed `id@version`. */
export async function listSequenceVersions(q: Queryable): Promise<Map<string, SequenceDefinition>> {
  const { rows } = await q.query<{ id: string; version: number; definition: SequenceDefinition }>(`SELECT id, version, definition FROM sequences`);
  return new Map(rows.map((r) => [`${r.id}@${r.version}`, r.definition]));
}
