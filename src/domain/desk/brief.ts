import type { Bant } from '../qualify/types.ts';
import { effectiveBant, type Candidate } from './decision.ts';
import type { ConversationEntry, HandoffBrief, PersonRef } from './views.ts';

/**
 * The handoff brief an AE gets when a candidate is approved: pure, from the stored records. The
 * point of it is that the AE's first call starts where the SDR's conversation ended: what the lead
 * needs, BANT as the SDR confirmed it (with the lead's own words as proof), and the questions the
 * lead has already answered, which sales must not ask again.
 */

export interface BriefInput {
  readonly handoffId: string;
  readonly candidate: Pick<Candidate, 'id' | 'qualification' | 'bantCorrection' | 'note'>;
  readonly lead: HandoffBrief['lead'];
  readonly account: HandoffBrief['account'];
  readonly ae: PersonRef;
  readonly approvedBy: PersonRef;
  readonly approvedAt: Date;
  readonly conversation: readonly ConversationEntry[];
  /** Extra lead facts on record (employees), beyond the card's lead fields. */
  readonly employees?: number | null;
  readonly threadUrl: string;
}

const NEED_LINE_MAX = 240;

export function buildHandoffBrief(input: BriefInput): HandoffBrief {
  const q = input.candidate.qualification;
  const bant = effectiveBant(q.bant, input.candidate.bantCorrection);
  return {
    handoffId: input.handoffId,
    candidateId: input.candidate.id,
    ae: input.ae,
    approvedBy: input.approvedBy,
    approvedAt: input.approvedAt,
    lead: input.lead,
    account: input.account,
    score: q.score,
    grade: q.grade ?? null,
    need: needLine(bant, input.conversation),
    bant,
    conversation: input.conversation,
    doNotAsk: doNotAsk(bant, { title: input.lead.title, company: input.lead.company, country: input.lead.country, employees: input.employees ?? input.account?.employees ?? null }),
    note: input.candidate.note?.trim() ? input.candidate.note.trim() : null,
    threadUrl: input.threadUrl,
  };
}

/** One line on what they need: the need evidence when the need is met, else the lead's latest words. */
export function needLine(bant: Bant, conversation: readonly ConversationEntry[]): string | null {
  const evidence = bant.need.status === 'met' ? bant.need.evidence?.trim() : undefined;
  const latest = [...conversation].reverse().find((e) => e.from === 'lead' && e.text.trim())?.text;
  const line = evidence || latest?.replace(/\s+/g, ' ').trim();
  if (!line) return null;
  return line.length > NEED_LINE_MAX ? `${line.slice(0, NEED_LINE_MAX - 1).trimEnd()}…` : line;
}

const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', CNY: 'CN¥', INR: '₹' };

