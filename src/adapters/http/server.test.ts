import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { auth, buildBareServer, capturingLogger, json, TEST_API_KEY } from './test-support.ts';

// Every request here is refused (or answered) before the store: the database fails any call.

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function server(overrides: Parameters<typeof buildBareServer>[0] = { BATON_API_KEY: TEST_API_KEY }) {
  const built = await buildBareServer(overrides);
  app = built.app;
  return built;
}

function expectError(res: { statusCode: number; json: () => unknown; headers: Record<string, unknown> }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json() as { error: { code: string; message: string; fields?: Record<string, string[]> } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  return body.error;
}

const post = (payload: unknown, headers: Record<string, string> = { ...json, ...auth }) => ({
  method: 'POST' as const,
  url: '/v1/leads',
  headers,
  payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
});

describe('authentication with BATON_API_KEY set', () => {
  it('refuses a request without a key (401, with a Bearer challenge)', async () => {
    const { app, db } = await server();
    const res = await app.inject(post({ email: 'a@b.example' }, json));
    const err = expectError(res, 401, 'UNAUTHENTICATED');
    expect(err.message).toContain('Authorization: Bearer');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="baton"');
    expect(db.calls).toBe(0);
  });

  it('refuses a wrong key, a key of another length and another scheme', async () => {
    const { app } = await server();
    for (const authorization of [`Bearer ${TEST_API_KEY.replace(/.$/, 'x')}`, 'Bearer short', `Basic ${TEST_API_KEY}`, 'Bearer']) {
      expectError(await app.inject(post({ email: 'a@b.example' }, { ...json, authorization })), 401, 'INVALID_API_KEY');
    }
  });

  it('asks loopback callers for the key too', async () => {
    const { app } = await server();
    expectError(await app.inject({ ...post({}, json), remoteAddress: '127.0.0.1' }), 401, 'UNAUTHENTICATED');
  });

  it('guards GET /v1/leads/:id and /metrics, and leaves the probes open', async () => {
    const { app } = await server();
    expectError(await app.inject({ url: '/v1/leads/0b5f8c1e-6d7a-4c59-9a53-2f0e7b1c4d2a' }), 401, 'UNAUTHENTICATED');
    expectError(await app.inject({ url: '/metrics' }), 401, 'UNAUTHENTICATED');
    expect((await app.inject({ url: '/metrics', headers: auth })).statusCode).toBe(200);
    expect((await app.inject({ url: '/healthz', remoteAddress: '203.0.113.9' })).statusCode).toBe(200);
  });
});

describe('without BATON_API_KEY: loopback callers only', () => {
  it('refuses a remote caller with a message that says to set BATON_API_KEY', async () => {
    const { app, db } = await server({});
    for (const remoteAddress of ['203.0.113.9', '10.0.0.5', '::ffff:10.0.0.5', '2001:db8::1', '128.0.0.1']) {
      const err = expectError(await app.inject({ ...post({ email: 'a@b.example' }, json), remoteAddress }), 403, 'LOOPBACK_ONLY');
      expect(err.message).toContain('set BATON_API_KEY');
    }
    expectError(await app.inject({ url: '/metrics', remoteAddress: '203.0.113.9' }), 403, 'LOOPBACK_ONLY');
    expect(db.calls).toBe(0);
  });

  it('admits 127.0.0.0/8, ::1 and IPv4-mapped loopback (they reach validation)', async () => {
    const { app } = await server({});
    for (const remoteAddress of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expectError(await app.inject({ ...post({ email: 'nope' }, json), remoteAddress }), 400, 'VALIDATION_FAILED');
    }
  });

  it('refuses a loopback request forwarded by a local proxy', async () => {
    const { app } = await server({});
    expectError(await app.inject({ ...post({}, { ...json, 'x-forwarded-for': '203.0.113.9' }) }), 403, 'LOOPBACK_ONLY');
    expectError(await app.inject({ ...post({}, { ...json, forwarded: 'for=203.0.113.9' }) }), 403, 'LOOPBACK_ONLY');
  });
});

describe('bad requests get 4xx with one error shape, before the store', () => {
  it('broken JSON -> 400 INVALID_JSON, without quoting the body', async () => {
    const { app } = await server();
    const err = expectError(await app.inject(post('{"email": "dana@kestrel.example",')), 400, 'INVALID_JSON');
    expect(err.message).not.toContain('dana');
  });

  it('an empty JSON body -> 400, a missing body -> 400', async () => {
    const { app } = await server();
    expectError(await app.inject(post('')), 400, 'EMPTY_BODY');
    expectError(await app.inject({ method: 'POST', url: '/v1/leads', headers: auth }), 400, 'VALIDATION_FAILED');
  });

  it('prototype poisoning -> 400', async () => {
    const { app } = await server();
    expectError(await app.inject(post('{"email":"a@b.example","__proto__":{"admin":true}}')), 400, 'INVALID_JSON');
  });

  it('a body that is not an object -> 400', async () => {
    const { app } = await server();
    for (const body of ['[]', '"dana@kestrel.example"', '42', 'null']) {
      expectError(await app.inject(post(body)), 400, 'VALIDATION_FAILED');
    }
  });

  it('a wrong content type -> 415', async () => {
    const { app, db } = await server();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      expectError(await app.inject(post('email=a%40b.example', { ...auth, 'content-type': type })), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    expect(db.calls).toBe(0);
  });

  it('a body over BATON_MAX_BODY_BYTES -> 413 naming the limit', async () => {
    const { app } = await server({ BATON_API_KEY: TEST_API_KEY, BATON_MAX_BODY_BYTES: 2048 });
    const big = JSON.stringify({ email: 'a@b.example', attributes: { note: 'x'.repeat(1900) }, title: 'y'.repeat(300) });
    const err = expectError(await app.inject(post(big)), 413, 'BODY_TOO_LARGE');
    expect(err.message).toContain('2048 bytes');
  });

  it('field errors -> 400 with each field named', async () => {
    const { app } = await server();
    const res = await app.inject(post({ email: 'not-an-email', phone: 'call me', time_zone: 'Mars/Olympus', channel: 'fax', employees: -3, source: '' }));
    const err = expectError(res, 400, 'VALIDATION_FAILED');
    expect(Object.keys(err.fields ?? {}).sort()).toEqual(['channel', 'email', 'employees', 'phone', 'source', 'time_zone']);
    expect(err.fields?.email).toEqual(['is not a valid email address']);
    expect(err.fields?.channel?.[0]).toContain('web_form');
    expect(err.message).toContain('email');
  });

  it('a missing email -> 400 naming it', async () => {
    const { app } = await server();
    const err = expectError(await app.inject(post({ first_name: 'Dana' })), 400, 'VALIDATION_FAILED');
    expect(err.fields).toEqual({ email: ['is required'] });
  });

  it('unknown fields -> 400 naming each one', async () => {
    const { app } = await server();
    const err = expectError(await app.inject(post({ email: 'a@b.example', favourite_colour: 'teal', Email: 'x' })), 400, 'VALIDATION_FAILED');
    expect(err.fields).toEqual({ favourite_colour: ['is not a known field'], Email: ['is not a known field'] });
  });

  it('a malformed Idempotency-Key -> 400', async () => {
    const { app } = await server();
    expectError(await app.inject(post({ email: 'a@b.example' }, { ...json, ...auth, 'idempotency-key': 'k'.repeat(256) })), 400, 'IDEMPOTENCY_KEY_INVALID');
  });

  it('a lead id that is not a UUID -> 400, never reaching Postgres', async () => {
    const { app, db } = await server();
    for (const id of ['42', 'dana@kestrel.example', '0b5f8c1e-6d7a-4c59-9a53-2f0e7b1c4d2', "x' OR 1=1 --"]) {
      expectError(await app.inject({ url: `/v1/leads/${encodeURIComponent(id)}`, headers: auth }), 400, 'INVALID_ID');
    }
    expect(db.calls).toBe(0);
  });

  it('an unknown route -> 404 JSON; a known path with the wrong method -> 405 with Allow', async () => {
    const { app } = await server();
    expectError(await app.inject({ url: '/v2/nothing?email=a@b.example' }), 404, 'ROUTE_NOT_FOUND');
    const listing = await app.inject({ url: '/v1/leads', headers: auth });
    expectError(listing, 405, 'METHOD_NOT_ALLOWED');
    expect(listing.headers.allow).toBe('POST');
    const del = await app.inject({ method: 'DELETE', url: '/v1/leads/0b5f8c1e-6d7a-4c59-9a53-2f0e7b1c4d2a', headers: auth });
    expectError(del, 405, 'METHOD_NOT_ALLOWED');
    expect(del.headers.allow).toBe('GET, HEAD');
    expectError(await app.inject({ method: 'POST', url: '/healthz', ...json, payload: '{}' }), 405, 'METHOD_NOT_ALLOWED');
  });

  it('a malformed URL -> 400 JSON', async () => {
    const { app } = await server();
    expectError(await app.inject({ url: '/v1/leads/%E0%A4%A', headers: auth }), 400, 'BAD_URL');
  });
});

describe('unexpected errors', () => {
  it('answer 500 with a generic message and the request id, and log without the body or PII', async () => {
    const log = capturingLogger();
    const built = await buildBareServer({ BATON_API_KEY: TEST_API_KEY }, log.logger);
    app = built.app;
    const res = await app.inject(post({ email: 'dana@kestrel.example', first_name: 'Dana' }, { ...json, ...auth, 'x-request-id': 'req-abc-123' }));
    const err = expectError(res, 500, 'INTERNAL');
    expect(err.message).toContain('req-abc-123');
    expect(err.message).not.toContain('database');
    expect(res.headers['x-request-id']).toBe('req-abc-123');
    const failed = log.lines.find((l) => l.msg === 'request failed');
    expect(failed).toMatchObject({ reqId: 'req-abc-123', level: 50, err: { message: 'the database must not be touched' } });
    expect(log.text()).not.toContain('dana');
    expect(log.text()).not.toContain(TEST_API_KEY);
  });

  it('request log lines carry the route pattern, not the URL', async () => {
    const log = capturingLogger();
    const built = await buildBareServer({ BATON_API_KEY: TEST_API_KEY }, log.logger);
    app = built.app;
    await app.inject({ url: '/v1/leads/dana@kestrel.example', headers: auth });
    await app.inject({ url: '/nowhere/dana@kestrel.example?email=dana@kestrel.example' });
    const requests = log.lines.filter((l) => l.msg === 'request');
    expect(requests.map((l) => [l.route, l.status, l.errorCode])).toEqual([
      ['/v1/leads/:id', 400, 'INVALID_ID'],
      ['(no route)', 404, 'ROUTE_NOT_FOUND'],
    ]);
    expect(log.text()).not.toContain('dana');
  });

  it('a caller-supplied request id that is not plain is replaced', async () => {
    const { app } = await server();
    const res = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b\nc' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('/metrics', () => {
  it('serves Prometheus text with process metrics and request counts by route', async () => {
    const { app } = await server();
    await app.inject({ url: '/healthz' });
    await app.inject({ url: '/nowhere' });
    const res = await app.inject({ url: '/metrics', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toContain('baton_http_requests_total{method="GET",route="/healthz",status="200"} 1');
    expect(res.body).toContain('baton_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(res.body).toMatch(/baton_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/healthz",status="200"\} \d/);
    expect(res.body).toContain('# TYPE baton_leads_created_total counter');
  });

  it('keeps one registry per server, so two servers do not collide', async () => {
    const a = await buildBareServer({ BATON_API_KEY: TEST_API_KEY });
    const b = await buildBareServer({ BATON_API_KEY: TEST_API_KEY });
    try {
      await a.app.inject({ url: '/healthz' });
      const text = (await b.app.inject({ url: '/metrics', headers: auth })).body;
      expect(text).not.toContain('route="/healthz"');
    } finally {
      await a.app.close();
      await b.app.close();
    }
  });
});
