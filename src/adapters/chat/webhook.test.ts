import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatSendRequest } from '../../app/chat/provider.ts';
import { ManualClock } from '../../domain/clock.ts';
import { signBody } from '../../domain/signing.ts';
import { DeferJobError, PermanentJobError } from '../queue/errors.ts';
import { createWebhookChatProvider, verifyChatWebhook, type WebhookMessageBody } from './webhook.ts';

// A local HTTP server plays the gateway: it checks our signature with the exported verifier, as a
// gateway author would, and answers what each test scripts.

const SECRET = 'gateway-secret-0123456789';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  signatureValid: boolean;
}

let server: Server;
let url: string;
let received: Received[];
let answer: { status: number; body?: string; headers?: Record<string, string> };
const clock = new ManualClock('2026-03-02T10:00:00Z');

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const nowSeconds = Math.floor(clock.now().getTime() / 1000);
      const signatureValid = verifyChatWebhook(SECRET, { timestamp: req.headers['x-baton-timestamp'] as string, signature: req.headers['x-baton-signature'] as string, body: raw }, nowSeconds);
      received.push({ headers: req.headers, raw, signatureValid });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/baton`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received = [];
  answer = { status: 200 };
});

const request: ChatSendRequest = {
  leadId: '0195a1b2-0000-7000-8000-000000000001',
  text: 'Hi Pat, a quick one from Ann: is now a good time?',
  messageId: '0195a1b2-0000-7000-8000-0000000000aa',
  conversationId: null,
  lead: { email: 'pat@buyer.test', phone: '+1 415 555 0100', name: 'Pat Doe' },
};

describe('the signed-webhook chat provider (our requests to the gateway)', () => {
  it('POSTs the message signed over "<ts>.<body>", and a 200 with external_id is sent', async () => {
    answer = { status: 200, body: '{"external_id":"SM123"}' };
    const provider = createWebhookChatProvider({ url, secret: SECRET, clock });
    expect(provider.name).toBe('webhook');
    expect(await provider.send(request)).toEqual({ status: 'sent', externalId: 'SM123' });
    expect(received).toHaveLength(1);
    const got = received[0];
    if (!got) throw new Error('nothing received');
    expect(got.signatureValid).toBe(true);
    expect(got.headers['x-baton-timestamp']).toBe(String(Math.floor(clock.now().getTime() / 1000)));
    expect(got.headers['x-baton-event-id']).toBe(request.messageId);
    expect(got.headers['x-baton-signature']).toBe(signBody(SECRET, Number(got.headers['x-baton-timestamp']), got.raw));
    const body = JSON.parse(got.raw) as WebhookMessageBody;
    expect(body).toEqual({
      type: 'message',
      id: request.messageId,
      lead: { id: request.leadId, email: 'pat@buyer.test', phone: '+1 415 555 0100', name: 'Pat Doe' },
      text: request.text,
      sent_at: '2026-03-02T10:00:00.000Z',
    });
    // A gateway with another secret, or a body changed on the way, fails the check.
    const ts = got.headers['x-baton-timestamp'] as string;
    expect(verifyChatWebhook('another-secret', { timestamp: ts, signature: got.headers['x-baton-signature'] as string, body: got.raw }, Number(ts))).toBe(false);
    expect(verifyChatWebhook(SECRET, { timestamp: ts, signature: got.headers['x-baton-signature'] as string, body: got.raw.replace('Pat', 'Pam') }, Number(ts))).toBe(false);
    // Ten minutes later the same request is stale.
    expect(verifyChatWebhook(SECRET, { timestamp: ts, signature: got.headers['x-baton-signature'] as string, body: got.raw }, Number(ts) + 600)).toBe(false);
  });

  it('a 200 without a body is sent; a lead without a phone is still sent (the gateway decides)', async () => {
    const provider = createWebhookChatProvider({ url, secret: SECRET, clock });
    expect(await provider.send({ ...request, lead: { email: 'pat@buyer.test', phone: null, name: null } })).toEqual({ status: 'sent' });
    expect((JSON.parse(received[0]?.raw ?? '{}') as WebhookMessageBody).lead.phone).toBeNull();
  });

  it('a 500 is transient: it throws an error the job retries (not permanent)', async () => {
    answer = { status: 500, body: '{"error":"down"}' };
    const provider = createWebhookChatProvider({ url, secret: SECRET, clock });
    const err = await provider.send(request).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CHAT_WEBHOOK_FAILED' });
    expect(err).not.toBeInstanceOf(PermanentJobError);
    expect(err).not.toBeInstanceOf(DeferJobError);
  });

  it('a 429 with Retry-After defers the job until then; without it, it is retried with backoff', async () => {
    answer = { status: 429, headers: { 'retry-after': '120' } };
    const provider = createWebhookChatProvider({ url, secret: SECRET, clock });
    const err = await provider.send(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeferJobError);
    expect((err as DeferJobError).runAt.toISOString()).toBe('2026-03-02T10:02:00.000Z');
    answer = { status: 429 };
    const plain = await provider.send(request).catch((e: unknown) => e);
    expect(plain).toMatchObject({ code: 'CHAT_WEBHOOK_FAILED' });
    expect(plain).not.toBeInstanceOf(PermanentJobError);
  });

  it('a 400 is permanent (PermanentJobError, the job ends at once)', async () => {
    answer = { status: 400, body: '{"error":"bad"}' };
    const provider = createWebhookChatProvider({ url, secret: SECRET, clock });
    const err = await provider.send(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentJobError);
    expect(err).toMatchObject({ code: 'CHAT_WEBHOOK_REJECTED' });
  });

  it('a 422 says the gateway cannot reach the lead: unreachable, with its reason', async () => {
    answer = { status: 422, body: '{"error":"no WhatsApp account for this number"}' };
    const provider = createWebhookChatProvider({ url, secret: SECRET, clock });
    expect(await provider.send(request)).toEqual({ status: 'unreachable', why: 'the chat gateway cannot reach this lead (HTTP 422): no WhatsApp account for this number' });
  });

  it('a refused connection is transient', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const provider = createWebhookChatProvider({ url: `http://127.0.0.1:${port}/`, secret: SECRET, clock });
    const err = await provider.send(request).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CHAT_WEBHOOK_UNREACHABLE' });
    expect(err).not.toBeInstanceOf(PermanentJobError);
  });
});

describe('verifyChatWebhook (the gateway signing to us)', () => {
  it('accepts either of two signatures during a secret rotation, and refuses a missing timestamp', () => {
    const body = '{"type":"message"}';
    const ts = 1_772_445_600;
    const both = `${signBody('old-secret', ts, body)}, ${signBody(SECRET, ts, body)}`;
    expect(verifyChatWebhook(SECRET, { timestamp: String(ts), signature: both, body }, ts + 10)).toBe(true);
    expect(verifyChatWebhook(SECRET, { timestamp: undefined, signature: both, body }, ts)).toBe(false);
    expect(verifyChatWebhook(SECRET, { timestamp: 'yesterday', signature: both, body }, ts)).toBe(false);
    expect(verifyChatWebhook(SECRET, { timestamp: String(ts), signature: 'v1=00', body }, ts)).toBe(false);
  });
});
