/**
 * Trains the offline engine's intent model and rewrites src/domain/qualify/model/intent-weights.json.
 *
 *   npx tsx evals/train/train-intent.ts            # cross-validate, train on everything, write weights
 *   npx tsx evals/train/train-intent.ts --cv-only  # cross-validate only
 *
 * Training data: ../shared/evals/sample.jsonl, evals/datasets/dev.jsonl, evals/datasets/tune.jsonl
 * (when present) and evals/train/paraphrases.jsonl. The holdout set is never read here.
 * Deterministic: the same data gives a byte-identical weights file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCaseLines } from '../../src/app/eval/case.ts';
import { modelTextOf, qualifyOffline } from '../../src/domain/qualify/engine.offline.ts';
import { combineIntent } from '../../src/domain/qualify/model/ensemble.ts';
import { intentFeatures } from '../../src/domain/qualify/model/features.ts';
import { scoreIntent, type IntentWeights } from '../../src/domain/qualify/model/intent-model.ts';
import type { IntentDecision } from '../../src/domain/qualify/extract/intent.ts';
import type { Intent, QualifyInput } from '../../src/domain/qualify/types.ts';

const root = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));

const SOURCES = [
  { name: 'sample', file: root('../shared/evals/sample.jsonl') },
  { name: 'dev', file: root('evals/datasets/dev.jsonl') },
  { name: 'tune', file: root('evals/datasets/tune.jsonl') },
];
// Hand-written paraphrases (from the FORMAT.md definitions) and the labelled replies of the intent unit tests.
const PARAPHRASE_FILES = [
  { name: 'paraphrases', file: root('evals/train/paraphrases.jsonl') },
  { name: 'unit-tests', file: root('evals/train/intent-test-paraphrases.jsonl') },
];
const OUT = root('src/domain/qualify/model/intent-weights.json');

/** The intents the model scores; delivery notices and absence replies are left to exact rules. */
const CLASSES: readonly Intent[] = ['interested', 'question', 'objection', 'not_now', 'not_interested', 'referral', 'unsubscribe'];

export interface Example {
  readonly id: string;
  readonly source: string;
  readonly intent: Intent;
  readonly text: string;
  readonly rule: IntentDecision;
}

function ruleDecision(input: QualifyInput): IntentDecision {
  const q = qualifyOffline(input, undefined, null);
  const rule = q.flags.find((f) => f.startsWith('intent_rule:'))?.slice('intent_rule:'.length) ?? 'unknown';
  return { intent: q.intent, confidence: q.confidence, rule };
}

