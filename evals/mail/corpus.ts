import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectRaw } from '../../src/app/inspect-mail.ts';
import type { MailKind, MailVerdict } from '../../src/domain/mail/classify.ts';

/**
 * The shared mail corpus (../shared/data from the repository root, never copied into the repo) and
 * the measurement of the inbound-mail classifier on it.
 */

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The shared data directory, resolved from the repository root. */
export const DATA_DIR = join(REPO_ROOT, '..', 'shared', 'data');

/** One bounce-corpus file and its expected verdict (from labels.csv, recipient_index 1). */
export interface LabelledMail {
  readonly file: string;
  readonly path: string;
  /** From `reason`: feedback -> complaint, vacation -> auto_reply, delivered -> delivery_report, else bounce. */
  readonly kind: MailKind;
  readonly hard: boolean | null;
  /** dsn_status, '' when unlabelled. */
  readonly status: string;
  readonly reason: string;
  /** true when the file has no label row and the kind comes from its name (arf-, rfc3834-, else bounce). */
  readonly inferred: boolean;
}

export function corpusAvailable(dataDir = DATA_DIR): boolean {
  return existsSync(join(dataDir, 'bounces', 'labels.csv')) && existsSync(join(dataDir, 'replies'));
}

function kindOfReason(reason: string): MailKind {
  if (reason === 'feedback') return 'complaint';
  if (reason === 'vacation') return 'auto_reply';
  if (reason === 'delivered') return 'delivery_report';
  return 'bounce';
}

/** The labelled bounce corpus: eml/ files with their expected verdicts. */
export function loadBounceCorpus(dataDir = DATA_DIR): LabelledMail[] {
  const base = join(dataDir, 'bounces');
  const rows = readFileSync(join(base, 'labels.csv'), 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
  const labels = new Map<string, { status: string; reason: string; hard: string }>();
  for (const row of rows) {
    const [file = '', index = '', , status = '', , reason = '', hard = ''] = row.split(',');
    if (index === '1') labels.set(file, { status, reason, hard });
  }
  return readdirSync(join(base, 'eml'))
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((file) => {
      const label = labels.get(file);
      const path = join(base, 'eml', file);
      if (label) {
        return { file, path, kind: kindOfReason(label.reason), hard: label.hard === '' ? null : label.hard === 'true', status: label.status, reason: label.reason, inferred: false };
      }
      const kind: MailKind = file.startsWith('arf-') ? 'complaint' : file.startsWith('rfc3834-') ? 'auto_reply' : 'bounce';
      return { file, path, kind, hard: null, status: '', reason: '', inferred: true };
    });
}

/** Files in bounces/not/: messages that are not bounces. */
export function loadNonBounces(dataDir = DATA_DIR): { file: string; path: string }[] {
  const dir = join(dataDir, 'bounces', 'not');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((file) => ({ file, path: join(dir, file) }));
}

/** Reply fixtures: bodies of human replies with quoted history, wrapped into a minimal message. */
export function loadReplyFixtures(dataDir = DATA_DIR): { file: string; raw: Buffer }[] {
  const base = join(dataDir, 'replies');
  const out: { file: string; raw: Buffer }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.txt')) out.push({ file: relative(base, path), raw: wrapReply(readFileSync(path)) });
    }
  };
  walk(base);
  return out;
}

