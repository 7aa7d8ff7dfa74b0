import type { ChatProvider, ChatSendRequest, ChatSendResult } from '../../app/chat/provider.ts';
import type { Clock } from '../../domain/clock.ts';
import { BatonError } from '../../domain/errors.ts';
import { signBody, verifySignature, SIGNATURE_TOLERANCE_SECONDS } from '../../domain/signing.ts';
import { DeferJobError, PermanentJobError } from '../queue/errors.ts';

/**
 * The signed-webhook chat provider: a sequence's chat message is POSTed as JSON to a gateway the team
 * runs (SMS, WhatsApp, WeCom), signed like the CRM webhook so the gateway can tell it came from us and
 * was not replayed. The gateway posts the lead's answers back to POST /v1/chat/webhook, signed the
 * same way with the same secret. The contract, for gateway authors, is docs/chat-webhook.md.
 */

export const SIGNATURE_HEADER = 'x-baton-signature';
export const TIMESTAMP_HEADER = 'x-baton-timestamp';
export const EVENT_ID_HEADER = 'x-baton-event-id';

const TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 64 * 1024;

export interface WebhookChatOptions {
  /** CHAT_WEBHOOK_URL: where messages go. */
  readonly url: string;
  /** CHAT_WEBHOOK_SECRET: signs what we send and checks what the gateway sends. */
  readonly secret: string;
  readonly clock: Clock;
  /** Per request, in ms; default 10 000. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** The body the gateway receives. */
export interface WebhookMessageBody {
  readonly type: 'message';
  /** Our message id, the same on every retry: the gateway's dedupe key (also X-Baton-Event-Id). */
  readonly id: string;
  readonly lead: { readonly id: string; readonly email: string; readonly phone: string | null; readonly name: string | null };
  readonly text: string;
  /** When we sent it (ISO 8601). */
  readonly sent_at: string;
}

/** The gateway refused the message in a way a retry will not fix (a 4xx other than 408, 422, 429). */
export class ChatWebhookRejectedError extends PermanentJobError {
  constructor(status: number) {
    super(`the chat gateway refused the message with HTTP ${status}; fix the gateway or CHAT_WEBHOOK_URL / CHAT_WEBHOOK_SECRET, then replay the job`, {
      code: 'CHAT_WEBHOOK_REJECTED',
      details: { status },
    });
  }
}

/**
 * Checks a request signed by the scheme of this webhook (either way): `signature` is the
 * X-Baton-Signature header, `timestamp` X-Baton-Timestamp, `body` the raw bytes as received.
 * Constant-time; a timestamp more than `toleranceSeconds` (default 300) from `nowSeconds` fails.
 */
export function verifyChatWebhook(
  secret: string,
  request: { readonly timestamp: string | number | null | undefined; readonly signature: string | null | undefined; readonly body: string | Buffer },
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (request.timestamp === null || request.timestamp === undefined) return false;
  return verifySignature(secret, request.timestamp, request.body, request.signature, nowSeconds, toleranceSeconds);
}

/** The headers of a signed request: for our sends, and for tests and gateways that post to us. */
export function signedHeaders(secret: string, body: string, timestampSeconds: number, eventId: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: String(timestampSeconds),
    [SIGNATURE_HEADER]: signBody(secret, timestampSeconds, body),
    [EVENT_ID_HEADER]: eventId,
  };
}

/**
 * 2xx: sent (the gateway may answer `{"external_id": "..."}`). 422: the gateway cannot reach this
 * lead: unreachable, and the sequence goes on. 408, 429, 5xx, a timeout or a refused connection:
 * transient, thrown for the job to retry (a Retry-After is honoured). Any other 4xx: permanent.
 */
export function createWebhookChatProvider(o: WebhookChatOptions): ChatProvider {
  const doFetch = o.fetch ?? fetch;
  return {
    name: 'webhook',
    async send(req: ChatSendRequest): Promise<ChatSendResult> {
      const now = o.clock.now();
      const body: WebhookMessageBody = {
        type: 'message',
        id: req.messageId,
        lead: { id: req.leadId, email: req.lead.email, phone: req.lead.phone, name: req.lead.name },
        text: req.text,
        sent_at: now.toISOString(),
      };
      const text = JSON.stringify(body);
      let res: Response;
      try {
        res = await doFetch(o.url, {
          method: 'POST',
          headers: { ...signedHeaders(o.secret, text, Math.floor(now.getTime() / 1000), req.messageId), 'user-agent': 'baton-chat-webhook/1' },
          body: text,
          signal: AbortSignal.timeout(o.timeoutMs ?? TIMEOUT_MS),
        });
      } catch (e) {
        throw new BatonError('CHAT_WEBHOOK_UNREACHABLE', `the chat gateway did not answer: ${e instanceof Error ? e.message : String(e)}`, { fault: 'system', cause: e });
      }
      const answer = await readAnswer(res);
      if (res.ok) {
        const externalId = typeof answer?.external_id === 'string' && answer.external_id ? answer.external_id.slice(0, 200) : undefined;
        return externalId ? { status: 'sent', externalId } : { status: 'sent' };
      }
      if (res.status === 422) {
        const said = typeof answer?.error === 'string' ? answer.error : typeof answer?.message === 'string' ? answer.message : '';
        return { status: 'unreachable', why: `the chat gateway cannot reach this lead (HTTP 422)${said ? `: ${said.slice(0, 200)}` : ''}` };
      }
      const transient = res.status === 408 || res.status === 429 || res.status >= 500;
      if (!transient) throw new ChatWebhookRejectedError(res.status);
      const after = retryAfterMs(res.headers.get('retry-after'), now);
      if (after !== null) throw new DeferJobError(new Date(now.getTime() + after), `the chat gateway asked us to come back later (HTTP ${res.status})`);
      throw new BatonError('CHAT_WEBHOOK_FAILED', `the chat gateway answered HTTP ${res.status}; retrying later`, { fault: 'system', details: { status: res.status } });
    },
  };
}

/** The answer's JSON object when it has one (read up to 64 KiB); null otherwise. Drains the body either way. */
async function readAnswer(res: Response): Promise<Record<string, unknown> | null> {
  const raw = await res.arrayBuffer().catch(() => null);
  if (!raw || raw.byteLength === 0 || raw.byteLength > MAX_ANSWER_BYTES) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(raw).toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. Between 1 s and an hour. */
function retryAfterMs(value: string | null, now: Date): number | null {
  if (!value) return null;
  const v = value.trim();
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v) - now.getTime();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 1000), 3_600_000) : null;
}
