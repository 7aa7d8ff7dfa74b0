import type { LeadFunnelFacts } from '../../../domain/report/funnel.ts';
import { isStage, type Stage } from '../../../domain/lifecycle.ts';
import type { Queryable } from '../db.ts';

interface FactRow {
  id: string;
  created_at: Date;
  stage: string;
  stages: string[] | null;
  first_channel: string | null;
  first_source: string | null;
  first_campaign: string | null;
  first_sequence_id: string | null;
  first_sent_at: Date | null;
  replied: boolean;
  candidate_at: Date | null;
  decided_at: Date | null;
  decided_by: string | null;
}

/**
 * One fact row per lead created at or after `since` (every lead without it), for the funnel report.
 * A decision is the first move out of mql_candidate to mql, nurture or disqualified by a person
 * (`user:` actor) after the lead first became a candidate; the candidates table (migration 0005) is
 * not read, so the report works on any schema from 0004 on.
 */
export async function listLeadFunnelFacts(q: Queryable, options: { since?: Date } = {}): Promise<LeadFunnelFacts[]> {
  const { rows } = await q.query<FactRow>(
    `SELECT l.id, l.created_at, l.stage, l.first_channel, l.first_source, l.first_campaign,
            (SELECT array_agg(DISTINCT t.to_stage) FROM stage_transitions t WHERE t.lead_id = l.id) AS stages,
            (SELECT e.sequence_id FROM enrolments e WHERE e.lead_id = l.id ORDER BY e.started_at, e.id LIMIT 1) AS first_sequence_id,
            (SELECT min(o.sent_at) FROM outbox o WHERE o.lead_id = l.id AND o.sent_at IS NOT NULL) AS first_sent_at,
            EXISTS (SELECT 1 FROM conversations c JOIN messages m ON m.conversation_id = c.id
                     WHERE c.lead_id = l.id AND m.direction = 'inbound') AS replied,
            cand.at AS candidate_at, dec.at AS decided_at, dec.actor AS decided_by
       FROM leads l
       LEFT JOIN LATERAL (SELECT min(t.at) AS at FROM stage_transitions t
                           WHERE t.lead_id = l.id AND t.to_stage = 'mql_candidate') cand ON true
       LEFT JOIN LATERAL (SELECT t.at, t.actor FROM stage_transitions t
                           WHERE t.lead_id = l.id AND t.from_stage = 'mql_candidate'
                             AND t.to_stage IN ('mql', 'nurture', 'disqualified')
                             AND t.actor LIKE 'user:%' AND t.at >= cand.at
                           ORDER BY t.at, t.id LIMIT 1) dec ON true
      WHERE $1::timestamptz IS NULL OR l.created_at >= $1::timestamptz
      ORDER BY l.created_at, l.id`,
    [options.since ?? null],
  );
  return rows.map((r) => {
    const stages = new Set<Stage>();
    for (const s of [r.stage, ...(r.stages ?? [])]) if (isStage(s)) stages.add(s);
    return {
      leadId: r.id,
      createdAt: r.created_at,
      stagesReached: [...stages],
      firstChannel: r.first_channel,
      firstSource: r.first_source,
      firstCampaign: r.first_campaign,
      firstSequenceId: r.first_sequence_id,
      firstSentAt: r.first_sent_at,
      replied: r.replied,
      candidateAt: r.candidate_at,
      decidedAt: r.decided_at,
      decidedBy: r.decided_by,
    };
  });
}
