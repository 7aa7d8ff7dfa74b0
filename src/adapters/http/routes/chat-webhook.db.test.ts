import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { candidatesOfLead } from '../../db/store/candidates.ts';
import { getLeadById } from '../../db/store/leads.ts';
import { currentEnrolment } from '../../db/store/sequences.ts';
import { enrolLead } from '../../../app/outreach/enrol.ts';
import { signBody } from '../../../domain/signing.ts';
import { candidateAnswer } from '../../../testing/desk.ts';
import { blankQualification, ScriptedEngine } from '../../../testing/engines.ts';
import { findSuppressions } from '../../db/store/suppressions.ts';
import { createOutreachHarness, type OutreachHarness } from '../../../testing/outreach.ts';
import { buildHttpServer } from '../server.ts';
import { TEST_API_KEY, testConfig } from '../test-support.ts';
import { chatWebhookRoutes } from './chat-webhook.ts';

// POST /v1/chat/webhook through the real server on a test database: the gateway's signature is the
// only credential, and a signed reply goes through the same pipeline as an email reply.

const SECRET = 'gateway-secret-0123456789';
const GATEWAY = '203.0.113.9';

let h: OutreachHarness;
let engine: ScriptedEngine;
let app: FastifyInstance;
let leadId: string;

beforeEach(async () => {
  engine = new ScriptedEngine('scripted', (input) => (/^STOP/.test(input.reply) ? { ...blankQualification(), intent: 'unsubscribe' } : candidateAnswer()));
  // Monday 2 March 2026, 10:00 UTC.
  h = await createOutreachHarness({ engine });
  app = await buildHttpServer(h.deps, testConfig({ BATON_API_KEY: TEST_API_KEY }), { routes: [chatWebhookRoutes({ deps: h.deps, secret: SECRET, maxBodyBytes: 8 * 1024 })] });
  leadId = await h.addLead('pat@buyer.test', { firstName: 'Pat', company: 'Buyer Inc', phone: '+1 (415) 555-0100' });
  await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
  await h.worker.runDue();
  expect(h.sink.messages).toHaveLength(1);
});
afterEach(async () => {
  await app.close();
  await h.close();
});

const nowSeconds = () => Math.floor(h.clock.now().getTime() / 1000);

function post(body: string, o: { secret?: string; ts?: number; signature?: string } = {}) {
  const ts = o.ts ?? nowSeconds();
  return app.inject({
    method: 'POST',
    url: '/v1/chat/webhook',
    remoteAddress: GATEWAY,
    headers: { 'content-type': 'application/json', 'x-baton-timestamp': String(ts), 'x-baton-signature': o.signature ?? signBody(o.secret ?? SECRET, ts, body), 'x-baton-event-id': 'evt' },
    payload: body,
  });
}

const event = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'message', id: 'wamid.HBgL001', lead: { email: 'Pat@Buyer.test' }, text: "yes, let's talk, we have budget approved for Q1", received_at: '2026-03-02T09:59:30Z', ...extra });

/** Rows anything on this route could have written. */
async function footprint() {
  const { rows } = await h.db.query<{ messages: number; jobs: number; audits: number }>(
    `SELECT (SELECT count(*)::int FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.channel = 'webhook') AS messages,
            (SELECT count(*)::int FROM jobs WHERE task = 'chat.reply') AS jobs,
            (SELECT count(*)::int FROM audit_log WHERE action LIKE 'chat.%') AS audits`,
  );
  return rows[0];
}

function errorCode(res: { statusCode: number; body: string }, status: number): string {
  expect(res.statusCode, res.body).toBe(status);
  const body = JSON.parse(res.body) as { error: { code: string; message: string } };
  expect(body.error.message.length).toBeGreaterThan(10);
  return body.error.code;
}

