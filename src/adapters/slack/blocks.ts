import { REJECT_REASON_LABELS, REJECT_REASONS, type CandidateStatus, type RejectReason } from '../../domain/desk/decision.ts';
import type { Person } from '../../domain/desk/team.ts';
import type { CandidateCard, ChatAlertReason, ChatAlertView, ChatMirrorEntry, DeskStats, DraftView, HandoffStatus, HandoffView, PersonRef, QueueLine, SimilarCandidate } from '../../domain/desk/views.ts';
import type { Bant, CriterionStatus } from '../../domain/qualify/types.ts';
import { FUNNEL_STEP_LABELS, FUNNEL_STEPS, type FunnelReport, type FunnelRow } from '../../domain/report/funnel.ts';
import { clip, escapeText, LIMITS, mention, percent, quote, slackDate, userText } from './text.ts';

/**
 * Block Kit builders: pure functions from the desk's views to Slack messages, modals and the App Home
 * tab. Every piece of user text is escaped (a lead cannot ping @channel or plant a link) and clipped
 * to Slack's limits, and every message stays under its block cap, so Slack never refuses a card.
 */

/** A Block Kit block (the shape Slack accepts; the builders fill it). */
export interface SlackBlock {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** A modal or home view. */
export interface SlackView {
  readonly type: 'modal' | 'home';
  readonly [key: string]: unknown;
}

/** A message: fallback text (notifications, screen readers) and blocks. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: SlackBlock[];
}

/** Action ids the handlers listen to. */
export const ACTIONS = {
  approve: 'desk.approve',
  reject: 'desk.reject',
  editBant: 'desk.edit_bant',
  snooze: 'desk.snooze',
  reassign: 'desk.reassign',
  handoffSql: 'handoff.sql',
  handoffReject: 'handoff.reject',
  handoffWon: 'handoff.won',
  handoffLost: 'handoff.lost',
  /** A chat's alert: take the conversation over from the bot, or give it back (value: the chat session id). */
  chatTakeOver: 'chat_takeover',
  chatRelease: 'chat_release',
  /** A draft answer on a card: send as proposed, open the edit modal, or drop it (value: the draft id). */
  draftSend: 'desk.draft_send',
  draftEdit: 'desk.draft_edit',
  draftDiscard: 'desk.draft_discard',
} as const;

/** Modal callback ids. */
export const MODALS = {
  reject: 'desk.reject_modal',
  editBant: 'desk.bant_modal',
  snooze: 'desk.snooze_modal',
  reassign: 'desk.reassign_modal',
  handoffReject: 'handoff.reject_modal',
  draftEdit: 'desk.draft_modal',
} as const;

/** What a card button carries: the candidate and the version the card showed. */
export interface CardRef {
  readonly c: string;
  readonly v: number;
}

/** What a handoff button carries. */
export interface HandoffRef {
  readonly h: string;
  readonly v: number;
}

const CRITERIA = ['budget', 'authority', 'need', 'timeline'] as const;
type Criterion = (typeof CRITERIA)[number];
const CRITERION_LABELS: Record<Criterion, string> = { budget: 'Budget', authority: 'Authority', need: 'Need', timeline: 'Timeline' };
const STATUS_MARK: Record<CriterionStatus, string> = { met: ':white_check_mark: met', not_met: ':x: not met', unknown: ':grey_question: unknown' };
const STATUS_LABELS: Record<CriterionStatus, string> = { met: 'Met', not_met: 'Not met', unknown: 'Unknown' };
const HANDOFF_LABELS: Record<HandoffStatus, string> = { pending: 'waiting for the AE', sql: 'accepted as SQL', rejected: 'rejected by sales', won: 'won', lost: 'lost' };

const plain = (text: string, max: number = LIMITS.text) => ({ type: 'plain_text', text: clip(text, max), emoji: true });
const md = (text: string) => ({ type: 'mrkdwn', text: clip(text, LIMITS.text) });
const section = (text: string): SlackBlock => ({ type: 'section', text: md(text) });
const context = (...texts: string[]): SlackBlock => ({ type: 'context', elements: texts.slice(0, 10).map(md) });
const divider: SlackBlock = { type: 'divider' };

function button(text: string, actionId: string, value: unknown, style?: 'primary' | 'danger'): Record<string, unknown> {
  return { type: 'button', text: plain(text, LIMITS.button), action_id: actionId, value: JSON.stringify(value), ...(style ? { style } : {}) };
}

/** Keeps a message under Slack's block cap, saying that the rest is in the console. */
export function capBlocks(blocks: SlackBlock[], max: number = LIMITS.messageBlocks): SlackBlock[] {
  if (blocks.length <= max) return blocks;
  // Actions usually end a message: keep them, drop the middle.
  const last = blocks.at(-1);
  const keepLast = last?.type === 'actions';
  const room = max - 1 - (keepLast ? 1 : 0);
  return [...blocks.slice(0, room), context('_More in the review console._'), ...(keepLast && last ? [last] : [])];
}

function leadTitle(lead: CandidateCard['lead']): string {
  return [lead.name ?? lead.email, lead.title, lead.company].filter((s): s is string => Boolean(s)).join(' · ');
}

function decisionLine(c: CandidateCard['candidate']): string {
  const by = mention(c.decidedBy?.id);
  const at = c.decidedAt ? ` at ${slackDate(c.decidedAt)}` : '';
  if (c.status === 'approved') return `:white_check_mark: *Approved* by ${by}${at}${c.note ? `\n_${userText(c.note, 1000)}_` : ''}`;
  const reason = c.rejectReason ? REJECT_REASON_LABELS[c.rejectReason] : 'no reason';
  return `:no_entry_sign: *Rejected* by ${by}${at}: ${reason}${c.note ? `\n_${userText(c.note, 1000)}_` : ''}`;
}

function ownerLine(c: CandidateCard['candidate']): string {
  const parts = [`Owner ${c.owner ? mention(c.owner.id) : '_unassigned_'}`];
  if (c.dueAt) parts.push(`${c.overdue ? ':warning: *overdue*, was due' : 'due'} ${slackDate(c.dueAt)}`);
  if (c.hot) parts.push(':fire: hot');
  if (c.status === 'snoozed' && c.snoozedUntil) parts.push(`:zzz: snoozed until ${slackDate(c.snoozedUntil)}`);
  if (c.escalations > 0) parts.push(`escalated ${c.escalations}×`);
  return parts.join(' · ');
}

function criterionLine(name: Criterion, bant: Bant): string {
  const v = bant[name] as Bant[Criterion] & { amount?: number; currency?: string; role?: string; within_days?: number };
  const extras = [
    v.amount !== undefined ? `${v.amount.toLocaleString('en-US')}${v.currency ? ` ${v.currency}` : ''}` : null,
    v.role ? userText(v.role, 200) : null,
    v.within_days !== undefined ? `within ${v.within_days} days` : null,
  ].filter((s): s is string => s !== null);
  return `${STATUS_MARK[v.status]}${extras.length ? ` (${extras.join(', ')})` : ''}${v.evidence ? `\n${quote(`"${v.evidence}"`, 600)}` : ''}`;
}

function bantBlocks(bant: Bant, correction: CandidateCard['qualification']['correction']): SlackBlock[] {
  return CRITERIA.map((k) => {
    let text = `*${CRITERION_LABELS[k]}*: ${criterionLine(k, bant)}`;
    const fix = correction?.[k];
    if (fix && Object.keys(fix).length > 0) {
      const merged = { ...bant, [k]: { ...bant[k], ...fix } } as Bant;
      text += `\n:pencil2: *SDR correction*: ${criterionLine(k, merged)}`;
    }
    return section(text);
  });
}

function similarLine(s: SimilarCandidate): string {
  const who = [s.leadName, s.company].filter(Boolean).join(', ') || 'a past lead';
  const decided: Record<CandidateStatus, string> = { open: 'undecided', snoozed: 'snoozed', approved: 'approved', rejected: `rejected${s.rejectReason ? ` (${REJECT_REASON_LABELS[s.rejectReason]})` : ''}` };
  const sales = s.outcome ? `; sales: ${HANDOFF_LABELS[s.outcome]}` : '';
  return `• ${userText(who, 200)}: ${Math.round(s.similarity * 100)}% similar, ${decided[s.status]}${sales}`;
}

/** What a draft button carries: the draft's id. */
export interface DraftRef {
  readonly d: string;
}

/** Block id of a draft's buttons (the card's own buttons are `desk.card`; Slack wants them distinct). */
export const DRAFT_BLOCK = 'desk.draft';

/** The first lines of a sent answer that a decided draft shows. */
const SENT_PREVIEW_LINES = 4;

const sourceLabel = (s: DraftView['sources'][number]): string => (s.heading && s.heading !== s.title ? `${s.title} > ${s.heading}` : s.title);

function draftSources(d: DraftView): SlackBlock | null {
  if (d.sources.length === 0) return null;
  const labels = d.sources.slice(0, 8).map(sourceLabel);
  const more = d.sources.length > labels.length ? `; and ${d.sources.length - labels.length} more` : '';
  return context(`:books: ${d.sources.length === 1 ? 'Source' : 'Sources'}: ${userText(labels.join('; '), 2500)}${more}`);
}

/**
 * A draft answer to the lead's emailed question(s), on their card: the question, the answer the
 * knowledge base found (or none: the SDR writes one), its sources, and Send / Edit & send / Discard.
 * A decided draft says who sent it (with the first lines sent) or discarded it, without buttons.
 * The buttons do not depend on the candidate's status: an approved lead's question still wants an answer.
 */
export function draftBlocks(d: DraftView): SlackBlock[] {
  const asked = `*Draft answer to:*\n${quote(d.question, 700)}`;
  const sources = draftSources(d);
  if (d.status !== 'proposed') {
    const at = d.decidedAt ? ` at ${slackDate(d.decidedAt)}` : '';
    const who = mention(d.decidedBy?.id);
    if (d.status === 'discarded') return [section(`${asked}\n:wastebasket: *Discarded* by ${who}${at}: nothing was sent.`), ...(sources ? [sources] : [])];
    const lines = (d.sentText ?? '').trim().split('\n');
    const preview = lines.slice(0, SENT_PREVIEW_LINES).join('\n') + (lines.length > SENT_PREVIEW_LINES ? '\n…' : '');
    return [section(`${asked}\n:outbox_tray: *Sent* by ${who}${at}${preview ? `\n${quote(preview, 1200)}` : ''}`), ...(sources ? [sources] : [])];
  }
  const answer = d.answer ? userText(d.answer, 2000) : '_No answer in the knowledge base: write one._';
  const blocks: SlackBlock[] = [section(`${asked}\n*Proposed answer*\n${answer}`)];
  if (sources) blocks.push(sources);
  const ref: DraftRef = { d: d.id };
  const discard = {
    ...button('Discard', ACTIONS.draftDiscard, ref),
    confirm: { title: plain('Discard the draft?', 100), text: plain('Nothing is sent to the lead; the draft stays on record as discarded.'), confirm: plain('Discard', 30), deny: plain('Keep it', 30) },
  };
  const elements = d.answer
    ? [button('Send', ACTIONS.draftSend, ref, 'primary'), button('Edit & send', ACTIONS.draftEdit, ref), discard]
    : // Nothing to send as proposed: writing the answer is the only way to send.
      [button('Write & send', ACTIONS.draftEdit, ref, 'primary'), discard];
  blocks.push({ type: 'actions', block_id: DRAFT_BLOCK, elements });
  blocks.push(context('Sent by email, threaded on their reply, signed with your name.'));
  return blocks;
}

/** The candidate's card in the team channel. Decided cards show the outcome and no buttons. */
export function candidateCard(card: CandidateCard): SlackMessage {
  const { candidate: c, lead, account, qualification: q } = card;
  const undecided = c.status === 'open' || c.status === 'snoozed';
  const blocks: SlackBlock[] = [{ type: 'header', text: plain(leadTitle(lead), LIMITS.header) }];
  blocks.push(section(undecided ? ownerLine(c) : decisionLine(c)));
  const fields = [
    `*Email*\n${userText(lead.email, 300)}`,
    `*Source*\n${userText(lead.source ?? 'unknown', 300)}${lead.channel ? ` (${userText(lead.channel, 100)})` : ''}`,
    `*Campaign*\n${userText(lead.campaign ?? 'none', 300)}`,
    `*Country*\n${userText(lead.country ?? 'unknown', 100)}`,
  ];
  blocks.push({ type: 'section', fields: fields.map(md) });
  if (account) {
    const facts = [account.domain, account.industry, account.employees !== null ? `${account.employees} employees` : null].filter((s): s is string => Boolean(s));
    const contacts = account.contacts.slice(0, 5).map((p) => `• ${userText(p.name ?? p.email, 200)}${p.title ? `, ${userText(p.title, 200)}` : ''} (${p.stage})`);
    if (account.contacts.length > 5) contacts.push(`• and ${account.contacts.length - 5} more`);
    blocks.push(section(`*Account*: ${userText(account.name, 300)}${facts.length ? ` (${userText(facts.join(', '), 500)})` : ''}${contacts.length ? `\n*Other contacts*\n${contacts.join('\n')}` : ''}`));
  }
  const reasons = q.reasons.slice(0, 3).map((r) => `• ${r.points >= 0 ? '+' : ''}${r.points} ${userText(r.detail, 300)}`);
  blocks.push(section(`*Score* ${q.score}${q.grade ? ` · grade *${q.grade}*` : ''} · intent _${q.intent.replace(/_/g, ' ')}_${reasons.length ? `\n${reasons.join('\n')}` : ''}`));
  blocks.push(...bantBlocks(q.bant, q.correction));
  if (q.correction?.comment) blocks.push(context(`:pencil2: ${userText(q.correction.comment, 1000)}`));
  const words = card.latestWords ? `*Latest words*${card.latestAt ? ` (${slackDate(card.latestAt)})` : ''}\n${quote(card.latestWords, 2500)}\n` : '';
  blocks.push(section(`${words}<${escapeText(card.threadUrl)}|Open the whole thread>`));
  if (card.similar.length) blocks.push(section(`*Similar past candidates*\n${card.similar.slice(0, 5).map(similarLine).join('\n')}`));
  if (card.handoff) blocks.push(context(`Handed to ${mention(card.handoff.ae.id)}: ${HANDOFF_LABELS[card.handoff.status]}`));
  if (card.draft) blocks.push(...draftBlocks(card.draft));
  if (c.refreshes > 0) blocks.push(context(`Updated with ${c.refreshes} newer message${c.refreshes === 1 ? '' : 's'} from the lead`));
  if (undecided) {
    const ref: CardRef = { c: c.id, v: c.version };
    blocks.push({
      type: 'actions',
      block_id: 'desk.card',
      elements: [
        button('Approve', ACTIONS.approve, ref, 'primary'),
        button('Reject', ACTIONS.reject, ref, 'danger'),
        button('Edit BANT', ACTIONS.editBant, ref),
        button('Snooze', ACTIONS.snooze, ref),
        button('Reassign', ACTIONS.reassign, ref),
      ],
    });
  }
  const text = `MQL candidate: ${leadTitle(lead)} (score ${q.score})${undecided ? '' : `, ${c.status}`}`;
  return { text: clip(escapeText(text), LIMITS.text), blocks: capBlocks(blocks) };
}

/** What a modal carries between opening and submission: the subject, its version, and where the card is. */
export interface ModalMetadata {
  readonly c: string;
  readonly v: number;
  readonly channel?: string;
  readonly ts?: string;
}

function modal(callbackId: string, title: string, meta: ModalMetadata, blocks: SlackBlock[], submit = 'Save'): SlackView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title, LIMITS.modalTitle),
    submit: plain(submit, 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify(meta),
    blocks: capBlocks(blocks, LIMITS.viewBlocks),
  };
}

