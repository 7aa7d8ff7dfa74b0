/**
 * `npm run bench`: runs every section (or those named: `npm run bench -- import`), prints a table per
 * section on stdout, progress on stderr, and ends with one JSON line holding all figures.
 * Later issues add their sections to SECTIONS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection, SectionResult } from './lib/section.ts';
import { formatTable } from './lib/table.ts';
import { importSection } from './import/section.ts';
import { qualifySection } from './qualify/section.ts';
import { mailSection } from './mail/section.ts';
import { chatSection } from './chat/section.ts';

const SECTIONS: BenchSection[] = [importSection, qualifySection, mailSection, chatSection];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
  if (unknown.length) {
    console.error(`unknown bench section(s): ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const sections = wanted.length ? SECTIONS.filter((s) => wanted.includes(s.name)) : SECTIONS;
  const tmpDir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  const results: Record<string, SectionResult['figures'] & { error?: string }> = {};
  const started = new Date();
  try {
    for (const section of sections) {
      const log = (m: string) => console.error(`[${section.name}] ${m}`);
      const sectionDir = mkdtempSync(join(tmpDir, `${section.name}-`));
      try {
        const r = await section.run({ tmpDir: sectionDir, log });
        console.log(`\n== ${section.title} ==`);
        for (const t of r.tables) console.log(`\n${t.title}\n\n${formatTable(t.columns, t.rows)}`);
        console.log('');
        for (const note of r.notes) console.log(note);
        results[section.name] = r.figures;
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        console.log(`\n${section.title}: FAILED: ${message}`);
        results[section.name] = { error: message };
        process.exitCode = 1;
      } finally {
        rmSync(sectionDir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  console.log(`\n${JSON.stringify({ bench: 'baton', at: started.toISOString(), node: process.version, platform: `${process.platform}-${process.arch}`, sections: results })}`);
}

await main();
