import type { AppDeps } from './deps.ts';
import { NotFoundError, SuppressedError } from '../domain/errors.ts';
import { accountDomainFor, emailDomain, emailHash, normalizeEmail } from '../domain/lead.ts';
import type { LeadInput } from '../domain/lead-input.ts';
import { transition, type TransitionRequest } from '../domain/lifecycle.ts';
import type { Lead, LeadSource, SourceTouch, StageTransitionRecord } from '../domain/records.ts';
import { appendAudit } from '../adapters/db/store/audit.ts';
import {
  deleteLead,
  getLeadByEmail,
  getLeadById,
  listSources,
  listTransitions,
  recordTransition,
  upsertLeads,
  type LeadUpsert,
} from '../adapters/db/store/leads.ts';
import { addSuppression, findSuppressions } from '../adapters/db/store/suppressions.ts';

/** Maps the external lead shape to a store upsert. */
export function toLeadUpsert(input: LeadInput): LeadUpsert {
  const email = input.email;
  const fullName = input.name ?? ([input.first_name, input.last_name].filter(Boolean).join(' ') || null);
  return {
    email,
    emailDomain: emailDomain(email),
    accountDomain: accountDomainFor(email),
    firstName: input.first_name ?? null,
    lastName: input.last_name ?? null,
    fullName,
    title: input.title ?? null,
    company: input.company ?? null,
    phone: input.phone ?? null,
    country: input.country ?? null,
    timeZone: input.time_zone ?? null,
    industry: input.industry ?? null,
    employees: input.employees ?? null,
    owner: input.owner ?? null,
    attributes: input.attributes ?? {},
  };
}

/**
 * One lead from a form or webhook: refused when suppressed, else created or merged (known values
 * are kept), with the touch recorded for attribution. Atomic.
 */
export async function intakeLead(deps: AppDeps, input: LeadInput, touch: SourceTouch, actor: string): Promise<{ lead: Lead; created: boolean }> {
  const at = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const suppressed = (await findSuppressions(tx, [input.email])).get(input.email);
    if (suppressed) throw new SuppressedError(suppressed.reason);
    const [outcome] = await upsertLeads(tx, [toLeadUpsert(input)], { ...touch, campaign: input.campaign ?? touch.campaign ?? null, partner: input.partner ?? touch.partner ?? null }, at);
    if (!outcome) throw new Error('upsert returned no row');
    await appendAudit(tx, { actor, action: outcome.created ? 'lead.created' : 'lead.merged', subjectType: 'lead', subjectId: outcome.leadId, data: { channel: touch.channel, source: touch.source } }, at);
    const lead = await getLeadById(tx, outcome.leadId);
    if (!lead) throw new Error('lead vanished inside its transaction');
    return { lead, created: outcome.created };
  });
}

export interface LeadDetail {
  lead: Lead;
  sources: LeadSource[];
  firstTouch: LeadSource | null;
  latestTouch: LeadSource | null;
  history: StageTransitionRecord[];
}

export async function getLeadDetail(deps: Pick<AppDeps, 'db'>, id: string): Promise<LeadDetail> {
  const lead = await getLeadById(deps.db, id);
  if (!lead) throw new NotFoundError('lead', id);
  const [sources, history] = await Promise.all([listSources(deps.db, id), listTransitions(deps.db, id)]);
  return {
    lead,
    sources,
    firstTouch: sources.find((s) => s.firstTouch) ?? null,
    latestTouch: sources.at(-1) ?? null,
    history,
  };
}

/** Moves a lead through the lifecycle; the pure state machine decides, the move and its history land together. */
export async function moveLeadStage(deps: AppDeps, leadId: string, req: TransitionRequest): Promise<Lead> {
  const at = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const lead = await getLeadById(tx, leadId, { forUpdate: true });
    if (!lead) throw new NotFoundError('lead', leadId);
    const t = transition(lead.stage, req, at);
    await recordTransition(tx, leadId, t);
    await appendAudit(tx, { actor: req.actor, action: 'lead.stage_changed', subjectType: 'lead', subjectId: leadId, data: { from: t.from, to: t.to, reason: t.reason } }, at);
    return { ...lead, stage: t.to, stageChangedAt: at, updatedAt: at };
  });
}

/**
 * GDPR erasure: deletes the person and everything about them (sources, history, conversations,
 * messages, embeddings) and keeps only a digest of the address in the suppression list, so they are
 * never contacted or re-imported. Works also for someone we never stored, to honour a request up front.
 */
export async function eraseLead(deps: AppDeps, rawEmail: string, actor: string): Promise<{ erased: boolean; leadId: string | null }> {
  const email = normalizeEmail(rawEmail);
  const at = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const lead = await getLeadByEmail(tx, email);
    if (lead) {
      await tx.query(
        `DELETE FROM embeddings WHERE subject_type = 'conversation' AND subject_id IN (SELECT id::text FROM conversations WHERE lead_id = $1)`,
        [lead.id],
      );
      await deleteLead(tx, lead.id);
    }
    // The plain-address entries (unsubscribed, bounced...) would keep the address itself: replace them by the digest.
    await tx.query(`DELETE FROM suppressions WHERE kind = 'email' AND value = $1`, [email]);
    await addSuppression(tx, { kind: 'email', value: emailHash(email), valueHashed: true, reason: 'erased', createdBy: actor });
    await appendAudit(tx, { actor, action: 'lead.erased', subjectType: 'lead', subjectId: lead?.id ?? null, data: { found: Boolean(lead) } }, at);
    return { erased: Boolean(lead), leadId: lead?.id ?? null };
  });
}
