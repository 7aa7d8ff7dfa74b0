import { ValidationError } from '../../domain/errors.ts';
import { LeadInputSchema } from '../../domain/lead-input.ts';

/**
 * Which column of a file feeds which field of a lead. Canonical names are the snake_case keys of
 * LeadInputSchema; common headers from CRMs and spreadsheets (English, Chinese, and a few French,
 * German and Spanish ones) are recognised whatever their case, spacing or punctuation; any other
 * column is kept as an attribute.
 */

/** A lead field a column can feed (every LeadInputSchema key except the attribute bag). */
export type FieldKey = Exclude<keyof typeof LeadInputSchema.shape, 'attributes'>;

export const FIELD_KEYS = Object.keys(LeadInputSchema.shape).filter((k) => k !== 'attributes') as FieldKey[];

const ALIASES: Record<FieldKey, readonly string[]> = {
  email: ['email', 'e-mail', 'email address', 'e-mail address', 'mail', 'work email', 'business email', '邮箱', '电子邮箱', '电子邮件', '邮件地址'],
  first_name: ['first name', 'firstname', 'given name', 'forename', '名', '名字', 'prénom', 'prenom', 'vorname', 'nombre'],
  last_name: ['last name', 'lastname', 'surname', 'family name', '姓', '姓氏', 'nom', 'nom de famille', 'nachname', 'apellido', 'apellidos'],
  name: ['full name', 'name', 'contact name', '姓名', '联系人'],
  title: ['job title', 'title', 'position', 'role', 'job role', '职位', '职务', '头衔', 'poste', 'fonction', 'cargo'],
  company: ['company', 'company name', 'organization', 'organisation', 'organization name', 'account name', 'employer', '公司', '公司名称', '单位', 'société', 'societe', 'entreprise', 'firma', 'unternehmen', 'empresa'],
  phone: ['phone', 'phone number', 'mobile', 'mobile phone', 'mobile number', 'cell', 'telephone', 'tel', '电话', '手机', '手机号', '联系电话', 'téléphone', 'telefon', 'teléfono'],
  country: ['country', 'country code', 'country/region', '国家', '国家/地区', 'pays', 'land', 'país'],
  time_zone: ['time zone', 'timezone', 'tz', '时区'],
  industry: ['industry', 'sector', '行业'],
  employees: ['employees', 'company size', 'headcount', 'number of employees', 'employee count', 'no. of employees', '员工人数', '公司规模'],
  owner: ['owner', 'lead owner', 'contact owner', 'account owner', 'sales owner', '负责人'],
  campaign: ['campaign', 'campaign name', 'utm campaign', '活动'],
  partner: ['partner', 'partner name', 'referral partner', '合作伙伴'],
};

/** Case, spacing, punctuation and width-insensitive form of a header ("E-mail Address" -> "emailaddress"). */
export function headerKey(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

const BY_KEY = new Map<string, FieldKey>();
for (const field of FIELD_KEYS) {
  BY_KEY.set(headerKey(field), field);
  for (const alias of ALIASES[field]) BY_KEY.set(headerKey(alias), field);
}

/** The field a header names by itself, if any. */
export function fieldForHeader(header: string): FieldKey | undefined {
  return BY_KEY.get(headerKey(header));
}

/** Where a column goes: a lead field, an attribute of that name, or nowhere. */
export type ColumnTarget = { kind: 'field'; key: FieldKey } | { kind: 'attribute'; name: string } | { kind: 'skip' };

export interface ColumnPlan {
  header: string;
  target: ColumnTarget;
}

/** Explicit column choices: header as written in the file -> target (`email`, `attributes.NAME` or `-`). */
export type ColumnMap = Readonly<Record<string, string>>;

const MAX_ATTRIBUTE_NAME = 100;

/**
 * Parses `--map` values such as "Work Email=email,Org=company,Internal ID=-". Several values may be
 * given; pairs are separated by commas and split at the last "=", since targets never contain one.
 */
export function parseColumnMap(specs: string | readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of typeof specs === 'string' ? [specs] : specs) {
    for (const pair of spec.split(',')) {
      if (pair.trim() === '') continue;
      const at = pair.lastIndexOf('=');
      const header = pair.slice(0, at).trim();
      const target = pair.slice(at + 1).trim();
      if (at <= 0 || header === '' || target === '') {
        throw new ValidationError(`--map expects "Column=field" pairs separated by commas, e.g. "Work Email=email,Org=company"; got "${pair.trim()}"`, undefined, 'IMPORT_BAD_MAP');
      }
      resolveTarget(target); // fail early, before any file is read
      out[header] = target;
    }
  }
  return out;
}

