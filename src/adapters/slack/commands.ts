import './node20.ts';
import type { App } from '@slack/bolt';
import type { DeskDeps } from '../../app/desk/deps.ts';
import { findLead, pauseLead, resumeLead, summaryLines, UnknownLeadError, type PauseResult } from '../../app/desk/lookup.ts';
import { deskStats } from '../../app/desk/stats.ts';
import { funnelReport } from '../../app/report/funnel.ts';
import type { DeskStats } from '../../domain/desk/views.ts';
import { toBatonError } from '../../domain/errors.ts';
import { homeView } from './blocks.ts';
import { explain, type HandlerContext } from './handlers.ts';
import { escapeText, percent } from './text.ts';

/**
 * What /baton and App Home ask the desk, in the shapes they show. `deskQueries` is the real one;
 * tests may pass their own. Each answers plain data or throws a BatonError.
 */
export interface DeskQueries {
  deskStats(deps: DeskDeps, input: { userId?: string }): Promise<DeskStats>;
  /** One line per fact about the lead with that address (stage, owner, candidate, sequence), or null: not found. */
  findLead(deps: DeskDeps, email: string): Promise<readonly string[] | null>;
  /** Pauses the lead's sequences; answers one sentence on what happened. */
  pauseLead(deps: DeskDeps, input: { email: string; by: string }): Promise<string>;
  resumeLead(deps: DeskDeps, input: { email: string; by: string }): Promise<string>;
}

const changed = (verb: string, email: string, r: PauseResult): string =>
  `${verb} ${r.enrolments.length} sequence${r.enrolments.length === 1 ? '' : 's'} of ${email}: ${r.enrolments.map((e) => e.sequenceId).join(', ')}.`;

/** The desk's use-cases behind /baton and App Home. */
export const deskQueries: DeskQueries = {
  deskStats: (deps, input) => deskStats(deps, input),
  findLead: async (deps, email) => {
    try {
      return summaryLines(await findLead(deps, email));
    } catch (e) {
      if (e instanceof UnknownLeadError) return null;
      throw e;
    }
  },
  pauseLead: async (deps, input) => changed('Paused', input.email, await pauseLead(deps, input)),
  resumeLead: async (deps, input) => changed('Resumed', input.email, await resumeLead(deps, input)),
};

export const USAGE = 'Usage: `/baton stats` · `/baton find EMAIL` · `/baton pause EMAIL` · `/baton resume EMAIL`';

/** The /baton stats answer. */
export function statsText(s: DeskStats): string {
  const median = s.medianDecisionMinutes === null ? 'n/a' : `${Math.round(s.medianDecisionMinutes)} min`;
  return [
    `*Desk now*: ${s.teamQueue.length} open candidate${s.teamQueue.length === 1 ? '' : 's'} (${s.myQueue.length} yours), ${s.breachesOpen} past due`,
    `MQLs today: ${s.mqlsToday} · approval rate (30 d): ${percent(s.approvalRate)} · median time to decision: ${median} · escalations today: ${s.escalationsToday}`,
  ].join('\n');
}

/** Splits "find pat@x.test" into a subcommand and its argument; anything else is usage. */
export function parseCommand(text: string): { sub: 'stats' } | { sub: 'find' | 'pause' | 'resume'; email: string } | { sub: 'usage' } {
  const [sub, arg, ...rest] = text.trim().split(/\s+/);
  if (sub === 'stats' && !arg) return { sub: 'stats' };
  if ((sub === 'find' || sub === 'pause' || sub === 'resume') && arg && rest.length === 0) {
    // Slack turns a typed address into <mailto:a@b|a@b>.
    const email = arg.replace(/^<mailto:([^|>]+)(?:\|[^>]*)?>$/, '$1');
    if (/^[^\s@<>]+@[^\s@<>]+$/.test(email)) return { sub, email };
  }
  return { sub: 'usage' };
}

/**
 * /baton and App Home. A command's answer is its ack body (ephemeral): it reaches the person in any
 * channel, also those the bot is not in. The queries are quick reads, inside Slack's 3 seconds.
 */
export function registerCommands(app: App, ctx: HandlerContext & { readonly queries: DeskQueries }): void {
  app.command('/baton', async ({ ack, command }) => {
    const by = `user:${command.user_id}`;
    const parsed = parseCommand(command.text ?? '');
    let text: string;
    try {
      const q = ctx.queries;
      if (parsed.sub === 'usage') text = USAGE;
      else if (parsed.sub === 'stats') text = statsText(await q.deskStats(ctx.deps(), { userId: command.user_id }));
      else if (parsed.sub === 'find') {
        const lines = await q.findLead(ctx.deps(), parsed.email);
        text = lines ? lines.map(escapeText).join('\n') : `No lead with the address ${escapeText(parsed.email)}.`;
      } else if (parsed.sub === 'pause') text = escapeText(await q.pauseLead(ctx.deps(), { email: parsed.email, by }));
      else text = escapeText(await q.resumeLead(ctx.deps(), { email: parsed.email, by }));
    } catch (e) {
      text = explain(e, ctx.logger);
    }
    await ack({ response_type: 'ephemeral', text });
  });

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab && event.tab !== 'home') return;
    const q = ctx.queries;
    try {
      const deps = ctx.deps();
      const stats = await q.deskStats(deps, { userId: event.user });
      const funnel = await funnelReport(deps, { by: 'source' });
      await client.views.publish({ user_id: event.user, view: homeView(stats, funnel) as never });
    } catch (e) {
      ctx.logger.warn({ err: toBatonError(e).message }, 'slack: could not publish App Home');
    }
  });
}
