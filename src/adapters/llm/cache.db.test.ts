import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { createTestDb } from '../../testing/db.ts';
import { answerCacheKey, type CachedAnswer } from './cache.ts';
import { DbAnswerCache } from './cache.db.ts';

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => db?.close());

const entry = (intent: 'interested' | 'question'): CachedAnswer => ({
  answer: {
    intent,
    bant: {
      budget: { evidence: '$40k', status: 'met', amount: 40000, currency: 'USD' },
      authority: { evidence: null, status: 'unknown', role: null },
      need: { evidence: null, status: 'unknown' },
      timeline: { evidence: null, status: 'unknown', within_days: null },
    },
    referral: null,
    confidence: 0.8,
  },
  usage: { input_tokens: 900, output_tokens: 120, cost_usd: 0.0002 },
  model: 'gpt-test',
  promptVersion: 'qualify-v1',
});

describe('DbAnswerCache', () => {
  it('keeps an answer across cache instances (a restart) and keeps the first of two writers', async () => {
    const key = answerCacheKey('gpt-test', 'qualify-v1', [{ role: 'user', content: 'We have $40k.' }]);
    expect(await new DbAnswerCache(db).get(key)).toBeUndefined();
    await new DbAnswerCache(db).set(key, entry('interested'));
    await new DbAnswerCache(db).set(key, entry('question'));
    expect(await new DbAnswerCache(db).get(key)).toEqual(entry('interested'));
  });

  it('misses when the model or prompt version differs', async () => {
    const messages = [{ role: 'user', content: 'same words' }];
    await new DbAnswerCache(db).set(answerCacheKey('gpt-test', 'qualify-v1', messages), entry('interested'));
    expect(await new DbAnswerCache(db).get(answerCacheKey('gpt-test', 'qualify-v2', messages))).toBeUndefined();
    expect(await new DbAnswerCache(db).get(answerCacheKey('other-model', 'qualify-v1', messages))).toBeUndefined();
  });
});
