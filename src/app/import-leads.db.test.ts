import { createReadStream, mkdtempSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLeads, type ImportLeadsOptions, type ImportReport } from './import-leads.ts';
import { eraseLead, getLeadDetail, intakeLead } from './leads.ts';
import type { AppDeps } from './deps.ts';
import { BatonError, ValidationError } from '../domain/errors.ts';
import { LeadInputSchema } from '../domain/lead-input.ts';
import type { ManualClock } from '../domain/clock.ts';
import { getLeadByEmail } from '../adapters/db/store/leads.ts';
import { addSuppression } from '../adapters/db/store/suppressions.ts';
import { createTestDeps } from '../testing/deps.ts';

const fixtures = fileURLToPath(new URL('../../test/fixtures/csv/', import.meta.url));
let deps: AppDeps & { clock: ManualClock; close: () => Promise<void> };
let tmp: string;

beforeAll(async () => {
  deps = await createTestDeps();
  tmp = mkdtempSync(join(tmpdir(), 'baton-import-'));
});
afterAll(async () => {
  await deps?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Imports text (or bytes) as a file; each import gets its own instant, as with a real clock. */
async function importText(content: string | Buffer, options: Partial<ImportLeadsOptions> = {}): Promise<ImportReport> {
  deps.clock.advance(60_000);
  return importLeads(deps, Readable.from([typeof content === 'string' ? Buffer.from(content) : content]), { source: 'test-list', ...options });
}

async function lead(email: string) {
  const l = await getLeadByEmail(deps.db, email);
  return l ? getLeadDetail(deps, l.id) : null;
}

async function countRows(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await deps.db.query<{ n: number }>(sql, params);
  return rows[0]?.n ?? 0;
}

describe('CSV import of a file with bad rows', () => {
  it('imports every good row and names each bad one with its line and reason', async () => {
    // The committed fixture plus a row with a 5 MB field, generated here rather than committed.
    const path = join(tmp, 'bad-rows.csv');
    const out = createWriteStream(path);
    out.write(readFileSync(join(fixtures, 'bad-rows.csv')));
    out.write(`huge@field.example,Huge,Field,Big Data Inc,,US,,"${'x'.repeat(5 * 1024 * 1024)}"\n`);
    await new Promise<void>((resolve) => out.end(resolve));
    const rejectsPath = join(tmp, 'rejects.csv');

    deps.clock.advance(60_000);
    const report = await importLeads(deps, createReadStream(path), {
      source: 'tradeshow-2026',
      campaign: 'booth',
      rejects: createWriteStream(rejectsPath),
      fileName: 'bad-rows.csv',
    });

    expect(report.rejected).toEqual([
      { line: 3, reason: 'missing email' },
      { line: 4, reason: 'email is not a valid email address' },
      { line: 8, reason: expect.stringMatching(/^unclosed quote: a field opened with " on this line/) },
      { line: 10, reason: expect.stringMatching(/^has 7 fields but the header has 8/) },
      { line: 11, reason: expect.stringMatching(/^invalid UTF-8: .*--encoding latin1/) },
      { line: 15, reason: expect.stringMatching(/^record is 5,242,9\d\d characters long, over the limit of 1,048,576/) },
    ]);
    expect(report).toMatchObject({ rows: 12, imported: { created: 4, merged: 0 }, duplicatesInFile: 2, suppressed: 0, rejectedCount: 6, delimiter: ',' });

    // Good rows on both sides of the broken quote are in.
    for (const email of ['alan@turing.example', 'barbara@liskov.example', 'katherine@johnson.example']) expect(await lead(email), email).not.toBeNull();
    for (const email of ['not-an-email', 'edsger@dijkstra.example', 'margaret@hamilton.example', 'juergen@schmidhuber.example', 'huge@field.example']) {
      expect(await getLeadByEmail(deps.db, email), email).toBeNull();
    }
    // Duplicates merged: the first known value wins, a later row fills only the gap (title).
    const ada = await lead('ada@analytical.example');
    expect(ada?.lead).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', title: 'Countess', country: 'GB', phone: '+44 20 7946 0001', company: 'Analytical Engines' });
    expect(ada?.lead.attributes).toEqual({ Notes: 'Met at the booth, wants a demo' });
    expect(ada?.sources).toHaveLength(1);
    expect(ada?.firstTouch).toMatchObject({ channel: 'csv_import', source: 'tradeshow-2026', campaign: 'booth', detail: { import_id: report.importId, file: 'bad-rows.csv' } });
    expect((await lead('alan@turing.example'))?.lead.attributes).toEqual({ Notes: 'notes over\ntwo lines, quoted' });

    // The rejects file holds each bad row's line, reason and original fields.
    const rejects = readFileSync(rejectsPath, 'utf8').split('\r\n');
    expect(rejects[0]).toBe('line,reason,Email,First Name,Last Name,Company,Job Title,Country,Phone,Notes');
    expect(rejects[1]).toBe('3,missing email,,Charles,Babbage,Analytical Engines,Founder,GB,,no email on this row');
    expect(rejects.filter((l) => l !== '')).toHaveLength(7);
    expect(rejects[3]).toMatch(/^8,"unclosed quote.*","edsger@dijkstra\.example,Edsger,Dijkstra,""Mathematisch Centrum/);
  });

  it('records one audit entry per import, with counts and no addresses', async () => {
    const report = await importText('email,name\nau1@audit.example,A\nau2@audit.example,B\n,C\n', { actor: 'cli' });
    const { rows } = await deps.db.query<{ actor: string; action: string; data: Record<string, unknown> }>(
      `SELECT actor, action, data FROM audit_log WHERE subject_type = 'import' AND subject_id = $1`,
      [report.importId],
    );
    expect(rows).toEqual([
      {
        actor: 'cli',
        action: 'leads.imported',
        data: expect.objectContaining({ complete: true, source: 'test-list', rows: 3, created: 2, merged: 0, duplicatesInFile: 0, suppressed: 0, rejected: 1 }),
      },
    ]);
    expect(await countRows(`SELECT count(*)::int AS n FROM audit_log WHERE data::text LIKE '%@%'`)).toBe(0);
  });
});

describe('CSV import: headers, encodings and delimiters', () => {
  it('maps Chinese headers after a UTF-8 BOM, with unknown columns kept as attributes', async () => {
    const report = await importLeads(deps, createReadStream(join(fixtures, 'zh-headers.csv')), { source: 'expo-shanghai' });
    expect(report).toMatchObject({ rows: 2, imported: { created: 2 }, rejected: [] });
    const wang = await lead('wang.xm@example.cn');
    expect(wang?.lead).toMatchObject({ fullName: '王小明', company: '示例科技', title: '销售总监', phone: '+86 10 1234 5678', country: 'CN', industry: '软件' });
    expect(wang?.lead.attributes).toEqual({ 备注: '展会名单' });
    expect(wang?.lead.accountId).not.toBeNull();
    expect((await lead('lihua@qq.com'))?.lead.accountId).toBeNull(); // freemail: no company account
  });

  it('reads latin1 with --encoding and guesses a semicolon delimiter', async () => {
    const report = await importLeads(deps, createReadStream(join(fixtures, 'latin1-semicolon.csv')), { source: 'salon', encoding: 'latin1' });
    expect(report).toMatchObject({ rows: 2, imported: { created: 2 }, rejected: [], delimiter: ';', encoding: 'latin1' });
    expect((await lead('zoe@exemple.fr'))?.lead).toMatchObject({ firstName: 'Zoë', lastName: 'Dupré', company: 'Crème & Brûlée' });
    expect((await lead('francois@exemple.fr'))?.lead).toMatchObject({ firstName: 'François', lastName: 'Müller', country: 'FR', attributes: {} });
  });

  it('reads UTF-16LE with a byte-order mark', async () => {
    const bytes = iconv.encode('Email,Company\r\nutf16@wide.example,Größe GmbH\r\n', 'utf16le', { addBOM: true });
    const report = await importText(bytes, { encoding: 'utf16le' });
    expect(report).toMatchObject({ rows: 1, imported: { created: 1 }, rejected: [] });
    expect((await lead('utf16@wide.example'))?.lead.company).toBe('Größe GmbH');
  });

  it('follows an explicit map', async () => {
    const report = await importText('Work Email,Org,Personal Email,Internal ID\nmapped@map.example,Mapco,me@gmail.com,42\n', {
      map: { 'Work Email': 'email', Org: 'company', 'Personal Email': '-', 'Internal ID': 'attributes.crm_id' },
    });
    expect(report).toMatchObject({ imported: { created: 1 }, rejected: [] });
    expect((await lead('mapped@map.example'))?.lead).toMatchObject({ company: 'Mapco', attributes: { crm_id: '42' } });
  });

  it('refuses a file it cannot map, before storing anything', async () => {
    await expect(importText('Name,Company\nX,Y\n')).rejects.toThrow(/no email column found/);
    await expect(importText('Email,E-mail\na@b.example,c@d.example\n')).rejects.toBeInstanceOf(ValidationError);
    await expect(importText('Email\na@b.example\n', { encoding: 'klingon' })).rejects.toThrow(/unknown encoding "klingon"/);
    await expect(importText('Email\na@b.example\n', { source: ' ' })).rejects.toThrow(/needs a source/);
    await expect(importText('')).rejects.toThrow(/the file is empty/);
    expect(await getLeadByEmail(deps.db, 'a@b.example')).toBeNull();
  });
});

describe('CSV import: merging, suppression and attribution', () => {
  it('merges into leads already stored without erasing known values, keeping their first touch', async () => {
    const input = LeadInputSchema.parse({ email: 'known@merge.example', first_name: 'Kim', title: 'CFO', attributes: { tier: 'gold' } });
    await intakeLead(deps, input, { channel: 'web_form', source: 'pricing' }, 'test');
    const report = await importText('Email,First Name,Job Title,Phone,tier,Campaign\nKnown@Merge.example,Someone,Intern,+1 555 0100,silver,spring\n', { campaign: 'default' });
    expect(report).toMatchObject({ rows: 1, imported: { created: 0, merged: 1 }, duplicatesInFile: 0 });
    const detail = await lead('known@merge.example');
    expect(detail?.lead).toMatchObject({ firstName: 'Kim', title: 'CFO', phone: '+1 555 0100', attributes: { tier: 'gold' } });
    expect(detail?.firstTouch).toMatchObject({ channel: 'web_form', source: 'pricing' });
    expect(detail?.latestTouch).toMatchObject({ channel: 'csv_import', source: 'test-list', campaign: 'spring' }); // the row's campaign wins over --campaign
  });

  it('counts duplicates across batches as duplicates, and merges them by the same rule', async () => {
    const csv = ['email,first_name,last_name,title', 'd1@dup.example,Dee,,', 'd2@dup.example,,,', 'd3@dup.example,,,', 'D1@dup.example,Other,One,Boss', 'd2@dup.example,Two,,'].join('\n');
    const report = await importText(csv, { batchSize: 2 });
    expect(report).toMatchObject({ rows: 5, imported: { created: 3, merged: 0 }, duplicatesInFile: 2 });
    expect((await lead('d1@dup.example'))?.lead).toMatchObject({ firstName: 'Dee', lastName: 'One', title: 'Boss' });
    expect((await lead('d2@dup.example'))?.lead.firstName).toBe('Two');
    // One touch per person and import, however often the file names them.
    const d1 = await lead('d1@dup.example');
    expect(d1?.sources).toHaveLength(1);
    // Importing the same file again changes nothing but adds a touch: every row merges into itself.
    const again = await importText(csv, { batchSize: 2 });
    expect(again).toMatchObject({ imported: { created: 0, merged: 3 }, duplicatesInFile: 2 });
    expect(await countRows(`SELECT count(*)::int AS n FROM leads WHERE email LIKE '%@dup.example'`)).toBe(3);
    expect((await lead('d1@dup.example'))?.sources).toHaveLength(2);
  });

  it('skips suppressed addresses, domains and erased people, and reports them as suppressed', async () => {
    await addSuppression(deps.db, { kind: 'email', value: 'unsub@supp.example', reason: 'unsubscribed', createdBy: 'test' });
    await addSuppression(deps.db, { kind: 'domain', value: 'blocked.example', reason: 'manual', createdBy: 'test' });
    await eraseLead(deps, 'Erased@Supp.example', 'test');
    const report = await importText('email\nunsub@supp.example\nanyone@blocked.example\nerased@supp.example\nok@supp.example\n');
    expect(report).toMatchObject({ rows: 4, imported: { created: 1, merged: 0 }, suppressed: 3, rejected: [] });
    expect(await countRows(`SELECT count(*)::int AS n FROM leads WHERE email IN ('unsub@supp.example', 'anyone@blocked.example', 'erased@supp.example')`)).toBe(0);
  });

  it('imports a large file streamed in small batches', async () => {
    const rows = 5000;
    async function* generate() {
      yield 'Email,First Name,Company\n';
      for (let i = 0; i < rows; i += 500) yield Array.from({ length: 500 }, (_, k) => `bulk${i + k}@bulk${(i + k) % 50}.example,N${i + k},Bulk ${(i + k) % 50}\n`).join('');
    }
    deps.clock.advance(60_000);
    const report = await importLeads(deps, generate(), { source: 'bulk', batchSize: 700 });
    expect(report).toMatchObject({ rows, imported: { created: rows, merged: 0 }, rejected: [] });
    expect(await countRows(`SELECT count(*)::int AS n FROM accounts WHERE domain LIKE 'bulk%.example'`)).toBe(50);
    // Each new lead is one row: its first touch is kept on it, and no later touch exists yet.
    expect(await countRows(`SELECT count(*)::int AS n FROM leads WHERE email LIKE 'bulk%' AND first_channel = 'csv_import' AND first_source = 'bulk'`)).toBe(rows);
    expect(await countRows(`SELECT count(*)::int AS n FROM lead_sources s JOIN leads l ON l.id = s.lead_id WHERE l.email LIKE 'bulk%'`)).toBe(0);
  });
});

describe('CSV import of broken quoting', () => {
  it('loses only the row with an unclosed quote, even when a later quote would close it', async () => {
    const csv = [
      'Email,Name,Company,Notes',
      'q1@quote.example,Q One,"Quote, Inc",fine',
      'q2@quote.example,Q Two,"Unclosed Corp,never closed',
      'q3@quote.example,Q Three,Plain,after the broken one',
      'q4@quote.example,Q Four,"Quoted, Too","a note, with a comma"',
      'q5@quote.example,Q Five,Last,"multi',
      'line note"',
      'q6@quote.example,Q Six 5\'10",Tall Ltd,an inch mark is not a quote',
    ].join('\n');
    const report = await importText(csv);
    expect(report.rejected).toEqual([
      { line: 3, reason: expect.stringMatching(/^(broken quoting|unclosed quote)/) },
      { line: 8, reason: 'broken quoting: a quote inside an unquoted field (quote the whole field and write the quote as "")' },
    ]);
    expect(report).toMatchObject({ rows: 6, imported: { created: 4 } });
    expect((await lead('q4@quote.example'))?.lead).toMatchObject({ company: 'Quoted, Too', attributes: { Notes: 'a note, with a comma' } });
    expect((await lead('q5@quote.example'))?.lead.attributes).toEqual({ Notes: 'multi\nline note' });
  });
});

describe('CSV import that cannot finish', () => {
  it('keeps whole batches when the database fails mid-import, and stores nothing of the failing one', async () => {
    let calls = 0;
    const failing: AppDeps = {
      ...deps,
      db: Object.assign(Object.create(deps.db) as typeof deps.db, {
        transaction: <T>(fn: (tx: Parameters<Parameters<typeof deps.db.transaction>[0]>[0]) => Promise<T>) =>
          deps.db.transaction(async (tx) => {
            calls += 1;
            const result = await fn(tx);
            if (calls === 2) throw new Error('connection reset by peer');
            return result;
          }),
      }),
    };
    deps.clock.advance(60_000);
    const csv = `email\n${Array.from({ length: 7 }, (_, i) => `db${i}@dbfail.example`).join('\n')}\n`;
    const err = await importLeads(failing, Readable.from([Buffer.from(csv)]), { source: 'flaky-db', batchSize: 3 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IMPORT_ABORTED' });
    expect((err as Error).message).toMatch(/stopped while storing rows at line 5: connection reset by peer\. Rows up to line 4 are stored \(3 created/);
    expect(await countRows(`SELECT count(*)::int AS n FROM leads WHERE email LIKE 'db%@dbfail.example'`)).toBe(3);
  });


  it('keeps the batches already committed and says where it stopped', async () => {
    async function* failing() {
      yield 'email\n';
      yield Array.from({ length: 10 }, (_, i) => `stop${i}@halt.example\n`).join('');
      throw new Error('EIO: i/o error, read');
    }
    deps.clock.advance(60_000);
    const err = await importLeads(deps, failing(), { source: 'flaky', batchSize: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatonError);
    expect(err).toMatchObject({ code: 'IMPORT_ABORTED', fault: 'system' });
    expect((err as Error).message).toMatch(/stopped while reading the file at line 11: EIO.*Rows up to line 9 are stored \(8 created, 0 merged\)/);
    expect((err as BatonError).details?.report).toMatchObject({ rows: 10, imported: { created: 8 } });
    expect(await countRows(`SELECT count(*)::int AS n FROM leads WHERE email LIKE 'stop%@halt.example'`)).toBe(8);
    const audit = await countRows(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'leads.imported' AND data->>'complete' = 'false' AND data->>'source' = 'flaky'`);
    expect(audit).toBe(1);
  });
});
