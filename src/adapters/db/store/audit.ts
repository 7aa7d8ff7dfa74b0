import type { AuditEntry } from '../../../domain/records.ts';
import type { Queryable } from '../db.ts';

export async function appendAudit(q: Queryable, e: AuditEntry, at?: Date): Promise<void> {
  await q.query('INSERT INTO audit_log (actor, action, subject_type, subject_id, data, at) VALUES ($1, $2, $3, $4, $5, coalesce($6, now()))', [
    e.actor,
    e.action,
    e.subjectType,
    e.subjectId ?? null,
    JSON.stringify(e.data ?? {}),
    at ?? null,
  ]);
}

export async function listAudit(q: Queryable, subjectType: string, subjectId: string): Promise<(AuditEntry & { at: Date })[]> {
  const { rows } = await q.query<{ actor: string; action: string; subject_type: string; subject_id: string | null; data: Record<string, unknown>; at: Date }>(
    'SELECT actor, action, subject_type, subject_id, data, at FROM audit_log WHERE subject_type = $1 AND subject_id = $2 ORDER BY id',
    [subjectType, subjectId],
  );
  return rows.map((r) => ({ actor: r.actor, action: r.action, subjectType: r.subject_type, subjectId: r.subject_id, data: r.data, at: r.at }));
}
