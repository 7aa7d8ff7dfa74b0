import type { RateLimiter, RateRule } from '../../domain/chat/limits.ts';
import type { KnowledgeBase } from '../../domain/kb/types.ts';
import type { ScoringPolicy } from '../../domain/qualify/policy.ts';
import type { DeskDeps } from '../desk/deps.ts';
import type { ChatHub } from './hub.ts';
import type { ChatProvider, ChatProviderName } from './provider.ts';

/** How the website chat behaves: who it speaks for, what it offers, and the limits it enforces. */
export interface ChatSettings {
  /** The company the bot speaks for ("I'm the Acme assistant"). */
  readonly company: string;
  /** The team's scheduling link, offered when a visitor asks for a person, a meeting or prices; null: none. */
  readonly schedulingUrl: string | null;
  /** Most questions the bot asks in one conversation (BANT and the email). */
  readonly maxQuestions: number;
  /** Longest visitor message, in characters. */
  readonly maxMessageChars: number;
  /** Most visitor messages in one conversation. */
  readonly maxVisitorMessages: number;
  /** Messages one visitor may send: per session. */
  readonly visitorRate: RateRule;
  /** Sessions one client address may open. */
  readonly sessionRate: RateRule;
  /** How long a visitor's token stays valid. */
  readonly tokenTtlDays: number;
  /** Key of the visitors' session tokens. */
  readonly secret: string;
}

/**
 * What the chat's use-cases need: the desk (a qualified visitor becomes a candidate card; the team is
 * told through the notifier), the knowledge base (null: no knowledge loaded, every question goes to
 * a person), the live hub, the scoring policy (accumulated BANT is scored like any qualification),
 * and the in-memory rate limiters.
 */
export interface ChatDeps extends DeskDeps {
  readonly chat: ChatSettings;
  readonly kb: KnowledgeBase | null;
  readonly hub: ChatHub;
  readonly policy: ScoringPolicy;
  readonly limits: { readonly visitor: RateLimiter; readonly sessions: RateLimiter };
  /** How a sequence's chat steps reach a lead: the website chat, and the signed-webhook gateway when configured. */
  readonly chatProviders: Partial<Record<ChatProviderName, ChatProvider>>;
}
