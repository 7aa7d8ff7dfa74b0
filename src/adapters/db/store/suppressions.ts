import { emailDomain, emailHash } from '../../../domain/lead.ts';
import type { Suppression, SuppressionReason } from '../../../domain/records.ts';
import type { Queryable } from '../db.ts';

interface SuppressionRow {
  kind: 'email' | 'domain';
  value: string;
  value_hashed: boolean;
  reason: SuppressionReason;
  note: string | null;
  created_by: string;
  created_at: Date;
}

const toSuppression = (r: SuppressionRow): Suppression => ({
  kind: r.kind,
  value: r.value,
  valueHashed: r.value_hashed,
  reason: r.reason,
  note: r.note,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** Adds a suppression; an existing entry for the same address or domain is kept as it was. */
export async function addSuppression(
  q: Queryable,
  s: { kind: 'email' | 'domain'; value: string; valueHashed?: boolean; reason: SuppressionReason; note?: string | null; createdBy: string },
): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO suppressions (kind, value, value_hashed, reason, note, created_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (kind, value) DO NOTHING`,
    [s.kind, s.value, s.valueHashed ?? false, s.reason, s.note ?? null, s.createdBy],
  );
  return r.rowCount > 0;
}

/**
 * For each normalised email, the suppression that forbids contacting it: the address itself, its
 * erased-person digest, or its whole domain. Emails not in the map are contactable.
 */
export async function findSuppressions(q: Queryable, emails: readonly string[]): Promise<Map<string, Suppression>> {
  const out = new Map<string, Suppression>();
  if (emails.length === 0) return out;
  const hashes = emails.map(emailHash);
  const domains = [...new Set(emails.map(emailDomain))];
  const { rows } = await q.query<SuppressionRow>(
    `SELECT kind, value, value_hashed, reason, note, created_by, created_at FROM suppressions
      WHERE (kind = 'email' AND value = ANY($1::text[])) OR (kind = 'domain' AND value = ANY($2::text[]))`,
    [[...emails, ...hashes], domains],
  );
  if (rows.length === 0) return out;
  const byEmail = new Map(rows.filter((r) => r.kind === 'email').map((r) => [r.value, r]));
  const byDomain = new Map(rows.filter((r) => r.kind === 'domain').map((r) => [r.value, r]));
  emails.forEach((email, i) => {
    const hit = byEmail.get(email) ?? byEmail.get(hashes[i] ?? '') ?? byDomain.get(emailDomain(email));
    if (hit) out.set(email, toSuppression(hit));
  });
  return out;
}

export async function listSuppressions(q: Queryable, limit = 1000): Promise<Suppression[]> {
  const { rows } = await q.query<SuppressionRow>(
    'SELECT kind, value, value_hashed, reason, note, created_by, created_at FROM suppressions ORDER BY id DESC LIMIT $1',
    [limit],
  );
  return rows.map(toSuppression);
}