export function loadExamples(exclude: readonly string[] = []): Example[] {
  const out: Example[] = [];
  for (const src of SOURCES) {
    if (exclude.includes(src.name) || !existsSync(src.file)) continue;
    for (const line of parseCaseLines(readFileSync(src.file, 'utf8'))) {
      if (!('case' in line)) continue;
      const c = line.case;
      const input: QualifyInput = { reply: c.reply, date: c.date, channel: c.channel, lang: c.lang === 'zh' ? 'zh' : 'en', lead: c.lead, thread: c.thread };
      out.push({ id: c.id, source: src.name, intent: c.expected.intent, text: modelTextOf(input), rule: ruleDecision(input) });
    }
  }
  for (const src of PARAPHRASE_FILES) {
    if (exclude.includes(src.name) || !existsSync(src.file)) continue;
    readFileSync(src.file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .forEach((l, i) => {
        const p = JSON.parse(l) as { lang: 'en' | 'zh'; intent: Intent; text: string };
        const input: QualifyInput = { reply: p.text, date: '2026-05-04', channel: 'email', lang: p.lang };
        out.push({ id: `${src.name}-${i + 1}`, source: src.name, intent: p.intent, text: modelTextOf(input), rule: ruleDecision(input) });
      });
  }
  return out;
}

// ---- deterministic helpers ----

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const rnd = mulberry32(seed);
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

// ---- training ----

export interface TrainOptions {
  readonly l2: number;
  readonly epochs: number;
  readonly minDf: number;
  readonly lr: number;
}

// Chosen on 5-fold CV (--grid) with tune.jsonl in the data: the best model alone, and the ensemble on tune.jsonl,
// the one set the phrase rules were not written against.
export const DEFAULT_OPTIONS: TrainOptions = { l2: 3e-3, epochs: 40, minDf: 2, lr: 0.5 };
const SCALE = 1000;
const PRUNE_BELOW = 40;

/** Multinomial logistic regression by AdaGrad SGD over binary features; returns the weights file. */
export function train(examples: readonly Example[], opts: TrainOptions, version: string): IntentWeights {
  const docs = examples.filter((e) => CLASSES.includes(e.intent)).map((e) => ({ y: CLASSES.indexOf(e.intent), f: intentFeatures(e.text) }));
  const df = new Map<string, number>();
  for (const d of docs) for (const f of d.f) df.set(f, (df.get(f) ?? 0) + 1);
  const vocab = [...df.entries()].filter(([, n]) => n >= opts.minDf).map(([f]) => f).sort();
  const index = new Map(vocab.map((f, i) => [f, i]));
  const K = CLASSES.length;
  const W = new Float64Array(vocab.length * K);
  const G = new Float64Array(vocab.length * K).fill(1e-8);
  const b = new Float64Array(K);
  const Gb = new Float64Array(K).fill(1e-8);
  const rows = docs.map((d) => ({ y: d.y, idx: d.f.map((f) => index.get(f)).filter((i): i is number => i !== undefined) }));
  // Class weights balance the classes so a frequent intent does not swallow the rare ones.
  const counts = new Array<number>(K).fill(0);
  for (const r of rows) counts[r.y] = (counts[r.y] ?? 0) + 1;
  const cw = counts.map((c) => (c > 0 ? rows.length / (K * c) : 0));
  const logits = new Float64Array(K);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (const r of shuffled(rows, 17 + epoch)) {
      for (let k = 0; k < K; k++) {
        let z = b[k] ?? 0;
        for (const i of r.idx) z += W[i * K + k] ?? 0;
        logits[k] = z;
      }
      const max = Math.max(...logits);
      let total = 0;
      for (let k = 0; k < K; k++) total += Math.exp((logits[k] ?? 0) - max);
      for (let k = 0; k < K; k++) {
        const p = Math.exp((logits[k] ?? 0) - max) / total;
        const g = (p - (k === r.y ? 1 : 0)) * (cw[r.y] ?? 1);
        Gb[k] = (Gb[k] ?? 0) + g * g;
        b[k] = (b[k] ?? 0) - (opts.lr * g) / Math.sqrt(Gb[k] ?? 1);
        for (const i of r.idx) {
          const j = i * K + k;
          const gw = g + opts.l2 * (W[j] ?? 0);
          G[j] = (G[j] ?? 0) + gw * gw;
          W[j] = (W[j] ?? 0) - (opts.lr * gw) / Math.sqrt(G[j] ?? 1);
        }
      }
    }
  }
  const weights: Record<string, number[]> = {};
  vocab.forEach((f, i) => {
    const w = Array.from({ length: K }, (_, k) => Math.round((W[i * K + k] ?? 0) * SCALE));
    // Features whose every weight is tiny change no decision; leaving them out keeps the file small.
    if (w.some((x) => Math.abs(x) >= PRUNE_BELOW)) weights[f] = w;
  });
  return { version, scale: SCALE, classes: [...CLASSES], bias: Array.from(b, (x) => Math.round(x * SCALE)), weights };
}

// ---- evaluation ----

interface Scored {
  readonly e: Example;
  readonly model: Intent;
  readonly ensemble: Intent;
}

