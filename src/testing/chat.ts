import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatDeps, ChatSettings } from '../app/chat/deps.ts';
import { ChatHub } from '../app/chat/hub.ts';
import { chatTasks } from '../app/chat/tasks.ts';
import { websiteChatProvider } from '../app/chat/website-provider.ts';
import type { DeskDeps } from '../app/desk/deps.ts';
import type { DeskNotifier } from '../app/desk/notifier.ts';
import { deskTasks } from '../app/desk/tasks.ts';
import { draftTasks } from '../app/desk/drafts.ts';
import { outreachTasks } from '../app/outreach/tasks.ts';
import { Worker } from '../adapters/queue/worker.ts';
import type { AppDeps } from '../app/deps.ts';
import { createKnowledgeBase, loadKnowledge } from '../app/kb/knowledge.ts';
import { offlineEmbedder } from '../domain/embed/offline-embedder.ts';
import { RateLimiter } from '../domain/chat/limits.ts';
import type { LoadedTeam } from '../domain/desk/team.ts';
import type { KnowledgeBase } from '../domain/kb/types.ts';
import { parseScoringPolicy } from '../domain/qualify/policy.ts';
import type { QualificationEngine } from '../domain/qualify/types.ts';
import { createOutreachHarness, type OutreachHarness } from './outreach.ts';
import { RecordingNotifier } from './recording-notifier.ts';
import { testTeam } from './desk.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The shipped knowledge (knowledge/) loaded into a test database, answered offline. */
export async function shippedKnowledge(deps: AppDeps): Promise<KnowledgeBase> {
  const kbDeps = { db: deps.db, clock: deps.clock, logger: deps.logger, embedder: offlineEmbedder };
  await loadKnowledge(kbDeps, resolve(ROOT, 'knowledge'));
  return createKnowledgeBase(kbDeps);
}

/** Chat settings for tests: generous limits unless a test sets its own. */
export function testChatSettings(overrides: Partial<ChatSettings> = {}): ChatSettings {
  return {
    company: 'Acme Analytics',
    schedulingUrl: 'https://cal.test/sales',
    maxQuestions: 5,
    maxMessageChars: 2000,
    maxVisitorMessages: 60,
    visitorRate: { perMinute: 600, burst: 600 },
    sessionRate: { perMinute: 600, burst: 600 },
    tokenTtlDays: 30,
    secret: 'test-chat-secret-0123456789abcdef0123456789',
    ...overrides,
  };
}

/** Chat deps over desk deps: the shipped scoring policy, a fresh hub, limiters from the settings. */
export function chatDepsFor(desk: DeskDeps, options: { settings?: Partial<ChatSettings>; kb?: KnowledgeBase | null } = {}): ChatDeps {
  const chat = testChatSettings(options.settings);
  const policy = parseScoringPolicy(readFileSync(resolve(ROOT, 'config/scoring-policy.yaml'), 'utf8'), 'config/scoring-policy.yaml');
  const providers: ChatDeps['chatProviders'] = {};
  const deps: ChatDeps = { ...desk, chat, kb: options.kb ?? null, hub: new ChatHub(), policy, limits: { visitor: new RateLimiter(chat.visitorRate), sessions: new RateLimiter(chat.sessionRate) }, chatProviders: providers };
  providers.website = websiteChatProvider(deps);
  return deps;
}

export interface ChatHarness {
  readonly h: OutreachHarness;
  readonly deps: ChatDeps;
  readonly notifier: DeskNotifier;
  readonly worker: Worker;
  close(): Promise<void>;
}

/** The email channel, the desk (test team, a recording notifier) and the chat on one test database. */
export async function createChatHarness(
  options: { engine?: QualificationEngine; settings?: Partial<ChatSettings>; kb?: KnowledgeBase | null; notifier?: DeskNotifier; team?: LoadedTeam; sequencesDir?: string } = {},
): Promise<ChatHarness> {
  const h = await createOutreachHarness({ ...(options.engine ? { engine: options.engine } : {}), ...(options.sequencesDir ? { sequencesDir: options.sequencesDir } : {}) });
  const team = options.team ?? testTeam();
  const notifier = options.notifier ?? new RecordingNotifier('slack');
  const desk: DeskDeps = { ...h.deps, isSdr: (id) => team.sdrs.some((p) => p.id === id) || team.team_lead.id === id, team, notifier, crm: null };
  const deps = chatDepsFor(desk, { ...(options.settings ? { settings: options.settings } : {}), kb: options.kb ?? null });
  const worker = new Worker({ db: h.db, clock: h.clock, logger: h.deps.logger, tasks: { ...outreachTasks(deps), ...deskTasks(deps), ...draftTasks(deps), ...chatTasks(deps) }, concurrency: 1 });
  return { h, deps, notifier, worker, close: () => h.close() };
}
