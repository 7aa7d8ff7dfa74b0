import { z } from 'zod';

/**
 * Every setting Baton reads, in one schema. Names are environment variable names; a config file
 * (BATON_CONFIG, JSON or YAML) may hold the same keys, and the environment wins over the file.
 * PORT, BATON_DATA_DIR and BATON_API_KEY are fixed names that outside tools rely on.
 */
const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])])
  .transform((v) => (typeof v === 'boolean' ? v : ['true', '1', 'yes', 'on'].includes(v)));

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development').describe('Runtime mode.'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Interface the HTTP server binds to (default loopback only).'),
  PORT: int(0, 65535).default(3000).describe('HTTP port of the service (0 picks a free port).'),
  BATON_DATA_DIR: z.string().min(1).default('./data').describe('Directory of the embedded PGlite database.'),
  DATABASE_URL: optionalString
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      error: 'must be a postgres:// or postgresql:// URL, e.g. postgres://baton:baton@localhost:5432/baton',
    })
    .describe('PostgreSQL server URL; when set it replaces the embedded database.'),
  DATABASE_POOL_MAX: int(1, 200).default(10).describe('Connections in the server pool.'),
  BATON_API_KEY: optionalString
    .refine((v) => v === undefined || v.length >= 16, { error: 'must be at least 16 characters long' })
    .describe('Bearer key for the HTTP API. Unset: the API accepts only loopback callers.'),
  BATON_MAX_BODY_BYTES: int(1024, 50 * 1024 * 1024).default(1024 * 1024).describe('Largest accepted HTTP request body, in bytes.'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level.'),
  BATON_LOG_PII: bool.default(false).describe('Log email addresses and message bodies (off by default).'),
  BATON_SHUTDOWN_TIMEOUT_MS: int(100, 120_000).default(10_000).describe('How long a graceful shutdown may take before exiting anyway.'),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Documentation of each variable, derived from the schema (used by the README test and `baton config`). */
export function describeConfig(): { name: string; description: string; default: unknown }[] {
  return Object.entries(ConfigSchema.shape).map(([name, schema]) => {
    const s = schema as z.ZodType;
    let def: unknown;
    const parsed = s.safeParse(undefined);
    if (parsed.success) def = parsed.data;
    return { name, description: s.description ?? '', default: def };
  });
}
