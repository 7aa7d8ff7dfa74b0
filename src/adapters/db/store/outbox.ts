import type { OutboundEmail } from '../../../app/mail-ports.ts';
import type { Queryable } from '../db.ts';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface OutboxRow {
  readonly id: string;
  readonly stepKey: string;
  readonly enrolmentId: string | null;
  readonly leadId: string;
  readonly sequenceId: string | null;
  readonly stepIndex: number | null;
  readonly stepId: string | null;
  readonly mailbox: string;
  readonly toAddress: string;
  readonly messageId: string;
  readonly email: OutboundEmail;
  readonly immediate: boolean;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly notBefore: Date;
  readonly lastError: string | null;
  readonly smtpResponse: string | null;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
}

interface Row {
  id: string;
  step_key: string;
  enrolment_id: string | null;
  lead_id: string;
  sequence_id: string | null;
  step_index: number | null;
  step_id: string | null;
  mailbox: string;
  to_address: string;
  message_id: string;
  email: OutboundEmail;
  immediate: boolean;
  status: OutboxStatus;
  attempts: number;
  not_before: Date;
  last_error: string | null;
  smtp_response: string | null;
  created_at: Date;
  sent_at: Date | null;
}

const COLUMNS = `id, step_key, enrolment_id, lead_id, sequence_id, step_index, step_id, mailbox, to_address, message_id, email, immediate, status,
  attempts, not_before, last_error, smtp_response, created_at, sent_at`;

