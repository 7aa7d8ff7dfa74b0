import type { Queryable } from '../db/db.ts';
import type { AnswerCache, CachedAnswer } from './cache.ts';

/** Model answers kept in Postgres (the model_answer_cache table), shared by every process. */
export class DbAnswerCache implements AnswerCache {
  constructor(private readonly db: Queryable) {}

  async get(key: string): Promise<CachedAnswer | undefined> {
    const { rows } = await this.db.query<{ answer: CachedAnswer['answer']; usage: CachedAnswer['usage']; model: string; prompt_version: string }>(
      'SELECT answer, usage, model, prompt_version FROM model_answer_cache WHERE key = $1',
      [key],
    );
    const r = rows[0];
    return r ? { answer: r.answer, usage: r.usage, model: r.model, promptVersion: r.prompt_version } : undefined;
  }

  async set(key: string, value: CachedAnswer): Promise<void> {
    // Two processes may answer the same message at once: the first stored answer stays.
    await this.db.query(
      `INSERT INTO model_answer_cache (key, model, prompt_version, answer, usage) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key) DO NOTHING`,
      [key, value.model, value.promptVersion, JSON.stringify(value.answer), JSON.stringify(value.usage)],
    );
  }
}
