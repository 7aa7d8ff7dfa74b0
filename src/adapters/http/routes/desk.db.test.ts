import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { candidatesOfLead } from '../../db/store/candidates.ts';
import { getDraft } from '../../db/store/drafts.ts';
import { getLeadById } from '../../db/store/leads.ts';
import { CONSOLE_CSP } from '../console/serve.ts';
import { auth, json, TEST_API_KEY } from '../test-support.ts';
import { createDeskFixture, type DeskFixture } from './desk-fixture.ts';

// The desk's HTTP API and the console's files, through the real server on a test database.

let fx: DeskFixture;
let pat: { leadId: string; candidateId: string };

beforeEach(async () => {
  fx = await createDeskFixture({ BATON_API_KEY: TEST_API_KEY });
  pat = await fx.candidate('pat@buyer.test', { firstName: 'Pat', lastName: 'Doe', company: 'Buyer Inc', title: 'VP of Sales' });
});
afterEach(async () => {
  await fx.close();
});

type Res = { statusCode: number; json: () => unknown; headers: Record<string, unknown>; body: string };
const as = (user?: string) => ({ ...json, ...auth, ...(user ? { 'x-baton-user': user } : {}) });
const get = (url: string, user?: string) => fx.app.inject({ method: 'GET', url, headers: as(user) });
const post = (url: string, payload: unknown, user?: string) => fx.app.inject({ method: 'POST', url, headers: as(user), payload: JSON.stringify(payload) });