describe('POST /v1/chat/webhook', () => {
  it('a valid signed reply from an enrolled lead stops the enrolment, is qualified on the chat channel, and opens a candidate', async () => {
    const res = await post(event());
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ status: 'accepted', id: 'wamid.HBgL001' });
    // Stored at once, before the job runs.
    const { rows: stored } = await h.db.query<{ body_text: string; message_id: string; author: string; at: Date }>(
      `SELECT m.body_text, m.message_id, m.author, m.at FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.lead_id = $1 AND c.channel = 'webhook'`,
      [leadId],
    );
    expect(stored).toEqual([{ body_text: "yes, let's talk, we have budget approved for Q1", message_id: 'webhook:wamid.HBgL001', author: 'lead', at: new Date('2026-03-02T09:59:30Z') }]);

    await h.worker.runDue();
    expect(engine.inputs).toHaveLength(1);
    expect(engine.inputs[0]).toMatchObject({ channel: 'chat', reply: "yes, let's talk, we have budget approved for Q1", lead: { email: 'pat@buyer.test' } });
    // The thread is the lead's history: our fast-lane email is in it.
    expect(engine.inputs[0]?.thread).toEqual([expect.objectContaining({ from: 'us' })]);

    expect((await currentEnrolment(h.db, leadId))?.status).toBe('stopped');
    const { rows: q } = await h.db.query<{ intent: string; mql: boolean }>(`SELECT intent, mql FROM qualifications WHERE lead_id = $1`, [leadId]);
    expect(q).toEqual([{ intent: 'interested', mql: true }]);
    expect((await getLeadById(h.db, leadId))?.stage).toBe('mql_candidate');
    expect((await candidatesOfLead(h.db, leadId)).map((c) => c.status)).toEqual(['open']);

    // Nothing more goes out to this lead, whatever the time.
    await h.worker.runDue({ until: new Date('2026-03-20T00:00:00Z') });
    expect(h.sink.messages).toHaveLength(1);
  });

  it('an opt-out over chat suppresses the lead everywhere, as an email opt-out does', async () => {
    expect((await post(event({ id: 'e-stop', text: 'STOP' }))).statusCode).toBe(202);
    await h.worker.runDue();
    expect((await findSuppressions(h.db, ['pat@buyer.test'])).get('pat@buyer.test')?.reason).toBe('unsubscribed');
    expect((await currentEnrolment(h.db, leadId))?.status).toBe('stopped');
    expect((await getLeadById(h.db, leadId))?.stage).toBe('unsubscribed');
    expect(await candidatesOfLead(h.db, leadId)).toEqual([]);
  });

  it('refuses a forged, stale or replayed signature with 401 and stores nothing', async () => {
    const before = await footprint();
    expect(errorCode(await post(event(), { secret: 'not-the-secret' }), 401)).toBe('CHAT_WEBHOOK_SIGNATURE');
    expect(errorCode(await post(event(), { ts: nowSeconds() - 301 }), 401)).toBe('CHAT_WEBHOOK_SIGNATURE');
    expect(errorCode(await post(event(), { signature: 'v1=' }), 401)).toBe('CHAT_WEBHOOK_SIGNATURE');
    // Signed for another body.
    expect(errorCode(await post(event(), { signature: signBody(SECRET, nowSeconds(), event({ text: 'unsubscribe' })) }), 401)).toBe('CHAT_WEBHOOK_SIGNATURE');
    const noHeaders = await app.inject({ method: 'POST', url: '/v1/chat/webhook', remoteAddress: GATEWAY, headers: { 'content-type': 'application/json' }, payload: event() });
    expect(errorCode(noHeaders, 401)).toBe('CHAT_WEBHOOK_SIGNATURE');
    expect(await footprint()).toEqual(before);

    // A captured request sent again, byte for byte within the window: refused, and nothing new stored.
    const ts = nowSeconds();
    expect((await post(event(), { ts })).statusCode).toBe(202);
    const after = await footprint();
    h.clock.advance(30_000);
    expect(errorCode(await post(event(), { ts }), 401)).toBe('CHAT_EVENT_REPLAYED');
    expect(await footprint()).toEqual(after);
    // The gateway's own redelivery (signed again) is recognised and stored once.
    const again = await post(event());
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ status: 'duplicate', id: 'wamid.HBgL001' });
    expect(await footprint()).toEqual(after);
  });

  it('finds the lead by id, else email, else phone digits; an unknown lead is 404 and never created', async () => {
    expect((await post(event({ id: 'e-id', lead: { id: leadId } }))).statusCode).toBe(202);
    expect((await post(event({ id: 'e-phone', lead: { phone: '14155550100' } }))).statusCode).toBe(202);
    const before = await footprint();
    const unknown = await post(event({ id: 'e-unknown', lead: { phone: '+44 20 7946 0000' } }));
    expect(errorCode(unknown, 404)).toBe('NOT_FOUND');
    expect(unknown.json().error.message).toContain('a phone number alone never creates a lead');
    expect(await footprint()).toEqual(before);
    const { rows } = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM leads`);
    expect(rows[0]?.n).toBe(1);
  });

  it('answers malformed and oversized bodies with clear 400 and 413 errors', async () => {
    expect(errorCode(await post('{"type": "message", '), 400)).toBe('INVALID_JSON');
    expect(errorCode(await post(event({ lead: {} })), 400)).toBe('VALIDATION_FAILED');
    expect(errorCode(await post(event({ text: '   ' })), 400)).toBe('VALIDATION_FAILED');
    expect(errorCode(await post(event({ text: 'x'.repeat(4001) })), 400)).toBe('VALIDATION_FAILED');
    expect(errorCode(await post(event({ text: 'x'.repeat(9000) })), 413)).toBe('BODY_TOO_LARGE');
    const status = await post(JSON.stringify({ type: 'status', id: 's1', status: 'delivered' }));
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ status: 'ignored' });
    expect((await footprint())?.messages).toBe(0);
  });
});
