import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { appendAudit } from '../../adapters/db/store/audit.ts';
import { getSequence, saveSequenceVersion } from '../../adapters/db/store/sequences.ts';
import { ConfigError, NotFoundError, toBatonError, ValidationError } from '../../domain/errors.ts';
import { defineSequence, POSITIONAL_ID, type SequenceDefinition } from '../../domain/sequence/definition.ts';
import { parseTemplate, type EmailTemplate } from '../../domain/sequence/template.ts';
import type { AppDeps } from '../deps.ts';

/**
 * Sequence files (YAML, one sequence each) and the email templates they name (prompts/email/*.md),
 * read from disk and validated in full before anything is stored: one bad file stops the load with
 * every problem listed, and nothing changes in the store.
 */
export function readSequenceFiles(sequencesDir: string, templatesDir: string): { file: string; def: SequenceDefinition }[] {
  let names: string[];
  try {
    names = readdirSync(sequencesDir).filter((n) => /\.ya?ml$/i.test(n)).sort();
  } catch (e) {
    throw new ConfigError(`cannot read the sequences directory ${sequencesDir}: ${toBatonError(e).message}`, { dir: sequencesDir });
  }
  const cache = new Map<string, EmailTemplate>();
  const template = (name: string): EmailTemplate => {
    const hit = cache.get(name);
    if (hit) return hit;
    const path = join(templatesDir, `${name}.md`);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new ValidationError(`template ${name} not found (looked for ${path})`, { template: name }, 'TEMPLATE_NOT_FOUND');
    }
    const t = parseTemplate(name, text);
    cache.set(name, t);
    return t;
  };
  const out: { file: string; def: SequenceDefinition }[] = [];
  const problems: string[] = [];
  const ids = new Map<string, string>();
  for (const n of names) {
    const file = join(sequencesDir, n);
    try {
      let raw: unknown;
      try {
        raw = parseYaml(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new ValidationError(`${n} is not valid YAML: ${toBatonError(e).message}`, {}, 'SEQUENCE_INVALID');
      }
      const def = defineSequence(raw, template, n);
      const clash = ids.get(def.id);
      if (clash) throw new ValidationError(`${n} and ${clash} both define sequence "${def.id}"`, {}, 'SEQUENCE_INVALID');
      ids.set(def.id, n);
      out.push({ file: basename(file), def });
    } catch (e) {
      problems.push(toBatonError(e).message);
    }
  }
  if (problems.length) throw new ValidationError(`sequences in ${sequencesDir} have problems:\n${problems.join('\n')}`, { problems }, 'SEQUENCE_INVALID');
  return out;
}

export interface LoadReport {
  readonly sequences: { id: string; version: number; created: boolean; file: string }[];
}

/** Stores each sequence as a new version when it changed. Enrolments in flight keep their version. */
export async function loadSequences(deps: AppDeps, sequencesDir: string, templatesDir: string, actor = 'system:load'): Promise<LoadReport> {
  const files = readSequenceFiles(sequencesDir, templatesDir);
  const at = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const sequences: LoadReport['sequences'] = [];
    for (const f of files) {
      const r = await saveSequenceVersion(tx, f.def, f.file, at);
      if (r.created) await appendAudit(tx, { actor, action: 'sequence.version_added', subjectType: 'sequence', subjectId: f.def.id, data: { version: r.version, file: f.file } }, at);
      sequences.push({ id: f.def.id, version: r.version, created: r.created, file: f.file });
    }
    return { sequences };
  });
}

/**
 * Moves the sequence's live enrolments onto its latest version (asked for explicitly: an edit does
 * not change leads already in flight otherwise). Each keeps its place by step id; an enrolment whose
 * current step no longer exists, or sits on an unnamed step (whose id is only its position), is left
 * on its version and reported. Name the steps of a sequence you expect to edit in flight.
 */
export async function migrateEnrolments(deps: AppDeps, sequenceId: string, actor: string): Promise<{ version: number; moved: number; kept: { enrolmentId: string; step: string }[] }> {
  const at = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const latest = await getSequence(tx, sequenceId);
    if (!latest) throw new NotFoundError('sequence', sequenceId);
    const { rows } = await tx.query<{ id: string; sequence_version: number; step_index: number }>(
      `SELECT id, sequence_version, step_index FROM enrolments WHERE sequence_id = $1 AND status IN ('active', 'paused') AND sequence_version <> $2 FOR UPDATE`,
      [sequenceId, latest.version],
    );
    const versions = new Map<number, SequenceDefinition>();
    let moved = 0;
    const kept: { enrolmentId: string; step: string }[] = [];
    for (const r of rows) {
      let old = versions.get(r.sequence_version);
      if (!old) {
        old = (await getSequence(tx, sequenceId, r.sequence_version))?.definition;
        if (old) versions.set(r.sequence_version, old);
      }
      const stepId = old?.steps[r.step_index]?.id;
      // An unnamed step's id is its position, which an edit shifts: such enrolments stay on their version.
      const idx = stepId !== undefined && POSITIONAL_ID.test(stepId) ? -1 : stepId === undefined ? (r.step_index >= (old?.steps.length ?? 0) ? latest.definition.steps.length : -1) : latest.definition.steps.findIndex((s) => s.id === stepId);
      if (idx < 0) {
        kept.push({ enrolmentId: r.id, step: stepId ?? String(r.step_index) });
        continue;
      }
      await tx.query(`UPDATE enrolments SET sequence_version = $2, step_index = $3, updated_at = $4 WHERE id = $1`, [r.id, latest.version, idx, at]);
      moved += 1;
    }
    await appendAudit(tx, { actor, action: 'sequence.enrolments_migrated', subjectType: 'sequence', subjectId: sequenceId, data: { version: latest.version, moved, kept: kept.length } }, at);
    return { version: latest.version, moved, kept };
  });
}