function error(res: Res, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { error: Record<string, unknown> & { code: string; message: string; fields?: Record<string, string[]> } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  return body.error;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers read field by field
const body = (res: Res): any => {
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('the guard and the console page', () => {
  it('guards every API route with the key and serves the page without it, under a strict CSP', async () => {
    const urls = ['/v1/desk/team', '/v1/desk/stats', '/v1/candidates', `/v1/candidates/${pat.candidateId}`, '/v1/handoffs/0b5f8c1e-6d7a-4c59-9a53-2f0e7b1c4d2a'];
    for (const url of urls) error(await fx.app.inject({ url }), 401, 'UNAUTHENTICATED');
    error(await fx.app.inject({ method: 'POST', url: `/v1/candidates/${pat.candidateId}/decision`, headers: { ...json, 'x-baton-user': 'U1' }, payload: '{"action":"approve"}' }), 401, 'UNAUTHENTICATED');
    expect((await candidatesOfLead(fx.h.db, pat.leadId))[0]?.status).toBe('open');

    for (const url of ['/console', `/console/candidates/${pat.candidateId}`, '/console/chats/0b5f8c1e-6d7a-4c59-9a53-2f0e7b1c4d2a']) {
      const page = await fx.app.inject({ url, remoteAddress: '203.0.113.9' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(page.body).toContain('<script type="module" src="/console/assets/console.js"></script>');
      // No inline script or style: the CSP would refuse them.
      expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.body).not.toMatch(/ style=|<style/);
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');

    const js = await fx.app.inject({ url: '/console/assets/console.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect(js.body).not.toContain('innerHTML');
    expect((await fx.app.inject({ url: '/console/assets/console.css' })).headers['content-type']).toMatch(/^text\/css/);
    error(await fx.app.inject({ url: '/console/assets/..%2Fserve.ts' }), 404, 'NOT_FOUND');
    error(await fx.app.inject({ method: 'POST', url: '/console', headers: json, payload: '{}' }), 405, 'METHOD_NOT_ALLOWED');
  });

  it('without a key, answers loopback callers only', async () => {
    const open = await createDeskFixture();
    try {
      error(await open.app.inject({ url: '/v1/candidates', remoteAddress: '203.0.113.9' }), 403, 'LOOPBACK_ONLY');
      expect((await open.app.inject({ url: '/v1/desk/team', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('reading the desk', () => {
  it('GET /v1/desk/team lists who may decide, the SDRs, the AEs and the reject reasons', async () => {
    const team = body(await get('/v1/desk/team'));
    expect(team.deciders).toEqual([
      { id: 'U1', name: 'Ana' },
      { id: 'U2', name: 'Ben' },
      { id: 'U3', name: 'Cy' },
      { id: 'UL', name: 'Lena' },
    ]);
    expect(team.aes.map((p: { id: string }) => p.id)).toEqual(['UA1', 'UA2']);
    expect(team.rejectReasons).toContainEqual({ id: 'bad_timing', label: 'Bad timing' });
    expect(JSON.stringify(team)).not.toContain('@team.test');
  });

  it('GET /v1/candidates and /v1/desk/stats list the open queue; bad query values are 400', async () => {
    const list = body(await get('/v1/candidates?status=open'));
    expect(list.candidates).toHaveLength(1);
    expect(list.candidates[0]).toMatchObject({ candidateId: pat.candidateId, leadName: 'Pat Doe', company: 'Buyer Inc', status: 'open' });
    const stats = body(await get('/v1/desk/stats?user=U1'));
    expect(stats.teamQueue.map((l: { candidateId: string }) => l.candidateId)).toEqual([pat.candidateId]);
    expect(stats).toHaveProperty('mqlsToday');
    expect(error(await get('/v1/candidates?status=closed'), 400, 'VALIDATION_FAILED').fields).toHaveProperty('status');
    expect(error(await get('/v1/desk/stats?user=no%20spaces'), 400, 'VALIDATION_FAILED').fields).toHaveProperty('user');
  });

  it('GET /v1/candidates/:id answers the card and the whole conversation; bad and unknown ids are 400 and 404', async () => {
    const { card, conversation, handoff } = body(await get(`/v1/candidates/${pat.candidateId}`));
    expect(card.candidate).toMatchObject({ id: pat.candidateId, status: 'open', version: expect.any(Number) });
    expect(card.lead).toMatchObject({ id: pat.leadId, email: 'pat@buyer.test', company: 'Buyer Inc' });
    expect(card.qualification.bant.budget.evidence).toBe('a budget of $40k');
    expect(conversation.map((m: { from: string }) => m.from)).toEqual(['us', 'lead']);
    expect(conversation[1].text).toContain('We need a tool for this');
    expect(handoff).toBeNull();
    error(await get('/v1/candidates/not-a-uuid'), 400, 'INVALID_ID');
    error(await get('/v1/candidates/0b5f8c1e-6d7a-4c59-9a53-2f0e7b1c4d2a'), 404, 'NOT_FOUND');
  });
});

describe('deciding', () => {
  const decision = () => `/v1/candidates/${pat.candidateId}/decision`;

  it('refuses a missing person, someone outside the SDR group and bad bodies, naming the field', async () => {
    error(await post(decision(), { action: 'approve' }), 400, 'USER_REQUIRED');
    error(await post(decision(), { action: 'approve' }, 'UA1'), 403, 'NOT_SDR');
    error(await post(decision(), { action: 'approve' }, 'not a login'), 400, 'BAD_USER');
    const bad = error(await post(decision(), { action: 'maybe', extra: 1 }, 'U1'), 400, 'VALIDATION_FAILED');
    expect(Object.keys(bad.fields ?? {})).toEqual(expect.arrayContaining(['action']));
    expect(error(await post(decision(), { action: 'reject', reason: 'too_expensive' }, 'U1'), 400, 'VALIDATION_FAILED').fields).toHaveProperty('reason');
    error(await post(decision(), { action: 'reject' }, 'U1'), 400, 'DESK_BAD_REASON');
    error(await fx.app.inject({ method: 'POST', url: decision(), headers: as('U1'), payload: '[1]' }), 400, 'VALIDATION_FAILED');
    error(await post(decision(), { action: 'approve', version: 99 }, 'U1'), 409, 'STALE');
    expect((await candidatesOfLead(fx.h.db, pat.leadId))[0]?.status).toBe('open');
  });

  it('approve answers the decided card; a second decision is 409 naming who decided first and when', async () => {
    const { card } = body(await post(decision(), { action: 'approve', version: 1 }, 'U1'));
    expect(card.candidate).toMatchObject({ status: 'approved', decidedBy: { id: 'U1', name: 'Ana' } });
    expect((await getLeadById(fx.h.db, pat.leadId))?.stage).toBe('mql');

    const at = new Date(card.candidate.decidedAt).toISOString();
    const e = error(await post(decision(), { action: 'reject', reason: 'no_budget' }, 'U2'), 409, 'ALREADY_DECIDED');
    expect(e.message).toBe(`already approved by Ana at ${at}`);
    expect(e).toMatchObject({ decidedBy: { id: 'U1', name: 'Ana' }, decidedAt: at, status: 'approved' });
    error(await post(`/v1/candidates/${pat.candidateId}/snooze`, { minutes: 60 }, 'U2'), 409, 'ALREADY_DECIDED');
  });

  it('reject with a reason and note recycles the lead', async () => {
    const { card } = body(await post(decision(), { action: 'reject', reason: 'bad_timing', note: 'Call back in Q3' }, 'U2'));
    expect(card.candidate).toMatchObject({ status: 'rejected', rejectReason: 'bad_timing', note: 'Call back in Q3', decidedBy: { id: 'U2', name: 'Ben' } });
    expect((await getLeadById(fx.h.db, pat.leadId))?.stage).toBe('nurture');
  });
});

describe('changing an open candidate', () => {
  const url = (action: string) => `/v1/candidates/${pat.candidateId}/${action}`;

  it('POST bant stores the correction beside the machine answer; a bad correction is 400', async () => {
    const { card } = body(await post(url('bant'), { correction: { timeline: { status: 'met', evidence: 'start next month' }, comment: 'said on the phone' } }, 'U1'));
    expect(card.qualification.correction).toEqual({ timeline: { status: 'met', evidence: 'start next month' }, comment: 'said on the phone' });
    expect(card.qualification.bant.timeline.status).toBe('unknown');
    error(await post(url('bant'), { correction: { timeline: { status: 'maybe' } } }, 'U1'), 400, 'DESK_BAD_CORRECTION');
    expect(error(await post(url('bant'), { correction: 'met' }, 'U1'), 400, 'VALIDATION_FAILED').fields).toHaveProperty('correction');
  });

  it('POST snooze takes minutes from the service clock or an ISO time, not both', async () => {
    const { card } = body(await post(url('snooze'), { minutes: 90 }, 'U1'));
    expect(card.candidate.status).toBe('snoozed');
    expect(new Date(card.candidate.snoozedUntil).getTime()).toBe(fx.h.clock.now().getTime() + 90 * 60_000);
    const until = new Date(fx.h.clock.now().getTime() + 3 * 3_600_000).toISOString();
    expect(body(await post(url('snooze'), { until }, 'U1')).card.candidate.snoozedUntil).toBe(until);
    expect(error(await post(url('snooze'), { until, minutes: 5 }, 'U1'), 400, 'VALIDATION_FAILED').fields).toHaveProperty('until');
    expect(error(await post(url('snooze'), { until: 'tomorrow' }, 'U1'), 400, 'VALIDATION_FAILED').fields).toHaveProperty('until');
    error(await post(url('snooze'), { until: new Date(fx.h.clock.now().getTime() - 60_000).toISOString() }, 'U1'), 400, 'DESK_BAD_SNOOZE');
  });

  it('POST reassign hands it to another SDR, never to someone outside the group', async () => {
    const { card } = body(await post(url('reassign'), { owner: 'U3' }, 'U1'));
    expect(card.candidate.owner).toEqual({ id: 'U3', name: 'Cy' });
    error(await post(url('reassign'), { owner: 'UA1' }, 'U1'), 403, 'NOT_SDR');
    expect(error(await post(url('reassign'), {}, 'U1'), 400, 'VALIDATION_FAILED').fields).toHaveProperty('owner');
  });

  it('answers 405 for the wrong method', async () => {
    const res = await fx.app.inject({ method: 'GET', url: url('decision'), headers: as('U1') });
    error(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('POST');
  });
});

describe('handoffs', () => {
  it('an approval hands off; GET shows it; the AE records SQL then won; conflicts, strangers and stale versions are refused', async () => {
    const { card } = body(await post(`/v1/candidates/${pat.candidateId}/decision`, { action: 'approve' }, 'U1'));
    expect(card.handoff).toMatchObject({ status: 'pending' });
    const id: string = card.handoff.id;
    const ae: string = card.handoff.ae.id;

    const { handoff } = body(await get(`/v1/handoffs/${id}`));
    expect(handoff).toMatchObject({ id, candidateId: pat.candidateId, leadId: pat.leadId, status: 'pending', ae: { id: ae } });
    expect(body(await get(`/v1/candidates/${pat.candidateId}`)).handoff).toMatchObject({ id, status: 'pending' });
    error(await get('/v1/handoffs/0b5f8c1e-6d7a-4c59-9a53-2f0e7b1c4d2a'), 404, 'NOT_FOUND');
    error(await get('/v1/handoffs/nope'), 400, 'INVALID_ID');

    const outcome = `/v1/handoffs/${id}/outcome`;
    error(await post(outcome, { outcome: 'sql' }, 'U1'), 403, 'NOT_SALES');
    expect(error(await post(outcome, { outcome: 'maybe' }, ae), 400, 'VALIDATION_FAILED').fields).toHaveProperty('outcome');
    error(await post(outcome, { outcome: 'sql', version: handoff.version + 1 }, ae), 409, 'STALE');
    const sql = body(await post(outcome, { outcome: 'sql', version: handoff.version }, ae)).handoff;
    expect(sql).toMatchObject({ status: 'sql', outcomeBy: `user:${ae}` });
    expect((await getLeadById(fx.h.db, pat.leadId))?.stage).toBe('sql');
    const conflict = error(await post(outcome, { outcome: 'rejected', reason: 'not_ready' }, ae), 409, 'ALREADY_RECORDED');
    expect(conflict).toMatchObject({ status: 'sql', outcomeBy: { id: ae } });
    // An API caller with the key (a CRM syncing back) acts as itself.
    expect(body(await post(outcome, { outcome: 'won' })).handoff).toMatchObject({ status: 'won', outcomeBy: 'api:key' });
  });
});

describe('draft answers', () => {
  const HUBSPOT = { passageId: 'integrations.md#hubspot', documentId: 'integrations.md', title: 'Integrations', heading: 'HubSpot', anchor: 'hubspot' };

  /** A proposed draft on Pat's card, as desk.draft stores it (the knowledge base's answer, or none). */
  async function draft(answer: string | null): Promise<string> {
    const id = randomUUID();
    await fx.h.db.query(
      `INSERT INTO reply_drafts (id, lead_id, candidate_id, question, answer, sources, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'proposed', $7)`,
      [id, pat.leadId, pat.candidateId, 'Do you integrate with HubSpot?', answer, JSON.stringify(answer ? [HUBSPOT] : []), fx.h.clock.now()],
    );
    return id;
  }
  const url = (id: string, action: 'send' | 'discard') => `/v1/drafts/${id}/${action}`;
  const sendJobs = async (id: string) => (await fx.h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE task = 'desk.draft_send' AND payload->>'draftId' = $1`, [id])).rows[0]?.n;

  it('the card carries the draft; send as proposed answers the sent draft and queues one email; a second send is 409', async () => {
    const id = await draft('The HubSpot integration syncs contacts and companies both ways.');
    const { card } = body(await get(`/v1/candidates/${pat.candidateId}`));
    expect(card.draft).toMatchObject({ id, status: 'proposed', question: 'Do you integrate with HubSpot?', answer: expect.stringContaining('HubSpot'), sources: [{ title: 'Integrations', heading: 'HubSpot', label: 'HubSpot' }], decidedBy: null });

    // No body at all: as proposed.
    const res = await fx.app.inject({ method: 'POST', url: url(id, 'send'), headers: { ...auth, 'x-baton-user': 'U1' } });
    const sent = body(res).draft;
    expect(sent).toMatchObject({ id, status: 'sent', decidedBy: { id: 'U1', name: 'Ana' }, sentText: 'The HubSpot integration syncs contacts and companies both ways.' });
    expect(new Date(sent.decidedAt).getTime()).toBe(fx.h.clock.now().getTime());
    expect(await sendJobs(id)).toBe(1);

    const again = error(await post(url(id, 'send'), { text: 'Yes.' }, 'U2'), 409, 'DRAFT_DECIDED');
    expect(again.message).toMatch(/^already sent by Ana at /);
    expect(again).toMatchObject({ status: 'sent', decidedBy: { id: 'U1', name: 'Ana' } });
    error(await post(url(id, 'discard'), {}, 'U2'), 409, 'DRAFT_DECIDED');
    expect(await getDraft(fx.h.db, id)).toMatchObject({ status: 'sent', decidedBy: 'user:U1', sentText: 'The HubSpot integration syncs contacts and companies both ways.' });
    expect(await sendJobs(id)).toBe(1);
    expect(body(await get(`/v1/candidates/${pat.candidateId}`)).card.draft).toMatchObject({ id, status: 'sent', decidedBy: { name: 'Ana' } });
  });

  it('send with the edited text stores the edit; discard sends nothing', async () => {
    const edited = await draft('The HubSpot integration syncs contacts and companies both ways.');
    expect(body(await post(url(edited, 'send'), { text: '  Yes, both ways: contacts and companies.  ' }, 'U2')).draft).toMatchObject({ status: 'sent', sentText: 'Yes, both ways: contacts and companies.', decidedBy: { id: 'U2', name: 'Ben' } });
    expect((await getDraft(fx.h.db, edited))?.sentText).toBe('Yes, both ways: contacts and companies.');
    const audit = await fx.h.db.query<{ data: { edited: boolean } }>(`SELECT data FROM audit_log WHERE action = 'draft.sent' AND data->>'draft' = $1`, [edited]);
    expect(audit.rows.map((r) => r.data.edited)).toEqual([true]);

    const dropped = await draft('The HubSpot integration syncs contacts and companies both ways.');
    expect(body(await post(url(dropped, 'discard'), {}, 'U3')).draft).toMatchObject({ status: 'discarded', decidedBy: { id: 'U3', name: 'Cy' }, sentText: null });
    expect(await sendJobs(dropped)).toBe(0);
    error(await post(url(dropped, 'send'), {}, 'U1'), 409, 'DRAFT_DECIDED');
  });

  it('refuses a non-SDR, a missing answer without text, bad bodies and ids, unknown drafts and the wrong method', async () => {
    const none = await draft(null);
    expect(body(await get(`/v1/candidates/${pat.candidateId}`)).card.draft).toMatchObject({ id: none, answer: null, sources: [] });
    error(await post(url(none, 'send'), {}, 'UA1'), 403, 'NOT_SDR');
    error(await post(url(none, 'discard'), {}, 'UA1'), 403, 'NOT_SDR');
    // Without X-Baton-User nobody is named: a person sends drafts, as with decisions.
    error(await post(url(none, 'send'), {}), 400, 'USER_REQUIRED');
    expect(error(await post(url(none, 'send'), {}, 'U1'), 400, 'VALIDATION_FAILED').message).toMatch(/has no answer/);
    expect(error(await post(url(none, 'send'), { text: '   ' }, 'U1'), 400, 'VALIDATION_FAILED').fields).toHaveProperty('text');
    expect(error(await post(url(none, 'send'), { text: 42 }, 'U1'), 400, 'VALIDATION_FAILED').fields).toHaveProperty('text');
    expect(error(await post(url(none, 'send'), { text: 'x'.repeat(8001) }, 'U1'), 400, 'VALIDATION_FAILED').fields).toHaveProperty('text');
    expect(error(await post(url(none, 'send'), { answer: 'Yes' }, 'U1'), 400, 'VALIDATION_FAILED').fields?.['(body)']).toEqual(['unknown field(s): answer']);
    error(await post('/v1/drafts/not-a-uuid/send', {}, 'U1'), 400, 'INVALID_ID');
    error(await post('/v1/drafts/0b5f8c1e-6d7a-4c59-9a53-2f0e7b1c4d2a/discard', {}, 'U1'), 404, 'NOT_FOUND');
    for (const action of ['send', 'discard'] as const) {
      const res = await fx.app.inject({ method: 'GET', url: url(none, action), headers: as('U1') });
      error(res, 405, 'METHOD_NOT_ALLOWED');
      expect(res.headers.allow).toBe('POST');
    }
    error(await fx.app.inject({ method: 'POST', url: url(none, 'send'), headers: json, payload: '{}' }), 401, 'UNAUTHENTICATED');
    expect(await getDraft(fx.h.db, none)).toMatchObject({ status: 'proposed', decidedBy: null });

    // The SDR writes the answer the knowledge base did not have.
    expect(body(await post(url(none, 'send'), { text: 'Not yet: Ariba punchout is on our roadmap for Q3.' }, 'U1')).draft).toMatchObject({ status: 'sent', sentText: 'Not yet: Ariba punchout is on our roadmap for Q3.' });
  });
});
