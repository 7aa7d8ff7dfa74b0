// Baton review console: the SDR desk in a browser, for teams without Slack. No framework, no build.
// Everything from the API is written as text nodes, never parsed as HTML: lead words are untrusted.

/* global document, window, location, history, localStorage, sessionStorage, fetch, Node, setTimeout, clearTimeout, setInterval */

const ME_KEY = 'baton.desk.me';
const API_KEY = 'baton.desk.key';
const REFRESH_MS = 5000;
const CRITERIA = ['budget', 'authority', 'need', 'timeline'];
const STATUSES = ['met', 'not_met', 'unknown'];
const OUTCOME_LABELS = { sql: 'Accepted as SQL', rejected: 'Rejected by sales', won: 'Won', lost: 'Lost' };
const NEXT_OUTCOMES = { pending: ['sql', 'rejected'], sql: ['won', 'lost'], rejected: [], won: [], lost: [] };

const state = {
  me: localStorage.getItem(ME_KEY) ?? '',
  tab: 'mine',
  currentId: null,
  current: null,
  team: null,
  stats: null,
  pendingOutcome: null,
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
  if (!state.stats) return;
  for (const tab of document.querySelectorAll('[data-queue]')) tab.setAttribute('aria-selected', String(tab.dataset.queue === state.tab));
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

  $('card').replaceChildren(head, decided ?? '', actions ?? '', el('div', { class: 'grid' }, facts, score), bant, words, account ?? '', similar, sales ?? '', thread);
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

// ---- start --------------------------------------------------------------------------------------

function candidateFromPath() {
  const m = /^\/console\/candidates\/([0-9a-fA-F-]{36})\/?$/.exec(location.pathname);
  return m ? m[1] : null;
}

async function start() {
  wireDialogs();
  $('me').addEventListener('change', (e) => setMe(e.target.value));
  for (const tab of document.querySelectorAll('[data-queue]')) {
    tab.addEventListener('click', () => {
      state.tab = tab.dataset.queue;
      renderQueue();
    });
  }
  window.addEventListener('popstate', () => {
    const id = candidateFromPath();
    if (id) void open(id, false);
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
  setInterval(() => void refresh(), REFRESH_MS);
  document.body.dataset.ready = 'true';
}

void start();
