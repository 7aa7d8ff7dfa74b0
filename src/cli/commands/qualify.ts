import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { simpleParser } from 'mailparser';
import { ValidationError } from '../../domain/errors.ts';
import { LeadRecord, QualifyInput } from '../../domain/qualify/types.ts';
import { buildEngine } from './eval.ts';

interface QualifyOptions {
  engine: string;
  text?: string;
  lead: string[];
  date?: string;
  channel: string;
  lang?: string;
}

const LEAD_KEYS = ['name', 'email', 'title', 'company', 'industry', 'employees', 'country', 'source'] as const;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--lead title=CTO --lead employees=400` into a lead record. */
export function parseLeadPairs(pairs: readonly string[]): LeadRecord {
  const lead: Record<string, string | number> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    const value = eq > 0 ? pair.slice(eq + 1).trim() : '';
    if (!(LEAD_KEYS as readonly string[]).includes(key) || value === '') {
      throw new ValidationError(`--lead takes key=value with key one of ${LEAD_KEYS.join(', ')}; got "${pair}"`);
    }
    if (key === 'employees') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new ValidationError(`--lead employees must be a whole number; got "${value}"`);
      lead[key] = n;
    } else {
      lead[key] = value;
    }
  }
  const parsed = LeadRecord.safeParse(lead);
  if (!parsed.success) throw new ValidationError(`invalid --lead values: ${parsed.error.message}`);
  return parsed.data;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

// Auto-replies and delivery notices often say what they are only in the subject line.
const TELLING_SUBJECT = /^(?:automatic reply|auto(?:matic)?[- ]?reply|out of (?:the )?office|ooo\b|undeliverable|undelivered|delivery status notification|mail delivery failed|returned mail|自动回复|退信|系统退信)/i;

/** The text part of a raw RFC 822 message, plus the sender and date it carries. */
export async function readEml(raw: Buffer): Promise<{ text: string; date?: string; name?: string; email?: string }> {
  const mail = await simpleParser(raw);
  let text = mail.text ?? '';
  if (!text.trim() && typeof mail.html === 'string') {
    text = mail.html.replace(/<(?:br|\/p|\/div)\s*\/?>/gi, '\n').replace(/<[^>]+>/g, ' ').replace(/&nbsp;/g, ' ');
  }
  const subject = mail.subject ?? '';
  if (TELLING_SUBJECT.test(subject)) text = `${subject}\n\n${text}`;
  const from = mail.from?.value[0];
  return {
    text,
    ...(mail.date ? { date: isoDay(mail.date) } : {}),
    ...(from?.name ? { name: from.name } : {}),
    ...(from?.address ? { email: from.address } : {}),
  };
}

async function qualifyAction(message: string | undefined, opts: QualifyOptions): Promise<void> {
  if ((message === undefined) === (opts.text === undefined)) {
    throw new ValidationError('give either a message file (e.g. MESSAGE.eml) or --text "..."');
  }
  const lead = parseLeadPairs(opts.lead);
  let reply = opts.text ?? '';
  let date = opts.date;
  if (message !== undefined) {
    let raw: Buffer;
    try {
      raw = readFileSync(message);
    } catch (e) {
      throw new ValidationError(`cannot read ${message}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (/\.eml$/i.test(message)) {
      const eml = await readEml(raw);
      reply = eml.text;
      date ??= eml.date;
      if (eml.name && !lead.name) lead.name = eml.name;
      if (eml.email && !lead.email) lead.email = eml.email;
    } else {
      reply = raw.toString('utf8');
    }
  }
  // The CLI is an edge: today's date is read here, never inside the engine.
  const input = QualifyInput.safeParse({
    reply,
    date: date ?? isoDay(new Date()),
    channel: opts.channel,
    ...(Object.keys(lead).length ? { lead } : {}),
    ...(opts.lang ? { lang: opts.lang } : {}),
  });
  if (!input.success) throw new ValidationError(`invalid input: ${input.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
  const q = await (await buildEngine(opts.engine)).qualify(input.data);
  console.log(JSON.stringify(q, null, 2));
}

/** `baton qualify MESSAGE.eml` or `baton qualify --text "..." [--lead key=value ...] [--date] [--channel]`. */
export function registerQualifyCommand(program: Command): void {
  program
    .command('qualify')
    .description('qualify one inbound message and print the Qualification as JSON')
    .argument('[message]', 'a raw email (.eml) or a plain-text file with the reply')
    .option('--text <reply>', 'the reply text, instead of a file')
    .option('--lead <key=value>', `lead record field (${LEAD_KEYS.join(', ')}); repeatable`, collect, [] as string[])
    .option('--date <YYYY-MM-DD>', 'the day the reply arrived (default: the email Date header, else today)')
    .option('--channel <email|chat>', 'where the reply came in', 'email')
    .option('--lang <en|zh>', 'language of the reply (default: detected)')
    .option('--engine <name>', 'offline | openai | hybrid (model engines read OPENAI_* from the environment)', 'offline')
    .action(async (message: string | undefined, opts: QualifyOptions) => qualifyAction(message, opts));
}
