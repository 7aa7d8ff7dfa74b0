/**
 * The composition root: the one place that reads configuration, builds every adapter and wires
 * them into the use-cases. Nothing else constructs clients.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config/schema.ts';
import type { AppDeps } from './app/deps.ts';
import type { Db } from './adapters/db/db.ts';
import { openPglite } from './adapters/db/db.pglite.ts';
import { openPostgres } from './adapters/db/db.pg.ts';
import { migrate } from './adapters/db/migrate.ts';
import { createLogger, silentLogger, type Logger } from './adapters/log.ts';
import { buildHttpServer } from './adapters/http/server.ts';
import { systemClock, type Clock } from './domain/clock.ts';
import { OfflineEngine } from './domain/qualify/engine.offline.ts';
import { HybridEngine } from './domain/qualify/engine.hybrid.ts';
import { assembleQualification } from './domain/qualify/assemble.ts';
import { parseScoringPolicy, ScoringPolicyError, type ScoringPolicy } from './domain/qualify/policy.ts';
import type { QualificationEngine } from './domain/qualify/types.ts';
import { OpenAiQualificationEngine } from './adapters/llm/engine.openai.ts';
import { MemoryAnswerCache, type AnswerCache } from './adapters/llm/cache.ts';
import { loadPrompt } from './adapters/llm/prompts.ts';
import { BatonError, ConfigError, toBatonError } from './domain/errors.ts';
import { DbAnswerCache } from './adapters/llm/cache.db.ts';
import { createOpenAiPersonaliser } from './adapters/llm/personalise.openai.ts';
import type { Personaliser } from './domain/sequence/personalise.ts';
import { createSmtpMailer } from './adapters/email/mailer.ts';
import { startSmtpSink, type SmtpSink } from './adapters/email/sink.ts';
import { Worker } from './adapters/queue/worker.ts';
import type { Mailer } from './app/mail-ports.ts';
import type { OutreachDeps, OutreachSettings } from './app/outreach/deps.ts';
import { checkTimeZone, parseMailboxes, parseSendWindowSpec } from './app/outreach/settings.ts';
import { loadSequences } from './app/outreach/catalog.ts';
import { outreachTasks } from './app/outreach/tasks.ts';
import { enrolNewInboundLead, receiveInbound } from './app/outreach/inbound.ts';
import { startInboundSmtp, type InboundSmtp } from './adapters/email/smtp-inbound.ts';
import { startImapPoller, type ImapPoller } from './adapters/email/imap-poll.ts';
import type { InboundSink } from './app/mail-ports.ts';
import type { SimulatorAdapters } from './app/simulate/run.ts';
import { isDecider, parseTeam, TeamFileError, type LoadedTeam } from './domain/desk/team.ts';
import type { DeskDeps } from './app/desk/deps.ts';
import { noNotifier } from './app/desk/notifier.ts';
import { deskTasks, ensureDeskSchedules } from './app/desk/tasks.ts';
import { handoffTasks } from './app/desk/handoff.ts';
import { createSlackDesk, type SlackDesk } from './adapters/slack/desk.ts';
import { deskRoutes } from './adapters/http/routes/desk.ts';
import { demoTasks, startDemo, summariseDemo } from './app/demo/demo.ts';
import { shouldRunDemo } from './app/demo/should-run.ts';
import { parse as parseYaml } from 'yaml';
import type { ChatDeps, ChatSettings } from './app/chat/deps.ts';
import { ChatHub } from './app/chat/hub.ts';
import { chatTasks } from './app/chat/tasks.ts';
import { newChatSecret } from './app/chat/token.ts';
import { serviceSecret } from './adapters/db/store/chat.ts';
import { RateLimiter } from './domain/chat/limits.ts';
import { chatRoutes } from './adapters/http/routes/chat.ts';
import type { ChatProvider, ChatProviderName } from './app/chat/provider.ts';
import { websiteChatProvider } from './app/chat/website-provider.ts';
import { createWebhookChatProvider } from './adapters/chat/webhook.ts';
import { chatWebhookRoutes } from './adapters/http/routes/chat-webhook.ts';
import { draftTasks } from './app/desk/drafts.ts';
import { createKnowledgeBase, loadKnowledge } from './app/kb/knowledge.ts';
import { createOpenAiEmbedder } from './adapters/llm/embed.openai.ts';
import { createModelAnswerer } from './adapters/llm/answer.openai.ts';
import { offlineEmbedder } from './domain/embed/offline-embedder.ts';
import type { Embedder, KnowledgeBase } from './domain/kb/types.ts';

export interface Baton extends AppDeps {
  config: Config;
  close(): Promise<void>;
}

/** Opens the configured database (server when DATABASE_URL is set, else embedded PGlite) and migrates it. */
export async function openDatabase(config: Config, logger: Logger): Promise<Db> {
  let db: Db;
  if (config.DATABASE_URL) {
    try {
      db = await openPostgres(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
    } catch (e) {
      throw new BatonError('DATABASE_UNREACHABLE', `cannot connect to DATABASE_URL: ${toBatonError(e).message}. Check that the server runs and the URL is right, or unset DATABASE_URL to use the embedded database.`, { fault: 'user', cause: e });
    }
  } else {
    const dir = resolve(config.BATON_DATA_DIR);
    try {
      db = await openPglite(dir);
    } catch (e) {
      throw new BatonError('DATABASE_UNREACHABLE', `cannot open the embedded database in ${dir}: ${toBatonError(e).message}. Is another Baton process using it? The embedded database allows one process at a time; set BATON_DATA_DIR to another directory or use DATABASE_URL.`, { fault: 'user', cause: e });
    }
  }
  const { applied } = await migrate(db);
  if (applied.length) logger.info({ applied, backend: db.kind }, 'database migrated');
  return db;
}

/** Baton's install directory: the shipped policy resolves against it, so `baton` works from any directory. */
const INSTALL_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHIPPED_POLICY = 'config/scoring-policy.yaml';

/**
 * Reads and validates the scoring policy named by BATON_SCORING_POLICY. A path of your own resolves
 * against the current directory; the default (the shipped file) against Baton's install directory.
 */
export function loadScoringPolicy(config: Pick<Config, 'BATON_SCORING_POLICY'>): ScoringPolicy {
  const given = config.BATON_SCORING_POLICY;
  const path = isAbsolute(given) ? given : given === SHIPPED_POLICY ? resolve(INSTALL_ROOT, given) : resolve(given);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`BATON_SCORING_POLICY points to ${path}, which cannot be read (${toBatonError(e).message}); fix the path or unset it to use the shipped ${SHIPPED_POLICY}`, { path });
  }
  try {
    return parseScoringPolicy(text, path);
  } catch (e) {
    if (e instanceof ScoringPolicyError) throw new ConfigError(e.message, { path, problems: [...e.problems] });
    throw e;
  }
}

