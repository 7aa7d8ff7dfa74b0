import { describe, expect, it } from 'vitest';
import { cosine, embedText, isZeroVector, OFFLINE_EMBEDDING_DIMS } from './hashed.ts';

describe('the offline hashed embedder', () => {
  it('is deterministic, 256 wide and unit length', () => {
    const a = embedText('We need a CRM integration for our sales team');
    expect(a).toHaveLength(OFFLINE_EMBEDDING_DIMS);
    expect(embedText('We need a CRM integration for our sales team')).toEqual(a);
    expect(Math.hypot(...a)).toBeCloseTo(1, 10);
  });

  it('ranks a paraphrase above an unrelated text (English)', () => {
    const q = embedText('We have budget for a CRM integration this quarter');
    const near = embedText('Our budget covers the CRM integration, ideally this quarter');
    const far = embedText('Please unsubscribe me from this mailing list');
    expect(cosine(q, near)).toBeGreaterThan(cosine(q, far) + 0.2);
  });

  it('ranks a paraphrase above an unrelated text (Chinese, no spaces)', () => {
    const q = embedText('我们需要一个销售自动化工具，预算大约五万美元');
    const near = embedText('我们的预算是五万美元，需要销售自动化');
    const far = embedText('请不要再给我发邮件了');
    expect(cosine(q, near)).toBeGreaterThan(cosine(q, far) + 0.2);
  });

  it('is case and width insensitive', () => {
    expect(cosine(embedText('Budget APPROVED'), embedText('budget approved'))).toBeCloseTo(1, 10);
    expect(cosine(embedText('ＣＲＭ'), embedText('crm'))).toBeCloseTo(1, 10);
  });

  it('gives an all-zero vector for text without words', () => {
    expect(isZeroVector(embedText('  ...!! '))).toBe(true);
    expect(isZeroVector(embedText('ok'))).toBe(false);
    expect(cosine(embedText(''), embedText('ok'))).toBe(0);
  });
});
