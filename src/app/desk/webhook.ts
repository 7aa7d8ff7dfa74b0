import { z } from 'zod';
import { DeferJobError, PermanentJobError } from '../../adapters/queue/errors.ts';
import { BatonError } from '../../domain/errors.ts';
import { signBody, verifySignature } from '../../domain/signing.ts';
import type { HandoffView } from '../../domain/desk/views.ts';
import type { CrmWebhook } from './deps.ts';

/**
 * The optional CRM webhook: every handoff and outcome is POSTed as JSON, signed so the receiver can
 * tell it came from us and was not replayed. The scheme (timestamp + HMAC over "<timestamp>.<body>")
 * is the one Stripe and Slack use, so receivers know it: the timestamp inside the signed bytes makes
 * an old capture useless after the tolerance window, and X-Baton-Event-Id lets the receiver drop a
 * retry it already took (we retry on timeouts, so a receiver may see one event twice).
 */

export const CRM_TASK = 'desk.crm';
export const CRM_EVENTS = ['handoff.created', 'handoff.sql', 'handoff.rejected', 'handoff.won', 'handoff.lost'] as const;
export type CrmEvent = (typeof CRM_EVENTS)[number];

export const CrmPayload = z.object({ handoffId: z.string().uuid(), event: z.enum(CRM_EVENTS) });

/** The body the CRM receives. */
export interface CrmEventBody {
  /** Unique per handoff and event (each status happens once per handoff): the receiver's dedupe key. */
  readonly id: string;
  readonly event: CrmEvent;
  /** When the event happened (ISO 8601). */
  readonly occurredAt: string;
  readonly handoff: HandoffView;
}

/** Default receiver tolerance for the signature's timestamp, in seconds. */
export { SIGNATURE_TOLERANCE_SECONDS } from '../../domain/signing.ts';
const TIMEOUT_MS = 10_000;

export const crmEventId = (handoffId: string, event: CrmEvent): string => `${handoffId}:${event}`;

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` (the shared scheme of src/domain/signing.ts). */
export const signCrmBody = (secret: string, timestamp: number, body: string): string => signBody(secret, timestamp, body);

/** Checks a CRM webhook as a receiver would (see verifySignature: rotation, tolerance, constant time). */
export const verifyCrmSignature = verifySignature;

/** The CRM answered in a way a retry will not fix (a 4xx other than 408 and 429). */
export class CrmRejectedError extends PermanentJobError {
  constructor(status: number) {
    super(`the CRM webhook refused the event with HTTP ${status}; fix the receiver or the BATON_CRM_WEBHOOK settings, then replay the job`, {
      code: 'CRM_REJECTED',
      details: { status },
    });
  }
}

/**
 * POSTs one event. Resolves on 2xx; throws CrmRejectedError on a 4xx that is not 408/429, a
 * DeferJobError when a 429 says when to come back, and a retryable BatonError otherwise (5xx,
 * timeout, connection refused), which the job queue retries with backoff.
 */
export async function deliverCrmEvent(
  crm: CrmWebhook,
  body: CrmEventBody,
  options: { fetch?: typeof fetch; now: Date; signal?: AbortSignal; timeoutMs?: number },
): Promise<void> {
  const text = JSON.stringify(body);
  const ts = Math.floor(options.now.getTime() / 1000);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(crm.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'baton-crm-webhook/1',
        'x-baton-timestamp': String(ts),
        'x-baton-signature': signCrmBody(crm.secret, ts, text),
        'x-baton-event-id': body.id,
        'x-baton-event': body.event,
      },
      body: text,
      signal,
    });
  } catch (e) {
    throw new BatonError('CRM_UNREACHABLE', `the CRM webhook did not answer: ${e instanceof Error ? e.message : String(e)}`, { fault: 'system', cause: e });
  }
  // Drain the body so the connection is released; its content is not used.
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return;
  if (res.status === 429) {
    const after = retryAfterMs(res.headers.get('retry-after'), options.now);
    if (after !== null) throw new DeferJobError(new Date(options.now.getTime() + after), 'the CRM webhook asked us to slow down (429)');
  }
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new CrmRejectedError(res.status);
  throw new BatonError('CRM_FAILED', `the CRM webhook answered HTTP ${res.status}; retrying later`, { fault: 'system', details: { status: res.status } });
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. Capped at an hour. */
function retryAfterMs(value: string | null, now: Date): number | null {
  if (!value) return null;
  const v = value.trim();
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v) - now.getTime();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 1000), 3_600_000) : null;
}