const SHIPPED_TEAM = 'config/team.yaml';

/** Reads and validates the sales team (BATON_TEAM_FILE): a bad file stops start-up with every problem named. */
export function loadTeam(config: Pick<Config, 'BATON_TEAM_FILE'>): LoadedTeam {
  const path = configuredPath(config.BATON_TEAM_FILE, SHIPPED_TEAM);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`BATON_TEAM_FILE points to ${path}, which cannot be read (${toBatonError(e).message}); fix the path or unset it to use the shipped ${SHIPPED_TEAM}`, { path });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`BATON_TEAM_FILE ${path} is not YAML or JSON: ${toBatonError(e).message}`, { path });
  }
  try {
    return parseTeam(value, path);
  } catch (e) {
    if (e instanceof TeamFileError) throw new ConfigError(e.message, { path, ...(e.details ?? {}) });
    throw e;
  }
}

const STRUCTURED_METHOD = { json_schema: 'jsonSchema', function_calling: 'functionCalling', json_mode: 'jsonMode' } as const;

/** The configured OpenAI-compatible endpoint, as every model client (qualification, personalisation) takes it. */
function openAiEndpoint(config: Config, apiKey: string) {
  return {
    apiKey,
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    model: config.OPENAI_MODEL,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
    retry: { retries: config.OPENAI_MAX_RETRIES, baseDelayMs: 1000, maxDelayMs: 20_000 },
    method: STRUCTURED_METHOD[config.OPENAI_STRUCTURED_OUTPUT],
    pricing: { inputPerMTok: config.OPENAI_PRICE_INPUT_PER_MTOK, outputPerMTok: config.OPENAI_PRICE_OUTPUT_PER_MTOK },
  };
}

