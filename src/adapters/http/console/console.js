// Baton review console: the SDR desk in a browser, for teams without Slack. No framework, no build.
// Everything from the API is written as text nodes, never parsed as HTML: lead words are untrusted.
// It also watches the website chat: the Chats tab lists recent chats, and a chat's pane shows the live
// transcript (read every 2 s: the visitor's event stream needs the visitor's token), what the chat
// learned, and lets an SDR take the chat over, reply, and give it back to the bot.

/* global document, window, location, history, localStorage, sessionStorage, fetch, Node, setTimeout, clearTimeout, setInterval, clearInterval */

const ME_KEY = 'baton.desk.me';
const API_KEY = 'baton.desk.key';
const REFRESH_MS = 5000;
const CRITERIA = ['budget', 'authority', 'need', 'timeline'];
const STATUSES = ['met', 'not_met', 'unknown'];
const OUTCOME_LABELS = { sql: 'Accepted as SQL', rejected: 'Rejected by sales', won: 'Won', lost: 'Lost' };
const NEXT_OUTCOMES = { pending: ['sql', 'rejected'], sql: ['won', 'lost'], rejected: [], won: [], lost: [] };
/** How often an open chat is read again. */
const CHAT_POLL_MS = 2000;
/** A person typing tells the visitor at most this often. */
const TYPING_EVERY_MS = 3000;
/** Chats listed: those active in the last week. */
const CHAT_HOURS = 168;
/** Why a chat wants a person (chat state "notified"), as the list and the pane say it. */
const PERSON_REASONS = { human: 'asked for a person', meeting: 'asked for a meeting', pricing: 'asked about pricing', unanswered: 'unanswered question' };

const state = {
  me: localStorage.getItem(ME_KEY) ?? '',
  tab: 'mine',
  currentId: null,
  current: null,
  team: null,
  stats: null,
  pendingOutcome: null,
  // The website chat: the list, the open chat, and what its pane has drawn.
  chats: null,
  chatsError: null,
  chatId: null,
  chat: null,
  chatTimer: 0,
  chatBusy: null,
  chatAgain: false,
  chatSeq: 0,
  lastTypingAt: 0,
  candidateOfLead: new Map(),
};

const $ = (id) => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
};

/** Builds an element; children are nodes or text (set as text, never parsed as HTML). */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else if (k === 'data') for (const [dk, dv] of Object.entries(v)) node.dataset[dk] = String(dv);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '');
const label = (s) => String(s ?? '').replaceAll('_', ' ');
const reasonLabel = (id) => state.team?.rejectReasons.find((r) => r.id === id)?.label ?? label(id);

// ---- API ----------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code ?? 'HTTP_ERROR';
    this.body = body?.error ?? {};
  }
}

let keyPrompt = null;
/** Asks for the API key once per tab; concurrent callers wait for the same answer. */
function askForKey() {
  keyPrompt ??= new Promise((resolve) => {
    const dialog = $('key-dialog');
    const form = $('key-form');
    const done = (e) => {
      e.preventDefault();
      const key = $('key-input').value.trim();
      if (!key) return;
      sessionStorage.setItem(API_KEY, key);
      form.removeEventListener('submit', done);
      dialog.close();
      keyPrompt = null;
      resolve();
    };
    form.addEventListener('submit', done);
    dialog.showModal();
  });
  return keyPrompt;
}

async function api(method, path, body) {
  for (let attempt = 0; ; attempt++) {
    const headers = { accept: 'application/json' };
    const key = sessionStorage.getItem(API_KEY);
    if (key) headers.authorization = `Bearer ${key}`;
    if (state.me) headers['x-baton-user'] = state.me;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await res.json().catch(() => null);
    if (res.status === 401 && attempt < 3) {
      sessionStorage.removeItem(API_KEY);
      await askForKey();
      continue;
    }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }
}

// ---- flash messages -----------------------------------------------------------------------------

let flashTimer = 0;
function flash(text, kind = 'info') {
  const node = $('flash');
  node.textContent = text;
  node.className = `flash ${kind}`;
  node.hidden = false;
  clearTimeout(flashTimer);
  if (kind !== 'error') flashTimer = setTimeout(() => (node.hidden = true), 6000);
}

/** What a failed action tells the person; a lost race names the winner. */
function explain(e) {
  if (!(e instanceof ApiError)) return `Something went wrong: ${e.message}`;
  if (e.code === 'ALREADY_DECIDED') {
    const who = e.body.decidedBy?.name ?? 'someone';
    return `Already ${e.body.status ?? 'decided'} by ${who} at ${fmtTime(e.body.decidedAt)}.`;
  }
  if (e.code === 'STALE') return 'The candidate changed while you looked at it (a new message?). It has been reloaded: check it and try again.';
  if (e.code === 'USER_REQUIRED' || e.code === 'NOT_SDR') return state.me ? e.message : 'Pick who you are (top right) first.';
  return e.message;
}

// ---- team and "you are" -------------------------------------------------------------------------

async function loadTeam() {
  state.team = await api('GET', '/v1/desk/team');
  const me = $('me');
  me.replaceChildren(el('option', { value: '' }, 'choose…'));
  me.append(el('optgroup', { label: 'SDR desk' }, state.team.deciders.map((p) => el('option', { value: p.id }, p.name))));
  me.append(el('optgroup', { label: 'Account executives' }, state.team.aes.map((p) => el('option', { value: p.id }, p.name))));
  const known = [...state.team.deciders, ...state.team.aes].some((p) => p.id === state.me);
  if (!known) state.me = '';
  me.value = state.me;
  $('reject-reason').replaceChildren(el('option', { value: '' }, 'choose…'), ...state.team.rejectReasons.map((r) => el('option', { value: r.id }, r.label)));
  $('reassign-owner').replaceChildren(...state.team.sdrs.map((p) => el('option', { value: p.id }, p.name)));
}

