import type { AppDeps } from '../deps.ts';
import type { Mailer } from '../mail-ports.ts';
import type { QualificationEngine } from '../../domain/qualify/types.ts';
import type { SendWindow } from '../../domain/sequence/calendar.ts';
import type { Personaliser } from '../../domain/sequence/personalise.ts';

/** One sending mailbox. */
export interface Mailbox {
  readonly address: string;
  readonly name: string;
}

/** How Baton writes email: who sends, when, how much, and where replies and opt-outs go. */
export interface OutreachSettings {
  readonly mailboxes: readonly Mailbox[];
  /** Replies go to reply+<token>@<replyDomain>; one-click mail opt-outs to unsubscribe+<token>@<replyDomain>. */
  readonly replyDomain: string;
  /** Public base URL of the service, for unsubscribe links. */
  readonly publicUrl: string;
  /** The sender's postal address, printed in every email's footer (CAN-SPAM and its cousins). */
  readonly postalAddress: string;
  /** Zone of the sending team: the recipient's zone when nothing better is known, and the day of mailbox caps. */
  readonly senderZone: string;
  /** Default send window (a sequence may set its own). */
  readonly sendWindow: SendWindow;
  /** Emails per mailbox per day. */
  readonly mailboxDailyCap: number;
  /** Emails per sequence per day when the sequence sets none. */
  readonly sequenceDailyCap: number;
  /** Least time between two sends of one mailbox. */
  readonly spacingMs: number;
  /** An auto-reply without a return date pauses the sequence this long. */
  readonly autoReplyPauseDays: number;
  /** A soft bounce retries the step after this long, up to maxSoftBounces times. */
  readonly softBounceRetryHours: number;
  readonly maxSoftBounces: number;
  /** SDR-rejected leads wait this long before a nurture sequence takes them (the recycle branch). */
  readonly recycleCoolOffDays: number;
  /** Sequence that new inbound leads (web forms, replies from unknown senders) enter; null: none. */
  readonly inboundSequence: string | null;
  /** Sequence that recycled and not-now leads enter; null: none. */
  readonly nurtureSequence: string | null;
}

/** What the sequence engine and the inbound pipeline need. */
export interface OutreachDeps extends AppDeps {
  readonly mailer: Mailer;
  readonly engine: QualificationEngine;
  readonly settings: OutreachSettings;
  /** Writes personal first lines for `personalise: true` steps; absent without a model (the template goes as written). */
  readonly personaliser?: Personaliser;
  /** Poke the job worker after an in-process enqueue (the fast lane), when one runs in this process. */
  readonly wake?: () => void;
}
