import Holidays from 'date-holidays';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { BatonError } from '../errors.ts';
import { COUNTRY_ZONES, countryCodeFromTable, normaliseCountryName } from './country-zones.ts';

/**
 * When mail may reach a recipient: their local working hours, working days and public holidays.
 * Pure: every function takes the instant, zone and country it needs and reads no clock.
 *
 * Local times are handled as "wall milliseconds" (the local date and time written as if it were
 * UTC), so days and minutes are plain integer arithmetic and only the zone offset needs a lookup.
 */

/** A recipient's local sending hours. */
export interface SendWindow {
  /** Local start and end of the sending day, 'HH:MM' 24h; end exclusive; start < end. */
  readonly start: string;
  readonly end: string;
  /** ISO weekdays on which mail may go: 1 = Monday ... 7 = Sunday. */
  readonly days: readonly number[];
  /** Skip the public holidays of the recipient's country. */
  readonly skipHolidays: boolean;
}

/** 09:00-17:00 local, Monday to Friday, public holidays skipped. */
export const DEFAULT_SEND_WINDOW: SendWindow = Object.freeze({ start: '09:00', end: '17:00', days: Object.freeze([1, 2, 3, 4, 5]), skipHolidays: true });

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far nextSendTime and addBusinessDays look before declaring that a window never opens. */
const MAX_SEARCH_DAYS = 400;

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const START_RE = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
// 24:00 closes the window at midnight; BATON_SEND_WINDOW accepts it too.
const END_RE = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

// ---------------------------------------------------------------------------------------------
// The schema, for send windows written in sequence YAML or configuration.

function clockField(which: 'start' | 'end') {
  const re = which === 'start' ? START_RE : END_RE;
  const latest = which === 'start' ? '23:59' : '24:00';
  return z
    .string({ error: `${which} must be a time of day in quotes, like "09:00"` })
    .trim()
    .refine((s) => re.test(s), { error: (iss) => `${which}: "${String(iss.input)}" is not a time of day; write HH:MM on a 24-hour clock, 00:00 to ${latest}` });
}

function parseDay(v: number | string): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 1 && v <= 7 ? v : null;
  const s = v.trim().toLowerCase();
  if (/^[1-7]$/.test(s)) return Number(s);
  if (s.length < 3) return null;
  const i = DAY_NAMES.findIndex((name) => name.startsWith(s));
  return i < 0 ? null : i + 1;
}

