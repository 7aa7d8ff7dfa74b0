import { describe, expect, it } from 'vitest';
import type { CandidateCard, ChatAlertView, DraftView, DeskStats, HandoffView, QueueLine } from '../../domain/desk/views.ts';
import { testTeam } from '../../testing/desk.ts';
import { ACTIONS, candidateCard, draftEditModal, DRAFT_BLOCK, capBlocks, chatAlertMessage, chatMirrorMessage, withChatHolder, editBantModal, handoffMessage, homeView, MODALS, reassignModal, rejectModal, snoozeModal, type SlackBlock } from './blocks.ts';
import { clip, escapeText, LIMITS, mention, quote } from './text.ts';

const AT = new Date('2026-03-02T10:00:00Z');

function card(over: { candidate?: Partial<CandidateCard['candidate']>; latestWords?: string | null; similar?: CandidateCard['similar']; correction?: CandidateCard['qualification']['correction']; draft?: CandidateCard['draft'] } = {}): CandidateCard {
  return {
    candidate: {
      id: 'c-1',
      status: 'open',
      version: 3,
      owner: { id: 'U1', name: 'Ana' },
      dueAt: new Date('2026-03-02T10:15:00Z'),
      hot: true,
      overdue: false,
      escalations: 0,
      snoozedUntil: null,
      refreshes: 1,
      decidedBy: null,
      decidedAt: null,
      rejectReason: null,
      note: null,
      createdAt: AT,
      ...over.candidate,
    },
    lead: { id: 'l-1', name: 'Pat Lee', email: 'pat@buyer.test', title: 'VP Sales', company: 'Buyer Inc', country: 'US', stage: 'mql_candidate', source: 'web', campaign: 'spring', channel: 'web_form' },
    account: { name: 'Buyer Inc', domain: 'buyer.test', industry: 'Software', employees: 120, contacts: [{ name: 'Kim', title: 'CTO', email: 'kim@buyer.test', stage: 'contacted' }] },
    qualification: {
      score: 82,
      grade: 'A',
      intent: 'interested',
      reasons: [{ signal: 'bant.budget.met', points: 20, detail: 'budget stated' }],
      bant: {
        budget: { status: 'met', evidence: 'a budget of $40k', amount: 40000, currency: 'USD' },
        authority: { status: 'met', evidence: 'I am the VP of Sales', role: 'VP of Sales' },
        need: { status: 'met', evidence: 'We need a tool' },
        timeline: { status: 'unknown' },
      },
      correction: over.correction ?? null,
    },
    latestWords: over.latestWords === undefined ? 'We need a tool; budget is $40k.' : over.latestWords,
    latestAt: AT,
    threadUrl: 'http://127.0.0.1:3000/console/candidates/c-1',
    similar: over.similar ?? [{ candidateId: 'c-0', leadName: 'Sam', company: 'Old Co', similarity: 0.91, status: 'approved', rejectReason: null, outcome: 'won' }],
    handoff: null,
    draft: over.draft ?? null,
  };
}

const texts = (blocks: SlackBlock[]) => JSON.stringify(blocks);
const buttons = (blocks: SlackBlock[]) =>
  blocks.filter((b) => b.type === 'actions').flatMap((b) => (b.elements as { action_id: string; value: string }[]).map((e) => ({ id: e.action_id, value: JSON.parse(e.value) as unknown })));

