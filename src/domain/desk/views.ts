import type { Stage } from '../lifecycle.ts';
import type { Bant, Intent, ScoreReason } from '../qualify/types.ts';
import type { BantCorrection, CandidateStatus, RejectReason } from './decision.ts';

/**
 * What the desk shows, independent of where: the Slack adapter renders these as Block Kit, the
 * review console as HTML. Built by the use-cases in src/app/desk from the store; plain data only.
 */

/** A person named on a view (an SDR, the team lead, an AE). */
export interface PersonRef {
  readonly id: string;
  readonly name: string;
}

export const HANDOFF_STATUSES = ['pending', 'sql', 'rejected', 'won', 'lost'] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];

/** What an AE may say about a handoff: accept as SQL or reject it, later won or lost. */
export const HANDOFF_OUTCOMES = ['sql', 'rejected', 'won', 'lost'] as const;
export type HandoffOutcome = (typeof HANDOFF_OUTCOMES)[number];

/** A past candidate like this one (nearest neighbour of the conversation), with what people decided. */
export interface SimilarCandidate {
  readonly candidateId: string;
  readonly leadName: string | null;
  readonly company: string | null;
  /** Cosine similarity, 0..1. */
  readonly similarity: number;
  readonly status: CandidateStatus;
  readonly rejectReason: RejectReason | null;
  /** What sales said, when it was handed off. */
  readonly outcome: HandoffStatus | null;
}

/** One candidate as its card shows it. */
export interface CandidateCard {
  readonly candidate: {
    readonly id: string;
    readonly status: CandidateStatus;
    readonly version: number;
    readonly owner: PersonRef | null;
    readonly dueAt: Date | null;
    readonly hot: boolean;
    /** Undecided and past its due time at the moment the card was built. */
    readonly overdue: boolean;
    readonly escalations: number;
    readonly snoozedUntil: Date | null;
    /** Newer messages that refreshed the card since it opened. */
    readonly refreshes: number;
    readonly decidedBy: PersonRef | null;
    readonly decidedAt: Date | null;
    readonly rejectReason: RejectReason | null;
    readonly note: string | null;
    readonly createdAt: Date;
  };
  readonly lead: {
    readonly id: string;
    readonly name: string | null;
    readonly email: string;
    readonly title: string | null;
    readonly company: string | null;
    readonly country: string | null;
    readonly stage: Stage;
    readonly source: string | null;
    readonly campaign: string | null;
    readonly channel: string | null;
  };
  /** The lead's account and its other contacts (the lead excluded), when the lead has an account. */
  readonly account: {
    readonly name: string;
    readonly domain: string | null;
    readonly industry: string | null;
    readonly employees: number | null;
    readonly contacts: readonly { readonly name: string | null; readonly title: string | null; readonly email: string; readonly stage: Stage }[];
  } | null;
  readonly qualification: {
    readonly score: number;
    readonly grade: 'A' | 'B' | 'C' | 'D' | null;
    readonly intent: Intent;
    /** The biggest contributions to the score, largest first. */
    readonly reasons: readonly ScoreReason[];
    /** The machine's BANT, as qualified. */
    readonly bant: Bant;
    /** The SDR's correction beside it, when someone edited. */
    readonly correction: BantCorrection | null;
  };
  /** The lead's latest words, quoted history and signature stripped; null when there is no message. */
  readonly latestWords: string | null;
  readonly latestAt: Date | null;
  /** The whole conversation, in the review console. */
  readonly threadUrl: string;
  readonly similar: readonly SimilarCandidate[];
  readonly handoff: { readonly id: string; readonly ae: PersonRef; readonly status: HandoffStatus } | null;
  /** The newest draft answer to a question the lead asked, when there is one. */
  readonly draft: DraftView | null;
}

/** One message of a conversation, as the brief and the console show it. */
export interface ConversationEntry {
  readonly at: Date;
  readonly from: 'us' | 'lead';
  readonly channel: 'email' | 'chat';
  readonly subject: string | null;
  /** Own words: quoted history stripped. */
  readonly text: string;
}

