import { getLeadById } from '../../adapters/db/store/leads.ts';
import { getEnrolmentByToken } from '../../adapters/db/store/sequences.ts';
import { findSuppressions } from '../../adapters/db/store/suppressions.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { AppDeps } from '../deps.ts';
import { optOut } from './inbound.ts';

/**
 * One-click unsubscribe (RFC 8058) by the token in the link: the address is suppressed and every
 * sequence of the lead stops, in one transaction. Idempotent: a second click changes nothing.
 */
export async function unsubscribeByToken(deps: AppDeps, token: string, actor: string): Promise<{ leadId: string; already: boolean }> {
  return deps.db.transaction(async (tx) => {
    const e = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await getEnrolmentByToken(tx, token) : null;
    if (!e) throw new NotFoundError('unsubscribe link', token.slice(0, 8));
    const lead = await getLeadById(tx, e.leadId, { forUpdate: true });
    if (!lead) throw new NotFoundError('unsubscribe link', token.slice(0, 8));
    const already = (await findSuppressions(tx, [lead.email])).size > 0 && lead.stage === 'unsubscribed';
    if (!already) await optOut(tx, lead, lead.email, 'unsubscribed', actor, deps.clock.now());
    return { leadId: lead.id, already };
  });
}

/** Whether a token names an enrolment (the confirmation page shows the same page either way, minus the form). */
export async function unsubscribeTokenKnown(deps: AppDeps, token: string): Promise<boolean> {
  return /^[A-Za-z0-9_-]{16,64}$/.test(token) && (await getEnrolmentByToken(deps.db, token)) !== null;
}
