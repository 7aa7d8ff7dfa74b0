import { describe, expect, it } from 'vitest';
import { findMoney, parseZhNumber } from './money.ts';

const en = { lang: 'en' as const };
const zh = { lang: 'zh' as const };

function one(text: string, ctx: { lang: 'en' | 'zh'; country?: string } = en): [number | null, string | null] {
  const m = findMoney(text, ctx);
  expect(m.length, `money in "${text}"`).toBeGreaterThan(0);
  return [m[0]?.amount ?? null, m[0]?.currency ?? null];
}

describe('findMoney, English shapes', () => {
  it.each([
    ['We set aside about $40k for this', 40000, 'USD'],
    ['40,000 USD for the year', 40000, 'USD'],
    ['budget is USD 40K', 40000, 'USD'],
    ['EUR 15k-20k', 20000, 'EUR'],
    ['something in the €10k-€15k range', 15000, 'EUR'],
    ['£8,500 all in', 8500, 'GBP'],
    ['we could spend 20 grand', 20000, 'USD'],
    ['a budget of 1.5M', 1500000, 'USD'],
    ['between $40k and $60k', 60000, 'USD'],
    ['somewhere around 40 to 60k budget', 60000, 'USD'],
    ['fifty thousand dollars', 50000, 'USD'],
    ['half a million budget', 500000, 'USD'],
    ['an approved $1.2M capex line', 1200000, 'USD'],
    ['around 25k euros', 25000, 'EUR'],
    ['RMB 500,000', 500000, 'CNY'],
    ['CA$30,000', 30000, 'CAD'],
    ['a budget of 12k', 12000, 'USD'],
  ])('%s', (text, amount, currency) => {
    expect(one(text)).toEqual([amount, currency]);
  });

  it('infers the currency of a bare figure from the lead country', () => {
    expect(one('we can spend 20 grand', { lang: 'en', country: 'GB' })).toEqual([20000, 'GBP']);
    expect(one('a budget of 25k', { lang: 'en', country: 'DE' })).toEqual([25000, 'EUR']);
  });

  it.each([
    ['every month 2,000 contracts and 300 staff'],
    ['I am looking at the budget'],
    ['we have 40k users'],
    ['2026-03-02'],
    ['call me on +1 775 555 0142'],
    ['Q2 is busy'],
    ['tote of 600mm at the price you gave'],
    ['How is pricing calculated at around 50 million rows a month?'],
  ])('no money in "%s"', (text) => {
    expect(findMoney(text, en)).toEqual([]);
  });
});

describe('findMoney, Chinese shapes', () => {
  it.each([
    ['预算20万', 200000],
    ['今年这块预算大概二三十万', 300000],
    ['50w左右', 500000],
    ['一万以内', 10000],
    ['¥80,000', 80000],
    ['预算15万左右', 150000],
    ['3万元', 30000],
    ['5千块', 5000],
    ['一百二十万', 1200000],
    ['两千万', 20000000],
    ['10-15万', 150000],
    ['10到15万', 150000],
    ['三五万', 50000],
    ['10 万元', 100000],
    ['八十万', 800000],
    ['预算已经批了，80万，年底前上线', 800000],
    ['今年预算一百来万', 1000000],
    ['二十多万', 200000],
  ])('%s', (text, amount) => {
    expect(one(text, zh)).toEqual([amount, 'CNY']);
  });

  it('keeps a vague sum without an amount', () => {
    const [m] = findMoney('几十万的预算', zh);
    expect(m?.amount).toBeNull();
    expect(m?.currency).toBe('CNY');
  });

  it.each([['三四百份劳动合同'], ['我们每年有上万份工程合同'], ['两千多份采购合同'], ['10万人']])('no money in "%s"', (text) => {
    expect(findMoney(text, zh)).toEqual([]);
  });

  it('parses Chinese numerals and adjacent-digit ranges', () => {
    expect(parseZhNumber('十五')).toEqual([15, 15]);
    expect(parseZhNumber('一百二十')).toEqual([120, 120]);
    expect(parseZhNumber('二三十')).toEqual([20, 30]);
    expect(parseZhNumber('三四百')).toEqual([300, 400]);
    expect(parseZhNumber('几十')).toBeNull();
  });
});