function option(value: string, text: string): Record<string, unknown> {
  return { text: plain(text, LIMITS.option), value };
}

/** The Reject modal: a reason (radio) and an optional note (required for "other", checked on submit). */
export function rejectModal(meta: ModalMetadata, leadName: string): SlackView {
  return modal(
    MODALS.reject,
    'Reject candidate',
    meta,
    [
      section(`Why is *${userText(leadName, 200)}* not ready for sales?`),
      {
        type: 'input',
        block_id: 'reason',
        label: plain('Reason'),
        element: { type: 'radio_buttons', action_id: 'value', options: REJECT_REASONS.map((r) => option(r, REJECT_REASON_LABELS[r])) },
      },
      {
        type: 'input',
        block_id: 'note',
        optional: true,
        label: plain('Note'),
        hint: plain('Required when the reason is Other.'),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 2000 },
      },
    ],
    'Reject',
  );
}

function textInput(blockId: string, label: string, initial: string | undefined, options: { multiline?: boolean; hint?: string } = {}): SlackBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(label),
    ...(options.hint ? { hint: plain(options.hint) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      ...(options.multiline ? { multiline: true } : {}),
      ...(initial ? { initial_value: clip(initial, LIMITS.input) } : {}),
    },
  };
}

/** The Edit BANT modal, prefilled with what the card shows now (the correction over the machine's answer). */
export function editBantModal(meta: ModalMetadata, bant: Bant): SlackView {
  const blocks: SlackBlock[] = [context('Your correction is stored beside the machine\'s answer; the card shows both.')];
  for (const k of CRITERIA) {
    const v = bant[k];
    blocks.push({
      type: 'input',
      block_id: `${k}.status`,
      label: plain(`${CRITERION_LABELS[k]}: status`),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: (['met', 'not_met', 'unknown'] as const).map((s) => option(s, STATUS_LABELS[s])),
        initial_option: option(v.status, STATUS_LABELS[v.status]),
      },
    });
    blocks.push(textInput(`${k}.evidence`, `${CRITERION_LABELS[k]}: evidence (the lead's words)`, v.evidence, { multiline: true }));
  }
  blocks.push(textInput('budget.amount', 'Budget amount', bant.budget.amount !== undefined ? String(bant.budget.amount) : undefined, { hint: 'A number, e.g. 40000' }));
  blocks.push(textInput('budget.currency', 'Budget currency', bant.budget.currency, { hint: 'ISO code, e.g. USD' }));
  blocks.push(textInput('authority.role', 'Authority: role', bant.authority.role));
  blocks.push(textInput('timeline.within_days', 'Timeline: within days', bant.timeline.within_days !== undefined ? String(bant.timeline.within_days) : undefined, { hint: 'Whole days from the reply' }));
  blocks.push(textInput('comment', 'Why you corrected it', undefined, { multiline: true }));
  return modal(MODALS.editBant, 'Edit BANT', meta, blocks);
}

