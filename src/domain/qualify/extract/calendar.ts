/** Calendar arithmetic on UTC midnights; the engine never reads a clock, the case date is the reference. */

export function parseIsoDate(s: string): Date {
  return new Date(`${s}T00:00:00Z`);
}

export function ymd(y: number, m0: number, d: number): Date {
  return new Date(Date.UTC(y, m0, d));
}

export function endOfMonth(y: number, m0: number): Date {
  return new Date(Date.UTC(y, m0 + 1, 0));
}

export function endOfQuarter(y: number, q: number): Date {
  return endOfMonth(y, q * 3 + 2);
}

export function quarterOf(d: Date): number {
  return Math.floor(d.getUTCMonth() / 3);
}

export function addDays(d: Date, n: number): Date {
  return new Date(d.getTime() + n * 86_400_000);
}

/** Add calendar months, clamping to the last day ("Jan 31 + 1 month" is Feb 28). */
export function addMonths(d: Date, n: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + n;
  const last = endOfMonth(y, m).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), last)));
}

export function daysBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 86_400_000);
}

/** Sunday that ends the ISO week of d (weeks run Monday to Sunday). */
export function endOfWeek(d: Date): Date {
  const dow = d.getUTCDay();
  return addDays(d, dow === 0 ? 0 : 7 - dow);
}

// Chinese New Year (春节) moves with the lunar calendar.
const SPRING_FESTIVAL: Record<number, string> = {
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
  2027: '2027-02-06',
  2028: '2028-01-26',
  2029: '2029-02-13',
  2030: '2030-02-03',
  2031: '2031-01-23',
  2032: '2032-02-11',
};

/** The next Spring Festival on or after `ref`, or null outside the table. */
export function nextSpringFestival(ref: Date): Date | null {
  for (const y of [ref.getUTCFullYear(), ref.getUTCFullYear() + 1]) {
    const s = SPRING_FESTIVAL[y];
    if (s && parseIsoDate(s).getTime() >= ref.getTime()) return parseIsoDate(s);
  }
  return null;
}