function setMe(id) {
  state.me = id;
  if (id) localStorage.setItem(ME_KEY, id);
  else localStorage.removeItem(ME_KEY);
  void refresh();
}

// ---- header numbers and queue -------------------------------------------------------------------

async function refresh() {
  try {
    const q = state.me ? `?user=${encodeURIComponent(state.me)}` : '';
    state.stats = await api('GET', `/v1/desk/stats${q}`);
    renderStats(state.stats);
    if (state.tab === 'chats') await loadChats();
    renderQueue();
  } catch (e) {
    flash(explain(e), 'error');
  }
}

function renderStats(s) {
  const set = (name, text) => {
    const node = document.querySelector(`[data-stat="${name}"]`);
    if (node) node.textContent = text;
  };
  set('mine', state.me ? String(s.myQueue.length) : '–');
  set('team', String(s.teamQueue.length));
  set('mqls', String(s.mqlsToday));
  set('rate', s.approvalRate === null ? '–' : `${Math.round(s.approvalRate * 100)}%`);
  set('median', s.medianDecisionMinutes === null ? '–' : minutes(s.medianDecisionMinutes));
  set('breaches', String(s.breachesOpen));
  document.querySelector('[data-stat="breaches"]')?.classList.toggle('alert', s.breachesOpen > 0);
}

function minutes(m) {
  if (m < 90) return `${Math.round(m)} min`;
  if (m < 48 * 60) return `${(m / 60).toFixed(1)} h`;
  return `${(m / 1440).toFixed(1)} d`;
}

function renderQueue() {
  for (const tab of document.querySelectorAll('[data-queue]')) tab.setAttribute('aria-selected', String(tab.dataset.queue === state.tab));
  if (state.tab === 'chats') return renderChatList();
  if (!state.stats) return;
  $('queue-empty').classList.remove('error');
  const lines = state.tab === 'mine' ? state.stats.myQueue : state.stats.teamQueue;
  const list = $('queue-list');
  list.replaceChildren(
    ...lines.map((l) =>
      el(
        'li',
        { class: ['queue-line', l.overdue && 'overdue', l.hot && 'hot', l.candidateId === state.currentId && 'current'].filter(Boolean).join(' '), data: { candidate: l.candidateId } },
        el(
          'a',
          { href: `/console/candidates/${l.candidateId}`, on: { click: (e) => { e.preventDefault(); void open(l.candidateId, true); } } },
          el('span', { class: 'who' }, l.leadName ?? '(no name)'),
          el('span', { class: 'company' }, l.company ?? ''),
          el('span', { class: 'score' }, `${l.score}${l.grade ? ` · ${l.grade}` : ''}`),
          el('span', { class: 'owner' }, l.owner ? l.owner.name : 'unassigned'),
          el('span', { class: 'due' }, l.dueAt ? `due ${fmtTime(l.dueAt)}` : ''),
          l.hot ? el('span', { class: 'badge hot' }, 'hot') : null,
          l.overdue ? el('span', { class: 'badge overdue' }, 'overdue') : null,
          l.status === 'snoozed' ? el('span', { class: 'badge' }, 'snoozed') : null,
        ),
      ),
    ),
  );
  $('queue-empty').hidden = lines.length > 0;
  if (state.tab === 'mine' && !state.me) $('queue-empty').textContent = 'Pick who you are to see your queue.';
  else $('queue-empty').textContent = 'Nothing waiting.';
}

// ---- the card -----------------------------------------------------------------------------------

async function open(id, push) {
  closeChat();
  state.currentId = id;
  if (push && location.pathname !== `/console/candidates/${id}`) history.pushState({ id }, '', `/console/candidates/${id}`);
  try {
    state.current = await api('GET', `/v1/candidates/${encodeURIComponent(id)}`);
    renderCard();
    renderQueue();
  } catch (e) {
    $('card').replaceChildren(el('p', { class: 'error' }, explain(e)));
  }
}

