import { fieldErrors, LeadInputSchema, type LeadInput } from '../../domain/lead-input.ts';
import { rowToInput, type ColumnPlan } from './columns.ts';

/** One data row checked: a valid lead input, a reason to reject it, or nothing at all (a blank row). */
export type RowResult = { ok: true; input: LeadInput } | { ok: false; reason: string } | { ok: 'blank' };

const REPLACEMENT = '\uFFFD';

/**
 * Checks one row's fields against the header and LeadInputSchema. `encoding` names the file's encoding
 * for the hint given when the text holds bytes that did not decode.
 */
export function checkRow(plan: readonly ColumnPlan[], fields: readonly string[], encoding: string): RowResult {
  if (fields.every((f) => f.trim() === '')) return { ok: 'blank' };
  if (fields.some((f) => f.includes(REPLACEMENT))) return { ok: false, reason: encodingReason(encoding) };
  if (fields.length !== plan.length) {
    // Trailing empty fields (a trailing delimiter, common in spreadsheet exports) are harmless.
    const extraEmpty = fields.length > plan.length && fields.slice(plan.length).every((f) => f.trim() === '');
    if (!extraEmpty) {
      return {
        ok: false,
        reason: `has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${plan.length} (a missing or extra delimiter, or a field with the delimiter that is not quoted?)`,
      };
    }
  }
  const parsed = LeadInputSchema.safeParse(rowToInput(plan, fields));
  if (parsed.success) return { ok: true, input: parsed.data };
  return { ok: false, reason: describeIssues(fieldErrors(parsed.error), plan) };
}

export function encodingReason(encoding: string): string {
  return isUtf8(encoding)
    ? 'invalid UTF-8: the row has bytes that are not UTF-8 text; if the file was saved in another encoding, import it again with --encoding latin1 (or windows-1252, gbk, ...)'
    : `the row has bytes that are not valid ${encoding} text; check --encoding`;
}

export function isUtf8(encoding: string): boolean {
  return /^utf-?8$/i.test(encoding);
}

const HINTS: Record<string, string> = {
  employees: ' (for ranges such as "51-200" keep the column as an attribute: --map "<column>=attributes.company_size")',
  time_zone: ' (or leave it empty)',
};

/** "missing email; phone is not a phone number; ...", in the order of the file's columns. */
function describeIssues(errors: Record<string, string[]>, plan: readonly ColumnPlan[]): string {
  const email = errors.email;
  const parts: string[] = [];
  if (email?.includes('is required')) parts.push('missing email');
  else if (email) parts.push(`email ${email.join(', ')}`);
  const column = (field: string) => {
    const i = plan.findIndex((c) => (c.target.kind === 'field' ? c.target.key : c.target.kind === 'attribute' ? `attributes.${c.target.name}` : '') === field);
    return i === -1 ? plan.length : i;
  };
  const entries = Object.entries(errors).sort(([a], [b]) => column(a) - column(b));
  for (const [field, messages] of entries) {
    if (field === 'email') continue;
    if (field.startsWith('attributes.')) parts.push(`column "${field.slice('attributes.'.length)}": ${messages.join(', ')}`);
    else parts.push(`${field} ${messages.join(', ')}${HINTS[field] ?? ''}`);
  }
  return parts.join('; ');
}
