import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../domain/errors.ts';
import { loadConfig } from './load.ts';
import { describeConfig } from './schema.ts';

describe('configuration', () => {
  it('runs on embedded defaults with nothing set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', BATON_DATA_DIR: './data', LOG_LEVEL: 'info', BATON_LOG_PII: false });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.BATON_API_KEY).toBeUndefined();
  });

  it('reads the fixed names from the environment', () => {
    const c = loadConfig({ PORT: '8080', BATON_DATA_DIR: '/var/lib/baton', BATON_API_KEY: 'k'.repeat(32) });
    expect(c).toMatchObject({ PORT: 8080, BATON_DATA_DIR: '/var/lib/baton', BATON_API_KEY: 'k'.repeat(32) });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', BATON_API_KEY: '  ' }).DATABASE_URL).toBeUndefined();
  });

  it('fails with one message naming every bad variable, without echoing secrets', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: '99999', BATON_MAX_BODY_BYTES: 'lots', DATABASE_URL: 'mysql://x', BATON_API_KEY: 'short', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/PORT: must be at most 65535 \(got "99999"\)/);
    expect(msg).toMatch(/BATON_MAX_BODY_BYTES: must be a whole number/);
    expect(msg).toMatch(/DATABASE_URL: must be a postgres:\/\//);
    expect(msg).toMatch(/BATON_API_KEY: must be at least 16 characters/);
    expect(msg).toMatch(/LOG_LEVEL/);
    expect(msg).not.toContain('short');
    expect(msg).toContain('.env.example');
  });

  it('reads an optional YAML or JSON file, with the environment on top', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-cfg-'));
    const yml = join(dir, 'baton.yaml');
    writeFileSync(yml, 'PORT: 4000\nLOG_LEVEL: debug\n');
    expect(loadConfig({ BATON_CONFIG: yml })).toMatchObject({ PORT: 4000, LOG_LEVEL: 'debug' });
    expect(loadConfig({ BATON_CONFIG: yml, PORT: '5000' }).PORT).toBe(5000);
    const json = join(dir, 'baton.json');
    writeFileSync(json, '{"PORT": 4001}');
    expect(loadConfig({ BATON_CONFIG: json }).PORT).toBe(4001);
  });

  it('refuses a config file that is missing, broken, or names unknown keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-cfg-'));
    expect(() => loadConfig({ BATON_CONFIG: join(dir, 'nope.yaml') })).toThrow(/does not exist/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"PORT": ');
    expect(() => loadConfig({ BATON_CONFIG: bad })).toThrow(/not valid JSON/);
    const unknown = join(dir, 'u.yaml');
    writeFileSync(unknown, 'PROT: 1\n');
    expect(() => loadConfig({ BATON_CONFIG: unknown })).toThrow(/unknown keys: PROT/);
  });

  it('documents every variable', () => {
    for (const v of describeConfig()) expect(v.description, v.name).not.toBe('');
  });
});

describe('engine configuration', () => {
  it('needs an API key for the model engines, and says how to do without', () => {
    expect(() => loadConfig({ BATON_ENGINE: 'hybrid' })).toThrow(/OPENAI_API_KEY: is required when BATON_ENGINE=hybrid/);
    expect(loadConfig({ BATON_ENGINE: 'openai', OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: 'http://localhost:11434/v1' })).toMatchObject({
      BATON_ENGINE: 'openai',
      OPENAI_MODEL: 'gpt-4o-mini',
      OPENAI_STRUCTURED_OUTPUT: 'json_schema',
    });
    expect(() => loadConfig({ OPENAI_BASE_URL: 'localhost:11434' })).toThrow(/OPENAI_BASE_URL: must be an http\(s\) URL/);
    expect(() => loadConfig({ BATON_HYBRID_MIN_CONFIDENCE: '2' })).toThrow(/between 0 and 1/);
  });
});
