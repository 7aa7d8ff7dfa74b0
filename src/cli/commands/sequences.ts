import type { Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import { listSequences } from '../../adapters/db/store/sequences.ts';
import { getLeadByEmail } from '../../adapters/db/store/leads.ts';
import { loadSequences, migrateEnrolments, readSequenceFiles } from '../../app/outreach/catalog.ts';
import { enrolLead } from '../../app/outreach/enrol.ts';
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
    .description('put a lead into a sequence; the worker of a running service (or `baton serve`) sends its steps')
    .argument('<sequence>', 'sequence id')
    .argument('<email>', "the lead's email address")
    .action(async (sequenceId: string, rawEmail: string) => {
      const email = normalizeEmail(rawEmail);
      if (!isValidEmail(email)) throw new ValidationError(`"${rawEmail}" is not an email address`);
      const baton = await openBaton(loadConfig());
      const outreach = await buildOutreach(baton, { mailer: { send: () => Promise.reject(new Error('this command does not send')), close: async () => undefined } });
      try {
        const lead = await getLeadByEmail(baton.db, email);
        if (!lead) throw new NotFoundError('lead', email);
        const e = await enrolLead(outreach.deps, { leadId: lead.id, sequenceId, actor: 'cli:sequences-enrol' });
        console.log(`enrolled ${lead.id} in ${e.sequenceId}@v${e.sequenceVersion} (enrolment ${e.id}); the worker sends its steps`);
      } finally {
        await outreach.close();
        await baton.close();
      }
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