/** What an AE gets when a candidate is approved. */
export interface HandoffBrief {
  readonly handoffId: string;
  readonly candidateId: string;
  readonly ae: PersonRef;
  readonly approvedBy: PersonRef;
  readonly approvedAt: Date;
  readonly lead: CandidateCard['lead'];
  readonly account: CandidateCard['account'];
  readonly score: number;
  readonly grade: 'A' | 'B' | 'C' | 'D' | null;
  /** One line on what they need, from the need evidence, else the latest words. */
  readonly need: string | null;
  /** The BANT sales should trust: the SDR's correction over the machine's answer, each with its quote. */
  readonly bant: Bant;
  readonly conversation: readonly ConversationEntry[];
  /** Questions already answered in the conversation: do not ask them again. */
  readonly doNotAsk: readonly string[];
  readonly note: string | null;
  readonly threadUrl: string;
}

/** A handoff as the AE's message and the API show it. */
export interface HandoffView {
  readonly id: string;
  readonly candidateId: string;
  readonly leadId: string;
  readonly ae: PersonRef;
  readonly status: HandoffStatus;
  readonly reason: string | null;
  readonly note: string | null;
  readonly outcomeBy: string | null;
  readonly outcomeAt: Date | null;
  readonly version: number;
  readonly brief: HandoffBrief;
}

/** One line of a queue: enough to list and open a candidate. */
export interface QueueLine {
  readonly candidateId: string;
  readonly leadName: string | null;
  readonly company: string | null;
  readonly score: number;
  readonly grade: 'A' | 'B' | 'C' | 'D' | null;
  readonly status: CandidateStatus;
  readonly owner: PersonRef | null;
  readonly dueAt: Date | null;
  readonly overdue: boolean;
  readonly hot: boolean;
}

/** The desk's numbers: App Home, `/baton stats`, the console header and the daily summary. */
export interface DeskStats {
  readonly at: Date;
  /** Undecided candidates owned by the asking person (empty when nobody asked). */
  readonly myQueue: readonly QueueLine[];
  /** Every undecided candidate, most urgent first. */
  readonly teamQueue: readonly QueueLine[];
  /** Candidates approved since the start of today in the team's zone. */
  readonly mqlsToday: number;
  /** Approved / decided over the last 30 days; null when nothing was decided. */
  readonly approvalRate: number | null;
  /** Median minutes from candidate to decision over the last 30 days; null when nothing was decided. */
  readonly medianDecisionMinutes: number | null;
  /** Undecided candidates past their due time now. */
  readonly breachesOpen: number;
  /** Candidates escalated since the start of today in the team's zone. */
  readonly escalationsToday: number;
}

/** Why a chat needs a person: the visitor asked for one, for a meeting, for prices, or a question the knowledge base cannot answer. */
export type ChatAlertReason = 'human' | 'meeting' | 'pricing' | 'unanswered';

/** A chat that needs a person, as the team sees it (the Slack message that starts the chat's thread, the console's chat list). */
export interface ChatAlertView {
  readonly sessionId: string;
  readonly reason: ChatAlertReason;
  /** The question nobody could answer (reason unanswered). */
  readonly question: string | null;
  readonly visitor: { readonly leadId: string | null; readonly name: string | null; readonly email: string | null; readonly company: string | null };
  readonly page: string | null;
  readonly lang: 'en' | 'zh';
  /** The visitor's latest words. */
  readonly latest: string;
  /** Who answers now: the bot, or the person who took the chat over. */
  readonly takenBy: PersonRef | null;
  /** The chat in the review console. */
  readonly url: string;
}

/** One chat message mirrored to the team (the chat's Slack thread). */
export interface ChatMirrorEntry {
  readonly sessionId: string;
  readonly from: 'visitor' | 'bot' | 'agent';
  readonly text: string;
  readonly by: PersonRef | null;
  readonly at: Date;
}

/** A grounded draft answer to a question the lead asked by email, on the card for an SDR to send, edit or discard. */
export interface DraftView {
  readonly id: string;
  /** The question sentences of the lead's reply. */
  readonly question: string;
  /** The answer from the knowledge base; null when it had none (the SDR writes one). */
  readonly answer: string | null;
  /** The passages the answer rests on. */
  readonly sources: readonly { readonly title: string; readonly heading: string; readonly label: string }[];
  readonly status: 'proposed' | 'sent' | 'discarded';
  readonly decidedBy: PersonRef | null;
  readonly decidedAt: Date | null;
  readonly sentText: string | null;
}
