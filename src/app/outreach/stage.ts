import type { Queryable } from '../../adapters/db/db.ts';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { recordTransition } from '../../adapters/db/store/leads.ts';
import { canTransition, type Stage } from '../../domain/lifecycle.ts';
import type { Lead } from '../../domain/records.ts';

/**
 * Moves a lead when the lifecycle allows it, else leaves it where it is (an automatic move never
 * fails a pipeline: a reply from a customer does not make them "engaged"). Returns the stage after.
 */
export async function moveIfAllowed(tx: Queryable, lead: Pick<Lead, 'id' | 'stage'>, to: Stage, actor: string, reason: string, at: Date): Promise<Stage> {
  if (lead.stage === to || !canTransition(lead.stage, to)) return lead.stage;
  // Leaving unsubscribed needs consent; automatic moves never give it.
  if (lead.stage === 'unsubscribed') return lead.stage;
  await recordTransition(tx, lead.id, { from: lead.stage, to, actor, reason, at });
  await appendAudit(tx, { actor, action: 'lead.stage_changed', subjectType: 'lead', subjectId: lead.id, data: { from: lead.stage, to, reason } }, at);
  return to;
}