function renderCard() {
  const { card, conversation, handoff } = state.current;
  const c = card.candidate;
  const lead = card.lead;
  const q = card.qualification;
  const undecided = c.status === 'open' || c.status === 'snoozed';

  const head = el(
    'header',
    { class: 'card-head' },
    el('h2', { id: 'card-title' }, lead.name ?? lead.email),
    el('p', { class: 'sub' }, [lead.title, lead.company].filter(Boolean).join(' · ') || lead.email),
    el(
      'p',
      { class: 'badges' },
      el('span', { class: `badge status ${c.status}`, id: 'card-status' }, label(c.status)),
      c.hot ? el('span', { class: 'badge hot' }, 'hot') : null,
      c.overdue ? el('span', { class: 'badge overdue' }, 'overdue') : null,
      c.escalations > 0 ? el('span', { class: 'badge' }, `escalated ×${c.escalations}`) : null,
      c.refreshes > 0 ? el('span', { class: 'badge' }, `updated ×${c.refreshes}`) : null,
    ),
  );

  const facts = el(
    'dl',
    { class: 'facts' },
    fact('Email', lead.email),
    fact('Country', lead.country),
    fact('Stage', label(lead.stage)),
    fact('Source', [lead.source, lead.channel && `(${label(lead.channel)})`].filter(Boolean).join(' ')),
    fact('Campaign', lead.campaign),
    fact('Owner', c.owner?.name ?? 'unassigned'),
    fact('Due', c.dueAt ? fmtTime(c.dueAt) : null),
    c.status === 'snoozed' ? fact('Snoozed until', fmtTime(c.snoozedUntil)) : null,
  );

  const decided = undecided
    ? null
    : el(
        'p',
        { class: `decided ${c.status}`, id: 'decided' },
        `${c.status === 'approved' ? 'Approved' : 'Rejected'} by ${c.decidedBy?.name ?? 'someone'} at ${fmtTime(c.decidedAt)}`,
        c.rejectReason ? ` · ${reasonLabel(c.rejectReason)}` : '',
        c.note ? el('span', { class: 'note' }, ` “${c.note}”`) : null,
      );

  const actions = undecided
    ? el(
        'div',
        { class: 'actions' },
        button('Approve', 'approve', () => void approve(), 'primary'),
        button('Reject…', 'reject', () => openReject(), 'danger'),
        button('Edit BANT…', 'edit-bant', () => openBant()),
        button('Snooze…', 'snooze', () => $('snooze-dialog').showModal()),
        button('Reassign…', 'reassign', () => openReassign()),
      )
    : null;

  const score = el(
    'section',
    { class: 'block' },
    el('h3', {}, 'Score'),
    el('p', { class: 'score-line' }, el('strong', {}, String(q.score)), q.grade ? ` · grade ${q.grade}` : '', ` · intent ${label(q.intent)}`),
    q.reasons.length ? el('ul', { class: 'reasons' }, q.reasons.map((r) => el('li', {}, `${r.points > 0 ? '+' : ''}${r.points} ${r.detail}`, r.evidence ? el('q', {}, r.evidence) : null))) : null,
  );

  const bant = el(
    'section',
    { class: 'block' },
    el('h3', {}, 'BANT'),
    el(
      'table',
      { class: 'bant' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Criterion'), el('th', {}, 'Machine'), el('th', {}, 'Evidence'), el('th', {}, 'SDR correction'))),
      el(
        'tbody',
        {},
        CRITERIA.map((k) => {
          const m = q.bant[k];
          const fix = q.correction?.[k];
          return el(
            'tr',
            { data: { criterion: k } },
            el('th', {}, k),
            el('td', { class: `st ${m.status}` }, label(m.status), extra(k, m)),
            el('td', {}, m.evidence ? el('q', {}, m.evidence) : el('span', { class: 'muted' }, '—')),
            el('td', {}, fix ? [fix.status ? el('span', { class: `st ${fix.status}` }, label(fix.status)) : null, fix.evidence ? el('q', {}, fix.evidence) : null, extra(k, fix)] : ''),
          );
        }),
      ),
    ),
    q.correction?.comment ? el('p', { class: 'note' }, `SDR: ${q.correction.comment}`) : null,
  );

  const words = el(
    'section',
    { class: 'block' },
    el('h3', {}, 'Latest words', card.latestAt ? el('small', {}, ` ${fmtTime(card.latestAt)}`) : null),
    card.latestWords ? el('blockquote', { class: 'words' }, card.latestWords) : el('p', { class: 'muted' }, 'No message yet.'),
  );

  const account = card.account
    ? el(
        'section',
        { class: 'block' },
        el('h3', {}, 'Account'),
        el('p', {}, card.account.name, card.account.domain ? ` · ${card.account.domain}` : '', card.account.industry ? ` · ${card.account.industry}` : '', card.account.employees ? ` · ${card.account.employees} people` : ''),
        card.account.contacts.length
          ? el('ul', { class: 'contacts' }, card.account.contacts.map((p) => el('li', {}, p.name ?? p.email, p.title ? ` · ${p.title}` : '', ` · ${label(p.stage)}`)))
          : el('p', { class: 'muted' }, 'No other contacts.'),
      )
    : null;

  const similar = el(
    'section',
    { class: 'block' },
    el('h3', {}, 'Similar past candidates'),
    card.similar.length
      ? el(
          'ul',
          { class: 'similar' },
          card.similar.map((s) =>
            el(
              'li',
              {},
              el('a', { href: `/console/candidates/${s.candidateId}`, on: { click: (e) => { e.preventDefault(); void open(s.candidateId, true); } } }, s.leadName ?? '(no name)'),
              s.company ? ` · ${s.company}` : '',
              ` · ${Math.round(s.similarity * 100)}% alike · ${label(s.status)}`,
              s.rejectReason ? ` (${reasonLabel(s.rejectReason)})` : '',
              s.outcome ? ` · sales: ${OUTCOME_LABELS[s.outcome] ?? label(s.outcome)}` : '',
            ),
          ),
        )
      : el('p', { class: 'muted' }, 'None yet.'),
  );

  const sales = handoff ? renderHandoff(handoff) : card.handoff ? el('section', { class: 'block' }, el('h3', {}, 'Handoff'), el('p', {}, `${card.handoff.ae.name} · ${label(card.handoff.status)}`)) : null;

  const thread = el(
    'section',
    { class: 'block' },
    el('h3', {}, 'Conversation'),
    conversation.length
      ? el(
          'ol',
          { class: 'thread' },
          conversation.map((m) =>
            el(
              'li',
              { class: `msg ${m.from}` },
              el('p', { class: 'msg-head' }, m.from === 'lead' ? (lead.name ?? lead.email) : 'Us', ` · ${fmtTime(m.at)}`, m.subject ? ` · ${m.subject}` : ''),
              el('p', { class: 'msg-text' }, m.text),
            ),
          ),
        )
      : el('p', { class: 'muted' }, 'No messages.'),
  );

  // An answer being written survives a redraw of the same card (another action, a refusal).
  const editing = document.getElementById('draft-text');
  const kept = editing && card.draft && editing.dataset.draft === card.draft.id ? editing.value : null;
  const draft = card.draft ? renderDraft(card.draft) : null;

  $('card').replaceChildren(head, decided ?? '', actions ?? '', el('div', { class: 'grid' }, facts, score), bant, words, draft ?? '', account ?? '', similar, sales ?? '', thread);
  if (kept !== null && document.getElementById('draft-text')) $('draft-text').value = kept;
}

/** "Integrations > HubSpot": the document, then the section when it has its own heading. */
const sourceLabel = (s) => (s.heading && s.heading !== s.title ? `${s.title} > ${s.heading}` : s.title);

/**
 * The grounded draft answer to the lead's emailed question(s): the answer the knowledge base found (or
 * none: the SDR writes it), editable, with its sources; Send sends the box's words (as an edit when they
 * differ from the proposal), Discard drops it. A decided draft says who sent or discarded it, and when.
 */
function renderDraft(d) {
  const questions = String(d.question ?? '').split('\n').map((q) => q.trim()).filter(Boolean);
  const sources = d.sources.length ? el('p', { class: 'draft-sources muted', id: 'draft-sources' }, `${d.sources.length === 1 ? 'Source' : 'Sources'}: ${d.sources.map(sourceLabel).join('; ')}`) : null;
  const asked = el('ul', { class: 'draft-questions', id: 'draft-questions' }, questions.map((q) => el('li', {}, el('q', {}, q))));
  const section = (...children) => el('section', { class: `block draft ${d.status}`, id: 'draft', data: { draft: d.id, status: d.status } }, el('h3', {}, 'Draft answer'), el('p', { class: 'muted' }, 'The lead asked:'), asked, ...children);
  if (d.status !== 'proposed') {
    const who = d.decidedBy?.name ?? 'someone';
    return section(
      el('p', { class: `decided ${d.status}`, id: 'draft-decided' }, `${d.status === 'sent' ? 'Sent' : 'Discarded'} by ${who} at ${fmtTime(d.decidedAt)}`),
      d.status === 'sent' && d.sentText ? el('blockquote', { class: 'words', id: 'draft-sent' }, d.sentText) : null,
      sources,
    );
  }
  const none = 'No answer in the knowledge base: write one';
  const input = el('textarea', { id: 'draft-text', class: 'draft-text', rows: 6, maxlength: 8000, placeholder: none, 'aria-label': 'The answer to send', data: { draft: d.id } });
  input.value = d.answer ?? '';
  return section(
    d.answer ? null : el('p', { class: 'draft-none', id: 'draft-none' }, `${none}.`),
    input,
    sources,
    el(
      'div',
      { class: 'actions' },
      button('Send', 'draft-send', () => void sendDraftAnswer(d), 'primary'),
      button('Discard', 'draft-discard', () => void draftAction(d, 'discard', undefined, 'Draft discarded: nothing was sent.')),
      el('span', { class: 'muted' }, 'Sent by email, threaded on their reply, signed with your name.'),
    ),
  );
}

async function sendDraftAnswer(d) {
  const text = $('draft-text').value.trim();
  if (!text) {
    flash(d.answer ? 'The answer is empty: write one, or discard the draft.' : 'No answer in the knowledge base: write one, then send it.', 'error');
    return;
  }
  // Unchanged words go as proposed, so the record says the SDR sent the knowledge base's answer.
  const body = text === (d.answer ?? '').trim() ? undefined : { text };
  await draftAction(d, 'send', body, 'Sent: the answer goes out by email, threaded on their reply.');
}

/** Sends or discards the open card's draft; the card is read again either way, and a lost race names who won. */
async function draftAction(d, action, body, done) {
  if (!state.me) {
    flash('Pick who you are (top right) first.', 'error');
    return;
  }
  for (const b of document.querySelectorAll('#draft button')) b.disabled = true;
  let failed = null;
  try {
    await api('POST', `/v1/drafts/${encodeURIComponent(d.id)}/${action}`, body);
  } catch (e) {
    failed = e;
  }
  await open(state.currentId, false);
  if (!failed) flash(done);
  else if (failed instanceof ApiError && failed.code === 'DRAFT_DECIDED') {
    const now = state.current?.card.draft;
    flash(now && now.id === d.id && now.status !== 'proposed' ? `Already ${now.status} by ${now.decidedBy?.name ?? 'someone'} at ${fmtTime(now.decidedAt)}.` : explain(failed), 'error');
  } else flash(explain(failed), 'error');
  void refresh();
}

function renderHandoff(h) {
  const next = NEXT_OUTCOMES[h.status] ?? [];
  return el(
    'section',
    { class: 'block handoff', id: 'handoff' },
    el('h3', {}, 'Handoff to sales'),
    el('p', {}, `${h.ae.name} · `, el('strong', { id: 'handoff-status' }, OUTCOME_LABELS[h.status] ?? label(h.status)), h.outcomeAt ? ` · ${fmtTime(h.outcomeAt)}` : ''),
    h.reason || h.note ? el('p', { class: 'note' }, [h.reason && label(h.reason), h.note].filter(Boolean).join(': ')) : null,
    h.brief?.doNotAsk?.length ? el('p', { class: 'muted' }, 'Do not ask again: ', h.brief.doNotAsk.join('; ')) : null,
    next.length
      ? el('div', { class: 'actions' }, next.map((o) => button(OUTCOME_LABELS[o], `outcome-${o}`, () => openOutcome(h, o), o === 'rejected' || o === 'lost' ? 'danger' : '')))
      : null,
  );
}

function fact(name, value) {
  if (value === null || value === undefined || value === '') return null;
  return el('div', {}, el('dt', {}, name), el('dd', {}, value));
}

function extra(kind, v) {
  if (!v) return null;
  if (kind === 'budget' && v.amount !== undefined) return el('small', {}, ` ${v.currency ?? ''} ${v.amount.toLocaleString()}`);
  if (kind === 'authority' && v.role) return el('small', {}, ` ${v.role}`);
  if (kind === 'timeline' && v.within_days !== undefined) return el('small', {}, ` within ${v.within_days} days`);
  return null;
}

function button(text, action, onClick, kind = '') {
  return el('button', { type: 'button', class: kind || null, data: { action }, on: { click: onClick } }, text);
}

// ---- actions ------------------------------------------------------------------------------------

/** Runs one action on the open candidate (or its handoff); an error is explained to the person. */
async function act(path, body, done) {
  if (!state.me) {
    flash('Pick who you are (top right) first.', 'error');
    return false;
  }
  const id = state.currentId;
  let ok = true;
  try {
    await api('POST', path, body);
    if (done) flash(done);
  } catch (e) {
    ok = false;
    flash(explain(e), 'error');
  }
  // Either way the card is read again: it shows the decision, or who won the race.
  await open(id, false);
  void refresh();
  return ok;
}

const candidatePath = (action) => `/v1/candidates/${encodeURIComponent(state.currentId)}/${action}`;
const version = () => state.current?.card.candidate.version;

async function approve() {
  await act(candidatePath('decision'), { action: 'approve', version: version() }, 'Approved: the lead is an MQL and goes to sales.');
}

function openReject() {
  $('reject-reason').value = '';
  $('reject-note').value = '';
  $('reject-dialog').showModal();
}

function openReassign() {
  const owner = state.current?.card.candidate.owner?.id;
  if (owner) $('reassign-owner').value = owner;
  $('reassign-dialog').showModal();
}

function openBant() {
  const { qualification: q } = state.current.card;
  const fields = $('bant-fields');
  fields.replaceChildren(
    ...CRITERIA.map((k) => {
      const shown = { ...q.bant[k], ...(q.correction?.[k] ?? {}) };
      return el(
        'fieldset',
        { data: { criterion: k } },
        el('legend', {}, k),
        el('label', {}, 'Status ', el('select', { name: `${k}.status` }, STATUSES.map((s) => el('option', { value: s, selected: s === shown.status }, label(s))))),
        el('label', {}, 'Evidence ', el('input', { name: `${k}.evidence`, value: shown.evidence ?? '', maxlength: 500 })),
      );
    }),
  );
  $('bant-comment').value = q.correction?.comment ?? '';
  $('bant-dialog').showModal();
}

/** Only what the SDR changed against what the card shows goes into the correction. */
function bantCorrection() {
  const { qualification: q } = state.current.card;
  const correction = {};
  for (const k of CRITERIA) {
    const shown = { ...q.bant[k], ...(q.correction?.[k] ?? {}) };
    const status = document.querySelector(`[name="${k}.status"]`).value;
    const evidence = document.querySelector(`[name="${k}.evidence"]`).value.trim();
    const change = {};
    if (status !== shown.status) change.status = status;
    if (evidence !== (shown.evidence ?? '') && evidence) change.evidence = evidence;
    if (Object.keys(change).length) correction[k] = change;
  }
  const comment = $('bant-comment').value.trim();
  if (comment) correction.comment = comment;
  return correction;
}

function openOutcome(h, outcome) {
  state.pendingOutcome = { handoff: h, outcome };
  $('outcome-title').textContent = OUTCOME_LABELS[outcome];
  $('outcome-reason').value = '';
  $('outcome-note').value = '';
  $('outcome-dialog').showModal();
}

function wireDialogs() {
  for (const close of document.querySelectorAll('dialog [data-close]')) close.addEventListener('click', () => close.closest('dialog')?.close());

  $('reject-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const reason = $('reject-reason').value;
    if (!reason) return flash('Choose a reason.', 'error');
    const note = $('reject-note').value.trim();
    $('reject-dialog').close();
    await act(candidatePath('decision'), { action: 'reject', reason, ...(note ? { note } : {}), version: version() }, 'Rejected.');
  });

  $('bant-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const correction = bantCorrection();
    if (!CRITERIA.some((k) => correction[k])) return flash('Change at least one criterion, or cancel.', 'error');
    $('bant-dialog').close();
    await act(candidatePath('bant'), { correction, version: version() }, 'BANT correction saved beside the machine answer.');
  });

  $('snooze-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('snooze-dialog').close();
    await act(candidatePath('snooze'), { minutes: Number($('snooze-minutes').value) }, 'Snoozed.');
  });

  $('reassign-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('reassign-dialog').close();
    await act(candidatePath('reassign'), { owner: $('reassign-owner').value }, 'Reassigned.');
  });

  $('outcome-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const p = state.pendingOutcome;
    if (!p) return;
    const reason = $('outcome-reason').value.trim();
    const note = $('outcome-note').value.trim();
    $('outcome-dialog').close();
    await act(`/v1/handoffs/${encodeURIComponent(p.handoff.id)}/outcome`, { outcome: p.outcome, ...(reason ? { reason } : {}), ...(note ? { note } : {}), version: p.handoff.version }, 'Outcome saved.');
  });
}

