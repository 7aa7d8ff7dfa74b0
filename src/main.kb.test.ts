import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './adapters/log.ts';
import { loadConfig } from './config/load.ts';
import { systemClock } from './domain/clock.ts';
import { buildKnowledge } from './main.ts';
import { createTestDb } from './testing/db.ts';
import { FakeOpenAi } from './testing/fake-openai.ts';

// The composition root builds the knowledge base on the configured embeddings and answer writer.

const fake = new FakeOpenAi();
let db: Awaited<ReturnType<typeof createTestDb>> | undefined;
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => fake.stop());
afterEach(async () => {
  await db?.close();
  db = undefined;
});
const logger = createLogger({ level: 'silent', logPii: false });

describe('buildKnowledge', () => {
  it('embeds offline by default (no model is called)', async () => {
    db = await createTestDb();
    const before = fake.requests.length;
    const kb = await buildKnowledge(loadConfig({}, {}), { db, clock: systemClock, logger });
    const { rows } = await db.query<{ model: string; n: number }>(`SELECT model, count(*)::int AS n FROM embeddings WHERE subject_type = 'kb_passage' GROUP BY model`);
    expect(rows).toEqual([{ model: 'hash-256', n: expect.any(Number) }]);
    expect((await kb.answer('Do you integrate with HubSpot?')).kind).toBe('answer');
    expect(fake.requests.length).toBe(before);
  });

  it("uses the model's embeddings and has the model word answers when configured", async () => {
    db = await createTestDb();
    const config = loadConfig({}, { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url, OPENAI_EMBEDDING_MODEL: 'text-embedding-3-small', OPENAI_EMBEDDING_DIMENSIONS: 256, BATON_KB_ANSWERS: 'model', OPENAI_MODEL: 'local-model', OPENAI_MAX_RETRIES: 0 });
    const kb = await buildKnowledge(config, { db, clock: systemClock, logger });
    const { rows } = await db.query<{ model: string; dims: number }>(`SELECT DISTINCT model, dims FROM embeddings WHERE subject_type = 'kb_passage'`);
    expect(rows).toEqual([{ model: 'text-embedding-3-small', dims: 256 }]);
    expect(fake.requests.some((r) => r.path.endsWith('/embeddings') && (r.body as { model?: string }).model === 'text-embedding-3-small')).toBe(true);
    fake.reply({ kind: 'json', content: { answer: 'Yes, Baton keeps HubSpot in sync both ways [1].', cited: [1] } });
    const a = await kb.answer('Do you integrate with HubSpot?');
    expect(a).toMatchObject({ kind: 'answer', text: expect.stringContaining('Baton keeps HubSpot in sync both ways') });
    expect(fake.requests.at(-1)?.body).toMatchObject({ model: 'local-model' });
  });

  it('refuses a knowledge directory that does not exist, naming the variable', async () => {
    db = await createTestDb();
    await expect(buildKnowledge(loadConfig({}, { BATON_KNOWLEDGE_DIR: '/nonexistent/kb' }), { db, clock: systemClock, logger })).rejects.toThrow(/BATON_KNOWLEDGE_DIR points to \/nonexistent\/kb/);
  });
});
