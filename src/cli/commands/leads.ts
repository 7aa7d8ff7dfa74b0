import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { InvalidArgumentError, type Command } from 'commander';
import iconv from 'iconv-lite';
import { loadConfig } from '../../config/load.ts';
import { openBaton, type Baton } from '../../main.ts';
import { createLogger } from '../../adapters/log.ts';
import { loadMigrations } from '../../adapters/db/migrate.ts';
import { getLeadByEmail } from '../../adapters/db/store/leads.ts';
import { importLeads, type ImportReport } from '../../app/import-leads.ts';
import { parseColumnMap } from '../../app/import-leads/columns.ts';
import { eraseLead, getLeadDetail } from '../../app/leads.ts';
import { leadDetailView } from '../../app/lead-view.ts';
import { BatonError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { isValidEmail, normalizeEmail } from '../../domain/lead.ts';
import { EXIT, ExitCode } from '../main.ts';

/** `baton leads import|erase|show` and `baton migrate`. */
export function registerLeadsCommands(program: Command): void {
  const leads = program.command('leads').description('bring leads in, look them up, erase them (GDPR)');

  leads
    .command('import')
    .description('import leads from a CSV file: good rows are stored, each bad row is reported with its line and reason')
    .argument('<file>', 'CSV file with a header line, or - for standard input')
    .requiredOption('--source <name>', 'the list or system the file comes from, recorded on every lead (e.g. tradeshow-2026)')
    .option('--campaign <name>', 'campaign for rows without a Campaign column value')
    .option('--partner <name>', 'partner for rows without a Partner column value')
    .option('--map <pairs>', 'column mapping, e.g. "Work Email=email,Org=company,Internal ID=-" (repeatable)', collect, [] as string[])
    .option('--encoding <name>', 'file encoding: utf8, latin1, windows-1252, utf16le, gbk, ...', 'utf8')
    .option('--delimiter <char>', 'field delimiter (default: guessed from the header: comma, semicolon, tab or pipe)')
    .option('--rejects <file>', 'also write the rejected rows (line, reason, original fields) to this CSV file')
    .option('--batch-size <n>', 'people per transaction', positiveInt)
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: ImportCliOptions) => importCommand(file, opts));

  leads
    .command('erase')
    .description('erase a person (GDPR): delete everything about them and keep only a digest so they are never contacted again')
    .argument('<email>', 'the email address to erase')
    .option('--yes', 'do not ask for confirmation')
    .action(async (email: string, opts: { yes?: boolean }) => eraseCommand(email, opts));

  leads
    .command('show')
    .description('print a lead with its stage, history and sources as JSON')
    .argument('<id-or-email>', 'lead id (uuid) or email address')
    .action(async (idOrEmail: string) => showCommand(idOrEmail));

  program
    .command('migrate')
    .description('apply pending database migrations and print the schema version')
    .action(async () => migrateCommand());
}

interface ImportCliOptions {
  source: string;
  campaign?: string;
  partner?: string;
  map: string[];
  encoding: string;
  delimiter?: string;
  rejects?: string;
  batchSize?: number;
  json?: boolean;
}

