import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config/load.ts';
import { createLogger } from './adapters/log.ts';
import { ConfigError } from './domain/errors.ts';
import { DEFAULT_SCORING_POLICY } from './domain/qualify/policy.ts';
import { buildQualificationEngine, loadScoringPolicy, startService } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the scoring policy in the composition root', () => {
  it('loads the shipped file by default, whatever the current directory', () => {
    const config = loadConfig({});
    expect(config.BATON_SCORING_POLICY).toBe('config/scoring-policy.yaml');
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      expect(loadScoringPolicy(config)).toEqual(DEFAULT_SCORING_POLICY);
    } finally {
      process.chdir(cwd);
    }
  });

  it('uses the file BATON_SCORING_POLICY names', async () => {
    const path = join(dir, 'policy.json');
    writeFileSync(path, JSON.stringify({ ...DEFAULT_SCORING_POLICY, version: 'acme-1', engagement: { ...DEFAULT_SCORING_POLICY.engagement, chat: 40 } }));
    const engine = buildQualificationEngine(loadConfig({ BATON_SCORING_POLICY: path }), { logger: createLogger({ level: 'silent', logPii: false }) });
    const q = await engine.qualify({ reply: 'Can you send pricing?', date: '2026-03-02', channel: 'chat' });
    expect(q.reasons).toContainEqual({ signal: 'engagement.chat', points: 40, detail: 'the lead wrote on chat' });
  });

  it('stops start-up on a bad file, naming the file, the field and what to do', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'version: x\nthresholds: { candidate: 20, nurture: 50 }\n');
    const config = loadConfig({ BATON_SCORING_POLICY: path });
    const build = () => buildQualificationEngine(config, { logger: createLogger({ level: 'silent', logPii: false }) });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(path);
    expect(build).toThrow(/thresholds\.nurture: must be below thresholds\.candidate/);
    expect(build).toThrow(/point BATON_SCORING_POLICY at another policy file/);
  });

  it('stops the service before it opens anything', async () => {
    const path = join(dir, 'bad-service.yaml');
    writeFileSync(path, 'version: x\n');
    const config = loadConfig({ BATON_SCORING_POLICY: path, BATON_DATA_DIR: join(dir, 'never-created') });
    await expect(startService(config, { logger: createLogger({ level: 'silent', logPii: false }) })).rejects.toThrow(/bant: missing/);
  });

  it('says so when the file is missing', () => {
    expect(() => loadScoringPolicy({ BATON_SCORING_POLICY: join(dir, 'nope.yaml') })).toThrow(/BATON_SCORING_POLICY points to .*nope\.yaml, which cannot be read/);
  });
});
