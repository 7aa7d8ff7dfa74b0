import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { listAudit } from '../../adapters/db/store/audit.ts';
import { candidatesOfLead, getCandidate } from '../../adapters/db/store/candidates.ts';
import { getHandoff } from '../../adapters/db/store/handoffs.ts';
import { getLeadById, listTransitions } from '../../adapters/db/store/leads.ts';
import { addJob } from '../../adapters/queue/jobs.ts';
import { Worker } from '../../adapters/queue/worker.ts';
import type { Candidate } from '../../domain/desk/decision.ts';
import { HandoffConflictError, NotSalesError, StaleHandoffError } from '../../domain/desk/outcome.ts';
import type { HandoffView } from '../../domain/desk/views.ts';
import type { Qualification } from '../../domain/qualify/types.ts';
import { testTeam } from '../../testing/desk.ts';
import { blankQualification, ScriptedEngine } from '../../testing/engines.ts';
import { composeReply, createOutreachHarness, type OutreachHarness } from '../../testing/outreach.ts';
import { enrolLead } from '../outreach/enrol.ts';
import { receiveInbound } from '../outreach/inbound.ts';
import { outreachTasks } from '../outreach/tasks.ts';
import { decide, editBant } from './candidates.ts';
import { loadConversation } from './conversation.ts';
import type { DeskDeps } from './deps.ts';
import { BRIEF_EMAILED, getHandoffView, handoffOfCandidate, handoffTasks, HANDOFF_EMAIL_TASK, listHandoffs, recordOutcome, startHandoff } from './handoff.ts';
import { NotifierError, type DeskNotifier, type MessageRef } from './notifier.ts';
import { verifyCrmSignature } from './webhook.ts';

const SDRS = new Set(['U1', 'U2', 'U3']);

function mqlAnswer(): Qualification {
  return {
    ...blankQualification(),
    intent: 'interested',
    bant: {
      budget: { status: 'met', evidence: 'we set aside $40k for this', amount: 40000, currency: 'USD' },
      authority: { status: 'met', evidence: 'I run sales operations', role: 'Head of Sales Ops' },
      need: { status: 'met', evidence: 'our reps lose half their leads in spreadsheets' },
      timeline: { status: 'unknown' },
    },
    mql: true,
    score: 82,
    grade: 'A',
    route: 'candidate',
  };
}

/** A notifier that records the AE messages and can be told to fail. */
class RecordingNotifier implements DeskNotifier {
  readonly kind = 'slack' as const;
  handoffs: { ae: string; status: string; ref: MessageRef | null }[] = [];
  failWith: NotifierError | null = null;
  showCard = async () => null;
  remind = async () => undefined;
  escalate = async () => undefined;
  summary = async () => undefined;
  chatAlert = async () => null;
  chatMirror = async () => undefined;
  handoff = async (ae: { id: string }, view: HandoffView, ref: MessageRef | null): Promise<MessageRef | null> => {
    if (this.failWith) throw this.failWith;
    this.handoffs.push({ ae: ae.id, status: view.status, ref });
    return ref ?? { channel: `D-${ae.id}`, ts: `${this.handoffs.length}.0001` };
  };
}

