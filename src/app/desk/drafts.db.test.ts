import { afterEach, describe, expect, it } from 'vitest';
import { enrolLead } from '../outreach/enrol.ts';
import { receiveInbound } from '../outreach/inbound.ts';
import { createChatHarness, shippedKnowledge, type ChatHarness } from '../../testing/chat.ts';
import { candidateAnswer } from '../../testing/desk.ts';
import { ScriptedEngine } from '../../testing/engines.ts';
import { composeReply } from '../../testing/outreach.ts';
import { loadCard } from './card.ts';
import { DraftDecidedError, discardDraft, sendDraft } from './drafts.ts';
import { getDraft, latestDraftOfLead } from '../../adapters/db/store/drafts.ts';

// A lead's emailed question gets a grounded draft on the card; an SDR sends (or edits, or discards) it.

let c: ChatHarness | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

async function setup(): Promise<{ c: ChatHarness; leadId: string }> {
  c = await createChatHarness({ engine: new ScriptedEngine('scripted', () => candidateAnswer(85)) });
  const kb = await shippedKnowledge(c.h.deps);
  Object.assign(c.deps, { kb });
  const leadId = await c.h.addLead('pat@buyer.test', { firstName: 'Pat', company: 'Buyer Inc', country: 'US' });
  await enrolLead(c.h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
  await c.worker.runDue();
  return { c, leadId };
}

async function reply(c: ChatHarness, text: string): Promise<void> {
  const raw = await composeReply(c.h.sink.messages.at(-1)?.raw ?? Buffer.alloc(0), { from: 'pat@buyer.test', text, date: c.h.clock.now() });
  await receiveInbound(c.h.deps, raw, { via: 'simulator' });
  for (let i = 0; i < 4; i++) await c.worker.runDue();
}

describe('draft answers to emailed questions', () => {
  it('drafts an answer from the knowledge base, with its source, on the card; an SDR sends it once, threaded on the reply', async () => {
    const { c, leadId } = await setup();
    await reply(c, 'We have a budget of $40k and I am the VP of Sales. Do you integrate with HubSpot?');
    const draft = await latestDraftOfLead(c.h.db, leadId);
    expect(draft).toMatchObject({ status: 'proposed', question: 'Do you integrate with HubSpot?' });
    expect(draft?.answer).toMatch(/HubSpot/);
    expect(draft?.sources.map((s) => s.documentId)).toContain('integrations.md');
    const { rows } = await c.h.db.query<{ body: string }>(`SELECT body FROM kb_passages WHERE id = ANY($1::text[])`, [draft?.sources.map((s) => s.passageId)]);
    expect(rows.some((r) => r.body.replace(/\s+/g, ' ').includes((draft?.answer ?? '').replace(/\s+/g, ' ').split('. ')[0] ?? '-'))).toBe(true);
    const cand = (await c.h.db.query<{ id: string }>(`SELECT id FROM candidates WHERE lead_id = $1`, [leadId])).rows[0];
    const card = await loadCard(c.deps, cand?.id ?? '');
    expect(card.draft).toMatchObject({ id: draft?.id, status: 'proposed', sources: [expect.objectContaining({ title: 'Integrations' })] });

    await expect(sendDraft(c.deps, draft?.id ?? '', 'user:UA1')).rejects.toMatchObject({ code: 'DESK_NOT_SDR' });
    const before = c.h.sink.messages.length;
    await sendDraft(c.deps, draft?.id ?? '', 'user:U1', 'Yes: Baton syncs with HubSpot both ways. Happy to show you.');
    await expect(sendDraft(c.deps, draft?.id ?? '', 'user:U2')).rejects.toBeInstanceOf(DraftDecidedError);
    await c.worker.runDue();
    await c.worker.runDue();
    const sent = c.h.sink.messages.slice(before);
    expect(sent).toHaveLength(1);
    const raw = sent[0]?.raw.toString() ?? '';
    expect(raw).toMatch(/^Subject: Re: /m);
    expect(raw).toMatch(/^In-Reply-To: <[^>]+>/m);
    expect(raw).toContain('Hi Pat,');
    expect(raw).toContain('Baton syncs with HubSpot both ways');
    expect((await getDraft(c.h.db, draft?.id ?? ''))?.sentText).toBe('Yes: Baton syncs with HubSpot both ways. Happy to show you.');
    const { rows: out } = await c.h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.lead_id = $1 AND m.author = 'sdr'`, [leadId]);
    expect(out[0]?.n).toBe(1);
  });

  it('leaves the answer to a person when the knowledge base has none, and never drafts for a reply that asks nothing', async () => {
    const { c, leadId } = await setup();
    await reply(c, 'Budget is $40k and I sign. Do you support SAP Ariba punchout catalogs?');
    const draft = await latestDraftOfLead(c.h.db, leadId);
    expect(draft).toMatchObject({ answer: null, sources: [] });
    await expect(sendDraft(c.deps, draft?.id ?? '', 'user:U1')).rejects.toThrow(/has no answer/);
    await discardDraft(c.deps, draft?.id ?? '', 'user:U1');
    expect((await getDraft(c.h.db, draft?.id ?? ''))?.status).toBe('discarded');

    await reply(c, 'Thanks, we have a budget of $40k. Talk soon.');
    expect((await latestDraftOfLead(c.h.db, leadId))?.id).toBe(draft?.id);
  });
});