/** A reply body as the message a lead would send back to a sequence email. */
export function wrapReply(body: Buffer): Buffer {
  const head = [
    'From: Lead <lead@example.com>',
    'To: SDR <sdr@baton.example>',
    'Subject: Re: Quick question',
    'Date: Tue, 05 Mar 2024 10:00:00 +0000',
    'Message-ID: <reply-fixture@example.com>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'utf8'), body]);
}

/** One file's outcome. */
export interface Outcome {
  readonly file: string;
  readonly expected: LabelledMail | null;
  readonly verdict: MailVerdict | null;
  readonly error: string;
}

/** Accuracy figures of one run. */
export interface Measurement {
  readonly kind: Ratio;
  readonly kindWithUnlabelled: Ratio;
  readonly hardSoft: Ratio;
  readonly status: Ratio;
  readonly replies: Ratio;
  readonly nonBounces: Ratio;
  readonly misses: readonly string[];
  readonly outcomes: readonly Outcome[];
}

export interface Ratio {
  readonly correct: number;
  readonly total: number;
  readonly value: number;
}

function ratio(correct: number, total: number): Ratio {
  return { correct, total, value: total === 0 ? 0 : correct / total };
}

const NOW = new Date('2024-03-05T10:00:00Z');

async function classifyFile(raw: Buffer): Promise<{ verdict: MailVerdict | null; error: string }> {
  try {
    return { verdict: await inspectRaw(raw, NOW), error: '' };
  } catch (e) {
    return { verdict: null, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Run the classifier over the corpus and the reply fixtures. */
export async function measure(dataDir = DATA_DIR): Promise<Measurement> {
  const outcomes: Outcome[] = [];
  const misses: string[] = [];
  let kindOk = 0;
  let kindN = 0;
  let allOk = 0;
  let allN = 0;
  let hardOk = 0;
  let hardN = 0;
  let statusOk = 0;
  let statusN = 0;
  for (const expected of loadBounceCorpus(dataDir)) {
    const { verdict, error } = await classifyFile(readFileSync(expected.path));
    outcomes.push({ file: expected.file, expected, verdict, error });
    const kindRight = verdict?.kind === expected.kind;
    allN++;
    if (kindRight) allOk++;
    const problems: string[] = [];
    if (!kindRight) problems.push(`kind ${verdict?.kind ?? `error (${error})`} != ${expected.kind}`);
    if (!expected.inferred) {
      kindN++;
      if (kindRight) kindOk++;
      if (expected.kind === 'bounce' && expected.hard !== null) {
        hardN++;
        if (verdict?.kind === 'bounce' && verdict.bounce?.hard === expected.hard) hardOk++;
        else if (kindRight) problems.push(`hard ${String(verdict?.bounce?.hard)} != ${String(expected.hard)}`);
      }
      if (expected.kind === 'bounce' && expected.status !== '') {
        statusN++;
        if (verdict?.kind === 'bounce' && verdict.bounce?.status === expected.status) statusOk++;
        else if (kindRight) problems.push(`status ${verdict?.bounce?.status ?? '-'} != ${expected.status}`);
      }
    }
    if (problems.length > 0) {
      const got = verdict?.bounce ? ` [got ${verdict.bounce.reason} ${verdict.bounce.status} ${verdict.bounce.recipient}]` : '';
      misses.push(`${expected.file}${expected.inferred ? ' (unlabelled)' : ''}: ${problems.join('; ')}${expected.reason ? ` (label ${expected.reason})` : ''}${got}`);
    }
  }
  let notOk = 0;
  const nonBounces = loadNonBounces(dataDir);
  for (const nb of nonBounces) {
    const { verdict, error } = await classifyFile(readFileSync(nb.path));
    outcomes.push({ file: `not/${nb.file}`, expected: null, verdict, error });
    if (verdict && verdict.kind !== 'bounce') notOk++;
    else misses.push(`not/${nb.file}: kind ${verdict?.kind ?? `error (${error})`}, expected not a bounce`);
  }
  let replyOk = 0;
  const replies = loadReplyFixtures(dataDir);
  for (const r of replies) {
    const { verdict, error } = await classifyFile(r.raw);
    outcomes.push({ file: `replies/${r.file}`, expected: null, verdict, error });
    if (verdict?.kind === 'reply') replyOk++;
    else misses.push(`replies/${r.file}: kind ${verdict?.kind ?? `error (${error})`} != reply`);
  }
  return {
    kind: ratio(kindOk, kindN),
    kindWithUnlabelled: ratio(allOk, allN),
    hardSoft: ratio(hardOk, hardN),
    status: ratio(statusOk, statusN),
    replies: ratio(replyOk, replies.length),
    nonBounces: ratio(notOk, nonBounces.length),
    misses,
    outcomes,
  };
}