// ---- website chats ------------------------------------------------------------------------------

/** A person's name from the team file ("user:U1" or "U1"); the id when the team does not know them. */
function personName(actor) {
  if (!actor) return 'someone';
  const id = String(actor).replace(/^user:/, '');
  const t = state.team;
  const people = t ? [...t.deciders, ...t.sdrs, ...t.aes, t.teamLead] : [];
  return people.find((p) => p && p.id === id)?.name ?? id;
}

/** "www.acme.test/pricing" for a page address; the start of anything else. */
function pageLabel(page) {
  if (!page) return '';
  try {
    const u = new URL(page);
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return String(page).slice(0, 80);
  }
}

const personReasons = (notified) => (notified ?? []).filter((r) => Object.hasOwn(PERSON_REASONS, r));

async function loadChats() {
  try {
    const r = await api('GET', `/v1/chats?hours=${CHAT_HOURS}`);
    state.chats = r.chats;
    state.chatsError = null;
  } catch (e) {
    state.chatsError = e instanceof ApiError && e.status === 404 ? 'The website chat is not switched on in this service.' : explain(e);
  }
  if (state.tab === 'chats') renderQueue();
}

function renderChatList() {
  const list = $('queue-list');
  const chats = state.chats ?? [];
  list.replaceChildren(
    ...chats.map((c) => {
      const asks = personReasons(c.notified);
      return el(
        'li',
        { class: ['queue-line', 'chat-line', asks.length && 'asks-person', c.mode === 'human' && 'taken', c.id === state.chatId && 'current'].filter(Boolean).join(' '), data: { chat: c.id } },
        el(
          'a',
          { href: `/console/chats/${c.id}`, on: { click: (e) => { e.preventDefault(); void openChat(c.id, true); } } },
          el('span', { class: 'who' }, c.leadName ?? c.leadEmail ?? 'Visitor'),
          el('span', { class: 'score' }, c.score === null ? '' : String(c.score)),
          el('span', { class: 'company' }, pageLabel(c.page)),
          el('span', { class: 'owner' }, c.mode === 'human' ? `with ${personName(c.takenBy)}` : 'bot'),
          el('span', { class: 'due' }, `${c.visitorMessages} ${c.visitorMessages === 1 ? 'message' : 'messages'}${c.lastVisitorAt ? ` · ${fmtTime(c.lastVisitorAt)}` : ''}`),
          asks.map((r) => el('span', { class: 'badge hot', data: { reason: r } }, PERSON_REASONS[r])),
          c.mql ? el('span', { class: 'badge approved' }, 'MQL') : null,
        ),
      );
    }),
  );
  const empty = $('queue-empty');
  empty.hidden = chats.length > 0 && !state.chatsError;
  empty.textContent = state.chatsError ?? (state.chats ? 'No chats this week.' : 'Loading chats…');
  empty.classList.toggle('error', Boolean(state.chatsError));
}

