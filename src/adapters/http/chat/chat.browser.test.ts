import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { candidatesOfLead } from '../../db/store/candidates.ts';
import { getLeadByEmail } from '../../db/store/leads.ts';
import type { ChatTranscript } from '../../../app/chat/sessions.ts';
import { releaseChat, takeOverChat } from '../../../app/chat/takeover.ts';
import { phrasesFor, slotQuestion, type Slot } from '../../../domain/chat/phrases.ts';
import type { ChatLang } from '../../../domain/chat/signals.ts';
import { createChatFixture, type ChatFixture } from '../routes/desk-fixture.ts';
import { CHROMIUM, CHROMIUM_ARGS as ARGS } from '../../../testing/browser.ts';

// The website chat end to end in Debian's headless chromium: the demo page and its widget as the
// visitor, the review console as the SDR, a real service on a test database with the offline engine.

let fx: ChatFixture;
let base: string;
let profile: string;
let context: BrowserContext;
let browser: Browser | undefined;

/** What went wrong inside a page: script errors and CSP refusals ("Refused to ...") land here. */
const problems: string[] = [];

function watch(page: Page, name: string): Page {
  page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
  page.on('console', (m) => {
    // A refused API call logs a line of its own (the 409 of a chat someone else holds is expected); CSP refusals must not happen.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${name}: console error: ${m.text()}`);
  });
  return page;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run "bash .ci/chromium.sh" (as root) to install Debian's chromium for the browser tests`);
  fx = await createChatFixture();
  base = await fx.app.listen({ host: '127.0.0.1', port: 0 });
  profile = await mkdtemp(join(tmpdir(), 'baton-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, locale: 'en-US' });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await fx?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

/** Polls with room for the console's 2 s reads and the event stream. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000, interval: 100 });

async function transcript(id: string): Promise<ChatTranscript> {
  const res = await fx.app.inject({ method: 'GET', url: `/v1/chat/sessions/${id}` });
  expect(res.statusCode).toBe(200);
  return res.json();
}

/** The visitor's side: the demo page with its widget. */
function visitor(page: Page) {
  const widget = page.locator('#baton-chat');
  const texts = (from: 'bot' | 'visitor' | 'agent') => widget.locator(`.msg.${from} .text`).allTextContents();
  return {
    widget,
    texts,
    /** Sends one message through the widget; returns the bot's answers as the service returned them. */
    async say(text: string): Promise<string[]> {
      const answered = page.waitForResponse((r) => r.request().method() === 'POST' && /\/v1\/chat\/sessions\/[^/]+\/messages$/.test(r.url()));
      await widget.locator('textarea.input').fill(text);
      await widget.locator('textarea.input').press('Enter');
      const res = await answered;
      expect(res.status()).toBe(200);
      const body = (await res.json()) as { messages: { from: string; text: string }[] };
      // The widget draws what the service answered (and draws it once, though the stream brings it too).
      const bots = body.messages.filter((m) => m.from === 'bot').map((m) => m.text);
      if (bots.length) await poll(async () => (await texts('bot')).slice(-bots.length)).toEqual(bots);
      await poll(async () => (await texts('visitor')).filter((t) => t === text).length).toBe(1);
      return bots;
    },
    async sessionId(): Promise<string> {
      const stored = (await page.evaluate(`localStorage.getItem(${JSON.stringify(`baton-chat:${base}`)})`)) as string | null;
      const id = (JSON.parse(stored ?? 'null') as { id?: string } | null)?.id;
      if (!id) throw new Error('the widget kept no session');
      return id;
    },
  };
}

/**
 * Each question the bot asked (a message with a slot) was asked once, and asked while the slot was still
 * unknown: what settled the slot (the BANT evidence, the email) came in a visitor message after it.
 */
function checkAskedOnlyUnknown(t: ChatTranscript, email: string): void {
  expect(new Set(t.asked).size).toBe(t.asked.length);
  const questions = t.messages.filter((m) => m.from === 'bot' && m.slot);
  expect(questions.map((m) => m.slot)).toEqual(t.asked);
  for (const m of questions) {
    const slot = m.slot as Slot;
    expect(m.text).toContain(slotQuestion(slot, t.lang));
    const before = t.messages.filter((x) => x.from === 'visitor' && x.seq < m.seq).map((x) => x.text);
    const settledBy = slot === 'email' ? email : t.qualification?.bant[slot].evidence;
    expect(settledBy, `what settled ${slot}`).toBeTruthy();
    expect(before.some((v) => v.includes(settledBy as string)), `${slot} was asked after the visitor had said "${settledBy}"`).toBe(false);
  }
}

/** Answers the bot's questions until it asks none (or the turns run out); the answers never repeat need or budget. */
async function answerQuestions(v: ReturnType<typeof visitor>, id: string, answers: Partial<Record<Slot, string>>): Promise<void> {
  for (let turn = 0; turn < 6; turn++) {
    const t = await transcript(id);
    const last = t.messages[t.messages.length - 1];
    if (!last || last.from !== 'bot' || !last.slot) return;
    const answer = answers[last.slot as Slot];
    if (!answer) throw new Error(`the bot asked for ${last.slot} ("${last.text}"), which the visitor had already given or the test does not expect`);
    await v.say(answer);
  }
}

describe('the website chat in chromium', () => {
  it('qualifies the visitor asking only what is unknown, opens a candidate, and hands the chat to an SDR in the console and back', async () => {
    const page = watch(context.pages()[0] ?? (await context.newPage()), 'visitor');
    const v = visitor(page);
    await page.goto(`${base}/chat`);
    // The demo page opens the widget, which starts a chat and greets.
    await poll(() => v.texts('bot')).toEqual([phrasesFor('en').greeting({ company: fx.c.deps.chat.company, schedulingUrl: fx.c.deps.chat.schedulingUrl })]);
    const id = await v.sessionId();
    await page.evaluate('window.stillTheSamePage = true');

    // Need and budget in the first words: the next question is about neither.
    const first = await v.say('We need to stop losing inbound leads, our budget is about $30k');
    const next = first.join(' ');
    for (const slot of ['need', 'budget'] as const) expect(next).not.toContain(slotQuestion(slot, 'en'));
    expect(next).not.toContain(phrasesFor('en').nudge);
    const afterFirst = await transcript(id);
    expect(afterFirst.qualification?.bant.need.status).toBe('met');
    expect(afterFirst.qualification?.bant.budget).toMatchObject({ status: 'met', amount: 30000 });
    expect(afterFirst.asked).not.toContain('need');
    expect(afterFirst.asked).not.toContain('budget');

    // The visitor answers what is asked (putting the email off once, with the timing instead), then gives the email.
    await answerQuestions(v, id, {
      email: 'Email later, first: we want it live within the next month.',
      timeline: 'We want it live within the next month.',
      authority: 'I am the VP of Sales and I make the call.',
    });
    const email = 'dana@kestrel-freight.test';
    if (!(await transcript(id)).lead_id) await v.say(`You can reach me at ${email}`);
    const done = await transcript(id);
    expect(done.asked.length).toBeGreaterThanOrEqual(2);
    checkAskedOnlyUnknown(done, email);
    expect(done.qualification?.mql).toBe(true);
    for (const k of ['need', 'budget', 'timeline', 'authority'] as const) expect(done.qualification?.bant[k].status).toBe('met');
    expect((await v.texts('bot')).at(-1)).toContain('Someone from our team will reach out shortly');
    // Nothing internal reached the visitor's page.
    const seen = (await v.widget.textContent()) ?? '';
    for (const word of ['score', 'BANT', 'mql', 'qualif']) expect(seen.toLowerCase()).not.toContain(word.toLowerCase());

    // The lead is an MQL candidate while the visitor is still on the page.
    expect(page.isClosed()).toBe(false);
    const lead = await getLeadByEmail(fx.c.h.db, email);
    expect(lead?.id).toBe(done.lead_id);
    expect(lead?.stage).toBe('mql_candidate');
    const open = (await candidatesOfLead(fx.c.h.db, done.lead_id as string)).filter((c) => c.status === 'open');
    expect(open).toHaveLength(1);
    const card = await fx.app.inject({ method: 'GET', url: `/v1/candidates/${open[0]?.id}` });
    expect(card.json()).toMatchObject({ card: { lead: { email }, candidate: { status: 'open' } } });

    // The SDR's side: the console's chat pane, opened from a link, as Ana.
    const desk = watch(await context.newPage(), 'console');
    await desk.goto(`${base}/console/chats/${id}`);
    await desk.waitForSelector('body[data-ready="true"]');
    await desk.locator('#me').selectOption('U1');
    const pane = desk.locator('#chat-pane');
    await poll(() => pane.locator('#chat-transcript .chat-msg').count()).toBe(done.messages.length);
    expect(await pane.locator('#chat-transcript .chat-msg.visitor .msg-text').first().textContent()).toBe('We need to stop losing inbound leads, our budget is about $30k');
    expect(await pane.locator('#chat-qualification tr[data-criterion="budget"]').textContent()).toContain('our budget is about $30k');
    expect(await pane.locator('#chat-asked').textContent()).toBe(`Asked so far: ${done.asked.join(', ')}`);
    await poll(() => pane.locator('#chat-candidate-link').getAttribute('href')).toBe(`/console/candidates/${open[0]?.id}`);
    // The Chats tab lists it, by the email it gave.
    await poll(() => desk.locator('#queue-list .chat-line').allTextContents()).toEqual([expect.stringContaining(email)]);
    expect(await desk.locator('#tab-chats').getAttribute('aria-selected')).toBe('true');

    // Ben holds the chat (Slack, another tab): Ana's Take over is refused, naming him.
    await takeOverChat(fx.c.deps, id, 'user:U2');
    await poll(() => pane.locator('#chat-mode').textContent()).toBe('Ben has this chat');
    await pane.locator('[data-action="takeover"]').click();
    await poll(() => desk.locator('#flash').textContent()).toMatch(/^Ben already has this chat/);
    expect(await desk.locator('#flash').getAttribute('class')).toContain('error');
    await releaseChat(fx.c.deps, id, 'user:U2');
    await poll(() => pane.locator('#chat-mode').textContent()).toBe('The bot answers');

    // Ana takes over, types (the visitor sees someone typing) and replies; the visitor's page shows it at once, over the stream.
    await pane.locator('[data-action="takeover"]').click();
    await poll(() => pane.locator('#chat-mode').textContent()).toBe('You have this chat');
    await poll(() => v.widget.locator('.notice').textContent()).toBe('A person from our team has joined the chat.');
    await pane.locator('#chat-reply-input').fill('Hi Dana, Ana here from the sales team. Happy to set up a call this week.');
    await poll(() => v.widget.locator('.typing').isVisible()).toBe(true);
    await pane.locator('#chat-reply-form [data-action="reply"]').click();
    await poll(() => v.texts('agent')).toEqual(['Hi Dana, Ana here from the sales team. Happy to set up a call this week.']);
    expect(await v.widget.locator('.msg.agent .who').textContent()).toBe('Team');
    expect(await page.evaluate('window.stillTheSamePage')).toBe(true);
    expect(await pane.locator('#chat-reply-input').inputValue()).toBe('');
    const held = await transcript(id);
    expect(held).toMatchObject({ mode: 'human', taken_by: 'user:U1' });
    expect(held.messages.at(-1)).toMatchObject({ from: 'agent', by: 'user:U1' });

    // The visitor writes: the bot stays quiet, and Ana sees the message in the console.
    const botsBefore = (await v.texts('bot')).length;
    expect(await v.say('Thanks Ana, Thursday morning works for me.')).toEqual([]);
    await poll(() => pane.locator('#chat-transcript .chat-msg').last().textContent()).toContain('Thanks Ana, Thursday morning works for me.');
    expect(await v.texts('bot')).toHaveLength(botsBefore);
    const quiet = await transcript(id);
    const asked = quiet.messages.find((m) => m.text === 'Thanks Ana, Thursday morning works for me.');
    expect(quiet.messages.filter((m) => m.seq > (asked?.seq ?? 0))).toEqual([]);

    // Release: the bot answers again.
    await pane.locator('[data-action="release"]').click();
    await poll(() => pane.locator('#chat-mode').textContent()).toBe('The bot answers');
    await poll(() => v.widget.locator('.notice').textContent()).toBe('The assistant is back.');
    const again = await v.say('One more thing: we also use HubSpot.');
    expect(again.length).toBeGreaterThan(0);
    expect((await v.texts('bot')).length).toBe(botsBefore + again.length);
    expect((await transcript(id)).mode).toBe('bot');

    // Each message once on the visitor's page, in the service's order.
    const final = await transcript(id);
    expect(await v.widget.locator('.msg .text').allTextContents()).toEqual(final.messages.map((m) => m.text));
    expect(problems).toEqual([]);
    await desk.close();
  });

  it('marks a chat that asked for a person; an AE who tries to take it over is told only SDRs may, and nothing changes', async () => {
    const page = watch(await context.newPage(), 'visitor-2');
    const v = visitor(page);
    // A new visitor: this browser still keeps the first visitor's session for this site.
    await page.goto(`${base}/chat/widget.css`);
    await page.evaluate('localStorage.clear()');
    await page.goto(`${base}/chat`);
    await poll(async () => (await v.texts('bot')).length).toBe(1);
    const id = await v.sessionId();
    expect((await v.say('Can I talk to a person please?')).join(' ')).toContain("I've let our team know you'd like to talk to a person");
    const desk = watch(await context.newPage(), 'console-2');
    await desk.goto(`${base}/console/chats/${id}`);
    await desk.waitForSelector('body[data-ready="true"]');
    // In the Chats list, this chat is marked as wanting a person.
    const line = desk.locator(`#queue-list .chat-line[data-chat="${id}"]`);
    await poll(() => line.getAttribute('class')).toContain('asks-person');
    expect(await line.locator('.badge[data-reason="human"]').textContent()).toBe('asked for a person');
    expect(await line.locator('.who').textContent()).toBe('Visitor');
    expect(await desk.locator('#chat-badges .badge[data-reason="human"]').textContent()).toBe('asked for a person');
    await desk.locator('#me').selectOption('UA1');
    await desk.locator('#chat-pane [data-action="takeover"]').click();
    await poll(() => desk.locator('#flash').textContent()).toBe('UA1 is not in the SDR group; only SDRs and the team lead take chats over');
    await desk.locator('#chat-reply-input').fill('Hello from an AE');
    await desk.locator('#chat-reply-form [data-action="reply"]').click();
    await poll(() => desk.locator('#flash').textContent()).toContain('is not in the SDR group');
    // The words stay in the box; the chat stays with the bot and the visitor saw nothing.
    expect(await desk.locator('#chat-reply-input').inputValue()).toBe('Hello from an AE');
    expect((await transcript(id)).mode).toBe('bot');
    expect(await v.texts('agent')).toEqual([]);
    expect(problems).toEqual([]);
    await desk.close();
    await page.close();
  });
});

describe('a returning visitor', () => {
  it('sees the same conversation after a reload, once each; a chat the service no longer knows starts afresh', async () => {
    const page = watch(await context.newPage(), 'visitor-3');
    const v = visitor(page);
    await page.goto(`${base}/chat/widget.css`);
    await page.evaluate('localStorage.clear()');
    await page.goto(`${base}/chat`);
    await poll(async () => (await v.texts('bot')).length).toBe(1);
    const id = await v.sessionId();
    await v.say('We need better routing of inbound leads');
    const before = (await transcript(id)).messages.map((m) => m.text);
    expect(before.length).toBeGreaterThanOrEqual(3);

    // The widget keeps the session: after a reload the stream brings the whole conversation back.
    await page.reload();
    await poll(() => v.widget.locator('.msg .text').allTextContents()).toEqual(before);
    expect(await v.sessionId()).toBe(id);
    await v.say('about 40 people');
    expect((await transcript(id)).messages.map((m) => m.text)).toEqual(await v.widget.locator('.msg .text').allTextContents());

    // A session the service refuses (expired token, erased chat): the visitor is greeted in a new chat, not shown an empty panel.
    const stale = { id: '0190a0c0-0000-7000-8000-000000000000', token: 'expired.token' };
    await page.evaluate(`localStorage.setItem(${JSON.stringify(`baton-chat:${base}`)}, ${JSON.stringify(JSON.stringify(stale))})`);
    await page.reload();
    await poll(() => v.texts('bot')).toEqual([phrasesFor('en').greeting({ company: fx.c.deps.chat.company, schedulingUrl: fx.c.deps.chat.schedulingUrl })]);
    const fresh = await v.sessionId();
    expect(fresh).not.toBe(stale.id);
    expect(fresh).not.toBe(id);
    expect((await transcript(fresh)).messages).toHaveLength(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the website chat in chromium, for a Chinese visitor', () => {
  it('speaks Chinese, asks only what is unknown, and opens a candidate', async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const zh = await browser.newContext({ locale: 'zh-CN' });
    const page = watch(await zh.newPage(), 'visitor-zh');
    const v = visitor(page);
    await page.goto(`${base}/chat`);
    const lang: ChatLang = 'zh';
    const p = phrasesFor(lang);
    // The browser's language picks the widget's and the bot's.
    await poll(() => v.texts('bot')).toEqual([p.greeting({ company: fx.c.deps.chat.company, schedulingUrl: fx.c.deps.chat.schedulingUrl })]);
    expect(await v.widget.locator('button.send').textContent()).toBe('发送');
    const id = await v.sessionId();
    expect((await transcript(id)).lang).toBe('zh');

    const first = (await v.say('我们需要解决线索流失的问题，预算大概20万元')).join(' ');
    for (const slot of ['need', 'budget'] as const) expect(first).not.toContain(slotQuestion(slot, lang));
    // Every bot line is Chinese: the asked question is one of the Chinese questions.
    expect(first).toMatch(/[\u4e00-\u9fff]/);
    expect((['timeline', 'authority', 'email'] as const).some((s) => first.includes(slotQuestion(s, lang)))).toBe(true);
    await answerQuestions(v, id, { email: '邮箱等会儿给，我们希望下个月之内上线', timeline: '我们希望下个月之内上线', authority: '我是销售副总裁，我来决定' });
    const email = 'li@huabei-logistics.test';
    if (!(await transcript(id)).lead_id) await v.say(`我的邮箱是 ${email}`);
    const done = await transcript(id);
    checkAskedOnlyUnknown(done, email);
    for (const text of await v.texts('bot')) expect(text).toMatch(/^[^A-Za-z]*[\u4e00-\u9fff]/);
    expect((await v.texts('bot')).at(-1)).toContain('我们的同事会尽快联系您');
    const lead = await getLeadByEmail(fx.c.h.db, email);
    expect(lead?.stage).toBe('mql_candidate');
    expect((await candidatesOfLead(fx.c.h.db, lead?.id as string)).map((c) => c.status)).toEqual(['open']);
    expect(problems).toEqual([]);
    await zh.close();
  });
});
