import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  countPassages,
  deleteDocument,
  embeddedPassages,
  getPassages,
  KB_PASSAGE_SUBJECT,
  listDocuments,
  replaceDocument,
} from '../../adapters/db/store/kb.ts';
import { nearest, upsertEmbedding } from '../../adapters/db/store/embeddings.ts';
import { isZeroVector } from '../../domain/embed/hashed.ts';
import { BatonError, toBatonError, ValidationError } from '../../domain/errors.ts';
import { composeAnswer, mergeRetrieved, questionParts, relevantPassages, type RelevanceOptions } from '../../domain/kb/answer.ts';
import { chunkMarkdown, passageEmbeddingText } from '../../domain/kb/chunk.ts';
import { checkModelAnswer, type ModelAnswerer } from '../../domain/kb/grounding.ts';
import type { Embedder, GroundedAnswer, KnowledgeBase, Retrieved } from '../../domain/kb/types.ts';
import type { AppDeps } from '../deps.ts';

export type KnowledgeDeps = AppDeps & { readonly embedder: Embedder };

/** What a load changed. */
export interface LoadSummary {
  /** Files stored for the first time. */
  readonly added: number;
  /** Files whose content (or the embedding model) changed: passages and vectors replaced. */
  readonly updated: number;
  /** Documents whose file is gone: removed with their passages and vectors. */
  readonly removed: number;
  readonly unchanged: number;
  /** Passages stored after the load, in all. */
  readonly passages: number;
}

export interface LoadOptions {
  /** Passages per embedding call; default 64. */
  readonly batchSize?: number;
}

async function markdownFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      // Hidden files and folders (.git, editor swap files) are not knowledge.
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && /\.md$/i.test(e.name)) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A file's text, or a clear error when it is not UTF-8 text. */
function decode(bytes: Buffer, path: string): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ValidationError(`knowledge file ${path} is not UTF-8 text; save it as UTF-8 (Markdown) or move it out of the knowledge directory`, { path }, 'KB_FILE_NOT_TEXT');
  }
  if (text.includes('\u0000')) throw new ValidationError(`knowledge file ${path} looks binary (it has NUL bytes); only Markdown text is loaded`, { path }, 'KB_FILE_NOT_TEXT');
  return text;
}

async function embedAll(embedder: Embedder, texts: readonly string[], batchSize: number, documentId: string): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i += batchSize) {
    const batch = texts.slice(i, i + batchSize);
    let vectors: number[][];
    try {
      vectors = await embedder.embed(batch);
    } catch (e) {
      const err = toBatonError(e);
      throw new BatonError('KB_EMBED_FAILED', `embedding ${documentId} failed (${err.message}); its previous version is kept`, { fault: err.fault, cause: e, details: { documentId, code: err.code } });
    }
    if (vectors.length !== batch.length) throw new BatonError('KB_EMBED_FAILED', `embedding ${documentId}: the embedder returned ${vectors.length} vectors for ${batch.length} texts; its previous version is kept`, { fault: 'system' });
    out.push(...vectors);
  }
  return out;
}

/**
 * Loads the Markdown files under `dir` (recursively) into the knowledge base: a file whose bytes
 * are unchanged (and already embedded by this model) is skipped; a new or changed one is chunked,
 * embedded, and stored with its vectors in one transaction, replacing its old passages; documents
 * whose file is gone are removed. Embedding happens before the transaction, so a failing embedder
 * leaves the previous version whole (and the load stops with KB_EMBED_FAILED).
 */