/** Stops watching the open chat (another chat or a candidate is opened). */
function closeChat() {
  clearInterval(state.chatTimer);
  state.chatTimer = 0;
  state.chatId = null;
  state.chat = null;
  state.chatSeq = 0;
}

async function openChat(id, push) {
  closeChat();
  state.currentId = null;
  state.current = null;
  state.chatId = id;
  if (push && location.pathname !== `/console/chats/${id}`) history.pushState({ chat: id }, '', `/console/chats/${id}`);
  if (state.tab !== 'chats') {
    state.tab = 'chats';
    void loadChats();
  }
  renderQueue();
  buildChatPane();
  await readChat();
  // The visitor's event stream needs their token: the console reads the transcript again instead.
  state.chatTimer = setInterval(() => void readChat(), CHAT_POLL_MS);
}

/** Reads the open chat and draws what changed; one read at a time (a read asked for meanwhile follows it). */
async function readChat() {
  const id = state.chatId;
  if (!id) return;
  if (state.chatBusy === id) {
    state.chatAgain = true;
    return;
  }
  state.chatBusy = id;
  state.chatAgain = false;
  try {
    const t = await api('GET', `/v1/chat/sessions/${encodeURIComponent(id)}`);
    if (state.chatId !== id) return;
    state.chat = t;
    $('chat-error').hidden = true;
    renderChat();
  } catch (e) {
    if (state.chatId !== id) return;
    const node = $('chat-error');
    node.textContent = e instanceof ApiError && e.status === 404 ? 'There is no such chat (or the website chat is not switched on in this service).' : explain(e);
    node.hidden = false;
  } finally {
    if (state.chatBusy === id) state.chatBusy = null;
  }
  if (state.chatAgain && state.chatId === id) await readChat();
}

