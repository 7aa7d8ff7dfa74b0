import type { LeadFields } from '../../../domain/lead.ts';
import type { Stage } from '../../../domain/lifecycle.ts';
import type { Lead, LeadSource, SourceTouch, StageTransitionRecord } from '../../../domain/records.ts';
import type { Queryable } from '../db.ts';

/** One lead to create or merge. `email` is already normalised and validated; rows are unique by email. */
export interface LeadUpsert extends LeadFields {
  email: string;
  emailDomain: string;
  /** Account to link (null for freemail addresses). */
  accountDomain: string | null;
  attributes?: Record<string, string>;
}

export interface UpsertOutcome {
  email: string;
  leadId: string;
  created: boolean;
  /**
   * The lead already had this very touch (same channel, source, detail and time), so no second source
   * row was added: a repeat of one delivery, such as the same person twice in one imported file.
   */
  repeatTouch: boolean;
}

const FIELD_COLUMNS = [
  ['firstName', 'first_name', 'text'],
  ['lastName', 'last_name', 'text'],
  ['fullName', 'full_name', 'text'],
  ['title', 'title', 'text'],
  ['company', 'company', 'text'],
  ['phone', 'phone', 'text'],
  ['country', 'country', 'text'],
  ['timeZone', 'time_zone', 'text'],
  ['industry', 'industry', 'text'],
  ['employees', 'employees', 'int'],
  ['owner', 'owner', 'text'],
] as const satisfies readonly (readonly [keyof LeadFields, string, 'text' | 'int'])[];

// Built once: the merge rule of domain/lead.ts (a known value is kept, a new one fills a gap), in SQL.
const UPSERT_SQL = `
INSERT INTO leads (email, email_domain, account_id, attributes, ${FIELD_COLUMNS.map((c) => c[1]).join(', ')}, created_at, updated_at)
SELECT u.*, $${FIELD_COLUMNS.length + 5}, $${FIELD_COLUMNS.length + 5}
  FROM unnest($1::text[], $2::text[], $3::uuid[], $4::jsonb[], ${FIELD_COLUMNS.map((c, i) => `$${i + 5}::${c[2]}[]`).join(', ')}) AS u
ON CONFLICT (email) DO UPDATE SET
  ${FIELD_COLUMNS.map((c) => `${c[1]} = coalesce(leads.${c[1]}, excluded.${c[1]})`).join(',\n  ')},
  account_id = coalesce(leads.account_id, excluded.account_id),
  attributes = excluded.attributes || leads.attributes,
  updated_at = excluded.updated_at
RETURNING id, email, (xmax = 0) AS created`;

/**
 * Creates or merges a batch of leads in one statement (plus a few for their accounts and one for the
 * source touch), so a large import costs a few round trips per thousand rows, not per row.
 * Call inside a transaction so the batch lands whole or not at all.
 */
export async function upsertLeads(q: Queryable, rows: readonly LeadUpsert[], touch: SourceTouch, at: Date): Promise<UpsertOutcome[]> {
  if (rows.length === 0) return [];
  const accountIds = await ensureAccounts(q, rows, at);
  const params: unknown[] = [
    rows.map((r) => r.email),
    rows.map((r) => r.emailDomain),
    rows.map((r) => (r.accountDomain ? (accountIds.get(r.accountDomain) ?? null) : null)),
    rows.map((r) => JSON.stringify(r.attributes ?? {})),
    ...FIELD_COLUMNS.map(([field]) => rows.map((r) => r[field] ?? null)),
    at,
  ];
  const { rows: out } = await q.query<{ id: string; email: string; created: boolean }>(UPSERT_SQL, params);
  const detail = JSON.stringify(touch.detail ?? {});
  const repeats = await findRepeatTouches(q, out.filter((r) => !r.created).map((r) => r.id), touch, detail, at);
  const touched = repeats.size === 0 ? out : out.filter((r) => !repeats.has(r.id));
  await q.query(
    `INSERT INTO lead_sources (lead_id, first_touch, channel, source, campaign, partner, detail, touched_at)
     SELECT id, first, $3, $4, $5, $6, $7, $8 FROM unnest($1::uuid[], $2::boolean[]) AS u(id, first)`,
    [
      touched.map((r) => r.id),
      touched.map((r) => r.created),
      touch.channel,
      touch.source,
      touch.campaign ?? null,
      touch.partner ?? null,
      detail,
      at,
    ],
  );
  return out.map((r) => ({ email: r.email, leadId: r.id, created: r.created, repeatTouch: repeats.has(r.id) }));
}

/**
 * The id of every account the rows link to, creating missing ones (named after the first row that
 * gives a company) and naming unnamed ones. Most domains of an import already exist after its first
 * batches: they are only read, since an upsert costs a speculative insert per row even when it
 * changes nothing.
 */
