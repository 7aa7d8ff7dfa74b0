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

  BATON_ENGINE: z.enum(['offline', 'openai', 'hybrid']).default('offline').describe('Qualification engine: offline (no model), openai (a model for every message) or hybrid (the model only where offline is unsure).'),
  BATON_SCORING_POLICY: z
    .string()
    .trim()
    .min(1, { error: 'must be the path of a scoring policy file (YAML or JSON)' })
    .default('config/scoring-policy.yaml')
    .describe('Scoring policy file (YAML or JSON): BANT weights, MQL rule, fit, engagement, thresholds, grades and tags. Default: the shipped file.'),
  BATON_HYBRID_MIN_CONFIDENCE: z.coerce
    .number({ error: 'must be a number' })
    .min(0, { error: 'must be between 0 and 1' })
    .max(1, { error: 'must be between 0 and 1' })
    .default(0.75)
    .describe('Hybrid engine: offline answers at or above this confidence skip the model.'),
  OPENAI_API_KEY: optionalString.describe('API key of the OpenAI-compatible endpoint; required for the openai and hybrid engines.'),
  OPENAI_BASE_URL: optionalString
    .refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), { error: 'must be an http(s) URL such as http://localhost:11434/v1' })
    .describe('OpenAI-compatible endpoint (Azure, Ollama, vLLM...); unset: OpenAI.'),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini').describe('Chat model name.'),
  OPENAI_TIMEOUT_MS: int(1000, 600_000).default(30_000).describe('Timeout of one model call, in milliseconds.'),
  OPENAI_MAX_RETRIES: int(0, 10).default(3).describe('Retries of a model call on rate limits, timeouts and server errors.'),
  OPENAI_STRUCTURED_OUTPUT: z
    .enum(['json_schema', 'function_calling', 'json_mode'])
    .default('json_schema')
    .describe('How structured output is requested: json_schema (response_format), function_calling (a tool) or json_mode.'),
  OPENAI_PRICE_INPUT_PER_MTOK: z.coerce.number({ error: 'must be a number' }).min(0).max(1000).default(0.15).describe('US dollars per million input tokens (cost accounting).'),
  OPENAI_PRICE_OUTPUT_PER_MTOK: z.coerce.number({ error: 'must be a number' }).min(0).max(1000).default(0.6).describe('US dollars per million output tokens (cost accounting).'),
}).superRefine((c, ctx) => {
  if (c.BATON_ENGINE !== 'offline' && !c.OPENAI_API_KEY) {
    ctx.addIssue({
      code: 'custom',
      path: ['OPENAI_API_KEY'],
      message: `is required when BATON_ENGINE=${c.BATON_ENGINE} (use any placeholder for a local endpoint without keys, or BATON_ENGINE=offline)`,
    });
  }
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
