import { describe, expect, it } from 'vitest';
import { corpusAvailable, DATA_DIR, measure } from './corpus.ts';

/**
 * Accuracy floors of the inbound-mail classifier on the shared corpus (../shared/data from the
 * repository root). The corpus is not part of the repository; without it these checks are skipped.
 */
const available = corpusAvailable();

describe.skipIf(!available)(`mail classifier on the corpus in ${DATA_DIR}`, () => {
  it('meets the accuracy floors: kind >= 0.97, hard/soft >= 0.95, status >= 0.95, replies >= 0.97', { timeout: 180_000 }, async () => {
    const m = await measure();
    const report = `kind ${m.kind.value.toFixed(3)}, hard/soft ${m.hardSoft.value.toFixed(3)}, status ${m.status.value.toFixed(3)}, replies ${m.replies.value.toFixed(3)}\n${m.misses.join('\n')}`;
    expect(m.kind.total, 'labelled corpus files').toBeGreaterThan(250);
    expect(m.kind.value, report).toBeGreaterThanOrEqual(0.97);
    expect(m.hardSoft.value, report).toBeGreaterThanOrEqual(0.95);
    expect(m.status.value, report).toBeGreaterThanOrEqual(0.95);
    expect(m.replies.value, report).toBeGreaterThanOrEqual(0.97);
    // Every file yields a verdict: a broken message in the corpus would show as an error, not a crash.
    expect(m.outcomes.filter((o) => o.verdict === null).map((o) => `${o.file}: ${o.error}`)).toEqual([]);
  });
});

describe.skipIf(available)('mail classifier on the corpus', () => {
  it.skip(`skipped: the shared corpus is not at ${DATA_DIR} (bounces/labels.csv and replies/)`, () => {});
});