async function importCommand(file: string, opts: ImportCliOptions): Promise<void> {
  // Every usage problem is found before the database is opened or a rejects file is created.
  const stdin = file === '-';
  const path = resolve(file);
  if (!stdin) {
    let isFile = false;
    try {
      isFile = statSync(path).isFile();
    } catch {
      throw new ValidationError(`cannot read ${file}: no such file`, { file }, 'IMPORT_NO_FILE');
    }
    if (!isFile) throw new ValidationError(`${file} is not a file`, { file }, 'IMPORT_NO_FILE');
  }
  const map = parseColumnMap(opts.map);
  if (!iconv.encodingExists(opts.encoding)) throw new ValidationError(`unknown encoding "${opts.encoding}"; use e.g. utf8, latin1, windows-1252, utf16le, gbk or shift_jis`);
  const delimiter = opts.delimiter === '\\t' || opts.delimiter === 'tab' ? '\t' : opts.delimiter;

  await withBaton(async (baton) => {
    const rejectsPath = opts.rejects ? resolve(opts.rejects) : undefined;
    const controller = new AbortController();
    // The first Ctrl-C stops after the batch being written (committed batches stay); a second one kills.
    const onSigint = () => {
      process.stderr.write('\nbaton: stopping the import after the current batch (Ctrl-C again to kill)\n');
      controller.abort();
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', onSigint);
    let report: ImportReport;
    try {
      report = await importLeads(baton, stdin ? process.stdin : createReadStream(path), {
        source: opts.source,
        campaign: opts.campaign ?? null,
        partner: opts.partner ?? null,
        map,
        encoding: opts.encoding,
        ...(delimiter !== undefined ? { delimiter } : {}),
        ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
        ...(rejectsPath ? { rejects: createWriteStream(rejectsPath) } : {}),
        fileName: stdin ? 'stdin' : basename(path),
        actor: 'cli',
        signal: controller.signal,
      });
    } catch (e) {
      if (rejectsPath && e instanceof ValidationError) rmSync(rejectsPath, { force: true }); // nothing was imported
      if (e instanceof BatonError && e.code === 'IMPORT_ABORTED') {
        const partial = e.details?.report as ImportReport | undefined;
        if (partial) print(opts.json ? JSON.stringify({ ...partial, error: e.message }, null, 2) : summary(file, opts.source, partial, rejectsPath));
        process.stderr.write(`baton: ${e.message}\n`);
        throw new ExitCode(EXIT.failed);
      }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
    }
    print(opts.json ? JSON.stringify(report, null, 2) : summary(file, opts.source, report, rejectsPath));
    if (report.rejectedCount > 0) throw new ExitCode(EXIT.partial);
  });
}

function summary(file: string, source: string, r: ImportReport, rejectsPath: string | undefined): string {
  const seconds = (r.durationMs / 1000).toFixed(1);
  const lines = [
    `Imported ${file === '-' ? 'standard input' : file} (source "${source}") in ${seconds} s: ${r.rows} row${r.rows === 1 ? '' : 's'}`,
    `  created             ${r.imported.created}`,
    `  merged              ${r.imported.merged}`,
    `  duplicates in file  ${r.duplicatesInFile}`,
    `  suppressed          ${r.suppressed}`,
    `  rejected            ${r.rejectedCount}`,
  ];
  if (r.rejectedCount > 0) {
    lines.push('', 'Rejected rows:');
    for (const x of r.rejected) lines.push(`  line ${x.line}: ${x.reason}`);
    if (r.rejectedCount > r.rejected.length) lines.push(`  ... and ${r.rejectedCount - r.rejected.length} more${rejectsPath ? '' : ' (use --rejects FILE to get them all)'}`);
    if (rejectsPath) lines.push('', `The rejected rows, with their original fields, are in ${rejectsPath}.`);
  }
  return lines.join('\n');
}

async function eraseCommand(rawEmail: string, opts: { yes?: boolean }): Promise<void> {
  const email = normalizeEmail(rawEmail);
  if (!isValidEmail(email)) throw new ValidationError(`"${rawEmail}" is not an email address`);
  if (!opts.yes) {
    if (!process.stdin.isTTY) throw new ValidationError('erasing cannot be undone: pass --yes to confirm');
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Erase everything Baton holds about ${email}? This cannot be undone. [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      print('Nothing erased.');
      return;
    }
  }
  await withBaton(async (baton) => {
    const result = await eraseLead(baton, email, 'cli');
    print(
      result.erased
        ? `Erased lead ${result.leadId} (${email}): the person, their sources, stage history, conversations and messages are deleted.\nOnly a digest of the address remains on the suppression list, so it is never contacted or imported again.`
        : `No lead with the address ${email} was stored.\nA digest of the address is now on the suppression list, so it is never contacted or imported.`,
    );
  });
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function showCommand(idOrEmail: string): Promise<void> {
  const isId = UUID_RE.test(idOrEmail.trim());
  if (!isId && !isValidEmail(normalizeEmail(idOrEmail))) throw new ValidationError(`"${idOrEmail}" is neither a lead id (uuid) nor an email address`);
  await withBaton(async (baton) => {
    let id = idOrEmail.trim();
    if (!isId) {
      const lead = await getLeadByEmail(baton.db, normalizeEmail(idOrEmail));
      if (!lead) throw new NotFoundError('lead', normalizeEmail(idOrEmail));
      id = lead.id;
    }
    print(JSON.stringify(leadDetailView(await getLeadDetail(baton, id)), null, 2));
  });
}

async function migrateCommand(): Promise<void> {
  // Opening Baton applies pending migrations (and refuses an edited or newer one); then all are in place.
  await withBaton(async (baton) => {
    const migrations = loadMigrations();
    const where = baton.db.kind === 'pglite' ? `embedded database in ${resolve(baton.config.BATON_DATA_DIR)}` : 'PostgreSQL server (DATABASE_URL)';
    print([`Schema of the ${where} is at version ${migrations.length}:`, ...migrations.map((m) => `  ${String(m.version).padStart(4, '0')} ${m.name}`)].join('\n'));
  });
}

/** Opens Baton for one command, with logs on stderr so stdout stays the command's output, and closes it. */
async function withBaton<T>(fn: (baton: Baton) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // A command's own output says what happened; its logs show warnings unless debug logging is asked for.
  const level = config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL;
  const baton = await openBaton(config, { logger: createLogger({ level, logPii: config.BATON_LOG_PII, destination: 2 }) });
  try {
    return await fn(baton);
  } finally {
    await baton.close();
  }
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of 1 or more');
  return n;
}
