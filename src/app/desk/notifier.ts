import { BatonError } from '../../domain/errors.ts';
import type { Person } from '../../domain/desk/team.ts';
import type { CandidateCard, ChatAlertView, ChatMirrorEntry, DeskStats, HandoffView } from '../../domain/desk/views.ts';

/** Where a message was posted (a Slack channel and message timestamp), so it is updated in place. */
export interface MessageRef {
  readonly channel: string;
  readonly ts: string;
}

/**
 * How the desk tells people: the port the desk's jobs call. The Slack adapter implements it with
 * Block Kit messages, DMs and modals; without Slack the review console reads the same records and
 * `noNotifier` keeps quiet. Every method may throw a NotifierError; the job that called it retries,
 * and the candidate stays queued and visible in the meantime.
 */
export interface DeskNotifier {
  readonly kind: 'slack' | 'none';
  /** Posts the candidate's card in the team channel, or updates it in place when `ref` is given. Null: nothing posted. */
  showCard(card: CandidateCard, ref: MessageRef | null): Promise<MessageRef | null>;
  /** Reminds the owner (DM) that the candidate is due soon. */
  remind(owner: Person, card: CandidateCard, ref: MessageRef | null): Promise<void>;
  /** Tells the channel (in the card's thread) and the team lead (DM) that the SLA lapsed and who owns it now. */
  escalate(input: { card: CandidateCard; ref: MessageRef | null; from: Person | null; to: Person; teamLead: Person }): Promise<void>;
  /** The daily summary of open candidates and breaches, in the team channel. */
  summary(stats: DeskStats): Promise<void>;
  /** Sends the AE the handoff (DM with outcome buttons), or updates it in place when `ref` is given. */
  handoff(ae: Person, view: HandoffView, ref: MessageRef | null): Promise<MessageRef | null>;
  /**
   * Tells the team a website chat needs a person. Without `ref` it posts a new message in the team
   * channel, which becomes the thread that mirrors the chat; with `ref` (the chat's thread) it replies
   * there. Null: nothing posted.
   */
  chatAlert(alert: ChatAlertView, ref: MessageRef | null): Promise<MessageRef | null>;
  /** Mirrors one chat message into the chat's thread. */
  chatMirror(entry: ChatMirrorEntry, ref: MessageRef): Promise<void>;
}

/** A notifier call failed. `retryAfterMs` when the other side said when to come back (a rate limit). */
export class NotifierError extends BatonError {
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  constructor(message: string, options: { code?: string; retryable: boolean; retryAfterMs?: number | null; cause?: unknown }) {
    super(options.code ?? 'NOTIFIER_FAILED', message, { fault: 'system', ...(options.cause !== undefined ? { cause: options.cause } : {}) });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/** No chat workspace connected: the review console is where people see the desk. */
export const noNotifier: DeskNotifier = {
  kind: 'none',
  showCard: async () => null,
  remind: async () => undefined,
  escalate: async () => undefined,
  summary: async () => undefined,
  handoff: async () => null,
  chatAlert: async () => null,
  chatMirror: async () => undefined,
};
