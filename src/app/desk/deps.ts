import type { OutreachDeps } from '../outreach/deps.ts';

/**
 * Who belongs to the SDR group, the people allowed to decide candidates. `userId` is the part after
 * `user:` in an actor (a Slack user id, a console login). Slack answers from a user group, the
 * console from its own list; tests from a set.
 */
export type IsSdr = (userId: string) => boolean | Promise<boolean>;

/** What the desk's use-cases need: the outreach deps (a rejection recycles into nurture) and the SDR group. */
export interface DeskDeps extends OutreachDeps {
  readonly isSdr: IsSdr;
}
