import { classifyLead, gradeLead, routeLead } from './grade.ts';
import { isMql, mqlRuleOf } from './mql.ts';
import { separateOwnWords } from './own-words.ts';
import { DEFAULT_SCORING_POLICY, type ScoringPolicy } from './policy.ts';
import { scoreLead } from './score.ts';
import type { EngineInfo, Qualification, QualifyInput } from './types.ts';
import { verifyBant, type GroundingSources } from './verify.ts';

/** What an engine decided before the shared rules run: intent, BANT with evidence, referral. */
export type QualificationDraft = Pick<Qualification, 'intent' | 'bant' | 'referral' | 'confidence' | 'flags'>;

/** The texts evidence may come from: the reply minus quoted history, the lead's earlier messages, the record. */
export function groundingSourcesOf(input: QualifyInput): GroundingSources {
  const own = separateOwnWords(input.reply, input.lead?.name);
  return {
    ownWords: own.signature ? `${own.body}\n${own.signature}` : own.body,
    leadThread: (input.thread ?? []).filter((m) => m.from === 'lead').map((m) => m.text),
    lead: input.lead,
  };
}

/**
 * The rules every engine's answer goes through, whoever produced it: ungrounded evidence is dropped
 * (the criterion falls back to unknown), then the MQL rule, the score, the grade, the tags and the
 * route follow from the policy.
 */
export function assembleQualification(input: QualifyInput, draft: QualificationDraft, engine: EngineInfo, policy: ScoringPolicy = DEFAULT_SCORING_POLICY): Qualification {
  const flags = [...draft.flags];
  const verified = verifyBant(draft.bant, groundingSourcesOf(input));
  for (const d of verified.dropped) flags.push(`evidence_dropped:${d}`);
  const bant = verified.bant;
  const mql = isMql(draft.intent, bant, mqlRuleOf(policy));
  const referral = draft.referral && draft.intent === 'referral' ? draft.referral : undefined;
  const { score, reasons, fitPoints } = scoreLead({ intent: draft.intent, bant, lead: input.lead, channel: input.channel, thread: input.thread, referral }, policy);
  return {
    intent: draft.intent,
    bant,
    ...(referral ? { referral } : {}),
    mql,
    score,
    reasons,
    confidence: draft.confidence,
    flags,
    grade: gradeLead(draft.intent, bant.timeline, fitPoints, policy),
    tags: classifyLead(draft.intent, bant, input.lead, policy),
    route: routeLead(draft.intent, score, mql, policy),
    engine,
  };
}
