import type { Queryable } from '../../adapters/db/db.ts';
import { parseMail } from '../../adapters/email/parse.ts';
import { effectiveBant, type BantCorrection, type RejectReason } from '../../domain/desk/decision.ts';
import type { Bant, Intent, LeadRecord, Qualification } from '../../domain/qualify/types.ts';
import { localDate } from '../../domain/sequence/calendar.ts';
import type { EvalCase } from './case.ts';

/**
 * `baton eval export-corrections`: every candidate an SDR corrected (Edit BANT) or rejected becomes
 * an eval case in the FORMAT.md shape, labelled with what the person said rather than what the
 * machine said, so the eval suite grows from real disagreements. The reply is the message as
 * received (quoted history and all, as the engine saw it); the thread is what came before it.
 */

/** A rejection that says one criterion is not met. Other reasons (bad fit, spam, competitor, other) say nothing about BANT. */
const REASON_CRITERION: Partial<Record<RejectReason, keyof Bant>> = {
  no_budget: 'budget',
  not_decision_maker: 'authority',
  no_need: 'need',
  bad_timing: 'timeline',
};

/** Intents that can never make an MQL (FORMAT.md). */
const NEVER_MQL: ReadonlySet<Intent> = new Set<Intent>(['not_interested', 'unsubscribe', 'out_of_office', 'bounce']);

const THREAD_MAX = 20;

