import { describe, expect, it } from 'vitest';
import { parseDeskHours } from './team.ts';
import { addDeskMinutes, isHot, nextSummaryAt, remindAt, slaMinutes, startOfDeskDay, teamCountry } from './sla.ts';

const HOURS = parseDeskHours('09:00-18:00 Mon-Fri');
const BERLIN = 'Europe/Berlin';
const at = (iso: string) => new Date(iso);

describe('desk SLA clocks', () => {
  it('count minutes inside desk hours only: Friday 17:50 + 15 min is Monday 09:05', () => {
    // 2026-03-06 is a Friday; Berlin is UTC+1 in March.
    expect(addDeskMinutes(at('2026-03-06T16:50:00Z'), 15, BERLIN, HOURS, 'DE')).toEqual(at('2026-03-09T08:05:00Z'));
  });

  it('start the clock when the desk opens for a candidate opened at night or on a weekend', () => {
    expect(addDeskMinutes(at('2026-03-10T01:00:00Z'), 15, BERLIN, HOURS, 'DE')).toEqual(at('2026-03-10T08:15:00Z'));
    expect(addDeskMinutes(at('2026-03-07T12:00:00Z'), 240, BERLIN, HOURS, 'DE')).toEqual(at('2026-03-09T12:00:00Z'));
  });

  it('stay inside one day when there is time, and end exactly at the close', () => {
    expect(addDeskMinutes(at('2026-03-10T09:00:00Z'), 15, BERLIN, HOURS, 'DE')).toEqual(at('2026-03-10T09:15:00Z'));
    expect(addDeskMinutes(at('2026-03-10T16:45:00Z'), 15, BERLIN, HOURS, 'DE')).toEqual(at('2026-03-10T17:00:00Z'));
  });

  it('span several days for long SLAs (9 desk hours a day)', () => {
    // Monday 09:00 + 20 desk hours = Tuesday 18:00 (9 h) ... Wednesday 11:00.
    expect(addDeskMinutes(at('2026-03-09T08:00:00Z'), 20 * 60, BERLIN, HOURS, 'DE')).toEqual(at('2026-03-11T10:00:00Z'));
  });

  it("skip the team country's public holidays (Good Friday and Easter Monday in Germany)", () => {
    // Thursday 2 April 2026 17:50 CEST (UTC+2) -> Tuesday 7 April 09:05.
    expect(addDeskMinutes(at('2026-04-02T15:50:00Z'), 15, BERLIN, HOURS, 'DE')).toEqual(at('2026-04-07T07:05:00Z'));
    // Without a country no holiday is skipped: Friday 3 April 09:05.
    expect(addDeskMinutes(at('2026-04-02T15:50:00Z'), 15, BERLIN, HOURS, null)).toEqual(at('2026-04-03T07:05:00Z'));
  });

  it('refuse negative minutes', () => {
    expect(() => addDeskMinutes(at('2026-03-09T08:00:00Z'), -1, BERLIN, HOURS, null)).toThrow(/zero or more/);
  });
});

describe('hot candidates, reminders and the summary', () => {
  const sla = { hot_grades: ['A' as const], hot_minutes: 15, standard_minutes: 240, remind_before_minutes: 5 };

  it('hot means an inbound channel and a hot grade', () => {
    expect(isHot({ channel: 'web_form', grade: 'A' }, sla)).toBe(true);
    expect(isHot({ channel: 'chat', grade: 'A' }, sla)).toBe(true);
    expect(isHot({ channel: 'import', grade: 'A' }, sla)).toBe(false);
    expect(isHot({ channel: 'web_form', grade: 'B' }, sla)).toBe(false);
    expect(isHot({ channel: 'web_form', grade: null }, sla)).toBe(false);
    expect(slaMinutes(true, sla)).toBe(15);
    expect(slaMinutes(false, sla)).toBe(240);
  });

  it('reminds before the due time, never in the past', () => {
    expect(remindAt(at('2026-03-09T08:05:00Z'), sla, at('2026-03-06T16:50:00Z'))).toEqual(at('2026-03-09T08:00:00Z'));
    expect(remindAt(at('2026-03-09T08:05:00Z'), sla, at('2026-03-09T08:03:00Z'))).toEqual(at('2026-03-09T08:03:00Z'));
  });

  it('posts the summary on the next desk day at its local time', () => {
    // Friday 10:00 Berlin -> Monday 09:00 Berlin.
    expect(nextSummaryAt(at('2026-03-06T09:00:00Z'), '09:00', BERLIN, HOURS, 'DE')).toEqual(at('2026-03-09T08:00:00Z'));
    // Monday 07:00 Berlin -> the same day.
    expect(nextSummaryAt(at('2026-03-09T06:00:00Z'), '09:00', BERLIN, HOURS, 'DE')).toEqual(at('2026-03-09T08:00:00Z'));
    // Exactly at the summary time -> the next desk day (strictly after).
    expect(nextSummaryAt(at('2026-03-09T08:00:00Z'), '09:00', BERLIN, HOURS, 'DE')).toEqual(at('2026-03-10T08:00:00Z'));
    // Thursday before Easter -> Tuesday after it.
    expect(nextSummaryAt(at('2026-04-02T08:00:00Z'), '09:00', BERLIN, HOURS, 'DE')).toEqual(at('2026-04-07T07:00:00Z'));
  });

  it("knows the team's day and country from its zone", () => {
    expect(startOfDeskDay(at('2026-03-09T23:30:00Z'), BERLIN)).toEqual(at('2026-03-09T23:00:00Z'));
    expect(teamCountry(BERLIN)).toBe('DE');
    expect(teamCountry('UTC')).toBeNull();
  });
});
