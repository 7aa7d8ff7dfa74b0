import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { BatonError } from '../errors.ts';
import {
  DEFAULT_SEND_WINDOW,
  SendWindowSchema,
  addBusinessDays,
  countryCode,
  isInSendWindow,
  isPublicHoliday,
  isValidTimeZone,
  localDate,
  nextSendTime,
  recipientTimeZone,
  startOfLocalDate,
  startOfNextLocalDay,
  type SendWindow,
} from './calendar.ts';
import { COUNTRY_ZONES } from './country-zones.ts';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
const EVERY_DAY: SendWindow = { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7], skipHolidays: false };
const W = DEFAULT_SEND_WINDOW;

function thrown(f: () => unknown): BatonError {
  try {
    f();
  } catch (e) {
    if (e instanceof BatonError) return e;
    throw e;
  }
  throw new Error('expected a BatonError');
}

/** xorshift32: a small seeded generator, so the property test sees the same instants every run. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

describe('DEFAULT_SEND_WINDOW', () => {
  it('is 09:00-17:00 on weekdays, skipping holidays', () => {
    expect(W).toEqual({ start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5], skipHolidays: true });
    expect(SendWindowSchema.parse(W)).toEqual(W);
  });
});

describe('time zones', () => {
  it('knows IANA zones and rejects the rest', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('Asia/Kathmandu')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('+03:00')).toBe(false);
  });

  it('maps every country in the table to a zone that exists', () => {
    expect(COUNTRY_ZONES.size).toBeGreaterThanOrEqual(80);
    const bad = [...COUNTRY_ZONES].filter(([, zone]) => !isValidTimeZone(zone));
    expect(bad).toEqual([]);
  });

  it("prefers the lead's own zone, in its canonical spelling", () => {
    expect(recipientTimeZone({ time_zone: 'Asia/Tokyo', country: 'US' }, 'Europe/Berlin')).toEqual({ zone: 'Asia/Tokyo', from: 'lead' });
    expect(recipientTimeZone({ time_zone: ' america/new_york ' }, 'UTC')).toEqual({ zone: 'America/New_York', from: 'lead' });
  });

  it('falls back from an invalid zone to the country, then to the sender', () => {
    expect(recipientTimeZone({ time_zone: 'Eastern Time', country: 'US' }, 'Europe/Berlin')).toEqual({ zone: 'America/New_York', from: 'country' });
    expect(recipientTimeZone({ time_zone: 'nonsense', country: null }, 'Europe/Berlin')).toEqual({ zone: 'Europe/Berlin', from: 'sender' });
    expect(recipientTimeZone({ country: 'Atlantis' }, 'Europe/Berlin')).toEqual({ zone: 'Europe/Berlin', from: 'sender' });
    expect(recipientTimeZone({}, 'Asia/Singapore')).toEqual({ zone: 'Asia/Singapore', from: 'sender' });
  });

  it('reads countries as codes or common names', () => {
    const zoneFor = (country: string) => recipientTimeZone({ country }, 'UTC').zone;
    expect(zoneFor('us')).toBe('America/New_York');
    expect(zoneFor('United States')).toBe('America/New_York');
    expect(zoneFor('U.S.A.')).toBe('America/New_York');
    expect(zoneFor('China')).toBe('Asia/Shanghai');
    expect(zoneFor('中国')).toBe('Asia/Shanghai');
    expect(zoneFor('germany')).toBe('Europe/Berlin');
    expect(zoneFor('UK')).toBe('Europe/London');
    expect(zoneFor('AUS')).toBe('Australia/Sydney');
    expect(zoneFor('Brazil')).toBe('America/Sao_Paulo');
    expect(zoneFor('ru')).toBe('Europe/Moscow');
    expect(zoneFor('Canada')).toBe('America/Toronto');
    expect(zoneFor('IN')).toBe('Asia/Kolkata');
    expect(zoneFor("Côte d'Ivoire")).toBe('Africa/Abidjan');
    // Not in our table: date-holidays' name and zone list fill in.
    expect(recipientTimeZone({ country: 'Andorra' }, 'UTC')).toEqual({ zone: 'Europe/Andorra', from: 'country' });
    expect(countryCode('  ')).toBeNull();
    expect(countryCode('Narnia')).toBeNull();
  });
});

describe('public holidays', () => {
  it('agrees with what date-holidays itself says about the dates we test', () => {
    const dates = (country: string, year: number) =>
      new Holidays(country)
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10));
    expect(dates('US', 2026)).toContain('2026-12-25');
    expect(dates('GB', 2026)).toEqual(expect.arrayContaining(['2026-12-25', '2026-12-26', '2026-12-28']));
    expect(dates('CN', 2026)).toContain('2026-10-01');
  });

  it('finds Christmas in the US and GB and National Day in China', () => {
    expect(isPublicHoliday(at('2026-12-25T15:00:00Z'), 'America/New_York', 'US')).toBe(true);
    expect(isPublicHoliday(at('2026-12-25T10:00:00Z'), 'Europe/London', 'GB')).toBe(true);
    expect(isPublicHoliday(at('2026-10-01T02:00:00Z'), 'Asia/Shanghai', 'CN')).toBe(true);
    expect(isPublicHoliday(at('2026-10-01T02:00:00Z'), 'Asia/Shanghai', 'china')).toBe(true);
    expect(isPublicHoliday(at('2026-12-24T15:00:00Z'), 'America/New_York', 'US')).toBe(false);
    expect(isPublicHoliday(at('2026-12-22T15:00:00Z'), 'America/New_York', 'US')).toBe(false);
  });

  it("uses the recipient's local date", () => {
    // 03:00 UTC on the 25th is still the evening of the 24th in New York, but Christmas in London.
    const instant = at('2026-12-25T03:00:00Z');
    expect(isPublicHoliday(instant, 'America/New_York', 'US')).toBe(false);
    expect(isPublicHoliday(instant, 'Europe/London', 'GB')).toBe(true);
  });

  it('counts substitute days and multi-day holidays, not afternoons or eves', () => {
    expect(isPublicHoliday(at('2026-07-03T15:00:00Z'), 'America/New_York', 'US')).toBe(true); // 4 July is a Saturday
    expect(isPublicHoliday(at('2026-12-28T12:00:00Z'), 'Europe/London', 'GB')).toBe(true); // Boxing Day moved to Monday
    expect(isPublicHoliday(at('2026-10-03T02:00:00Z'), 'Asia/Shanghai', 'CN')).toBe(true);
    // Women's Day in China is an afternoon off (for women): the date is not closed.
    expect(isPublicHoliday(at('2026-03-09T02:00:00Z'), 'Asia/Shanghai', 'CN')).toBe(false);
    // Eid al-Fitr 2026 in the UAE begins at sunset on the 19th and closes the 20th to the 22nd.
    expect(['19', '20', '21', '22', '23'].map((d) => isPublicHoliday(at(`2026-03-${d}T08:00:00Z`), 'Asia/Dubai', 'AE'))).toEqual([false, true, true, true, false]);
  });

  it('knows no holidays for an unknown or empty country', () => {
    expect(isPublicHoliday(at('2026-12-25T15:00:00Z'), 'America/New_York', null)).toBe(false);
    expect(isPublicHoliday(at('2026-12-25T15:00:00Z'), 'America/New_York', '')).toBe(false);
    expect(isPublicHoliday(at('2026-12-25T15:00:00Z'), 'America/New_York', 'ZZ')).toBe(false);
    expect(isPublicHoliday(at('2026-12-25T15:00:00Z'), 'America/New_York', 'Atlantis')).toBe(false);
  });
});

describe('isInSendWindow', () => {
  it('judges the same instant by each recipient zone', () => {
    const nineInTokyo = at('2026-03-10T00:00:00Z'); // Tuesday 09:00 in Tokyo, Monday 20:00 in New York
    expect(isInSendWindow(nineInTokyo, 'Asia/Tokyo', W, 'JP')).toBe(true);
    expect(isInSendWindow(nineInTokyo, 'America/New_York', W, 'US')).toBe(false);
    const nineInNewYork = at('2026-03-10T13:00:00Z'); // Tuesday 09:00 in New York (EDT), 22:00 in Tokyo
    expect(isInSendWindow(nineInNewYork, 'America/New_York', W, 'US')).toBe(true);
    expect(isInSendWindow(nineInNewYork, 'Asia/Tokyo', W, 'JP')).toBe(false);
  });

  it('opens at the start and closes at the end', () => {
    expect(isInSendWindow(at('2026-03-10T12:59:59Z'), 'America/New_York', W, null)).toBe(false);
    expect(isInSendWindow(at('2026-03-10T13:00:00Z'), 'America/New_York', W, null)).toBe(true);
    expect(isInSendWindow(at('2026-03-10T20:59:59Z'), 'America/New_York', W, null)).toBe(true);
    expect(isInSendWindow(at('2026-03-10T21:00:00Z'), 'America/New_York', W, null)).toBe(false);
    // A zone with a 45-minute offset: 09:00 in Kathmandu is 03:15 UTC.
    expect(isInSendWindow(at('2026-03-10T03:14:00Z'), 'Asia/Kathmandu', W, null)).toBe(false);
    expect(isInSendWindow(at('2026-03-10T03:15:00Z'), 'Asia/Kathmandu', W, null)).toBe(true);
  });

  it('skips weekends and holidays, unless told not to', () => {
    expect(isInSendWindow(at('2026-03-14T15:00:00Z'), 'America/New_York', W, 'US')).toBe(false); // Saturday
    expect(isInSendWindow(at('2026-12-25T15:00:00Z'), 'America/New_York', W, 'US')).toBe(false); // Christmas, a Friday
    expect(isInSendWindow(at('2026-12-25T15:00:00Z'), 'America/New_York', { ...W, skipHolidays: false }, 'US')).toBe(true);
    expect(isInSendWindow(at('2026-12-25T15:00:00Z'), 'America/New_York', W, null)).toBe(true);
  });

  it('refuses a zone it does not know', () => {
    const e = thrown(() => isInSendWindow(at('2026-03-10T13:00:00Z'), 'Nowhere/Special', W, null));
    expect(e.code).toBe('TIME_ZONE_INVALID');
    expect(e.fault).toBe('user');
  });

  it('answers many calls in a row the same way as one at a time', () => {
    // A rough speed check without a timing assertion: 20,000 calls, spread over a year, each in a
    // window of 8 hours on 5 days minus 11 holidays, must land on the expected share.
    const start = Date.UTC(2026, 0, 1);
    let open = 0;
    const n = 20_000;
    for (let i = 0; i < n; i += 1) if (isInSendWindow(new Date(start + Math.floor((i * 365 * 86_400_000) / n)), 'America/New_York', W, 'US')) open += 1;
    const expected = (n * (8 / 24) * (261 - 11)) / 365;
    expect(Math.abs(open - expected)).toBeLessThan(n * 0.01);
  });
});

describe('nextSendTime', () => {
  it('returns the same instant when the window is open', () => {
    const now = at('2026-03-10T15:00:00Z');
    expect(nextSendTime(now, 'America/New_York', W, 'US')).toBe(now);
  });

  it('waits for the start of the day, or the next working day', () => {
    expect(iso(nextSendTime(at('2026-03-10T11:00:00Z'), 'America/New_York', W, 'US'))).toBe('2026-03-10T13:00:00.000Z');
    // Friday 18:00 in New York: Monday 09:00.
    expect(iso(nextSendTime(at('2026-03-13T22:00:00Z'), 'America/New_York', W, 'US'))).toBe('2026-03-16T13:00:00.000Z');
    // The same instant is Saturday 07:00 in Tokyo: Monday 09:00 there.
    expect(iso(nextSendTime(at('2026-03-13T22:00:00Z'), 'Asia/Tokyo', W, 'JP'))).toBe('2026-03-16T00:00:00.000Z');
  });

  it('skips holidays', () => {
    // Thursday 24 December 18:00 in New York; Friday is Christmas: Monday the 28th.
    expect(iso(nextSendTime(at('2026-12-24T23:00:00Z'), 'America/New_York', W, 'US'))).toBe('2026-12-28T14:00:00.000Z');
    // In London, Monday the 28th is the Boxing Day substitute: Tuesday the 29th.
    expect(iso(nextSendTime(at('2026-12-24T18:00:00Z'), 'Europe/London', W, 'GB'))).toBe('2026-12-29T09:00:00.000Z');
    // 30 September in Shanghai, after hours: 1-3 October are holidays, then a Sunday: Monday the 5th.
    expect(iso(nextSendTime(at('2026-09-30T10:00:00Z'), 'Asia/Shanghai', W, 'CN'))).toBe('2026-10-05T01:00:00.000Z');
    expect(iso(nextSendTime(at('2026-09-30T10:00:00Z'), 'Asia/Shanghai', { ...W, skipHolidays: false }, 'CN'))).toBe('2026-10-01T01:00:00.000Z');
  });

  it('follows the clock change in New York', () => {
    // Friday 6 March 18:00 EST: Monday 9 March 09:00 EDT, which is 13:00 UTC, not 14:00.
    expect(iso(nextSendTime(at('2026-03-06T23:00:00Z'), 'America/New_York', W, 'US'))).toBe('2026-03-09T13:00:00.000Z');
    // Friday 30 October 18:00 EDT: Monday 2 November 09:00 EST, 14:00 UTC.
    expect(iso(nextSendTime(at('2026-10-30T22:00:00Z'), 'America/New_York', W, 'US'))).toBe('2026-11-02T14:00:00.000Z');
  });

  it('opens a window whose start falls into the spring-forward gap at the first valid time', () => {
    const early: SendWindow = { start: '02:30', end: '05:00', days: [1, 2, 3, 4, 5, 6, 7], skipHolidays: false };
    // 8 March 2026 in New York: 02:00 EST jumps to 03:00 EDT, so the window opens at 03:00 EDT.
    expect(iso(nextSendTime(at('2026-03-08T05:00:00Z'), 'America/New_York', early, null))).toBe('2026-03-08T07:00:00.000Z');
    // The next day it opens at 02:30 EDT again.
    expect(iso(nextSendTime(at('2026-03-08T10:00:00Z'), 'America/New_York', early, null))).toBe('2026-03-09T06:30:00.000Z');
    // Berlin, 29 March 2026: 02:00 CET jumps to 03:00 CEST.
    const berlin: SendWindow = { ...early, start: '02:15' };
    expect(iso(nextSendTime(at('2026-03-29T00:30:00Z'), 'Europe/Berlin', berlin, null))).toBe('2026-03-29T01:00:00.000Z');
  });

  it('finds the repeated hour after a fall-back', () => {
    const night: SendWindow = { start: '01:00', end: '01:30', days: [1, 2, 3, 4, 5, 6, 7], skipHolidays: false };
    // 1 November 2026, 01:40 EDT: at 02:00 EDT the clock goes back to 01:00 EST, inside the window again.
    expect(iso(nextSendTime(at('2026-11-01T05:40:00Z'), 'America/New_York', night, null))).toBe('2026-11-01T06:00:00.000Z');
    // Before the first 01:00 it is the first 01:00 (EDT) that counts.
    expect(iso(nextSendTime(at('2026-11-01T04:00:00Z'), 'America/New_York', night, null))).toBe('2026-11-01T05:00:00.000Z');
    // Berlin, 25 October 2026: 03:00 CEST goes back to 02:00 CET.
    const twoAm: SendWindow = { ...night, start: '02:00', end: '02:20' };
    expect(iso(nextSendTime(at('2026-10-25T00:30:00Z'), 'Europe/Berlin', twoAm, null))).toBe('2026-10-25T01:00:00.000Z');
  });

  it('never returns a time outside the window, nor skips an open moment (seeded random instants)', () => {
    const rand = prng(20260308);
    const zones = ['America/New_York', 'Europe/Berlin', 'Asia/Tokyo', 'Australia/Sydney', 'America/Sao_Paulo', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/Santiago', 'Europe/London', 'UTC'];
    const countries = ['US', 'DE', 'JP', 'AU', 'BR', 'NP', 'NZ', 'CL', 'GB', null, 'CN', 'AE'];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const from = Date.UTC(2025, 0, 1);
    const span = Date.UTC(2029, 0, 1) - from;
    for (let i = 0; i < 1500; i += 1) {
      const startMin = Math.floor(rand() * 1439);
      const endMin = startMin + 1 + Math.floor(rand() * (1440 - startMin));
      const days = [1, 2, 3, 4, 5, 6, 7].filter(() => rand() < 0.6);
      const window: SendWindow = { start: hhmm(startMin), end: hhmm(endMin), days: days.length ? days : [3], skipHolidays: rand() < 0.7 };
      const zone = pick(zones);
      const country = pick(countries);
      const t0 = new Date(from + Math.floor(rand() * span));
      const next = nextSendTime(t0, zone, window, country);
      const context = JSON.stringify({ t0, zone, country, window, next });
      expect(next.getTime(), context).toBeGreaterThanOrEqual(t0.getTime());
      expect(isInSendWindow(next, zone, window, country), context).toBe(true);
      if (next.getTime() > t0.getTime()) {
        // Earliest: the millisecond before is shut, and so are sampled moments in between.
        expect(isInSendWindow(new Date(next.getTime() - 1), zone, window, country), context).toBe(false);
        for (let k = 0; k < 8; k += 1) {
          const between = new Date(t0.getTime() + Math.floor(rand() * (next.getTime() - t0.getTime())));
          expect(isInSendWindow(between, zone, window, country), context).toBe(false);
        }
      }
    }
  });

  it('stops with a clear error when the window can never open', () => {
    const none: SendWindow = { ...W, days: [] };
    const e = thrown(() => nextSendTime(at('2026-03-10T15:00:00Z'), 'America/New_York', none, 'US'));
    expect(e.code).toBe('SEND_WINDOW_NEVER_OPENS');
    expect(e.fault).toBe('user');
    expect(thrown(() => addBusinessDays(at('2026-03-10T15:00:00Z'), 1, 'UTC', none, null)).code).toBe('SEND_WINDOW_NEVER_OPENS');
    expect(thrown(() => nextSendTime(at('2026-03-10T15:00:00Z'), 'UTC', { ...W, start: '18:00' }, null)).code).toBe('SEND_WINDOW_INVALID');
  });
});

describe('addBusinessDays', () => {
  it('returns the instant itself for zero days', () => {
    const saturday = at('2026-03-14T15:00:00Z');
    expect(addBusinessDays(saturday, 0, 'America/New_York', W, 'US')).toBe(saturday);
  });

  it('steps over a weekend, keeping the local time across the clock change', () => {
    // Thursday 5 March 10:00 EST + 2 business days = Monday 9 March 10:00 EDT.
    expect(iso(addBusinessDays(at('2026-03-05T15:00:00Z'), 2, 'America/New_York', W, 'US'))).toBe('2026-03-09T14:00:00.000Z');
    // Friday 23 October 10:00 CEST + 1 = Monday 26 October 10:00 CET.
    expect(iso(addBusinessDays(at('2026-10-23T08:00:00Z'), 1, 'Europe/Berlin', W, 'DE'))).toBe('2026-10-26T09:00:00.000Z');
    // From a Saturday, the first business day is Monday.
    expect(iso(addBusinessDays(at('2026-03-14T15:00:00Z'), 1, 'America/New_York', W, 'US'))).toBe('2026-03-16T15:00:00.000Z');
  });

  it('steps over a holiday', () => {
    // Wednesday 23 December 11:00 EST + 2 = Thursday 24th, then (Christmas, weekend) Monday 28th.
    expect(iso(addBusinessDays(at('2026-12-23T16:00:00Z'), 2, 'America/New_York', W, 'US'))).toBe('2026-12-28T16:00:00.000Z');
    expect(iso(addBusinessDays(at('2026-12-23T16:00:00Z'), 2, 'America/New_York', { ...W, skipHolidays: false }, 'US'))).toBe('2026-12-25T16:00:00.000Z');
    // Shanghai, Wednesday 30 September + 1 = Monday 5 October.
    expect(iso(addBusinessDays(at('2026-09-30T02:00:00Z'), 1, 'Asia/Shanghai', W, 'CN'))).toBe('2026-10-05T02:00:00.000Z');
  });

  it('moves a wall time that does not exist that day to the first valid time', () => {
    // Saturday 7 March 02:30 EST + 1 calendar day = 02:30 on the 8th, which New York skips: 03:00 EDT.
    expect(iso(addBusinessDays(at('2026-03-07T07:30:00Z'), 1, 'America/New_York', EVERY_DAY, null))).toBe('2026-03-08T07:00:00.000Z');
  });

  it('refuses a negative or fractional count', () => {
    expect(thrown(() => addBusinessDays(at('2026-03-05T15:00:00Z'), -1, 'UTC', W, null)).code).toBe('BUSINESS_DAYS_INVALID');
    expect(thrown(() => addBusinessDays(at('2026-03-05T15:00:00Z'), 1.5, 'UTC', W, null)).code).toBe('BUSINESS_DAYS_INVALID');
  });
});

describe('local days', () => {
  it('gives the local date', () => {
    const instant = at('2026-03-10T00:30:00Z');
    expect(localDate(instant, 'America/New_York')).toBe('2026-03-09');
    expect(localDate(instant, 'Asia/Tokyo')).toBe('2026-03-10');
    expect(localDate(instant, 'UTC')).toBe('2026-03-10');
  });

  it('finds the next local midnight, across clock changes', () => {
    expect(iso(startOfNextLocalDay(at('2026-03-07T17:00:00Z'), 'America/New_York'))).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(startOfNextLocalDay(at('2026-03-08T17:00:00Z'), 'America/New_York'))).toBe('2026-03-09T04:00:00.000Z');
    expect(iso(startOfNextLocalDay(at('2026-03-10T00:30:00Z'), 'Asia/Tokyo'))).toBe('2026-03-10T15:00:00.000Z');
    // Chile moves its clocks at midnight: on 6 September 2026 the day starts at 01:00 (-03).
    expect(iso(startOfNextLocalDay(at('2026-09-05T15:00:00Z'), 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
  });

  it('finds the start of a named local date, where midnight may be skipped', () => {
    expect(iso(startOfLocalDate('2026-03-20', 'Pacific/Honolulu'))).toBe('2026-03-20T10:00:00.000Z');
    expect(iso(startOfLocalDate('2026-03-08', 'America/New_York'))).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(startOfLocalDate('2026-03-20', 'Asia/Shanghai'))).toBe('2026-03-19T16:00:00.000Z');
    expect(iso(startOfLocalDate('2026-09-06', 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
    expect(() => startOfLocalDate('2026-02-30', 'UTC')).toThrow(/YYYY-MM-DD/);
  });
});

describe('SendWindowSchema', () => {
  const issues = (input: unknown) => {
    const r = SendWindowSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('reads a window as marketing writes it', () => {
    expect(SendWindowSchema.parse({ start: '08:30', end: '18:00', days: ['Fri', 'mon', 3], skip_holidays: false })).toEqual({
      start: '08:30',
      end: '18:00',
      days: [1, 3, 5],
      skipHolidays: false,
    });
    expect(SendWindowSchema.parse({ start: '09:00', end: '24:00' })).toEqual({ start: '09:00', end: '24:00', days: [1, 2, 3, 4, 5], skipHolidays: true });
  });

  it('rejects a time that is not a time of day', () => {
    expect(issues({ start: '25:00', end: '26:00', days: [1] })).toEqual([
      'start: start: "25:00" is not a time of day; write HH:MM on a 24-hour clock, 00:00 to 23:59',
      'end: end: "26:00" is not a time of day; write HH:MM on a 24-hour clock, 00:00 to 24:00',
    ]);
    expect(issues({ start: '9:00', end: '17:00' })[0]).toContain('"9:00" is not a time of day');
    expect(issues({ start: 900, end: '17:00' })[0]).toContain('start must be a time of day in quotes');
  });

  it('rejects a window that ends before it starts', () => {
    expect(issues({ start: '17:00', end: '09:00' })).toEqual(['end: the window must end after it starts: 17:00-09:00 is empty (it cannot run past midnight)']);
    expect(issues({ start: '09:00', end: '09:00' })).toHaveLength(1);
  });

  it('rejects empty, repeated and unknown days', () => {
    expect(issues({ start: '09:00', end: '17:00', days: [] })).toEqual(['days: days must name at least one day; a window without days never opens']);
    expect(issues({ start: '09:00', end: '17:00', days: [1, 'monday'] })).toEqual(['days: days lists monday more than once']);
    expect(issues({ start: '09:00', end: '17:00', days: [8] })[0]).toContain('8 is not a day');
    expect(issues({ start: '09:00', end: '17:00', days: ['funday'] })[0]).toContain('"funday" is not a day');
    expect(issues({ start: '09:00', end: '17:00', hours: 8 })[0]).toContain('hours');
  });
});
