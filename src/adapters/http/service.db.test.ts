import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/db.ts';
import { createTestDeps } from '../../testing/deps.ts';
import { buildHttpServer } from './server.ts';
import { testConfig } from './test-support.ts';

// Probes, and the server on a real socket: loopback admission, chunked bodies, graceful shutdown.

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup(wrap: (db: Db) => Db = (db) => db, overrides: Parameters<typeof testConfig>[0] = {}) {
  const deps = await createTestDeps();
  // Closing twice is an error on the pg pool: a test that closes the database early shares this one close.
  let closed: Promise<void> | undefined;
  const closeDb = () => (closed ??= deps.close());
  cleanup.push(closeDb);
  const app = await buildHttpServer({ ...deps, db: wrap(deps.db) }, testConfig({ BATON_MAX_BODY_BYTES: 4096, ...overrides }));
  cleanup.push(() => app.close());
  return { deps, app, closeDb };
}

async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 });
}

describe('probes', () => {
  it('/healthz answers without the database; /readyz answers 200 while it works and 503 once it is closed', async () => {
    const { app, closeDb } = await setup();
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    await closeDb();
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'NOT_READY', message: 'the database does not answer' } });
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('/readyz fails when the database hangs instead of hanging with it', async () => {
    const { app } = await setup((db) => ({ ...bind(db), query: () => new Promise<never>(() => undefined) }));
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
  });
});

describe('on a real socket', () => {
  it('admits a loopback caller without a key and creates a lead', async () => {
    const { app } = await setup();
    const url = await listen(app);
    const res = await fetch(`${url}/v1/leads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'sock@tern.example' }) });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(((await res.json()) as { lead: { email: string } }).lead.email).toBe('sock@tern.example');
  });

  it('stops reading a chunked body (no Content-Length) at the limit: 413', async () => {
    const { app } = await setup();
    const url = new URL(await listen(app));
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/v1/leads', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write(`{"email":"big@tern.example","title":"`);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(1000));
      req.end('"}');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
  });

  it('answers a request Node cannot parse with the same JSON error shape', async () => {
    const { app } = await setup();
    const url = new URL(await listen(app));
    const send = (text: string) =>
      new Promise<{ head: string; body: unknown }>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
        let raw = '';
        socket.on('data', (c) => (raw += c.toString()));
        socket.on('close', () => resolve({ head: raw.slice(0, raw.indexOf('\r\n')), body: JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) }));
        socket.on('error', reject);
      });
    expect(await send('GARBAGE / HTTP/1.1\r\n\r\n')).toEqual({ head: 'HTTP/1.1 400 Bad Request', body: { error: { code: 'BAD_REQUEST', message: expect.any(String) } } });
    const huge = await send(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toEqual({ head: 'HTTP/1.1 431 Request Header Fields Too Large', body: { error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String) } } });
  });

  it('lets an in-flight request finish on close, then stops', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const { app } = await setup((db) => ({
      ...bind(db),
      transaction: async (fn) => {
        entered();
        await gate;
        return db.transaction(fn);
      },
    }));
    const url = await listen(app);
    const pending = fetch(`${url}/v1/leads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'late@tern.example' }) });
    await inside;
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false); // waiting for the request
    await expect(fetch(`${url}/healthz`)).rejects.toThrow(); // no new connections
    release();
    const res = await pending;
    expect(res.status).toBe(201);
    await closing;
    expect(closed).toBe(true);
  });
});

/** A Db whose methods stay bound when spread into a wrapper. */
function bind(db: Db): Db {
  return { kind: db.kind, query: db.query.bind(db), exec: db.exec.bind(db), transaction: db.transaction.bind(db), close: db.close.bind(db) };
}
