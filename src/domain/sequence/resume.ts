import * as chrono from 'chrono-node';
import * as chronoZh from 'chrono-node/zh';

const DAY = 86_400_000;

/**
 * "next month" / "下个月" as the first of the following month. chrono's own reading adds one month to
 * the reference date, which overflows on the 29th-31st (31 January + 1 month = 3 March).
 */
const nextMonth: chrono.Parser = {
  pattern: () => /\bnext\s+month\b|下[个個]?月/i,
  extract: (context) => {
    const ref = context.refDate;
    const first = new Date(ref.getFullYear(), ref.getMonth() + 1, 1);
    return context.createParsingComponents({ year: first.getFullYear(), month: first.getMonth() + 1 }).imply('day', 1);
  },
};

/**
 * A month named without a day means its first day. chrono's Chinese parser takes the day of the
 * reference date instead, so "2月" written on 31 January was an invalid date (dropped) and "3月"
 * written on 10 March was today (ignored).
 */
const monthStartsOnFirst: chrono.Refiner = {
  refine: (_context, results) => {
    for (const r of results) if (r.start.isCertain('month') && !r.start.isCertain('day')) r.start.imply('day', 1);
    return results;
  },
};

function withMonthFixes(base: chrono.Chrono): chrono.Chrono {
  const c = base.clone();
  c.parsers.unshift(nextMonth);
  c.refiners.unshift(monthStartsOnFirst);
  return c;
}

const en = withMonthFixes(chrono.casual);
const zh = withMonthFixes(chronoZh.casual);

/**
 * The day a "not now" reply asks to be contacted again ("ping me in March", "after 15 January",
 * "下个月再联系"), as YYYY-MM-DD: the first date it names that lies after the day it was sent. Null
 * when it names none (or only past days).
 */
export function askedResumeDate(text: string, sent: Date): string | null {
  const body = text.slice(0, 4000);
  const results = (/[\u4e00-\u9fff]/.test(body) ? zh : en).parse(body, sent, { forwardDate: true });
  const today = Math.floor(sent.getTime() / DAY);
  for (const r of results) {
    const d = r.start.date();
    if (Math.floor(d.getTime() / DAY) > today) {
      // "in March" without a day means the start of March.
      if (!r.start.isCertain('day') && r.start.isCertain('month')) {
        const y = r.start.get('year') ?? d.getUTCFullYear();
        const m = r.start.get('month') ?? d.getUTCMonth() + 1;
        return `${y}-${String(m).padStart(2, '0')}-01` > new Date(sent).toISOString().slice(0, 10) ? `${y}-${String(m).padStart(2, '0')}-01` : d.toISOString().slice(0, 10);
      }
      return new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate())).toISOString().slice(0, 10);
    }
  }
  return null;
}
