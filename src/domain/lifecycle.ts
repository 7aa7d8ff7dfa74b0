import { IllegalTransitionError } from './errors.ts';

/**
 * The lead lifecycle: Lead -> contacted -> engaged -> MQL candidate -> MQL (approved) -> SQL ->
 * opportunity -> customer, with the side stages nurture (recycled), disqualified, unsubscribed and
 * bounced. Leads set aside go to nurture, never into a void.
 */
export const STAGES = [
  'lead',
  'contacted',
  'engaged',
  'mql_candidate',
  'mql',
  'sql',
  'opportunity',
  'customer',
  'nurture',
  'disqualified',
  'unsubscribed',
  'bounced',
] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  lead: 'Lead',
  contacted: 'Contacted',
  engaged: 'Engaged',
  mql_candidate: 'MQL candidate',
  mql: 'MQL',
  sql: 'SQL',
  opportunity: 'Opportunity',
  customer: 'Customer',
  nurture: 'Nurture',
  disqualified: 'Disqualified',
  unsubscribed: 'Unsubscribed',
  bounced: 'Bounced',
};

// Opt-out and bounce are reachable from every stage where we might still write to the person.
const EXITS = ['nurture', 'disqualified', 'unsubscribed', 'bounced'] as const;

const TRANSITIONS: Record<Stage, readonly Stage[]> = {
  lead: ['contacted', 'engaged', 'mql_candidate', ...EXITS],
  contacted: ['engaged', 'mql_candidate', ...EXITS],
  engaged: ['mql_candidate', ...EXITS],
  // Approved by an SDR -> mql; rejected -> nurture or disqualified.
  mql_candidate: ['mql', ...EXITS],
  // Accepted by sales -> sql; sales rejects -> nurture (recycled) or disqualified.
  mql: ['sql', ...EXITS],
  sql: ['opportunity', ...EXITS],
  opportunity: ['customer', ...EXITS],
  // A customer may open a new opportunity (upsell, renewal) or churn back into nurture.
  customer: ['opportunity', 'nurture', 'unsubscribed', 'bounced'],
  // Nurtured leads come back when they warm up.
  nurture: ['contacted', 'engaged', 'mql_candidate', 'disqualified', 'unsubscribed', 'bounced'],
  disqualified: ['nurture', 'unsubscribed', 'bounced'],
  // Only the person's own renewed consent brings them back (see `transition`'s `consent`).
  unsubscribed: ['nurture'],
  // A bounced address that later proves good (a reply, a corrected mailbox) can be worked again.
  bounced: ['engaged', 'nurture', 'unsubscribed'],
};

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

export function allowedNext(from: Stage): readonly Stage[] {
  return TRANSITIONS[from];
}

export function canTransition(from: Stage, to: Stage): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A move to record: who or what moved the lead, and why. */
export interface TransitionRequest {
  to: Stage;
  /** `system:intake`, `user:U123ABC`, `sequence:welcome`, ... */
  actor: string;
  reason?: string;
  /** Leaving `unsubscribed` needs the person's own renewed consent. */
  consent?: boolean;
}

export interface Transition {
  from: Stage;
  to: Stage;
  actor: string;
  reason: string | null;
  at: Date;
}

/** Decides a move. Pure: the caller passes the current stage and the time. Throws IllegalTransitionError. */
export function transition(from: Stage, req: TransitionRequest, at: Date): Transition {
  if (!isStage(req.to)) throw new IllegalTransitionError(from, String(req.to), allowedNext(from));
  if (from === req.to || !canTransition(from, req.to)) throw new IllegalTransitionError(from, req.to, allowedNext(from));
  if (from === 'unsubscribed' && !req.consent) {
    throw new IllegalTransitionError(from, req.to, []);
  }
  if (!req.actor.trim()) throw new IllegalTransitionError(from, req.to, allowedNext(from));
  return { from, to: req.to, actor: req.actor, reason: req.reason ?? null, at };
}

/** Stages in which nothing may be sent to the person. */
export function isContactable(stage: Stage): boolean {
  return stage !== 'unsubscribed' && stage !== 'bounced' && stage !== 'disqualified';
}
