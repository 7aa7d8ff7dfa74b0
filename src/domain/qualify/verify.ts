import type { Bant, LeadRecord } from './types.ts';
import { squash } from './text.ts';

/** The texts an evidence span may come from: the lead's own words, lead-authored thread messages, the record. */
export interface GroundingSources {
  /** The reply minus quoted history (signature included: it is the lead's own text). */
  readonly ownWords: string;
  readonly leadThread: readonly string[];
  readonly lead?: LeadRecord | undefined;
}

function leadValues(lead: LeadRecord | undefined): string[] {
  if (!lead) return [];
  return Object.values(lead).map((v) => String(v));
}

/** Whether `evidence` occurs verbatim (whitespace-insensitively) in one of the sources. */
export function isGrounded(evidence: string | undefined, sources: GroundingSources): boolean {
  if (evidence === undefined) return false;
  const needle = squash(evidence);
  if (needle === '') return false;
  return [sources.ownWords, ...sources.leadThread, ...leadValues(sources.lead)].some((hay) => squash(hay).includes(needle));
}

const CRITERIA = ['budget', 'authority', 'need', 'timeline'] as const;

/**
 * Drop every verdict whose evidence is not found in the sources: the criterion falls back to unknown
 * with no values. Returns the criteria that were dropped.
 */
export function verifyBant(bant: Bant, sources: GroundingSources): { bant: Bant; dropped: string[] } {
  const dropped: string[] = [];
  const out: Bant = { ...bant };
  for (const key of CRITERIA) {
    const c = bant[key];
    if (c.status !== 'unknown' && !isGrounded(c.evidence, sources)) {
      dropped.push(key);
      out[key] = { status: 'unknown' };
    }
  }
  return { bant: out, dropped };
}