function macroF1(pairs: readonly { gold: Intent; pred: Intent }[]): { acc: number; f1: number } {
  const labels = new Set<Intent>();
  for (const p of pairs) {
    labels.add(p.gold);
    labels.add(p.pred);
  }
  let sum = 0;
  for (const l of labels) {
    const tp = pairs.filter((p) => p.gold === l && p.pred === l).length;
    const fp = pairs.filter((p) => p.gold !== l && p.pred === l).length;
    const fn = pairs.filter((p) => p.gold === l && p.pred !== l).length;
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  const acc = pairs.filter((p) => p.gold === p.pred).length / Math.max(1, pairs.length);
  return { acc, f1: labels.size === 0 ? 0 : sum / labels.size };
}

function scoreWith(model: IntentWeights, e: Example): Scored {
  const s = scoreIntent(model, e.text);
  return { e, model: s.ranked[0]?.intent ?? 'question', ensemble: combineIntent(e.rule, s).intent };
}

function report(label: string, scored: readonly Scored[]): void {
  const groups = [...new Set(scored.map((s) => s.e.source))].sort();
  for (const g of ['all', ...groups]) {
    const xs = scored.filter((s) => g === 'all' || s.e.source === g);
    const modelable = xs.filter((s) => CLASSES.includes(s.e.intent));
    const m = macroF1(modelable.map((s) => ({ gold: s.e.intent, pred: s.model })));
    const r = macroF1(xs.map((s) => ({ gold: s.e.intent, pred: s.e.rule.intent })));
    const en = macroF1(xs.map((s) => ({ gold: s.e.intent, pred: s.ensemble })));
    console.log(
      `${label.padEnd(22)} ${g.padEnd(12)} n=${String(xs.length).padStart(4)}  model acc ${m.acc.toFixed(3)} F1 ${m.f1.toFixed(3)}  |  rules acc ${r.acc.toFixed(3)} F1 ${r.f1.toFixed(3)}  |  ensemble acc ${en.acc.toFixed(3)} F1 ${en.f1.toFixed(3)}`,
    );
  }
}

export function crossValidate(examples: readonly Example[], opts: TrainOptions, folds = 5): Scored[] {
  // Stratified, deterministic folds: each intent's examples dealt round-robin after a seeded shuffle.
  const fold = new Map<string, number>();
  for (const intent of new Set(examples.map((e) => e.intent))) {
    shuffled(examples.filter((e) => e.intent === intent), 7).forEach((e, i) => fold.set(`${e.source}/${e.id}`, i % folds));
  }
  const out: Scored[] = [];
  for (let k = 0; k < folds; k++) {
    const test = examples.filter((e) => fold.get(`${e.source}/${e.id}`) === k);
    const model = train(examples.filter((e) => fold.get(`${e.source}/${e.id}`) !== k), opts, 'cv');
    out.push(...test.map((e) => scoreWith(model, e)));
  }
  return out;
}

function main(): void {
  const cvOnly = process.argv.includes('--cv-only');
  const grid = process.argv.includes('--grid');
  const examples = loadExamples();
  const bySource = [...new Set(examples.map((e) => e.source))].map((s) => `${s} ${examples.filter((e) => e.source === s).length}`);
  console.log(`examples: ${examples.length} (${bySource.join(', ')})`);

  const candidates: TrainOptions[] = grid
    ? [1e-4, 3e-4, 1e-3, 3e-3].flatMap((l2) => [1, 2].map((minDf) => ({ ...DEFAULT_OPTIONS, l2, minDf })))
    : [DEFAULT_OPTIONS];
  for (const opts of candidates) report(`cv l2=${opts.l2} df=${opts.minDf}`, crossValidate(examples, opts));

  // An unseen-set check: trained without tune.jsonl, scored on it.
  if (examples.some((e) => e.source === 'tune')) {
    const model = train(examples.filter((e) => e.source !== 'tune'), DEFAULT_OPTIONS, 'no-tune');
    report('train -tune, test tune', examples.filter((e) => e.source === 'tune').map((e) => scoreWith(model, e)));
  }
  if (cvOnly) return;
  const sources = [...new Set(examples.map((e) => e.source))].sort().join('+');
  const weights = train(examples, DEFAULT_OPTIONS, `lr-${sources}-${examples.length}`);
  writeFileSync(OUT, `${JSON.stringify(weights)}\n`);
  console.log(`wrote ${OUT}: ${Object.keys(weights.weights).length} features`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) main();
