import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../src/config/load.ts';
import { ConfigSchema } from '../src/config/schema.ts';

/**
 * docker-compose.yml cannot be run here (no Docker engine), so this checks what can go wrong without
 * one: the file parses, the services are there, and the Baton service's environment is made only of
 * settings the configuration schema knows, with values that pass it.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const compose = parseYaml(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as Compose;

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
}
interface Compose {
  services?: Record<string, Service>;
}

/** Values the test stands in for variables that compose requires from the user (`${VAR:?message}`). */
const userEnv: Record<string, string> = { BATON_API_KEY: 'compose-test-key-0123456789abcdef' };

/**
 * Compose's variable interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
 * ${VAR:?message}, ${VAR?message}, ${VAR:+other}, ${VAR+other}, against the given environment.
 */
function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$(\$|[A-Za-z_][A-Za-z0-9_]*|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\})/g, (whole, simple: string, name?: string, op?: string, arg?: string) => {
    if (simple === '$') return '$';
    if (!name) return env[simple] ?? '';
    const v = env[name];
    const set = op?.startsWith(':') ? v !== undefined && v !== '' : v !== undefined;
    switch (op?.replace(':', '')) {
      case undefined:
        return v ?? '';
      case '-':
        return set ? (v as string) : (arg ?? '');
      case '?':
        if (!set) throw new Error(`${whole}: required variable ${name} is not set (${arg})`);
        return v as string;
      case '+':
        return set ? (arg ?? '') : '';
      default:
        throw new Error(`unsupported interpolation ${whole}`);
    }
  });
}

function environmentOf(service: Service, env: Record<string, string | undefined>): Record<string, string> {
  const raw = service.environment ?? {};
  const entries: [string, string][] = Array.isArray(raw)
    ? raw.map((line) => {
        const i = line.indexOf('=');
        return i < 0 ? [line, env[line] ?? ''] : [line.slice(0, i), line.slice(i + 1)];
      })
    : Object.entries(raw).map(([k, v]) => [k, v === null ? (env[k] ?? '') : String(v)]);
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(v, env)]));
}

/** Container ports a service publishes, from short ("[ip:]host:container[/proto]") or long syntax. */
function publishedContainerPorts(service: Service): number[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'object') return Number(p.target);
    const spec = String(p).replace(/\/(tcp|udp)$/, '');
    return Number(spec.split(':').at(-1));
  });
}

function service(name: string): Service {
  const s = compose.services?.[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
}

function healthcheckText(s: Service): string {
  const t = s.healthcheck?.test;
  return Array.isArray(t) ? t.join(' ') : (t ?? '');
}

describe('docker-compose.yml', () => {
  it('has Postgres with pgvector, Baton and a mail catcher', () => {
    expect(Object.keys(compose.services ?? {})).toEqual(expect.arrayContaining(['postgres', 'baton', 'mailpit']));
    expect(service('postgres').image).toMatch(/^pgvector\/pgvector:pg\d+/);
    expect(healthcheckText(service('postgres'))).toContain('pg_isready');
    expect(service('mailpit').image).toMatch(/^axllent\/mailpit/);
    expect(publishedContainerPorts(service('mailpit'))).toEqual(expect.arrayContaining([1025, 8025]));
  });

  it('starts Baton only once Postgres is healthy', () => {
    const deps = service('baton').depends_on;
    expect(deps && !Array.isArray(deps) ? deps.postgres?.condition : undefined).toBe('service_healthy');
  });

  it('builds Baton from a Dockerfile that exists', () => {
    const build = service('baton').build;
    expect(build, 'the baton service builds its image').toBeDefined();
    const context = typeof build === 'string' ? build : (build?.context ?? '.');
    const dockerfile = typeof build === 'object' ? (build.dockerfile ?? 'Dockerfile') : 'Dockerfile';
    expect(existsSync(join(root, context, dockerfile))).toBe(true);
  });

  it('sets only variables the configuration schema knows', () => {
    const known = Object.keys(ConfigSchema.shape);
    const unknown = Object.keys(environmentOf(service('baton'), userEnv)).filter((k) => !known.includes(k));
    expect(unknown, `not in ConfigSchema (src/config/schema.ts): ${unknown.join(', ')}`).toEqual([]);
  });

  it('sets values that parse with the schema, with defaults and with values a user gives', () => {
    const env = environmentOf(service('baton'), userEnv);
    expect(() => loadConfig(env)).not.toThrow();
    const withUserValues = environmentOf(service('baton'), { ...userEnv, LOG_LEVEL: 'debug' });
    expect(loadConfig(withUserValues).LOG_LEVEL).toBe('debug');
  });

  it('refuses to start without an API key, since no caller is on loopback inside a container', () => {
    expect(() => environmentOf(service('baton'), {})).toThrow(/BATON_API_KEY/);
    expect(loadConfig(environmentOf(service('baton'), userEnv)).BATON_API_KEY).toBe(userEnv.BATON_API_KEY);
  });

  it('publishes the port the service listens on, on all interfaces of the container', () => {
    const config = loadConfig(environmentOf(service('baton'), userEnv));
    expect(publishedContainerPorts(service('baton'))).toContain(config.PORT);
    expect(config.HOST).not.toMatch(/^(127\.|localhost$|::1$)/);
    expect(healthcheckText(service('baton'))).toContain(`:${config.PORT}/healthz`);
  });

  it('points DATABASE_URL at the postgres service with its credentials', () => {
    const config = loadConfig(environmentOf(service('baton'), userEnv));
    const pgEnv = environmentOf(service('postgres'), {});
    expect(config.DATABASE_URL).toBeDefined();
    const url = new URL(config.DATABASE_URL as string);
    expect(url.hostname).toBe('postgres');
    expect(url.port || '5432').toBe('5432');
    expect(decodeURIComponent(url.username)).toBe(pgEnv.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(pgEnv.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${pgEnv.POSTGRES_DB}`);
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const envKeys = text
    .split('\n')
    .filter((line) => /^\s*ENV\s/.test(line))
    .flatMap((line) => [...line.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1] as string));

  it('sets only variables the configuration schema knows, with values that parse', () => {
    const known = Object.keys(ConfigSchema.shape);
    expect(envKeys.filter((k) => !known.includes(k))).toEqual([]);
    const env = Object.fromEntries(text.split('\n').filter((l) => /^\s*ENV\s/.test(l)).flatMap((l) => [...l.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)].map((m) => [m[1], m[2]])));
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('exposes the port it sets and runs the service', () => {
    const port = /^\s*ENV\s.*\bPORT=(\d+)/m.exec(text)?.[1];
    expect(port).toBeDefined();
    expect(text).toMatch(new RegExp(`^EXPOSE ${port}\\b`, 'm'));
    expect(text).toMatch(/^CMD \["node", "bin\/baton\.js", "serve"\]/m);
  });
});

describe('compose interpolation (the test helper)', () => {
  it('follows compose rules', () => {
    expect(interpolate('a$$b', {})).toBe('a$b');
    expect(interpolate('${X:-d}', {})).toBe('d');
    expect(interpolate('${X:-d}', { X: '' })).toBe('d');
    expect(interpolate('${X-d}', { X: '' })).toBe('');
    expect(interpolate('${X:-d}', { X: 'v' })).toBe('v');
    expect(interpolate('$X/${Y}', { X: 'a', Y: 'b' })).toBe('a/b');
    expect(interpolate('${X:+on}', { X: '1' })).toBe('on');
    expect(() => interpolate('${X:?say X}', {})).toThrow(/say X/);
  });
});
