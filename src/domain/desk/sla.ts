import { DateTime } from 'luxon';
import { ValidationError } from '../errors.ts';
import { COUNTRY_ZONES } from '../sequence/country-zones.ts';
import { isPublicHoliday, localDate, nextSendTime, startOfNextLocalDay, type SendWindow } from '../sequence/calendar.ts';
import type { SlaSettings } from './team.ts';

/**
 * The desk's service levels, pure: which candidates are hot, when each is due, when the owner is
 * reminded, and when the daily summary goes out. SLA clocks count business minutes: only inside the
 * desk hours of the team's zone, on desk days that are not public holidays of the team's country.
 */

const MINUTE = 60_000;
/** A guard for windows that never open: the longest SLA (10 days) spans far fewer desk days. */
const MAX_WINDOWS = 1000;

/** Channels through which the lead asked us (rather than us reaching them): their candidates may be hot. */
export const INBOUND_CHANNELS: ReadonlySet<string> = new Set(['web_form', 'chat']);

/** Hot: the lead came in through a web form or chat and the qualification's grade is one of hot_grades. */
export function isHot(input: { channel: string | null; grade: string | null | undefined }, sla: Pick<SlaSettings, 'hot_grades'>): boolean {
  return input.channel !== null && INBOUND_CHANNELS.has(input.channel) && !!input.grade && (sla.hot_grades as readonly string[]).includes(input.grade);
}

/** Business minutes a candidate may wait before it is due. */
export function slaMinutes(hot: boolean, sla: Pick<SlaSettings, 'hot_minutes' | 'standard_minutes'>): number {
  return hot ? sla.hot_minutes : sla.standard_minutes;
}

/** The instant the desk closes on the local day of `at` (which is inside the window). */
function windowCloses(at: Date, zone: string, window: SendWindow): Date {
  if (window.end === '24:00') return startOfNextLocalDay(at, zone);
  // luxon moves a wall time that falls in a spring-forward gap to the first valid time after it.
  return DateTime.fromISO(`${localDate(at, zone)}T${window.end}`, { zone }).toJSDate();
}

/**
 * `minutes` business minutes after `start`: the clock runs only inside the desk window, so a
 * candidate opened at night starts its clock when the desk opens, and one opened ten minutes before
 * Friday's close carries the rest to Monday morning. A due time exactly at the close stays there.
 */
export function addDeskMinutes(start: Date, minutes: number, zone: string, window: SendWindow, country: string | null): Date {
  if (!Number.isFinite(minutes) || minutes < 0) throw new ValidationError(`SLA minutes must be zero or more, got ${minutes}`, { minutes }, 'DESK_BAD_SLA');
  let left = minutes * MINUTE;
  let t = start;
  for (let i = 0; i < MAX_WINDOWS; i++) {
    t = nextSendTime(t, zone, window, country);
    const closes = windowCloses(t, zone, window);
    const open = closes.getTime() - t.getTime();
    if (left <= open) return new Date(t.getTime() + left);
    left -= open;
    t = closes;
  }
  throw new ValidationError(`the desk hours ${window.start}-${window.end} never give ${minutes} minutes`, { minutes }, 'DESK_BAD_SLA');
}

/** When to remind the owner: `remind_before_minutes` before the due time, never before `notBefore` (now). */
export function remindAt(dueAt: Date, sla: Pick<SlaSettings, 'remind_before_minutes'>, notBefore: Date): Date {
  return new Date(Math.max(dueAt.getTime() - sla.remind_before_minutes * MINUTE, notBefore.getTime()));
}

/**
 * The next daily summary strictly after `after`: `summaryAt` ('HH:MM', team zone) on the next desk
 * day (a weekday of the window, not a public holiday of the team's country).
 */
export function nextSummaryAt(after: Date, summaryAt: string, zone: string, window: SendWindow, country: string | null): Date {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(summaryAt)) throw new ValidationError(`the summary time must be HH:MM, got "${summaryAt}"`, { summaryAt }, 'DESK_BAD_SLA');
  let day = DateTime.fromJSDate(after, { zone }).startOf('day');
  for (let i = 0; i < 400; i++, day = day.plus({ days: 1 })) {
    if (!window.days.includes(day.weekday)) continue;
    const at = DateTime.fromISO(`${day.toISODate()}T${summaryAt}`, { zone }).toJSDate();
    if (at.getTime() <= after.getTime()) continue;
    if (window.skipHolidays && isPublicHoliday(at, zone, country)) continue;
    return at;
  }
  throw new ValidationError(`the desk hours name no day for the daily summary`, { days: window.days }, 'DESK_BAD_SLA');
}

/** The start of the local day of `at` in `zone`: "today" for the desk's counters. */
export function startOfDeskDay(at: Date, zone: string): Date {
  return DateTime.fromJSDate(at, { zone }).startOf('day').toJSDate();
}

/**
 * The team's country, for its public holidays: the one country whose main zone is the team's zone
 * (Europe/Berlin -> DE). Null when no country, or more than one, has it: then no holidays are skipped.
 */
export function teamCountry(zone: string): string | null {
  const hits = [...COUNTRY_ZONES].filter(([, z]) => z === zone).map(([code]) => code);
  return hits.length === 1 ? (hits[0] ?? null) : null;
}
