/**
 * The knowledge base's contract: passages cut from the team's Markdown files, and answers that rest
 * on them. An answer always names at least one stored passage it was taken from; when nothing
 * relevant is retrieved there is no answer, and a person follows up instead.
 */

/** One passage of a knowledge file, as stored (kb_passages). */
export interface Passage {
  /** `<document id>#<ord>`, e.g. `security.md#3`. */
  readonly id: string;
  /** The file's path relative to the knowledge directory, e.g. `security.md`. */
  readonly documentId: string;
  /** The document's title (its first `#` heading, else the file name). */
  readonly title: string;
  /** Where the passage sits: "Security > Data residency". */
  readonly heading: string;
  /** The heading's slug, for a link (`security.md#data-residency`); null before the first heading. */
  readonly anchor: string | null;
  readonly body: string;
}

/** A passage an answer rests on, as shown to the reader ("Source: Security > Data residency"). */
export interface Citation {
  readonly passageId: string;
  readonly documentId: string;
  readonly title: string;
  readonly heading: string;
  readonly anchor: string | null;
}

/** A retrieved passage with its relevance to the question. */
export interface Retrieved {
  readonly passage: Passage;
  /** Cosine similarity of question and passage vectors (-1..1). */
  readonly similarity: number;
}

export type GroundedAnswer =
  | {
      readonly kind: 'answer';
      /** The answer's text, taken from (offline) or written only from (with a model) the cited passages. */
      readonly text: string;
      /** One or more stored passages the text rests on; never empty. */
      readonly sources: readonly Citation[];
    }
  | {
      readonly kind: 'no_answer';
      /** nothing_relevant: no passage passed the relevance bar; empty: the knowledge base holds no passages. */
      readonly reason: 'nothing_relevant' | 'empty';
    };

/** Turns texts into vectors: the offline hashed embedder, or a model's embeddings. */
export interface Embedder {
  /** Stored beside each vector (embeddings.model), e.g. `hash-256` or `text-embedding-3-small`. */
  readonly model: string;
  embed(texts: readonly string[]): Promise<number[][]>;
}

/** What the chat and the email drafts ask of the knowledge base. */
export interface KnowledgeBase {
  /** Answers a question from retrieved passages only, in the asker's language where the passages allow. */
  answer(question: string, options?: { readonly lang?: 'en' | 'zh' }): Promise<GroundedAnswer>;
  /** The `limit` passages nearest to a text, most relevant first (no relevance bar applied). */
  search(text: string, limit?: number): Promise<Retrieved[]>;
}
