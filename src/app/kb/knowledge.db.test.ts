import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../adapters/log.ts';
import { createModelAnswerer } from '../../adapters/llm/answer.openai.ts';
import { createOpenAiEmbedder } from '../../adapters/llm/embed.openai.ts';
import { loadPrompt } from '../../adapters/llm/prompts.ts';
import { listDocuments } from '../../adapters/db/store/kb.ts';
import { offlineEmbedder } from '../../domain/embed/offline-embedder.ts';
import { sentences } from '../../domain/kb/answer.ts';
import { chunkMarkdown } from '../../domain/kb/chunk.ts';
import type { Embedder, GroundedAnswer } from '../../domain/kb/types.ts';
import { createTestDeps } from '../../testing/deps.ts';
import { FakeOpenAi } from '../../testing/fake-openai.ts';
import { createKnowledgeBase, loadKnowledge, type KnowledgeDeps } from './knowledge.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = JSON.parse(readFileSync(join(root, 'test/fixtures/kb/questions.json'), 'utf8')) as {
  answerable: { q: string }[];
  unanswerable: string[];
  holdout: { answerable: { q: string }[]; unanswerable: string[] };
};

type Deps = Awaited<ReturnType<typeof createTestDeps>>;
let deps: Deps;
let kdeps: KnowledgeDeps;
let dir: string;

