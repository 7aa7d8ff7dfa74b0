import { ConfigError } from '../../domain/errors.ts';
import { isValidTimeZone, recipientTimeZone, type SendWindow } from '../../domain/sequence/calendar.ts';
import type { Lead } from '../../domain/records.ts';
import type { Mailbox } from './deps.ts';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** "09:00-17:00 Mon-Fri" (or "08:30-18:00 Mon-Thu,Sat") into a SendWindow that skips public holidays. */
export function parseSendWindowSpec(spec: string, variable = 'BATON_SEND_WINDOW'): SendWindow {
  const m = /^(\d{2}:\d{2})-(\d{2}:\d{2})(?: (.+))?$/.exec(spec.trim());
  if (!m) throw new ConfigError(`${variable} must look like "09:00-17:00 Mon-Fri", not "${spec}"`, { variable });
  const [, start = '', end = '', daysSpec = 'Mon-Fri'] = m;
  const valid = (t: string) => {
    const [h, mi] = t.split(':').map(Number) as [number, number];
    return h >= 0 && h <= 24 && mi >= 0 && mi < 60 && !(h === 24 && mi > 0);
  };
  if (!valid(start) || !valid(end)) throw new ConfigError(`${variable}: ${!valid(start) ? start : end} is not a time of day`, { variable });
  if (start >= end) throw new ConfigError(`${variable}: the window must end after it starts (${start}-${end})`, { variable });
  const days = new Set<number>();
  for (const part of daysSpec.toLowerCase().split(',')) {
    const [a, b] = part.split('-');
    const from = DAYS.indexOf(a ?? '');
    const to = b === undefined ? from : DAYS.indexOf(b);
    if (from < 0 || to < 0) throw new ConfigError(`${variable}: "${part}" is not a day or a range of days (Mon, Tue, ... Sun)`, { variable });
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d + 1);
      if (d === to) break;
    }
  }
  return { start, end, days: [...days].sort(), skipHolidays: true };
}

/** MAIL_FROM: `"Ann Lee" <ann@x.com>, bob@x.com` into mailboxes. */
export function parseMailboxes(spec: string): Mailbox[] {
  const out: Mailbox[] = [];
  for (const part of spec.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const p = part.trim();
    if (!p) continue;
    const m = /^(?:"?([^"<]*?)"?\s*)?<([^<>\s]+@[^<>\s]+)>$/.exec(p) ?? /^()([^<>\s"]+@[^<>\s"]+)$/.exec(p);
    if (!m?.[2] || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(m[2])) throw new ConfigError(`MAIL_FROM: "${p}" is not a mailbox; write "Name" <address@example.com> or address@example.com`, { variable: 'MAIL_FROM' });
    out.push({ address: m[2].toLowerCase(), name: (m[1] ?? '').trim() });
  }
  if (out.length === 0) throw new ConfigError('MAIL_FROM names no mailbox', { variable: 'MAIL_FROM' });
  return out;
}

export function checkTimeZone(zone: string, variable = 'BATON_TIME_ZONE'): string {
  if (!isValidTimeZone(zone)) throw new ConfigError(`${variable}: "${zone}" is not an IANA time zone such as Europe/Berlin or America/New_York`, { variable });
  return zone;
}

/** The zone a lead's send windows and named days are read in: its own, else its country's, else the sender's. */
export function leadZone(lead: Pick<Lead, 'timeZone' | 'country'>, senderZone: string): string {
  return recipientTimeZone({ time_zone: lead.timeZone ?? null, country: lead.country ?? null }, senderZone).zone;
}
