import type { OutreachDeps } from '../outreach/deps.ts';

/**
 * The port a sequence's chat step sends through: the website chat (a returning visitor's session)
 * or the signed-webhook gateway a team points at SMS, WhatsApp or WeCom. Replies come back into the
 * reply pipeline (src/app/outreach/reply.ts) through the provider's own way in.
 */

export const CHAT_PROVIDER_NAMES = ['website', 'webhook'] as const;
export type ChatProviderName = (typeof CHAT_PROVIDER_NAMES)[number];

/** One message a sequence sends to a lead. */
export interface ChatSendRequest {
  readonly leadId: string;
  readonly text: string;
  /** Our id for the message, the same on every retry: the receiver's dedupe key. */
  readonly messageId: string;
  /** The lead's conversation on this channel, when one exists. */
  readonly conversationId: string | null;
  readonly lead: { readonly email: string; readonly phone: string | null; readonly name: string | null };
}

/**
 * `sent`: the provider took it (with its own id when it gave one). `unreachable`: the provider
 * cannot reach this lead (no session, no number it can use); the sequence goes on without it.
 */
export type ChatSendResult = { readonly status: 'sent'; readonly externalId?: string } | { readonly status: 'unreachable'; readonly why: string };

/**
 * A chat channel. `send` throws on failure: a transient one (network, 5xx) with any error, and the
 * job retries with backoff; a permanent one (the provider refused the request) with PermanentJobError;
 * a DeferJobError when the provider said when to come back.
 */
export interface ChatProvider {
  readonly name: ChatProviderName;
  send(req: ChatSendRequest): Promise<ChatSendResult>;
}

/** What the chat step's jobs need: the outreach deps and the configured providers (absent: not configured). */
export type ChatProviderDeps = OutreachDeps & { readonly chatProviders: Partial<Record<ChatProviderName, ChatProvider>> };

/** The conversation channel a provider's messages are stored under. */
export const conversationChannelOf = (provider: ChatProviderName): 'chat' | 'webhook' => (provider === 'website' ? 'chat' : 'webhook');