/** `zh` when most letters are CJK ideographs, else `en`. */
export function caseLang(text: string): 'en' | 'zh' {
  const cjk = (text.match(/[\u3400-\u9fff\uf900-\ufaff]/gu) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  // A Chinese character carries about as much as a short word: weigh it against letters per word.
  return cjk * 4 > latin ? 'zh' : 'en';
}

/** The labels: the machine's answer, the SDR's correction over it, then what a rejection reason implies. */
export function correctedExpected(q: Pick<Qualification, 'intent' | 'bant' | 'referral'>, correction: BantCorrection | null, rejectReason: RejectReason | null): EvalCase['expected'] {
  const b = effectiveBant(q.bant, correction);
  const budget: EvalCase['expected']['bant']['budget'] = { status: b.budget.status, ...(b.budget.amount !== undefined ? { amount: b.budget.amount } : {}), ...(b.budget.currency ? { currency: b.budget.currency } : {}) };
  const authority: EvalCase['expected']['bant']['authority'] = { status: b.authority.status, ...(b.authority.role ? { role: b.authority.role } : {}) };
  const need: EvalCase['expected']['bant']['need'] = { status: b.need.status };
  const timeline: EvalCase['expected']['bant']['timeline'] = { status: b.timeline.status, ...(b.timeline.within_days !== undefined ? { within_days: b.timeline.within_days } : {}) };
  const bant = { budget, authority, need, timeline };
  const denied = rejectReason ? REASON_CRITERION[rejectReason] : undefined;
  // A denied criterion keeps no value label: "no budget" with an amount, or "bad timing" with a near horizon, contradict it.
  if (denied === 'budget') bant.budget = { status: 'not_met' };
  if (denied === 'authority') bant.authority = { status: 'not_met', ...(authority.role ? { role: authority.role } : {}) };
  if (denied === 'need') bant.need = { status: 'not_met' };
  if (denied === 'timeline') bant.timeline = { status: 'not_met' };
  const met = Object.values(bant).filter((c) => c.status === 'met').length;
  const referral = q.referral && (q.referral.name || q.referral.email) ? { ...(q.referral.name ? { name: q.referral.name } : {}), ...(q.referral.email ? { email: q.referral.email } : {}) } : undefined;
  return { intent: q.intent, bant, mql: met >= 2 && !NEVER_MQL.has(q.intent), ...(referral ? { referral } : {}) };
}

interface Row {
  candidate_id: string;
  lead_id: string;
  status: string;
  reject_reason: RejectReason | null;
  bant_correction: BantCorrection | null;
  qualification: Qualification;
  decided_by: string | null;
  message_row_id: string | null;
}

interface MessageRow {
  id: string;
  direction: 'inbound' | 'outbound';
  body_text: string;
  message_id: string | null;
  channel: string;
  at: Date;
}

export interface ExportOptions {
  /** Only candidates decided or edited since then. */
  readonly since?: Date;
  /** The zone of a case's `date` (the day the reply arrived); default UTC. */
  readonly zone?: string;
}

/** The cases, oldest candidate first. Candidates whose reply message is gone are skipped (counted in `skipped`). */
export async function exportCorrections(q: Queryable, options: ExportOptions = {}): Promise<{ cases: EvalCase[]; skipped: number }> {
  const { rows } = await q.query<Row>(
    `SELECT c.id AS candidate_id, c.lead_id, c.status, c.reject_reason, c.bant_correction, c.qualification, c.decided_by, qu.message_id AS message_row_id
       FROM candidates c LEFT JOIN qualifications qu ON qu.id = c.qualification_id
      WHERE (c.bant_correction IS NOT NULL OR c.status = 'rejected')
        AND ($1::timestamptz IS NULL OR coalesce(c.decided_at, c.updated_at) >= $1)
      ORDER BY c.created_at, c.id`,
    [options.since ?? null],
  );
  const cases: EvalCase[] = [];
  let skipped = 0;
  for (const r of rows) {
    const c = await caseOf(q, r, options.zone ?? 'UTC');
    if (c) cases.push(c);
    else skipped++;
  }
  return { cases, skipped };
}

async function caseOf(q: Queryable, r: Row, zone: string): Promise<EvalCase | null> {
  const { rows: messages } = await q.query<MessageRow>(
    `SELECT m.id, m.direction, m.body_text, m.message_id, c.channel, m.at
       FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE c.lead_id = $1 AND m.author <> 'system' ORDER BY m.at, m.created_at, m.id`,
    [r.lead_id],
  );
  // The message the candidate was qualified on; when its qualification row is gone, the lead's latest words.
  const idx = r.message_row_id ? messages.findIndex((m) => m.id === r.message_row_id) : messages.findLastIndex((m) => m.direction === 'inbound');
  const reply = messages[idx];
  if (!reply || reply.direction !== 'inbound') return null;
  const lead = await leadRecord(q, r.lead_id);
  const text = await receivedText(q, r.lead_id, reply);
  const thread = messages.slice(Math.max(0, idx - THREAD_MAX), idx).map((m) => ({ from: m.direction === 'outbound' ? ('us' as const) : ('lead' as const), text: m.body_text }));
  const corrected = r.bant_correction ? (['budget', 'authority', 'need', 'timeline'] as const).flatMap((k) => Object.keys(r.bant_correction?.[k] ?? {}).sort().map((f) => `${k}.${f}`)) : [];
  const notes = [
    `from the SDR desk, candidate ${r.candidate_id}`,
    r.status === 'rejected' ? `rejected by ${r.decided_by ?? 'an SDR'} (${r.reject_reason ?? 'no reason'})` : `${r.status}${r.decided_by ? ` by ${r.decided_by}` : ''}`,
    ...(corrected.length ? [`corrected ${corrected.join(', ')}`] : []),
  ].join('; ');
  return {
    id: `desk-${r.candidate_id}`,
    lang: caseLang(reply.body_text || text),
    channel: reply.channel === 'email' ? 'email' : 'chat',
    date: localDate(reply.at, zone),
    ...(Object.keys(lead).length ? { lead } : {}),
    ...(thread.length ? { thread } : {}),
    reply: text,
    notes,
    expected: correctedExpected(r.qualification, r.bant_correction, r.reject_reason),
  };
}

/** The reply as received: the stored raw email's text when we still hold it, else the stored words. */
async function receivedText(q: Queryable, leadId: string, m: MessageRow): Promise<string> {
  if (m.message_id) {
    const { rows } = await q.query<{ raw: Buffer | Uint8Array }>(`SELECT raw FROM inbound_mail WHERE message_id = $1 AND lead_id = $2 ORDER BY received_at LIMIT 1`, [m.message_id, leadId]);
    const raw = rows[0]?.raw;
    if (raw) {
      try {
        const text = (await parseMail(Buffer.isBuffer(raw) ? raw : Buffer.from(raw))).text;
        if (text.trim()) return text.slice(0, 20_000);
      } catch {
        // An unreadable raw message falls back to the words stored when it was processed.
      }
    }
  }
  return m.body_text;
}

/** The lead record as the engine was given it (see leadRecordOf in the inbound pipeline), without the email address. */
async function leadRecord(q: Queryable, leadId: string): Promise<LeadRecord> {
  const { rows } = await q.query<{ name: string | null; title: string | null; company: string | null; industry: string | null; employees: number | null; country: string | null; first_channel: string | null }>(
    `SELECT coalesce(full_name, nullif(concat_ws(' ', first_name, last_name), '')) AS name, title, company, industry, employees, country, first_channel FROM leads WHERE id = $1`,
    [leadId],
  );
  const l = rows[0];
  if (!l) return {};
  return {
    ...(l.name ? { name: l.name } : {}),
    ...(l.title ? { title: l.title } : {}),
    ...(l.company ? { company: l.company } : {}),
    ...(l.industry ? { industry: l.industry } : {}),
    ...(typeof l.employees === 'number' ? { employees: l.employees } : {}),
    ...(l.country && /^[A-Za-z]{2}$/.test(l.country) ? { country: l.country.toUpperCase() } : {}),
    ...(l.first_channel ? { source: l.first_channel } : {}),
  };
}

/** JSON Lines, one case per line, keys in the FORMAT.md order. */
export function formatCases(cases: readonly EvalCase[]): string {
  return cases.map((c) => `${JSON.stringify(c)}\n`).join('');
}
