import { ValidationError } from '../errors.ts';

/**
 * Email templates: Markdown-ish text files in prompts/email/ with a small front matter holding the
 * subject. Placeholders name lead, account and sender fields, with an optional fallback:
 *
 *   ---
 *   subject: Your {{ account.name | "team" }} trial
 *   ---
 *   Hi {{ lead.first_name | "there" }},
 *
 * A placeholder without a fallback whose field is empty makes rendering fail (the step is skipped and
 * the SDR told) rather than send "Hi ,". Unknown field names are refused when the sequence loads.
 */

export const TEMPLATE_FIELDS = [
  'lead.first_name',
  'lead.last_name',
  'lead.full_name',
  'lead.title',
  'lead.company',
  'lead.email',
  'lead.country',
  'lead.industry',
  'account.name',
  'account.domain',
  'sender.name',
  'sender.first_name',
  'sender.email',
  'sequence.name',
] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

const FIELD_SET: ReadonlySet<string> = new Set(TEMPLATE_FIELDS);

export interface EmailTemplate {
  readonly name: string;
  readonly subject: string;
  readonly body: string;
}

export type TemplateValues = Partial<Record<TemplateField, string | null | undefined>>;

const PLACEHOLDER = /\{\{\s*([a-z_.]+)\s*(?:\|\s*"([^"{}]*)"\s*)?\}\}/g;
const ANY_BRACES = /\{\{[^}]*\}\}/g;

/** Parses a template file. Throws ValidationError naming the template and what is wrong. */
export function parseTemplate(name: string, text: string): EmailTemplate {
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const m = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(src);
  if (!m) throw templateError(name, 'must start with a front matter block (--- / subject: ... / ---)');
  const head = m[1] ?? '';
  const body = (m[2] ?? '').trim();
  let subject: string | undefined;
  for (const line of head.split('\n')) {
    const kv = /^([a-z_]+):\s*(.*)$/.exec(line.trim());
    if (!kv) {
      if (line.trim()) throw templateError(name, `front matter line "${line.trim()}" is not "key: value"`);
      continue;
    }
    if (kv[1] === 'subject') subject = unquote(kv[2] ?? '');
    else throw templateError(name, `unknown front matter key "${kv[1]}" (only subject is read)`);
  }
  if (!subject) throw templateError(name, 'has no subject in its front matter');
  if (!body) throw templateError(name, 'has an empty body');
  const t = { name, subject, body };
  checkPlaceholders(t);
  return t;
}

/** Every field the template uses, refusing unknown ones and malformed braces. */
export function checkPlaceholders(t: EmailTemplate): TemplateField[] {
  const used = new Set<TemplateField>();
  for (const part of [t.subject, t.body]) {
    const wellFormed = [...part.matchAll(PLACEHOLDER)];
    const all = part.match(ANY_BRACES) ?? [];
    // Braces left over once the placeholders are taken out ("{{ lead.first_name }", "{{ lead.title")
    // are a typo that would otherwise reach the reader as written.
    const stray = /\{\{[^{}]*\}?|\}\}/.exec(part.replace(PLACEHOLDER, ''))?.[0];
    if (all.length !== wellFormed.length || stray !== undefined) {
      const bad = all.find((b) => !new RegExp(`^${PLACEHOLDER.source}$`).test(b)) ?? stray;
      throw templateError(t.name, `has a malformed placeholder ${bad ?? ''}; write {{ lead.first_name }} or {{ lead.first_name | "there" }}`);
    }
    for (const p of wellFormed) {
      const field = p[1] ?? '';
      if (!FIELD_SET.has(field)) throw templateError(t.name, `uses unknown field "${field}"; known fields: ${TEMPLATE_FIELDS.join(', ')}`);
      used.add(field as TemplateField);
    }
  }
  return [...used];
}

export interface Rendered {
  readonly subject: string;
  readonly text: string;
}

/**
 * Fills the placeholders. Values are used as given (plain text; the HTML part escapes them). Throws a
 * ValidationError (TEMPLATE_FIELD_MISSING) when a field without a fallback has no value.
 */
export function renderTemplate(t: EmailTemplate, values: TemplateValues): Rendered {
  const fill = (s: string) =>
    s.replace(PLACEHOLDER, (_all, field: string, fallback: string | undefined) => {
      const v = values[field as TemplateField];
      const value = typeof v === 'string' ? v.trim() : '';
      if (value) return value;
      if (fallback !== undefined) return fallback;
      throw new ValidationError(`template ${t.name} needs ${field}, which this lead does not have (give it a fallback: {{ ${field} | "..." }})`, { template: t.name, field }, 'TEMPLATE_FIELD_MISSING');
    });
  return { subject: fill(t.subject).replace(/\s+/g, ' ').trim(), text: fill(t.body) };
}

function unquote(s: string): string {
  const v = s.trim();
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1);
  return v;
}

function templateError(name: string, what: string): ValidationError {
  return new ValidationError(`email template ${name} ${what}`, { template: name }, 'TEMPLATE_INVALID');
}
