import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { candidatesOfLead } from '../db/store/candidates.ts';
import { getDraft, latestDraftOfLead, type ReplyDraft } from '../db/store/drafts.ts';
import { buildHttpServer } from '../http/server.ts';
import { testConfig } from '../http/test-support.ts';
import { silentLogger } from '../log.ts';
import { enrolLead } from '../../app/outreach/enrol.ts';
import { receiveInbound } from '../../app/outreach/inbound.ts';
import { createChatHarness, shippedKnowledge, type ChatHarness } from '../../testing/chat.ts';
import { candidateAnswer, testTeam } from '../../testing/desk.ts';
import { ScriptedEngine } from '../../testing/engines.ts';
import { blockAction, SlackSender, startFakeSlack, viewSubmission, type FakeSlack } from '../../testing/fake-slack.ts';
import { composeReply } from '../../testing/outreach.ts';
import { ACTIONS, DRAFT_BLOCK, MODALS, type SlackBlock } from './blocks.ts';
import { createSlackDesk, type SlackDesk } from './desk.ts';

const SECRET = 'test-signing-secret';
const CHANNEL = 'C0DESK';
const ASKS = 'We have a budget of $40k and I am the VP of Sales. Do you integrate with HubSpot?';

// A lead's emailed question gets a grounded draft on their Slack card; an SDR sends, edits or discards it there.
describe('draft answers on the Slack card, over HTTP against a fake Slack', () => {
  let fake: FakeSlack;
  let desk: SlackDesk;
  let c: ChatHarness;
  let server: FastifyInstance;
  let slack: SlackSender;
  let leadId: string;

  beforeEach(async () => {
    fake = await startFakeSlack();
    const team = testTeam();
    desk = createSlackDesk({ botToken: 'xoxb-test', signingSecret: SECRET, channelId: CHANNEL, apiUrl: fake.url }, { logger: silentLogger(), team, retries: 1 });
    c = await createChatHarness({ engine: new ScriptedEngine('scripted', () => candidateAnswer(85)), team, notifier: desk.notifier });
    // The worker's draft task reads deps.kb: the shipped knowledge, answered offline.
    Object.assign(c.deps, { kb: await shippedKnowledge(c.h.deps) });
    desk.bind({ ...c.deps, isSdr: desk.isSdr });
    server = await buildHttpServer(c.h.deps, testConfig(), { routes: [desk.routes] });
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    slack = new SlackSender(`${url}/slack/events`, SECRET);
    leadId = await c.h.addLead('pat@buyer.test', { firstName: 'Pat', company: 'Buyer Inc', country: 'US' });
    await enrolLead(c.h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await c.worker.runDue();
  });
  afterEach(async () => {
    await desk.stop();
    await server.close();
    await c.close();
    await fake.close();
  });

  async function settle(): Promise<void> {
    await desk.settled();
    for (let i = 0; i < 4; i++) await c.worker.runDue();
  }

  /** The lead answers our last email: inbound → candidate and card → desk.draft → the card again. */
  async function reply(text: string): Promise<{ draft: ReplyDraft; ts: string }> {
    const raw = await composeReply(c.h.sink.messages.at(-1)?.raw ?? Buffer.alloc(0), { from: 'pat@buyer.test', text, date: c.h.clock.now() });
    await receiveInbound(c.h.deps, raw, { via: 'simulator' });
    await settle();
    const draft = await latestDraftOfLead(c.h.db, leadId);
    const [cand] = await candidatesOfLead(c.h.db, leadId);
    if (!draft || !cand?.slackTs) throw new Error('no draft, or the card was not posted');
    return { draft, ts: cand.slackTs };
  }

  /** The card as Slack shows it now: the latest update of its message, else the post. */
  const cardNow = (ts: string): SlackBlock[] => {
    const last = fake.callsOf('chat.update').filter((u) => u.args.ts === ts).at(-1) ?? fake.callsOf('chat.postMessage').find((p) => p.args.channel === CHANNEL && !p.args.thread_ts);
    return (last?.args.blocks ?? []) as SlackBlock[];
  };
  const draftButtons = (ts: string) => cardNow(ts).filter((b) => b.block_id === DRAFT_BLOCK).flatMap((b) => (b.elements as { action_id: string; value: string }[]).map((e) => [e.action_id, e.value]));
  const press = (user: string, actionId: string, draftId: string, ts: string) => slack.interaction(blockAction({ user, actionId, value: JSON.stringify({ d: draftId }), channel: CHANNEL, ts }));
  const ephemerals = (user: string) => fake.callsOf('chat.postEphemeral').filter((p) => p.args.user === user).map((p) => String(p.args.text));
  const emailsAfter = (n: number) => c.h.sink.messages.slice(n).map((m) => m.raw.toString());
  const theirMessageId = async () => (await c.h.db.query<{ message_id: string }>(`SELECT m.message_id FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.lead_id = $1 AND m.author = 'lead' ORDER BY m.created_at DESC LIMIT 1`, [leadId])).rows[0]?.message_id;

  it('the card shows the grounded draft; Send emails it once, threaded on the reply, and the card says who sent it; a second Send is told', async () => {
    const { draft, ts } = await reply(ASKS);
    expect(draft.answer).toMatch(/HubSpot/);
    const shown = JSON.stringify(cardNow(ts));
    expect(shown).toContain('*Draft answer to:*\\n> Do you integrate with HubSpot?');
    expect(shown).toContain('Integrations');
    expect(draftButtons(ts)).toEqual([ACTIONS.draftSend, ACTIONS.draftEdit, ACTIONS.draftDiscard].map((id) => [id, JSON.stringify({ d: draft.id })]));

    const before = c.h.sink.messages.length;
    expect((await press('U1', ACTIONS.draftSend, draft.id, ts)).status).toBe(200);
    await settle();
    const sent = emailsAfter(before);
    expect(sent).toHaveLength(1);
    const mid = await theirMessageId();
    expect(mid).toBeTruthy();
    expect(sent[0]).toContain(`In-Reply-To: ${mid ?? '-'}`);
    expect(sent[0]).toMatch(/^Subject: Re: /m);
    expect(sent[0]).toContain('Hi Pat,');
    expect(sent[0]?.replace(/=\r?\n/g, '').replace(/\s+/g, ' ')).toContain((draft.answer ?? '-').replace(/\s+/g, ' ').slice(0, 40));
    expect(await getDraft(c.h.db, draft.id)).toMatchObject({ status: 'sent', decidedBy: 'user:U1', sentText: draft.answer });
    const after = JSON.stringify(cardNow(ts));
    expect(after).toContain('*Sent* by <@U1>');
    expect(draftButtons(ts)).toEqual([]);
    // The card's own buttons are still there: the candidate is undecided.
    expect(after).toContain(ACTIONS.approve);

    await press('U2', ACTIONS.draftSend, draft.id, ts);
    await settle();
    expect(ephemerals('U2')).toHaveLength(1);
    expect(ephemerals('U2')[0]).toMatch(/^Already sent by <@U1> at <!date\^/);
    expect(emailsAfter(before)).toHaveLength(1);
  });

  it('someone outside the SDR group may not send, edit or discard: nothing sent, no modal', async () => {
    const { draft, ts } = await reply(ASKS);
    const before = c.h.sink.messages.length;
    for (const a of [ACTIONS.draftSend, ACTIONS.draftEdit, ACTIONS.draftDiscard]) await press('UX', a, draft.id, ts);
    await settle();
    expect(ephemerals('UX')).toHaveLength(3);
    for (const t of ephemerals('UX')) expect(t).toContain('Only members of the SDR group may send or discard draft answers');
    expect(fake.callsOf('views.open')).toHaveLength(0);
    expect((await getDraft(c.h.db, draft.id))?.status).toBe('proposed');
    expect(emailsAfter(before)).toHaveLength(0);
  });

  it('Edit & send opens the modal prefilled with the answer; an empty submission is refused in the modal, an edited one is emailed', async () => {
    const { draft, ts } = await reply(ASKS);
    await press('U2', ACTIONS.draftEdit, draft.id, ts);
    await settle();
    const view = fake.callsOf('views.open')[0]?.args.view as { callback_id: string; private_metadata: string; blocks: SlackBlock[] };
    expect(view.callback_id).toBe(MODALS.draftEdit);
    expect(view.blocks.find((b) => b.block_id === 'text')).toMatchObject({ element: { multiline: true, initial_value: draft.answer } });
    expect(JSON.stringify(view.blocks)).toContain('Do you integrate with HubSpot?');

    const submit = (text: string | null) => slack.interaction(viewSubmission({ user: 'U2', callbackId: MODALS.draftEdit, privateMetadata: view.private_metadata, values: { text: { value: text } } }));
    const empty = await submit('   ');
    expect(empty.body).toMatchObject({ response_action: 'errors', errors: { text: expect.stringContaining('Write the answer') as string } });
    await settle();
    expect((await getDraft(c.h.db, draft.id))?.status).toBe('proposed');

    const before = c.h.sink.messages.length;
    const edited = 'Yes: Baton syncs contacts and deals with HubSpot both ways.\nHappy to show you on a call.';
    expect((await submit(edited)).status).toBe(200);
    await settle();
    const sent = emailsAfter(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('Happy to show you on a call.');
    expect(sent[0]).toContain(`In-Reply-To: ${(await theirMessageId()) ?? '-'}`);
    expect(await getDraft(c.h.db, draft.id)).toMatchObject({ status: 'sent', decidedBy: 'user:U2', sentText: edited });
    const card = JSON.stringify(cardNow(ts));
    expect(card).toContain('*Sent* by <@U2>');
    expect(card).toContain('Happy to show you on a call.');

    // The same modal submitted again (a second tab, a slow double click) sends nothing more.
    await submit('Another answer');
    await settle();
    expect(emailsAfter(before)).toHaveLength(1);
    expect(ephemerals('U2').at(-1)).toMatch(/^Already sent by <@U2>/);
  });

  it('Discard drops the draft: nothing is emailed, the card says who discarded it, and a later Edit & send is told', async () => {
    const { draft, ts } = await reply(ASKS);
    const before = c.h.sink.messages.length;
    await press('U1', ACTIONS.draftDiscard, draft.id, ts);
    await settle();
    expect(await getDraft(c.h.db, draft.id)).toMatchObject({ status: 'discarded', decidedBy: 'user:U1', sentText: null });
    expect(JSON.stringify(cardNow(ts))).toContain('*Discarded* by <@U1>');
    expect(draftButtons(ts)).toEqual([]);

    await press('U3', ACTIONS.draftEdit, draft.id, ts);
    await press('U3', ACTIONS.draftSend, draft.id, ts);
    await settle();
    expect(fake.callsOf('views.open')).toHaveLength(0);
    expect(ephemerals('U3')).toHaveLength(2);
    for (const t of ephemerals('U3')) expect(t).toMatch(/^Already discarded by <@U1>/);
    expect(emailsAfter(before)).toHaveLength(0);
  });

  it('a question the knowledge base cannot answer: the card asks for an answer, Send as proposed is refused, Write & send sends it', async () => {
    const { draft, ts } = await reply('Budget is $40k and I sign. Do you support SAP Ariba punchout catalogs?');
    expect(draft.answer).toBeNull();
    expect(JSON.stringify(cardNow(ts))).toContain('No answer in the knowledge base: write one.');
    expect(draftButtons(ts).map(([id]) => id)).toEqual([ACTIONS.draftEdit, ACTIONS.draftDiscard]);

    // A Send with no answer (a crafted or replayed click) is told to write one.
    await press('U1', ACTIONS.draftSend, draft.id, ts);
    await settle();
    expect(ephemerals('U1')[0]).toContain('This draft has no answer');
    expect((await getDraft(c.h.db, draft.id))?.status).toBe('proposed');

    await press('U1', ACTIONS.draftEdit, draft.id, ts);
    await settle();
    const view = fake.callsOf('views.open')[0]?.args.view as { private_metadata: string; blocks: SlackBlock[] };
    expect((view.blocks.find((b) => b.block_id === 'text') as unknown as { element: Record<string, unknown> }).element.initial_value).toBeUndefined();
    const before = c.h.sink.messages.length;
    await slack.interaction(viewSubmission({ user: 'U1', callbackId: MODALS.draftEdit, privateMetadata: view.private_metadata, values: { text: { value: 'Not today: we connect to Ariba through a CSV export.' } } }));
    await settle();
    expect(emailsAfter(before)).toHaveLength(1);
    expect(emailsAfter(before)[0]).toContain('through a CSV export');
  });
});
