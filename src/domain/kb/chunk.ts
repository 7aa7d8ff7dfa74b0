import type { Passage } from './types.ts';

/**
 * Markdown knowledge files cut into passages: one per section (headings # to ###), each knowing its
 * heading path ("Security > Data residency") and anchor, long sections split at paragraph boundaries.
 * Pure: the caller reads the file and passes its text.
 */

export interface ChunkOptions {
  /** A section longer than this is split at paragraph boundaries; characters, default 800. */
  readonly targetChars?: number;
  /** No passage is longer than this: a longer paragraph is split at sentences, then cut; default 1600. */
  readonly maxChars?: number;
}

export interface ChunkedDocument {
  /** The first `#` heading, else the front matter's `title`, else the file name without extension. */
  readonly title: string;
  /** In file order; ids `<documentId>#<ord>` with ord from 0. */
  readonly passages: Passage[];
}

const HEADING = /^(#{1,3})[ \t]+(.+?)[ \t]*#*[ \t]*$/;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;

/**
 * The slug of a heading, as Markdown renderers make anchors: lower case, punctuation dropped, spaces
 * to hyphens; letters of every script (Chinese included) kept.
 */
export function slugify(heading: string): string {
  return heading
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s+/g, '-');
}

/** What the embedder sees for a passage: its place in the document, then its text. */
export function passageEmbeddingText(p: Pick<Passage, 'heading' | 'body'>): string {
  return `${p.heading}\n\n${p.body}`;
}

interface Section {
  /** Headings from level 1 to the section's own; undefined where a level was skipped. */
  readonly path: readonly string[];
  readonly anchor: string | null;
  readonly lines: string[];
}

function stripFrontMatter(lines: string[]): { lines: string[]; title: string | null } {
  if (lines[0]?.trim() !== '---') return { lines, title: null };
  const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
  if (end < 0) return { lines, title: null };
  let title: string | null = null;
  for (const l of lines.slice(1, end)) {
    const m = /^title:\s*(.+?)\s*$/.exec(l);
    if (m?.[1]) title = m[1].replace(/^(['"])(.*)\1$/, '$2');
  }
  return { lines: lines.slice(end + 1), title };
}

function fileTitle(documentId: string): string {
  const base = documentId.split('/').at(-1) ?? documentId;
  return base.replace(/\.(md|markdown)$/i, '');
}

/** Paragraphs (blank-line separated), a fenced code block kept whole as one paragraph. */
function paragraphs(lines: readonly string[]): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let fence: string | null = null;
  const flush = () => {
    const text = cur.join('\n').replace(/^\n+|\s+$/g, '');
    if (text.trim()) out.push(text);
    cur = [];
  };
  for (const line of lines) {
    const m = FENCE.exec(line);
    if (fence) {
      cur.push(line);
      if (m?.[1] && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = null;
      continue;
    }
    if (m?.[1]) {
      fence = m[1];
      cur.push(line);
      continue;
    }
    if (line.trim() === '') flush();
    else cur.push(line);
  }
  flush();
  return out;
}

/** Sentence ends in Latin and Chinese text; the end mark stays with its sentence. */
const SENTENCE = /[^.!?。！？]+(?:[.!?]+(?=\s|$)|[。！？]+|$)|[.!?。！？]+/gu;

function splitLong(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let cur = '';
  for (const s of text.match(SENTENCE) ?? [text]) {
    if (cur && cur.length + s.length > max) {
      parts.push(cur.trim());
      cur = '';
    }
    cur += s;
    while (cur.length > max) {
      parts.push(cur.slice(0, max).trim());
      cur = cur.slice(max);
    }
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts.filter((p) => p.length > 0);
}

/** Paragraphs packed into bodies of about `target` characters, none longer than `max`. */
function pack(paras: readonly string[], target: number, max: number): string[] {
  const bodies: string[] = [];
  let cur = '';
  for (const para of paras.flatMap((p) => splitLong(p, max))) {
    const joined = cur ? `${cur}\n\n${para}` : para;
    if (cur && (joined.length > max || cur.length >= target || joined.length > target * 1.25)) {
      bodies.push(cur);
      cur = para;
    } else {
      cur = joined;
    }
  }
  if (cur) bodies.push(cur);
  return bodies;
}

export function chunkMarkdown(documentId: string, text: string, options: ChunkOptions = {}): ChunkedDocument {
  const target = options.targetChars ?? 800;
  const max = Math.max(target, options.maxChars ?? 1600);
  const raw = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const { lines, title: frontTitle } = stripFrontMatter(raw);

  const sections: Section[] = [];
  let current: Section = { path: [], anchor: null, lines: [] };
  sections.push(current);
  const seenAnchors = new Map<string, number>();
  let fence: string | null = null;
  let h1: string | null = null;
  for (const line of lines) {
    const f = FENCE.exec(line);
    if (fence) {
      if (f?.[1] && f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = null;
      current.lines.push(line);
      continue;
    }
    if (f?.[1]) {
      fence = f[1];
      current.lines.push(line);
      continue;
    }
    const h = HEADING.exec(line);
    if (!h?.[1] || !h[2]) {
      current.lines.push(line);
      continue;
    }
    const level = h[1].length;
    const heading = h[2].trim();
    if (level === 1) h1 ??= heading;
    const path = [...current.path.slice(0, level - 1)];
    while (path.length < level - 1) path.push('');
    path.push(heading);
    // Two sections with one heading get distinct anchors, as renderers do: faq, faq-1, faq-2.
    const base = slugify(heading) || 'section';
    const n = seenAnchors.get(base) ?? 0;
    seenAnchors.set(base, n + 1);
    current = { path, anchor: n === 0 ? base : `${base}-${n}`, lines: [] };
    sections.push(current);
  }

  const title = h1 ?? frontTitle ?? fileTitle(documentId);
  const passages: Passage[] = [];
  for (const s of sections) {
    const names = s.path.filter((p) => p !== '');
    const heading = names.length ? names.join(' > ') : title;
    for (const body of pack(paragraphs(s.lines), target, max)) {
      const ord = passages.length;
      passages.push({ id: `${documentId}#${ord}`, documentId, title, heading, anchor: s.anchor, body });
    }
  }
  return { title, passages };
}
