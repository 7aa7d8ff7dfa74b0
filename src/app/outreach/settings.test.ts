import { describe, expect, it } from 'vitest';
import { BatonError } from '../../domain/errors.ts';
import { checkTimeZone, parseMailboxes, parseSendWindowSpec } from './settings.ts';

function thrown(f: () => unknown): BatonError {
  try {
    f();
  } catch (e) {
    if (e instanceof BatonError) return e;
    throw e;
  }
  throw new Error('expected a BatonError');
}

describe('parseSendWindowSpec', () => {
  it('reads hours and a range of days', () => {
    expect(parseSendWindowSpec('09:00-17:00 Mon-Fri')).toEqual({ start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5], skipHolidays: true });
  });

  it('reads a list of ranges and single days', () => {
    expect(parseSendWindowSpec('08:30-18:00 Mon-Thu,Sat').days).toEqual([1, 2, 3, 4, 6]);
    expect(parseSendWindowSpec('08:30-18:00 Sun,Wed').days).toEqual([3, 7]);
  });

  it('reads a range that wraps round the weekend', () => {
    expect(parseSendWindowSpec('10:00-16:00 Fri-Mon').days).toEqual([1, 5, 6, 7]);
    expect(parseSendWindowSpec('10:00-16:00 Sat-Fri').days).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('defaults to weekdays, ignores case and surrounding space, and allows 24:00 as an end', () => {
    expect(parseSendWindowSpec('  07:00-19:30  ')).toEqual({ start: '07:00', end: '19:30', days: [1, 2, 3, 4, 5], skipHolidays: true });
    expect(parseSendWindowSpec('00:00-24:00 mon-SUN').days).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it.each([
    ['9-5', /^BATON_SEND_WINDOW must look like "09:00-17:00 Mon-Fri", not "9-5"$/],
    ['9:00-17:00 Mon-Fri', /must look like/],
    ['09:00-17:00Mon-Fri', /must look like/],
    ['25:00-26:00', /^BATON_SEND_WINDOW: 25:00 is not a time of day$/],
    ['09:00-17:60', /^BATON_SEND_WINDOW: 17:60 is not a time of day$/],
    ['09:00-24:30', /^BATON_SEND_WINDOW: 24:30 is not a time of day$/],
    ['17:00-09:00', /^BATON_SEND_WINDOW: the window must end after it starts \(17:00-09:00\)$/],
    ['09:00-09:00', /must end after it starts/],
    ['09:00-17:00 Mon-Funday', /^BATON_SEND_WINDOW: "mon-funday" is not a day or a range of days \(Mon, Tue, ... Sun\)$/],
    ['09:00-17:00 Monday', /"monday" is not a day/],
    ['09:00-17:00 Mon,,Fri', /"" is not a day/],
  ])('refuses %j with a message naming the variable', (spec, message) => {
    const e = thrown(() => parseSendWindowSpec(spec));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.fault).toBe('user');
    expect(e.message).toMatch(message);
    expect(e.details).toEqual({ variable: 'BATON_SEND_WINDOW' });
  });

  it('names the variable it was read from', () => {
    const e = thrown(() => parseSendWindowSpec('whenever', 'SEQUENCE_SEND_WINDOW'));
    expect(e.message).toBe('SEQUENCE_SEND_WINDOW must look like "09:00-17:00 Mon-Fri", not "whenever"');
    expect(e.details).toEqual({ variable: 'SEQUENCE_SEND_WINDOW' });
  });
});

describe('parseMailboxes', () => {
  it('reads quoted names that contain commas, and bare addresses', () => {
    expect(parseMailboxes('"Lee, Ann" <ann@sender.test>, bob@sender.test')).toEqual([
      { address: 'ann@sender.test', name: 'Lee, Ann' },
      { address: 'bob@sender.test', name: '' },
    ]);
  });

  it('reads several quoted names with commas in a row', () => {
    expect(parseMailboxes('"Lee, Ann" <ann@a.test>,"Smith, Bo, Jr." <bo@a.test>').map((m) => m.name)).toEqual(['Lee, Ann', 'Smith, Bo, Jr.']);
  });

  it('reads an unquoted name, lower-cases the address, and skips empty parts', () => {
    expect(parseMailboxes('Ann Lee <Ann.Lee@Sender.TEST>, , ')).toEqual([{ address: 'ann.lee@sender.test', name: 'Ann Lee' }]);
    expect(parseMailboxes('<ops@sender.test>')).toEqual([{ address: 'ops@sender.test', name: '' }]);
  });

  it.each(['not-an-address', 'ann@localhost', '"Ann" ann@sender.test', 'Ann <ann@sender.test', 'a b@sender.test'])('refuses %j, naming MAIL_FROM', (spec) => {
    const e = thrown(() => parseMailboxes(spec));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^MAIL_FROM: ".*" is not a mailbox; write "Name" <address@example.com> or address@example.com$/);
    expect(e.details).toEqual({ variable: 'MAIL_FROM' });
  });

  it('names the bad part among good ones', () => {
    expect(thrown(() => parseMailboxes('ann@sender.test, nobody')).message).toContain('"nobody" is not a mailbox');
  });

  it('refuses a list without any mailbox', () => {
    expect(thrown(() => parseMailboxes('')).message).toBe('MAIL_FROM names no mailbox');
    expect(thrown(() => parseMailboxes(' , ')).message).toBe('MAIL_FROM names no mailbox');
  });
});

describe('checkTimeZone', () => {
  it('returns a valid IANA zone as given', () => {
    expect(checkTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(checkTimeZone('UTC')).toBe('UTC');
  });

  it('refuses anything else, naming the variable', () => {
    const e = thrown(() => checkTimeZone('Mars/Olympus_Mons'));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toBe('BATON_TIME_ZONE: "Mars/Olympus_Mons" is not an IANA time zone such as Europe/Berlin or America/New_York');
    expect(thrown(() => checkTimeZone('Eastern Time', 'SENDER_ZONE')).message).toMatch(/^SENDER_ZONE: "Eastern Time" is not/);
    expect(thrown(() => checkTimeZone('')).details).toEqual({ variable: 'BATON_TIME_ZONE' });
  });
});
