import { z } from 'zod';
import { chatMessages, getChatSession } from '../../adapters/db/store/chat.ts';
import type { Queryable } from '../../adapters/db/db.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { ChatDeps } from './deps.ts';
import { getTranscript, postVisitorMessage, startChat } from './sessions.ts';
import { agentReply, releaseChat, takeOverChat } from './takeover.ts';

/**
 * The conversation simulator: scripted visitors played against the real chat (policy, engine,
 * knowledge base, takeover) on a throwaway database, with the chat's invariants checked after every
 * turn: no slot asked twice, no slot asked that the visitor had already settled, no answer without a
 * stored passage behind it (its sentences found in the cited passages), no bot message while a person
 * has the chat, never more questions than the cap. Each script may add its own expectations.
 */

const Slot = z.enum(['need', 'timeline', 'budget', 'authority', 'email']);
const Reason = z.enum(['human', 'meeting', 'pricing', 'unanswered']);

const Expect = z
  .object({
    /** The slot the bot asks this turn; "none" when it asks nothing. */
    asks: z.union([Slot, z.literal('none')]).optional(),
    /** A question this turn was answered from the knowledge base (true), or handed to a person (false). */
    answered: z.boolean().optional(),
    /** The document the answer cites (e.g. integrations.md). */
    source: z.string().optional(),
    /** The team is told this turn, for this reason. */
    alert: Reason.optional(),
    /** The bot says nothing this turn (a person has the chat). */
    silent: z.boolean().optional(),
    /** After this turn the conversation is an MQL, and the lead has an open candidate card. */
    mql: z.boolean().optional(),
    candidate: z.boolean().optional(),
    /** Some bot message this turn contains this text (case-insensitive). */
    says: z.string().optional(),
    /** The bot speaks this language this turn. */
    lang: z.enum(['en', 'zh']).optional(),
  })
  .strict();

const Turn = z.union([
  z.object({ visitor: z.string().min(1), expect: Expect.optional() }).strict(),
  z.object({ takeover: z.string().min(1) }).strict(),
  z.object({ release: z.string().min(1) }).strict(),
  z.object({ agent: z.string().min(1), by: z.string().min(1).default('U1') }).strict(),
]);

export const VisitorScript = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case words joined by dashes'),
    lang: z.enum(['en', 'zh']).default('en'),
    email: z.string().optional(),
    note: z.string().optional(),
    turns: z.array(Turn).min(1),
  })
  .strict();
export type VisitorScript = z.infer<typeof VisitorScript>;

