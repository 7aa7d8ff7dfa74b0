import type { LeadDetail } from './leads.ts';
import type { Lead, LeadSource, StageTransitionRecord } from '../domain/records.ts';

/**
 * Baton's public JSON shapes of a lead (HTTP API and `baton leads show`). snake_case like the request body, dates as ISO strings, so a stored
 * idempotent answer replays exactly as it was first sent.
 */

export function leadView(l: Lead) {
  return {
    id: l.id,
    email: l.email,
    first_name: l.firstName ?? null,
    last_name: l.lastName ?? null,
    name: l.fullName ?? null,
    title: l.title ?? null,
    company: l.company ?? null,
    phone: l.phone ?? null,
    country: l.country ?? null,
    time_zone: l.timeZone ?? null,
    industry: l.industry ?? null,
    employees: l.employees ?? null,
    owner: l.owner ?? null,
    attributes: l.attributes,
    account_id: l.accountId,
    stage: l.stage,
    stage_changed_at: l.stageChangedAt.toISOString(),
    consent_status: l.consentStatus,
    created_at: l.createdAt.toISOString(),
    updated_at: l.updatedAt.toISOString(),
  };
}

export function sourceView(s: LeadSource) {
  return {
    id: s.id,
    first_touch: s.firstTouch,
    channel: s.channel,
    source: s.source,
    campaign: s.campaign,
    partner: s.partner,
    detail: s.detail,
    touched_at: s.touchedAt.toISOString(),
  };
}

export function transitionView(t: StageTransitionRecord) {
  return { from: t.fromStage, to: t.toStage, actor: t.actor, reason: t.reason, at: t.at.toISOString() };
}

/** GET /v1/leads/:id: the lead (with its stage), its stage history and its sources. */
export function leadDetailView(d: LeadDetail) {
  return {
    lead: leadView(d.lead),
    history: d.history.map(transitionView),
    sources: {
      first: d.firstTouch ? sourceView(d.firstTouch) : null,
      latest: d.latestTouch ? sourceView(d.latestTouch) : null,
      all: d.sources.map(sourceView),
    },
  };
}
