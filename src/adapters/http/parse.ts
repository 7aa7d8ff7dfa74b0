import type { z } from 'zod';
import { ValidationError } from '../../domain/errors.ts';
import { fieldErrors } from '../../domain/lead-input.ts';

/** Parses a JSON body or a query with zod; anything but an object, or a bad field, is a 400 naming each bad field. */
export function parseObject<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(`the ${what} must be a JSON object`);
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    const fields = fieldErrors(r.error);
    throw new ValidationError(`the ${what} has invalid fields: ${Object.keys(fields).join(', ')}`, { fields });
  }
  return r.data;
}
