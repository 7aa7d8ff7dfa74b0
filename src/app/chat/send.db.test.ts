import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getLeadById } from '../../adapters/db/store/leads.ts';
import { currentEnrolment } from '../../adapters/db/store/sequences.ts';
import { addSuppression } from '../../adapters/db/store/suppressions.ts';
import { createOutreachHarness, SHIPPED_SEQUENCES, type OutreachHarness } from '../../testing/outreach.ts';
import { enrolLead } from '../outreach/enrol.ts';
import type { ChatProvider, ChatSendRequest, ChatSendResult } from './provider.ts';
import { CHAT_SEND_TASK, ChatSendPayload, sendChatStep } from './send.ts';

// A sequence's chat step, end to end on virtual time: queued with the cursor's move, sent once
// through the provider, stored in the lead's conversation, and skipped without a provider.

const CHAT_SEQUENCE = `
id: chat-touch
name: Chat touch
kind: outbound
steps:
  - id: hello
    type: chat
    provider: webhook
    text: "Hi {{ lead.first_name | \\"there\\" }}, {{ sender.first_name }} here: did my email about {{ lead.company | \\"your team\\" }} reach you?"
  - type: wait
    days: 2
  - id: intro
    type: email
    template: outbound-intro
  - type: wait
    days: 1
  - type: end
    move_to: nurture
`;

/** A provider that records what it is asked to send and answers what the test scripts. */
class RecordingProvider implements ChatProvider {
  readonly name = 'webhook' as const;
  readonly sent: ChatSendRequest[] = [];
  answer: () => Promise<ChatSendResult> = async () => ({ status: 'sent', externalId: 'EXT-1' });
  async send(req: ChatSendRequest): Promise<ChatSendResult> {
    this.sent.push(req);
    return this.answer();
  }
}

let h: OutreachHarness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = undefined;
  dir = undefined;
});

async function setup(provider: ChatProvider | null): Promise<OutreachHarness> {
  dir = mkdtempSync(join(tmpdir(), 'baton-chat-seq-'));
  cpSync(SHIPPED_SEQUENCES, dir, { recursive: true });
  writeFileSync(join(dir, 'chat-touch.yaml'), CHAT_SEQUENCE);
  // Monday 2 March 2026, 10:00 UTC: inside the send window.
  h = await createOutreachHarness({ sequencesDir: dir });
  if (provider) Object.assign(h.deps, { chatProviders: { webhook: provider } });
  return h;
}

async function audits(db: OutreachHarness['db'], leadId: string, action: string): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query<{ data: Record<string, unknown> }>(`SELECT data FROM audit_log WHERE subject_id = $1 AND action = $2 ORDER BY id`, [leadId, action]);
  return rows.map((r) => r.data);
}

async function chatMessages(db: OutreachHarness['db'], leadId: string) {
  const { rows } = await db.query<{ body_text: string; message_id: string; direction: string; author: string; channel: string; headers: Record<string, unknown> }>(
    `SELECT m.body_text, m.message_id, m.direction, m.author, c.channel, m.headers FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE c.lead_id = $1 AND c.channel <> 'email' ORDER BY m.at, m.id`,
    [leadId],
  );
  return rows;
}

