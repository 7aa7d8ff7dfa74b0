import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './adapters/log.ts';
import { loadConfig } from './config/load.ts';
import { buildPersonaliser } from './main.ts';
import { FakeOpenAi } from './testing/fake-openai.ts';

// The composition root builds the personaliser only when the engine uses a model, on that model's endpoint.

const fake = new FakeOpenAi();
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => fake.stop());
const logger = createLogger({ level: 'silent', logPii: false });

describe('buildPersonaliser', () => {
  it('is absent on the offline engine (templates go as written)', () => {
    expect(buildPersonaliser(loadConfig({}, {}), logger)).toBeUndefined();
  });

  it('uses the configured OpenAI-compatible endpoint and model when the engine does', async () => {
    const config = loadConfig({}, { BATON_ENGINE: 'hybrid', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url, OPENAI_MODEL: 'local-model', OPENAI_MAX_RETRIES: 0 });
    const p = buildPersonaliser(config, logger);
    expect(p).toBeDefined();
    fake.reply({ kind: 'json', content: { opener: 'Leading sales at Buyer Inc keeps you busy.' } });
    const r = await p?.personalise({ template: { name: 'outbound-intro', subject: 'A question', body: 'Hi Lee,\n\nWe help teams like Buyer Inc.' }, facts: { 'lead.first_name': 'Lee', 'account.name': 'Buyer Inc' } });
    expect(r?.opener).toBe('Leading sales at Buyer Inc keeps you busy.');
    expect(fake.requests.at(-1)?.body).toMatchObject({ model: 'local-model' });
  });
});
