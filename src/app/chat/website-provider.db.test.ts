import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getLeadByEmail } from '../../adapters/db/store/leads.ts';
import { currentEnrolment } from '../../adapters/db/store/sequences.ts';
import { createChatHarness, type ChatHarness } from '../../testing/chat.ts';
import { SHIPPED_SEQUENCES } from '../../testing/outreach.ts';
import { enrolLead } from '../outreach/enrol.ts';
import type { ChatEvent } from './hub.ts';
import { getTranscript, postVisitorMessage, startChat } from './sessions.ts';

// A sequence's chat step through the website chat: the returning visitor's session gets the message,
// live on an open stream, and their answer in the chat holds the sequence like an emailed answer.

const SEQUENCE = `
id: chat-nudge
name: Chat nudge
kind: outbound
steps:
  - id: nudge
    type: chat
    provider: website
    text: "Hi again! Did you find what you needed about {{ lead.company | \\"your team\\" }}?"
  - type: wait
    days: 2
  - id: intro
    type: email
    template: outbound-intro
  - type: end
`;

let c: ChatHarness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await c?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  c = undefined;
  dir = undefined;
});

async function setup(): Promise<ChatHarness> {
  dir = mkdtempSync(join(tmpdir(), 'baton-website-chat-'));
  cpSync(SHIPPED_SEQUENCES, dir, { recursive: true });
  writeFileSync(join(dir, 'chat-nudge.yaml'), SEQUENCE);
  c = await createChatHarness({ sequencesDir: dir });
  return c;
}

describe('the website chat as a sequence channel', () => {
  it('delivers the step into the returning visitor’s chat, once, and their answer holds the sequence', async () => {
    const c = await setup();
    const s = await startChat(c.deps, { email: 'kim@northwind.test' }, 'x');
    const lead = await getLeadByEmail(c.h.db, 'kim@northwind.test');
    if (!lead) throw new Error('no lead');
    const seen: ChatEvent[] = [];
    c.deps.hub.subscribe(s.session_id, (e) => seen.push(e));
    await enrolLead(c.h.deps, { leadId: lead.id, sequenceId: 'chat-nudge', actor: 'test' });
    await c.worker.runDue();
    await c.worker.runDue();
    const t = await getTranscript(c.deps, s.session_id);
    const nudges = t.messages.filter((m) => m.text.startsWith('Hi again!'));
    expect(nudges).toHaveLength(1);
    expect(nudges[0]).toMatchObject({ from: 'bot', kind: 'sequence' });
    expect(seen.some((e) => e.type === 'message' && e.message.text.startsWith('Hi again!'))).toBe(true);
    const { rows } = await c.h.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE subject_id = $1 AND action LIKE 'sequence.chat%'`, [lead.id]);
    expect(rows.map((r) => r.action)).toEqual(['sequence.chat_queued', 'sequence.chat_sent']);

    // The visitor answers in the chat: the sequence stops waiting to send its email.
    await postVisitorMessage(c.deps, s.session_id, 'yes thanks, we need lead routing for our 12 reps');
    const e = await currentEnrolment(c.h.db, lead.id);
    expect(e?.status === 'active').toBe(false);
    c.h.clock.advance(3 * 86_400_000);
    await c.worker.runDue();
    expect(c.h.sink.messages.filter((m) => m.raw.toString().includes('kim@northwind.test'))).toHaveLength(0);
  });

  it('cannot reach a lead who never chatted: the step is recorded and the sequence goes on', async () => {
    const c = await setup();
    const leadId = await c.h.addLead('lee@third.test', { firstName: 'Lee' });
    await enrolLead(c.h.deps, { leadId, sequenceId: 'chat-nudge', actor: 'test' });
    await c.worker.runDue();
    await c.worker.runDue();
    const { rows } = await c.h.db.query<{ action: string; data: { why?: string } }>(`SELECT action, data FROM audit_log WHERE subject_id = $1 AND action LIKE 'sequence.chat%'`, [leadId]);
    expect(rows.map((r) => r.action)).toEqual(['sequence.chat_queued', 'sequence.chat_unreachable']);
    expect(rows[1]?.data.why).toBe('the lead has never used the website chat');
  });
});