/**
 * The qualification engine the configuration asks for. The offline engine is always there: it is the
 * default, the first pass of hybrid, and the fallback when a model fails.
 */
export function buildQualificationEngine(
  config: Config,
  options: { logger: Logger; cache?: AnswerCache; engine?: Config['BATON_ENGINE']; policy?: ScoringPolicy },
): QualificationEngine {
  // Loaded first, so a bad policy file stops start-up before any client is built.
  const policy = options.policy ?? loadScoringPolicy(config);
  const offline = new OfflineEngine(policy);
  const kind = options.engine ?? config.BATON_ENGINE;
  if (kind === 'offline') return offline;
  if (!config.OPENAI_API_KEY) {
    throw new BatonError('CONFIG_INVALID', `the ${kind} engine needs OPENAI_API_KEY (any placeholder for a local endpoint without keys)`, { fault: 'user' });
  }
  const model = new OpenAiQualificationEngine({
    ...openAiEndpoint(config, config.OPENAI_API_KEY),
    prompt: loadPrompt('qualify.v1.md'),
    cache: options.cache ?? new MemoryAnswerCache(),
    fallback: offline,
    finalize: (input, draft, engine) => assembleQualification(input, draft, engine, policy),
    logger: options.logger.child({ component: 'engine.openai' }),
  });
  return kind === 'openai' ? model : new HybridEngine(offline, model, config.BATON_HYBRID_MIN_CONFIDENCE);
}

/** Builds Baton's dependencies for a command or the service. */
export async function openBaton(config: Config, options: { logger?: Logger; clock?: Clock } = {}): Promise<Baton> {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL, logPii: config.BATON_LOG_PII });
  const db = await openDatabase(config, logger);
  return {
    config,
    db,
    logger,
    clock: options.clock ?? systemClock,
    close: () => db.close(),
  };
}

export interface RunningService {
  baton: Baton;
  /** The email channel: its deps, the job worker, and the local sink when no SMTP_URL is set. */
  outreach: { deps: ChatDeps; worker: Worker; sink: SmtpSink | null };
  /** The inbound SMTP server's port, when INBOUND_SMTP_PORT is set. */
  inboundSmtpPort: number | null;
  /** The address the HTTP server listens on, e.g. http://127.0.0.1:3000 */
  url: string;
  stop(reason?: string): Promise<void>;
}

/** A path from configuration: absolute, else relative to the current directory, except a shipped default, which resolves against the install directory. */
function configuredPath(given: string, shippedDefault: string): string {
  return isAbsolute(given) ? given : given === shippedDefault ? resolve(INSTALL_ROOT, given) : resolve(given);
}

