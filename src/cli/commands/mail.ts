import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { inspectMailFiles, type InspectLine } from '../../app/inspect-mail.ts';
import { EXIT, ExitCode } from '../main.ts';

/**
 * `baton mail inspect FILE.eml... [--json]`: classify raw inbound messages (reply, auto-reply, bounce,
 * complaint, delivery report) without touching the database.
 */
export function registerMailCommands(program: Command): void {
  const mail = program.command('mail').description('inspect inbound mail: replies, auto-replies, bounces, complaints');

  mail
    .command('inspect')
    .description('classify raw RFC 5322 messages; with --json one JSON line per file; exits non-zero if any file could not be read or parsed')
    .argument('<files...>', 'raw message files (.eml)')
    .option('--json', 'print one JSON line per file: {"file","kind","bounce","return_date","visible_text"}')
    .action(async (files: string[], opts: { json?: boolean }) => inspectCommand(files, opts.json === true));
}

async function inspectCommand(files: string[], json: boolean): Promise<void> {
  let failed = 0;
  let ok = 0;
  const rows: string[][] = [];
  for await (const result of inspectMailFiles(files, { readFile: (path) => readFile(path), now: () => new Date() })) {
    if ('error' in result) {
      failed++;
      if (json) console.log(JSON.stringify({ file: result.file, error: result.error }));
      else rows.push([result.file, 'error', '', '', '', '', result.error]);
      continue;
    }
    ok++;
    if (json) console.log(JSON.stringify(result.line));
    else rows.push(tableRow(result.line, result.verdict.bounce?.reason ?? ''));
  }
  if (!json) printTable(rows);
  if (failed > 0) throw new ExitCode(ok > 0 ? EXIT.partial : EXIT.failed);
}

function tableRow(line: InspectLine, reason: string): string[] {
  const b = line.bounce;
  const note = line.kind === 'reply' || line.kind === 'auto_reply' ? firstLine(line.visible_text) : reason;
  return [line.file, line.kind, b ? (b.hard ? 'hard' : 'soft') : '', b?.status ?? '', b?.recipient ?? '', line.return_date ?? '', note];
}

function firstLine(text: string): string {
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return first.length > 60 ? `${first.slice(0, 57)}...` : first;
}

function printTable(rows: string[][]): void {
  const header = ['FILE', 'KIND', 'BOUNCE', 'STATUS', 'RECIPIENT', 'BACK ON', 'NOTE'];
  const all = [header, ...rows];
  // The last column is free text; the others are padded to their widest cell.
  const widths = header.map((_, i) => (i === header.length - 1 ? 0 : Math.max(...all.map((r) => (r[i] ?? '').length))));
  for (const r of all) console.log(r.map((cell, i) => (i === header.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}