describe('the candidate card', () => {
  it('shows the lead, account, score, BANT with quotes, latest words, thread link, similar candidates and the five buttons with id and version', () => {
    const msg = candidateCard(card());
    const all = texts(msg.blocks);
    expect(msg.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Pat Lee · VP Sales · Buyer Inc' } });
    for (const s of ['Buyer Inc', 'Kim', 'web', 'spring', 'Score* 82', 'grade *A*', 'budget stated', 'a budget of $40k', 'I am the VP of Sales', 'We need a tool; budget is $40k.', 'console/candidates/c-1|Open the whole thread', 'Sam, Old Co', '91% similar', 'sales: won', '<@U1>', ':fire: hot', 'Updated with 1 newer message']) {
      expect(all).toContain(s);
    }
    expect(buttons(msg.blocks)).toEqual(
      [ACTIONS.approve, ACTIONS.reject, ACTIONS.editBant, ACTIONS.snooze, ACTIONS.reassign].map((id) => ({ id, value: { c: 'c-1', v: 3 } })),
    );
  });

  it('marks an overdue card and shows the SDR correction beside the machine answer', () => {
    const msg = candidateCard(card({ candidate: { overdue: true }, correction: { need: { status: 'not_met', evidence: 'just browsing' }, comment: 'they only browse' } }));
    const all = texts(msg.blocks);
    expect(all).toContain('*overdue*');
    const need = msg.blocks.find((b) => JSON.stringify(b).includes('*Need*'));
    expect(JSON.stringify(need)).toMatch(/We need a tool.*SDR correction.*not met.*just browsing/s);
    expect(all).toContain('they only browse');
  });

  it('a decided card shows who decided and how, and no buttons', () => {
    const approved = candidateCard(card({ candidate: { status: 'approved', decidedBy: { id: 'U2', name: 'Ben' }, decidedAt: AT } }));
    expect(texts(approved.blocks)).toContain('*Approved* by <@U2> at <!date^');
    expect(buttons(approved.blocks)).toEqual([]);
    const rejected = candidateCard(card({ candidate: { status: 'rejected', decidedBy: { id: 'U2', name: 'Ben' }, decidedAt: AT, rejectReason: 'bad_timing', note: 'ask in Q3' } }));
    expect(texts(rejected.blocks)).toContain('*Rejected* by <@U2>');
    expect(texts(rejected.blocks)).toContain('Bad timing');
    expect(texts(rejected.blocks)).toContain('ask in Q3');
    expect(buttons(rejected.blocks)).toEqual([]);
  });

  it('escapes the lead\'s words (no mentions, links or channel pings) and keeps every text under 3000 characters', () => {
    const evil = '<!channel> <@U999> <http://evil.test|click> & more ' + 'x'.repeat(10_000);
    const msg = candidateCard(card({ latestWords: evil }));
    const all = texts(msg.blocks);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<@U999>');
    expect(all).not.toContain('<http://evil.test');
    expect(all).toContain('&lt;!channel&gt;');
    for (const b of msg.blocks) {
      const t = (b.text as { text?: string } | undefined)?.text;
      if (t) expect(t.length).toBeLessThanOrEqual(LIMITS.text);
    }
    expect(msg.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
  });
});

function draft(over: Partial<DraftView> = {}): DraftView {
  return {
    id: 'd-1',
    question: 'Do you integrate with HubSpot?',
    answer: 'Yes: Baton syncs contacts and deals with HubSpot both ways.',
    sources: [{ title: 'Integrations', heading: 'HubSpot', label: 'HubSpot' }],
    status: 'proposed',
    decidedBy: null,
    decidedAt: null,
    sentText: null,
    ...over,
  };
}

const draftButtons = (blocks: SlackBlock[]) =>
  blocks.filter((b) => b.block_id === DRAFT_BLOCK).flatMap((b) => (b.elements as { action_id: string; value: string; style?: string; text: { text: string } }[]).map((e) => ({ id: e.action_id, label: e.text.text, style: e.style, value: JSON.parse(e.value) as unknown })));

describe('the draft answer on the candidate card', () => {
  it('no draft: no draft section and no draft buttons', () => {
    const msg = candidateCard(card());
    expect(texts(msg.blocks)).not.toContain('Draft answer');
    expect(draftButtons(msg.blocks)).toEqual([]);
  });

  it('proposed: the question, the answer, its sources, and Send (primary), Edit & send, Discard (with a confirmation) carrying the draft id', () => {
    const msg = candidateCard(card({ draft: draft({ sources: [{ title: 'Integrations', heading: 'HubSpot', label: 'HubSpot' }, { title: 'Security', heading: 'Security', label: 'Security' }] }) }));
    const all = texts(msg.blocks);
    expect(all).toContain('*Draft answer to:*\\n> Do you integrate with HubSpot?');
    expect(all).toContain('Baton syncs contacts and deals with HubSpot both ways.');
    expect(all).toContain('Sources: Integrations &gt; HubSpot; Security');
    expect(draftButtons(msg.blocks)).toEqual([
      { id: ACTIONS.draftSend, label: 'Send', style: 'primary', value: { d: 'd-1' } },
      { id: ACTIONS.draftEdit, label: 'Edit & send', style: undefined, value: { d: 'd-1' } },
      { id: ACTIONS.draftDiscard, label: 'Discard', style: undefined, value: { d: 'd-1' } },
    ]);
    const discard = msg.blocks.find((b) => b.block_id === DRAFT_BLOCK)?.elements as { action_id: string; confirm?: unknown }[];
    expect(discard.find((e) => e.action_id === ACTIONS.draftDiscard)?.confirm).toMatchObject({ confirm: { text: 'Discard' } });
    // The card's own buttons stay, last, in their own block.
    expect(msg.blocks.at(-1)).toMatchObject({ type: 'actions', block_id: 'desk.card' });
    expect(new Set(msg.blocks.filter((b) => b.type === 'actions').map((b) => b.block_id)).size).toBe(2);
  });

  it('no answer in the knowledge base: says so, offers no Send as proposed, only Write & send and Discard', () => {
    const msg = candidateCard(card({ draft: draft({ answer: null, sources: [] }) }));
    const all = texts(msg.blocks);
    expect(all).toContain('No answer in the knowledge base: write one.');
    expect(all).not.toContain('Sources:');
    expect(draftButtons(msg.blocks).map((b) => [b.id, b.label, b.style])).toEqual([
      [ACTIONS.draftEdit, 'Write & send', 'primary'],
      [ACTIONS.draftDiscard, 'Discard', undefined],
    ]);
  });

  it('sent: who sent it and when, the first lines of what was sent, no draft buttons; the card keeps its own', () => {
    const sentText = 'Line one\nLine two\nLine three\nLine four\nLine five';
    const msg = candidateCard(card({ draft: draft({ status: 'sent', decidedBy: { id: 'U1', name: 'Ana' }, decidedAt: AT, sentText }) }));
    const all = texts(msg.blocks);
    expect(all).toContain('*Sent* by <@U1> at <!date^');
    expect(all).toContain('> Line one\\n> Line two\\n> Line three\\n> Line four\\n> …');
    expect(all).not.toContain('Line five');
    expect(all).not.toContain('Proposed answer');
    expect(draftButtons(msg.blocks)).toEqual([]);
    expect(buttons(msg.blocks).map((b) => b.id)).not.toContain(ACTIONS.draftSend);
    expect(buttons(msg.blocks)).toHaveLength(5);
  });

  it('discarded: who discarded it, nothing sent, no draft buttons', () => {
    const msg = candidateCard(card({ draft: draft({ status: 'discarded', decidedBy: { id: 'U2', name: 'Ben' }, decidedAt: AT }) }));
    const all = texts(msg.blocks);
    expect(all).toContain('*Discarded* by <@U2> at <!date^');
    expect(all).toContain('nothing was sent');
    expect(draftButtons(msg.blocks)).toEqual([]);
  });

  it('a decided candidate still offers the draft: the question still wants an answer', () => {
    const msg = candidateCard(card({ candidate: { status: 'approved', decidedBy: { id: 'U2', name: 'Ben' }, decidedAt: AT }, draft: draft() }));
    expect(draftButtons(msg.blocks).map((b) => b.id)).toEqual([ACTIONS.draftSend, ACTIONS.draftEdit, ACTIONS.draftDiscard]);
    expect(buttons(msg.blocks).map((b) => b.id)).not.toContain(ACTIONS.approve);
  });

  it('escapes and clips the question, the answer, the sources and the sent text', () => {
    const evil = '<!channel> <@U999> <http://evil.test|click> & ';
    const long = evil + 'x'.repeat(10_000);
    const proposed = candidateCard(card({ draft: draft({ question: long, answer: long, sources: [{ title: evil, heading: long, label: 'x' }] }) }));
    const sent = candidateCard(card({ draft: draft({ question: long, status: 'sent', decidedBy: { id: 'U1', name: 'Ana' }, decidedAt: AT, sentText: long }) }));
    for (const msg of [proposed, sent]) {
      const all = texts(msg.blocks);
      expect(all).not.toContain('<!channel>');
      expect(all).not.toContain('<@U999>');
      expect(all).not.toContain('<http://evil.test');
      expect(all).toContain('&lt;!channel&gt;');
      for (const b of msg.blocks) {
        const t = (b.text as { text?: string } | undefined)?.text;
        if (t) expect(t.length).toBeLessThanOrEqual(LIMITS.text);
        for (const e of (b.elements as { text?: string }[] | undefined) ?? []) if (typeof e.text === 'string') expect(e.text.length).toBeLessThanOrEqual(LIMITS.text);
      }
    }
  });

  it('the fullest card with a draft stays within the block cap with every button', () => {
    const contacts = Array.from({ length: 20 }, (_, i) => ({ name: `P${i}`, title: null, email: `p${i}@x.test`, stage: 'contacted' as const }));
    const full = card({ candidate: { refreshes: 4, escalations: 2 }, correction: { need: { status: 'met', evidence: 'x' }, comment: 'fixed' }, draft: draft() });
    const msg = candidateCard({ ...full, account: { name: 'A', domain: 'a.test', industry: 'X', employees: 5, contacts }, handoff: { id: 'h', ae: { id: 'UA1', name: 'Al' }, status: 'pending' }, similar: Array.from({ length: 5 }, (_, i) => ({ candidateId: `c${i}`, leadName: 'S', company: 'C', similarity: 0.5, status: 'approved' as const, rejectReason: null, outcome: null })) });
    expect(msg.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    expect(texts(msg.blocks)).not.toContain('More in the review console');
    expect(buttons(msg.blocks).map((b) => b.id)).toEqual([ACTIONS.draftSend, ACTIONS.draftEdit, ACTIONS.draftDiscard, ACTIONS.approve, ACTIONS.reject, ACTIONS.editBant, ACTIONS.snooze, ACTIONS.reassign]);
  });
});

describe('the Edit & send modal', () => {
  it('shows the question and a multiline input prefilled with the answer, carrying the draft and the card', () => {
    const view = draftEditModal({ d: 'd-1', channel: 'C1', ts: '1.2' }, { question: 'Do you <@U9> integrate?', answer: 'Yes, with HubSpot.' });
    expect(view).toMatchObject({ type: 'modal', callback_id: MODALS.draftEdit, submit: { text: 'Send' } });
    expect(JSON.parse(String(view.private_metadata))).toEqual({ d: 'd-1', channel: 'C1', ts: '1.2' });
    const input = (view.blocks as SlackBlock[]).find((b) => b.type === 'input');
    expect(input).toMatchObject({ block_id: 'text', element: { type: 'plain_text_input', action_id: 'value', multiline: true, initial_value: 'Yes, with HubSpot.' } });
    expect(JSON.stringify(view.blocks)).toContain('Do you &lt;@U9&gt; integrate?');
  });

  it('no answer: an empty input with a placeholder; a long answer is clipped to what Slack takes, and the hint says so', () => {
    const none = draftEditModal({ d: 'd-1' }, { question: 'Q?', answer: null });
    const empty = (none.blocks as SlackBlock[]).find((b) => b.type === 'input') as unknown as { element: Record<string, unknown> };
    expect(empty.element.initial_value).toBeUndefined();
    expect(JSON.stringify(empty.element.placeholder)).toContain('No answer in the knowledge base');
    const long = draftEditModal({ d: 'd-1' }, { question: 'Q?', answer: 'a'.repeat(5000) });
    const input = (long.blocks as SlackBlock[]).find((b) => b.type === 'input') as unknown as { element: { initial_value: string }; hint: { text: string } };
    expect(input.element.initial_value.length).toBeLessThanOrEqual(3000);
    expect(input.hint.text).toContain('review console');
  });
});

describe('text helpers', () => {
  it('clips without cutting an entity or a surrogate pair', () => {
    expect(clip(escapeText('ab&cd'), 5)).toBe('ab…');
    expect(clip('a😀b', 3)).toBe('a…');
    expect(clip('short', 10)).toBe('short');
    expect(quote('one\ntwo')).toBe('> one\n> two');
    expect(mention('user:U123')).toBe('<@U123>');
    expect(mention('ana')).toBe('ana');
  });

  it('caps a long message at 50 blocks and keeps its actions', () => {
    const many: SlackBlock[] = [...Array.from({ length: 60 }, () => ({ type: 'section' })), { type: 'actions' }];
    const capped = capBlocks(many);
    expect(capped).toHaveLength(50);
    expect(capped.at(-1)?.type).toBe('actions');
    expect(JSON.stringify(capped.at(-2))).toContain('More in the review console');
  });
});

describe('modals', () => {
  const meta = { c: 'c-1', v: 3, channel: 'C1', ts: '1.2' };

  it('reject offers every reason with its label and carries the candidate', () => {
    const v = rejectModal(meta, 'Pat');
    expect(v.callback_id).toBe(MODALS.reject);
    expect(JSON.parse(v.private_metadata as string)).toEqual(meta);
    const all = JSON.stringify(v);
    for (const label of ['No budget', 'Not the decision maker', 'No need', 'Bad timing', 'Bad fit', 'Competitor', 'Spam', 'Other']) expect(all).toContain(label);
  });

  it('edit BANT is prefilled with the current answer', () => {
    const v = editBantModal(meta, card().qualification.bant);
    const all = JSON.stringify(v);
    expect(all).toContain('"initial_value":"a budget of $40k"');
    expect(all).toContain('"initial_value":"40000"');
    expect(all).toContain('"initial_value":"VP of Sales"');
    expect((v.blocks as SlackBlock[]).filter((b) => b.block_id === 'timeline.status')).toHaveLength(1);
  });

  it('snooze and reassign offer their choices', () => {
    expect(JSON.stringify(snoozeModal(meta))).toContain('Until tomorrow 09:00');
    const r = reassignModal(meta, testTeam().sdrs, 'U2');
    expect(JSON.stringify(r)).toContain('"initial_option":{"text":{"type":"plain_text","text":"Ben","emoji":true},"value":"U2"}');
  });
});

function handoff(status: HandoffView['status']): HandoffView {
  const c = card();
  return {
    id: 'h-1',
    candidateId: 'c-1',
    leadId: 'l-1',
    ae: { id: 'UA1', name: 'Omar' },
    status,
    reason: status === 'rejected' ? 'not ready' : null,
    note: null,
    outcomeBy: status === 'pending' ? null : 'user:UA1',
    outcomeAt: status === 'pending' ? null : AT,
    version: 2,
    brief: {
      handoffId: 'h-1',
      candidateId: 'c-1',
      ae: { id: 'UA1', name: 'Omar' },
      approvedBy: { id: 'U1', name: 'Ana' },
      approvedAt: AT,
      lead: c.lead,
      account: c.account,
      score: 82,
      grade: 'A',
      need: 'We need a tool',
      bant: c.qualification.bant,
      conversation: [
        { at: AT, from: 'us', channel: 'email', subject: 'Hello', text: 'Would a call help?' },
        { at: AT, from: 'lead', channel: 'email', subject: 'Re: Hello', text: 'Yes, we have $40k.' },
      ],
      doNotAsk: ['Budget: a budget of $40k'],
      note: null,
      threadUrl: c.threadUrl,
    },
  };
}

describe('the handoff message', () => {
  it('pending: the brief, the conversation, what not to ask, and Accept / Reject', () => {
    const msg = handoffMessage(handoff('pending'));
    const all = texts(msg.blocks);
    for (const s of ['Handoff: Pat Lee', 'Approved by <@U1>', 'We need a tool', 'Would a call help?', 'Yes, we have $40k.', "Don't ask again", 'Budget: a budget of $40k']) expect(all).toContain(s);
    expect(buttons(msg.blocks)).toEqual([
      { id: ACTIONS.handoffSql, value: { h: 'h-1', v: 2 } },
      { id: ACTIONS.handoffReject, value: { h: 'h-1', v: 2 } },
    ]);
  });

  it('sql: Won / Lost; won: no buttons and the outcome', () => {
    expect(buttons(handoffMessage(handoff('sql')).blocks).map((b) => b.id)).toEqual([ACTIONS.handoffWon, ACTIONS.handoffLost]);
    const won = handoffMessage(handoff('won'));
    expect(buttons(won.blocks)).toEqual([]);
    expect(texts(won.blocks)).toContain('*Outcome*: won by <@UA1>');
  });
});

describe('App Home', () => {
  it('shows my queue, the team queue, the day\'s figures and the funnel', () => {
    const line = (id: string, owner: string, overdue: boolean): QueueLine => ({ candidateId: id, leadName: `Lead ${id}`, company: 'Co', score: 70, grade: 'B', status: 'open', owner: { id: owner, name: owner }, dueAt: AT, overdue, hot: false });
    const stats: DeskStats = { at: AT, myQueue: [line('a', 'U1', false)], teamQueue: [line('a', 'U1', false), line('b', 'U2', true)], mqlsToday: 3, approvalRate: 0.75, medianDecisionMinutes: 12, breachesOpen: 1, escalationsToday: 2 };
    const steps = (n: number) => ({ count: n, fromPrevious: null, fromLeads: null });
    const row = { group: 'web', steps: { leads: steps(10), contacted: steps(8), replied: steps(5), mql_candidate: steps(3), mql: steps(2), sql: steps(1), won: { count: 1, fromPrevious: 1, fromLeads: 0.1 } }, timeToFirstTouch: { n: 0, medianMs: null, p90Ms: null }, timeToDecision: { n: 0, medianMs: null, p90Ms: null } };
    const v = homeView(stats, { by: 'source', since: null, generatedAt: AT.toISOString(), rows: [row], total: row });
    const all = JSON.stringify(v);
    expect(v.type).toBe('home');
    for (const s of ['My queue* (1)', "The team's queue* (2)", 'MQLs today*\\n3', '75%', '12 min', 'SLA breaches open*\\n1', 'Lead b', 'overdue', '*web*: Leads 10 → Contacted 8 → Replied 5 → MQL cand. 3 → MQL 2 → SQL 1 → Won 1 (10% of leads won)']) {
      expect(all).toContain(s);
    }
  });
});

describe('the chat alert and its mirror', () => {
  const SID = '0b6f0c2e-3d7a-4c55-9a51-6f1e2a3b4c5d';
  const alert = (over: Partial<ChatAlertView> = {}): ChatAlertView => ({
    sessionId: SID,
    reason: 'human',
    question: null,
    visitor: { leadId: null, name: null, email: null, company: null },
    page: 'https://acme.test/pricing',
    lang: 'en',
    latest: 'can I talk to a human?',
    takenBy: null,
    url: 'http://127.0.0.1/console/chats/' + SID,
    ...over,
  });
  const chatButtons = (blocks: SlackBlock[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => (b.elements as { action_id: string; value: string }[]).map((e) => [e.action_id, e.value]));

  it('says who, why, the page and the latest words, with Take over and Release carrying the session, and the console link', () => {
    const msg = chatAlertMessage(alert());
    const all = texts(msg.blocks);
    expect(msg.text).toBe('Website chat: A website visitor asks for a person');
    for (const s of ['*Website chat*: *A website visitor* asks for a person', '*Page* https://acme.test/pricing', '> can I talk to a human?', `<http://127.0.0.1/console/chats/${SID}|Open in console>`, 'The bot is answering']) expect(all).toContain(s);
    expect(chatButtons(msg.blocks)).toEqual([
      [ACTIONS.chatTakeOver, SID],
      [ACTIONS.chatRelease, SID],
    ]);
    expect(ACTIONS.chatTakeOver).toBe('chat_takeover');
  });

  it('names a known visitor and each reason; an unanswered question is quoted in the why', () => {
    const known = { leadId: 'l-1', name: 'Dana Wu', email: 'dana@kestrel.test', company: 'Kestrel' };
    expect(chatAlertMessage(alert({ visitor: known, reason: 'meeting' })).text).toBe('Website chat: Dana Wu asks for a meeting');
    expect(texts(chatAlertMessage(alert({ visitor: known })).blocks)).toContain('*Dana Wu* (dana@kestrel.test, Kestrel) asks for a person');
    expect(chatAlertMessage(alert({ visitor: { ...known, name: null }, reason: 'pricing' })).text).toBe('Website chat: dana@kestrel.test asks about prices');
    const unanswered = chatAlertMessage(alert({ reason: 'unanswered', question: 'Do you support SAML?' }));
    expect(unanswered.text).toBe('Website chat: A website visitor asked something the knowledge base cannot answer: Do you support SAML?');
  });

  it('says who has the chat, and a click redraws only that line', () => {
    const taken = chatAlertMessage(alert({ takenBy: { id: 'U1', name: 'Ana' } }));
    expect(texts(taken.blocks)).toContain('<@U1> has this chat; the bot stays quiet until it is released.');
    const released = withChatHolder(taken.blocks, null);
    expect(texts(released ?? [])).toContain('The bot is answering');
    expect(texts(released ?? [])).not.toContain('<@U1> has this chat');
    expect(released?.length).toBe(taken.blocks.length);
    expect(withChatHolder(candidateCard(card()).blocks, { id: 'U1' })).toBeNull();
    expect(withChatHolder(undefined, null)).toBeNull();
  });

  it('escapes and clips everything the visitor wrote: no mention, no channel ping, no planted link', () => {
    const evil = '<!channel> <@U1> <https://evil.test|your invoice> & more';
    const msg = chatAlertMessage(alert({ latest: evil + ' x'.repeat(3000), page: '<https://evil.test|acme.test>', visitor: { leadId: null, name: '<!here> Pat', email: null, company: null }, reason: 'unanswered', question: evil }));
    const all = texts(msg.blocks) + msg.text;
    for (const bad of ['<!channel>', '<!here>', '<@U1>', '<https://evil.test']) expect(all).not.toContain(bad);
    expect(all).toContain('&lt;!channel&gt;');
    for (const b of msg.blocks) {
      const t = (b.text as { text?: string } | undefined)?.text;
      if (t) expect(t.length).toBeLessThanOrEqual(LIMITS.text);
    }
    const mirrored = chatMirrorMessage({ sessionId: SID, from: 'visitor', text: evil + 'y'.repeat(5000), by: null, at: AT });
    expect(texts(mirrored.blocks) + mirrored.text).not.toMatch(/<!channel>|<@U1>|<https:/);
    expect(mirrored.text.length).toBeLessThanOrEqual(LIMITS.text);
    expect(((mirrored.blocks[0]?.text as { text: string }).text).length).toBeLessThanOrEqual(LIMITS.text);
  });

  it('mirrors each message as Visitor:, Bot: or the team member\'s name', () => {
    const line = (from: 'visitor' | 'bot' | 'agent', by: { id: string; name: string } | null = null) => chatMirrorMessage({ sessionId: SID, from, text: 'hello', by, at: AT });
    expect(line('visitor').text).toBe('Visitor: hello');
    expect(line('bot').text).toBe('Bot: hello');
    expect(line('agent', { id: 'U1', name: 'Ana' }).text).toBe('Ana: hello');
    expect(texts(line('agent', { id: 'U1', name: 'Ana' }).blocks)).toContain('*Ana*: hello');
  });
});
