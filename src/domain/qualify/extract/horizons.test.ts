import { describe, expect, it } from 'vitest';
import { fold } from '../text.ts';
import { daysBetween, parseIsoDate } from './calendar.ts';
import { findHorizons } from './horizons.ts';

function days(date: string, text: string): number | null {
  const ref = parseIsoDate(date);
  const [h] = findHorizons(fold(text), ref);
  expect(h, `a horizon in "${text}"`).toBeDefined();
  return h?.date ? daysBetween(ref, h.date) : null;
}

describe('findHorizons resolves relative dates against the reply date', () => {
  it.each([
    ['2026-03-02', 'We set aside about $40k for this in Q2', 120],
    ['2026-04-07', 'want it live by July 1, when our new fiscal year starts', 85],
    ['2026-06-15', 'robots picking by the end of September', 107],
    ['2026-02-17', 'live before the end of this quarter', 42],
    ['2026-06-01', 'expect to buy something in August', 91],
    ['2026-05-04', 'We move into the new Munich office on 1 September', 120],
    ['2026-10-05', 'live by the end of Q1 next year', 177],
    ['2026-06-22', 'before peak starts on November 1', 132],
    ['2026-02-10', 'Our next budget cycle starts in January 2027', 355],
    ['2026-05-01', 'within 6 weeks', 42],
    ['2026-05-01', 'next quarter', 152],
    ['2026-05-01', 'next month', 60],
    ['2026-05-01', 'by end of March', 334],
    ['2026-03-02', 'by end of March', 29],
    ['2026-05-01', 'in 2-3 months', 92],
    ['2026-05-01', 'a month or two', 61],
    ['2026-05-01', 'sometime in H2', 244],
    ['2026-05-01', 'over the next 90 days', 90],
    ['2026-05-01', 'early next year', 334],
    ['2026-05-01', 'in May', 30],
    ['2026-05-01', 'by mid-July', 75],
    ['2026-05-01', 'in 2027', 609],
    ['2026-05-01', 'by the fall', 123],
    ['2026-05-01', 'sometime in the fall', 213],
  ])('%s: %s', (date, text, expected) => {
    expect(days(date, text)).toBe(expected);
  });

  it.each([
    ['2026-05-13', '希望下个月底前能上线', 48],
    ['2026-07-20', '希望三个月内上线', 92],
    ['2026-03-20', '选型要等到明年下半年才会启动', 651],
    ['2026-05-01', 'Q3之前要上线', 60],
    ['2026-05-01', '年底前', 244],
    ['2026-05-01', '两三个月之内', 92],
    ['2026-05-01', '9月底', 152],
    ['2026-05-01', '明年3月', 334],
    ['2026-05-01', '明年Q1', 334],
    ['2026-05-01', '第三季度末', 152],
    ['2026-05-01', '下个季度', 152],
    ['2026-05-01', '下个月', 60],
    ['2026-05-01', '明年', 609],
    ['2026-05-01', '春节前', 281],
    ['2026-05-01', '双十一之前', 194],
  ])('%s: %s', (date, text, expected) => {
    expect(days(date, text)).toBe(expected);
  });

  it('treats "as soon as possible" as a horizon without a date', () => {
    const [h] = findHorizons(fold('we need this ASAP'), parseIsoDate('2026-05-01'));
    expect(h?.asap).toBe(true);
    const [z] = findHorizons('越快越好', parseIsoDate('2026-05-01'));
    expect(z?.asap).toBe(true);
  });

  it('ignores a season already past', () => {
    expect(findHorizons(fold('we ran an evaluation this spring'), parseIsoDate('2026-07-08'))).toEqual([]);
  });
});

describe('findHorizons: the start, middle and end of periods, school holidays and the turn of the year', () => {
  it.each([
    ['2026-03-02', 'live by the start of next quarter', 30],
    ['2026-03-02', 'decide by the beginning of next month', 30],
    ['2026-03-02', 'sign by the middle of next quarter', 74],
    ['2026-03-02', 'choose a vendor within the quarter', 29],
    ['2026-03-02', 'go-live targeted for mid-year', 120],
    ['2026-09-01', 'rollout around mid-year', 302],
    ['2026-03-02', 'live by the end of the summer', 182],
    ['2026-03-02', '暑假前上线', 120],
    ['2026-03-02', '年中上线', 120],
    ['2026-11-10', 'implement it in the new year', 82],
    ['2026-11-10', 'done by the new year', 51],
    ['2026-11-10', '2028年底才到期', 782],
    ['2026-03-02', '下个季度初上线', 39],
    ['2026-03-02', '下季度前定下来', 29],
  ])('%s: %s', (date, text, expected) => {
    expect(days(date, text)).toBe(expected);
  });
});
