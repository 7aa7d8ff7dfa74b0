import type { Stage } from './lifecycle.ts';
import type { LeadFields } from './lead.ts';

/** Stored shapes, as the rest of Baton sees them (rows are mapped to these at the database edge). */

export interface Lead extends LeadFields {
  id: string;
  email: string;
  emailDomain: string;
  accountId: string | null;
  attributes: Record<string, string>;
  stage: Stage;
  stageChangedAt: Date;
  consentStatus: 'unknown' | 'granted' | 'withdrawn';
  createdAt: Date;
  updatedAt: Date;
}

/** One touch that brought a lead in or back. */
export interface SourceTouch {
  /** How it came: csv_import, web_form, webhook, referral, event, partner, outbound, chat. */
  channel: string;
  /** Which list, form or system: the import's --source, a form name. */
  source: string;
  campaign?: string | null;
  partner?: string | null;
  detail?: Record<string, unknown>;
}

export interface LeadSource extends Required<Omit<SourceTouch, 'detail'>> {
  id: number;
  firstTouch: boolean;
  detail: Record<string, unknown>;
  touchedAt: Date;
}

export interface StageTransitionRecord {
  id: number;
  fromStage: Stage | null;
  toStage: Stage;
  actor: string;
  reason: string | null;
  at: Date;
}

export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'complained', 'erased', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface Suppression {
  kind: 'email' | 'domain';
  value: string;
  valueHashed: boolean;
  reason: SuppressionReason;
  note: string | null;
  createdBy: string;
  createdAt: Date;
}

export interface AuditEntry {
  actor: string;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  /** Ids and counts only: never email addresses or message bodies. */
  data?: Record<string, unknown>;
}
