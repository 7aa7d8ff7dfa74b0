import { randomBytes } from 'node:crypto';
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

const TOUCH_COLUMNS = 'first_channel, first_source, first_campaign, first_partner, first_detail, first_touched_at';
const P = FIELD_COLUMNS.length + 6; // first parameter after the per-row arrays

// Built once, one statement per batch: the merge rule of domain/lead.ts (a known value is kept, a new one
// fills a gap) in SQL; a new lead gets the touch as its first touch, on its own row; a lead that existed
// gets it as a later touch in lead_sources, unless it already has this very touch (a repeat). Only the
// merged leads come back: a created lead keeps the id given here, so nothing is returned for it.
const UPSERT_SQL = `
WITH up AS (
  INSERT INTO leads (id, email, email_domain, account_id, attributes, ${FIELD_COLUMNS.map((c) => c[1]).join(', ')}, created_at, updated_at, ${TOUCH_COLUMNS})
  SELECT u.*, $${P + 5}, $${P + 5}, $${P}, $${P + 1}, $${P + 2}, $${P + 3}, $${P + 4}::jsonb, $${P + 5}
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::jsonb[], ${FIELD_COLUMNS.map((c, i) => `$${i + 6}::${c[2]}[]`).join(', ')}) AS u
  ON CONFLICT (email) DO UPDATE SET
    ${FIELD_COLUMNS.map((c) => `${c[1]} = coalesce(leads.${c[1]}, excluded.${c[1]})`).join(',\n    ')},
    account_id = coalesce(leads.account_id, excluded.account_id),
    attributes = excluded.attributes || leads.attributes,
    updated_at = excluded.updated_at
  RETURNING id, email, (xmax = 0) AS created, first_channel, first_source, first_detail, first_touched_at
), merged AS (
  SELECT id, email,
         (first_touched_at = $${P + 5} AND first_channel = $${P} AND first_source = $${P + 1} AND first_detail = $${P + 4}::jsonb)
         OR EXISTS (SELECT 1 FROM lead_sources s
                     WHERE s.lead_id = up.id AND s.touched_at = $${P + 5} AND s.channel = $${P} AND s.source = $${P + 1} AND s.detail = $${P + 4}::jsonb) AS repeat
    FROM up WHERE NOT created
), touched AS (
  INSERT INTO lead_sources (lead_id, channel, source, campaign, partner, detail, touched_at)
  SELECT id, $${P}, $${P + 1}, $${P + 2}, $${P + 3}, $${P + 4}::jsonb, $${P + 5} FROM merged WHERE NOT repeat
)
SELECT id, email, repeat FROM merged`;

/**
 * Creates or merges a batch of leads in one statement (plus one or two for their accounts), so a large
 * import costs a few round trips per thousand rows, not per row. A new lead costs one row: the touch
 * that created it is kept on it as its first touch; a merged lead gets the touch as a later one.
 * Call inside a transaction so the batch lands whole or not at all.
 */
export async function upsertLeads(q: Queryable, rows: readonly LeadUpsert[], touch: SourceTouch, at: Date): Promise<UpsertOutcome[]> {
  if (rows.length === 0) return [];
  const accountIds = await ensureAccounts(q, rows, at);
  const ids = newLeadIds(rows.length);
  const params: unknown[] = [
    ids,
    rows.map((r) => r.email),
    rows.map((r) => r.emailDomain),
    rows.map((r) => (r.accountDomain ? (accountIds.get(r.accountDomain) ?? null) : null)),
    rows.map((r) => JSON.stringify(r.attributes ?? {})),
    ...FIELD_COLUMNS.map(([field]) => rows.map((r) => r[field] ?? null)),
    touch.channel,
    touch.source,
    touch.campaign ?? null,
    touch.partner ?? null,
    JSON.stringify(touch.detail ?? {}),
    at,
  ];
  const { rows: merged } = await q.query<{ id: string; email: string; repeat: boolean }>(UPSERT_SQL, params);
  const byEmail = new Map(merged.map((m) => [m.email, m]));
  return rows.map((r, i) => {
    const m = byEmail.get(r.email);
    return m ? { email: r.email, leadId: m.id, created: false, repeatTouch: m.repeat } : { email: r.email, leadId: ids[i] as string, created: true, repeatTouch: false };
  });
}

let lastMs = 0;
let seq = 0;

/**
 * Time-ordered ids (UUIDv7, RFC 9562): 48 bits of milliseconds, a 12-bit counter within the
 * millisecond, then random bits. Successive ids sort after each other, so the leads primary key is
 * appended to rather than split at random places.
 */
export function newLeadIds(n: number): string[] {
  const random = randomBytes(8 * n);
  const out = new Array<string>(n);
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    if (now > lastMs) {
      lastMs = now;
      seq = 0;
    } else if (++seq > 0xfff) {
      lastMs += 1;
      seq = 0;
    }
    const hex = lastMs.toString(16).padStart(12, '0');
    const r = random.toString('hex', 8 * i, 8 * i + 8);
    const variant = ((parseInt(r.slice(0, 1), 16) & 0x3) | 0x8).toString(16);
    out[i] = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${seq.toString(16).padStart(3, '0')}-${variant}${r.slice(1, 4)}-${r.slice(4, 16)}`;
  }
  return out;
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

/**
 * Every touch of a lead, oldest first: the first touch, kept on the lead's row (it has no lead_sources
 * row, so its id is 0), then the later ones from lead_sources.
 */
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
  }>(
    `SELECT 0::bigint AS id, true AS first_touch, first_channel AS channel, first_source AS source, first_campaign AS campaign,
            first_partner AS partner, first_detail AS detail, first_touched_at AS touched_at
       FROM leads WHERE id = $1 AND first_touched_at IS NOT NULL
     UNION ALL
     SELECT id, false, channel, source, campaign, partner, detail, touched_at FROM lead_sources WHERE lead_id = $1
     ORDER BY first_touch DESC, touched_at, id`,
    [leadId],
  );
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
  // Candidate conversation vectors are keyed by candidate id (no foreign key): erased with the lead too.
  await q.query(`DELETE FROM embeddings WHERE subject_type = 'candidate' AND subject_id IN (SELECT id::text FROM candidates WHERE lead_id = $1)`, [leadId]);
  await q.query('DELETE FROM leads WHERE id = $1', [leadId]);
}

export async function countLeads(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM leads');
  return rows[0]?.n ?? 0;
}

/** The account fields an email may name. */
export async function getAccountBrief(q: Queryable, accountId: string | null): Promise<{ name: string | null; domain: string } | null> {
  if (!accountId) return null;
  const { rows } = await q.query<{ name: string | null; domain: string }>('SELECT name, domain FROM accounts WHERE id = $1', [accountId]);
  return rows[0] ?? null;
}