/** The email settings, checked: a bad window, zone or mailbox list stops start-up with the variable named. */
export function outreachSettings(config: Config): OutreachSettings {
  return {
    mailboxes: parseMailboxes(config.MAIL_FROM),
    replyDomain: config.MAIL_REPLY_DOMAIN.toLowerCase(),
    publicUrl: config.BATON_PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}`,
    postalAddress: config.MAIL_POSTAL_ADDRESS,
    senderZone: checkTimeZone(config.BATON_TIME_ZONE),
    sendWindow: parseSendWindowSpec(config.BATON_SEND_WINDOW),
    mailboxDailyCap: config.MAIL_DAILY_CAP,
    sequenceDailyCap: config.SEQUENCE_DAILY_CAP,
    spacingMs: config.MAIL_SPACING_SECONDS * 1000,
    autoReplyPauseDays: 7,
    softBounceRetryHours: 24,
    maxSoftBounces: 3,
    recycleCoolOffDays: 30,
    inboundSequence: config.BATON_INBOUND_SEQUENCE ?? null,
    nurtureSequence: config.BATON_NURTURE_SEQUENCE ?? null,
  };
}

export const sequencesDir = (config: Pick<Config, 'BATON_SEQUENCES_DIR'>) => configuredPath(config.BATON_SEQUENCES_DIR, 'sequences');
export const templatesDir = (config: Pick<Config, 'BATON_TEMPLATES_DIR'>) => configuredPath(config.BATON_TEMPLATES_DIR, 'prompts/email');

/** The mailer: the configured SMTP server, else a sink on loopback that keeps each message as a file. */
export async function buildMailer(config: Config, logger: Logger): Promise<{ mailer: Mailer; sink: SmtpSink | null }> {
  let dkim: { domainName: string; keySelector: string; privateKey: string } | undefined;
  if (config.DKIM_DOMAIN && config.DKIM_SELECTOR && config.DKIM_PRIVATE_KEY_FILE) {
    let privateKey: string;
    try {
      privateKey = readFileSync(config.DKIM_PRIVATE_KEY_FILE, 'utf8');
    } catch (e) {
      throw new ConfigError(`DKIM_PRIVATE_KEY_FILE ${config.DKIM_PRIVATE_KEY_FILE} cannot be read: ${toBatonError(e).message}`, { variable: 'DKIM_PRIVATE_KEY_FILE' });
    }
    if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey)) throw new ConfigError(`DKIM_PRIVATE_KEY_FILE ${config.DKIM_PRIVATE_KEY_FILE} is not a PEM private key`, { variable: 'DKIM_PRIVATE_KEY_FILE' });
    dkim = { domainName: config.DKIM_DOMAIN, keySelector: config.DKIM_SELECTOR, privateKey };
  }
  const log = logger.child({ component: 'mailer' });
  if (config.SMTP_URL) return { mailer: createSmtpMailer({ url: config.SMTP_URL, maxConnections: config.SMTP_POOL_MAX, ...(dkim ? { dkim } : {}), logger: log }), sink: null };
  const dir = config.DATABASE_URL ? resolve('mail-sink') : resolve(config.BATON_DATA_DIR, 'mail-sink');
  const sink = await startSmtpSink({ dir });
  logger.info({ dir, url: sink.url }, 'no SMTP_URL: outgoing mail goes to a local sink and is kept as .eml files');
  const mailer = createSmtpMailer({ url: sink.url, maxConnections: config.SMTP_POOL_MAX, ...(dkim ? { dkim } : {}), logger: log });
  return {
    mailer: { send: (m) => mailer.send(m), close: async () => { await mailer.close(); await sink.close(); } },
    sink,
  };
}

/**
 * The model that writes personal first lines for `personalise: true` steps: the qualification
 * model's endpoint when the engine uses one (openai or hybrid); none on the offline engine, where
 * templates go as written.
 */
export function buildPersonaliser(config: Config, logger: Logger, cache?: AnswerCache): Personaliser | undefined {
  if (config.BATON_ENGINE === 'offline' || !config.OPENAI_API_KEY) return undefined;
  return createOpenAiPersonaliser({
    ...openAiEndpoint(config, config.OPENAI_API_KEY),
    prompt: loadPrompt('personalise.v1.md'),
    ...(cache ? { cache } : {}),
    logger: logger.child({ component: 'personalise.openai' }),
  });
}

/** The email channel wired up: sequences loaded, mailer, job worker. Started by startService and the simulator's callers. */
export async function buildOutreach(
  baton: Baton,
  options: { engine?: QualificationEngine; mailer?: Mailer; workerId?: string } = {},
): Promise<{ deps: ChatDeps; worker: Worker; sink: SmtpSink | null; slack: SlackDesk | null; close(): Promise<void> }> {
  const { config, logger } = baton;
  const settings = outreachSettings(config);
  const cache = new DbAnswerCache(baton.db);
  const policy = loadScoringPolicy(config);
  const engine = options.engine ?? buildQualificationEngine(config, { logger, cache, policy });
  const report = await loadSequences(baton, sequencesDir(config), templatesDir(config));
  const added = report.sequences.filter((s) => s.created);
  if (added.length) logger.info({ sequences: added.map((s) => `${s.id}@v${s.version}`) }, 'sequence versions stored');
  for (const name of [settings.inboundSequence, settings.nurtureSequence]) {
    if (name && !report.sequences.some((s) => s.id === name)) {
      throw new ConfigError(`sequence "${name}" (BATON_INBOUND_SEQUENCE or BATON_NURTURE_SEQUENCE) is not in ${sequencesDir(config)}; add it or set the variable to an empty value`, { sequence: name });
    }
  }
  const built = options.mailer ? { mailer: options.mailer, sink: null } : await buildMailer(config, logger);
  const wake = { fn: (): void => undefined };
  const personaliser = buildPersonaliser(config, logger, cache);
  const outreach: OutreachDeps = { db: baton.db, clock: baton.clock, logger, mailer: built.mailer, engine, settings, wake: () => wake.fn(), ...(personaliser ? { personaliser } : {}) };
  // The desk rides on the same deps: the inbound pipeline opens candidates with the team's owners and
  // SLAs, and a rejection recycles through the email channel.
  const desk = buildDesk(config, outreach);
  const { slack } = desk;
  // The website chat rides on the desk: a qualified visitor becomes a card, a request for a person an alert.
  const deps = await buildChat(config, desk.deps, policy);
  slack?.bind(deps);
  const worker = new Worker({
    db: baton.db,
    clock: baton.clock,
    logger: logger.child({ component: 'worker' }),
    tasks: { ...outreachTasks(deps), ...deskTasks(deps), ...handoffTasks(deps), ...draftTasks(deps), ...chatTasks(deps), ...demoTasks(deps) },
    concurrency: config.WORKER_CONCURRENCY,
    pollIntervalMs: config.WORKER_POLL_MS,
    ...(options.workerId ? { id: options.workerId } : {}),
  });
  wake.fn = () => worker.wake();
  return { deps, worker, sink: built.sink, slack, close: () => built.mailer.close() };
}

/**
 * The SDR desk on top of the email channel: the team file, Slack when SLACK_BOT_TOKEN is set (cards,
 * DMs, the SDR group), else nobody to notify (the review console at /console is the desk), and the
 * optional CRM webhook. The caller binds the Slack desk to the finished deps before it serves.
 */
export function buildDesk(config: Config, outreach: OutreachDeps): { deps: DeskDeps; slack: SlackDesk | null } {
  const team = loadTeam(config);
  const slack =
    config.SLACK_BOT_TOKEN && config.SLACK_CHANNEL_ID
      ? createSlackDesk(
          {
            botToken: config.SLACK_BOT_TOKEN,
            signingSecret: config.SLACK_SIGNING_SECRET,
            appToken: config.SLACK_APP_TOKEN,
            channelId: config.SLACK_CHANNEL_ID,
            apiUrl: config.SLACK_API_URL,
            sdrGroupId: config.SLACK_SDR_GROUP_ID,
          },
          { logger: outreach.logger.child({ component: 'slack' }), team, zone: outreach.settings.senderZone },
        )
      : null;
  const deps: DeskDeps = {
    ...outreach,
    team,
    notifier: slack?.notifier ?? noNotifier,
    isSdr: slack?.isSdr ?? ((id) => isDecider(team, id)),
    crm: config.CRM_WEBHOOK_URL && config.CRM_WEBHOOK_SECRET ? { url: config.CRM_WEBHOOK_URL, secret: config.CRM_WEBHOOK_SECRET } : null,
  };
  return { deps, slack };
}

/** The chat's settings, checked; the token key is BATON_CHAT_SECRET or one the database keeps. */
export async function chatSettings(config: Config, deps: Pick<DeskDeps, 'db' | 'clock' | 'team'>): Promise<ChatSettings> {
  const secret = config.BATON_CHAT_SECRET ?? (await serviceSecret(deps.db, 'chat.token', newChatSecret, deps.clock.now()));
  const perMinute = config.BATON_CHAT_RATE_PER_MINUTE;
  return {
    company: config.BATON_COMPANY_NAME,
    schedulingUrl: deps.team.scheduling_url ?? null,
    maxQuestions: config.BATON_CHAT_MAX_QUESTIONS,
    maxMessageChars: config.BATON_CHAT_MAX_MESSAGE_CHARS,
    maxVisitorMessages: config.BATON_CHAT_MAX_MESSAGES,
    visitorRate: { perMinute, burst: Math.max(3, Math.ceil(perMinute / 2)) },
    sessionRate: { perMinute: config.BATON_CHAT_SESSIONS_PER_HOUR / 60, burst: Math.max(1, Math.ceil(config.BATON_CHAT_SESSIONS_PER_HOUR / 3)) },
    tokenTtlDays: 30,
    secret,
  };
}

export const knowledgeDir = (config: Pick<Config, 'BATON_KNOWLEDGE_DIR'>) => configuredPath(config.BATON_KNOWLEDGE_DIR, 'knowledge');

/**
 * The knowledge base: the Markdown files of BATON_KNOWLEDGE_DIR loaded into the store (changed files
 * re-embedded, removed ones dropped), searched with the offline embedder. A directory that does not
 * exist stops start-up with the variable named; an empty one leaves every question to a person.
 */
/** The knowledge base's embedder: OPENAI_EMBEDDING_MODEL on the configured endpoint, else the offline hashed one. */
export function buildEmbedder(config: Config, logger: Logger): Embedder {
  if (!config.OPENAI_EMBEDDING_MODEL || !config.OPENAI_API_KEY) return offlineEmbedder;
  const endpoint = openAiEndpoint(config, config.OPENAI_API_KEY);
  return createOpenAiEmbedder({
    apiKey: endpoint.apiKey,
    ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}),
    model: config.OPENAI_EMBEDDING_MODEL,
    ...(config.OPENAI_EMBEDDING_DIMENSIONS ? { dimensions: config.OPENAI_EMBEDDING_DIMENSIONS } : {}),
    timeoutMs: endpoint.timeoutMs,
    retry: endpoint.retry,
    logger: logger.child({ component: 'kb.embed.openai' }),
  });
}

export async function buildKnowledge(config: Config, deps: AppDeps, embedder: Embedder = buildEmbedder(config, deps.logger)): Promise<KnowledgeBase> {
  const dir = knowledgeDir(config);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError(`BATON_KNOWLEDGE_DIR points to ${dir}, which is not a directory; create it (Markdown files: product, pricing policy, security, integrations) or unset it to use the shipped knowledge/`, { path: dir });
  }
  const summary = await loadKnowledge({ db: deps.db, clock: deps.clock, logger: deps.logger, embedder }, dir);
  if (summary.added || summary.updated || summary.removed) deps.logger.info({ dir, ...summary }, 'knowledge base loaded');
  return openKnowledgeBase(config, deps, embedder);
}

/** The knowledge base over what is stored: extractive answers, or with BATON_KB_ANSWERS=model the model's (citations checked). */
export function openKnowledgeBase(config: Config, deps: AppDeps, embedder: Embedder = buildEmbedder(config, deps.logger)): KnowledgeBase {
  const kbDeps = { db: deps.db, clock: deps.clock, logger: deps.logger, embedder };
  if (config.BATON_KB_ANSWERS !== 'model' || !config.OPENAI_API_KEY) return createKnowledgeBase(kbDeps);
  // The model writes answers only from passages that passed the relevance gate; its citations are checked.
  const e = openAiEndpoint(config, config.OPENAI_API_KEY);
  const answerer = createModelAnswerer({
    apiKey: e.apiKey,
    ...(e.baseURL ? { baseURL: e.baseURL } : {}),
    model: e.model,
    timeoutMs: e.timeoutMs,
    retry: e.retry,
    prompt: loadPrompt('kb-answer.v1.md'),
    logger: deps.logger.child({ component: 'kb.answer.openai' }),
  });
  return createKnowledgeBase(kbDeps, { answerer });
}

/** The website chat on top of the desk: settings, the knowledge base, the live hub and the rate limiters. */
export async function buildChat(config: Config, desk: DeskDeps, policy: ScoringPolicy, options: { kb?: KnowledgeBase | null } = {}): Promise<ChatDeps> {
  const chat = await chatSettings(config, desk);
  const kb = options.kb !== undefined ? options.kb : await buildKnowledge(config, desk);
  const providers: Partial<Record<ChatProviderName, ChatProvider>> = {};
  const deps: ChatDeps = {
    ...desk,
    chat,
    kb,
    hub: new ChatHub(),
    policy,
    limits: { visitor: new RateLimiter(chat.visitorRate), sessions: new RateLimiter(chat.sessionRate) },
    chatProviders: providers,
  };
  // Sequence chat steps reach returning visitors in the website chat, and a gateway (SMS, WhatsApp, WeCom) when configured.
  providers.website = websiteChatProvider(deps);
  if (config.CHAT_WEBHOOK_URL && config.CHAT_WEBHOOK_SECRET) providers.webhook = createWebhookChatProvider({ url: config.CHAT_WEBHOOK_URL, secret: config.CHAT_WEBHOOK_SECRET, clock: desk.clock });
  return deps;
}

/** Starts the long-running service: database, HTTP server, the email channel and its job worker. */
export async function startService(config: Config, options: { logger?: Logger; clock?: Clock } = {}): Promise<RunningService> {
  // A bad scoring policy stops the service at start, not at the first reply it qualifies.
  loadScoringPolicy(config);
  const baton = await openBaton(config, options);
  let outreach: Awaited<ReturnType<typeof buildOutreach>>;
  try {
    outreach = await buildOutreach(baton);
  } catch (e) {
    await baton.close();
    throw e;
  }
  const onNewLead = (leadId: string, channel: string) => {
    if (channel !== 'web_form' && channel !== 'chat') return;
    enrolNewInboundLead(outreach.deps, leadId).catch((e: unknown) => baton.logger.error({ leadId, code: toBatonError(e).code, err: toBatonError(e).message }, 'could not enrol the new lead in the inbound sequence'));
  };
  const origins = config.BATON_CHAT_ORIGINS === '*' ? ('*' as const) : config.BATON_CHAT_ORIGINS.split(',').map((o) => o.trim());
  const routes = [
    deskRoutes(outreach.deps),
    chatRoutes(outreach.deps, { allowedOrigins: origins }),
    ...(config.CHAT_WEBHOOK_SECRET ? [chatWebhookRoutes({ deps: outreach.deps, secret: config.CHAT_WEBHOOK_SECRET })] : []),
    ...(outreach.slack && !config.SLACK_APP_TOKEN ? [outreach.slack.routes] : []),
  ];
  const http = await buildHttpServer(baton, config, { outreach: outreach.deps, onNewLead, routes });
  let url: string;
  try {
    url = await http.listen({ host: config.HOST, port: config.PORT });
  } catch (e) {
    await outreach.close();
    await baton.close();
    const err = toBatonError(e);
    if ((e as { code?: string }).code === 'EADDRINUSE') {
      throw new BatonError('PORT_IN_USE', `port ${config.PORT} on ${config.HOST} is already in use; set PORT to a free port`, { fault: 'user', cause: e });
    }
    throw err;
  }
  baton.logger.info({ url, backend: baton.db.kind }, 'baton service listening');
  // Without BATON_PUBLIC_URL the links point at this server; with PORT=0 its port is known only now,
  // before the worker writes any email.
  if (!config.BATON_PUBLIC_URL) (outreach.deps.settings as { publicUrl: string }).publicUrl = url;
  if (config.WORKER_ENABLED) outreach.worker.start();
  await ensureDeskSchedules(outreach.deps);
  baton.logger.info({ console: `${url}/console`, slack: outreach.slack ? (config.SLACK_APP_TOKEN ? 'socket mode' : `${url}/slack/events`) : 'off' }, 'SDR desk ready');
  // Replies come in by SMTP (an MX for the reply domain), IMAP polling, or POST /v1/inbound/email: one pipeline.
  const sink: InboundSink = (raw, meta) => receiveInbound(outreach.deps, raw, meta);
  let smtpIn: InboundSmtp | null = null;
  let imap: ImapPoller | null = null;
  try {
    if (config.INBOUND_SMTP_PORT !== undefined) {
      smtpIn = await startInboundSmtp({ host: config.INBOUND_SMTP_HOST, port: config.INBOUND_SMTP_PORT, domains: [outreach.deps.settings.replyDomain], maxBytes: config.BATON_MAX_MAIL_BYTES, sink, logger: baton.logger.child({ component: 'smtp-in' }) });
      baton.logger.info({ port: smtpIn.port, domain: outreach.deps.settings.replyDomain }, 'inbound SMTP listening');
    }
    if (config.IMAP_URL) imap = startImapPoller({ url: config.IMAP_URL, intervalMs: config.IMAP_POLL_SECONDS * 1000, sink, logger: baton.logger.child({ component: 'imap' }) });
    await outreach.slack?.start();
    if (shouldRunDemo(config)) {
      const demo = await startDemo(outreach.deps, { logger: baton.logger });
      const counts = await summariseDemo(baton);
      baton.logger.info({ ...counts, seeded: demo.seeded, console: `${url}/console` }, 'demo loop running: demo leads get emails, answer them, and MQL candidates wait in the review console (BATON_DEMO=off to stop)');
    }
  } catch (e) {
    await outreach.slack?.stop().catch(() => undefined);
    await http.close();
    await outreach.worker.stop();
    await outreach.close();
    await baton.close();
    throw e;
  }
  let stopping: Promise<void> | undefined;
  return {
    baton,
    url,
    outreach: { deps: outreach.deps, worker: outreach.worker, sink: outreach.sink },
    inboundSmtpPort: smtpIn?.port ?? null,
    stop: (reason = 'stop') =>
      (stopping ??= (async () => {
        baton.logger.info({ reason }, 'baton service stopping');
        await outreach.slack?.stop();
        await http.close();
        await smtpIn?.close();
        await imap?.stop();
        if (config.WORKER_ENABLED) await outreach.worker.stop();
        await outreach.close();
        await baton.close();
        baton.logger.info('baton service stopped');
      })()),
  };
}

/** The team the chat simulator plays with: SDRs U1-U3, team lead UL, AEs UA1-UA2 (the ids scripts use). */
const SIMULATOR_TEAM = {
  sdrs: [
    { id: 'U1', name: 'Ana', territories: ['US'] },
    { id: 'U2', name: 'Ben', territories: ['DE'] },
    { id: 'U3', name: 'Cy' },
  ],
  team_lead: { id: 'UL', name: 'Lena' },
  aes: [
    { id: 'UA1', name: 'Omar' },
    { id: 'UA2', name: 'Sofia' },
  ],
  scheduling_url: 'https://cal.test/sales',
};

/**
 * What `baton eval chat` plays scripted visitors against: the real chat on a throwaway in-memory
 * database, the shipped scoring policy with the offline engine, the knowledge of BATON_KNOWLEDGE_DIR,
 * the simulator's own team, and nobody to notify. It sends no email.
 */
export async function chatSimulation(config: Config, options: { logger?: Logger; clock?: Clock } = {}): Promise<{ deps: ChatDeps; close(): Promise<void> }> {
  const logger = options.logger ?? silentLogger();
  const db = await openPglite('memory://');
  try {
    await migrate(db);
    const policy = loadScoringPolicy({ BATON_SCORING_POLICY: SHIPPED_POLICY });
    const clock = options.clock ?? systemClock;
    const mailer: Mailer = { send: () => Promise.reject(new Error('the chat simulator sends no email')), close: async () => undefined };
    const outreach: OutreachDeps = { db, clock, logger, mailer, engine: new OfflineEngine(policy), settings: outreachSettings(config) };
    const team = parseTeam(SIMULATOR_TEAM, 'the chat simulator team');
    const desk: DeskDeps = { ...outreach, team, notifier: noNotifier, isSdr: (id) => isDecider(team, id), crm: null };
    const kb = await buildKnowledge({ ...config, BATON_KB_ANSWERS: 'extractive' }, desk, offlineEmbedder);
    const deps = await buildChat({ ...config, BATON_COMPANY_NAME: 'Acme Analytics', BATON_CHAT_SECRET: 'chat-simulator-key-0123456789abcdef0123', BATON_CHAT_RATE_PER_MINUTE: 600, BATON_CHAT_SESSIONS_PER_HOUR: 100_000 }, desk, policy, { kb });
    return { deps, close: () => db.close() };
  } catch (e) {
    await db.close();
    throw e;
  }
}

/**
 * What `baton simulate` runs on, whatever the configuration says: a throwaway in-memory database,
 * the shipped sequences, templates and scoring policy with the offline engine, and real SMTP to a
 * sink on loopback. Nothing touches the configured database or mail server.
 */
export function simulatorAdapters(options: { logger?: Logger } = {}): SimulatorAdapters {
  return {
    openDatabase: async () => {
      const db = await openPglite('memory://');
      await migrate(db);
      return db;
    },
    startSink: (o) => startSmtpSink(o),
    mailerFor: (url, maxConnections) => createSmtpMailer({ url, maxConnections }),
    engine: new OfflineEngine(loadScoringPolicy({ BATON_SCORING_POLICY: SHIPPED_POLICY })),
    sequencesDir: sequencesDir({ BATON_SEQUENCES_DIR: 'sequences' }),
    templatesDir: templatesDir({ BATON_TEMPLATES_DIR: 'prompts/email' }),
    logger: options.logger ?? silentLogger(),
  };
}
