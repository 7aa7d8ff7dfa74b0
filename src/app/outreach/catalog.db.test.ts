import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../adapters/db/db.ts';
import { upsertLeads } from '../../adapters/db/store/leads.ts';
import { getSequence, insertEnrolment, newId, updateEnrolment, type EnrolmentStatus } from '../../adapters/db/store/sequences.ts';
import { silentLogger } from '../../adapters/log.ts';
import { ManualClock } from '../../domain/clock.ts';
import { BatonError } from '../../domain/errors.ts';
import { accountDomainFor, emailDomain } from '../../domain/lead.ts';
import { createTestDb } from '../../testing/db.ts';
import { SHIPPED_SEQUENCES, SHIPPED_TEMPLATES } from '../../testing/outreach.ts';
import type { AppDeps } from '../deps.ts';
import { loadSequences, migrateEnrolments, readSequenceFiles } from './catalog.ts';

async function rejection(p: Promise<unknown>): Promise<BatonError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BatonError) return e;
    throw e;
  }
  throw new Error('expected a BatonError');
}

function thrown(f: () => unknown): BatonError {
  try {
    f();
  } catch (e) {
    if (e instanceof BatonError) return e;
    throw e;
  }
  throw new Error('expected a BatonError');
}

let tmp: string;
/** Copies of the shipped sequences and templates that a test may edit. */
let seqDir: string;
let tplDir: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'baton-catalog-'));
  seqDir = join(tmp, 'sequences');
  tplDir = join(tmp, 'email');
  cpSync(SHIPPED_SEQUENCES, seqDir, { recursive: true });
  cpSync(SHIPPED_TEMPLATES, tplDir, { recursive: true });
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

let db: Db;
let deps: AppDeps;
let clock: ManualClock;
/** A fresh database for each test of the describe block that calls it. */
function withDb() {
  beforeEach(async () => {
    db = await createTestDb();
    clock = new ManualClock('2026-03-02T10:00:00Z');
    deps = { db, clock, logger: silentLogger() };
  });
  afterEach(async () => {
    await db.close();
  });
}

const count = async (sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]?.n;

describe('readSequenceFiles', () => {
  it('reads the shipped sequences with every template their emails use', () => {
    const files = readSequenceFiles(SHIPPED_SEQUENCES, SHIPPED_TEMPLATES);
    expect(files.map((f) => [f.file, f.def.id])).toEqual([
      ['inbound-fast-lane.yaml', 'inbound-fast-lane'],
      ['nurture-monthly.yaml', 'nurture-monthly'],
      ['outbound-intro.yaml', 'outbound-intro'],
    ]);
    for (const { def } of files) {
      const used = new Set(def.steps.flatMap((s) => (s.type === 'email' ? [s.template] : [])));
      expect(used.size).toBeGreaterThan(0);
      expect(new Set(Object.keys(def.templates))).toEqual(used);
      for (const name of used) expect(def.templates[name]?.body.length).toBeGreaterThan(0);
    }
  });

  it('refuses a directory that cannot be read, naming it', () => {
    const e = thrown(() => readSequenceFiles(join(tmp, 'nope'), tplDir));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain(`cannot read the sequences directory ${join(tmp, 'nope')}`);
  });

  it('refuses two files that define the same sequence', () => {
    cpSync(join(seqDir, 'outbound-intro.yaml'), join(seqDir, 'copy.yaml'));
    expect(() => readSequenceFiles(seqDir, tplDir)).toThrow('outbound-intro.yaml and copy.yaml both define sequence "outbound-intro"');
  });
});