/** 40000 USD -> "$40k"; 1500000 EUR -> "€1.5M"; 950 -> "950". */
export function formatAmount(amount: number, currency?: string): string {
  const compact = amount >= 1_000_000 ? `${trim(amount / 1_000_000)}M` : amount >= 1000 ? `${trim(amount / 1000)}k` : trim(amount);
  if (!currency) return compact;
  const symbol = SYMBOLS[currency];
  return symbol ? `${symbol}${compact}` : `${compact} ${currency}`;
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function quoted(evidence: string | undefined): string {
  const e = evidence?.replace(/\s+/g, ' ').trim();
  return e ? ` ("${e}")` : '';
}

/**
 * The questions already answered, one line each ("budget: $40k ("we set aside $40k")"). A criterion
 * counts as answered when it is met or not met, either way the lead said so and asking again tells
 * them nobody listened; an unknown one is left for the AE to ask. Facts on record (title, company,
 * size, country) are listed too: discovery calls that ask "what do you do there?" waste the slot.
 */
export function doNotAsk(bant: Bant, facts: { title: string | null; company: string | null; country: string | null; employees: number | null }): string[] {
  const out: string[] = [];
  const answered = (s: string) => s === 'met' || s === 'not_met';
  const b = bant.budget;
  if (answered(b.status)) {
    const what = b.amount !== undefined ? formatAmount(b.amount, b.currency) : b.status === 'met' ? 'has a budget' : 'no budget';
    out.push(`budget: ${what}${quoted(b.evidence)}`);
  }
  const a = bant.authority;
  if (answered(a.status)) out.push(`authority: ${a.role?.trim() || (a.status === 'met' ? 'decides' : 'does not decide alone')}${quoted(a.evidence)}`);
  const n = bant.need;
  if (answered(n.status)) out.push(`need: ${n.status === 'met' ? 'stated' : 'no need stated'}${quoted(n.evidence)}`);
  const t = bant.timeline;
  if (answered(t.status)) {
    const what = t.within_days !== undefined ? `within ${t.within_days} days` : t.status === 'met' ? 'has a timeline' : 'no timeline yet';
    out.push(`timeline: ${what}${quoted(t.evidence)}`);
  }
  // The title is only worth listing when authority did not already name the role.
  if (facts.title && !(answered(a.status) && a.role)) out.push(`role: ${facts.title}`);
  if (facts.company) out.push(`company: ${facts.company}`);
  if (facts.employees !== null) out.push(`company size: ${facts.employees} employees`);
  if (facts.country) out.push(`country: ${facts.country}`);
  return out;
}

const LABEL: Record<keyof Bant, string> = { budget: 'Budget', authority: 'Authority', need: 'Need', timeline: 'Timeline' };

/** The brief as a plain-text email body, for the AE's inbox. */
export function renderBriefText(brief: HandoffBrief): string {
  const l = brief.lead;
  const who = [l.name ?? l.email, l.title, l.company].filter(Boolean).join(', ');
  const lines: string[] = [
    `Hi ${brief.ae.name},`,
    '',
    `${brief.approvedBy.name} approved a lead for you on ${brief.approvedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    `Who: ${who}`,
    `Email: ${l.email}`,
  ];
  if (l.country) lines.push(`Country: ${l.country}`);
  if (l.source || l.campaign) lines.push(`Source: ${[l.channel, l.source, l.campaign].filter(Boolean).join(' / ')}`);
  lines.push(`Score: ${brief.score}${brief.grade ? ` (grade ${brief.grade})` : ''}`);
  if (brief.account) {
    const acc = brief.account;
    const facts = [acc.domain, acc.industry, acc.employees !== null ? `${acc.employees} employees` : null].filter(Boolean).join(', ');
    lines.push(`Account: ${acc.name}${facts ? ` (${facts})` : ''}`);
    for (const c of acc.contacts) lines.push(`  also at the account: ${[c.name ?? c.email, c.title].filter(Boolean).join(', ')} [${c.stage}]`);
  }
  if (brief.need) lines.push('', `What they need: ${brief.need}`);
  lines.push('', 'BANT:');
  for (const k of ['budget', 'authority', 'need', 'timeline'] as const) {
    const c = brief.bant[k];
    lines.push(`  ${LABEL[k]}: ${c.status.replace('_', ' ')}${quoted(c.evidence)}`);
  }
  if (brief.doNotAsk.length) {
    lines.push('', 'Already answered, do not ask again:');
    for (const d of brief.doNotAsk) lines.push(`  - ${d}`);
  }
  if (brief.note) lines.push('', `Note from ${brief.approvedBy.name}: ${brief.note}`);
  lines.push('', 'The conversation:');
  if (brief.conversation.length === 0) lines.push('  (no messages)');
  for (const e of brief.conversation) {
    lines.push('', `--- ${e.from === 'us' ? 'We wrote' : `${l.name ?? 'The lead'} wrote`} on ${e.at.toISOString().slice(0, 16).replace('T', ' ')} UTC${e.subject ? `: ${e.subject}` : ''}`);
    lines.push(e.text);
  }
  lines.push('', `Whole thread and outcome buttons: ${brief.threadUrl}`, '');
  return lines.join('\n');
}