export async function loadKnowledge(deps: KnowledgeDeps, dir: string, options: LoadOptions = {}): Promise<LoadSummary> {
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const info = await stat(dir).catch(() => null);
  if (!info) throw new ValidationError(`knowledge directory ${dir} does not exist; create it with Markdown files or point BATON_KNOWLEDGE_DIR elsewhere`, { dir }, 'KB_DIR_MISSING');
  if (!info.isDirectory()) throw new ValidationError(`knowledge directory ${dir} is not a directory`, { dir }, 'KB_DIR_MISSING');

  const files = await markdownFiles(dir);
  const stored = new Map((await listDocuments(deps.db)).map((d) => [d.id, d]));
  const seen = new Set<string>();
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  const log = deps.logger.child({ component: 'kb.load' });

  for (const path of files) {
    const id = relative(dir, path).split(sep).join('/');
    seen.add(id);
    const bytes = await readFile(path);
    const text = decode(bytes, path);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const old = stored.get(id);
    if (old && old.sha256 === sha256 && (await embeddedPassages(deps.db, id, deps.embedder.model)) === old.passages) {
      unchanged++;
      continue;
    }
    const doc = chunkMarkdown(id, text);
    const vectors = await embedAll(deps.embedder, doc.passages.map(passageEmbeddingText), batchSize, id);
    const at = deps.clock.now();
    await deps.db.transaction(async (tx) => {
      await replaceDocument(tx, { id, title: doc.title, sha256 }, doc.passages, at);
      for (const [i, p] of doc.passages.entries()) {
        const vector = vectors[i]!;
        // A passage without letters has no direction to compare; it is stored but never retrieved.
        if (isZeroVector(vector)) continue;
        await upsertEmbedding(tx, { subjectType: KB_PASSAGE_SUBJECT, subjectId: p.id, model: deps.embedder.model, vector, contentHash: sha256 }, at);
      }
    });
    if (old) updated++;
    else added++;
    log.info({ document: id, passages: doc.passages.length }, old ? 'knowledge document updated' : 'knowledge document added');
  }

  let removed = 0;
  for (const id of stored.keys()) {
    if (seen.has(id)) continue;
    await deps.db.transaction((tx) => deleteDocument(tx, id));
    removed++;
    log.info({ document: id }, 'knowledge document removed');
  }
  return { added, updated, removed, unchanged, passages: await countPassages(deps.db) };
}

export interface KnowledgeBaseOptions {
  /** Passages retrieved per question (and per part of a question asking several things); default 5. */
  readonly k?: number;
  /** Thresholds of the relevance gate; default DEFAULT_RELEVANCE. */
  readonly relevance?: Partial<RelevanceOptions>;
  /** With a model: it writes the answer from the relevant passages; without, the extractive answer. */
  readonly answerer?: ModelAnswerer;
}

/**
 * The knowledge base over the stored passages: search by vector (pgvector, the HNSW index at 256
 * dims), answers through the relevance gate, then the extractive composer or, with a model, the
 * model's answer when its citations check out (else the extractive one). The gate runs first, so a
 * question the knowledge does not cover gets no answer whatever the model would have written.
 */
export function createKnowledgeBase(deps: KnowledgeDeps, options: KnowledgeBaseOptions = {}): KnowledgeBase {
  const k = options.k ?? 5;
  const log = deps.logger.child({ component: 'kb' });

  async function nearestTo(vector: number[], limit: number): Promise<Retrieved[]> {
    if (isZeroVector(vector)) return [];
    const hits = await nearest(deps.db, { subjectType: KB_PASSAGE_SUBJECT, model: deps.embedder.model, vector, limit });
    const passages = await getPassages(
      deps.db,
      hits.map((h) => h.subjectId),
    );
    const byId = new Map(passages.map((p) => [p.id, p]));
    return hits.flatMap((h) => {
      const passage = byId.get(h.subjectId);
      return passage ? [{ passage, similarity: h.similarity }] : [];
    });
  }

  return {
    async search(text, limit = k) {
      const [vector] = await deps.embedder.embed([text]);
      return vector ? nearestTo(vector, limit) : [];
    },

    async answer(question, answerOptions = {}): Promise<GroundedAnswer> {
      if ((await countPassages(deps.db)) === 0) return { kind: 'no_answer', reason: 'empty' };
      // The whole question, and each part of one that asks several things, each find their passages.
      const parts = questionParts(question);
      const texts = [question, ...(parts.length > 1 ? parts : [])];
      const vectors = await deps.embedder.embed(texts);
      const retrieved = mergeRetrieved(await Promise.all(vectors.map((v) => nearestTo(v, k))));
      // Passages are stored but none is near (a question with no words): nothing relevant, not an empty base.
      if (retrieved.length === 0) return { kind: 'no_answer', reason: 'nothing_relevant' };
      const gateOptions = { ...options.relevance, ...(answerOptions.lang ? { lang: answerOptions.lang } : {}) };
      const extractive = composeAnswer(question, retrieved, gateOptions);
      if (extractive.kind === 'no_answer' || !options.answerer) return extractive;
      const offered = relevantPassages(question, retrieved, gateOptions);
      try {
        const draft = await options.answerer.write(question, offered, answerOptions.lang ?? 'en');
        return checkModelAnswer(draft, offered);
      } catch (e) {
        const err = toBatonError(e);
        log.warn({ code: err.code, fault: err.fault, model: options.answerer.model }, 'model answer unusable; using the extractive answer');
        return extractive;
      }
    },
  };
}
