import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../domain/errors.ts';
import { ConfigSchema, type Config } from './schema.ts';

/**
 * Reads the configuration once: an optional file named by BATON_CONFIG (JSON or YAML, same keys as
 * the environment), then the environment on top. Fails with one message listing every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Record<keyof Config, unknown>> = {}): Config {
  const fromFile = readConfigFile(env.BATON_CONFIG);
  const known = new Set(Object.keys(ConfigSchema.shape));
  const raw: Record<string, unknown> = { ...fromFile };
  for (const key of known) {
    const v = env[key];
    if (v !== undefined) raw[key] = v;
  }
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) raw[k] = v;
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const name = i.path.join('.') || '(config)';
      const given = raw[name];
      const shown = given === undefined ? '' : ` (got ${JSON.stringify(name.includes('KEY') || name.includes('URL') ? '***' : given)})`;
      return `  ${name}: ${i.message}${shown}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable and its meaning.`, {
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return result.data;
}

function readConfigFile(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  if (!existsSync(path)) throw new ConfigError(`BATON_CONFIG points to ${path}, which does not exist`);
  const text = readFileSync(path, 'utf8');
  let data: unknown;
  try {
    data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`BATON_CONFIG file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`BATON_CONFIG file ${path} must hold a mapping of VARIABLE: value`);
  const known = new Set(Object.keys(ConfigSchema.shape));
  const unknown = Object.keys(data).filter((k) => !known.has(k));
  if (unknown.length) throw new ConfigError(`BATON_CONFIG file ${path} has unknown keys: ${unknown.join(', ')}`);
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'number' || typeof v === 'boolean' ? String(v) : v]));
}
