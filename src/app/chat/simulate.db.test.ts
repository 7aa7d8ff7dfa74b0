import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KnowledgeBase } from '../../domain/kb/types.ts';
import { createChatHarness, type ChatHarness } from '../../testing/chat.ts';
import { parseScripts, simulateChats } from './simulate.ts';

const SCRIPTS = parseScripts(
  [
    {
      id: 'need-then-question',
      turns: [
        { visitor: 'we need to route inbound leads faster', expect: { asks: 'timeline' } },
        { visitor: 'do you integrate with hubspot?', expect: { answered: true } },
      ],
    },
    { id: 'takeover', turns: [{ takeover: 'U1' }, { visitor: 'hello?', expect: { silent: true } }, { release: 'U1' }, { visitor: 'we need a CRM sync', expect: { silent: false } }] },
  ],
  'test scripts',
);

/** A knowledge base that answers everything, citing whatever it is given: the simulator must catch it. */
function lyingKb(passageId: string, text: string): KnowledgeBase {
  return {
    answer: async () => ({ kind: 'answer', text, sources: [{ passageId, documentId: passageId.split('#')[0] ?? '', title: 'Integrations', heading: 'Integrations > HubSpot', anchor: null }] }),
    search: async () => [],
  };
}

describe('the conversation simulator', () => {
  let c: ChatHarness | undefined;
  beforeEach(() => {
    c = undefined;
  });
  afterEach(async () => {
    await c?.close();
  });

  it('flags an answer whose source is not a stored passage', async () => {
    c = await createChatHarness({ kb: lyingKb('made-up.md#0', 'Yes, we integrate with everything.') });
    const r = await simulateChats(c.deps, SCRIPTS);
    expect(r.byKind.source_not_stored).toBe(1);
    expect(r.violations.find((v) => v.kind === 'source_not_stored')).toMatchObject({ script: 'need-then-question', turn: 1 });
    expect(r.passed).toBe(1);
  });

  it('flags an answer whose words are not in the passage it cites', async () => {
    c = await createChatHarness({ kb: lyingKb('integrations.md#2', 'Yes, we integrate with everything.') });
    await c.h.db.query(`INSERT INTO kb_documents (id, title, sha256, loaded_at) VALUES ('integrations.md', 'Integrations', 'x', now())`);
    await c.h.db.query(`INSERT INTO kb_passages (id, document_id, ord, heading, anchor, body) VALUES ('integrations.md#2', 'integrations.md', 2, 'Integrations > HubSpot', 'hubspot', 'Baton syncs contacts with HubSpot.')`);
    const r = await simulateChats(c.deps, SCRIPTS);
    expect(r.byKind.answer_not_in_source).toBe(1);
    expect(r.byKind.source_not_stored).toBeUndefined();
  });

  it('passes a faithful chat, and reports a script expectation that does not hold', async () => {
    c = await createChatHarness({ kb: lyingKb('integrations.md#2', 'Baton syncs contacts with HubSpot.') });
    await c.h.db.query(`INSERT INTO kb_documents (id, title, sha256, loaded_at) VALUES ('integrations.md', 'Integrations', 'x', now())`);
    await c.h.db.query(`INSERT INTO kb_passages (id, document_id, ord, heading, anchor, body) VALUES ('integrations.md#2', 'integrations.md', 2, 'Integrations > HubSpot', 'hubspot', 'Baton syncs contacts with HubSpot.')`);
    const ok = await simulateChats(c.deps, SCRIPTS);
    expect(ok.violations).toEqual([]);
    expect(ok.passed).toBe(2);
    const wrong = await simulateChats(c.deps, parseScripts([{ id: 'x', turns: [{ visitor: 'we need lead routing', expect: { asks: 'budget' } }] }], 't'));
    expect(wrong.violations).toEqual([expect.objectContaining({ kind: 'expectation', detail: 'expected the bot to ask budget, it asked timeline' })]);
  });

  it('refuses malformed scripts with the place named', () => {
    expect(() => parseScripts([{ id: 'A B', turns: [] }], 'bad.yaml')).toThrow(/bad\.yaml: 0\.id: ids are lower-case.*0\.turns/);
    expect(() => parseScripts([{ id: 'a', turns: [{ visitor: 'x' }] }, { id: 'a', turns: [{ visitor: 'y' }] }], 'dup.yaml')).toThrow(/script id a appears twice/);
  });
});
