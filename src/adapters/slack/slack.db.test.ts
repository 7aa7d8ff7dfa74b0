import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { candidatesOfLead, getCandidate } from '../db/store/candidates.ts';
import { Worker } from '../queue/worker.ts';
import { buildHttpServer } from '../http/server.ts';
import { testConfig } from '../http/test-support.ts';
import type { DeskDeps } from '../../app/desk/deps.ts';
import { handoffTasks } from '../../app/desk/handoff.ts';
import { deskTasks, ensureDeskSchedules } from '../../app/desk/tasks.ts';
import { enrolLead } from '../../app/outreach/enrol.ts';
import { receiveInbound } from '../../app/outreach/inbound.ts';
import { outreachTasks } from '../../app/outreach/tasks.ts';
import type { Candidate } from '../../domain/desk/decision.ts';
import { chatDepsFor } from '../../testing/chat.ts';
import { candidateAnswer, testTeam } from '../../testing/desk.ts';
import { ScriptedEngine } from '../../testing/engines.ts';
import { appHomeOpened, blockAction, SlackSender, slashCommand, startFakeSlack, viewSubmission, type FakeSlack } from '../../testing/fake-slack.ts';
import { composeReply, createOutreachHarness, type OutreachHarness } from '../../testing/outreach.ts';
import { ACTIONS, MODALS } from './blocks.ts';
import { createSlackDesk, type SlackDesk } from './desk.ts';
import { signSlackRequest } from './signature.ts';

const SECRET = 'test-signing-secret';
const CHANNEL = 'C0DESK';