describe('loadSequences', () => {
  withDb();

  it('stores each shipped sequence as version 1, and nothing new when loaded again', async () => {
    const first = await loadSequences(deps, SHIPPED_SEQUENCES, SHIPPED_TEMPLATES);
    expect(first.sequences).toEqual([
      { id: 'inbound-fast-lane', version: 1, created: true, file: 'inbound-fast-lane.yaml' },
      { id: 'nurture-monthly', version: 1, created: true, file: 'nurture-monthly.yaml' },
      { id: 'outbound-intro', version: 1, created: true, file: 'outbound-intro.yaml' },
    ]);
    clock.advance(3_600_000);
    const again = await loadSequences(deps, SHIPPED_SEQUENCES, SHIPPED_TEMPLATES);
    expect(again.sequences.map((s) => [s.id, s.version, s.created])).toEqual([
      ['inbound-fast-lane', 1, false],
      ['nurture-monthly', 1, false],
      ['outbound-intro', 1, false],
    ]);
    expect(await count('sequences')).toBe(3);
    expect(await count(`audit_log WHERE action = 'sequence.version_added'`)).toBe(3);
    const stored = await getSequence(db, 'outbound-intro');
    expect(stored?.definition.steps.map((s) => s.id)).toEqual(readSequenceFiles(SHIPPED_SEQUENCES, SHIPPED_TEMPLATES)[2]?.def.steps.map((s) => s.id));
  });

  it('stores a new version when a template changes, and keeps the old one as it was', async () => {
    await loadSequences(deps, seqDir, tplDir);
    const path = join(tplDir, 'outbound-bump.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('Bringing this back to the top of your inbox.', 'A quick nudge.'));
    const r = await loadSequences(deps, seqDir, tplDir);
    expect(r.sequences.map((s) => [s.id, s.version, s.created])).toEqual([
      ['inbound-fast-lane', 1, false],
      ['nurture-monthly', 1, false],
      ['outbound-intro', 2, true],
    ]);
    expect((await getSequence(db, 'outbound-intro', 1))?.definition.templates['outbound-bump']?.body).toContain('Bringing this back to the top of your inbox.');
    expect((await getSequence(db, 'outbound-intro', 2))?.definition.templates['outbound-bump']?.body).toContain('A quick nudge.');
    const { rows } = await db.query<{ data: { version: number; file: string } }>(`SELECT data FROM audit_log WHERE action = 'sequence.version_added' AND subject_id = 'outbound-intro' ORDER BY id`);
    expect(rows.map((x) => x.data)).toEqual([
      { version: 1, file: 'outbound-intro.yaml' },
      { version: 2, file: 'outbound-intro.yaml' },
    ]);
  });

  it('stores no new version for a change that does not change the definition (a comment)', async () => {
    await loadSequences(deps, seqDir, tplDir);
    appendFileSync(join(seqDir, 'outbound-intro.yaml'), '\n# reviewed by marketing\n');
    expect((await loadSequences(deps, seqDir, tplDir)).sequences.every((s) => !s.created && s.version === 1)).toBe(true);
  });

  it('stores nothing when one file is invalid, and lists every problem of every file', async () => {
    writeFileSync(
      join(seqDir, 'broken.yaml'),
      ['id: broken', 'name: Broken', 'kind: outbound', 'steps:', '  - type: wait', '    days: 1', '    hours: 2', '  - type: email', '    template: no-such-template', ''].join('\n'),
    );
    writeFileSync(join(seqDir, 'garbled.yaml'), 'id: garbled\nsteps: [\n');
    const e = await rejection(loadSequences(deps, seqDir, tplDir));
    expect(e.code).toBe('SEQUENCE_INVALID');
    expect(e.message).toContain(`sequences in ${seqDir} have problems:`);
    expect(e.message).toContain('broken.yaml is not a valid sequence:');
    expect(e.message).toContain('steps.0: a wait needs exactly one of minutes, hours, days or business_days');
    expect(e.message).toContain(`steps.1: template no-such-template not found (looked for ${join(tplDir, 'no-such-template.md')})`);
    expect(e.message).toContain('garbled.yaml is not valid YAML');
    expect(e.details?.problems).toHaveLength(2);
    expect(await count('sequences')).toBe(0);
    expect(await count('audit_log')).toBe(0);
  });

  it('keeps the stored versions when a valid edit comes with an invalid file', async () => {
    await loadSequences(deps, seqDir, tplDir);
    const path = join(tplDir, 'outbound-intro.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('subject:', 'subject: New'));
    writeFileSync(join(tplDir, 'bad-braces.md'), '---\nsubject: Hi\n---\nHi {{ lead.first_name },\n');
    writeFileSync(join(seqDir, 'uses-bad.yaml'), 'id: uses-bad\nname: Uses bad\nkind: outbound\nsteps:\n  - type: email\n    template: bad-braces\n');
    await expect(loadSequences(deps, seqDir, tplDir)).rejects.toThrow(/uses-bad\.yaml is not a valid sequence:\n\s+step step-1: email template bad-braces has a malformed placeholder \{\{ lead\.first_name \}/);
    expect((await getSequence(db, 'outbound-intro'))?.version).toBe(1);
    expect(await getSequence(db, 'uses-bad')).toBeNull();
  });
});

describe('migrateEnrolments', () => {
  withDb();
  const migDir = () => join(tmp, 'mig');
  const writeMig = (steps: string) => {
    mkdirSync(migDir(), { recursive: true });
    writeFileSync(join(migDir(), 'mig.yaml'), `id: mig\nname: Migration test\nkind: outbound\nsteps:\n${steps}`);
  };
  const V1 = [
    '  - id: intro', '    type: email', '    template: outbound-intro', // 0
    '  - type: wait', '    days: 3', // 1, step-2
    '  - id: bump', '    type: email', '    template: outbound-bump', // 2
    '  - id: pause', '    type: wait', '    days: 3', // 3
    '  - id: break-up', '    type: email', '    template: outbound-break-up', // 4
    '  - id: done', '    type: end', // 5
    '',
  ].join('\n');
  const V2 = [
    '  - id: heads-up', '    type: notify', '    message: Starting', // 0
    '  - id: intro', '    type: email', '    template: outbound-intro', // 1
    '  - id: first-wait', '    type: wait', '    days: 2', // 2
    '  - id: bump', '    type: email', '    template: outbound-bump', // 3
    '  - id: pause', '    type: wait', '    days: 5', // 4
    '  - id: done', '    type: end', '    move_to: nurture', // 5
    '',
  ].join('\n');

  async function enrol(n: number, version: number, stepIndex: number, status: EnrolmentStatus = 'active'): Promise<string> {
    const email = `lead${n}@buyer.test`;
    const [o] = await upsertLeads(db, [{ email, emailDomain: emailDomain(email), accountDomain: accountDomainFor(email) }], { channel: 'outbound', source: 'test' }, clock.now());
    const id = newId();
    await insertEnrolment(db, { id, leadId: o?.leadId as string, sequenceId: 'mig', sequenceVersion: version, mailbox: 'ann@sender.test', replyToken: `token-${n}`, conversationId: newId(), enrolledBy: 'test' }, clock.now());
    await updateEnrolment(db, id, { stepIndex, status }, clock.now());
    return id;
  }
  const placeOf = async (id: string) => (await db.query<{ sequence_version: number; step_index: number }>('SELECT sequence_version, step_index FROM enrolments WHERE id = $1', [id])).rows[0];

  it('moves live enrolments to the latest version by step id and keeps those whose step is gone', async () => {
    writeMig(V1);
    await loadSequences(deps, migDir(), tplDir);
    const atBump = await enrol(1, 1, 2);
    const pausedAtPause = await enrol(2, 1, 3, 'paused');
    const atBreakUp = await enrol(3, 1, 4);
    const atUnnamedWait = await enrol(4, 1, 1);
    const pastTheEnd = await enrol(5, 1, 6);
    const completed = await enrol(6, 1, 2, 'completed');

    writeMig(V2);
    clock.advance(86_400_000);
    expect((await loadSequences(deps, migDir(), tplDir)).sequences).toEqual([{ id: 'mig', version: 2, created: true, file: 'mig.yaml' }]);
    const onLatest = await enrol(7, 2, 0);
    // An edit alone moves nobody.
    expect(await placeOf(atBump)).toEqual({ sequence_version: 1, step_index: 2 });

    const r = await migrateEnrolments(deps, 'mig', 'user:sdr@sender.test');
    expect(r.version).toBe(2);
    expect(r.moved).toBe(3);
    expect([...r.kept].sort((a, b) => a.step.localeCompare(b.step))).toEqual([
      { enrolmentId: atBreakUp, step: 'break-up' },
      { enrolmentId: atUnnamedWait, step: 'step-2' },
    ]);
    expect(await placeOf(atBump)).toEqual({ sequence_version: 2, step_index: 3 });
    expect(await placeOf(pausedAtPause)).toEqual({ sequence_version: 2, step_index: 4 });
    expect(await placeOf(pastTheEnd)).toEqual({ sequence_version: 2, step_index: 6 });
    expect(await placeOf(atBreakUp)).toEqual({ sequence_version: 1, step_index: 4 });
    expect(await placeOf(atUnnamedWait)).toEqual({ sequence_version: 1, step_index: 1 });
    expect(await placeOf(completed)).toEqual({ sequence_version: 1, step_index: 2 });
    expect(await placeOf(onLatest)).toEqual({ sequence_version: 2, step_index: 0 });

    const { rows } = await db.query<{ actor: string; data: unknown }>(`SELECT actor, data FROM audit_log WHERE action = 'sequence.enrolments_migrated'`);
    expect(rows).toEqual([{ actor: 'user:sdr@sender.test', data: { version: 2, moved: 3, kept: 2 } }]);

    // Asked again, only the ones left behind are looked at, and they stay where they are.
    const again = await migrateEnrolments(deps, 'mig', 'user:sdr@sender.test');
    expect(again.moved).toBe(0);
    expect(again.kept.map((k) => k.enrolmentId).sort()).toEqual([atBreakUp, atUnnamedWait].sort());
  });

  it('refuses a sequence that was never loaded', async () => {
    const e = await rejection(migrateEnrolments(deps, 'ghost', 'test'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('sequence ghost was not found');
    expect(await count('audit_log')).toBe(0);
  });
});