describe('a sequence chat step', () => {
  it('sends exactly once through the provider, even when its job runs twice, and the sequence goes on to its email', async () => {
    const provider = new RecordingProvider();
    const t = await setup(provider);
    const leadId = await t.addLead('pat@buyer.test', { firstName: 'Pat', company: 'Buyer Inc', phone: '+1 415 555 0100' });
    await enrolLead(t.deps, { leadId, sequenceId: 'chat-touch', actor: 'test' });
    await t.worker.runDue();

    expect(provider.sent).toHaveLength(1);
    const req = provider.sent[0];
    expect(req).toMatchObject({ leadId, text: 'Hi Pat, Ann here: did my email about Buyer Inc reach you?', conversationId: null, lead: { email: 'pat@buyer.test', phone: '+1 415 555 0100' } });
    const stored = await chatMessages(t.db, leadId);
    expect(stored).toEqual([
      expect.objectContaining({ body_text: req?.text, message_id: `chat:${req?.messageId}`, direction: 'outbound', author: 'us', channel: 'webhook', headers: expect.objectContaining({ externalId: 'EXT-1', step: 'hello' }) }),
    ]);
    expect(await audits(t.db, leadId, 'sequence.chat_sent')).toHaveLength(1);
    expect((await getLeadById(t.db, leadId))?.stage).toBe('contacted');

    // The job runs again (a worker that lost its lease, a replay by hand): nothing is sent or stored twice.
    const { rows } = await t.db.query<{ payload: unknown; key: string }>(`SELECT payload, key FROM jobs WHERE task = $1`, [CHAT_SEND_TASK]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key).toMatch(/^chat:[0-9a-f-]{36}:0$/);
    await sendChatStep(t.deps, ChatSendPayload.parse(rows[0]?.payload));
    expect(provider.sent).toHaveLength(1);
    expect(await chatMessages(t.db, leadId)).toHaveLength(1);
    expect(await audits(t.db, leadId, 'sequence.chat_sent')).toHaveLength(1);

    // The chat did not hold the sequence: two days later its email goes out.
    expect(t.sink.messages).toHaveLength(0);
    await t.worker.runDue({ until: new Date('2026-03-04T16:00:00Z') });
    expect(t.sink.messages).toHaveLength(1);
    expect(provider.sent).toHaveLength(1);
  });

  it('without a provider of the step name, the step is recorded as skipped and nothing is queued', async () => {
    const t = await setup(null);
    const leadId = await t.addLead('pat@buyer.test', { firstName: 'Pat' });
    await enrolLead(t.deps, { leadId, sequenceId: 'chat-touch', actor: 'test' });
    await t.worker.runDue();
    expect(await audits(t.db, leadId, 'sequence.chat_skipped')).toEqual([expect.objectContaining({ step: 'hello', why: 'no webhook chat provider is configured' })]);
    const { rows } = await t.db.query(`SELECT 1 FROM jobs WHERE task = $1`, [CHAT_SEND_TASK]);
    expect(rows).toHaveLength(0);
    expect(await chatMessages(t.db, leadId)).toHaveLength(0);
    expect((await currentEnrolment(t.db, leadId))?.status).toBe('active');
  });

  it('an unreachable lead is audited and the sequence goes on; nothing is stored', async () => {
    const provider = new RecordingProvider();
    provider.answer = async () => ({ status: 'unreachable', why: 'the chat gateway cannot reach this lead (HTTP 422)' });
    const t = await setup(provider);
    const leadId = await t.addLead('pat@buyer.test', { firstName: 'Pat' });
    await enrolLead(t.deps, { leadId, sequenceId: 'chat-touch', actor: 'test' });
    await t.worker.runDue();
    expect(provider.sent).toHaveLength(1);
    expect(await audits(t.db, leadId, 'sequence.chat_unreachable')).toEqual([expect.objectContaining({ why: 'the chat gateway cannot reach this lead (HTTP 422)' })]);
    expect(await chatMessages(t.db, leadId)).toHaveLength(0);
    const { rows } = await t.db.query<{ status: string }>(`SELECT status FROM jobs WHERE task = $1`, [CHAT_SEND_TASK]);
    expect(rows.map((r) => r.status)).toEqual(['done']);
    await t.worker.runDue({ until: new Date('2026-03-04T16:00:00Z') });
    expect(t.sink.messages).toHaveLength(1);
  });

  it('a lead suppressed after the step was queued gets nothing', async () => {
    const provider = new RecordingProvider();
    const t = await setup(provider);
    // Saturday: the step is queued for Monday morning's window.
    t.clock.set(new Date('2026-03-07T12:00:00Z'));
    const leadId = await t.addLead('pat@buyer.test', { firstName: 'Pat' });
    await enrolLead(t.deps, { leadId, sequenceId: 'chat-touch', actor: 'test' });
    await t.worker.runDue();
    const { rows } = await t.db.query<{ run_at: Date; status: string }>(`SELECT run_at, status FROM jobs WHERE task = $1`, [CHAT_SEND_TASK]);
    expect(rows[0]?.status).toBe('queued');
    expect(rows[0]?.run_at.toISOString()).toBe('2026-03-09T09:00:00.000Z');
    await addSuppression(t.db, { kind: 'email', value: 'pat@buyer.test', reason: 'unsubscribed', createdBy: 'test' });
    await t.worker.runDue({ until: new Date('2026-03-09T10:00:00Z') });
    expect(provider.sent).toHaveLength(0);
    expect(await audits(t.db, leadId, 'sequence.chat_cancelled')).toEqual([expect.objectContaining({ why: 'suppressed' })]);
  });
});
