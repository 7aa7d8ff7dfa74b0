import { fromSql, toSql } from 'pgvector';
import { ValidationError } from '../../../domain/errors.ts';
import type { Queryable } from '../db.ts';

/**
 * Vectors in the embeddings table (migration 0001): one per (subject type, subject id, model). The
 * 256-wide vectors of the offline model have an HNSW cosine index on `embedding::vector(256)` where
 * dims = 256, and nearest() searches through it with exactly that expression, so the planner can use it.
 */

/** The width that has an index; other widths are stored but searched without one. */
const INDEXED_DIMS = 256;

function checkVector(vector: readonly number[]): void {
  if (vector.length === 0 || !vector.every((v) => Number.isFinite(v))) {
    throw new ValidationError('an embedding must be a non-empty list of finite numbers', { dims: vector.length }, 'EMBEDDING_INVALID');
  }
}

export interface EmbeddingUpsert {
  readonly subjectType: string;
  readonly subjectId: string;
  readonly model: string;
  readonly vector: readonly number[];
  /** A hash of the embedded text: callers skip re-embedding unchanged content (see embeddingHash). */
  readonly contentHash: string;
}

/** Stores or replaces the subject's vector for this model; `at` is the caller's clock. */
export async function upsertEmbedding(q: Queryable, e: EmbeddingUpsert, at: Date): Promise<void> {
  checkVector(e.vector);
  await q.query(
    `INSERT INTO embeddings (subject_type, subject_id, model, dims, content_hash, embedding, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::vector, $7)
     ON CONFLICT (subject_type, subject_id, model)
     DO UPDATE SET dims = EXCLUDED.dims, content_hash = EXCLUDED.content_hash, embedding = EXCLUDED.embedding, created_at = EXCLUDED.created_at`,
    [e.subjectType, e.subjectId, e.model, e.vector.length, e.contentHash, toSql([...e.vector]), at],
  );
}

/** The stored content hash of a subject's vector, or null when none is stored. */
export async function embeddingHash(q: Queryable, subject: { subjectType: string; subjectId: string; model: string }): Promise<string | null> {
  const { rows } = await q.query<{ content_hash: string }>(`SELECT content_hash FROM embeddings WHERE subject_type = $1 AND subject_id = $2 AND model = $3`, [
    subject.subjectType,
    subject.subjectId,
    subject.model,
  ]);
  return rows[0]?.content_hash ?? null;
}

export async function deleteEmbedding(q: Queryable, subject: { subjectType: string; subjectId: string }): Promise<void> {
  await q.query(`DELETE FROM embeddings WHERE subject_type = $1 AND subject_id = $2`, [subject.subjectType, subject.subjectId]);
}

export interface Neighbour {
  readonly subjectId: string;
  /** Cosine similarity: 1 the same direction, 0 unrelated, -1 opposite. */
  readonly similarity: number;
}

/**
 * The `limit` nearest subjects of one type and model by cosine distance, nearest first.
 * `excludeSubjectIds` leaves some out. The index is approximate and filters after its search, so a
 * caller that filters the answer further (e.g. decided candidates only) should ask for a few times more.
 */
export async function nearest(
  q: Queryable,
  o: { subjectType: string; model: string; vector: readonly number[]; limit: number; excludeSubjectIds?: readonly string[] },
): Promise<Neighbour[]> {
  checkVector(o.vector);
  if (o.limit <= 0) return [];
  const dims = o.vector.length;
  // Same expression as the index (embedding::vector(256) with dims = 256), so the HNSW index serves it.
  const distance = dims === INDEXED_DIMS ? `embedding::vector(${INDEXED_DIMS}) <=> $1::vector(${INDEXED_DIMS})` : `embedding <=> $1::vector`;
  const params: unknown[] = [toSql([...o.vector]), o.subjectType, o.model, dims, o.limit, [...(o.excludeSubjectIds ?? [])]];
  const { rows } = await q.query<{ subject_id: string; distance: number | string }>(
    `SELECT subject_id, ${distance} AS distance
       FROM embeddings
      WHERE dims = $4 AND subject_type = $2 AND model = $3 AND NOT (subject_id = ANY($6::text[]))
      ORDER BY ${distance}
      LIMIT $5`,
    params,
  );
  return rows.map((r) => ({ subjectId: r.subject_id, similarity: 1 - Number(r.distance) }));
}

/** A subject's stored vector, or null when none is stored. */
export async function getEmbedding(q: Queryable, subject: { subjectType: string; subjectId: string; model: string }): Promise<number[] | null> {
  const { rows } = await q.query<{ embedding: string }>(`SELECT embedding::text AS embedding FROM embeddings WHERE subject_type = $1 AND subject_id = $2 AND model = $3`, [
    subject.subjectType,
    subject.subjectId,
    subject.model,
  ]);
  return rows[0] ? (fromSql(rows[0].embedding) as number[]) : null;
}