export function parseScripts(value: unknown, source: string): VisitorScript[] {
  const r = z.array(VisitorScript).min(1).safeParse(value);
  if (!r.success) throw new ValidationError(`${source}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const seen = new Set<string>();
  for (const s of r.data) {
    if (seen.has(s.id)) throw new ValidationError(`${source}: script id ${s.id} appears twice`);
    seen.add(s.id);
  }
  return r.data;
}

export type InvariantKind = 'asked_twice' | 'asked_known' | 'answer_without_source' | 'source_not_stored' | 'answer_not_in_source' | 'bot_spoke_during_takeover' | 'over_question_cap';

export interface Violation {
  readonly script: string;
  readonly turn: number;
  readonly kind: InvariantKind | 'expectation';
  readonly detail: string;
}

export interface SimulationReport {
  readonly scripts: number;
  readonly turns: number;
  readonly botMessages: number;
  readonly questionsAsked: number;
  readonly answers: number;
  readonly handedToPerson: number;
  readonly passed: number;
  readonly violations: readonly Violation[];
  readonly byKind: Readonly<Record<string, number>>;
}

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();
/** The answer's own text, without the "(Source: ...)" the policy appends. */
const withoutSource = (text: string): string => text.replace(/\s*(?:\(Source: [^)]*\)|（来源：[^）]*）)\s*$/, '');

async function passagesById(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await q.query<{ id: string; body: string; heading: string }>(`SELECT id, body, heading FROM kb_passages WHERE id = ANY($1::text[])`, [[...ids]]);
  return new Map(rows.map((r) => [r.id, `${r.heading}\n${r.body}`]));
}

/** Splits an extractive answer into the sentences it was built from. */
function answerSentences(text: string): string[] {
  return (text.match(/[^.!?。！？]+[.!?。！？]*/g) ?? []).map(norm).filter((s) => s.length > 3);
}

/**
 * Plays the scripts. `extractive`: the answers must be made of sentences of their sources (the
 * offline knowledge base); with a model writing answers, only the sources' existence is checked.
 */
export async function simulateChats(deps: ChatDeps, scripts: readonly VisitorScript[], options: { extractive?: boolean } = {}): Promise<SimulationReport> {
  const violations: Violation[] = [];
  let turns = 0;
  let botMessages = 0;
  let questionsAsked = 0;
  let answers = 0;
  let handed = 0;
  let passed = 0;
  for (const script of scripts) {
    const before = violations.length;
    const fail = (turn: number, kind: Violation['kind'], detail: string): void => {
      violations.push({ script: script.id, turn, kind, detail });
    };
    const started = await startChat(deps, { lang: script.lang, ...(script.email ? { email: script.email } : {}) }, `simulator:${script.id}`);
    const id = started.session_id;
    let leadKnown = Boolean(script.email);
    let human = false;
    for (const [i, turn] of script.turns.entries()) {
      turns += 1;
      if ('takeover' in turn) {
        await takeOverChat(deps, id, `user:${turn.takeover}`);
        human = true;
        continue;
      }
      if ('release' in turn) {
        await releaseChat(deps, id, `user:${turn.release}`);
        human = false;
        continue;
      }
      if ('agent' in turn) {
        await agentReply(deps, id, `user:${turn.by}`, turn.agent);
        human = true;
        continue;
      }
      const session = await getChatSession(deps.db, id);
      const fromSeq = session?.lastSeq ?? 0;
      const jobsBefore = await alertCount(deps, id);
      const r = await postVisitorMessage(deps, id, turn.visitor);
      const t = await getTranscript(deps, id);
      const bot = (await chatMessages(deps.db, (await getChatSession(deps.db, id))?.conversationId ?? '', fromSeq)).filter((m) => m.from === 'bot');
      botMessages += bot.length;
      const q = t.qualification;
      // Invariants.
      if (human && bot.length > 0) fail(i, 'bot_spoke_during_takeover', `the bot said "${bot[0]?.text}" while a person had the chat`);
      if (new Set(t.asked).size !== t.asked.length) fail(i, 'asked_twice', `asked: ${t.asked.join(', ')}`);
      if (t.asked.length > deps.chat.maxQuestions) fail(i, 'over_question_cap', `${t.asked.length} questions, cap ${deps.chat.maxQuestions}`);
      for (const m of bot) {
        if (m.slot) {
          questionsAsked += 1;
          if (m.slot === 'email') {
            if (leadKnown) fail(i, 'asked_known', 'asked for the email after it was given');
          } else if (q && q.bant[m.slot as 'need'].status !== 'unknown') {
            fail(i, 'asked_known', `asked ${m.slot}, which the visitor had settled: "${q.bant[m.slot as 'need'].evidence ?? ''}"`);
          }
        }
        if (m.kind === 'answer') {
          answers += 1;
          if (!m.sources?.length) {
            fail(i, 'answer_without_source', m.text);
            continue;
          }
          const stored = await passagesById(deps.db, m.sources.map((s) => s.passageId));
          for (const s of m.sources) if (!stored.has(s.passageId)) fail(i, 'source_not_stored', `cites ${s.passageId}, which is not stored`);
          if (options.extractive !== false) {
            const bodies = norm([...stored.values()].join('\n'));
            for (const sentence of answerSentences(withoutSource(m.text))) if (!bodies.includes(sentence.replace(/^\.\.\.\s*/, ''))) fail(i, 'answer_not_in_source', `"${sentence}" is not in ${[...stored.keys()].join(', ')}`);
          }
        }
        if (m.kind === 'no_answer') handed += 1;
      }
      leadKnown ||= t.lead_id !== null;
      // Expectations.
      const e = turn.expect;
      if (e) {
        const asked = bot.find((m) => m.slot)?.slot ?? 'none';
        if (e.asks && e.asks !== asked) fail(i, 'expectation', `expected the bot to ask ${e.asks}, it asked ${asked}`);
        if (e.answered === true && !bot.some((m) => m.kind === 'answer')) fail(i, 'expectation', `expected an answer, got: ${bot.map((m) => m.text).join(' | ')}`);
        if (e.answered === false && bot.some((m) => m.kind === 'answer')) fail(i, 'expectation', `expected no answer, got: ${bot.find((m) => m.kind === 'answer')?.text}`);
        if (e.source && !bot.some((m) => m.sources?.some((s) => s.documentId === e.source))) fail(i, 'expectation', `expected a citation of ${e.source}, got ${bot.flatMap((m) => m.sources ?? []).map((s) => s.passageId).join(', ') || 'none'}`);
        if (e.alert && !(await alertReasons(deps, id)).slice(jobsBefore).includes(e.alert)) fail(i, 'expectation', `expected the team to be told (${e.alert})`);
        if (e.silent === true && r.messages.length > 0) fail(i, 'expectation', `expected silence, the bot said "${r.messages[0]?.text}"`);
        if (e.silent === false && r.messages.length === 0) fail(i, 'expectation', 'expected the bot to answer');
        if (e.mql !== undefined && (q?.mql ?? false) !== e.mql) fail(i, 'expectation', `expected mql ${e.mql}, got ${q?.mql ?? false} (${q ? Object.entries(q.bant).map(([k, v]) => `${k}:${v.status}`).join(' ') : 'no qualification'})`);
        if (e.candidate !== undefined) {
          const open = t.lead_id ? (await deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM candidates WHERE lead_id = $1 AND status = 'open'`, [t.lead_id])).rows[0]?.n ?? 0 : 0;
          if (open > 0 !== e.candidate) fail(i, 'expectation', `expected ${e.candidate ? 'an open' : 'no'} candidate`);
        }
        if (e.says && !bot.some((m) => m.text.toLowerCase().includes(e.says?.toLowerCase() ?? ''))) fail(i, 'expectation', `expected the bot to say "${e.says}", got: ${bot.map((m) => m.text).join(' | ')}`);
        if (e.lang && bot.length && !bot.every((m) => (e.lang === 'zh') === /[\u4e00-\u9fff]/.test(m.text))) fail(i, 'expectation', `expected the bot to speak ${e.lang}: ${bot.map((m) => m.text).join(' | ')}`);
      }
    }
    if (violations.length === before) passed += 1;
  }
  const byKind: Record<string, number> = {};
  for (const v of violations) byKind[v.kind] = (byKind[v.kind] ?? 0) + 1;
  return { scripts: scripts.length, turns, botMessages, questionsAsked, answers, handedToPerson: handed, passed, violations, byKind };
}

async function alertReasons(deps: ChatDeps, sessionId: string): Promise<string[]> {
  const { rows } = await deps.db.query<{ reason: string }>(`SELECT payload->>'reason' AS reason FROM jobs WHERE task = 'chat.alert' AND payload->>'sessionId' = $1 ORDER BY id`, [sessionId]);
  return rows.map((r) => r.reason);
}

async function alertCount(deps: ChatDeps, sessionId: string): Promise<number> {
  return (await alertReasons(deps, sessionId)).length;
}

/** The report as a person reads it. */
export function formatSimulation(r: SimulationReport): string {
  const lines = [
    `chat simulator: ${r.passed}/${r.scripts} scripts passed, ${r.turns} turns, ${r.botMessages} bot messages`,
    `  questions asked ${r.questionsAsked}, answers from the knowledge base ${r.answers}, handed to a person ${r.handedToPerson}`,
    `  invariant violations: ${Object.entries(r.byKind).filter(([k]) => k !== 'expectation').map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
    `  expectation failures: ${r.byKind.expectation ?? 0}`,
  ];
  for (const v of r.violations) lines.push(`  - ${v.script} turn ${v.turn + 1}: ${v.kind}: ${v.detail}`);
  return lines.join('\n');
}
