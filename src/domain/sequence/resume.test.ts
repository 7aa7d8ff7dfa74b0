import { describe, expect, it } from 'vitest';
import { askedResumeDate } from './resume.ts';

// Noon UTC, so the sent day is the same calendar day in every zone the tests may run in.
const sent = (day: string) => new Date(`${day}T12:00:00Z`);

describe('askedResumeDate: months', () => {
  it('reads "in September" as the first of September after the sent date', () => {
    expect(askedResumeDate('Not right now. Please get back to me in September.', sent('2026-03-10'))).toBe('2026-09-01');
  });

  it('reads a month that has already begun this year as next year', () => {
    expect(askedResumeDate('Please get back to me in September.', sent('2026-09-15'))).toBe('2027-09-01');
    expect(askedResumeDate('Ping me in March', sent('2026-03-10'))).toBe('2027-03-01');
  });

  it('reads the coming month on its last days as that month', () => {
    expect(askedResumeDate('Talk in June?', sent('2026-05-31'))).toBe('2026-06-01');
    expect(askedResumeDate('Try again in February', sent('2026-01-31'))).toBe('2026-02-01');
  });

  it('reads "next month" as the first of the following month, also at a month and year end', () => {
    expect(askedResumeDate('next month please', sent('2026-03-10'))).toBe('2026-04-01');
    expect(askedResumeDate('Could you try me next month?', sent('2026-01-31'))).toBe('2026-02-01');
    expect(askedResumeDate('next month please', sent('2026-05-31'))).toBe('2026-06-01');
    expect(askedResumeDate('next month please', sent('2026-12-10'))).toBe('2027-01-01');
  });
});

describe('askedResumeDate: days', () => {
  it('reads "after 15 January" across a year end', () => {
    expect(askedResumeDate('We are closed for the holidays; write again after 15 January.', sent('2026-12-20'))).toBe('2027-01-15');
  });

  it('reads a day later this month', () => {
    expect(askedResumeDate('Can we talk on March 20?', sent('2026-03-10'))).toBe('2026-03-20');
  });

  it('takes the first future date the text names', () => {
    expect(askedResumeDate('We met on 2 March 2026; let us speak again on 4 May 2026 or later.', sent('2026-03-10'))).toBe('2026-05-04');
  });
});

describe('askedResumeDate: Chinese', () => {
  it('reads 下个月 as the first of next month', () => {
    expect(askedResumeDate('下个月再联系', sent('2026-03-10'))).toBe('2026-04-01');
    expect(askedResumeDate('谢谢，下个月再联系吧。', sent('2026-12-10'))).toBe('2027-01-01');
    expect(askedResumeDate('下個月再聯繫', sent('2026-03-10'))).toBe('2026-04-01');
  });

  it('reads a month as its first day', () => {
    expect(askedResumeDate('3月再说', sent('2026-01-10'))).toBe('2026-03-01');
    expect(askedResumeDate('三月再说', sent('2026-01-10'))).toBe('2026-03-01');
    expect(askedResumeDate('3月再说', sent('2026-05-10'))).toBe('2027-03-01');
  });

  it('reads a month whose days are fewer than the sent day (2月 written on 31 January)', () => {
    expect(askedResumeDate('2月再说', sent('2026-01-31'))).toBe('2026-02-01');
    expect(askedResumeDate('6月份再联系', sent('2026-05-31'))).toBe('2026-06-01');
  });

  it('reads a month written during that month as next year, like English does', () => {
    expect(askedResumeDate('3月再说', sent('2026-03-10'))).toBe('2027-03-01');
  });

  it('reads a full date', () => {
    expect(askedResumeDate('1月15日以后再联系', sent('2026-12-20'))).toBe('2027-01-15');
  });
});

describe('askedResumeDate: nothing to resume on', () => {
  it('returns null for a text without a date', () => {
    expect(askedResumeDate('Thanks, not now.', sent('2026-03-10'))).toBeNull();
    expect(askedResumeDate('现在不需要，谢谢。', sent('2026-03-10'))).toBeNull();
    expect(askedResumeDate('', sent('2026-03-10'))).toBeNull();
  });

  it('returns null for dates in the past', () => {
    expect(askedResumeDate('We spoke on 2 March 2026.', sent('2026-03-10'))).toBeNull();
    expect(askedResumeDate('As I said yesterday, not now.', sent('2026-03-10'))).toBeNull();
  });

  it('returns null for the sent day itself', () => {
    expect(askedResumeDate('I am busy today.', sent('2026-03-10'))).toBeNull();
  });

  it('reads only the start of a very long text', () => {
    expect(askedResumeDate(`${'x '.repeat(2500)}get back to me in September`, sent('2026-03-10'))).toBeNull();
  });
});
