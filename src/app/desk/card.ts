import { getCandidate } from '../../adapters/db/store/candidates.ts';
import { accountWithContacts } from '../../adapters/db/store/desk.ts';
import { getHandoffOfCandidate } from '../../adapters/db/store/handoffs.ts';
import { latestDraftOfLead, type ReplyDraft } from '../../adapters/db/store/drafts.ts';
import { citationLabel } from '../../domain/chat/policy.ts';
import { getLeadById, listSources } from '../../adapters/db/store/leads.ts';
import { actorUserId, isUndecided } from '../../domain/desk/decision.ts';
import { findPerson, type Team } from '../../domain/desk/team.ts';
import type { CandidateCard, DraftView, PersonRef } from '../../domain/desk/views.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { leadDisplayName } from '../../domain/lead.ts';
import { loadConversation } from './conversation.ts';
import type { DeskDeps } from './deps.ts';
import { similarCandidates } from './similar.ts';

/** How many score reasons the card lists. */
const TOP_REASONS = 5;

/** A person named by an actor (`user:U1`) or a bare id: their name from the team file, else the id itself. */
export function personRef(team: Team, actorOrId: string): PersonRef;
export function personRef(team: Team, actorOrId: string | null): PersonRef | null;
export function personRef(team: Team, actorOrId: string | null): PersonRef | null {
  if (!actorOrId) return null;
  const id = actorOrId.startsWith('user:') ? actorOrId.slice('user:'.length) : actorOrId;
  return { id, name: findPerson(team, id)?.name ?? id };
}

/** The whole conversation of a candidate, in the review console: the card's link and the brief's. */
export function threadUrlOf(deps: Pick<DeskDeps, 'settings'>, candidateId: string): string {
  return `${deps.settings.publicUrl.replace(/\/+$/, '')}/console/candidates/${candidateId}`;
}

/**
 * Everything a candidate's card shows, read at the clock's time: the lead and where it came from
 * (first touch: source, campaign, channel), the account with its other contacts, the score with its
 * biggest reasons, the machine's BANT and the SDR's correction, the lead's latest own words, the three
 * nearest decided candidates with their outcomes, and the handoff. NotFoundError for an unknown id.
 */
/** A draft answer as the card and the console show it. */
export function draftView(deps: Pick<DeskDeps, 'team'>, d: ReplyDraft): DraftView {
  return {
    id: d.id,
    question: d.question,
    answer: d.answer,
    sources: d.sources.map((s) => ({ title: s.title, heading: s.heading, label: citationLabel(s) })),
    status: d.status,
    decidedBy: personRef(deps.team, actorUserId(d.decidedBy ?? '')),
    decidedAt: d.decidedAt,
    sentText: d.sentText,
  };
}

export async function loadCard(deps: Pick<DeskDeps, 'db' | 'clock' | 'team' | 'settings'>, candidateId: string): Promise<CandidateCard> {
  const q = deps.db;
  const c = await getCandidate(q, candidateId);
  if (!c) throw new NotFoundError('candidate', candidateId);
  const lead = await getLeadById(q, c.leadId);
  if (!lead) throw new NotFoundError('lead', c.leadId);
  const [sources, account, conversation, similar, handoff] = [
    await listSources(q, lead.id),
    await accountWithContacts(q, lead.accountId, lead.id),
    await loadConversation(q, lead.id, { limit: 20 }),
    await similarCandidates(q, c),
    await getHandoffOfCandidate(q, c.id),
  ];
  const draft = await latestDraftOfLead(q, lead.id);
  const first = sources[0] ?? null;
  const latest = conversation.filter((e) => e.from === 'lead').at(-1) ?? null;
  const now = deps.clock.now();
  const q8n = c.qualification;
  const reasons = [...q8n.reasons].sort((a, b) => Math.abs(b.points) - Math.abs(a.points)).slice(0, TOP_REASONS);
  return {
    candidate: {
      id: c.id,
      status: c.status,
      version: c.version,
      owner: personRef(deps.team, c.owner),
      dueAt: c.dueAt,
      hot: c.hot,
      overdue: isUndecided(c.status) && c.dueAt !== null && c.dueAt.getTime() < now.getTime(),
      escalations: c.escalations,
      snoozedUntil: c.snoozedUntil,
      refreshes: c.refreshes,
      decidedBy: personRef(deps.team, c.decidedBy),
      decidedAt: c.decidedAt,
      rejectReason: c.rejectReason,
      note: c.note,
      createdAt: c.createdAt,
    },
    lead: {
      id: lead.id,
      name: leadDisplayName(lead),
      email: lead.email,
      title: lead.title ?? null,
      company: lead.company ?? account?.name ?? null,
      country: lead.country ?? null,
      stage: lead.stage,
      source: first?.source ?? null,
      campaign: first?.campaign ?? null,
      channel: first?.channel ?? null,
    },
    account,
    qualification: {
      score: q8n.score,
      grade: q8n.grade ?? null,
      intent: q8n.intent,
      reasons,
      bant: q8n.bant,
      correction: c.bantCorrection,
    },
    latestWords: latest?.text ?? null,
    latestAt: latest?.at ?? null,
    threadUrl: threadUrlOf(deps, c.id),
    similar,
    handoff: handoff ? { id: handoff.id, ae: personRef(deps.team, handoff.ae) ?? { id: handoff.ae, name: handoff.ae }, status: handoff.status } : null,
    draft: draft ? draftView(deps, draft) : null,
  };
}
