import { z } from 'zod';
import { isValidEmail, normalizeEmail } from './lead.ts';

/**
 * The external shape of a lead, shared by the CSV import (after header mapping) and the HTTP API.
 * Keys are snake_case as they appear in files and JSON.
 */

const MAX_TEXT = 500;

const text = (max = MAX_TEXT) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .transform((v) => (v === '' ? undefined : v))
    .optional();

function isIanaZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const LeadInputSchema = z
  .object({
    email: z
      .string({ error: 'is required' })
      .transform(normalizeEmail)
      .refine((v) => v !== '', { error: 'is required' })
      .refine(isValidEmail, { error: 'is not a valid email address' })
      .describe('Email address; normalised (trimmed, lower-cased) it identifies the person.'),
    first_name: text(100).describe('Given name.'),
    last_name: text(100).describe('Family name.'),
    name: text(200).describe('Full name, when first and last are not split.'),
    title: text(200).describe('Job title.'),
    company: text(200).describe('Company name.'),
    phone: text(50)
      .refine((v) => v === undefined || /^[+()0-9 .\-/x]{5,50}$/i.test(v), { error: 'is not a phone number' })
      .describe('Phone number.'),
    country: text(60)
      .transform((v) => (v && /^[a-z]{2}$/i.test(v) ? v.toUpperCase() : v))
      .describe('Country: ISO 3166 alpha-2 code (preferred) or name.'),
    time_zone: text(64)
      .refine((v) => v === undefined || isIanaZone(v), { error: 'is not an IANA time zone such as Europe/Berlin' })
      .describe('IANA time zone, e.g. America/New_York.'),
    industry: text(100).describe('Industry.'),
    employees: z
      .union([z.number(), z.string().trim()])
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v === '') return undefined;
        const n = typeof v === 'number' ? v : Number(v.replace(/[,_ ]/g, ''));
        if (!Number.isInteger(n) || n < 0 || n > 10_000_000) {
          ctx.addIssue({ code: 'custom', message: 'must be a whole number of employees between 0 and 10,000,000' });
          return z.NEVER;
        }
        return n;
      })
      .describe('Company headcount.'),
    owner: text(200).describe('Owner (SDR) of the lead.'),
    campaign: text(200).describe('Campaign of this touch (attribution).'),
    partner: text(200).describe('Partner of this touch (attribution).'),
    attributes: z
      .record(z.string().max(100), z.string().max(2000, { error: 'attribute values must be at most 2000 characters' }))
      .optional()
      .refine((v) => v === undefined || Object.keys(v).length <= 50, { error: 'at most 50 attributes' })
      .describe('Further fields, kept as they are.'),
  })
  .strict();

export type LeadInput = z.output<typeof LeadInputSchema>;

/** Field errors as `{ field: [messages] }`, for HTTP 400 bodies and import reports. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '(body)';
    const message = issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message;
    (out[key] ??= []).push(message);
  }
  return out;
}
