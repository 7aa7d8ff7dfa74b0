import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cosine, embedText } from '../../domain/embed/hashed.ts';
import { silentLogger } from '../log.ts';
import { FakeOpenAi } from '../../testing/fake-openai.ts';
import { createOpenAiEmbedder, type OpenAiEmbedderOptions } from './embed.openai.ts';

const fake = new FakeOpenAi();
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => fake.stop());
beforeEach(() => {
  fake.requests.length = 0;
  fake.embeddings({ kind: 'vectors' });
});

function embedder(over: Partial<OpenAiEmbedderOptions> = {}) {
  const sleeps: number[] = [];
  const e = createOpenAiEmbedder({
    apiKey: 'sk-test',
    baseURL: fake.url,
    model: 'text-embedding-test',
    batchSize: 2,
    timeoutMs: 2000,
    retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 50 },
    logger: silentLogger(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...over,
  });
  return { e, sleeps };
}

describe('openai embedder against a local OpenAI-compatible server', () => {
  it('embeds in batches, in order, asking for floats', async () => {
    const texts = ['SAML single sign-on', 'data residency in the EU', 'HubSpot sync', 'pricing policy', '单点登录'];
    const { e } = embedder();
    expect(e.model).toBe('text-embedding-test');
    const vectors = await e.embed(texts);
    expect(vectors).toHaveLength(5);
    vectors.forEach((v, i) => expect(cosine(v, embedText(texts[i]!))).toBeCloseTo(1, 6));
    expect(fake.requests.map((r) => r.body.input)).toEqual([texts.slice(0, 2), texts.slice(2, 4), texts.slice(4)]);
    expect(fake.requests.every((r) => r.path === '/v1/embeddings' && r.body.model === 'text-embedding-test' && r.body.encoding_format === 'float')).toBe(true);
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('passes dimensions when set', async () => {
    const { e } = embedder({ dimensions: 64 });
    const [v] = await e.embed(['hello world']);
    expect(v).toHaveLength(64);
    expect(fake.requests[0]!.body.dimensions).toBe(64);
  });

  it('retries a rate limit, honouring Retry-After, then succeeds', async () => {
    fake.embeddings({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'vectors' });
    const { e, sleeps } = embedder();
    expect(await e.embed(['a question'])).toHaveLength(1);
    expect(sleeps).toEqual([1000]);
    expect(fake.requests).toHaveLength(2);
  });

  it('does not retry a bad key, and says which variable to check', async () => {
    fake.embeddings({ kind: 'status', status: 401 });
    const { e, sleeps } = embedder();
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'MODEL_AUTH_FAILED', fault: 'user', message: expect.stringContaining('OPENAI_API_KEY') });
    expect(sleeps).toEqual([]);
  });

  it('gives up after the retries on a server error', async () => {
    fake.embeddings({ kind: 'status', status: 502 });
    const { e, sleeps } = embedder();
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'MODEL_HTTP_ERROR', fault: 'system' });
    expect(sleeps).toHaveLength(2);
    expect(fake.requests).toHaveLength(3);
  });

  it('refuses an answer with the wrong number of vectors or vectors that are not numbers', async () => {
    fake.embeddings({ kind: 'raw', body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }] } });
    await expect(embedder().e.embed(['a', 'b'])).rejects.toMatchObject({ code: 'MODEL_BAD_OUTPUT', message: 'the embedding endpoint returned 1 vectors for 2 texts' });
    fake.embeddings({ kind: 'raw', body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: ['x'] }] } });
    await expect(embedder().e.embed(['a'])).rejects.toMatchObject({ code: 'MODEL_BAD_OUTPUT' });
  });

  it('puts vectors back in input order when the server answers out of order', async () => {
    fake.embeddings({ kind: 'raw', body: { object: 'list', data: [{ object: 'embedding', index: 1, embedding: [0, 1] }, { object: 'embedding', index: 0, embedding: [1, 0] }] } });
    expect(await embedder().e.embed(['first', 'second'])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });
});
