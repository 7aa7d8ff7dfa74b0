/**
 * Measure the inbound-mail classifier on the shared corpus:
 *   npx tsx evals/mail/measure.ts [--json] [--verbose]
 * Prints kind accuracy, hard/soft accuracy, status-code accuracy, reply-fixture accuracy and every miss.
 */
import { corpusAvailable, DATA_DIR, measure, type Ratio } from './corpus.ts';

const args = new Set(process.argv.slice(2));
if (!corpusAvailable()) {
  console.error(`The corpus is not at ${DATA_DIR} (expected bounces/labels.csv and replies/).`);
  process.exit(2);
}

const m = await measure();
const pct = (r: Ratio): string => `${(r.value * 100).toFixed(1)}% (${r.correct}/${r.total})`;

if (args.has('--json')) {
  console.log(JSON.stringify({ kind: m.kind, kindWithUnlabelled: m.kindWithUnlabelled, hardSoft: m.hardSoft, status: m.status, replies: m.replies, nonBounces: m.nonBounces, misses: m.misses }));
} else {
  console.log(`kind accuracy (labelled bounce corpus)     ${pct(m.kind)}`);
  console.log(`kind accuracy (with unlabelled, by name)   ${pct(m.kindWithUnlabelled)}`);
  console.log(`hard/soft accuracy (labelled bounces)      ${pct(m.hardSoft)}`);
  console.log(`status-code accuracy (labelled dsn_status) ${pct(m.status)}`);
  console.log(`reply fixtures classified as reply         ${pct(m.replies)}`);
  console.log(`bounces/not/ classified as not a bounce    ${pct(m.nonBounces)}`);
  console.log(`\nmisclassified (${m.misses.length}):`);
  for (const miss of m.misses) console.log(`  ${miss}`);
  if (args.has('--verbose')) {
    console.log('\nall verdicts:');
    for (const o of m.outcomes) {
      const b = o.verdict?.bounce;
      console.log(`  ${o.file}: ${o.verdict?.kind ?? o.error}${b ? ` ${b.reason} ${b.status} hard=${String(b.hard)} ${b.recipient}` : ''}${o.verdict?.returnDate ? ` back ${o.verdict.returnDate}` : ''}`);
    }
  }
}
