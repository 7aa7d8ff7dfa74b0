import type { QualificationEngine, QualifyInput } from '../../domain/qualify/types.ts';
import { parseCaseLines, type CaseLine } from './case.ts';
import { computeMetrics, type Metrics, type TokenPrice } from './metrics.ts';
import type { PredictionLine } from './prediction.ts';
import { runCases, type Clock } from './run.ts';

export interface Evaluation {
  lines: CaseLine[];
  predictions: PredictionLine[];
  metrics: Metrics;
}

// Short inputs in both languages that touch every extractor once, so the first timed case does not
// pay for regex compilation and date-library start-up.
const WARM_UP: readonly QualifyInput[] = [
  { reply: 'Yes, we have $40k set aside and want it live by end of Q2. I sign off on this. Can we book a demo next week?', date: '2026-03-02', channel: 'email', lead: { title: 'VP Operations', country: 'US' } },
  { reply: '预算二三十万，希望下个月底前上线，这事我可以拍板。\n\n------------------ 原始邮件 ------------------\n发件人: a', date: '2026-05-13', channel: 'email' },
  { reply: 'Not the right person, talk to Raj Patel (raj@x.com). Please remove me from your list.', date: '2026-05-13', channel: 'chat' },
  {
    reply:
      'We want it live by July 1st, pick a vendor in August, robots running by the end of September, go-live on 1 September or 9/30 at the latest (2026-09-30), mid-July, early next year, January 2027, a conference in feb, by Sept. 15th, the 15th of October, June 30th 2027, Thursday 3pm.\n\nOn Mon, Mar 2, 2026 at 9:14 AM Sam <s@x.io> wrote:\n> budget?',
    date: '2026-04-07',
    channel: 'email',
  },
  { reply: 'Automatic reply: I am out of the office until 13 April with limited access to email.', date: '2026-03-30', channel: 'email' },
  { reply: 'Delivery Status Notification (Failure)\nFinal-Recipient: rfc822; a@b.c\nAction: failed\nStatus: 5.1.1', date: '2026-03-30', channel: 'email' },
];

/** Run the engine untimed on a few inputs; failures here surface later on real cases, so they are ignored. */
export async function warmUp(engine: QualificationEngine): Promise<void> {
  for (const input of WARM_UP) {
    try {
      await engine.qualify(input);
    } catch {
      // The timed run reports errors per case.
    }
  }
}

/** Evaluate an engine on the text of a case file: predictions in file order and the FORMAT.md metrics. */
export async function evaluateDataset(
  text: string,
  engine: QualificationEngine,
  opts: { clock: Clock; dataset?: string; price?: TokenPrice; warm?: boolean },
): Promise<Evaluation> {
  const lines = parseCaseLines(text);
  if (opts.warm !== false) await warmUp(engine);
  const predictions = await runCases(lines, engine, opts.clock);
  const metrics = computeMetrics(lines, predictions, { engine: engine.name, ...(opts.dataset ? { dataset: opts.dataset } : {}), ...(opts.price ? { price: opts.price } : {}) });
  return { lines, predictions, metrics };
}
