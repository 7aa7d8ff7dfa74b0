import './node20.ts';
import { App, LogLevel, SocketModeReceiver, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { FastifyPluginAsync } from 'fastify';
import type { ChatDeps } from '../../app/chat/deps.ts';
import type { IsSdr } from '../../app/desk/deps.ts';
import type { DeskNotifier } from '../../app/desk/notifier.ts';
import { isDecider, type LoadedTeam } from '../../domain/desk/team.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { Logger } from '../log.ts';
import { deskQueries, registerCommands, type DeskQueries } from './commands.ts';
import { registerChatHandlers } from './chat-handlers.ts';
import { registerDraftHandlers } from './draft-handlers.ts';
import { registerHandlers } from './handlers.ts';
import { SlackNotifier } from './notifier.ts';
import { FastifyReceiver } from './receiver.ts';

/** The Slack settings (SLACK_* in the configuration). */
export interface SlackSettings {
  /** Bot token, xoxb-... */
  readonly botToken: string;
  /** Signing secret; required in HTTP mode (no appToken). */
  readonly signingSecret?: string | undefined;
  /** App-level token, xapp-...: Socket Mode instead of POST /slack/events. */
  readonly appToken?: string | undefined;
  /** The team channel for candidate cards, escalations and the daily summary. */
  readonly channelId: string;
  /** Web API base URL ending in /api/ (https://slack.com/api/, or a fake in tests). */
  readonly apiUrl: string;
  /** User group whose members may decide; unset: the team file's SDRs and team lead. */
  readonly sdrGroupId?: string | undefined;
}

export interface SlackDeskOptions {
  readonly logger: Logger;
  readonly team: LoadedTeam;
  /** Wall-clock milliseconds for request signatures and the SDR group cache; default Date.now. */
  readonly now?: () => number;
  /** The team's time zone (BATON_TIME_ZONE) for "tomorrow 09:00"; default UTC. */
  readonly zone?: string;
  /** Web API retries per call (rate limits wait Retry-After between them); default 3. */
  readonly retries?: number;
  /** Stats and lead lookup for /baton and App Home; default the desk's use-cases (tests pass their own). */
  readonly queries?: DeskQueries;
}

export interface SlackDesk {
  readonly notifier: DeskNotifier;
  readonly isSdr: IsSdr;
  /** Gives the listeners their deps (the deps hold the notifier, so they are built after the desk): the desk's and the chat's. */
  bind(deps: ChatDeps): void;
  /** The POST /slack/events plugin for buildHttpServer's `routes` (HTTP mode; unused in Socket Mode). */
  readonly routes: (guard: unknown) => FastifyPluginAsync;
  /** Connects Socket Mode when an app token is set; nothing to do in HTTP mode. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when every listener started so far has finished (tests, graceful shutdown). */
  settled(): Promise<void>;
}

/** How long the SDR group's members are trusted before asking Slack again. */
const GROUP_CACHE_MS = 60_000;

/**
 * Builds the Slack side of the desk: a Bolt app fed by POST /slack/events (or Socket Mode), its
 * listeners, the DeskNotifier over the Web API, and the SDR group check. Bolt never calls auth.test:
 * `authorize` hands it the bot token. Without a bot user id Bolt's ignoreSelf lets our own posts
 * through; the chat's message listener drops every message with a bot_id itself.
 */
export function createSlackDesk(settings: SlackSettings, options: SlackDeskOptions): SlackDesk {
  const now = options.now ?? (() => Date.now());
  const { logger } = options;
  if (!settings.appToken && !settings.signingSecret) {
    throw new ValidationError('Slack needs SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)', {}, 'SLACK_NO_TRANSPORT');
  }
  const boltLogger = toBoltLogger(logger);
  // Few, short retries: a rate limit waits its Retry-After inside the client; after that the job's own backoff takes over.
  const clientOptions = {
    slackApiUrl: settings.apiUrl,
    logger: boltLogger,
    retryConfig: { retries: options.retries ?? 3, factor: 1, minTimeout: 100, maxTimeout: 1000 },
  };
  const client = new webApi.WebClient(settings.botToken, clientOptions);
  const notifier = new SlackNotifier(client, settings.channelId, logger);

  const httpReceiver = settings.appToken ? null : new FastifyReceiver({ signingSecret: settings.signingSecret ?? '', logger, now });
  const receiver = settings.appToken ? new SocketModeReceiver({ appToken: settings.appToken, logger: boltLogger }) : (httpReceiver as FastifyReceiver);
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: settings.botToken }),
    logger: boltLogger,
    clientOptions,
  });
  app.error(async (e) => {
    logger.error({ code: e.code, err: e.message }, 'slack: unhandled error in a listener');
  });

  let deps: ChatDeps | null = null;
  const ctx = {
    deps: () => {
      if (!deps) throw new Error('the Slack desk was not bound to its deps (call bind(deps) before serving)');
      return deps;
    },
    notifier,
    channelId: settings.channelId,
    zone: options.zone ?? 'UTC',
    logger,
    queries: options.queries ?? deskQueries,
  };
  registerHandlers(app, ctx);
  registerCommands(app, ctx);
  registerDraftHandlers(app, ctx);
  registerChatHandlers(app, { deps: ctx.deps, logger, now });

  let group: { members: ReadonlySet<string>; until: number } | null = null;
  const isSdr: IsSdr = async (userId) => {
    if (!settings.sdrGroupId) return isDecider(options.team, userId);
    if (!group || group.until <= now()) {
      try {
        const res = await client.usergroups.users.list({ usergroup: settings.sdrGroupId });
        group = { members: new Set(res.users ?? []), until: now() + GROUP_CACHE_MS };
      } catch (e) {
        // Keep the last answer rather than refusing every SDR while Slack hiccups; none yet: refuse.
        logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'slack: could not read the SDR user group (SLACK_SDR_GROUP_ID)');
        if (!group) return false;
      }
    }
    return group.members.has(userId);
  };

  return {
    notifier,
    isSdr,
    bind(d) {
      deps = d;
    },
    routes: () => {
      if (!httpReceiver) return async () => undefined;
      return httpReceiver.plugin();
    },
    async start() {
      if (settings.appToken) await app.start();
    },
    async stop() {
      if (settings.appToken) await app.stop();
      else await httpReceiver?.settled();
    },
    async settled() {
      await httpReceiver?.settled();
    },
  };
}

/** Bolt's logger interface over ours (Bolt's own debug chatter stays at debug). */
function toBoltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const line = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg) => logger.debug({ scope: 'bolt' }, line(msg)),
    info: (...msg) => logger.info({ scope: 'bolt' }, line(msg)),
    warn: (...msg) => logger.warn({ scope: 'bolt' }, line(msg)),
    error: (...msg) => logger.error({ scope: 'bolt' }, line(msg)),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}
