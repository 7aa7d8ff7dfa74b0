import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getLeadByEmail } from '../../adapters/db/store/leads.ts';
import { getChatSessionByThread } from '../../adapters/db/store/chat.ts';
import { eraseLead } from '../leads.ts';
import { createChatHarness, type ChatHarness } from '../../testing/chat.ts';
import type { RecordingNotifier } from '../../testing/recording-notifier.ts';
import type { ChatEvent } from './hub.ts';
import { ChatError, checkVisitorToken, getTranscript, postVisitorMessage, startChat } from './sessions.ts';
import { agentReply, releaseChat, takeOverChat } from './takeover.ts';

describe('website chat', () => {
  let c: ChatHarness;
  beforeEach(async () => {
    c = await createChatHarness();
  });
  afterEach(async () => {
    await c.close();
  });

  const say = async (id: string, text: string): Promise<string[]> => (await postVisitorMessage(c.deps, id, text)).messages.map((m) => m.text);

  it('qualifies a visitor over the conversation, asks only for what is unknown, and opens a card once it has an email', async () => {
    const s = await startChat(c.deps, { page: 'https://acme.test/pricing' }, '203.0.113.9');
    expect(s.messages.map((m) => m.text)).toEqual(["Hi! I'm the Acme Analytics assistant. What brings you here today?"]);
    checkVisitorToken(c.deps, s.session_id, s.token);

    await say(s.session_id, 'We need to route inbound leads to the right rep, our team keeps missing them.');
    await say(s.session_id, 'we want this live by the end of next month');
    await say(s.session_id, 'budget is around $25k');
    const t = await getTranscript(c.deps, s.session_id);
    // Each slot asked at most once, and never one the visitor had already settled when it was asked.
    expect(new Set(t.asked).size).toBe(t.asked.length);
    const q = t.qualification;
    expect(q?.bant.need).toMatchObject({ status: 'met' });
    expect(q?.bant.timeline).toMatchObject({ status: 'met' });
    expect(q?.bant.budget).toMatchObject({ status: 'met', amount: 25000, currency: 'USD' });
    expect(q?.mql).toBe(true);
    for (const m of t.messages.filter((m) => m.slot)) {
      const before = t.messages.filter((x) => x.seq < m.seq && x.from === 'visitor').map((x) => x.text.toLowerCase());
      if (m.slot === 'budget') expect(before.some((x) => x.includes('budget'))).toBe(false);
      if (m.slot === 'timeline') expect(before.some((x) => x.includes('live by'))).toBe(false);
    }
    // An MQL without an email: the bot asks for it (once), and nothing reaches the desk yet.
    expect(t.asked.filter((a) => a === 'email')).toHaveLength(1);
    expect(t.lead_id).toBeNull();

    const wrap = await say(s.session_id, 'sure: dana@kestrel-freight.test');
    expect(wrap.join(' ')).toMatch(/Got your email.*Someone from our team will reach out shortly/);
    const lead = await getLeadByEmail(c.h.db, 'dana@kestrel-freight.test');
    expect(lead?.stage).toBe('mql_candidate');
    const { rows: touch } = await c.h.db.query<{ first_channel: string; first_source: string }>(`SELECT first_channel, first_source FROM leads WHERE id = $1`, [lead?.id]);
    expect(touch).toEqual([{ first_channel: 'chat', first_source: 'website_chat' }]);
    const { rows } = await c.h.db.query<{ status: string; score: number }>(`SELECT status, (qualification->>'score')::int AS score FROM candidates WHERE lead_id = $1`, [lead?.id]);
    expect(rows).toEqual([{ status: 'open', score: expect.any(Number) }]);
    const after = await getTranscript(c.deps, s.session_id);
    expect(after.lead_id).toBe(lead?.id);
    // One history: the chat is the lead's conversation, with the visitor's words as the lead's.
    const { rows: msgs } = await c.h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.lead_id = $1 AND m.author = 'lead'`, [lead?.id]);
    expect(msgs[0]?.n).toBe(4);
  });

  it('erases a visitor with their lead: the chat, its messages and its qualification go too', async () => {
    const s = await startChat(c.deps, { email: 'gone@erase.test' }, 'x');
    await say(s.session_id, 'we need lead routing, budget is $20k');
    await eraseLead(c.h.deps, 'gone@erase.test', 'test');
    const { rows } = await c.h.db.query<{ n: number }>(`SELECT (SELECT count(*) FROM chat_sessions WHERE id = $1)::int + (SELECT count(*) FROM messages WHERE body_text LIKE '%budget is $20k%')::int AS n`, [s.session_id]);
    expect(rows[0]?.n).toBe(0);
  });

  it('never shows the visitor anything internal', async () => {
    const s = await startChat(c.deps, {}, 'x');
    const r = await postVisitorMessage(c.deps, s.session_id, 'budget is $40k and I am the CEO');
    const json = JSON.stringify(r);
    expect(json).not.toMatch(/score|bant|mql|slot|evidence|qualification/i);
    expect(Object.keys(r.messages[0] ?? {}).sort()).toEqual(['at', 'from', 'seq', 'text']);
  });

  it('goes quiet while a person has the chat, delivers their reply live, and answers again once released', async () => {
    const s = await startChat(c.deps, {}, 'x');
    const seen: ChatEvent[] = [];
    c.deps.hub.subscribe(s.session_id, (e) => seen.push(e));
    await takeOverChat(c.deps, s.session_id, 'user:U1');
    expect(await say(s.session_id, 'hello? anyone there')).toEqual([]);
    const reply = await agentReply(c.deps, s.session_id, 'user:U1', 'Hi, Ana here from the team. How can I help?');
    expect(reply.from).toBe('agent');
    expect(seen.map((e) => (e.type === 'message' ? `${e.message.from}:${e.message.text}` : e.type))).toEqual(['mode', 'visitor:hello? anyone there', 'agent:Hi, Ana here from the team. How can I help?']);
    expect(await say(s.session_id, 'we need a CRM sync')).toEqual([]);
    await expect(takeOverChat(c.deps, s.session_id, 'user:U2')).rejects.toThrow(/Ana already has this chat/);
    await expect(agentReply(c.deps, s.session_id, 'user:U2', 'me too')).rejects.toMatchObject({ code: 'CHAT_TAKEN' });
    await releaseChat(c.deps, s.session_id, 'user:U1');
    expect((await say(s.session_id, 'ok thanks')).length).toBeGreaterThan(0);
    const t = await getTranscript(c.deps, s.session_id);
    expect(t.messages.map((m) => m.from)).toEqual(['bot', 'visitor', 'agent', 'visitor', 'visitor', ...t.messages.slice(5).map(() => 'bot')]);
    expect(t.messages.length).toBeGreaterThan(5);
  });

  it('sends a person\'s reply once even when its source delivers it again (a Slack redelivery after a restart)', async () => {
    const s = await startChat(c.deps, {}, 'x');
    await agentReply(c.deps, s.session_id, 'user:U1', 'Hi from Ana', { via: 'slack', messageId: 'slack:C1:171.0001' });
    await agentReply(c.deps, s.session_id, 'user:U1', 'Hi from Ana', { via: 'slack', messageId: 'slack:C1:171.0001' });
    const t = await getTranscript(c.deps, s.session_id);
    expect(t.messages.filter((m) => m.from === 'agent')).toHaveLength(1);
  });

  it('lets a returning visitor\'s chats share their card\'s thread; a reply there goes to the latest one', async () => {
    const first = await startChat(c.deps, { email: 'back@again.test' }, 'x');
    await say(first.session_id, 'we need lead routing; our budget is $30k and we go live next month');
    for (let i = 0; i < 3; i++) await c.worker.runDue();
    await say(first.session_id, 'can I talk to a human?');
    c.h.clock.advance(60_000);
    const second = await startChat(c.deps, { email: 'back@again.test' }, 'x');
    await say(second.session_id, 'hi again, can I talk to a person?');
    for (let i = 0; i < 4; i++) await c.worker.runDue();
    const { rows } = await c.h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE task LIKE 'chat.%' AND status = 'failed'`);
    expect(rows[0]?.n).toBe(0);
    const sessions = await c.h.db.query<{ id: string; slack_ts: string | null }>(`SELECT id, slack_ts FROM chat_sessions WHERE id = ANY($1::uuid[])`, [[first.session_id, second.session_id]]);
    const ts = new Set(sessions.rows.map((r) => r.slack_ts));
    expect(ts.size).toBe(1);
    const [only] = [...ts];
    expect(only).toBeTruthy();
    const found = await getChatSessionByThread(c.h.db, 'C_DESK', only ?? '');
    expect(found?.id).toBe(second.session_id);
  });

  it('lets only SDRs and the team lead take chats over', async () => {
    const s = await startChat(c.deps, {}, 'x');
    await expect(takeOverChat(c.deps, s.session_id, 'user:UA1')).rejects.toMatchObject({ code: 'CHAT_NOT_ALLOWED' });
    await expect(takeOverChat(c.deps, s.session_id, 'api:key')).rejects.toMatchObject({ code: 'CHAT_NOT_ALLOWED' });
    await expect(takeOverChat(c.deps, s.session_id, 'user:UL')).resolves.toMatchObject({ mode: 'human' });
  });

  it('queues an alert for the team when the visitor asks for a person, and mirrors the chat to its thread', async () => {
    const s = await startChat(c.deps, {}, 'x');
    const r = await say(s.session_id, 'can I talk to a human please');
    expect(r.join(' ')).toContain('https://cal.test/sales');
    await c.worker.runDue();
    const n = c.notifier as RecordingNotifier;
    expect(n.of('chatAlert').map((a) => a.alert.reason)).toEqual(['human']);
    expect(n.of('chatAlert')[0]?.alert.latest).toBe('can I talk to a human please');
    await c.worker.runDue();
    const t = await getTranscript(c.deps, s.session_id);
    expect(t.messages.map((m) => m.from)).toEqual(['bot', 'visitor', 'bot', 'bot']);
    expect(n.of('chatMirror').map((m) => `${m.entry.from}:${m.entry.text}`)).toEqual(t.messages.map((m) => `${m.from}:${m.text}`));
    expect(n.of('chatMirror').every((m) => m.ref.ts === n.of('chatAlert')[0]?.result?.ts)).toBe(true);
    // Nothing is mirrored twice.
    await c.worker.runDue();
    expect(n.of('chatMirror')).toHaveLength(t.messages.length);
  });

  it('enforces the input limits with clear errors, and stores nothing refused', async () => {
    const tight = await createChatHarness({ settings: { maxMessageChars: 20, maxVisitorMessages: 2, visitorRate: { perMinute: 60, burst: 2 }, sessionRate: { perMinute: 1, burst: 1 } } });
    try {
      const s = await startChat(tight.deps, {}, '198.51.100.7');
      await expect(startChat(tight.deps, {}, '198.51.100.7')).rejects.toMatchObject({ code: 'CHAT_RATE_LIMITED' });
      await expect(postVisitorMessage(tight.deps, s.session_id, 'x'.repeat(21))).rejects.toThrow(/21 characters; the limit is 20/);
      await expect(postVisitorMessage(tight.deps, s.session_id, '   ')).rejects.toThrow(/empty/);
      await expect(postVisitorMessage(tight.deps, s.session_id, 42)).rejects.toThrow(/must be a string/);
      await postVisitorMessage(tight.deps, s.session_id, 'hi');
      await postVisitorMessage(tight.deps, s.session_id, 'hello');
      const full = await postVisitorMessage(tight.deps, s.session_id, 'again').catch((e: unknown) => e);
      expect(full).toBeInstanceOf(ChatError);
      expect((full as ChatError).code).toBe('CHAT_RATE_LIMITED');
      tight.h.clock.advance(60_000);
      await expect(postVisitorMessage(tight.deps, s.session_id, 'again')).rejects.toMatchObject({ code: 'CHAT_CONVERSATION_FULL' });
      const t = await getTranscript(tight.deps, s.session_id);
      expect(t.messages.filter((m) => m.from === 'visitor').map((m) => m.text)).toEqual(['hi', 'hello']);
      await expect(startChat(tight.deps, { lang: 'fr', email: 'nope' }, 'other')).rejects.toThrow(/lang must be "en" or "zh".*email must be an email address/);
    } finally {
      await tight.close();
    }
  });

  it('refuses a forged, foreign or expired token', async () => {
    const a = await startChat(c.deps, {}, 'x');
    const b = await startChat(c.deps, {}, 'x');
    expect(() => checkVisitorToken(c.deps, a.session_id, b.token)).toThrow(/does not belong to this session/);
    expect(() => checkVisitorToken(c.deps, a.session_id, null)).toThrow(/Authorization: Bearer/);
    expect(() => checkVisitorToken(c.deps, a.session_id, 'abc')).toThrow(/malformed/);
    c.h.clock.advance(31 * 86_400_000);
    expect(() => checkVisitorToken(c.deps, a.session_id, a.token)).toThrow(/expired/);
  });

  it('speaks the visitor’s language', async () => {
    const s = await startChat(c.deps, { lang: 'zh' }, 'x');
    expect(s.messages[0]?.text).toBe('您好！我是Acme Analytics的在线助手。请问今天有什么可以帮您？');
    const r = await say(s.session_id, '我们想找一个销售线索分配的系统，现在线索经常没人跟进');
    expect(r.join('')).toMatch(/[\u4e00-\u9fff]/);
    const en = await startChat(c.deps, {}, 'x');
    const r2 = await say(en.session_id, '你好，我们需要一个CRM集成方案，预算大概20万');
    expect(r2.join('')).toMatch(/[\u4e00-\u9fff]/);
  });
});
