/**
 * Live delivery of chat events to whoever watches a session in this process: the visitor's widget
 * (server-sent events), the review console. Events are published after their transaction commits;
 * a subscriber that missed some (a reconnect) reads them from the store by message number, so the
 * hub may drop nothing that matters. One process: several service processes on one database would
 * need a shared channel (PostgreSQL LISTEN/NOTIFY), which this port leaves room for.
 */
import type { ChatMessage } from '../../adapters/db/store/chat.ts';

export type ChatEvent =
  | { readonly type: 'message'; readonly message: ChatMessage }
  | { readonly type: 'typing'; readonly from: 'agent' | 'bot' }
  /** Who answers changed: a person took the conversation over, or gave it back to the bot. */
  | { readonly type: 'mode'; readonly mode: 'bot' | 'human' };

export type ChatListener = (event: ChatEvent) => void;

export class ChatHub {
  private readonly listeners = new Map<string, Set<ChatListener>>();

  /** Listens to one session; returns the function that stops listening. */
  subscribe(sessionId: string, listener: ChatListener): () => void {
    let set = this.listeners.get(sessionId);
    if (!set) {
      set = new Set();
      this.listeners.set(sessionId, set);
    }
    set.add(listener);
    return () => {
      const s = this.listeners.get(sessionId);
      if (!s) return;
      s.delete(listener);
      if (s.size === 0) this.listeners.delete(sessionId);
    };
  }

  publish(sessionId: string, event: ChatEvent): void {
    for (const l of [...(this.listeners.get(sessionId) ?? [])]) {
      try {
        l(event);
      } catch {
        // One broken listener (a closed socket) must not keep the event from the others.
      }
    }
  }

  /** Sessions with at least one listener, and listeners in all. */
  counts(): { sessions: number; listeners: number } {
    let listeners = 0;
    for (const s of this.listeners.values()) listeners += s.size;
    return { sessions: this.listeners.size, listeners };
  }
}
