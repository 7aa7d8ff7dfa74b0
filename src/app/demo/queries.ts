import type { Queryable } from '../../adapters/db/db.ts';
import type { OutboundEmail } from '../mail-ports.ts';
import { DEMO_SOURCE } from './personas.ts';

/**
 * The demo's reads, one function per query. They belong with the other stores in
 * src/adapters/db/store (as demo.ts); they live here only because this helper did not own that
 * folder when the demo was written.
 */

export interface DemoLeadRow {
  readonly id: string;
  readonly email: string;
  readonly stage: string;
}

/** Leads whose first touch came from the demo (source "demo"). */
export async function listDemoLeads(q: Queryable): Promise<DemoLeadRow[]> {
  const { rows } = await q.query<DemoLeadRow>(`SELECT id, email, stage FROM leads WHERE first_source = $1 ORDER BY created_at, email`, [DEMO_SOURCE]);
  return rows;
}

/** The first email that went to a lead (sent, oldest first), or null while none has. */
export async function firstSentEmail(q: Queryable, leadId: string): Promise<{ email: OutboundEmail; messageId: string; sentAt: Date } | null> {
  const { rows } = await q.query<{ email: OutboundEmail; message_id: string; sent_at: Date }>(
    `SELECT email, message_id, sent_at FROM outbox WHERE lead_id = $1 AND status = 'sent' AND sent_at IS NOT NULL ORDER BY sent_at, created_at LIMIT 1`,
    [leadId],
  );
  const r = rows[0];
  return r ? { email: r.email, messageId: r.message_id, sentAt: r.sent_at } : null;
}

/** Whether a lead is in a live sequence (so its first email may still come). */
export async function hasLiveEnrolment(q: Queryable, leadId: string): Promise<boolean> {
  const { rows } = await q.query(`SELECT 1 FROM enrolments WHERE lead_id = $1 AND status IN ('active', 'paused') LIMIT 1`, [leadId]);
  return rows.length > 0;
}

/** Whether the inbound store holds a message with this Message-ID. */
export async function inboundWithMessageId(q: Queryable, messageId: string): Promise<boolean> {
  const { rows } = await q.query(`SELECT 1 FROM inbound_mail WHERE message_id = $1 LIMIT 1`, [messageId]);
  return rows.length > 0;
}

export interface DemoCounts {
  readonly leads: number;
  readonly emailsSent: number;
  readonly replies: number;
  readonly candidatesOpen: number;
  readonly decided: number;
  readonly handedOff: number;
}

/** The demo's figures, counted over demo leads only (one statement, so the numbers agree with each other). */
export async function demoCounts(q: Queryable): Promise<DemoCounts> {
  const { rows } = await q.query<{ leads: number; emails_sent: number; replies: number; open: number; decided: number; handed_off: number }>(
    `WITH demo AS (SELECT id FROM leads WHERE first_source = $1)
     SELECT (SELECT count(*)::int FROM demo) AS leads,
            (SELECT count(*)::int FROM outbox WHERE status = 'sent' AND lead_id IN (SELECT id FROM demo)) AS emails_sent,
            (SELECT count(*)::int FROM inbound_mail WHERE lead_id IN (SELECT id FROM demo)) AS replies,
            (SELECT count(*)::int FROM candidates WHERE status IN ('open', 'snoozed') AND lead_id IN (SELECT id FROM demo)) AS open,
            (SELECT count(*)::int FROM candidates WHERE status IN ('approved', 'rejected') AND lead_id IN (SELECT id FROM demo)) AS decided,
            (SELECT count(*)::int FROM handoffs WHERE lead_id IN (SELECT id FROM demo)) AS handed_off`,
    [DEMO_SOURCE],
  );
  const r = rows[0];
  return { leads: r?.leads ?? 0, emailsSent: r?.emails_sent ?? 0, replies: r?.replies ?? 0, candidatesOpen: r?.open ?? 0, decided: r?.decided ?? 0, handedOff: r?.handed_off ?? 0 };
}
