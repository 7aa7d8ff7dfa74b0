import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotifierError } from '../../app/desk/notifier.ts';
import type { CandidateCard, DeskStats } from '../../domain/desk/views.ts';
import { silentLogger } from '../log.ts';
import { testTeam } from '../../testing/desk.ts';
import { startFakeSlack, type FakeSlack } from '../../testing/fake-slack.ts';
import { createSlackDesk, type SlackDesk } from './desk.ts';

const AT = new Date('2026-03-02T10:00:00Z');

const card: CandidateCard = {
  candidate: { id: 'c-1', status: 'open', version: 1, owner: { id: 'U1', name: 'Ana' }, dueAt: AT, hot: false, overdue: false, escalations: 0, snoozedUntil: null, refreshes: 0, decidedBy: null, decidedAt: null, rejectReason: null, note: null, createdAt: AT },
  lead: { id: 'l-1', name: 'Pat', email: 'pat@buyer.test', title: null, company: 'Buyer Inc', country: 'US', stage: 'mql_candidate', source: 'web', campaign: null, channel: 'web_form' },
  account: null,
  qualification: { score: 80, grade: 'A', intent: 'interested', reasons: [], bant: { budget: { status: 'unknown' }, authority: { status: 'unknown' }, need: { status: 'met', evidence: 'we need it' }, timeline: { status: 'unknown' } }, correction: null },
  latestWords: 'we need it',
  latestAt: AT,
  threadUrl: 'http://127.0.0.1/console/candidates/c-1',
  similar: [],
  handoff: null,
  draft: null,
};