const DayField = z.union([z.number(), z.string()], { error: 'each day must be 1 (Monday) to 7 (Sunday) or a name such as mon' }).transform((v, ctx) => {
  const n = parseDay(v);
  if (n === null) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a day; use 1 (Monday) to 7 (Sunday) or mon, tue, wed, thu, fri, sat, sun` });
    return z.NEVER;
  }
  return n;
});

const SendWindowFields = z
  .object({
    start: clockField('start').describe("Local time the window opens, HH:MM on a 24-hour clock, in the recipient's zone."),
    end: clockField('end').describe('Local time the window closes, HH:MM, exclusive; 24:00 for midnight. Must be after start.'),
    days: z
      .array(DayField, { error: 'days must be a list, e.g. [mon, tue, wed, thu, fri] or [1, 2, 3, 4, 5]' })
      .min(1, { error: 'days must name at least one day; a window without days never opens' })
      .default([1, 2, 3, 4, 5])
      .describe('Weekdays on which mail may go: 1 (Monday) to 7 (Sunday) or names; default Monday to Friday.'),
    skip_holidays: z.boolean({ error: 'skip_holidays must be true or false' }).optional().describe("Skip the public holidays of the recipient's country; default true."),
    skipHolidays: z.boolean({ error: 'skipHolidays must be true or false' }).optional().describe('The same as skip_holidays, for windows written in code or JSON.'),
  })
  .strict();

/** A SendWindow as written in YAML or configuration, with messages a person can act on. */
export const SendWindowSchema: z.ZodType<SendWindow> = SendWindowFields.superRefine((w, ctx) => {
  // Object refinements run even when a field failed, so compare only values that passed.
  if (START_RE.test(w.start) && END_RE.test(w.end) && w.start >= w.end) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: `the window must end after it starts: ${w.start}-${w.end} is empty (it cannot run past midnight)` });
  }
  const seen = new Set<number>();
  for (const d of w.days) {
    if (typeof d !== 'number') continue;
    if (seen.has(d)) ctx.addIssue({ code: 'custom', path: ['days'], message: `days lists ${DAY_NAMES[d - 1] ?? d} more than once` });
    seen.add(d);
  }
  if (w.skip_holidays !== undefined && w.skipHolidays !== undefined && w.skip_holidays !== w.skipHolidays) {
    ctx.addIssue({ code: 'custom', path: ['skip_holidays'], message: 'skip_holidays and skipHolidays disagree; write only skip_holidays' });
  }
}).transform(
  (w): SendWindow => ({ start: w.start, end: w.end, days: [...w.days].sort((a, b) => a - b), skipHolidays: w.skip_holidays ?? w.skipHolidays ?? true }),
);

// ---------------------------------------------------------------------------------------------
// Zones.

interface KnownZone {
  readonly iana: IANAZone;
  /** The canonical spelling, e.g. "America/New_York" for "america/new_york". */
  readonly name: string;
}

// Validating a zone builds an Intl.DateTimeFormat (tens of microseconds), so answers are kept. Lead
// data can hold any string, so the cache is emptied rather than allowed to grow without bound.
const zoneCache = new Map<string, KnownZone | null>();
const ZONE_CACHE_MAX = 2000;

function lookupZone(name: string): KnownZone | null {
  const hit = zoneCache.get(name);
  if (hit !== undefined) return hit;
  let found: KnownZone | null = null;
  if (typeof name === 'string' && IANAZone.isValidZone(name)) {
    found = { iana: IANAZone.create(name), name: new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone };
  }
  if (zoneCache.size >= ZONE_CACHE_MAX) zoneCache.clear();
  zoneCache.set(name, found);
  return found;
}

function zoneOf(name: string): IANAZone {
  const z = lookupZone(name);
  if (!z) throw new BatonError('TIME_ZONE_INVALID', `"${name}" is not an IANA time zone; use a name such as Europe/Berlin or America/New_York`, { fault: 'user', details: { zone: name } });
  return z.iana;
}

/** Is this an IANA zone luxon knows? */
export function isValidTimeZone(tz: string): boolean {
  return lookupZone(tz) !== null;
}

function epochMs(at: Date): number {
  const t = at instanceof Date ? at.getTime() : NaN;
  if (!Number.isFinite(t)) throw new BatonError('INVALID_DATE', `expected a valid date and time, got ${String(at)}`, { fault: 'user' });
  return t;
}

function offsetMs(zone: IANAZone, t: number): number {
  return zone.offset(t) * MINUTE;
}

function wallOf(zone: IANAZone, t: number): number {
  return t + offsetMs(zone, t);
}

/** Days since 1970-01-01 of a wall time: the local calendar date as one integer. */
function dayIndex(wall: number): number {
  return Math.floor(wall / DAY);
}

/** ISO weekday (1 = Monday) of a day index; 1970-01-01 was a Thursday. */
function weekdayOf(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/**
 * The first instant in (lo, hi] whose offset differs from the offset at lo. The caller knows the
 * offset changes once in the range; zone offsets change on whole seconds, the search is to the ms.
 */
function transitionIn(zone: IANAZone, lo: number, hi: number): number {
  const before = zone.offset(lo);
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (zone.offset(mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Every instant whose local time is exactly `wall`, earliest first: one on most days, none in a
 * spring-forward gap, two in the repeated hour of a fall-back. Zones move at most once in two days,
 * so the offsets a day either side cover every candidate.
 */
function instantsAtWall(zone: IANAZone, wall: number): number[] {
  const a = zone.offset(wall - DAY);
  const b = zone.offset(wall + DAY);
  const out: number[] = [];
  for (const o of a === b ? [a] : [a, b]) {
    const t = wall - o * MINUTE;
    if (zone.offset(t) === o) out.push(t);
  }
  return out.sort((x, y) => x - y);
}

/** The first instant whose local time is `wall` or later: `wall` itself, or the end of the gap it falls in. */
function firstInstantAtOrAfterWall(zone: IANAZone, wall: number): number {
  const exact = instantsAtWall(zone, wall)[0];
  if (exact !== undefined) return exact;
  return transitionIn(zone, wall - DAY, wall + DAY);
}

// ---------------------------------------------------------------------------------------------
// Countries and holidays.

let supportedCountries: ReadonlySet<string> | null = null;
let countryNames: ReadonlyMap<string, string> | null = null;

function holidayCountries(): { readonly codes: ReadonlySet<string>; readonly names: ReadonlyMap<string, string> } {
  if (!supportedCountries || !countryNames) {
    const all = new Holidays().getCountries('en');
    supportedCountries = new Set(Object.keys(all));
    countryNames = new Map(Object.entries(all).map(([code, name]) => [normaliseCountryName(name), code]));
  }
  return { codes: supportedCountries, names: countryNames };
}

/**
 * ISO 3166 alpha-2 code for a country as a lead record writes it: a code in either case, an alpha-3
 * code, or a common name ("United States", "UK", "Deutschland", "中国"); null when unknown.
 */
export function countryCode(country: string | null | undefined): string | null {
  if (typeof country !== 'string' || !country.trim()) return null;
  return countryCodeFromTable(country) ?? holidayCountries().names.get(normaliseCountryName(country)) ?? null;
}

interface CountryCalendar {
  readonly holidays: Holidays;
  /** Day indexes (see dayIndex) of public holidays, by year. */
  readonly years: Map<number, ReadonlySet<number>>;
}

// One date-holidays instance per country: building one parses the country's rules (milliseconds).
const countryCalendars = new Map<string, CountryCalendar | null>();
const mainZones = new Map<string, string | null>();

function countryCalendar(code: string): CountryCalendar | null {
  const hit = countryCalendars.get(code);
  if (hit !== undefined) return hit;
  let found: CountryCalendar | null = null;
  if (holidayCountries().codes.has(code)) {
    try {
      // In UTC, a holiday's start and end read as its local wall times, whatever the recipient's zone.
      found = { holidays: new Holidays(code, { timezone: 'UTC', types: ['public'] }), years: new Map() };
    } catch {
      found = null;
    }
  }
  countryCalendars.set(code, found);
  return found;
}

function yearOfDay(day: number): number {
  return new Date(day * DAY).getUTCFullYear();
}

/**
 * A date counts as a holiday when a public holiday is in force at its local midnight. Holidays that
 * begin at sunset (Islamic and Jewish ones) then count from the next day, and afternoon-only ones
 * (China's 08-01 for the army, 03-08 for women) do not close the day.
 */
function publicHolidayDays(cal: CountryCalendar, year: number): ReadonlySet<number> {
  const hit = cal.years.get(year);
  if (hit) return hit;
  const days = new Set<number>();
  // A holiday from late December can run into January, so the year before is read too.
  for (const y of [year - 1, year]) {
    for (const h of cal.holidays.getHolidays(y)) {
      if (h.type !== 'public') continue;
      const end = h.end.getTime();
      for (let d = Math.ceil(h.start.getTime() / DAY), n = 0; d * DAY < end && n < 60; d += 1, n += 1) {
        if (yearOfDay(d) === year) days.add(d);
      }
    }
  }
  cal.years.set(year, days);
  return days;
}

function isHolidayDay(code: string | null, day: number): boolean {
  if (!code) return false;
  const cal = countryCalendar(code);
  return cal !== null && publicHolidayDays(cal, yearOfDay(day)).has(day);
}

function mainZoneOf(code: string): string | null {
  const hit = mainZones.get(code);
  if (hit !== undefined) return hit;
  // Outside our table, date-holidays lists a country's zones with the main one first.
  const zone = COUNTRY_ZONES.get(code) ?? countryCalendar(code)?.holidays.getTimezones()[0] ?? null;
  const found = zone !== null && isValidTimeZone(zone) ? zone : null;
  mainZones.set(code, found);
  return found;
}

/**
 * The recipient's zone: the lead's own time_zone when valid, else the main zone of its country
 * (code or common name), else the sender's zone; `from` says which rule applied.
 */
export function recipientTimeZone(
  lead: { time_zone?: string | null; country?: string | null },
  senderZone: string,
): { zone: string; from: 'lead' | 'country' | 'sender' } {
  const own = typeof lead.time_zone === 'string' ? lookupZone(lead.time_zone.trim()) : null;
  if (own) return { zone: own.name, from: 'lead' };
  const code = countryCode(lead.country);
  const zone = code ? mainZoneOf(code) : null;
  if (zone) return { zone, from: 'country' };
  return { zone: senderZone, from: 'sender' };
}

/** Is `country` having a public holiday on the local date of `at` in `zone`? Unknown or empty country: false. */
export function isPublicHoliday(at: Date, zone: string, country: string | null): boolean {
  const z = zoneOf(zone);
  const t = epochMs(at);
  const code = countryCode(country);
  return code !== null && isHolidayDay(code, dayIndex(wallOf(z, t)));
}

// ---------------------------------------------------------------------------------------------
// Windows.

interface ParsedWindow {
  readonly startMin: number;
  readonly endMin: number;
  /** Bit d set when ISO weekday d may send. */
  readonly dayMask: number;
  readonly skipHolidays: boolean;
}

const parsedWindows = new WeakMap<SendWindow, ParsedWindow>();

function clockMinutes(s: string, re: RegExp): number | null {
  if (typeof s !== 'string' || !re.test(s)) return null;
  return Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
}

function parseWindow(w: SendWindow): ParsedWindow {
  const hit = parsedWindows.get(w);
  if (hit) return hit;
  const startMin = clockMinutes(w.start, START_RE);
  const endMin = clockMinutes(w.end, END_RE);
  if (startMin === null || endMin === null || startMin >= endMin) {
    throw new BatonError('SEND_WINDOW_INVALID', `send window ${String(w.start)}-${String(w.end)} is not a window: write HH:MM-HH:MM with the end after the start`, { fault: 'user' });
  }
  let dayMask = 0;
  for (const d of w.days) {
    if (!Number.isInteger(d) || d < 1 || d > 7) throw new BatonError('SEND_WINDOW_INVALID', `send window day ${String(d)} is not a weekday 1 (Monday) to 7 (Sunday)`, { fault: 'user' });
    dayMask |= 1 << d;
  }
  const parsed = { startMin, endMin, dayMask, skipHolidays: w.skipHolidays };
  parsedWindows.set(w, parsed);
  return parsed;
}

function isOpenDay(w: ParsedWindow, code: string | null, day: number): boolean {
  return (w.dayMask & (1 << weekdayOf(day))) !== 0 && !(w.skipHolidays && isHolidayDay(code, day));
}

function isOpenAt(zone: IANAZone, t: number, w: ParsedWindow, code: string | null): boolean {
  const wall = wallOf(zone, t);
  const day = dayIndex(wall);
  const minute = Math.floor((wall - day * DAY) / MINUTE);
  return minute >= w.startMin && minute < w.endMin && isOpenDay(w, code, day);
}

/**
 * The instants of local day `day` at which an open window can begin: the local start time (twice
 * in a repeated hour), the start of the day, and the day's offset change, if any. A start inside a
 * spring-forward gap is covered by the change, which is the first valid local time after it; a
 * fall-back that moves the clock back into the window is covered the same way.
 */
function openingsOn(zone: IANAZone, day: number, startMin: number): number[] {
  const dayStart = firstInstantAtOrAfterWall(zone, day * DAY);
  const nextDayStart = firstInstantAtOrAfterWall(zone, (day + 1) * DAY);
  const out = [dayStart, ...instantsAtWall(zone, day * DAY + startMin * MINUTE)];
  if (zone.offset(dayStart) !== zone.offset(nextDayStart - 1)) out.push(transitionIn(zone, dayStart, nextDayStart - 1));
  return out.sort((a, b) => a - b);
}

function neverOpens(window: SendWindow, zone: string, code: string | null): BatonError {
  return new BatonError(
    'SEND_WINDOW_NEVER_OPENS',
    `the send window ${window.start}-${window.end} on days [${window.days.join(', ')}] does not open within ${MAX_SEARCH_DAYS} days in ${zone}${code && window.skipHolidays ? ` with the public holidays of ${code} skipped` : ''}; give it more days`,
    { fault: 'user', details: { zone, country: code, window: { ...window } } },
  );
}

/** May a message go at `at`? Local time in [start, end), weekday in days, not a holiday when skipHolidays. */
export function isInSendWindow(at: Date, zone: string, window: SendWindow, country: string | null): boolean {
  const w = parseWindow(window);
  return isOpenAt(zoneOf(zone), epochMs(at), w, w.skipHolidays ? countryCode(country) : null);
}

/**
 * The earliest instant at or after `at` inside the window (`at` itself when inside). A window start
 * that falls into a spring-forward gap opens at the first valid local time. Throws
 * SEND_WINDOW_NEVER_OPENS when the window stays shut for 400 days.
 */
export function nextSendTime(at: Date, zone: string, window: SendWindow, country: string | null): Date {
  const z = zoneOf(zone);
  const t0 = epochMs(at);
  const w = parseWindow(window);
  const code = w.skipHolidays ? countryCode(country) : null;
  if (isOpenAt(z, t0, w, code)) return at;
  if (w.dayMask === 0) throw neverOpens(window, zone, code);
  const first = dayIndex(wallOf(z, t0));
  for (let day = first; day <= first + MAX_SEARCH_DAYS; day += 1) {
    if (!isOpenDay(w, code, day)) continue;
    for (const t of openingsOn(z, day, w.startMin)) {
      if (t > t0 && isOpenAt(z, t, w, code)) return new Date(t);
    }
  }
  throw neverOpens(window, zone, code);
}

/**
 * `n` business days after `at`, at the same local wall time (the first valid time after it when
 * that day skips the hour). A business day is a weekday in `window.days` that is not a public
 * holiday when `window.skipHolidays`. The send hours are not applied: pass the result to nextSendTime.
 */
export function addBusinessDays(at: Date, n: number, zone: string, window: SendWindow, country: string | null): Date {
  if (!Number.isInteger(n) || n < 0) throw new BatonError('BUSINESS_DAYS_INVALID', `business days must be a whole number, 0 or more, not ${n}`, { fault: 'user' });
  const z = zoneOf(zone);
  const t0 = epochMs(at);
  const w = parseWindow(window);
  if (n === 0) return at;
  const code = w.skipHolidays ? countryCode(country) : null;
  const wall = wallOf(z, t0);
  let day = dayIndex(wall);
  const timeOfDay = wall - day * DAY;
  for (let left = n, idle = 0; left > 0; ) {
    day += 1;
    if (isOpenDay(w, code, day)) {
      left -= 1;
      idle = 0;
    } else if (++idle > MAX_SEARCH_DAYS) {
      throw neverOpens(window, zone, code);
    }
  }
  return new Date(firstInstantAtOrAfterWall(z, day * DAY + timeOfDay));
}

/** The local calendar date of `at` in `zone`, 'YYYY-MM-DD' (caps are counted per local day). */
export function localDate(at: Date, zone: string): string {
  return new Date(dayIndex(wallOf(zoneOf(zone), epochMs(at))) * DAY).toISOString().slice(0, 10);
}

/**
 * The first instant of the local calendar date `day` ('YYYY-MM-DD') in `zone`: its midnight, or the
 * first valid time when midnight is skipped. "Back on 20 March" starts here, not at 00:00 UTC.
 */
export function startOfLocalDate(day: string, zone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const wall = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || new Date(wall).toISOString().slice(0, 10) !== day) throw new BatonError('INVALID_DATE', `expected a date as YYYY-MM-DD, got ${JSON.stringify(day)}`, { fault: 'user' });
  return new Date(firstInstantAtOrAfterWall(zoneOf(zone), wall));
}

/** Start of the next local day in `zone` (its midnight, or the first valid time when midnight is skipped). */
export function startOfNextLocalDay(at: Date, zone: string): Date {
  const z = zoneOf(zone);
  return new Date(firstInstantAtOrAfterWall(z, (dayIndex(wallOf(z, epochMs(at))) + 1) * DAY));
}