/** What the draft modal carries: the draft, and where its card is (for ephemeral answers). */
export interface DraftModalMetadata {
  readonly d: string;
  readonly channel?: string;
  readonly ts?: string;
}

/** Slack's cap on a plain_text_input's length (and so on what the edit modal can send). */
export const DRAFT_INPUT_MAX = 3000;

/**
 * The Edit & send modal: the lead's question, and a multiline input prefilled with the proposed answer
 * (empty when the knowledge base had none). Submitting sends the text as written.
 */
export function draftEditModal(meta: DraftModalMetadata, d: Pick<DraftView, 'question' | 'answer'>): SlackView {
  const long = (d.answer?.length ?? 0) > DRAFT_INPUT_MAX;
  const blocks: SlackBlock[] = [
    section(`*The lead asked:*\n${quote(d.question, 2500)}`),
    {
      type: 'input',
      block_id: 'text',
      label: plain(d.answer ? 'Your answer (edit before sending)' : 'Your answer (the knowledge base had none)'),
      hint: plain(long ? `The proposed answer is longer than Slack's ${DRAFT_INPUT_MAX} characters and was cut: send it whole from the review console, or shorten it here.` : 'Sent by email, threaded on their reply, signed with your name.'),
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        multiline: true,
        max_length: DRAFT_INPUT_MAX,
        ...(d.answer ? { initial_value: clip(d.answer, DRAFT_INPUT_MAX) } : {}),
        ...(d.answer ? {} : { placeholder: plain('No answer in the knowledge base: write one', 150) }),
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: MODALS.draftEdit,
    title: plain('Answer the lead', LIMITS.modalTitle),
    submit: plain('Send', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify(meta),
    blocks,
  };
}

/** Snooze choices: an hour, four hours, or the next desk morning. */
export const SNOOZE_CHOICES = ['1h', '4h', 'tomorrow'] as const;
export type SnoozeChoice = (typeof SNOOZE_CHOICES)[number];

export function snoozeModal(meta: ModalMetadata): SlackView {
  const labels: Record<SnoozeChoice, string> = { '1h': 'For 1 hour', '4h': 'For 4 hours', tomorrow: 'Until tomorrow 09:00' };
  return modal(MODALS.snooze, 'Snooze candidate', meta, [
    {
      type: 'input',
      block_id: 'until',
      label: plain('Snooze'),
      element: { type: 'radio_buttons', action_id: 'value', options: SNOOZE_CHOICES.map((c) => option(c, labels[c])), initial_option: option('1h', labels['1h']) },
    },
  ], 'Snooze');
}

/** The Reassign modal: one of the people who may decide. */
export function reassignModal(meta: ModalMetadata, people: readonly Person[], current: string | null): SlackView {
  const opts = people.slice(0, 100).map((p) => option(p.id, p.name));
  const initial = people.find((p) => p.id === current);
  return modal(MODALS.reassign, 'Reassign candidate', meta, [
    {
      type: 'input',
      block_id: 'owner',
      label: plain('New owner'),
      element: { type: 'static_select', action_id: 'value', options: opts, ...(initial ? { initial_option: option(initial.id, initial.name) } : {}) },
    },
  ], 'Reassign');
}

/** The AE's Reject modal on a handoff: one of the sales reject reasons (value and label) and a note. */
export function handoffRejectModal(meta: ModalMetadata, reasons: readonly { readonly value: string; readonly label: string }[]): SlackView {
  return modal(MODALS.handoffReject, 'Reject handoff', meta, [
    {
      type: 'input',
      block_id: 'reason',
      label: plain('Why is it not a sales opportunity?'),
      element: { type: 'radio_buttons', action_id: 'value', options: reasons.slice(0, 10).map((r) => option(r.value, r.label)) },
    },
    textInput('note', 'Note', undefined, { multiline: true }),
  ], 'Reject');
}

function handoffButtons(view: HandoffView): SlackBlock | null {
  const ref: HandoffRef = { h: view.id, v: view.version };
  if (view.status === 'pending') {
    return { type: 'actions', block_id: 'handoff', elements: [button('Accept as SQL', ACTIONS.handoffSql, ref, 'primary'), button('Reject', ACTIONS.handoffReject, ref, 'danger')] };
  }
  if (view.status === 'sql') {
    return { type: 'actions', block_id: 'handoff', elements: [button('Won', ACTIONS.handoffWon, ref, 'primary'), button('Lost', ACTIONS.handoffLost, ref)] };
  }
  return null;
}

/** The handoff the AE gets by DM: the brief, the conversation, what not to ask, and the outcome buttons for its status. */
export function handoffMessage(view: HandoffView): SlackMessage {
  const b = view.brief;
  const blocks: SlackBlock[] = [{ type: 'header', text: plain(`Handoff: ${leadTitle(b.lead)}`, LIMITS.header) }];
  blocks.push(section(`Approved by ${mention(b.approvedBy.id)} at ${slackDate(b.approvedAt)} · score ${b.score}${b.grade ? ` · grade *${b.grade}*` : ''}\n*Email* ${userText(b.lead.email, 300)}${b.account ? ` · *Account* ${userText(b.account.name, 300)}` : ''}`));
  if (view.status !== 'pending') {
    const by = view.outcomeBy ? ` by ${mention(view.outcomeBy)}` : '';
    const at = view.outcomeAt ? ` at ${slackDate(view.outcomeAt)}` : '';
    blocks.push(section(`*Outcome*: ${HANDOFF_LABELS[view.status]}${by}${at}${view.reason ? `: ${userText(view.reason, 500)}` : ''}${view.note ? `\n_${userText(view.note, 1000)}_` : ''}`));
  }
  if (b.need) blocks.push(section(`*What they need*\n${quote(b.need, 1500)}`));
  blocks.push(...bantBlocks(b.bant, null));
  const convo = b.conversation.slice(-6).map((m) => `*${m.from === 'lead' ? 'Lead' : 'Us'}* (${slackDate(m.at)})${m.subject ? ` _${userText(m.subject, 200)}_` : ''}\n${quote(m.text, 400)}`);
  if (convo.length) {
    const more = b.conversation.length > convo.length ? `\n_${b.conversation.length - convo.length} earlier messages in the thread_` : '';
    blocks.push(section(`*Conversation*${more}\n${convo.join('\n')}`));
  }
  if (b.doNotAsk.length) blocks.push(section(`*Don't ask again*\n${b.doNotAsk.slice(0, 10).map((q) => `• ${userText(q, 300)}`).join('\n')}`));
  if (b.note) blocks.push(section(`*SDR note*\n_${userText(b.note, 1500)}_`));
  blocks.push(context(`<${escapeText(b.threadUrl)}|Open the whole thread>`));
  const actions = handoffButtons(view);
  if (actions) blocks.push(actions);
  return { text: clip(escapeText(`New handoff: ${leadTitle(b.lead)} (${HANDOFF_LABELS[view.status]})`), LIMITS.text), blocks: capBlocks(blocks) };
}

function queueLine(l: QueueLine): string {
  const who = userText([l.leadName ?? 'unnamed lead', l.company].filter(Boolean).join(', '), 200);
  const due = l.dueAt ? `${l.overdue ? ':warning: overdue, was due' : 'due'} ${slackDate(l.dueAt)}` : 'no due time';
  return `• ${l.hot ? ':fire: ' : ''}*${who}* · ${l.score}${l.grade ? ` (${l.grade})` : ''} · ${l.owner ? mention(l.owner.id) : '_unassigned_'} · ${due}${l.status === 'snoozed' ? ' · :zzz:' : ''}`;
}

function queueSection(title: string, lines: readonly QueueLine[], max: number): SlackBlock {
  if (lines.length === 0) return section(`*${title}*\n_Nothing waiting._`);
  const shown = lines.slice(0, max).map(queueLine);
  if (lines.length > max) shown.push(`_and ${lines.length - max} more_`);
  return section(`*${title}* (${lines.length})\n${shown.join('\n')}`);
}

function statsFields(stats: DeskStats): SlackBlock {
  const median = stats.medianDecisionMinutes === null ? 'n/a' : `${Math.round(stats.medianDecisionMinutes)} min`;
  return {
    type: 'section',
    fields: [
      md(`*MQLs today*\n${stats.mqlsToday}`),
      md(`*Approval rate (30 d)*\n${percent(stats.approvalRate)}`),
      md(`*Median time to decision*\n${median}`),
      md(`*SLA breaches open*\n${stats.breachesOpen}`),
      md(`*Escalations today*\n${stats.escalationsToday}`),
      md(`*Open candidates*\n${stats.teamQueue.length}`),
    ],
  };
}

function funnelRowLine(row: FunnelRow): string {
  const counts = FUNNEL_STEPS.map((s) => `${FUNNEL_STEP_LABELS[s]} ${row.steps[s].count}`).join(' → ');
  const won = row.steps.won.fromLeads;
  return `*${userText(row.group, 100)}*: ${counts}${won !== null ? ` (${percent(won)} of leads won)` : ''}`;
}

/** The funnel per source, as App Home shows it. */
export function funnelBlocks(report: FunnelReport, maxRows = 10): SlackBlock[] {
  const rows = report.rows.slice(0, maxRows).map(funnelRowLine);
  if (report.rows.length > maxRows) rows.push(`_and ${report.rows.length - maxRows} more sources_`);
  return [section(`*Funnel by ${report.by}*\n${rows.length ? rows.join('\n') : '_No leads yet._'}`), context(funnelRowLine({ ...report.total, group: 'Total' }))];
}

/** The App Home tab: my queue, the team's queue, the day's figures and the funnel. */
export function homeView(stats: DeskStats, funnel: FunnelReport | null): SlackView {
  const blocks: SlackBlock[] = [
    { type: 'header', text: plain('Baton SDR desk', LIMITS.header) },
    context(`As of ${slackDate(stats.at)}`),
    statsFields(stats),
    divider,
    queueSection('My queue', stats.myQueue, 10),
    queueSection("The team's queue", stats.teamQueue, 15),
  ];
  if (funnel) blocks.push(divider, ...funnelBlocks(funnel));
  return { type: 'home', blocks: capBlocks(blocks, LIMITS.viewBlocks) };
}

/** The daily summary in the team channel. */
export function summaryMessage(stats: DeskStats): SlackMessage {
  const blocks: SlackBlock[] = [section(`*Daily desk summary*: ${stats.teamQueue.length} open candidate${stats.teamQueue.length === 1 ? '' : 's'}, ${stats.breachesOpen} past due`), statsFields(stats)];
  const overdue = stats.teamQueue.filter((l) => l.overdue);
  if (overdue.length) blocks.push(queueSection('Past due', overdue, 15));
  return { text: `Desk summary: ${stats.teamQueue.length} open, ${stats.breachesOpen} past due, ${stats.mqlsToday} MQLs today`, blocks: capBlocks(blocks) };
}

/** The owner's reminder (DM). */
export function reminderMessage(card: CandidateCard, cardLink: string | null): SlackMessage {
  const due = card.candidate.dueAt ? ` is due ${slackDate(card.candidate.dueAt)}` : ' is waiting for you';
  const link = cardLink ? ` <${escapeText(cardLink)}|Open the card>` : '';
  const text = `:alarm_clock: *${userText(leadTitle(card.lead), 300)}*${due}.${link}`;
  const plainDue = card.candidate.dueAt ? ` is due ${card.candidate.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ' is waiting for you';
  return { text: clip(`Reminder: ${escapeText(leadTitle(card.lead))}${plainDue}`, LIMITS.text), blocks: [section(text)] };
}

/** The escalation, in the card's thread and to the team lead. */
export function escalationMessage(input: { card: CandidateCard; from: Person | null; to: Person; cardLink: string | null }): SlackMessage {
  const who = userText(leadTitle(input.card.lead), 300);
  const from = input.from ? `${mention(input.from.id)} let it lapse` : 'nobody owned it';
  const link = input.cardLink ? ` <${escapeText(input.cardLink)}|Open the card>` : '';
  const text = `:rotating_light: SLA lapsed on *${who}*: ${from}; now owned by ${mention(input.to.id)}.${link}`;
  return { text: clip(`SLA lapsed: ${escapeText(leadTitle(input.card.lead))}`, LIMITS.text), blocks: [section(text)] };
}

/** "Approved by <@U1> at ..." for the person who clicked second. */
export function alreadyDecidedText(status: CandidateStatus, decidedBy: string, decidedAt: Date, reason?: RejectReason | null): string {
  const how = status === 'rejected' ? `rejected${reason ? ` (${REJECT_REASON_LABELS[reason]})` : ''}` : status;
  return `Already ${how} by ${mention(decidedBy)} at ${slackDate(decidedAt)}.`;
}

/** Block ids of a chat alert, so a click can find and redraw the line saying who has the chat. */
export const CHAT_BLOCKS = { holder: 'chat.holder', actions: 'chat.actions' } as const;

/** A thread reply starting with this stays with the team: it is not sent to the visitor. */
export const TEAM_NOTE_PREFIX = '//';

const CHAT_WHY: Record<Exclude<ChatAlertReason, 'unanswered'>, string> = {
  human: 'asks for a person',
  meeting: 'asks for a meeting',
  pricing: 'asks about prices',
};

function chatWhy(alert: ChatAlertView): string {
  if (alert.reason !== 'unanswered') return CHAT_WHY[alert.reason];
  return `asked something the knowledge base cannot answer${alert.question ? `: ${alert.question}` : ''}`;
}

/** Who has a chat: a person (the bot is quiet), or the bot. */
export function chatHolderBlock(takenBy: Pick<PersonRef, 'id'> | null): SlackBlock {
  const text = takenBy
    ? `:bust_in_silhouette: ${mention(takenBy.id)} has this chat; the bot stays quiet until it is released.`
    : ':robot_face: The bot is answering. Take it over to answer the visitor yourself.';
  return { type: 'context', block_id: CHAT_BLOCKS.holder, elements: [md(text)] };
}

/**
 * The alert that a website chat needs a person: who, why, the page, the visitor's latest words, the
 * Take over and Release buttons, and the chat in the console. Everything the visitor wrote (the
 * question, the page, their words, the name they gave) is escaped and clipped.
 */
export function chatAlertMessage(alert: ChatAlertView): SlackMessage {
  const v = alert.visitor;
  const who = v.name ?? v.email ?? 'A website visitor';
  const why = chatWhy(alert);
  const details = [v.name && v.email ? v.email : null, v.company].filter((s): s is string => Boolean(s));
  const blocks: SlackBlock[] = [
    section(`:speech_balloon: *Website chat*: *${userText(who, 300)}*${details.length ? ` (${userText(details.join(', '), 400)})` : ''} ${userText(why, 2000)}`),
  ];
  const facts = [alert.page ? `*Page* ${userText(alert.page, 500)}` : null, `*Language* ${alert.lang === 'zh' ? 'Chinese' : 'English'}`].filter((s): s is string => s !== null);
  blocks.push(context(...facts));
  if (alert.latest.trim()) blocks.push(section(`*Latest words*\n${quote(alert.latest, 2500)}`));
  blocks.push(chatHolderBlock(alert.takenBy));
  blocks.push({
    type: 'actions',
    block_id: CHAT_BLOCKS.actions,
    elements: [
      { type: 'button', text: plain('Take over', LIMITS.button), action_id: ACTIONS.chatTakeOver, value: alert.sessionId, style: 'primary' },
      { type: 'button', text: plain('Release', LIMITS.button), action_id: ACTIONS.chatRelease, value: alert.sessionId },
    ],
  });
  blocks.push(context(`<${escapeText(alert.url)}|Open in console> · Reply in this thread to write to the visitor; start with \`${TEAM_NOTE_PREFIX}\` for a note only the team sees.`));
  const text = `Website chat: ${who} ${why}`;
  return { text: clip(escapeText(text), LIMITS.text), blocks: capBlocks(blocks) };
}

/**
 * The alert's blocks as Slack sent them back with a click, with the holder line redrawn; null when
 * the message is not a chat alert (no holder line to redraw).
 */
export function withChatHolder(blocks: readonly SlackBlock[] | undefined, takenBy: Pick<PersonRef, 'id'> | null): SlackBlock[] | null {
  if (!blocks?.some((b) => b.block_id === CHAT_BLOCKS.holder)) return null;
  return blocks.map((b) => (b.block_id === CHAT_BLOCKS.holder ? chatHolderBlock(takenBy) : b));
}

/** One chat message in its Slack thread: "Visitor: ...", "Bot: ...", or the team member's name. */
export function chatMirrorMessage(entry: ChatMirrorEntry): SlackMessage {
  const who = entry.from === 'visitor' ? 'Visitor' : entry.from === 'bot' ? 'Bot' : (entry.by?.name ?? 'Team');
  const body = userText(entry.text, LIMITS.text - 200);
  return { text: clip(`${escapeText(who)}: ${escapeText(entry.text)}`, LIMITS.text), blocks: [section(`*${userText(who, 100)}*: ${body}`)] };
}
