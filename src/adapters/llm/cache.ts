import { createHash } from 'node:crypto';
import type { Usage } from '../../domain/qualify/types.ts';
import type { ModelAnswer } from './model-answer.ts';

/** A model answer kept so the same message is never paid for twice. */
export interface CachedAnswer {
  answer: ModelAnswer;
  usage: Usage;
  model: string;
  promptVersion: string;
}

/** Where model answers are kept, keyed by a digest of everything the model saw. */
export interface AnswerCache {
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, value: CachedAnswer): Promise<void>;
}

/** The cache key: model, prompt version and the exact messages sent, so any change misses. */
export function answerCacheKey(model: string, promptVersion: string, messages: readonly { role: string; content: string }[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([model, promptVersion, messages]));
  return h.digest('hex');
}

export class MemoryAnswerCache implements AnswerCache {
  private readonly map = new Map<string, CachedAnswer>();
  constructor(private readonly maxEntries = 10_000) {}
  async get(key: string): Promise<CachedAnswer | undefined> {
    return this.map.get(key);
  }
  async set(key: string, value: CachedAnswer): Promise<void> {
    if (this.map.size >= this.maxEntries) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    this.map.set(key, value);
  }
  get size(): number {
    return this.map.size;
  }
}
