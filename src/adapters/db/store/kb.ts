import type { Passage } from '../../../domain/kb/types.ts';
import type { Queryable } from '../db.ts';

/**
 * The knowledge base's documents and passages (migration 0007). A passage's vector lives in
 * `embeddings` (subject_type 'kb_passage', subject_id = passage id): replacing or deleting a document
 * removes its passages' vectors here too, so no vector outlives its text.
 */

/** The embeddings subject type of a knowledge passage. */
export const KB_PASSAGE_SUBJECT = 'kb_passage';

export interface KbDocument {
  /** Path relative to the knowledge directory, e.g. `security.md`. */
  readonly id: string;
  readonly title: string;
  /** sha256 (hex) of the file's bytes when it was loaded. */
  readonly sha256: string;
  readonly loadedAt: Date;
  readonly passages: number;
}

async function deletePassageVectors(q: Queryable, documentId: string): Promise<void> {
  await q.query(`DELETE FROM embeddings WHERE subject_type = $1 AND subject_id IN (SELECT id FROM kb_passages WHERE document_id = $2)`, [KB_PASSAGE_SUBJECT, documentId]);
}

/**
 * Stores a document with exactly these passages: the old passages and their vectors go, the new
 * passages come in (their vectors are the caller's to add, in the same transaction). `at` is the
 * caller's clock.
 */
export async function replaceDocument(q: Queryable, doc: { id: string; title: string; sha256: string }, passages: readonly Passage[], at: Date): Promise<void> {
  await deletePassageVectors(q, doc.id);
  await q.query(`DELETE FROM kb_passages WHERE document_id = $1`, [doc.id]);
  await q.query(
    `INSERT INTO kb_documents (id, title, sha256, loaded_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, sha256 = EXCLUDED.sha256, loaded_at = EXCLUDED.loaded_at`,
    [doc.id, doc.title, doc.sha256, at],
  );
  if (passages.length === 0) return;
  const ords = passages.map((_, i) => i);
  await q.query(
    `INSERT INTO kb_passages (id, document_id, ord, heading, anchor, body)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[])`,
    [passages.map((p) => p.id), passages.map(() => doc.id), ords, passages.map((p) => p.heading), passages.map((p) => p.anchor), passages.map((p) => p.body)],
  );
}

/** Every document with its passage count, by id. */
export async function listDocuments(q: Queryable): Promise<KbDocument[]> {
  const { rows } = await q.query<{ id: string; title: string; sha256: string; loaded_at: Date | string; passages: number | string }>(
    `SELECT d.id, d.title, d.sha256, d.loaded_at, (SELECT count(*) FROM kb_passages p WHERE p.document_id = d.id) AS passages
       FROM kb_documents d ORDER BY d.id`,
  );
  return rows.map((r) => ({ id: r.id, title: r.title, sha256: r.sha256, loadedAt: new Date(r.loaded_at), passages: Number(r.passages) }));
}

/** Removes a document, its passages and their vectors; false when there was no such document. */
export async function deleteDocument(q: Queryable, id: string): Promise<boolean> {
  await deletePassageVectors(q, id);
  const { rowCount } = await q.query(`DELETE FROM kb_documents WHERE id = $1`, [id]);
  return rowCount > 0;
}

/** The passages with these ids, in the order asked; ids not stored are left out. */
export async function getPassages(q: Queryable, ids: readonly string[]): Promise<Passage[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<{ id: string; document_id: string; title: string; heading: string; anchor: string | null; body: string }>(
    `SELECT p.id, p.document_id, d.title, p.heading, p.anchor, p.body
       FROM kb_passages p JOIN kb_documents d ON d.id = p.document_id
      WHERE p.id = ANY($1::text[])`,
    [[...ids]],
  );
  const byId = new Map(rows.map((r) => [r.id, { id: r.id, documentId: r.document_id, title: r.title, heading: r.heading, anchor: r.anchor, body: r.body } satisfies Passage]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** How many passages are stored in all. */
export async function countPassages(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number | string }>(`SELECT count(*) AS n FROM kb_passages`);
  return Number(rows[0]?.n ?? 0);
}

/** How many of a document's passages have a vector from this model (a new model means re-embedding). */
export async function embeddedPassages(q: Queryable, documentId: string, model: string): Promise<number> {
  const { rows } = await q.query<{ n: number | string }>(
    `SELECT count(*) AS n FROM kb_passages p
       JOIN embeddings e ON e.subject_type = $1 AND e.subject_id = p.id AND e.model = $3
      WHERE p.document_id = $2`,
    [KB_PASSAGE_SUBJECT, documentId, model],
  );
  return Number(rows[0]?.n ?? 0);
}