const toRow = (r: Row): OutboxRow => ({
  id: r.id,
  stepKey: r.step_key,
  enrolmentId: r.enrolment_id,
  leadId: r.lead_id,
  sequenceId: r.sequence_id,
  stepIndex: r.step_index,
  stepId: r.step_id,
  mailbox: r.mailbox,
  toAddress: r.to_address,
  messageId: r.message_id,
  email: r.email,
  immediate: r.immediate,
  status: r.status,
  attempts: r.attempts,
  notBefore: r.not_before,
  lastError: r.last_error,
  smtpResponse: r.smtp_response,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

/** Writes a step's email once: a second insert with the same step_key returns the first row. */
export async function insertOutbox(
  q: Queryable,
  o: { id: string; stepKey: string; enrolmentId: string; leadId: string; sequenceId: string; stepIndex: number; stepId: string; mailbox: string; email: OutboundEmail; immediate: boolean; notBefore: Date },
  at: Date,
): Promise<{ row: OutboxRow; created: boolean }> {
  const ins = await q.query<Row>(
    `INSERT INTO outbox (id, step_key, enrolment_id, lead_id, sequence_id, step_index, step_id, mailbox, to_address, message_id, email, immediate, status, not_before, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', $13, $14, $14)
     ON CONFLICT (step_key) DO NOTHING RETURNING ${COLUMNS}`,
    [o.id, o.stepKey, o.enrolmentId, o.leadId, o.sequenceId, o.stepIndex, o.stepId, o.mailbox, o.email.to, o.email.messageId, JSON.stringify(o.email), o.immediate, o.notBefore, at],
  );
  if (ins.rows[0]) return { row: toRow(ins.rows[0]), created: true };
  const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM outbox WHERE step_key = $1`, [o.stepKey]);
  return { row: toRow(rows[0] as Row), created: false };
}

export async function getOutbox(q: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<OutboxRow | null> {
  const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM outbox WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toRow(rows[0]) : null;
}

export async function getOutboxByMessageIds(q: Queryable, messageIds: readonly string[]): Promise<OutboxRow | null> {
  if (messageIds.length === 0) return null;
  const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM outbox WHERE message_id = ANY($1::text[]) ORDER BY created_at DESC LIMIT 1`, [messageIds]);
  return rows[0] ? toRow(rows[0]) : null;
}

export async function setOutboxStatus(
  q: Queryable,
  id: string,
  status: OutboxStatus,
  at: Date,
  extra: { lastError?: string | null; smtpResponse?: string; attempt?: boolean; sentAt?: Date } = {},
): Promise<void> {
  await q.query(
    `UPDATE outbox SET status = $2, updated_at = $3,
        last_error = CASE WHEN $4::boolean THEN $5 ELSE last_error END,
        smtp_response = coalesce($6, smtp_response),
        attempts = attempts + CASE WHEN $7::boolean THEN 1 ELSE 0 END,
        sent_at = coalesce($8, sent_at)
      WHERE id = $1`,
    [id, status, at, extra.lastError !== undefined, extra.lastError ?? null, extra.smtpResponse ?? null, extra.attempt ?? false, extra.sentAt ?? null],
  );
}

/**
 * Cancels unsent messages: one, an enrolment's, or a lead's (pending ones only; a message being handed
 * to SMTP right now is left alone). Returns the ids cancelled.
 */
export async function cancelPendingOutbox(q: Queryable, target: { id: string } | { enrolmentId: string } | { leadId: string }, reason: string, at: Date): Promise<string[]> {
  const [column, value] = 'id' in target ? ['id', target.id] : 'enrolmentId' in target ? ['enrolment_id', target.enrolmentId] : ['lead_id', target.leadId];
  const { rows } = await q.query<{ id: string }>(
    `UPDATE outbox SET status = 'cancelled', last_error = $2, updated_at = $3 WHERE ${column} = $1 AND status = 'pending' RETURNING id`,
    [value, reason, at],
  );
  return rows.map((r) => r.id);
}

/**
 * Takes one message from a day's quota for a scope ('mailbox:a@x', 'sequence:welcome') when the cap
 * allows and the spacing since the scope's last send has passed. Atomic under concurrency: the row
 * is locked by the update. Returns 'ok', or when to try again.
 */
export async function reserveQuota(
  q: Queryable,
  scope: string,
  day: string,
  cap: number,
  spacingMs: number,
  now: Date,
): Promise<{ ok: true } | { ok: false; why: 'cap' | 'spacing'; retryAt: Date | null }> {
  await q.query(`INSERT INTO send_quota (scope, day, used) VALUES ($1, $2, 0) ON CONFLICT (scope, day) DO NOTHING`, [scope, day]);
  const { rows } = await q.query<{ used: number; last_at: Date | null }>(`SELECT used, last_at FROM send_quota WHERE scope = $1 AND day = $2 FOR UPDATE`, [scope, day]);
  const r = rows[0] as { used: number; last_at: Date | null };
  if (r.used >= cap) return { ok: false, why: 'cap', retryAt: null };
  if (spacingMs > 0) {
    // Spacing runs across midnight: the day's first send keeps its distance from the day before's last.
    // Concurrent first sends of a day serialise on the day's row locked above.
    const last = r.last_at ?? (await q.query<{ last_at: Date | null }>(`SELECT max(last_at) AS last_at FROM send_quota WHERE scope = $1 AND day < $2`, [scope, day])).rows[0]?.last_at ?? null;
    if (last && now.getTime() - last.getTime() < spacingMs) return { ok: false, why: 'spacing', retryAt: new Date(last.getTime() + spacingMs) };
  }
  await q.query(`UPDATE send_quota SET used = used + 1, last_at = $3 WHERE scope = $1 AND day = $2`, [scope, day, now]);
  return { ok: true };
}

/** Gives a reservation back (the message was not sent after all). */
export async function releaseQuota(q: Queryable, scope: string, day: string): Promise<void> {
  await q.query(`UPDATE send_quota SET used = greatest(used - 1, 0) WHERE scope = $1 AND day = $2`, [scope, day]);
}

export async function outboxCounts(q: Queryable): Promise<Record<OutboxStatus, number>> {
  const { rows } = await q.query<{ status: OutboxStatus; n: number }>(`SELECT status, count(*)::int AS n FROM outbox GROUP BY status`);
  const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 };
  for (const r of rows) out[r.status] = r.n;
  return out;
}

/** The enrolment's sent messages, oldest first: the thread a follow-up replies to. */
export async function getOutboxByEnrolmentSent(q: Queryable, enrolmentId: string): Promise<{ messageId: string; subject: string }[]> {
  const { rows } = await q.query<{ message_id: string; subject: string }>(
    `SELECT message_id, email->>'subject' AS subject FROM outbox WHERE enrolment_id = $1 AND status = 'sent' ORDER BY sent_at, id`,
    [enrolmentId],
  );
  return rows.map((r) => ({ messageId: r.message_id, subject: r.subject }));
}
