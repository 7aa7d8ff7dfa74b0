import type { FastifyInstance } from 'fastify';
import { candidatesOfLead } from '../../db/store/candidates.ts';
import type { DeskDeps } from '../../../app/desk/deps.ts';
import { noNotifier } from '../../../app/desk/notifier.ts';
import { enrolLead } from '../../../app/outreach/enrol.ts';
import { receiveInbound } from '../../../app/outreach/inbound.ts';
import { isDecider } from '../../../domain/desk/team.ts';
import { candidateAnswer, testTeam } from '../../../testing/desk.ts';
import { ScriptedEngine } from '../../../testing/engines.ts';
import { composeReply, createOutreachHarness, type OutreachHarness } from '../../../testing/outreach.ts';
import type { Config } from '../../../config/schema.ts';
import type { ChatSettings } from '../../../app/chat/deps.ts';
import { createChatHarness, shippedKnowledge, type ChatHarness } from '../../../testing/chat.ts';
import { latestDraftOfLead } from '../../db/store/drafts.ts';
import { buildHttpServer } from '../server.ts';
import { testConfig } from '../test-support.ts';
import { chatRoutes } from './chat.ts';
import { deskRoutes } from './desk.ts';

/**
 * Test fixture of the desk's HTTP side (route tests and the browser test): a real service on a test
 * database, candidates made the way production makes them (a lead enrolled in the inbound fast lane
 * answers its first email, and the scripted engine qualifies the answer as an MQL candidate).
 */

export interface DeskFixture {
  h: OutreachHarness;
  desk: DeskDeps;
  app: FastifyInstance;
  /** Makes a lead, enrols it, lets it answer the first email; returns the lead and its open candidate. */
  candidate(email: string, fields: { firstName: string; lastName?: string; company: string; title?: string }, words?: string): Promise<{ leadId: string; candidateId: string }>;
  close(): Promise<void>;
}

export async function createDeskFixture(config: Partial<Record<keyof Config, unknown>> = {}): Promise<DeskFixture> {
  const h = await createOutreachHarness({ engine: new ScriptedEngine('scripted', () => candidateAnswer()) });
  const team = testTeam();
  const desk: DeskDeps = { ...h.deps, isSdr: (id) => isDecider(team, id), team, notifier: noNotifier, crm: null };
  const app = await buildHttpServer(h.deps, testConfig(config), { routes: [deskRoutes(desk)] });

  async function candidate(email: string, fields: { firstName: string; lastName?: string; company: string; title?: string }, words = 'We need a tool for this; I am the VP of Sales and we have a budget of $40k.') {
    const leadId = await h.addLead(email, fields);
    await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    // The fast lane spaces one mailbox's sends: step the clock until the first email to this lead went out.
    let first;
    for (let i = 0; i < 20 && !first; i++) {
      await h.worker.runDue();
      first = h.sink.messages.find((m) => m.envelopeTo.includes(email));
      if (!first) h.clock.advance(15_000);
    }
    if (!first) throw new Error(`no email to ${email} went out`);
    const raw = await composeReply(first.raw, { from: email, text: words, date: h.clock.now() });
    await receiveInbound(h.deps, raw, { via: 'simulator' });
    await h.worker.runDue();
    const open = (await candidatesOfLead(h.db, leadId)).find((c) => c.status === 'open');
    if (!open) throw new Error(`the reply of ${email} opened no candidate`);
    return { leadId, candidateId: open.id };
  }

  return {
    h,
    desk,
    app,
    candidate,
    async close() {
      await app.close();
      await h.close();
    },
  };
}

/**
 * Test fixture of the website chat's HTTP side with the desk and the review console (the chat's browser
 * test): a real service on a test database, the offline qualification engine, the test team (SDRs U1
 * Ana, U2 Ben, U3 Cy; team lead UL; AEs UA1, UA2), the chat open to any origin.
 */
export interface ChatFixture {
  c: ChatHarness;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function createChatFixture(options: { config?: Partial<Record<keyof Config, unknown>>; settings?: Partial<ChatSettings> } = {}): Promise<ChatFixture> {
  const c = await createChatHarness(options.settings ? { settings: options.settings } : {});
  const app = await buildHttpServer(c.h.deps, testConfig(options.config ?? {}), { routes: [deskRoutes(c.deps), chatRoutes(c.deps, { allowedOrigins: '*', heartbeatMs: 5_000 })] });
  return {
    c,
    app,
    async close() {
      await app.close();
      await c.close();
    },
  };
}

/**
 * Test fixture of grounded draft answers on the desk (the drafts' browser test): the chat harness's
 * worker (which runs desk.draft and desk.draft_send), the scripted engine answering an MQL candidate,
 * the shipped knowledge loaded with the offline embedder, and the desk's routes with the console.
 */
export interface DraftFixture {
  c: ChatHarness;
  app: FastifyInstance;
  /** A lead enrolled in the fast lane answers its first email with words that ask something: its open candidate and the draft on it. */
  asking(email: string, fields: { firstName: string; lastName?: string; company: string }, words: string): Promise<{ leadId: string; candidateId: string; draftId: string }>;
  close(): Promise<void>;
}

export async function createDraftFixture(config: Partial<Record<keyof Config, unknown>> = {}): Promise<DraftFixture> {
  const c = await createChatHarness({ engine: new ScriptedEngine('scripted', () => candidateAnswer(85)) });
  // The worker's draft task holds the same deps object: the knowledge base set here is the one it asks.
  Object.assign(c.deps, { kb: await shippedKnowledge(c.h.deps) });
  const app = await buildHttpServer(c.h.deps, testConfig(config), { routes: [deskRoutes(c.deps)] });

  async function asking(email: string, fields: { firstName: string; lastName?: string; company: string }, words: string) {
    const leadId = await c.h.addLead(email, fields);
    await enrolLead(c.h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    let first;
    for (let i = 0; i < 20 && !first; i++) {
      await c.worker.runDue();
      first = c.h.sink.messages.find((m) => m.envelopeTo.includes(email));
      if (!first) c.h.clock.advance(15_000);
    }
    if (!first) throw new Error(`no email to ${email} went out`);
    await receiveInbound(c.h.deps, await composeReply(first.raw, { from: email, text: words, date: c.h.clock.now() }), { via: 'simulator' });
    // Qualification opens the candidate; its desk.draft job follows.
    for (let i = 0; i < 4; i++) await c.worker.runDue();
    const open = (await candidatesOfLead(c.h.db, leadId)).find((x) => x.status === 'open');
    if (!open) throw new Error(`the reply of ${email} opened no candidate`);
    const draft = await latestDraftOfLead(c.h.db, leadId);
    if (!draft) throw new Error(`the reply of ${email} got no draft: does it ask a question?`);
    return { leadId, candidateId: open.id, draftId: draft.id };
  }

  return {
    c,
    app,
    asking,
    async close() {
      await app.close();
      await c.close();
    },
  };
}
