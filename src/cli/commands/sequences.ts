import type { Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import { listSequences } from '../../adapters/db/store/sequences.ts';
import { getLeadByEmail } from '../../adapters/db/store/leads.ts';
import { loadSequences, migrateEnrolments, readSequenceFiles } from '../../app/outreach/catalog.ts';
import { enrolLead, EnrolmentRefusedError } from '../../app/outreach/enrol.ts';
import { EXIT, ExitCode } from '../main.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { isValidEmail, normalizeEmail } from '../../domain/lead.ts';
import { buildOutreach, openBaton, sequencesDir, templatesDir } from '../../main.ts';

/**
 * `baton sequences`: check, load, list, enrol, migrate. Sequences are YAML files (BATON_SEQUENCES_DIR)
 * naming templates in BATON_TEMPLATES_DIR; each change is stored as a new version, and leads in flight
 * keep theirs unless `migrate` moves them.
 */
export function registerSequenceCommands(program: Command): void {
  const seq = program.command('sequences').description('email sequences: check, load, list, enrol leads, move leads in flight to the latest version');

  seq
    .command('check')
    .description('validate the sequence files and their templates without touching the database')
    .argument('[dir]', 'sequences directory (default BATON_SEQUENCES_DIR)')
    .action((dir: string | undefined) => {
      const config = loadConfig();
      const files = readSequenceFiles(dir ?? sequencesDir(config), templatesDir(config));
      for (const f of files) console.log(`ok  ${f.def.id.padEnd(24)} ${f.def.kind.padEnd(9)} ${String(f.def.steps.length).padStart(3)} steps  ${f.file}`);
    });

  seq
    .command('load')
    .description('store each changed sequence as a new version (the service also does this at start)')
    .argument('[dir]', 'sequences directory (default BATON_SEQUENCES_DIR)')
    .action(async (dir: string | undefined) => {
      const baton = await openBaton(loadConfig());
      try {
        const r = await loadSequences(baton, dir ?? sequencesDir(baton.config), templatesDir(baton.config), 'cli:sequences-load');
        for (const s of r.sequences) console.log(`${s.created ? 'new ' : 'same'}  ${s.id}@v${s.version}  ${s.file}`);
      } finally {
        await baton.close();
      }
    });

  seq
    .command('list')
    .description('the stored sequences (latest versions) and their enrolments')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { json?: boolean }) => {
      const baton = await openBaton(loadConfig());
      try {
        for (const s of await listSequences(baton.db)) {
          const row = { id: s.id, version: s.version, kind: s.definition.kind, name: s.definition.name, active: s.active, paused: s.paused, completed: s.completed, stopped: s.stopped };
          console.log(opts.json ? JSON.stringify(row) : `${s.id}@v${s.version}  ${s.definition.kind.padEnd(9)} active ${s.active}  paused ${s.paused}  completed ${s.completed}  stopped ${s.stopped}  ${s.definition.name}`);
        }
      } finally {
        await baton.close();
      }
    });

  seq
    .command('enrol')
    .description('put leads into a sequence (by address, or every lead of an import source); the worker of a running service sends the steps')
    .argument('<sequence>', 'sequence id')
    .argument('[emails...]', "the leads' email addresses")
    .option('--source <name>', 'every lead that came from this source (e.g. the --source of an import)')
    .action(async (sequenceId: string, rawEmails: string[], opts: { source?: string }) => {
      if (rawEmails.length === 0 && !opts.source) throw new ValidationError('name the leads: email addresses, or --source NAME');
      const emails = rawEmails.map((raw) => {
        const email = normalizeEmail(raw);
        if (!isValidEmail(email)) throw new ValidationError(`"${raw}" is not an email address`);
        return email;
      });
      const baton = await openBaton(loadConfig());
      const outreach = await buildOutreach(baton, { mailer: { send: () => Promise.reject(new Error('this command does not send')), close: async () => undefined } });
      let enrolled = 0;
      const refused = new Map<string, number>();
      try {
        const ids: { id: string; label: string }[] = [];
        for (const email of emails) {
          const lead = await getLeadByEmail(baton.db, email);
          if (!lead) throw new NotFoundError('lead', email);
          ids.push({ id: lead.id, label: email });
        }
        if (opts.source) {
          const { rows } = await baton.db.query<{ id: string }>(
            `SELECT id FROM leads WHERE first_source = $1 UNION SELECT lead_id FROM lead_sources WHERE source = $1`,
            [opts.source],
          );
          for (const r of rows) ids.push({ id: r.id, label: r.id });
        }
        for (const { id, label } of ids) {
          try {
            await enrolLead(outreach.deps, { leadId: id, sequenceId, actor: 'cli:sequences-enrol' });
            enrolled += 1;
          } catch (e) {
            if (!(e instanceof EnrolmentRefusedError)) throw e;
            const why = e.message.replace(/^cannot enrol: /, '').replace(/ from \d{4}-\d{2}-\d{2}.*$/, '');
            refused.set(why, (refused.get(why) ?? 0) + 1);
            if (ids.length <= 20) console.log(`not enrolled ${label}: ${e.message.replace(/^cannot enrol: /, '')}`);
          }
        }
      } finally {
        await outreach.close();
        await baton.close();
      }
      console.log(`enrolled ${enrolled} lead(s) in ${sequenceId}; the worker of the service sends their steps`);
      for (const [why, n] of refused) console.log(`  not enrolled (${n}): ${why}`);
      if (refused.size > 0) throw new ExitCode(enrolled > 0 ? EXIT.partial : EXIT.failed);
    });

  seq
    .command('migrate')
    .description('move the leads in flight in a sequence to its latest version, keeping each at its step (by step id)')
    .argument('<sequence>', 'sequence id')
    .action(async (sequenceId: string) => {
      const baton = await openBaton(loadConfig());
      try {
        const r = await migrateEnrolments(baton, sequenceId, 'cli:sequences-migrate');
        console.log(`moved ${r.moved} enrolment(s) to ${sequenceId}@v${r.version}`);
        for (const k of r.kept) console.log(`kept on its version: enrolment ${k.enrolmentId} (its step "${k.step}" is not in the latest version)`);
      } finally {
        await baton.close();
      }
    });
}
