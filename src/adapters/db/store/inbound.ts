import type { InboundVia } from '../../../app/mail-ports.ts';
import type { Queryable } from '../db.ts';

export interface InboundRecord {
  readonly id: string;
  readonly sha256: string;
  readonly messageId: string | null;
  readonly via: InboundVia;
  readonly envelope: { to?: string[]; from?: string };
  readonly raw: Buffer;
  readonly status: 'received' | 'processed' | 'failed';
  readonly kind: string | null;
  readonly leadId: string | null;
  readonly enrolmentId: string | null;
  readonly outcome: Record<string, unknown> | null;
  readonly error: string | null;
  readonly receivedAt: Date;
}

interface Row {
  id: string;
  sha256: string;
  message_id: string | null;
  via: InboundVia;
  envelope: { to?: string[]; from?: string };
  raw: Buffer | Uint8Array;
  status: InboundRecord['status'];
  kind: string | null;
  lead_id: string | null;
  enrolment_id: string | null;
  outcome: Record<string, unknown> | null;
  error: string | null;
  received_at: Date;
}

const toRecord = (r: Row): InboundRecord => ({
  id: r.id,
  sha256: r.sha256,
  messageId: r.message_id,
  via: r.via,
  envelope: r.envelope,
  raw: Buffer.isBuffer(r.raw) ? r.raw : Buffer.from(r.raw),
  status: r.status,
  kind: r.kind,
  leadId: r.lead_id,
  enrolmentId: r.enrolment_id,
  outcome: r.outcome,
  error: r.error,
  receivedAt: r.received_at,
});

/** Stores a raw message once (by content digest). */
export async function insertInbound(
  q: Queryable,
  m: { id: string; sha256: string; messageId: string | null; via: InboundVia; envelope: { to?: readonly string[]; from?: string }; raw: Buffer },
  at: Date,
): Promise<{ id: string; duplicate: boolean }> {
  const ins = await q.query<{ id: string }>(
    `INSERT INTO inbound_mail (id, sha256, message_id, via, envelope, raw, status, received_at) VALUES ($1, $2, $3, $4, $5, $6, 'received', $7)
     ON CONFLICT (sha256) DO NOTHING RETURNING id`,
    [m.id, m.sha256, m.messageId, m.via, JSON.stringify(m.envelope), m.raw, at],
  );
  if (ins.rows[0]) return { id: ins.rows[0].id, duplicate: false };
  const { rows } = await q.query<{ id: string }>(`SELECT id FROM inbound_mail WHERE sha256 = $1`, [m.sha256]);
  return { id: (rows[0] as { id: string }).id, duplicate: true };
}

export async function getInbound(q: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<InboundRecord | null> {
  const { rows } = await q.query<Row>(
    `SELECT id, sha256, message_id, via, envelope, raw, status, kind, lead_id, enrolment_id, outcome, error, received_at FROM inbound_mail WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function finishInbound(
  q: Queryable,
  id: string,
  r: { status: 'processed' | 'failed'; kind?: string | null; leadId?: string | null; enrolmentId?: string | null; outcome?: Record<string, unknown>; error?: string | null },
  at: Date,
): Promise<void> {
  await q.query(`UPDATE inbound_mail SET status = $2, kind = $3, lead_id = $4, enrolment_id = $5, outcome = $6, error = $7, processed_at = $8 WHERE id = $1`, [
    id,
    r.status,
    r.kind ?? null,
    r.leadId ?? null,
    r.enrolmentId ?? null,
    r.outcome ? JSON.stringify(r.outcome) : null,
    r.error ?? null,
    at,
  ]);
}
