import { createHash } from 'node:crypto';
import type { Queryable } from '../../adapters/db/db.ts';
import { candidateIdsOfLead, candidateSummaries } from '../../adapters/db/store/desk.ts';
import { embeddingHash, getEmbedding, nearest, upsertEmbedding } from '../../adapters/db/store/embeddings.ts';
import { isUndecided } from '../../domain/desk/decision.ts';
import type { SimilarCandidate } from '../../domain/desk/views.ts';
import { embedText, isZeroVector, OFFLINE_EMBEDDING_MODEL } from '../../domain/embed/hashed.ts';
import { loadConversation } from './conversation.ts';

/**
 * Similar past candidates: each candidate's conversation (the lead's own words only, so our
 * templates, identical for everyone, do not make every conversation alike) is embedded with the
 * offline model and stored as subject 'candidate'; the card shows the nearest decided ones.
 */
export const CANDIDATE_SUBJECT = 'candidate';

/** How many neighbours to fetch per one shown: the index filters after its search, and undecided ones are dropped. */
const OVERFETCH = 10;

/** The text a candidate is embedded from: the lead's own words, oldest first. */
export async function candidateText(q: Queryable, leadId: string): Promise<string> {
  const conversation = await loadConversation(q, leadId, { limit: 50 });
  return conversation
    .filter((e) => e.from === 'lead')
    .map((e) => e.text)
    .join('\n')
    .trim();
}

/**
 * Embeds (or re-embeds) a candidate's conversation in the caller's transaction. Unchanged text is not
 * embedded again; a conversation without words stores nothing. Returns whether a vector was written.
 */
export async function embedCandidate(q: Queryable, candidate: { id: string; leadId: string }, at: Date): Promise<boolean> {
  const text = await candidateText(q, candidate.leadId);
  const vector = embedText(text);
  if (isZeroVector(vector)) return false;
  const contentHash = createHash('sha256').update(text).digest('hex');
  const subject = { subjectType: CANDIDATE_SUBJECT, subjectId: candidate.id, model: OFFLINE_EMBEDDING_MODEL };
  if ((await embeddingHash(q, subject)) === contentHash) return false;
  await upsertEmbedding(q, { ...subject, vector, contentHash }, at);
  return true;
}

/**
 * Up to `limit` decided candidates of other leads nearest to this one, with what the SDRs decided and
 * what sales said (the handoff's status). Empty when the candidate has no stored vector.
 */
export async function similarCandidates(q: Queryable, candidate: { id: string; leadId: string }, limit = 3): Promise<SimilarCandidate[]> {
  const vector = await getEmbedding(q, { subjectType: CANDIDATE_SUBJECT, subjectId: candidate.id, model: OFFLINE_EMBEDDING_MODEL });
  if (!vector) return [];
  const sameLead = await candidateIdsOfLead(q, candidate.leadId);
  const near = await nearest(q, { subjectType: CANDIDATE_SUBJECT, model: OFFLINE_EMBEDDING_MODEL, vector, limit: limit * OVERFETCH, excludeSubjectIds: [candidate.id, ...sameLead] });
  const summaries = new Map((await candidateSummaries(q, near.map((n) => n.subjectId))).map((s) => [s.candidateId, s]));
  const out: SimilarCandidate[] = [];
  for (const n of near) {
    const s = summaries.get(n.subjectId);
    if (!s || isUndecided(s.status)) continue;
    out.push({
      candidateId: s.candidateId,
      leadName: s.leadName,
      company: s.company,
      similarity: Math.max(0, Math.min(1, n.similarity)),
      status: s.status,
      rejectReason: s.rejectReason,
      outcome: s.outcome,
    });
    if (out.length >= limit) break;
  }
  return out;
}
