import type { Embedder } from '../kb/types.ts';
import { embedText, OFFLINE_EMBEDDING_MODEL } from './hashed.ts';

/** The offline Embedder: hashed n-gram vectors (256 dims, model `hash-256`), no download, no network. */
export const offlineEmbedder: Embedder = {
  model: OFFLINE_EMBEDDING_MODEL,
  embed: (texts) => Promise.resolve(texts.map((t) => embedText(t))),
};
