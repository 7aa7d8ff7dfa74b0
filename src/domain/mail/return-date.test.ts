import { describe, expect, it } from 'vitest';
import { statedReturnDate } from './return-date.ts';

const sent = new Date('2024-03-05T08:00:00Z'); // a Tuesday

describe('return date of an auto-reply', () => {
  it('reads English return dates, resolved against the sending date', () => {
    expect(statedReturnDate('I am out of the office and will be back on Monday, March 11.', sent)).toBe('2024-03-11');
    expect(statedReturnDate('I am away until 3/15 with limited access to email.', sent)).toBe('2024-03-15');
    expect(statedReturnDate('Back next Monday.', sent)).toBe('2024-03-11');
  });

  it('takes the day after the last day away for "through" and ranges', () => {
    expect(statedReturnDate('I am on vacation through March 8.', sent)).toBe('2024-03-09');
    expect(statedReturnDate('I will be traveling for work on March 10-20.', sent)).toBe('2024-03-21');
  });

  it('reads Chinese return dates', () => {
    expect(statedReturnDate('我正在休假，将于3月18日返回办公室。', sent)).toBe('2024-03-18');
    expect(statedReturnDate('本人休假至2024年3月20日，期间回复可能延迟。', sent)).toBe('2024-03-21');
  });

  it('returns null when no return is stated', () => {
    expect(statedReturnDate('Thank you for your email. I will reply as soon as possible.', sent)).toBeNull();
    expect(statedReturnDate('This inbox is no longer monitored.', sent)).toBeNull();
  });
});