function resolveTarget(target: string): ColumnTarget {
  const t = target.trim();
  if (t === '-' || t.toLowerCase() === 'ignore') return { kind: 'skip' };
  const attr = /^(?:attributes?|attr)\.(.+)$/i.exec(t);
  if (attr) return { kind: 'attribute', name: (attr[1] as string).trim() };
  const key = fieldForHeader(t);
  if (key) return { kind: 'field', key };
  throw new ValidationError(
    `--map target "${t}" is not a lead field; use one of ${FIELD_KEYS.join(', ')}, or attributes.NAME to keep the column as an attribute, or - to skip it`,
    { target: t },
    'IMPORT_BAD_MAP',
  );
}

/**
 * Decides every column's target from the header row and the explicit map. Refuses, before any row is
 * read, a file without an email column, two columns feeding one field, and a map naming a column the
 * file does not have.
 */
export function planColumns(headers: readonly string[], map: ColumnMap = {}): ColumnPlan[] {
  const explicit = new Map<string, { header: string; target: ColumnTarget }>();
  for (const [header, target] of Object.entries(map)) explicit.set(headerKey(header), { header, target: resolveTarget(target) });
  const seen = new Set<string>();
  const plan = headers.map((raw, i): ColumnPlan => {
    const header = raw.trim();
    const key = headerKey(header);
    const chosen = explicit.get(key);
    if (chosen) {
      seen.add(key);
      return { header, target: chosen.target };
    }
    const field = key === '' ? undefined : fieldForHeader(header);
    if (field) return { header, target: { kind: 'field', key: field } };
    const name = header === '' ? `column_${i + 1}` : header;
    if (name.length > MAX_ATTRIBUTE_NAME) {
      throw new ValidationError(
        `column ${i + 1}'s header is ${name.length} characters long; attribute names may have at most ${MAX_ATTRIBUTE_NAME}: rename it or skip it with --map "<header>=-"`,
        { column: i + 1 },
        'IMPORT_BAD_HEADER',
      );
    }
    return { header, target: { kind: 'attribute', name } };
  });

  const missing = [...explicit.entries()].filter(([key]) => !seen.has(key)).map(([, v]) => v.header);
  if (missing.length) {
    throw new ValidationError(
      `--map names ${missing.map((m) => `"${m}"`).join(', ')}, not in the file's header (${headers.map((h) => `"${h.trim()}"`).join(', ')})`,
      { missing },
      'IMPORT_BAD_MAP',
    );
  }
  const byField = new Map<FieldKey, string[]>();
  for (const c of plan) if (c.target.kind === 'field') byField.set(c.target.key, [...(byField.get(c.target.key) ?? []), c.header]);
  for (const [field, cols] of byField) {
    if (cols.length > 1) {
      throw new ValidationError(
        `columns ${cols.map((c) => `"${c}"`).join(' and ')} would all fill ${field}; keep one with --map, e.g. --map "${cols[1]}=-" or --map "${cols[1]}=attributes.${cols[1]}"`,
        { field, columns: cols },
        'IMPORT_BAD_HEADER',
      );
    }
  }
  if (!byField.has('email')) {
    throw new ValidationError(
      `no email column found among ${headers.map((h) => `"${h.trim()}"`).join(', ')}; name one Email (or E-mail, Email Address, 邮箱), or map it with --map "<header>=email"`,
      undefined,
      'IMPORT_NO_EMAIL_COLUMN',
    );
  }
  return plan;
}

/** The LeadInputSchema input of one row: fields by key, other non-empty values as attributes. */
export function rowToInput(plan: readonly ColumnPlan[], fields: readonly string[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  let attributes: Record<string, string> | undefined;
  for (let i = 0; i < plan.length; i++) {
    const target = (plan[i] as ColumnPlan).target;
    const value = fields[i] ?? '';
    if (target.kind === 'field') {
      input[target.key] = value;
    } else if (target.kind === 'attribute') {
      const v = value.trim();
      if (v !== '') (attributes ??= {})[target.name] = v;
    }
  }
  if (attributes) input.attributes = attributes;
  return input;
}
