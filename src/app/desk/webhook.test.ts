import { describe, expect, it } from 'vitest';
import { DeferJobError } from '../../adapters/queue/errors.ts';
import type { HandoffView } from '../../domain/desk/views.ts';
import { CrmRejectedError, deliverCrmEvent, signCrmBody, verifyCrmSignature, type CrmEventBody } from './webhook.ts';

const NOW = new Date('2026-03-02T10:00:00Z');
const SEC = NOW.getTime() / 1000;
const body: CrmEventBody = { id: 'h1:handoff.created', event: 'handoff.created', occurredAt: NOW.toISOString(), handoff: { id: 'h1' } as HandoffView };
const crm = { url: 'http://crm.test/hook', secret: 'k' };

describe('CRM webhook signatures', () => {
  it('verifies its own signature, within the tolerance, and a rotation header with two signatures', () => {
    const sig = signCrmBody('k', SEC, '{"a":1}');
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyCrmSignature('k', String(SEC), '{"a":1}', sig, SEC + 299)).toBe(true);
    expect(verifyCrmSignature('k', String(SEC), '{"a":1}', `v1=${'0'.repeat(64)}, ${sig}`, SEC)).toBe(true);
    expect(verifyCrmSignature('k', String(SEC), '{"a":2}', sig, SEC)).toBe(false);
    expect(verifyCrmSignature('k', String(SEC), '{"a":1}', sig, SEC + 301)).toBe(false);
    expect(verifyCrmSignature('k', 'soon', '{"a":1}', sig, SEC)).toBe(false);
    expect(verifyCrmSignature('k', String(SEC), '{"a":1}', undefined, SEC)).toBe(false);
  });
});

describe('CRM webhook delivery', () => {
  const answering = (status: number, headers: Record<string, string> = {}) => (async () => new Response(null, { status, headers })) as typeof fetch;

  it('sends the signed body with the event id, and resolves on 2xx', async () => {
    let seen: { headers: Headers; body: string } | null = null;
    const f = (async (_url: string | URL | Request, init?: RequestInit) => {
      seen = { headers: new Headers(init?.headers), body: String(init?.body) };
      return new Response(null, { status: 202 });
    }) as typeof fetch;
    await deliverCrmEvent(crm, body, { fetch: f, now: NOW });
    const s = seen as unknown as { headers: Headers; body: string };
    expect(s.headers.get('x-baton-event-id')).toBe('h1:handoff.created');
    expect(s.headers.get('x-baton-timestamp')).toBe(String(SEC));
    expect(verifyCrmSignature('k', s.headers.get('x-baton-timestamp') ?? '', s.body, s.headers.get('x-baton-signature'), SEC)).toBe(true);
  });

  it('fails for good on a 4xx, waits as told on a 429, and retries 408, 5xx and network errors', async () => {
    await expect(deliverCrmEvent(crm, body, { fetch: answering(422), now: NOW })).rejects.toBeInstanceOf(CrmRejectedError);
    const deferred = await deliverCrmEvent(crm, body, { fetch: answering(429, { 'retry-after': '120' }), now: NOW }).catch((e: unknown) => e);
    expect(deferred).toBeInstanceOf(DeferJobError);
    expect((deferred as DeferJobError).runAt.toISOString()).toBe('2026-03-02T10:02:00.000Z');
    for (const status of [408, 429, 500, 503]) {
      const e = await deliverCrmEvent(crm, body, { fetch: answering(status), now: NOW }).catch((x: unknown) => x);
      expect(e).not.toBeInstanceOf(CrmRejectedError);
      expect((e as { code: string }).code).toBe('CRM_FAILED');
    }
    const refused = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(deliverCrmEvent(crm, body, { fetch: refused, now: NOW })).rejects.toMatchObject({ code: 'CRM_UNREACHABLE' });
  });
});
