import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { getChatSession } from '../db/store/chat.ts';
import { buildHttpServer } from '../http/server.ts';
import { silentLogger } from '../log.ts';
import { testConfig } from '../http/test-support.ts';
import type { ChatEvent } from '../../app/chat/hub.ts';
import { getTranscript, postVisitorMessage, startChat } from '../../app/chat/sessions.ts';
import { createChatHarness, type ChatHarness } from '../../testing/chat.ts';
import { candidateAnswer, testTeam } from '../../testing/desk.ts';
import { ScriptedEngine } from '../../testing/engines.ts';
import { blockAction, channelMessage, FAKE_BOT_ID, SlackSender, startFakeSlack, type FakeSlack, type FakeSlackCall } from '../../testing/fake-slack.ts';
import { ACTIONS, type SlackBlock } from './blocks.ts';
import { createSlackDesk, type SlackDesk } from './desk.ts';

const SECRET = 'test-signing-secret';
const CHANNEL = 'C0DESK';

describe('website chat takeover from Slack, over HTTP against a fake Slack', () => {
  let fake: FakeSlack;
  let desk: SlackDesk;
  let c: ChatHarness;
  let server: FastifyInstance;
  let slack: SlackSender;

  beforeEach(async () => {
    fake = await startFakeSlack();
    const team = testTeam();
    desk = createSlackDesk({ botToken: 'xoxb-test', signingSecret: SECRET, channelId: CHANNEL, apiUrl: fake.url }, { logger: silentLogger(), team, retries: 1 });
    c = await createChatHarness({ engine: new ScriptedEngine(), team, notifier: desk.notifier });
    // What main.ts binds: the chat's deps, with the desk's notifier and SDR check.
    desk.bind({ ...c.deps, isSdr: desk.isSdr });
    server = await buildHttpServer(c.h.deps, testConfig(), { routes: [desk.routes] });
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    slack = new SlackSender(`${url}/slack/events`, SECRET);
  });
  afterEach(async () => {
    await desk.stop();
    await server.close();
    await c.close();
    await fake.close();
  });

  const say = async (sid: string, text: string): Promise<string[]> => (await postVisitorMessage(c.deps, sid, text)).messages.map((m) => m.text);
  /** Waits for the listeners, then runs the jobs (alerts, mirrors) until none is left. */
  async function settle(): Promise<void> {
    await desk.settled();
    for (let i = 0; i < 5; i++) await c.worker.runDue();
  }
  const posts = () => fake.callsOf('chat.postMessage');
  const threadOf = (ts: string) => posts().filter((p) => p.args.thread_ts === ts);
  const ephemerals = (user: string) => fake.callsOf('chat.postEphemeral').filter((p) => p.args.user === user);

  /** A visitor asks for a person; the alert is posted and the thread mirrors the chat. Answers the session and the alert. */
  async function askForHuman(): Promise<{ sid: string; alert: FakeSlackCall; ts: string }> {
    const s = await startChat(c.deps, { page: 'https://acme.test/pricing' }, '203.0.113.9');
    await say(s.session_id, 'can I talk to a human?');
    await settle();
    const alert = posts().find((p) => !p.args.thread_ts);
    const ts = (await getChatSession(c.h.db, s.session_id))?.slackTs;
    if (!alert || !ts) throw new Error('no alert posted');
    return { sid: s.session_id, alert, ts };
  }

  const press = (user: string, actionId: string, sid: string, alert: FakeSlackCall, ts: string, sign?: Parameters<SlackSender['post']>[2]) =>
    slack.interaction(blockAction({ user, actionId, value: sid, channel: CHANNEL, ts, message: { blocks: alert.args.blocks, text: String(alert.args.text) } }), sign);
  const replyInThread = (user: string, text: string, threadTs: string, extra: Partial<Parameters<typeof channelMessage>[0]> = {}) => channelMessage({ channel: CHANNEL, user, text, threadTs, ...extra });

  it('a visitor asking for a person: the alert with its buttons, then the thread mirrors the visitor and the bot in order', async () => {
    const { sid, alert, ts } = await askForHuman();
    expect(alert.args.channel).toBe(CHANNEL);
    const blocks = JSON.stringify(alert.args.blocks);
    expect(blocks).toContain('asks for a person');
    expect(blocks).toContain('> can I talk to a human?');
    expect(blocks).toContain('https://acme.test/pricing');
    const elements = (alert.args.blocks as SlackBlock[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as { action_id: string; value: string }[]);
    expect(elements.map((e) => [e.action_id, e.value])).toEqual([
      [ACTIONS.chatTakeOver, sid],
      [ACTIONS.chatRelease, sid],
    ]);
    const t = await getTranscript(c.deps, sid);
    expect(t.messages.map((m) => m.from)).toEqual(['bot', 'visitor', 'bot', 'bot']);
    const who = { visitor: 'Visitor', bot: 'Bot', agent: '' } as const;
    expect(threadOf(ts).map((p) => p.args.text)).toEqual(t.messages.map((m) => `${who[m.from]}: ${m.text}`));
    expect(threadOf(ts).every((p) => p.args.channel === CHANNEL)).toBe(true);
  });

  it("an SDR's reply in the thread reaches the visitor as plain text, and the bot stays quiet on the visitor's next message, which is mirrored", async () => {
    const { sid, ts } = await askForHuman();
    const seen: ChatEvent[] = [];
    c.deps.hub.subscribe(sid, (e) => seen.push(e));
    const mirrored = threadOf(ts).length;

    const res = await slack.event(replyInThread('U1', 'Hi, <@U1> here &amp; happy to help. See <https://acme.test/demo|the demo>', ts));
    expect(res.status).toBe(200);
    await settle();
    const text = 'Hi, Ana here & happy to help. See the demo (https://acme.test/demo)';
    let t = await getTranscript(c.deps, sid);
    expect(t.mode).toBe('human');
    expect(t.taken_by).toBe('user:U1');
    expect(t.messages.at(-1)).toMatchObject({ from: 'agent', text, by: 'user:U1' });
    expect(seen.map((e) => (e.type === 'message' ? `${e.message.from}:${e.message.text}` : `${e.type}`))).toEqual(['mode', `agent:${text}`]);
    // Written in the thread already: not mirrored back into it.
    expect(threadOf(ts)).toHaveLength(mirrored);

    expect(await say(sid, 'great, do you support SSO?')).toEqual([]);
    await settle();
    t = await getTranscript(c.deps, sid);
    expect(t.messages.slice(-2).map((m) => m.from)).toEqual(['agent', 'visitor']);
    expect(threadOf(ts).slice(mirrored).map((p) => p.args.text)).toEqual(['Visitor: great, do you support SSO?']);
  });

  it('Take over and Release: confirmed to the person, the alert redrawn, the bot quiet in between and answering after', async () => {
    const { sid, alert, ts } = await askForHuman();
    expect((await press('U1', ACTIONS.chatTakeOver, sid, alert, ts)).status).toBe(200);
    await settle();
    expect((await getTranscript(c.deps, sid)).mode).toBe('human');
    expect(ephemerals('U1').map((e) => String(e.args.text))).toEqual([expect.stringContaining('You have this chat now')]);
    const redrawn = fake.callsOf('chat.update').at(-1);
    expect(redrawn?.args).toMatchObject({ channel: CHANNEL, ts });
    expect(JSON.stringify(redrawn?.args.blocks)).toContain('<@U1> has this chat');
    expect(await say(sid, 'hello?')).toEqual([]);

    await press('U1', ACTIONS.chatRelease, sid, alert, ts);
    await settle();
    expect(ephemerals('U1').map((e) => String(e.args.text)).at(-1)).toBe('The bot answers this chat again.');
    expect(JSON.stringify(fake.callsOf('chat.update').at(-1)?.args.blocks)).toContain('The bot is answering');
    const t = await getTranscript(c.deps, sid);
    expect(t).toMatchObject({ mode: 'bot', taken_by: null });
    expect((await say(sid, 'we need lead routing for our sales team')).length).toBeGreaterThan(0);
  });

  it('refuses a takeover by someone outside the SDRs, and a second SDR is told who has the chat', async () => {
    const { sid, alert, ts } = await askForHuman();
    await press('UA1', ACTIONS.chatTakeOver, sid, alert, ts);
    await settle();
    expect((await getTranscript(c.deps, sid)).mode).toBe('bot');
    expect(ephemerals('UA1').map((e) => String(e.args.text))).toEqual(['Only SDRs and the team lead take chats over. Nothing was changed.']);

    await press('U1', ACTIONS.chatTakeOver, sid, alert, ts);
    await press('U2', ACTIONS.chatTakeOver, sid, alert, ts);
    await settle();
    expect((await getTranscript(c.deps, sid)).taken_by).toBe('user:U1');
    expect(String(ephemerals('U2')[0]?.args.text)).toMatch(/^Ana already has this chat .*Nothing was changed\.$/);
    // A reply in the thread by the second SDR is refused too, in the thread, and does not reach the visitor.
    await slack.event(replyInThread('U2', 'me too', ts));
    await settle();
    expect(ephemerals('U2').at(-1)?.args).toMatchObject({ channel: CHANNEL, thread_ts: ts, text: expect.stringContaining('did not reach the visitor') as string });
    expect((await getTranscript(c.deps, sid)).messages.some((m) => m.from === 'agent')).toBe(false);
  });

  it('ignores bot posts, edits, notes to the team, other threads and the channel; a retried or redelivered event is sent once', async () => {
    const { sid, ts } = await askForHuman();
    const before = (await getTranscript(c.deps, sid)).messages.length;
    const ignored = [
      channelMessage({ channel: CHANNEL, botId: FAKE_BOT_ID, text: 'Visitor: can I talk to a human?', threadTs: ts }),
      channelMessage({ channel: CHANNEL, botId: 'BOTHER', text: 'another app', threadTs: ts, subtype: 'bot_message' }),
      replyInThread('U1', 'edited words', ts, { subtype: 'message_changed' }),
      replyInThread('U1', '// the team only: she is on the enterprise plan', ts),
      replyInThread('U1', 'some other thread', '1700000999.000001'),
      channelMessage({ channel: CHANNEL, user: 'U1', text: 'not in a thread' }),
    ];
    for (const e of ignored) expect((await slack.event(e)).status).toBe(200);
    await settle();
    expect((await getTranscript(c.deps, sid)).messages).toHaveLength(before);
    expect(fake.callsOf('chat.postEphemeral')).toHaveLength(0);

    const once = replyInThread('U1', 'Ana here, one moment', ts);
    await slack.event(once);
    await settle();
    // Slack's retry: a fresh signature, the same event id, X-Slack-Retry-Num.
    await slack.event(once, { timestampSec: Math.floor(Date.now() / 1000) + 1, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    // The same message delivered under another event id (Socket Mode redelivery): still once.
    await slack.event({ ...once, event_id: 'EvOTHER1' });
    await settle();
    const agent = (await getTranscript(c.deps, sid)).messages.filter((m) => m.from === 'agent');
    expect(agent.map((m) => m.text)).toEqual(['Ana here, one moment']);
  });

  it("a known visitor's chat goes into their candidate card's thread, and an SDR's reply there reaches them", async () => {
    await c.close();
    c = await createChatHarness({ engine: new ScriptedEngine('scripted', () => candidateAnswer(85)), team: testTeam(), notifier: desk.notifier });
    desk.bind({ ...c.deps, isSdr: desk.isSdr });
    const s = await startChat(c.deps, { email: 'dana@kestrel.test' }, '203.0.113.9');
    await say(s.session_id, 'We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    await settle();
    const card = posts().find((p) => !p.args.thread_ts && JSON.stringify(p.args.blocks).includes('desk.approve'));
    const cardTs = (await c.h.db.query<{ slack_ts: string }>(`SELECT slack_ts FROM candidates`)).rows[0]?.slack_ts;
    expect(card).toBeDefined();
    expect(cardTs).toBeTruthy();

    await say(s.session_id, 'can I talk to a human?');
    await settle();
    expect(posts().filter((p) => !p.args.thread_ts)).toHaveLength(1);
    const alert = threadOf(cardTs ?? '').find((p) => JSON.stringify(p.args.blocks).includes(ACTIONS.chatTakeOver));
    expect(JSON.stringify(alert?.args.blocks)).toContain('dana@kestrel.test');
    expect((await getChatSession(c.h.db, s.session_id))?.slackTs).toBe(cardTs);

    await slack.event(replyInThread('U2', 'Ben here: happy to set up a call', cardTs ?? ''));
    await settle();
    const t = await getTranscript(c.deps, s.session_id);
    expect(t.messages.at(-1)).toMatchObject({ from: 'agent', text: 'Ben here: happy to set up a call', by: 'user:U2' });
    expect(t.mode).toBe('human');
  });

  it('a thread reply with a forged signature is refused with 401 and nothing reaches the visitor', async () => {
    const { sid, ts } = await askForHuman();
    const calls = fake.calls.length;
    const res = await slack.event(replyInThread('U1', 'click https://evil.test', ts), { secret: 'not-the-secret' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'SLACK_SIGNATURE_FORGED' } });
    await settle();
    const t = await getTranscript(c.deps, sid);
    expect(t.messages.some((m) => m.from === 'agent')).toBe(false);
    expect(t.mode).toBe('bot');
    expect(fake.calls.length).toBe(calls);
  });
});