/** The pane's frame, drawn once per chat: later reads fill it in without touching the reply being written. */
function buildChatPane() {
  const input = el('textarea', { id: 'chat-reply-input', name: 'text', rows: 3, maxlength: 4000, placeholder: 'Write to the visitor…', 'aria-label': 'Reply to the visitor' });
  input.addEventListener('input', () => typed());
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      $('chat-reply-form').requestSubmit();
    }
  });
  const form = el(
    'form',
    { id: 'chat-reply-form', class: 'chat-reply' },
    input,
    el('div', { class: 'chat-reply-bar' }, el('span', { class: 'muted' }, 'Replying takes the chat over: the bot stays quiet until you release it.'), el('button', { type: 'submit', class: 'primary', data: { action: 'reply' } }, 'Send')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void sendReply();
  });
  $('card').replaceChildren(
    el(
      'div',
      { id: 'chat-pane', class: 'chat-pane' },
      el(
        'header',
        { class: 'card-head' },
        el('h2', { id: 'chat-title' }, 'Chat'),
        el('p', { class: 'sub', id: 'chat-sub' }),
        el('p', { class: 'badges', id: 'chat-badges' }),
      ),
      el('p', { id: 'chat-error', class: 'error', hidden: true }),
      el(
        'div',
        { class: 'actions' },
        button('Take over', 'takeover', () => void chatAction('takeover', 'You have the chat: the bot stays quiet until you release it.')),
        button('Release', 'release', () => void chatAction('release', 'Released: the bot answers the visitor again.')),
        el('span', { id: 'chat-candidate', class: 'chat-candidate' }),
      ),
      el(
        'div',
        { class: 'grid chat-grid' },
        el('section', { class: 'block' }, el('h3', {}, 'Transcript'), el('ol', { id: 'chat-transcript', class: 'thread chat-thread' }), form),
        el('section', { class: 'block', id: 'chat-qualification' }, el('h3', {}, 'What the chat learned'), el('p', { class: 'muted' }, 'Nothing yet.')),
      ),
    ),
  );
}

