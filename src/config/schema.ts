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
  BATON_MAX_MAIL_BYTES: int(10 * 1024, 100 * 1024 * 1024).default(25 * 1024 * 1024).describe('Largest inbound email accepted (HTTP and SMTP), in bytes.'),
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

  // --- Email: sequences, sending, receiving (see README "Email") ---
  BATON_SEQUENCES_DIR: z.string().trim().min(1).default('sequences').describe('Directory of sequence files (YAML), loaded into the store at start. Default: the shipped examples.'),
  BATON_TEMPLATES_DIR: z.string().trim().min(1).default('prompts/email').describe('Directory of email templates the sequences name (Markdown with a subject front matter).'),
  BATON_INBOUND_SEQUENCE: optionalString.default('inbound-fast-lane').describe('Sequence new inbound leads enter (the fast lane); empty: none.'),
  BATON_NURTURE_SEQUENCE: optionalString.default('nurture-monthly').describe('Sequence recycled and not-now leads enter; empty: none.'),
  SMTP_URL: optionalString
    .refine((v) => v === undefined || /^smtps?:\/\/\S+$/.test(v), { error: 'must be an smtp:// or smtps:// URL such as smtps://user:pass@smtp.example.com:465' })
    .describe('SMTP server for sending. Unset: a local sink on loopback takes the mail and keeps it as .eml files in BATON_DATA_DIR/mail-sink.'),
  SMTP_POOL_MAX: int(1, 50).default(5).describe('SMTP connections kept open.'),
  MAIL_FROM: z
    .string()
    .trim()
    .min(3)
    .default('"Baton Demo" <sdr@baton.localhost>')
    .describe('Sending mailboxes, comma separated ("Name" <address>); leads are spread over them.'),
  MAIL_REPLY_DOMAIN: z
    .string()
    .trim()
    .regex(/^[a-z0-9.-]+\.[a-z0-9-]+$/i, { error: 'must be a domain name such as replies.example.com' })
    .default('replies.baton.localhost')
    .describe('Domain of reply addresses (reply+<token>@...): point its MX at the inbound SMTP server, or forward it to the IMAP mailbox.'),
  MAIL_POSTAL_ADDRESS: z.string().trim().min(5).max(300).default('Baton demo, 1 Example Street, 00000 Example City').describe("The sender's postal address, printed in every email (required by anti-spam laws)."),
  BATON_PUBLIC_URL: optionalString
    .refine((v) => v === undefined || /^https?:\/\/[^\s/]+(\/\S*)?$/.test(v), { error: 'must be an http(s) URL such as https://baton.example.com' })
    .describe('Public address of the service, for unsubscribe links. Unset: http://HOST:PORT (loopback when HOST is 0.0.0.0).'),
  BATON_TIME_ZONE: z.string().trim().min(1).default('UTC').describe("The sending team's IANA time zone: the day of mailbox caps, and recipients' zone when nothing better is known."),
  BATON_SEND_WINDOW: z
    .string()
    .trim()
    .regex(/^\d{2}:\d{2}-\d{2}:\d{2}( [A-Za-z]{3}(-[A-Za-z]{3})?(,[A-Za-z]{3}(-[A-Za-z]{3})?)*)?$/, { error: 'must look like "09:00-17:00 Mon-Fri"' })
    .default('09:00-17:00 Mon-Fri')
    .describe("Default send window in each recipient's own time zone (public holidays of their country are skipped)."),
  MAIL_DAILY_CAP: int(1, 100_000).default(200).describe('Emails per sending mailbox per day; leads over the cap wait for the next day.'),
  SEQUENCE_DAILY_CAP: int(1, 1_000_000).default(2000).describe('Emails per sequence per day unless the sequence sets daily_cap.'),
  MAIL_SPACING_SECONDS: int(0, 3600).default(10).describe('Least time between two emails from one mailbox.'),
  DKIM_DOMAIN: optionalString.describe('Signing domain (d=) for DKIM; with DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE.'),
  DKIM_SELECTOR: optionalString.describe('DKIM selector (s=).'),
  DKIM_PRIVATE_KEY_FILE: optionalString.describe('PEM file of the DKIM private key.'),
  INBOUND_SMTP_PORT: z.preprocess((v) => (v === '' ? undefined : v), int(0, 65535).optional()).describe('Port of the built-in SMTP server that receives replies for MAIL_REPLY_DOMAIN; unset: off.'),
  INBOUND_SMTP_HOST: z.string().trim().min(1).default('127.0.0.1').describe('Interface the inbound SMTP server binds to.'),
  IMAP_URL: optionalString
    .refine((v) => v === undefined || /^imaps?:\/\/\S+$/.test(v), { error: 'must be an imap:// or imaps:// URL such as imaps://user:pass@imap.example.com/INBOX' })
    .describe('Mailbox to poll for replies (imaps://user:pass@host/INBOX); unset: off.'),
  IMAP_POLL_SECONDS: int(5, 3600).default(60).describe('How often the IMAP mailbox is polled.'),
  WORKER_ENABLED: bool.default(true).describe('Run the job worker (sequences, sending, inbound) inside the service.'),
  WORKER_CONCURRENCY: int(1, 64).default(4).describe('Jobs the worker runs at once.'),
  WORKER_POLL_MS: int(50, 60_000).default(1000).describe('How often an idle worker looks for due jobs.'),

  // --- The SDR desk: team, Slack, handoff (see README "The SDR desk") ---
  BATON_TEAM_FILE: z.string().trim().min(1).default('config/team.yaml').describe('The sales team (YAML or JSON): SDRs, team lead, account executives, assignment and SLAs. Default: the shipped demo team.'),
  SLACK_BOT_TOKEN: optionalString
    .refine((v) => v === undefined || /^xoxb-\S+$/.test(v), { error: 'must be a bot token starting with xoxb-' })
    .describe('Slack bot token (xoxb-...). Unset: no Slack; the review console at /console is the desk.'),
  SLACK_SIGNING_SECRET: optionalString.describe('Slack signing secret, checked on every request to POST /slack/events (HTTP mode).'),
  SLACK_APP_TOKEN: optionalString
    .refine((v) => v === undefined || /^xapp-\S+$/.test(v), { error: 'must be an app-level token starting with xapp-' })
    .describe('Slack app-level token (xapp-...) for Socket Mode; set it instead of a public URL for POST /slack/events.'),
  SLACK_CHANNEL_ID: optionalString
    .refine((v) => v === undefined || /^[CG][A-Z0-9]{2,}$/.test(v), { error: 'must be a channel id such as C0123ABCD (not a #name)' })
    .describe('Channel where candidate cards, escalations and the daily summary go.'),
  SLACK_API_URL: z
    .string()
    .trim()
    .regex(/^https?:\/\/\S+\/api\/$/, { error: 'must be an http(s) URL ending in /api/, such as https://slack.com/api/' })
    .default('https://slack.com/api/')
    .describe("Slack Web API base URL; change it only to reach a Slack-compatible endpoint (the tests' fake)."),
  SLACK_SDR_GROUP_ID: optionalString
    .refine((v) => v === undefined || /^S[A-Z0-9]{2,}$/.test(v), { error: 'must be a user group id such as S0123ABCD' })
    .describe('Slack user group whose members may decide candidates. Unset: the SDRs and team lead of BATON_TEAM_FILE.'),
  CRM_WEBHOOK_URL: optionalString
    .refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), { error: 'must be an http(s) URL' })
    .describe('Optional: every handoff and outcome is POSTed here as JSON, signed with CRM_WEBHOOK_SECRET.'),
  CRM_WEBHOOK_SECRET: optionalString
    .refine((v) => v === undefined || v.length >= 16, { error: 'must be at least 16 characters long' })
    .describe('Secret of the CRM webhook signature (X-Baton-Signature: v1=HMAC-SHA256 of "<timestamp>.<body>").'),
  BATON_DEMO: z
    .enum(['auto', 'on', 'off'])
    .default('auto')
    .describe('Demo loop (demo leads, scripted replies into the local sink): auto runs it only on embedded defaults (no DATABASE_URL, SMTP_URL or Slack) and once per data directory.'),

  // --- The website chat and the knowledge base (see README "Website chat") ---
  BATON_COMPANY_NAME: z.string().trim().min(1).max(100).default('Baton Demo').describe('The company the chat bot speaks for ("I\'m the <name> assistant").'),
  BATON_KNOWLEDGE_DIR: z.string().trim().min(1).default('knowledge').describe('Directory of Markdown knowledge files (product, pricing policy, security, integrations) the chat and email drafts answer from; loaded at start. Default: the shipped demo knowledge.'),
  BATON_KB_ANSWERS: z
    .enum(['extractive', 'model'])
    .default('extractive')
    .describe('How the knowledge base words answers: extractive (sentences of the passages, no model) or model (OPENAI_MODEL writes them from the retrieved passages only; citations checked).'),
  OPENAI_EMBEDDING_MODEL: optionalString.describe('Embedding model for the knowledge base (e.g. text-embedding-3-small). Unset: the offline hashed embedder (no model, no download).'),
  OPENAI_EMBEDDING_DIMENSIONS: z
    .preprocess((v) => (v === '' ? undefined : v), int(16, 4096).optional())
    .describe('Vector width asked of the embedding model (text-embedding-3 models); 256 keeps the HNSW index. Unset: the model\'s own.'),
  CHAT_WEBHOOK_URL: optionalString
    .refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), { error: 'must be an http(s) URL' })
    .describe('Optional chat gateway (SMS, WhatsApp, WeCom): sequence chat steps with provider webhook are POSTed here, signed with CHAT_WEBHOOK_SECRET; replies come back to POST /v1/chat/webhook (docs/chat-webhook.md).'),
  CHAT_WEBHOOK_SECRET: optionalString
    .refine((v) => v === undefined || v.length >= 16, { error: 'must be at least 16 characters long' })
    .describe('Secret of the chat gateway signatures, both ways (X-Baton-Signature: v1=HMAC-SHA256 of "<timestamp>.<body>").'),
  BATON_CHAT_SECRET: optionalString
    .refine((v) => v === undefined || v.length >= 32, { error: 'must be at least 32 characters long' })
    .describe("Key that signs visitors' chat session tokens. Unset: one is generated and kept in the database."),
  BATON_CHAT_ORIGINS: z
    .string()
    .trim()
    .default('*')
    .refine((v) => v === '*' || v.split(',').every((o) => /^https?:\/\/[^\s/]+$/.test(o.trim())), { error: 'must be * or a comma-separated list of origins such as https://www.example.com' })
    .describe('Sites whose pages may run the chat widget (CORS): * for any, or a comma-separated list of origins.'),
  BATON_CHAT_MAX_MESSAGE_CHARS: int(50, 20_000).default(2000).describe('Longest visitor chat message, in characters.'),
  BATON_CHAT_MAX_MESSAGES: int(1, 1000).default(60).describe('Most visitor messages in one chat conversation.'),
  BATON_CHAT_RATE_PER_MINUTE: int(1, 600).default(12).describe('Chat messages one visitor may send per minute (short bursts of up to half a minute allowed).'),
  BATON_CHAT_SESSIONS_PER_HOUR: int(1, 100_000).default(30).describe('Chats one client address may start per hour.'),
  BATON_CHAT_MAX_QUESTIONS: int(1, 20).default(5).describe('Most qualifying questions the chat bot asks in one conversation (BANT and the email).'),
}).superRefine((c, ctx) => {
  if (Boolean(c.DKIM_DOMAIN) !== Boolean(c.DKIM_SELECTOR) || Boolean(c.DKIM_DOMAIN) !== Boolean(c.DKIM_PRIVATE_KEY_FILE)) {
    ctx.addIssue({ code: 'custom', path: ['DKIM_DOMAIN'], message: 'DKIM needs all three of DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE (or none)' });
  }
  if (c.SLACK_BOT_TOKEN) {
    if (!c.SLACK_CHANNEL_ID) ctx.addIssue({ code: 'custom', path: ['SLACK_CHANNEL_ID'], message: 'is required with SLACK_BOT_TOKEN: the channel where candidate cards go' });
    if (!c.SLACK_SIGNING_SECRET && !c.SLACK_APP_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'SLACK_BOT_TOKEN needs SLACK_SIGNING_SECRET (HTTP mode, POST /slack/events) or SLACK_APP_TOKEN (Socket Mode)' });
    }
  } else if (c.SLACK_APP_TOKEN || c.SLACK_CHANNEL_ID || c.SLACK_SIGNING_SECRET || c.SLACK_SDR_GROUP_ID) {
    ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'is required when any other SLACK_ variable is set' });
  }
  if (Boolean(c.CRM_WEBHOOK_URL) !== Boolean(c.CRM_WEBHOOK_SECRET)) {
    ctx.addIssue({ code: 'custom', path: ['CRM_WEBHOOK_URL'], message: 'the CRM webhook needs both CRM_WEBHOOK_URL and CRM_WEBHOOK_SECRET (or neither)' });
  }
  if (Boolean(c.CHAT_WEBHOOK_URL) !== Boolean(c.CHAT_WEBHOOK_SECRET)) {
    ctx.addIssue({ code: 'custom', path: ['CHAT_WEBHOOK_URL'], message: 'the chat gateway needs both CHAT_WEBHOOK_URL and CHAT_WEBHOOK_SECRET (or neither)' });
  }
  if ((c.OPENAI_EMBEDDING_MODEL || c.BATON_KB_ANSWERS === 'model') && !c.OPENAI_API_KEY) {
    ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'is required with OPENAI_EMBEDDING_MODEL or BATON_KB_ANSWERS=model (any placeholder for a local endpoint without keys)' });
  }
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
