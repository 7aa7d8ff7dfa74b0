import type { OutreachDeps } from '../outreach/deps.ts';
import type { LoadedTeam } from '../../domain/desk/team.ts';
import type { DeskNotifier } from './notifier.ts';

/**
 * Who belongs to the SDR group, the people allowed to decide candidates. `userId` is the part after
 * `user:` in an actor (a Slack user id, a console login). Slack answers from a user group or the
 * team file, the console from the team file; tests from a set.
 */
export type IsSdr = (userId: string) => boolean | Promise<boolean>;

/** Where handoffs and outcomes are also POSTed (a CRM), signed with the secret. */
export interface CrmWebhook {
  readonly url: string;
  readonly secret: string;
}

/**
 * What the desk's use-cases need: the outreach deps (a rejection recycles into nurture, a handoff
 * email goes through the mailer), the SDR group, the team (owners, AEs, SLAs), how people are told
 * (Slack, or nobody when the review console is the desk), and the optional CRM webhook.
 */
export interface DeskDeps extends OutreachDeps {
  readonly isSdr: IsSdr;
  readonly team: LoadedTeam;
  readonly notifier: DeskNotifier;
  readonly crm: CrmWebhook | null;
  /** HTTP client for the CRM webhook; default the global fetch (tests pass their own). */
  readonly fetch?: typeof fetch;
}