function renderChat() {
  const t = state.chat;
  if (!t || !document.getElementById('chat-pane')) return;
  const entry = state.chats?.find((c) => c.id === t.session_id);
  $('chat-title').textContent = entry?.leadName ?? entry?.leadEmail ?? (t.lead_id ? 'Known visitor' : 'Visitor');
  $('chat-sub').textContent = [pageLabel(t.page), t.lang === 'zh' ? 'Chinese' : 'English', `started ${fmtTime(t.started_at)}`].filter(Boolean).join(' · ');
  const human = t.mode === 'human';
  const mine = human && t.taken_by === `user:${state.me}`;
  $('chat-badges').replaceChildren(
    el('span', { class: `badge ${human ? 'taken' : ''}`, id: 'chat-mode' }, human ? `${mine ? 'You have' : `${personName(t.taken_by)} has`} this chat` : 'The bot answers'),
    ...personReasons(t.notified).map((r) => el('span', { class: 'badge hot', data: { reason: r } }, PERSON_REASONS[r])),
  );
  const take = document.querySelector('#chat-pane [data-action="takeover"]');
  const release = document.querySelector('#chat-pane [data-action="release"]');
  if (take) take.disabled = mine;
  if (release) release.disabled = !human;

  // New messages only: the transcript only grows, and redrawing it would lose the reader's place.
  const list = $('chat-transcript');
  const fresh = t.messages.filter((m) => m.seq > state.chatSeq);
  if (fresh.length) {
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(...fresh.map((m) => chatMessage(m)));
    state.chatSeq = fresh[fresh.length - 1].seq;
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  renderChatQualification(t);
  void renderChatCandidate(t);
}

function chatMessage(m) {
  const who = m.from === 'visitor' ? 'Visitor' : m.from === 'agent' ? personName(m.by) : 'Bot';
  const note = m.from === 'bot' && m.slot ? `asked: ${m.slot}` : m.kind === 'via_slack' ? 'from Slack' : '';
  return el(
    'li',
    { class: `msg chat-msg ${m.from}`, data: { seq: m.seq, from: m.from } },
    el('p', { class: 'msg-head' }, who, ` · ${fmtTime(m.at)}`, note ? ` · ${note}` : ''),
    el('p', { class: 'msg-text' }, m.text),
    m.sources?.length ? el('p', { class: 'msg-sources muted' }, 'Sources: ', m.sources.map((s) => [s.title, s.heading && s.heading !== s.title ? ` › ${s.heading}` : ''].join('')).join('; ')) : null,
  );
}

function renderChatQualification(t) {
  const q = t.qualification;
  const section = $('chat-qualification');
  const asked = t.asked.length ? el('p', { class: 'muted', id: 'chat-asked' }, `Asked so far: ${t.asked.join(', ')}`) : null;
  if (!q) {
    section.replaceChildren(el('h3', {}, 'What the chat learned'), el('p', { class: 'muted' }, 'Nothing yet.'), asked ?? '');
    return;
  }
  section.replaceChildren(
    el('h3', {}, 'What the chat learned'),
    el('p', { class: 'score-line', id: 'chat-score' }, el('strong', {}, String(Math.round(q.score))), q.grade ? ` · grade ${q.grade}` : '', ` · intent ${label(q.intent)}`, q.mql ? ' · MQL' : ''),
    el(
      'table',
      { class: 'bant' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Criterion'), el('th', {}, 'Status'), el('th', {}, 'Evidence'))),
      el(
        'tbody',
        {},
        CRITERIA.map((k) => {
          const m = q.bant[k];
          return el(
            'tr',
            { data: { criterion: k } },
            el('th', {}, k),
            el('td', { class: `st ${m.status}` }, label(m.status), extra(k, m)),
            el('td', {}, m.evidence ? el('q', {}, m.evidence) : el('span', { class: 'muted' }, '—')),
          );
        }),
      ),
    ),
    asked ?? '',
  );
}

/**
 * The lead's open candidate, when the chat made one: the transcript names it when the service says so
 * (candidate_id); otherwise it is looked up among the undecided candidates (cards read to compare the
 * lead, names first, at most 20, and not more than once per 10 s per lead).
 */
async function candidateOf(t) {
  if (t.candidate_id) return t.candidate_id;
  if (!t.lead_id) return null;
  const known = state.candidateOfLead.get(t.lead_id);
  if (known && (known.id || Date.now() - known.at < 10_000)) return known.id;
  state.candidateOfLead.set(t.lead_id, { id: null, at: Date.now() });
  const entry = state.chats?.find((c) => c.id === t.session_id);
  const names = new Set([entry?.leadName, entry?.leadEmail].filter(Boolean));
  const lines = (state.stats?.teamQueue ?? []).filter((l) => l.leadName === null || names.has(l.leadName));
  lines.sort((a, b) => Number(names.has(b.leadName)) - Number(names.has(a.leadName)));
  for (const l of lines.slice(0, 20)) {
    try {
      const c = await api('GET', `/v1/candidates/${encodeURIComponent(l.candidateId)}`);
      if (c.card.lead.id === t.lead_id) {
        state.candidateOfLead.set(t.lead_id, { id: l.candidateId, at: Date.now() });
        return l.candidateId;
      }
    } catch {
      // A candidate decided meanwhile: not this chat's open one.
    }
  }
  return null;
}

async function renderChatCandidate(t) {
  const id = await candidateOf(t);
  const node = document.getElementById('chat-candidate');
  if (!node || state.chat !== t) return;
  if (id) {
    if (node.dataset.candidate === id) return;
    node.dataset.candidate = id;
    node.replaceChildren(el('a', { href: `/console/candidates/${id}`, id: 'chat-candidate-link', on: { click: (e) => { e.preventDefault(); state.tab = 'team'; void open(id, true); } } }, 'Open the candidate card'));
  } else {
    delete node.dataset.candidate;
    node.replaceChildren(t.lead_id ? el('span', { class: 'muted' }, 'Known lead, no open candidate') : el('span', { class: 'muted' }, 'No email yet'));
  }
}

/** Take over or release; an error (another person has it, not an SDR) is explained. */
async function chatAction(action, done) {
  if (!state.me) {
    flash('Pick who you are (top right) first.', 'error');
    return;
  }
  try {
    await api('POST', `/v1/chat/sessions/${encodeURIComponent(state.chatId)}/${action}`);
    flash(done);
  } catch (e) {
    flash(explain(e), 'error');
  }
  await readChat();
  void loadChats();
}

async function sendReply() {
  const input = $('chat-reply-input');
  const text = input.value.trim();
  if (!text) return;
  if (!state.me) {
    flash('Pick who you are (top right) first.', 'error');
    return;
  }
  try {
    await api('POST', `/v1/chat/sessions/${encodeURIComponent(state.chatId)}/replies`, { text });
    input.value = '';
    state.lastTypingAt = 0;
  } catch (e) {
    // The words stay in the box, to send again once the chat is theirs.
    flash(explain(e), 'error');
  }
  await readChat();
  void loadChats();
}

/** Tells the visitor someone is typing, at most every 3 s; a refusal shows when the reply is sent. */
function typed() {
  if (!state.me || !state.chatId || !$('chat-reply-input').value.trim()) return;
  const now = Date.now();
  if (now - state.lastTypingAt < TYPING_EVERY_MS) return;
  state.lastTypingAt = now;
  api('POST', `/v1/chat/sessions/${encodeURIComponent(state.chatId)}/typing`).catch(() => {});
}

// ---- start --------------------------------------------------------------------------------------

function candidateFromPath() {
  const m = /^\/console\/candidates\/([0-9a-fA-F-]{36})\/?$/.exec(location.pathname);
  return m ? m[1] : null;
}

function chatFromPath() {
  const m = /^\/console\/chats\/([0-9a-fA-F-]{36})\/?$/.exec(location.pathname);
  return m ? m[1].toLowerCase() : null;
}

async function start() {
  wireDialogs();
  $('me').addEventListener('change', (e) => setMe(e.target.value));
  for (const tab of document.querySelectorAll('[data-queue]')) {
    tab.addEventListener('click', () => {
      state.tab = tab.dataset.queue;
      renderQueue();
      if (state.tab === 'chats') void loadChats();
    });
  }
  window.addEventListener('popstate', () => {
    const id = candidateFromPath();
    if (id) void open(id, false);
    const chat = chatFromPath();
    if (chat) void openChat(chat, false);
  });
  try {
    await loadTeam();
  } catch (e) {
    flash(explain(e), 'error');
    return;
  }
  if (!state.me) state.tab = 'team';
  await refresh();
  const id = candidateFromPath();
  if (id) await open(id, false);
  const chat = chatFromPath();
  if (chat) await openChat(chat, false);
  setInterval(() => void refresh(), REFRESH_MS);
  document.body.dataset.ready = 'true';
}

void start();