describe('the Slack app over HTTP, against a fake Slack', () => {
  let h: OutreachHarness;
  let fake: FakeSlack;
  let desk: SlackDesk;
  let deps: DeskDeps;
  let server: FastifyInstance;
  let slack: SlackSender;
  let worker: Worker;
  let leadId: string;

  beforeEach(async () => {
    fake = await startFakeSlack();
    h = await createOutreachHarness({ engine: new ScriptedEngine('scripted', () => candidateAnswer(85)) });
    const team = testTeam();
    desk = createSlackDesk({ botToken: 'xoxb-test', signingSecret: SECRET, channelId: CHANNEL, apiUrl: fake.url }, { logger: h.deps.logger, team, retries: 1 });
    deps = { ...h.deps, isSdr: desk.isSdr, team, notifier: desk.notifier, crm: null };
    desk.bind(chatDepsFor(deps));
    worker = new Worker({ db: h.db, clock: h.clock, logger: h.deps.logger, tasks: { ...outreachTasks(deps), ...handoffTasks(deps), ...deskTasks(deps) }, concurrency: 1 });
    server = await buildHttpServer(h.deps, testConfig(), { routes: [desk.routes] });
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    slack = new SlackSender(`${url}/slack/events`, SECRET);
    leadId = await h.addLead('pat@buyer.test', { firstName: 'Pat', company: 'Buyer Inc', country: 'US' });
    await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await worker.runDue();
  });
  afterEach(async () => {
    await desk.stop();
    await server.close();
    await h.close();
    await fake.close();
  });

  /** The lead answers our last email; the pipeline qualifies it and opens the candidate. */
  async function reply(text: string): Promise<Candidate> {
    const raw = await composeReply(h.sink.messages.at(-1)?.raw ?? Buffer.alloc(0), { from: 'pat@buyer.test', text, date: h.clock.now() });
    await receiveInbound(h.deps, raw, { via: 'simulator' });
    await worker.runDue();
    const [c] = await candidatesOfLead(h.db, leadId);
    if (!c) throw new Error('no candidate');
    return c;
  }

  /** The card's message timestamp, once the desk.card job posted it. */
  async function postCard(c: Candidate): Promise<string> {
    const ts = (await getCandidate(h.db, c.id))?.slackTs;
    if (!ts) throw new Error('the card was not posted');
    return ts;
  }

  const click = (user: string, actionId: string, c: Candidate, ts: string, sign?: Parameters<SlackSender['post']>[2]) =>
    slack.interaction(blockAction({ user, actionId, value: JSON.stringify({ c: c.id, v: c.version }), channel: CHANNEL, ts }), sign);

  /** Waits for the listeners, then runs the jobs they queued (the card update, the AE's message). */
  async function settle(): Promise<void> {
    await desk.settled();
    await worker.runDue();
  }

  const ephemerals = (user: string) => fake.callsOf('chat.postEphemeral').filter((c) => c.args.user === user).map((c) => String(c.args.text));
  const stored = async (c: Candidate) => (await getCandidate(h.db, c.id)) as Candidate;

  it('refuses forged, stale and replayed requests with 401, and nothing happens', async () => {
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const ts = await postCard(c);
    const before = fake.calls.length;
    const payload = `payload=${encodeURIComponent(JSON.stringify(blockAction({ user: 'U1', actionId: ACTIONS.approve, value: JSON.stringify({ c: c.id, v: c.version }), channel: CHANNEL, ts })))}`;
    const form = 'application/x-www-form-urlencoded';

    const forged = await slack.post(payload, form, { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ error: { code: 'SLACK_SIGNATURE_FORGED' } });

    const stale = await slack.post(payload, form, { timestampSec: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.status).toBe(401);
    expect(stale.body).toMatchObject({ error: { code: 'SLACK_SIGNATURE_STALE' } });

    const unsigned = await slack.post(payload, form, { signature: '' });
    expect(unsigned.status).toBe(401);

    // A captured valid request sent again: the first is handled, the copy refused.
    const tsSec = Math.floor(Date.now() / 1000);
    const sig = signSlackRequest(SECRET, tsSec, 'payload=%7B%7D');
    const first = await slack.post('payload=%7B%7D', form, { timestampSec: tsSec, signature: sig });
    expect(first.status).toBe(200);
    const replayed = await slack.post('payload=%7B%7D', form, { timestampSec: tsSec, signature: sig });
    expect(replayed.status).toBe(401);
    expect(replayed.body).toMatchObject({ error: { code: 'SLACK_SIGNATURE_REPLAYED' } });
    await settle();

    expect((await stored(c)).status).toBe('open');
    expect(fake.calls.length).toBe(before);
  });

  it('answers url_verification and ignores Slack retrying an event already handled', async () => {
    const challenge = await slack.event({ type: 'url_verification', challenge: 'abc123', token: 'x' });
    expect(challenge).toMatchObject({ status: 200, body: { challenge: 'abc123' } });

    const event = appHomeOpened('U1', 'Ev0001');
    expect((await slack.event(event)).status).toBe(200);
    await settle();
    // Slack signs a retry afresh (a later timestamp), so it is not a replay; the event id says it is the same event.
    const retry = await slack.event(event, { timestampSec: Math.floor(Date.now() / 1000) + 1, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    await settle();
    const published = fake.callsOf('views.publish');
    expect(published).toHaveLength(1);
    expect(published[0]?.args.user_id).toBe('U1');
    expect(JSON.stringify(published[0]?.args.view)).toContain('MQLs today');
  });

  it('approve: the decision is stored, the card updated in place without buttons, and the AE gets the handoff by DM', async () => {
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const ts = await postCard(c);
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
    expect(fake.callsOf('chat.postMessage')[0]?.args.channel).toBe(CHANNEL);
    expect(JSON.stringify(fake.callsOf('chat.postMessage')[0]?.args.blocks)).toContain('a budget of $40k');

    const res = await click('U1', ACTIONS.approve, c, ts);
    expect(res.status).toBe(200);
    await settle();
    expect(await stored(c)).toMatchObject({ status: 'approved', decidedBy: 'user:U1' });
    const update = fake.callsOf('chat.update').at(-1);
    expect(update?.args).toMatchObject({ channel: CHANNEL, ts });
    expect(JSON.stringify(update?.args.blocks)).toContain('*Approved* by <@U1>');
    expect(JSON.stringify(update?.args.blocks)).not.toContain(ACTIONS.approve);
    expect(fake.callsOf('chat.postMessage').filter((m) => m.args.channel === CHANNEL)).toHaveLength(1);

    await worker.runDue();
    const dm = fake.callsOf('chat.postMessage').filter((m) => String(m.args.channel).startsWith('DUA'));
    expect(dm).toHaveLength(1);
    expect(JSON.stringify(dm[0]?.args.blocks)).toContain(ACTIONS.handoffSql);
  });

  it('reject: the button opens the modal, a submission without a reason is refused in the modal, with one it is stored', async () => {
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const ts = await postCard(c);
    await click('U2', ACTIONS.reject, c, ts);
    await settle();
    const opened = fake.callsOf('views.open')[0];
    expect(opened?.args.view).toMatchObject({ callback_id: MODALS.reject });
    const meta = (opened?.args.view as { private_metadata: string }).private_metadata;

    const empty = await slack.interaction(viewSubmission({ user: 'U2', callbackId: MODALS.reject, privateMetadata: meta, values: { reason: { selected_option: null }, note: { value: null } } }));
    expect(empty.body).toMatchObject({ response_action: 'errors', errors: { reason: 'Pick a reason.' } });
    const other = await slack.interaction(viewSubmission({ user: 'U2', callbackId: MODALS.reject, privateMetadata: meta, values: { reason: { selected_option: { value: 'other' } }, note: { value: '' } } }));
    expect(other.body).toMatchObject({ response_action: 'errors', errors: { note: expect.any(String) as string } });
    await settle();
    expect((await stored(c)).status).toBe('open');

    const ok = await slack.interaction(viewSubmission({ user: 'U2', callbackId: MODALS.reject, privateMetadata: meta, values: { reason: { selected_option: { value: 'bad_timing' } }, note: { value: 'ask again in Q3' } } }));
    expect(ok.status).toBe(200);
    await settle();
    expect(await stored(c)).toMatchObject({ status: 'rejected', decidedBy: 'user:U2', rejectReason: 'bad_timing', note: 'ask again in Q3' });
    const update = fake.callsOf('chat.update').at(-1);
    expect(update?.args.ts).toBe(ts);
    expect(JSON.stringify(update?.args.blocks)).toContain('Bad timing');
  });

  it('edit BANT: the modal is prefilled, the changed fields are stored beside the machine answer, and the card shows both', async () => {
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const ts = await postCard(c);
    await click('U1', ACTIONS.editBant, c, ts);
    await settle();
    const view = fake.callsOf('views.open')[0]?.args.view as { private_metadata: string; callback_id: string };
    expect(view.callback_id).toBe(MODALS.editBant);
    expect(JSON.stringify(view)).toContain('a budget of $40k');
    const values = {
      'budget.status': { selected_option: { value: 'met' } },
      'budget.evidence': { value: 'a budget of $40k' },
      'authority.status': { selected_option: { value: 'met' } },
      'authority.evidence': { value: 'I am the VP of Sales' },
      'need.status': { selected_option: { value: 'met' } },
      'need.evidence': { value: 'We need a tool for this' },
      'timeline.status': { selected_option: { value: 'met' } },
      'timeline.evidence': { value: 'said on the call: this quarter' },
      'timeline.within_days': { value: '90' },
      'budget.amount': { value: 'lots' },
    };
    const bad = await slack.interaction(viewSubmission({ user: 'U1', callbackId: MODALS.editBant, privateMetadata: view.private_metadata, values }));
    expect(bad.body).toMatchObject({ response_action: 'errors', errors: { 'budget.amount': expect.any(String) as string } });
    const good = await slack.interaction(viewSubmission({ user: 'U1', callbackId: MODALS.editBant, privateMetadata: view.private_metadata, values: { ...values, 'budget.amount': { value: '40000' } } }));
    expect(good.status).toBe(200);
    await settle();
    const after = await stored(c);
    expect(after.bantCorrection).toEqual({ timeline: { status: 'met', evidence: 'said on the call: this quarter', within_days: 90 } });
    expect(after.qualification.bant.timeline.status).toBe('unknown');
    expect(JSON.stringify(fake.callsOf('chat.update').at(-1)?.args.blocks)).toContain('SDR correction');
  });

  it('a double click decides once; the second click is told who decided', async () => {
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const ts = await postCard(c);
    const [a, b] = await Promise.all([click('U1', ACTIONS.approve, c, ts), click('U1', ACTIONS.approve, c, ts)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await settle();
    expect(await stored(c)).toMatchObject({ status: 'approved', decidedBy: 'user:U1', version: c.version + 1 });
    expect(ephemerals('U1')).toHaveLength(1);
    expect(ephemerals('U1')[0]).toMatch(/^Already approved by <@U1> at <!date\^/);
  });

  it('two deciders at once: one decision wins, the other is told', async () => {
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const ts = await postCard(c);
    await click('U2', ACTIONS.reject, c, ts);
    await settle();
    const meta = (fake.callsOf('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
    await Promise.all([
      click('U1', ACTIONS.approve, c, ts),
      slack.interaction(viewSubmission({ user: 'U2', callbackId: MODALS.reject, privateMetadata: meta, values: { reason: { selected_option: { value: 'no_budget' } }, note: { value: null } } })),
    ]);
    await settle();
    const after = await stored(c);
    expect(['approved', 'rejected']).toContain(after.status);
    const loser = after.decidedBy === 'user:U1' ? 'U2' : 'U1';
    expect(ephemerals(loser)).toHaveLength(1);
    expect(ephemerals(loser)[0]).toContain(`Already ${after.status}`);
    expect(ephemerals(loser)[0]).toContain(`<@${after.decidedBy?.slice(5) ?? ''}>`);
  });

  it('someone outside the SDR group is refused, nothing stored, no modal opened', async () => {
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const ts = await postCard(c);
    await click('UX', ACTIONS.approve, c, ts);
    await click('UX', ACTIONS.reject, c, ts);
    await settle();
    expect(await stored(c)).toMatchObject({ status: 'open', version: c.version });
    expect(fake.callsOf('views.open')).toHaveLength(0);
    expect(ephemerals('UX')).toHaveLength(2);
    expect(ephemerals('UX')[0]).toContain('Only members of the SDR group');
  });

  it('a card from an older version is stale: the clicker is asked to look again', async () => {
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const ts = await postCard(c);
    await click('U1', ACTIONS.approve, { ...c, version: c.version - 1 } as Candidate, ts);
    await settle();
    expect((await stored(c)).status).toBe('open');
    expect(ephemerals('U1')[0]).toContain('The card changed');
  });

  it('snooze and reassign through their modals', async () => {
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const ts = await postCard(c);
    await click('U1', ACTIONS.snooze, c, ts);
    await settle();
    const snoozeMeta = (fake.callsOf('views.open')[0]?.args.view as { private_metadata: string }).private_metadata;
    await slack.interaction(viewSubmission({ user: 'U1', callbackId: MODALS.snooze, privateMetadata: snoozeMeta, values: { until: { selected_option: { value: '4h' } } } }));
    await settle();
    const snoozed = await stored(c);
    expect(snoozed.status).toBe('snoozed');
    expect(snoozed.snoozedUntil?.getTime()).toBe(h.clock.now().getTime() + 4 * 3_600_000);

    await click('U1', ACTIONS.reassign, snoozed, ts);
    await settle();
    const reassignView = fake.callsOf('views.open')[1]?.args.view as { private_metadata: string };
    expect(JSON.stringify(reassignView)).toContain('"value":"U3"');
    await slack.interaction(viewSubmission({ user: 'U1', callbackId: MODALS.reassign, privateMetadata: reassignView.private_metadata, values: { owner: { selected_option: { value: 'U3' } } } }));
    await settle();
    expect((await stored(c)).owner).toBe('user:U3');
  });

  it('/baton stats, find, pause, resume answer ephemerally; anything else gets the usage', async () => {
    const ask = async (text: string) => (await slack.command(slashCommand({ user: 'U1', text }))).body as { response_type: string; text: string };
    await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    expect(await ask('stats')).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('1 open candidate') as string });
    expect((await ask('find <mailto:pat@buyer.test|pat@buyer.test>')).text).toContain('stage mql_candidate');
    expect((await ask('find nobody@x.test')).text).toContain('No lead with the address nobody@x.test');

    const other = await h.addLead('sam@other.test', { firstName: 'Sam' });
    await enrolLead(h.deps, { leadId: other, sequenceId: 'inbound-fast-lane', actor: 'test' });
    expect((await ask('pause sam@other.test')).text).toBe('Paused 1 sequence of sam@other.test: inbound-fast-lane.');
    expect((await ask('pause sam@other.test')).text).toContain('already paused');
    expect((await ask('resume sam@other.test')).text).toBe('Resumed 1 sequence of sam@other.test: inbound-fast-lane.');
    expect((await ask('dance')).text).toContain('Usage: `/baton stats`');
    expect((await ask('find not-an-email')).text).toContain('Usage');
    // Someone outside the team may not pause.
    const outsider = (await slack.command(slashCommand({ user: 'UX', text: 'pause sam@other.test' }))).body as { text: string };
    expect(outsider.text).toContain('not on the sales team');
  });

  it('a reply that makes a candidate posts one card; a newer reply updates it in place', async () => {
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const posts = () => fake.callsOf('chat.postMessage').filter((m) => m.args.channel === CHANNEL);
    expect(posts()).toHaveLength(1);
    const ts = await postCard(c);
    expect(JSON.stringify(posts()[0]?.args.blocks)).toContain(`"value":"{\\"c\\":\\"${c.id}\\",\\"v\\":${(await stored(c)).version}}"`);

    h.clock.advance(3_600_000);
    await reply('Also: we would like to start next month.');
    expect(posts()).toHaveLength(1);
    const update = fake.callsOf('chat.update').at(-1);
    expect(update?.args).toMatchObject({ channel: CHANNEL, ts });
    expect(JSON.stringify(update?.args.blocks)).toContain('start next month');
  });

  it('a rate-limited post is retried after Retry-After and the card is still posted exactly once', async () => {
    fake.rateLimitNext('chat.postMessage', 1);
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const posts = fake.callsOf('chat.postMessage').filter((m) => m.args.channel === CHANNEL);
    expect(posts).toHaveLength(2); // the limited request and its retry
    expect((await stored(c)).slackTs).toBe('1700000000.000001');
  });

  it('an archived channel keeps the candidate queued and visible; once Slack works the sweep posts its card', async () => {
    fake.failNext('chat.postMessage', 'is_archived');
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const after = await stored(c);
    expect(after).toMatchObject({ status: 'open', slackTs: null });
    expect(fake.callsOf('chat.postMessage').filter((m) => m.args.channel === CHANNEL)).toHaveLength(1);
    const stats = (await slack.command(slashCommand({ user: 'U1', text: 'stats' }))).body as { text: string };
    expect(stats.text).toContain('1 open candidate');

    // The sweep (every 5 minutes; main.ts starts the series) re-queues cards never posted.
    await ensureDeskSchedules(deps);
    await worker.runDue({ until: new Date(h.clock.now().getTime() + 10 * 60_000) });
    expect((await stored(c)).slackTs).not.toBeNull();
    // The refused post and the one that made the card: one card.
    expect(fake.callsOf('chat.postMessage').filter((m) => m.args.channel === CHANNEL)).toHaveLength(2);
  });

  it('SLA on virtual time: the owner is reminded by DM before the due time; after it the card is escalated in its thread, the team lead told, and the candidate reassigned', async () => {
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const ts = await postCard(c);
    const opened = await stored(c);
    const owner = opened.owner?.slice(5) ?? '';
    expect(owner).toMatch(/^U[123]$/);
    expect(opened.dueAt).not.toBeNull();
    const due = opened.dueAt as Date;

    await worker.runDue({ until: new Date(due.getTime() - 60_000) });
    const dms = (user: string) => fake.callsOf('chat.postMessage').filter((m) => m.args.channel === `D${user}`);
    expect(dms(owner)).toHaveLength(1);
    expect(String(dms(owner)[0]?.args.text)).toContain('Reminder');
    expect(fake.callsOf('chat.postMessage').filter((m) => m.args.thread_ts === ts)).toHaveLength(0);

    await worker.runDue({ until: new Date(due.getTime() + 60_000) });
    const thread = fake.callsOf('chat.postMessage').filter((m) => m.args.channel === CHANNEL && m.args.thread_ts === ts);
    expect(thread).toHaveLength(1);
    expect(JSON.stringify(thread[0]?.args.blocks)).toContain('SLA lapsed');
    expect(dms('UL')).toHaveLength(1);
    const escalated = await stored(c);
    expect(escalated.owner).not.toBe(opened.owner);
    expect(JSON.stringify(thread[0]?.args.blocks)).toContain(`now owned by <@${escalated.owner?.slice(5) ?? ''}>`);
    expect(fake.callsOf('chat.postMessage').filter((m) => m.args.channel === CHANNEL && !m.args.thread_ts)).toHaveLength(1);
  });

  it('the AE marks the outcome on the handoff message: accepted as SQL, then won', async () => {
    const c = await reply('We need a tool for this; I am the VP of Sales and we have a budget of $40k.');
    const ts = await postCard(c);
    await click('U1', ACTIONS.approve, c, ts);
    await settle();
    const dm = fake.callsOf('chat.postMessage').find((m) => String(m.args.channel).startsWith('DUA'));
    const ae = String(dm?.args.channel).slice(1);
    const button = (id: string) => {
      const blocks = (fake.callsOf('chat.update').filter((u) => u.args.channel === dm?.args.channel).at(-1) ?? dm)?.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[];
      return blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === id);
    };
    const press = (user: string, id: string) =>
      slack.interaction(blockAction({ user, actionId: id, value: button(id)?.value ?? '', channel: String(dm?.args.channel), ts: '1700000000.000002' }));

    await press('U2', ACTIONS.handoffSql);
    await settle();
    expect(ephemerals('U2')[0]).toContain('Only the account executives');

    await press(ae, ACTIONS.handoffSql);
    await settle();
    expect(JSON.stringify(fake.callsOf('chat.update').filter((u) => u.args.channel === dm?.args.channel).at(-1)?.args.blocks)).toContain('accepted as SQL');
    expect(button(ACTIONS.handoffWon)).toBeDefined();
    await press(ae, ACTIONS.handoffWon);
    await settle();
    const last = fake.callsOf('chat.update').filter((u) => u.args.channel === dm?.args.channel).at(-1);
    expect(JSON.stringify(last?.args.blocks)).toContain('*Outcome*: won');
    // The candidate's card in the channel follows what sales said.
    const card = fake.callsOf('chat.update').filter((u) => u.args.channel === CHANNEL && u.args.ts === ts).at(-1);
    expect(JSON.stringify(card?.args.blocks)).toContain(': won');
  });
});
