import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { BatonError } from '../../domain/errors.ts';

const PROMPTS_DIR = fileURLToPath(new URL('../../../prompts/', import.meta.url));

/** A versioned prompt file from prompts/: YAML front matter, a system part, then `=== user ===` and a template. */
export interface PromptFile {
  id: string;
  /** Recorded with every model output it produced. */
  version: string;
  system: string;
  userTemplate: string;
}

export function loadPrompt(file: string, dir = PROMPTS_DIR): PromptFile {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*?)\n=== user ===\n([\s\S]*)$/.exec(text);
  if (!m) throw new BatonError('PROMPT_MALFORMED', `${path} must start with --- front matter ---, then the system prompt, then a line "=== user ===" and the user template`);
  const meta = parseYaml(m[1] ?? '') as { id?: unknown; version?: unknown };
  if (typeof meta?.id !== 'string' || typeof meta.version !== 'string') {
    throw new BatonError('PROMPT_MALFORMED', `${path}: front matter needs "id" and "version" strings`);
  }
  return { id: meta.id, version: meta.version, system: (m[2] ?? '').trim(), userTemplate: (m[3] ?? '').trim() };
}

/** Fills `{{name}}` slots. Values are inserted as they are: a value cannot open a slot of its own. */
export function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new BatonError('PROMPT_SLOT_MISSING', `prompt slot {{${name}}} has no value`);
    return v;
  });
}