describe('the Slack notifier over the Web API', () => {
  let fake: FakeSlack;
  let desk: SlackDesk;
  const team = testTeam();

  beforeEach(async () => {
    fake = await startFakeSlack();
    desk = createSlackDesk({ botToken: 'xoxb-test', signingSecret: 's', channelId: 'C0DESK', apiUrl: fake.url }, { logger: silentLogger(), team, retries: 1 });
  });
  afterEach(async () => {
    await desk.stop();
    await fake.close();
  });

  it('posts a card in the channel with the bot token, then updates that message in place', async () => {
    const ref = await desk.notifier.showCard(card, null);
    expect(ref).toEqual({ channel: 'C0DESK', ts: expect.any(String) as string });
    const again = await desk.notifier.showCard({ ...card, candidate: { ...card.candidate, version: 2 } }, ref);
    expect(again).toEqual(ref);
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
    expect(fake.callsOf('chat.postMessage')[0]?.token).toBe('xoxb-test');
    expect(fake.callsOf('chat.update')[0]?.args).toMatchObject({ channel: 'C0DESK', ts: ref?.ts });
  });

  it('a 429 with Retry-After is retried after the wait, and the card is posted exactly once', async () => {
    fake.rateLimitNext('chat.postMessage', 1);
    const ref = await desk.notifier.showCard(card, null);
    expect(ref?.ts).toBeTruthy();
    // Two requests reached Slack: the limited one and the retry; one message exists.
    expect(fake.callsOf('chat.postMessage')).toHaveLength(2);
  });

  it('still rate limited after the retries: a retryable NotifierError carrying Retry-After', async () => {
    fake.rateLimitNext('chat.postMessage', 1, 5);
    const e = await desk.notifier.showCard(card, null).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotifierError);
    expect(e).toMatchObject({ code: 'SLACK_RATE_LIMITED', retryable: true, retryAfterMs: 1000 });
  });

  it('an archived channel, a revoked token: non-retryable errors that say what to fix', async () => {
    fake.failNext('chat.postMessage', 'is_archived');
    const archived = await desk.notifier.showCard(card, null).catch((x: unknown) => x);
    expect(archived).toMatchObject({ code: 'SLACK_IS_ARCHIVED', retryable: false });
    expect((archived as Error).message).toContain('unarchive it');
    fake.failNext('chat.postMessage', 'token_revoked');
    const revoked = await desk.notifier.summary({ at: AT, myQueue: [], teamQueue: [], mqlsToday: 0, approvalRate: null, medianDecisionMinutes: null, breachesOpen: 0, escalationsToday: 0 }).catch((x: unknown) => x);
    expect(revoked).toMatchObject({ code: 'SLACK_TOKEN_REVOKED', retryable: false });
    expect((revoked as Error).message).toContain('SLACK_BOT_TOKEN');
    fake.failNext('chat.postMessage', 'internal_error');
    expect(await desk.notifier.showCard(card, null).catch((x: unknown) => x)).toMatchObject({ retryable: true });
  });

  it('reminds the owner by DM, and escalates in the card thread and to the team lead', async () => {
    const ref = await desk.notifier.showCard(card, null);
    const owner = team.sdrs[0]!;
    await desk.notifier.remind(owner, card, ref);
    expect(fake.callsOf('conversations.open')[0]?.args).toMatchObject({ users: 'U1' });
    const dm = fake.callsOf('chat.postMessage')[1];
    expect(dm?.args.channel).toBe('DU1');
    expect(JSON.stringify(dm?.args.blocks)).toContain('Open the card');

    await desk.notifier.escalate({ card, ref, from: owner, to: team.sdrs[1]!, teamLead: team.team_lead });
    const [thread, lead] = fake.callsOf('chat.postMessage').slice(2);
    expect(thread?.args).toMatchObject({ channel: 'C0DESK', thread_ts: ref?.ts });
    expect(JSON.stringify(thread?.args.blocks)).toContain('SLA lapsed');
    expect(JSON.stringify(thread?.args.blocks)).toContain('now owned by <@U2>');
    expect(lead?.args.channel).toBe('DUL');
  });

  it('posts the daily summary in the channel', async () => {
    const stats: DeskStats = { at: AT, myQueue: [], teamQueue: [], mqlsToday: 2, approvalRate: 0.5, medianDecisionMinutes: 30, breachesOpen: 0, escalationsToday: 0 };
    await desk.notifier.summary(stats);
    expect(fake.callsOf('chat.postMessage')[0]?.args).toMatchObject({ channel: 'C0DESK' });
    expect(String(fake.callsOf('chat.postMessage')[0]?.args.text)).toContain('2 MQLs today');
  });

  it('isSdr: the team file without a group; the group members (cached) with one', async () => {
    expect(await desk.isSdr('U1')).toBe(true);
    expect(await desk.isSdr('UL')).toBe(true);
    expect(await desk.isSdr('UA1')).toBe(false);
    let now = 1_000_000;
    fake.setGroupMembers('S0SDR', ['U9']);
    const grouped = createSlackDesk({ botToken: 'xoxb-test', signingSecret: 's', channelId: 'C0DESK', apiUrl: fake.url, sdrGroupId: 'S0SDR' }, { logger: silentLogger(), team, now: () => now });
    expect(await grouped.isSdr('U9')).toBe(true);
    expect(await grouped.isSdr('U1')).toBe(false);
    expect(fake.callsOf('usergroups.users.list')).toHaveLength(1);
    fake.setGroupMembers('S0SDR', ['U1']);
    now += 61_000;
    expect(await grouped.isSdr('U1')).toBe(true);
    expect(fake.callsOf('usergroups.users.list')).toHaveLength(2);
  });

  it('Socket Mode with an app token needs no signing secret and serves no HTTP route; neither is refused', () => {
    const socket = createSlackDesk({ botToken: 'xoxb-test', appToken: 'xapp-test', channelId: 'C0DESK', apiUrl: fake.url }, { logger: silentLogger(), team });
    expect(typeof socket.routes(null)).toBe('function');
    expect(() => createSlackDesk({ botToken: 'xoxb-test', channelId: 'C0DESK', apiUrl: fake.url }, { logger: silentLogger(), team })).toThrow(/SLACK_SIGNING_SECRET .* or SLACK_APP_TOKEN/);
  });
});
