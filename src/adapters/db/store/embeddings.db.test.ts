import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db.ts';
import { embedText, OFFLINE_EMBEDDING_MODEL } from '../../../domain/embed/hashed.ts';
import { createTestDb } from '../../../testing/db.ts';
import { embeddingHash, getEmbedding, nearest, upsertEmbedding } from './embeddings.ts';

const AT = new Date('2026-03-02T10:00:00Z');

describe('the embeddings store', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
    const texts: [string, string][] = [
      ['a', 'We need a sales automation tool with a budget of 40k'],
      ['b', 'Sales automation is what we need; budget about 40k'],
      ['c', 'Please remove me from your mailing list'],
    ];
    for (const [id, text] of texts) await upsertEmbedding(db, { subjectType: 'candidate', subjectId: id, model: OFFLINE_EMBEDDING_MODEL, vector: embedText(text), contentHash: `h-${id}` }, AT);
    await upsertEmbedding(db, { subjectType: 'passage', subjectId: 'p', model: OFFLINE_EMBEDDING_MODEL, vector: embedText('We need a sales automation tool'), contentHash: 'h-p' }, AT);
  });
  afterAll(async () => {
    await db.close();
  });

  it('finds the nearest subjects of one type by cosine similarity, leaving out the excluded', async () => {
    const q = embedText('We need a sales automation tool with a budget of 40k');
    const hits = await nearest(db, { subjectType: 'candidate', model: OFFLINE_EMBEDDING_MODEL, vector: q, limit: 5 });
    expect(hits.map((x) => x.subjectId)).toEqual(['a', 'b', 'c']);
    expect(hits[0]?.similarity).toBeCloseTo(1, 5);
    expect(hits[1]!.similarity).toBeGreaterThan(hits[2]!.similarity);
    const without = await nearest(db, { subjectType: 'candidate', model: OFFLINE_EMBEDDING_MODEL, vector: q, limit: 1, excludeSubjectIds: ['a'] });
    expect(without.map((x) => x.subjectId)).toEqual(['b']);
  });

  it('replaces a vector in place and round-trips it', async () => {
    const v = embedText('Bad timing, ask again next year');
    await upsertEmbedding(db, { subjectType: 'candidate', subjectId: 'c', model: OFFLINE_EMBEDDING_MODEL, vector: v, contentHash: 'h-c2' }, AT);
    expect(await embeddingHash(db, { subjectType: 'candidate', subjectId: 'c', model: OFFLINE_EMBEDDING_MODEL })).toBe('h-c2');
    const back = await getEmbedding(db, { subjectType: 'candidate', subjectId: 'c', model: OFFLINE_EMBEDDING_MODEL });
    expect(back).toHaveLength(256);
    back!.forEach((x, i) => expect(x).toBeCloseTo(v[i]!, 5));
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM embeddings WHERE subject_id = 'c'`);
    expect(rows[0]?.n).toBe(1);
  });

  // The search's ORDER BY must be the index's expression exactly, or no plan can use the index. (With
  // the subject filter on a small table the planner rightly prefers the unique btree and a sort.)
  it('orders by the expression of the 256-wide HNSW index', async () => {
    const plan = await db.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT subject_id FROM embeddings WHERE dims = 256 ORDER BY embedding::vector(256) <=> $1::vector(256) LIMIT 3`,
        [`[${embedText('sales').join(',')}]`],
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('embeddings_offline256_idx');
  });

  it('refuses empty or broken vectors', async () => {
    await expect(upsertEmbedding(db, { subjectType: 'candidate', subjectId: 'x', model: 'm', vector: [], contentHash: 'h' }, AT)).rejects.toThrow(/non-empty list of finite numbers/);
    await expect(nearest(db, { subjectType: 'candidate', model: 'm', vector: [NaN], limit: 1 })).rejects.toThrow(/finite/);
  });
});
