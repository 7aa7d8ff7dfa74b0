/**
 * What the hybrid engine saves: the share of messages the offline engine is sure enough about
 * (confidence >= BATON_HYBRID_MIN_CONFIDENCE's default 0.75, not flagged low_confidence) to skip the
 * model, and how many of the kept and the sent answers are wrong (intent or MQL). Aggregates only.
 *   npx tsx evals/hybrid-share.ts [--min 0.75]
 */
import { readFileSync } from 'node:fs';
import { OfflineEngine } from '../src/domain/qualify/engine.offline.ts';
const eng = new OfflineEngine();
const at = process.argv.indexOf('--min');
const min = at > 0 ? Number(process.argv[at + 1]) : 0.75;
for (const f of ['../shared/evals/sample.jsonl', 'evals/datasets/dev.jsonl', 'evals/datasets/tune.jsonl', 'evals/datasets/holdout.jsonl']) {
  const lines = readFileSync(f, 'utf8').split('\n').filter((l) => l.trim());
  let skip = 0;
  let skipWrong = 0;
  let sent = 0;
  let sentWrong = 0;
  for (const l of lines) {
    const c = JSON.parse(l) as { reply: string; date: string; channel: 'email' | 'chat'; thread?: { from: 'us' | 'lead'; text: string }[]; lead?: Record<string, never>; expected: { intent: string; mql: boolean } };
    const q = await eng.qualify({ reply: c.reply, date: c.date, channel: c.channel, ...(c.thread ? { thread: c.thread } : {}), ...(c.lead ? { lead: c.lead } : {}) });
    const sure = q.confidence >= min && !q.flags.includes('low_confidence');
    const wrong = q.intent !== c.expected.intent || q.mql !== c.expected.mql;
    if (sure) {
      skip++;
      if (wrong) skipWrong++;
    } else {
      sent++;
      if (wrong) sentWrong++;
    }
  }
  console.log(f, JSON.stringify({ cases: lines.length, model_calls_saved: +(skip / lines.length).toFixed(3), wrong_among_kept: skipWrong, sent_to_model: sent, wrong_among_sent: sentWrong }));
}
