import { createHash } from 'node:crypto';

/**
 * Lead identity and field rules. Pure: no I/O.
 */

/** Trimmed, lower-cased; the unique key of a person. (Gmail dots and plus tags are kept: they can be distinct mailboxes elsewhere.) */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

// Pragmatic address check: one @, a local part without spaces, a dotted domain of valid labels.
const EMAIL_RE = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function isValidEmail(normalized: string): boolean {
  if (normalized.length > 254) return false;
  const local = normalized.split('@')[0] ?? '';
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  return EMAIL_RE.test(normalized);
}

export function emailDomain(normalized: string): string {
  return normalized.slice(normalized.lastIndexOf('@') + 1);
}

/** Mailbox providers whose domain says nothing about the person's company. */
const FREEMAIL = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'hotmail.com', 'outlook.com', 'live.com', 'msn.com',
  'icloud.com', 'me.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'web.de', 'mail.com',
  'yandex.ru', 'qq.com', 'foxmail.com', '163.com', '126.com', 'sina.com', 'sohu.com', 'aliyun.com', 'yeah.net',
]);

export function isFreemailDomain(domain: string): boolean {
  return FREEMAIL.has(domain);
}

/** The account a lead belongs to: its email domain, unless that is a freemail provider. */
export function accountDomainFor(normalizedEmail: string): string | null {
  const d = emailDomain(normalizedEmail);
  return isFreemailDomain(d) ? null : d;
}

/** What an erased person leaves behind: a digest that matches their address and reveals nothing else. */
export function emailHash(normalizedEmail: string): string {
  return createHash('sha256').update(`baton-erased:${normalizedEmail}`).digest('hex');
}

/** The person-level fields an import or a form may supply. */
export interface LeadFields {
  firstName?: string | null;
  lastName?: string | null;
  fullName?: string | null;
  title?: string | null;
  company?: string | null;
  phone?: string | null;
  country?: string | null;
  timeZone?: string | null;
  industry?: string | null;
  employees?: number | null;
  owner?: string | null;
}

/** How a lead is named to people: the full name as given, else first and last name, else null. */
export function leadDisplayName(lead: Pick<LeadFields, 'fullName' | 'firstName' | 'lastName'>): string | null {
  return lead.fullName ?? ([lead.firstName, lead.lastName].filter(Boolean).join(' ') || null);
}

export const LEAD_FIELD_NAMES = [
  'firstName', 'lastName', 'fullName', 'title', 'company', 'phone', 'country', 'timeZone', 'industry', 'employees', 'owner',
] as const satisfies readonly (keyof LeadFields)[];

function known(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

/**
 * Merge rule for a lead seen again: known values are never erased, and a value already on record
 * is kept (the first good value wins); a new value fills only what was unknown. Returns the merged
 * fields and the names that changed.
 */
export function mergeLeadFields(existing: LeadFields, incoming: LeadFields): { merged: LeadFields; changed: (keyof LeadFields)[] } {
  const merged: LeadFields = { ...existing };
  const changed: (keyof LeadFields)[] = [];
  for (const name of LEAD_FIELD_NAMES) {
    const next = incoming[name];
    if (!known(existing[name]) && known(next)) {
      (merged as Record<string, unknown>)[name] = next;
      changed.push(name);
    }
  }
  return { merged, changed };
}