async function ensureAccounts(q: Queryable, rows: readonly LeadUpsert[], at: Date): Promise<Map<string, string>> {
  const names = new Map<string, string | null>();
  for (const r of rows) if (r.accountDomain && names.get(r.accountDomain) == null) names.set(r.accountDomain, r.company ?? null);
  const ids = new Map<string, string>();
  if (names.size === 0) return ids;
  const { rows: known } = await q.query<{ id: string; domain: string; named: boolean }>(
    'SELECT id, domain, name IS NOT NULL AS named FROM accounts WHERE domain = ANY($1::text[])',
    [[...names.keys()]],
  );
  const named = new Set<string>();
  for (const k of known) {
    ids.set(k.domain, k.id);
    if (k.named) named.add(k.domain);
  }
  const todo = [...names].filter(([domain, name]) => !ids.has(domain) || (!named.has(domain) && name !== null));
  if (todo.length > 0) {
    // Every row comes back (DO UPDATE, not DO NOTHING), also when another writer created it meanwhile.
    const { rows: upserted } = await q.query<{ id: string; domain: string }>(
      `INSERT INTO accounts (domain, name, created_at, updated_at) SELECT d, n, $3, $3 FROM unnest($1::text[], $2::text[]) AS u(d, n)
       ON CONFLICT (domain) DO UPDATE SET name = coalesce(accounts.name, excluded.name),
         updated_at = CASE WHEN accounts.name IS NULL AND excluded.name IS NOT NULL THEN excluded.updated_at ELSE accounts.updated_at END
       RETURNING id, domain`,
      [todo.map(([d]) => d), todo.map(([, n]) => n), at],
    );
    for (const u of upserted) ids.set(u.domain, u.id);
  }
  return ids;
}

/** Which of these existing leads already have exactly this touch. Only merged leads can, so new ones are not looked up. */
async function findRepeatTouches(q: Queryable, leadIds: readonly string[], touch: SourceTouch, detail: string, at: Date): Promise<Set<string>> {
  if (leadIds.length === 0) return new Set();
  const { rows } = await q.query<{ lead_id: string }>(
    `SELECT DISTINCT lead_id FROM lead_sources
      WHERE lead_id = ANY($1::uuid[]) AND touched_at = $2 AND channel = $3 AND source = $4 AND detail = $5::jsonb`,
    [leadIds, at, touch.channel, touch.source, detail],
  );
  return new Set(rows.map((r) => r.lead_id));
}

interface LeadRow {
  id: string;
  email: string;
  email_domain: string;
  account_id: string | null;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  title: string | null;
  company: string | null;
  phone: string | null;
  country: string | null;
  time_zone: string | null;
  industry: string | null;
  employees: number | null;
  owner: string | null;
  attributes: Record<string, string>;
  stage: Stage;
  stage_changed_at: Date;
  consent_status: Lead['consentStatus'];
  created_at: Date;
  updated_at: Date;
}

export function toLead(r: LeadRow): Lead {
  return {
    id: r.id,
    email: r.email,
    emailDomain: r.email_domain,
    accountId: r.account_id,
    firstName: r.first_name,
    lastName: r.last_name,
    fullName: r.full_name,
    title: r.title,
    company: r.company,
    phone: r.phone,
    country: r.country,
    timeZone: r.time_zone,
    industry: r.industry,
    employees: r.employees,
    owner: r.owner,
    attributes: r.attributes,
    stage: r.stage,
    stageChangedAt: r.stage_changed_at,
    consentStatus: r.consent_status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function getLeadById(q: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<Lead | null> {
  const { rows } = await q.query<LeadRow>(`SELECT * FROM leads WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toLead(rows[0]) : null;
}

export async function getLeadByEmail(q: Queryable, normalizedEmail: string): Promise<Lead | null> {
  const { rows } = await q.query<LeadRow>('SELECT * FROM leads WHERE email = $1', [normalizedEmail]);
  return rows[0] ? toLead(rows[0]) : null;
}

export async function listSources(q: Queryable, leadId: string): Promise<LeadSource[]> {
  const { rows } = await q.query<{
    id: number;
    first_touch: boolean;
    channel: string;
    source: string;
    campaign: string | null;
    partner: string | null;
    detail: Record<string, unknown>;
    touched_at: Date;
  }>('SELECT * FROM lead_sources WHERE lead_id = $1 ORDER BY touched_at, id', [leadId]);
  return rows.map((r) => ({
    id: r.id,
    firstTouch: r.first_touch,
    channel: r.channel,
    source: r.source,
    campaign: r.campaign,
    partner: r.partner,
    detail: r.detail,
    touchedAt: r.touched_at,
  }));
}

export async function listTransitions(q: Queryable, leadId: string): Promise<StageTransitionRecord[]> {
  const { rows } = await q.query<{ id: number; from_stage: Stage | null; to_stage: Stage; actor: string; reason: string | null; at: Date }>(
    'SELECT id, from_stage, to_stage, actor, reason, at FROM stage_transitions WHERE lead_id = $1 ORDER BY at, id',
    [leadId],
  );
  return rows.map((r) => ({ id: r.id, fromStage: r.from_stage, toStage: r.to_stage, actor: r.actor, reason: r.reason, at: r.at }));
}

/** Writes a decided move: the lead's stage and one history row. */
export async function recordTransition(
  q: Queryable,
  leadId: string,
  t: { from: Stage; to: Stage; actor: string; reason: string | null; at: Date },
): Promise<void> {
  await q.query('UPDATE leads SET stage = $2, stage_changed_at = $3, updated_at = $3 WHERE id = $1', [leadId, t.to, t.at]);
  await q.query('INSERT INTO stage_transitions (lead_id, from_stage, to_stage, actor, reason, at) VALUES ($1, $2, $3, $4, $5, $6)', [
    leadId,
    t.from,
    t.to,
    t.actor,
    t.reason,
    t.at,
  ]);
}

/** Deletes a person and everything that cascades from them (sources, history, conversations, messages). */
export async function deleteLead(q: Queryable, leadId: string): Promise<void> {
  await q.query('DELETE FROM embeddings WHERE subject_type = $1 AND subject_id = $2', ['lead', leadId]);
  await q.query('DELETE FROM leads WHERE id = $1', [leadId]);
}

export async function countLeads(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM leads');
  return rows[0]?.n ?? 0;
}