beforeEach(async () => {
  deps = await createTestDeps();
  kdeps = { ...deps, embedder: offlineEmbedder };
  dir = mkdtempSync(join(tmpdir(), 'baton-kb-'));
  cpSync(join(root, 'knowledge'), dir, { recursive: true });
});
afterEach(async () => {
  await deps.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rows(sql: string, params: unknown[] = []) {
  return (await deps.db.query<Record<string, unknown>>(sql, params)).rows;
}
const passagesOf = (doc: string) => rows(`SELECT id, heading, body FROM kb_passages WHERE document_id = $1 ORDER BY ord`, [doc]);
const vectorsOf = (doc: string) => rows(`SELECT subject_id, created_at FROM embeddings WHERE subject_type = 'kb_passage' AND subject_id LIKE $1 ORDER BY subject_id`, [`${doc}#%`]);
/** Vectors whose passage is gone: there must never be any. */
const orphans = () => rows(`SELECT subject_id FROM embeddings e WHERE subject_type = 'kb_passage' AND NOT EXISTS (SELECT 1 FROM kb_passages p WHERE p.id = e.subject_id)`);

/** The answer cites stored passages, and (offline) each of its sentences is verbatim in one of them. */
async function expectStoredAndVerbatim(a: GroundedAnswer): Promise<void> {
  if (a.kind !== 'answer') return;
  expect(a.sources.length).toBeGreaterThan(0);
  const stored = await rows(`SELECT id, body FROM kb_passages WHERE id = ANY($1::text[])`, [a.sources.map((s) => s.passageId)]);
  expect(stored.map((r) => r.id).sort()).toEqual([...new Set(a.sources.map((s) => s.passageId))].sort());
  for (const s of sentences(a.text)) expect(stored.some((r) => String(r.body).includes(s)), s).toBe(true);
}

describe('loadKnowledge', () => {
  it('loads every Markdown file under the directory, Chinese subfolder included, with one vector per passage', async () => {
    const summary = await loadKnowledge(kdeps, dir);
    const expected = ['integrations.md', 'pricing.md', 'product.md', 'security.md', 'zh/faq.md'];
    const total = expected.reduce((n, f) => n + chunkMarkdown(f, readFileSync(join(dir, f), 'utf8')).passages.length, 0);
    expect(summary).toEqual({ added: 5, updated: 0, removed: 0, unchanged: 0, passages: total });
    expect((await listDocuments(deps.db)).map((d) => [d.id, d.title])).toEqual([
      ['integrations.md', 'Integrations'],
      ['pricing.md', 'Pricing policy'],
      ['product.md', 'Baton product overview'],
      ['security.md', 'Security and compliance'],
      ['zh/faq.md', '常见问题'],
    ]);
    const vectors = await rows(`SELECT count(*)::int AS n, min(dims) AS dims, min(model) AS model FROM embeddings WHERE subject_type = 'kb_passage'`);
    expect(vectors[0]).toEqual({ n: total, dims: 256, model: 'hash-256' });
  });

  it('does nothing on a second load of unchanged files', async () => {
    await loadKnowledge(kdeps, dir);
    const before = { docs: await listDocuments(deps.db), vectors: await vectorsOf('security.md') };
    deps.clock.advance(3_600_000);
    let embedded = 0;
    const counting: Embedder = { model: offlineEmbedder.model, embed: async (t) => ((embedded += t.length), offlineEmbedder.embed(t)) };
    const summary = await loadKnowledge({ ...deps, embedder: counting }, dir);
    expect(summary).toMatchObject({ added: 0, updated: 0, removed: 0, unchanged: 5 });
    expect(embedded).toBe(0);
    expect(await listDocuments(deps.db)).toEqual(before.docs);
    expect(await vectorsOf('security.md')).toEqual(before.vectors);
  });

  it('replaces an edited file: new passages and vectors in, the old ones gone', async () => {
    await loadKnowledge(kdeps, dir);
    const oldCount = (await passagesOf('security.md')).length;
    writeFileSync(join(dir, 'security.md'), '# Security and compliance\n\n## Data residency\n\nCustomer data is stored in Frankfurt only.\n\n## SSO\n\nSAML single sign-on.\n');
    deps.clock.advance(60_000);
    const summary = await loadKnowledge(kdeps, dir);
    expect(summary).toMatchObject({ added: 0, updated: 1, removed: 0, unchanged: 4 });
    const now = await passagesOf('security.md');
    expect(now.map((p) => p.body)).toEqual(['Customer data is stored in Frankfurt only.', 'SAML single sign-on.']);
    expect(oldCount).toBeGreaterThan(now.length);
    const vectors = await vectorsOf('security.md');
    expect(vectors.map((v) => v.subject_id)).toEqual(['security.md#0', 'security.md#1']);
    expect(vectors.every((v) => new Date(v.created_at as string).getTime() === deps.clock.now().getTime())).toBe(true);
    expect(await orphans()).toEqual([]);
    const kb = createKnowledgeBase(kdeps);
    const a = await kb.answer('Where is customer data stored?');
    expect(a).toMatchObject({ kind: 'answer', text: 'Customer data is stored in Frankfurt only.', sources: [{ passageId: 'security.md#0' }] });
  });

  it('removes the passages and vectors of a file that is gone', async () => {
    await loadKnowledge(kdeps, dir);
    unlinkSync(join(dir, 'integrations.md'));
    const summary = await loadKnowledge(kdeps, dir);
    expect(summary).toMatchObject({ added: 0, updated: 0, removed: 1, unchanged: 4 });
    expect(await passagesOf('integrations.md')).toEqual([]);
    expect(await vectorsOf('integrations.md')).toEqual([]);
    expect(await orphans()).toEqual([]);
    expect(await createKnowledgeBase(kdeps).answer('Does it sync with HubSpot?')).toEqual({ kind: 'no_answer', reason: 'nothing_relevant' });
  });

  it('keeps the old version whole when the embedder fails halfway through a changed file', async () => {
    await loadKnowledge(kdeps, dir);
    const before = { passages: await passagesOf('pricing.md'), vectors: await vectorsOf('pricing.md'), docs: await listDocuments(deps.db) };
    writeFileSync(join(dir, 'pricing.md'), `${readFileSync(join(dir, 'pricing.md'), 'utf8')}\n## Payment terms\n\nInvoices are due in 30 days.\n`);
    let calls = 0;
    const failing: Embedder = {
      model: offlineEmbedder.model,
      embed: async (t) => {
        if (++calls === 2) throw new Error('connection reset by the embedding endpoint');
        return offlineEmbedder.embed(t);
      },
    };
    await expect(loadKnowledge({ ...deps, embedder: failing }, dir, { batchSize: 2 })).rejects.toMatchObject({
      code: 'KB_EMBED_FAILED',
      message: 'embedding pricing.md failed (connection reset by the embedding endpoint); its previous version is kept',
    });
    expect(await passagesOf('pricing.md')).toEqual(before.passages);
    expect(await vectorsOf('pricing.md')).toEqual(before.vectors);
    expect(await listDocuments(deps.db)).toEqual(before.docs);
    // The next load with a working embedder picks the change up.
    expect(await loadKnowledge(kdeps, dir)).toMatchObject({ updated: 1 });
    expect((await passagesOf('pricing.md')).at(-1)?.body).toBe('Invoices are due in 30 days.');
  });

  it('re-embeds unchanged files when the embedding model changes', async () => {
    await loadKnowledge(kdeps, dir);
    const other: Embedder = { model: 'other-model', embed: offlineEmbedder.embed };
    expect(await loadKnowledge({ ...deps, embedder: other }, dir)).toMatchObject({ updated: 5, unchanged: 0 });
    expect(await loadKnowledge({ ...deps, embedder: other }, dir)).toMatchObject({ updated: 0, unchanged: 5 });
  });

  it('says clearly when the directory does not exist or a file is not UTF-8 text', async () => {
    await expect(loadKnowledge(kdeps, join(dir, 'nope'))).rejects.toMatchObject({ code: 'KB_DIR_MISSING', message: expect.stringContaining(`knowledge directory ${join(dir, 'nope')} does not exist`) });
    writeFileSync(join(dir, 'latin1.md'), Buffer.from([0x23, 0x20, 0x43, 0x61, 0x66, 0xe9, 0x0a]));
    await expect(loadKnowledge(kdeps, dir)).rejects.toMatchObject({ code: 'KB_FILE_NOT_TEXT', message: expect.stringContaining(`${join(dir, 'latin1.md')} is not UTF-8 text`) });
  });
});

describe('createKnowledgeBase (offline)', () => {
  it('has no answer, reason empty, before anything is loaded', async () => {
    expect(await createKnowledgeBase(kdeps).answer('Are you SOC 2 compliant?')).toEqual({ kind: 'no_answer', reason: 'empty' });
    expect(await createKnowledgeBase(kdeps).search('SOC 2')).toEqual([]);
  });

  it('always cites stored passages, quotes them verbatim, and never answers the unanswerable', async () => {
    await loadKnowledge(kdeps, dir);
    const kb = createKnowledgeBase(kdeps);
    let answered = 0;
    for (const { q } of [...fixture.answerable, ...fixture.holdout.answerable]) {
      const a = await kb.answer(q);
      await expectStoredAndVerbatim(a);
      if (a.kind === 'answer') answered++;
    }
    expect(answered).toBeGreaterThanOrEqual(62); // of 69; measured 66
    for (const q of [...fixture.unanswerable, ...fixture.holdout.unanswerable, '???', '']) {
      expect(await kb.answer(q), q).toEqual({ kind: 'no_answer', reason: 'nothing_relevant' });
    }
  });

  it('searches by vector through the store, most similar first', async () => {
    await loadKnowledge(kdeps, dir);
    const hits = await createKnowledgeBase(kdeps).search('SAML single sign-on with Okta', 3);
    expect(hits).toHaveLength(3);
    expect(hits[0]!.passage).toMatchObject({ documentId: 'security.md', anchor: 'single-sign-on', title: 'Security and compliance' });
    expect(hits[0]!.similarity).toBeGreaterThanOrEqual(hits[1]!.similarity);
  });
});

describe('createKnowledgeBase with a model (local OpenAI-compatible server)', () => {
  const fake = new FakeOpenAi();
  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => fake.stop());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.reply({ kind: 'status', status: 500 });
    fake.embeddings({ kind: 'vectors' });
  });

  const answerer = () =>
    createModelAnswerer({
      apiKey: 'sk-test',
      baseURL: fake.url,
      model: 'gpt-test',
      timeoutMs: 2000,
      retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 },
      prompt: loadPrompt('kb-answer.v1.md'),
      logger: silentLogger(),
      sleep: async () => {},
    });
  const chats = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions'));

  it('returns the model answer with the passage it cited, after showing it only the relevant numbered passages', async () => {
    await loadKnowledge(kdeps, dir);
    fake.reply({ kind: 'json', content: { answer: 'Your data stays in the region you pick: the EU or the US [1].', cited: [1] } });
    const a = await createKnowledgeBase(kdeps, { answerer: answerer() }).answer('Where is our data stored?');
    expect(a).toMatchObject({ kind: 'answer', text: 'Your data stays in the region you pick: the EU or the US.', sources: [{ documentId: 'security.md', anchor: 'data-residency' }] });
    await expectStoredAndVerbatim({ ...a, text: '' } as GroundedAnswer);
    const sent = chats()[0]!.body.messages!.map((m) => m.content).join('\n');
    expect(sent).toContain('[1] Security and compliance > Data residency');
    expect(sent).toContain('Where is our data stored?');
    expect(sent).not.toContain('Pricing policy');
  });

  it('falls back to the extractive answer when the model cites a passage it was not given, cites none, or fails', async () => {
    await loadKnowledge(kdeps, dir);
    const offline = await createKnowledgeBase(kdeps).answer('Are you SOC 2 compliant?');
    expect(offline.kind).toBe('answer');
    const kb = createKnowledgeBase(kdeps, { answerer: answerer() });
    fake.reply({ kind: 'json', content: { answer: 'Yes, and ISO 27001 too.', cited: [7] } });
    expect(await kb.answer('Are you SOC 2 compliant?')).toEqual(offline);
    fake.reply({ kind: 'json', content: { answer: 'Yes.', cited: [] } });
    expect(await kb.answer('Are you SOC 2 compliant?')).toEqual(offline);
    fake.reply({ kind: 'text', content: 'Sure thing!' });
    expect(await kb.answer('Are you SOC 2 compliant?')).toEqual(offline);
    fake.reply({ kind: 'status', status: 503 });
    expect(await kb.answer('Are you SOC 2 compliant?')).toEqual(offline);
    expect(chats().length).toBe(5); // one each, and the 503 retried once
  });

  it('never asks the model about a question the knowledge does not cover', async () => {
    await loadKnowledge(kdeps, dir);
    fake.reply({ kind: 'json', content: { answer: 'Yes, we support SAP Ariba.', cited: [1] } });
    const kb = createKnowledgeBase(kdeps, { answerer: answerer() });
    for (const q of ['Do you support SAP Ariba?', 'What is the weather today?', 'Who won the match last night?']) expect(await kb.answer(q)).toEqual({ kind: 'no_answer', reason: 'nothing_relevant' });
    expect(chats()).toEqual([]);
  });

  it('loads and answers with the model embedder (vectors from /embeddings, stored under its model name)', async () => {
    const embedder = createOpenAiEmbedder({ apiKey: 'sk-test', baseURL: fake.url, model: 'text-embedding-fake', batchSize: 8, timeoutMs: 2000, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 2 }, logger: silentLogger() });
    const mdeps = { ...deps, embedder };
    const summary = await loadKnowledge(mdeps, dir);
    expect(summary.added).toBe(5);
    expect(await rows(`SELECT DISTINCT model FROM embeddings WHERE subject_type = 'kb_passage'`)).toEqual([{ model: 'text-embedding-fake' }]);
    const a = await createKnowledgeBase(mdeps).answer('Do you support SSO with Okta?');
    expect(a).toMatchObject({ kind: 'answer', sources: [{ documentId: 'security.md', anchor: 'single-sign-on' }] });
    await expectStoredAndVerbatim(a);
  });
});