describe('handoff to sales', () => {
  let h: OutreachHarness;
  let desk: DeskDeps;
  let notifier: RecordingNotifier;
  let worker: Worker;
  let leadId: string;

  async function setup(options: { team?: Record<string, unknown>; crm?: DeskDeps['crm'] } = {}): Promise<void> {
    notifier = new RecordingNotifier();
    desk = { ...h.deps, isSdr: (id) => SDRS.has(id), team: testTeam(options.team), notifier, crm: options.crm ?? null };
    worker = new Worker({ db: h.db, clock: h.clock, logger: h.deps.logger, tasks: { ...outreachTasks(h.deps), ...handoffTasks(desk) }, concurrency: 1 });
  }

  beforeEach(async () => {
    h = await createOutreachHarness({ engine: new ScriptedEngine('scripted', () => mqlAnswer()) });
    await setup();
    leadId = await h.addLead('pat@buyer.test', { firstName: 'Pat', lastName: 'Lee', company: 'Buyer Inc', title: 'Head of Sales Ops', country: 'DE' });
    await h.addLead('kim@buyer.test', { fullName: 'Kim Roe', title: 'CFO' });
    await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await worker.runDue();
  });
  afterEach(async () => {
    await h.close();
  });

  async function reply(text: string): Promise<void> {
    const raw = await composeReply(h.sink.messages.at(-1)?.raw ?? Buffer.alloc(0), { from: 'pat@buyer.test', text, date: h.clock.now() });
    await receiveInbound(h.deps, raw, { via: 'simulator' });
    await worker.runDue();
  }

  const REPLY = 'Hi Ann,\n\nour reps lose half their leads in spreadsheets. I run sales operations and we set aside $40k for this.\n\nPat\n\nOn Mon, 2 Mar 2026 at 10:00, Ann Seller <ann@sender.test> wrote:\n> Hello Pat, quick question about your pipeline.\n';

  async function candidate(): Promise<Candidate> {
    const all = await candidatesOfLead(h.db, leadId);
    return all[0] as Candidate;
  }

  /** Approves the candidate (decide() hands off) and returns the handoff; startHandoff again returns the same one. */
  async function approve(by = 'user:U1'): Promise<string> {
    await reply(REPLY);
    const c = await candidate();
    await decide(desk, { candidateId: c.id, action: 'approve', by, note: 'Call before Friday' });
    const approved = (await getCandidate(h.db, c.id)) as Candidate;
    const lead = (await getLeadById(h.db, leadId))!;
    const { handoffId } = await h.db.transaction((tx) => startHandoff(desk, tx, { candidate: approved, lead, by, at: h.clock.now() }));
    return handoffId;
  }

  it('loads the conversation oldest first, our emails and the lead own words without the quoted history', async () => {
    await reply(REPLY);
    const conv = await loadConversation(h.db, leadId);
    expect(conv.map((e) => e.from)).toEqual(['us', 'lead']);
    expect(conv[0]?.subject).toBeTruthy();
    expect(conv[0]?.channel).toBe('email');
    const words = conv[1]?.text ?? '';
    expect(words).toContain('we set aside $40k for this');
    expect(words).not.toContain('wrote:');
    expect(words).not.toContain('quick question about your pipeline');
    expect(conv[0]!.at.getTime()).toBeLessThanOrEqual(conv[1]!.at.getTime());
    expect(await loadConversation(h.db, leadId, { limit: 1 })).toEqual([conv[1]]);
  });

  it('hands an approved candidate to an AE with a brief: BANT with quotes, need, what not to ask, the conversation', async () => {
    await reply(REPLY);
    const c = await candidate();
    await editBant(desk, { candidateId: c.id, by: 'user:U2', correction: { timeline: { status: 'met', evidence: 'we want it live by June', within_days: 90 } } });
    await decide(desk, { candidateId: c.id, action: 'approve', by: 'user:U1', note: 'Call before Friday' });
    const lead = (await getLeadById(h.db, leadId))!;
    const approved = (await getCandidate(h.db, c.id)) as Candidate;
    const { handoffId } = await h.db.transaction((tx) => startHandoff(desk, tx, { candidate: approved, lead, by: 'user:U1', at: h.clock.now() }));
    // A second call (a retried decide) returns the same handoff.
    const again = await h.db.transaction((tx) => startHandoff(desk, tx, { candidate: approved, lead, by: 'user:U1', at: h.clock.now() }));
    expect(again.handoffId).toBe(handoffId);

    const view = await getHandoffView(desk, handoffId);
    expect(view).toMatchObject({ status: 'pending', candidateId: c.id, leadId, version: 1, ae: { id: 'UA1', name: 'Omar' } });
    const b = view.brief;
    expect(b.approvedBy).toEqual({ id: 'U1', name: 'Ana' });
    expect(b.lead).toMatchObject({ name: 'Pat Lee', email: 'pat@buyer.test', company: 'Buyer Inc', country: 'DE', source: 'test', channel: 'web_form' });
    expect(b.account?.contacts.map((x) => x.email)).toEqual(['kim@buyer.test']);
    expect(b.score).toBe(82);
    expect(b.grade).toBe('A');
    expect(b.need).toBe('our reps lose half their leads in spreadsheets');
    // The SDR's correction wins over the machine's unknown timeline.
    expect(b.bant.timeline).toEqual({ status: 'met', evidence: 'we want it live by June', within_days: 90 });
    expect(b.doNotAsk).toEqual([
      'budget: $40k ("we set aside $40k for this")',
      'authority: Head of Sales Ops ("I run sales operations")',
      'need: stated ("our reps lose half their leads in spreadsheets")',
      'timeline: within 90 days ("we want it live by June")',
      'company: Buyer Inc',
      'country: DE',
    ]);
    expect(b.conversation.map((e) => e.from)).toEqual(['us', 'lead']);
    expect(b.conversation[1]?.at).toBeInstanceOf(Date);
    expect(b.note).toBe('Call before Friday');
    expect(b.threadUrl).toBe(`http://127.0.0.1:3000/console/candidates/${c.id}`);
    expect((await handoffOfCandidate(h.db, c.id))?.id).toBe(handoffId);
    expect((await listAudit(h.db, 'handoff', handoffId)).map((a) => `${a.actor} ${a.action}`)).toEqual(['user:U1 handoff.created']);
  });

  it('assigns AEs in turn, or by territory', async () => {
    const first = await approve();
    const c = await candidate();
    const lead = (await getLeadById(h.db, leadId))!;
    const again = async () => {
      await h.db.query('DELETE FROM handoffs');
      const { handoffId } = await h.db.transaction((tx) => startHandoff(desk, tx, { candidate: c, lead, by: 'user:U1', at: h.clock.now() }));
      return (await getHandoffView(desk, handoffId)).ae.id;
    };
    expect((await getHandoffView(desk, first)).ae.id).toBe('UA1');
    expect(await again()).toBe('UA2');
    expect(await again()).toBe('UA1');

    // By territory: the German lead goes to the AE who covers Germany, every time.
    await setup({ team: { assignment: 'territory', aes: [{ id: 'UA1', name: 'Omar', email: 'omar@team.test', territories: ['US'] }, { id: 'UA2', name: 'Sofia', email: 'sofia@team.test', territories: ['DE'] }] } });
    expect(await again()).toBe('UA2');
    expect(await again()).toBe('UA2');
  });

  it('emails the brief to the AE exactly once, and DMs the AE (updated in place later)', async () => {
    const id = await approve();
    const before = h.sink.messages.length;
    await worker.runDue();
    const mails = h.sink.messages.slice(before);
    expect(mails).toHaveLength(1);
    const mail = await simpleParser(mails[0]!.raw);
    expect(mail.to && 'value' in mail.to ? mail.to.value[0]?.address : null).toBe('omar@team.test');
    expect(mail.replyTo?.value[0]?.address).toBe('ana@team.test');
    expect(mail.subject).toBe('Handoff: Pat Lee, Buyer Inc (score 82, grade A)');
    expect(mail.text).toContain('Already answered, do not ask again:');
    expect(mail.text).toContain('- budget: $40k ("we set aside $40k for this")');
    expect(mail.text).toContain('Note from Ana: Call before Friday');
    expect(mail.text).not.toContain('quick question about your pipeline');

    // The email job runs again (a replay, a second enqueue): no second email.
    await addJob(h.db, { task: HANDOFF_EMAIL_TASK, payload: { handoffId: id } }, h.clock.now());
    await worker.runDue();
    expect(h.sink.messages.length).toBe(before + 1);
    expect((await listAudit(h.db, 'handoff', id)).filter((a) => a.action === BRIEF_EMAILED)).toHaveLength(1);

    expect(notifier.handoffs).toEqual([{ ae: 'UA1', status: 'pending', ref: null }]);
    await recordOutcome(desk, { handoffId: id, outcome: 'sql', by: 'user:UA1' });
    await worker.runDue();
    expect(notifier.handoffs.at(-1)).toEqual({ ae: 'UA1', status: 'sql', ref: { channel: 'D-UA1', ts: '1.0001' } });
  });

  it('a rate-limited AE message is retried later; a non-retryable failure fails the job and keeps the handoff', async () => {
    notifier.failWith = new NotifierError('rate limited', { retryable: true, retryAfterMs: 30_000 });
    const id = await approve();
    const r = await worker.runDue();
    expect(r.deferred).toBe(1);
    notifier.failWith = null;
    await worker.runDue({ until: new Date(h.clock.now().getTime() + 31_000) });
    expect(notifier.handoffs).toHaveLength(1);
    expect((await getHandoff(h.db, id))?.slackTs).toBe('1.0001');

    notifier.failWith = new NotifierError('account_inactive', { retryable: false });
    await recordOutcome(desk, { handoffId: id, outcome: 'sql', by: 'user:UA1' });
    const failed = await worker.runDue();
    expect(failed.failed).toBe(1);
    expect((await getHandoff(h.db, id))?.status).toBe('sql');
  });

  describe('outcomes', () => {
    it('sql then won moves the lead to sql, opportunity and customer', async () => {
      const id = await approve();
      const sql = await recordOutcome(desk, { handoffId: id, outcome: 'sql', by: 'user:UA1', expectedVersion: 1 });
      expect(sql).toMatchObject({ status: 'sql', outcomeBy: 'user:UA1', version: 2 });
      expect((await getLeadById(h.db, leadId))?.stage).toBe('sql');
      h.clock.advance(86_400_000);
      const won = await recordOutcome(desk, { handoffId: id, outcome: 'won', by: 'api:key', note: 'Signed for 2 years' });
      expect(won).toMatchObject({ status: 'won', outcomeBy: 'api:key', note: 'Signed for 2 years', version: 3 });
      expect((await listTransitions(h.db, leadId)).map((t) => t.toStage).slice(-4)).toEqual(['mql', 'sql', 'opportunity', 'customer']);
      expect((await listAudit(h.db, 'handoff', id)).map((a) => `${a.actor} ${a.action}`)).toEqual(['user:U1 handoff.created', 'user:UA1 handoff.sql', 'api:key handoff.won']);
      expect((await listHandoffs(desk, { ae: 'user:UA1', status: 'won' })).map((v) => v.id)).toEqual([id]);
      expect(await listHandoffs(desk, { ae: 'UA2' })).toEqual([]);
    });

    it('a rejection needs a reason and recycles the lead into nurture after the cool-off', async () => {
      const id = await approve();
      await expect(recordOutcome(desk, { handoffId: id, outcome: 'rejected', by: 'user:UA1' })).rejects.toThrow(/needs a reason, one of: not_ready/);
      const v = await recordOutcome(desk, { handoffId: id, outcome: 'rejected', by: 'user:UA2', reason: 'not_ready', note: 'Call in Q3' });
      expect(v).toMatchObject({ status: 'rejected', reason: 'not_ready', note: 'Call in Q3' });
      expect((await getLeadById(h.db, leadId))?.stage).toBe('nurture');
      const { rows } = await h.db.query<{ run_at: Date }>(`SELECT run_at FROM jobs WHERE key = $1 AND status = 'queued'`, [`recycle:${leadId}`]);
      expect(rows[0]?.run_at.getTime()).toBe(h.clock.now().getTime() + 30 * 86_400_000);
    });

    it('a lost deal goes back to nurture; a bad fit is disqualified', async () => {
      const id = await approve();
      await recordOutcome(desk, { handoffId: id, outcome: 'sql', by: 'user:UA1' });
      const lost = await recordOutcome(desk, { handoffId: id, outcome: 'lost', by: 'user:UL', reason: 'went with a competitor' });
      expect(lost).toMatchObject({ status: 'lost', reason: 'went with a competitor', outcomeBy: 'user:UL' });
      expect((await getLeadById(h.db, leadId))?.stage).toBe('nurture');
      expect((await h.db.query(`SELECT 1 FROM jobs WHERE key = $1 AND status = 'queued'`, [`recycle:${leadId}`])).rows).toHaveLength(1);

      await h.db.query('DELETE FROM handoffs');
      const c = await candidate();
      const lead = (await getLeadById(h.db, leadId))!;
      const { handoffId } = await h.db.transaction((tx) => startHandoff(desk, tx, { candidate: c, lead, by: 'user:U1', at: h.clock.now() }));
      await recordOutcome(desk, { handoffId, outcome: 'rejected', by: 'user:UL', reason: 'bad_fit' });
      expect((await getLeadById(h.db, leadId))?.stage).toBe('disqualified');
    });

    it('the second conflicting outcome names who recorded what; stale versions and outsiders are refused', async () => {
      const id = await approve();
      await expect(recordOutcome(desk, { handoffId: id, outcome: 'sql', by: 'user:U1' })).rejects.toThrow(NotSalesError);
      await expect(recordOutcome(desk, { handoffId: id, outcome: 'won', by: 'user:UA1' })).rejects.toThrow(/it is still pending \(it may now become sql or rejected\)/);
      const at = h.clock.now();
      await recordOutcome(desk, { handoffId: id, outcome: 'rejected', by: 'user:UA1', reason: 'duplicate' });
      const e = await recordOutcome(desk, { handoffId: id, outcome: 'sql', by: 'user:UA2' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(HandoffConflictError);
      expect((e as HandoffConflictError).message).toBe(`cannot mark this handoff sql: it is already marked rejected by user:UA1 at ${at.toISOString()}`);
      expect((e as HandoffConflictError).outcomeBy).toBe('user:UA1');

      const id2 = await (async () => {
        await h.db.query('DELETE FROM handoffs');
        const c = await candidate();
        const lead = (await getLeadById(h.db, leadId))!;
        return (await h.db.transaction((tx) => startHandoff(desk, tx, { candidate: c, lead, by: 'user:U1', at: h.clock.now() }))).handoffId;
      })();
      await recordOutcome(desk, { handoffId: id2, outcome: 'sql', by: 'user:UA1' });
      await expect(recordOutcome(desk, { handoffId: id2, outcome: 'won', by: 'user:UA1', expectedVersion: 1 })).rejects.toThrow(StaleHandoffError);
      // Two outcomes at once: one wins, the other is told.
      const both = await Promise.allSettled([
        recordOutcome(desk, { handoffId: id2, outcome: 'won', by: 'user:UA1' }),
        recordOutcome(desk, { handoffId: id2, outcome: 'lost', by: 'user:UA2', reason: 'went with a competitor' }),
      ]);
      expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = both.find((r) => r.status === 'rejected');
      expect(lost?.status === 'rejected' ? lost.reason : null).toBeInstanceOf(HandoffConflictError);
      await expect(getHandoffView(desk, 'nope')).rejects.toThrow(/handoff/);
    });
  });

  describe('the CRM webhook', () => {
    let server: Server;
    let received: { headers: IncomingMessage['headers']; body: string; valid: boolean }[];
    let answer: number[];

    beforeEach(async () => {
      received = [];
      answer = [];
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const ts = String(req.headers['x-baton-timestamp'] ?? '');
          const valid = verifyCrmSignature('s3cret', ts, body, String(req.headers['x-baton-signature'] ?? ''), Math.floor(h.clock.now().getTime() / 1000));
          received.push({ headers: req.headers, body, valid });
          res.statusCode = answer.shift() ?? (valid ? 204 : 401);
          res.end();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      await setup({ crm: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, secret: 's3cret' } });
    });
    afterEach(async () => {
      await new Promise<void>((r) => server.close(() => r()));
    });

    it('POSTs each event signed, with an event id; retries a 500, not a 400', async () => {
      answer = [500];
      const id = await approve();
      const first = await worker.runDue();
      expect(first.retried).toBe(1);
      expect(received).toHaveLength(1);
      await worker.runDue({ until: new Date(h.clock.now().getTime() + 60_000) });
      expect(received).toHaveLength(2);
      expect(received.every((r) => r.valid)).toBe(true);
      expect(received[1]?.headers['x-baton-event-id']).toBe(`${id}:handoff.created`);
      const body = JSON.parse(received[1]!.body) as { event: string; handoff: HandoffView };
      expect(body.event).toBe('handoff.created');
      expect(body.handoff.brief.lead.email).toBe('pat@buyer.test');
      // A forged or replayed signature does not verify.
      expect(verifyCrmSignature('other', String(received[1]!.headers['x-baton-timestamp']), received[1]!.body, String(received[1]!.headers['x-baton-signature']), Math.floor(h.clock.now().getTime() / 1000))).toBe(false);
      expect(verifyCrmSignature('s3cret', String(received[1]!.headers['x-baton-timestamp']), received[1]!.body, String(received[1]!.headers['x-baton-signature']), Math.floor(h.clock.now().getTime() / 1000) + 3600)).toBe(false);

      answer = [400];
      await recordOutcome(desk, { handoffId: id, outcome: 'sql', by: 'user:UA1' });
      const after = await worker.runDue({ until: new Date(h.clock.now().getTime() + 3_600_000) });
      expect(after.failed).toBe(1);
      expect(received).toHaveLength(3);
      expect(JSON.parse(received[2]!.body)).toMatchObject({ event: 'handoff.sql', handoff: { status: 'sql' } });
      const { rows } = await h.db.query<{ status: string; last_error: string }>(`SELECT status, last_error FROM jobs WHERE task = 'desk.crm' ORDER BY id DESC LIMIT 1`);
      expect(rows[0]?.status).toBe('failed');
      expect(rows[0]?.last_error).toContain('HTTP 400');
    });
  });
});
