import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.ts';
import { ConfigSchema, describeConfig } from '../src/config/schema.ts';

/**
 * .env.example documents every variable Baton reads. Each one is a block of comment lines (meaning,
 * then `Default: ...`) followed by an example assignment, commented out (`# NAME=value`) or not:
 *
 *   # HTTP port of the service (0 picks a free port).
 *   # Default: 3000
 *   # PORT=8080
 *
 * Adding a variable to src/config/schema.ts without documenting it here fails this test, and the
 * failure message prints a block to paste.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const text = readFileSync(join(root, '.env.example'), 'utf8');

/** Variables read outside the schema, by the configuration loader itself. */
const LOADER_VARIABLES = ['BATON_CONFIG'];

interface Entry {
  name: string;
  value: string;
  active: boolean;
  line: number;
  comments: string[];
}

function parse(source: string): Entry[] {
  const entries: Entry[] = [];
  let comments: string[] = [];
  source.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const assignment = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (assignment) {
      const [, hash, name, value] = assignment as unknown as [string, string | undefined, string, string];
      entries.push({ name, value: value.trim(), active: !hash, line: i + 1, comments });
      comments = [];
    } else if (line.startsWith('#')) {
      comments.push(line.replace(/^#\s?/, ''));
    } else if (line === '') {
      comments = [];
    } else {
      throw new Error(`.env.example line ${i + 1} is neither a comment nor NAME=value: ${raw}`);
    }
  });
  return entries;
}

const entries = parse(text);
const schemaKeys = Object.keys(ConfigSchema.shape);
const docs = new Map(describeConfig().map((d) => [d.name, d]));

function formatDefault(value: unknown): string {
  if (value === undefined) return 'unset';
  return Array.isArray(value) ? value.join(',') : String(value);
}

function suggestion(name: string): string {
  const d = docs.get(name);
  return [`# ${d?.description || 'What it means.'}`, `# Default: ${formatDefault(d?.default)}`, `# ${name}=<example>`].join('\n');
}

describe('.env.example', () => {
  it('documents every variable of the configuration schema', () => {
    const documented = new Set(entries.map((e) => e.name));
    const missing = schemaKeys.filter((k) => !documented.has(k));
    expect(missing, `add to .env.example:\n\n${missing.map(suggestion).join('\n\n')}\n`).toEqual([]);
  });

  it('names no variable Baton does not read', () => {
    const unknown = entries.map((e) => e.name).filter((n) => !schemaKeys.includes(n) && !LOADER_VARIABLES.includes(n));
    expect(unknown, `not in src/config/schema.ts: ${unknown.join(', ')}`).toEqual([]);
  });

  it('only lists loader variables that the loader still reads', () => {
    const loader = readFileSync(join(root, 'src/config/load.ts'), 'utf8');
    for (const name of LOADER_VARIABLES) expect(loader).toContain(`env.${name}`);
  });

  it('documents each variable once', () => {
    const names = entries.map((e) => e.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('gives each variable a meaning and the default the schema has', () => {
    for (const e of entries) {
      const meaning = e.comments.filter((c) => c !== '' && !c.startsWith('Default:'));
      expect(meaning.length, `${e.name} (line ${e.line}) needs a comment saying what it means`).toBeGreaterThan(0);
      const stated = e.comments.find((c) => c.startsWith('Default:'))?.slice('Default:'.length).trim();
      const expected = LOADER_VARIABLES.includes(e.name) ? 'unset' : formatDefault(docs.get(e.name)?.default);
      expect(stated, `${e.name} (line ${e.line}) needs "# Default: ${expected}"`).toBe(expected);
    }
  });

  it('gives example values that the schema accepts', () => {
    // Each value against its own field: a cross-field rule (BATON_ENGINE=openai needs OPENAI_API_KEY)
    // is the whole configuration's business, not one example's.
    const shape = ConfigSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
    for (const e of entries.filter((x) => schemaKeys.includes(x.name))) {
      expect(shape[e.name]?.safeParse(e.value).success, `${e.name}=${e.value} (line ${e.line})`).toBe(true);
    }
  });

  it('works when copied to .env unchanged', () => {
    const active = Object.fromEntries(entries.filter((e) => e.active && !LOADER_VARIABLES.includes(e.name)).map((e) => [e.name, e.value]));
    expect(() => loadConfig(active)).not.toThrow();
  });
});
