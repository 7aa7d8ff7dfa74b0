import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import { moveLeadStage } from '../../app/leads.ts';
import type { ManualClock } from '../../domain/clock.ts';
import { createTestDeps } from '../../testing/deps.ts';
import { addSuppression } from '../db/store/suppressions.ts';
import { buildHttpServer } from './server.ts';
import { auth, json, testConfig, TEST_API_KEY } from './test-support.ts';

let deps: AppDeps & { clock: ManualClock; close: () => Promise<void> };
let app: FastifyInstance;
beforeAll(async () => {
  deps = await createTestDeps();
  app = await buildHttpServer(deps, testConfig({ BATON_API_KEY: TEST_API_KEY }));
});
afterAll(async () => {
  await app?.close();
  await deps?.close();
});

const post = (payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/leads', headers: { ...json, ...auth, ...headers }, payload: JSON.stringify(payload) });
const get = (id: string) => app.inject({ url: `/v1/leads/${id}`, headers: auth });

async function count(table: string): Promise<number> {
  const { rows } = await deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? 0;
}

/** Touches recorded: the first touch of each lead (on its row) and every later one (lead_sources). */
async function touches(): Promise<number> {
  return (await count('lead_sources')) + (await count('leads WHERE first_touched_at IS NOT NULL'));
}

interface LeadBody {
  created: boolean;
  lead: { id: string; email: string; first_name: string | null; title: string | null; stage: string; created_at: string };
}

describe('POST /v1/leads', () => {
  it('creates a lead (201, Location), then merges the same email (200) without erasing known values', async () => {
    const first = await post({ email: 'Dana@Kestrel.example', first_name: 'Dana', company: 'Kestrel', source: 'pricing-page', campaign: 'spring' });
    expect(first.statusCode).toBe(201);
    const a = first.json() as LeadBody;
    expect(a).toMatchObject({ created: true, lead: { email: 'dana@kestrel.example', first_name: 'Dana', stage: 'lead' } });
    expect(a.lead.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.headers.location).toBe(`/v1/leads/${a.lead.id}`);

    deps.clock.advance(60_000);
    const second = await post({ email: ' DANA@kestrel.example ', first_name: 'Someone Else', title: 'VP RevOps', channel: 'webhook', source: 'hubspot' });
    expect(second.statusCode).toBe(200);
    const b = second.json() as LeadBody;
    expect(b).toMatchObject({ created: false, lead: { id: a.lead.id, first_name: 'Dana', title: 'VP RevOps' } });
    expect(second.headers.location).toBeUndefined();
  });

  it('GET returns the stage, its history and the sources, keeping the original source after a touch from another channel', async () => {
    const created = (await post({ email: 'lee@osprey.example', source: 'demo-form', campaign: 'launch' })).json() as LeadBody;
    deps.clock.advance(60_000);
    await post({ email: 'lee@osprey.example', channel: 'partner', source: 'reseller-portal', partner: 'Acme Resellers' });
    deps.clock.advance(60_000);
    await moveLeadStage(deps, created.lead.id, { to: 'contacted', actor: 'sequence:welcome', reason: 'first email sent' });

    const res = await get(created.lead.id.toUpperCase());
    expect(res.statusCode).toBe(200);
    const detail = res.json() as {
      lead: { id: string; stage: string };
      history: { from: string; to: string; actor: string; reason: string }[];
      sources: { first: Record<string, unknown>; latest: Record<string, unknown>; all: Record<string, unknown>[] };
    };
    expect(detail.lead).toMatchObject({ id: created.lead.id, stage: 'contacted' });
    expect(detail.history).toEqual([expect.objectContaining({ from: 'lead', to: 'contacted', actor: 'sequence:welcome', reason: 'first email sent' })]);
    expect(detail.sources.first).toMatchObject({ channel: 'web_form', source: 'demo-form', campaign: 'launch', first_touch: true });
    expect(detail.sources.latest).toMatchObject({ channel: 'partner', source: 'reseller-portal', partner: 'Acme Resellers', first_touch: false });
    expect(detail.sources.all.map((s) => s.source)).toEqual(['demo-form', 'reseller-portal']);
  });

  it('refuses a suppressed address or domain with 409 CONTACT_SUPPRESSED and stores nothing', async () => {
    await addSuppression(deps.db, { kind: 'email', value: 'gone@acme.example', reason: 'unsubscribed', createdBy: 'test' });
    await addSuppression(deps.db, { kind: 'domain', value: 'competitor.example', reason: 'manual', createdBy: 'test' });
    const before = await count('leads');
    for (const email of ['Gone@Acme.example', 'spy@competitor.example']) {
      const res = await post({ email });
      expect(res.statusCode).toBe(409);
      expect((res.json() as { error: { code: string } }).error.code).toBe('CONTACT_SUPPRESSED');
    }
    expect(await count('leads')).toBe(before);
  });
});

describe('GET /v1/leads/:id', () => {
  it('answers 404 NOT_FOUND for an unknown id', async () => {
    const res = await get('0b5f8c1e-6d7a-4c59-9a53-2f0e7b1c4d2a');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'lead 0b5f8c1e-6d7a-4c59-9a53-2f0e7b1c4d2a was not found' } });
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer to a retry with the same key and body, without touching the store', async () => {
    const body = { email: 'kim@heron.example', first_name: 'Kim', source: 'contact-form' };
    const first = await post(body, { 'idempotency-key': 'form-submission-1' });
    expect(first.statusCode).toBe(201);
    const [sources, audit] = [await touches(), await count('audit_log')];

    deps.clock.advance(1_000);
    // The same body with its keys in another order and other whitespace is the same request.
    const retry = await app.inject({
      method: 'POST',
      url: '/v1/leads',
      headers: { ...json, ...auth, 'idempotency-key': 'form-submission-1' },
      payload: `{ "source": "contact-form",  "first_name": "Kim", "email": "kim@heron.example" }`,
    });
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.location).toBe(first.headers.location);
    expect([await touches(), await count('audit_log')]).toEqual([sources, audit]);

    // Without the key, the same body is a new touch: merged, 200.
    expect((await post(body)).statusCode).toBe(200);
  });

  it('refuses the same key with a different body (422 IDEMPOTENCY_KEY_REUSED)', async () => {
    await post({ email: 'ash@wren.example' }, { 'idempotency-key': 'k-reused' });
    const res = await post({ email: 'other@wren.example' }, { 'idempotency-key': 'k-reused' });
    expect(res.statusCode).toBe(422);
    expect((res.json() as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const { rows } = await deps.db.query(`SELECT 1 FROM leads WHERE email = 'other@wren.example'`);
    expect(rows).toHaveLength(0);
  });

  it('replays a refusal too: a suppressed answer stays the answer for that key', async () => {
    await addSuppression(deps.db, { kind: 'email', value: 'bounced@finch.example', reason: 'bounced', createdBy: 'test' });
    const first = await post({ email: 'bounced@finch.example' }, { 'idempotency-key': 'k-suppressed' });
    const again = await post({ email: 'bounced@finch.example' }, { 'idempotency-key': 'k-suppressed' });
    expect([first.statusCode, again.statusCode]).toEqual([409, 409]);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('does not store validation failures: the key stays free for the corrected request', async () => {
    expect((await post({ email: 'typo@' }, { 'idempotency-key': 'k-fixed' })).statusCode).toBe(400);
    expect((await post({ email: 'fixed@plover.example' }, { 'idempotency-key': 'k-fixed' })).statusCode).toBe(201);
  });

  it('lets only one of two concurrent requests with one key do the work', async () => {
    const body = { email: 'twice@kite.example' };
    const sources = await touches();
    const answers = await Promise.all([post(body, { 'idempotency-key': 'k-race' }), post(body, { 'idempotency-key': 'k-race' })]);
    const statuses = answers.map((r) => r.statusCode).sort();
    // The loser either replays the stored 201 or is told the key is in use (409), never runs again.
    expect([[201, 201], [201, 409]]).toContainEqual(statuses);
    expect(await touches()).toBe(sources + 1);
  });

  it('answers 409 while a claim is pending, and takes over a claim left by a dead request', async () => {
    const body = { email: 'stale@egret.example' };
    const { requestHash } = await import('./idempotency.ts');
    await deps.db.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, response, status_code, created_at) VALUES ('POST /v1/leads', 'k-stale', $1, 'null'::jsonb, 0, $2)`,
      [requestHash(body), deps.clock.now()],
    );
    const busy = await post(body, { 'idempotency-key': 'k-stale' });
    expect(busy.statusCode).toBe(409);
    expect((busy.json() as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    deps.clock.advance(61_000);
    expect((await post(body, { 'idempotency-key': 'k-stale' })).statusCode).toBe(201);
    expect((await post(body, { 'idempotency-key': 'k-stale' })).headers['idempotent-replayed']).toBe('true');
  });
});

describe('/metrics after intake', () => {
  it('counts leads created and merged by channel', async () => {
    const server = await buildHttpServer(deps, testConfig({ BATON_API_KEY: TEST_API_KEY }));
    try {
      const send = (payload: unknown) =>
        server.inject({ method: 'POST', url: '/v1/leads', headers: { ...json, ...auth }, payload: JSON.stringify(payload) });
      await send({ email: 'm1@metrics.example' });
      await send({ email: 'm1@metrics.example', channel: 'webhook' });
      await send({ email: 'm2@metrics.example', channel: 'webhook' });
      const text = (await server.inject({ url: '/metrics', headers: auth })).body;
      expect(text).toContain('baton_leads_created_total{channel="web_form"} 1');
      expect(text).toContain('baton_leads_created_total{channel="webhook"} 1');
      expect(text).toContain('baton_leads_merged_total{channel="webhook"} 1');
      expect(text).toContain('baton_http_requests_total{method="POST",route="/v1/leads",status="201"} 2');
    } finally {
      await server.close();
    }
  });
});
