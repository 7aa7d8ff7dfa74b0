import * as chrono from 'chrono-node';
import {
  addDays,
  addMonths,
  endOfMonth,
  endOfQuarter,
  endOfWeek,
  nextSpringFestival,
  quarterOf,
  ymd,
} from './calendar.ts';

/** A time expression resolved against the reply date. */
export interface Horizon {
  /** Offsets into the searched text. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** The last day of the stated horizon; null for "as soon as possible". */
  readonly date: Date | null;
  readonly asap: boolean;
  /** How coarse the expression is; a bare "this year" next to a budget says little about buying. */
  readonly granularity: 'day' | 'week' | 'month' | 'quarter' | 'half' | 'year' | 'duration' | 'season' | 'asap';
}

type Resolved = { date: Date | null; granularity: Horizon['granularity']; asap?: boolean } | null;
interface Rule {
  readonly re: RegExp;
  readonly resolve: (m: RegExpExecArray, ref: Date) => Resolved;
}

const EN_COUNT: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  couple: 2, 'a couple': 2, 'couple of': 2, 'a couple of': 2, few: 3, 'a few': 3, several: 3, 'half a': 0.5, 'half an': 0.5,
};
const ZH_COUNT: Record<string, number> = {
  一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12, 半: 0.5, 几: 3, 一两: 2, 两三: 3, 三四: 4, 三五: 5, 四五: 5, 五六: 6,
};
const ORDINAL_Q: Record<string, number> = { first: 0, '1st': 0, second: 1, '2nd': 1, third: 2, '3rd': 2, fourth: 3, '4th': 3, last: 3 };
const ZH_DIGIT_Q: Record<string, number> = { 一: 0, 二: 1, 三: 2, 四: 3, '1': 0, '2': 1, '3': 2, '4': 3 };

function count(s: string | undefined, table: Record<string, number>): number | null {
  if (s === undefined) return null;
  const t = s.trim().replace(/\s+/g, ' ');
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
  return table[t] ?? null;
}

function zhMonth(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const map: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 };
  return map[s] ?? null;
}

function zhDay(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(?:([二三])?十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || s === '') return null;
  const tens = s.includes('十') ? (m[1] === '二' ? 20 : m[1] === '三' ? 30 : 10) : 0;
  const ones = m[2] ? ({ 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }[m[2]] ?? 0) : 0;
  return tens + ones || null;
}

function yearFromWord(word: string | undefined, explicit: string | undefined, ref: Date): number | null {
  const y = ref.getUTCFullYear();
  if (explicit) return explicit.length === 2 ? 2000 + Number(explicit) : Number(explicit);
  if (!word) return null;
  if (/next|明年|following/.test(word)) return y + 1;
  if (/后年/.test(word)) return y + 2;
  return y;
}

function quarterEnd(q: number, year: number | null, ref: Date, mode: string | undefined): Date {
  let y = year ?? ref.getUTCFullYear();
  let end = endOfQuarter(y, q);
  if (year === null && end < ref) {
    y += 1;
    end = endOfQuarter(y, q);
  }
  if (mode && /before|prior|ahead|前|之前|以前|start|beginning|初/.test(mode)) return addDays(ymd(y, q * 3, 1), -1);
  if (mode && /mid|middle/.test(mode)) return ymd(y, q * 3 + 1, 15);
  return end;
}

function seasonEnd(season: string, year: number | null, ref: Date, next: boolean): Date | null {
  const y = year ?? ref.getUTCFullYear();
  // Winter straddles the new year: in January-June "this winter" is the one ending this February.
  const winterShift = ref.getUTCMonth() <= 5 && year === null ? 0 : 1;
  const endFor = (yy: number): Date =>
    /spring/.test(season) ? endOfMonth(yy, 4) : /summer/.test(season) ? endOfMonth(yy, 7) : /fall|autumn/.test(season) ? endOfMonth(yy, 10) : endOfMonth(yy + winterShift, 1);
  let end = endFor(y);
  if (year === null && (end < ref || next)) {
    // "next summer" said during the summer means the following one.
    const startMonth = /spring/.test(season) ? 2 : /summer/.test(season) ? 5 : /fall|autumn/.test(season) ? 8 : 11;
    if (end < ref || ref.getUTCMonth() >= startMonth) end = endFor(y + 1);
  }
  return end;
}

function periodPoint(y: number, m0: number, part: string | undefined): Date {
  if (!part) return endOfMonth(y, m0);
  if (/early|beginning|start|初|上旬/.test(part)) return ymd(y, m0, 10);
  if (/mid|middle|中|中旬/.test(part)) return ymd(y, m0, 15);
  if (/^(?:前|之前|以前|before)$/.test(part)) return addDays(ymd(y, m0, 1), -1);
  return endOfMonth(y, m0);
}

function monthHorizon(m0: number, day: number | null, year: number | null, ref: Date, part: string | undefined): Date {
  let y = year ?? ref.getUTCFullYear();
  const point = (yy: number): Date => (day !== null ? ymd(yy, m0, day) : periodPoint(yy, m0, part));
  if (year === null && point(y) < ref) y += 1;
  return point(y);
}

const N_EN = String.raw`(\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple(?: of)?|couple(?: of)?|a few|few|several|half an?)`;
const N_ZH = String.raw`(\d+|一两|两三|三四|三五|四五|五六|十一|十二|[一二两三四五六七八九十半几])`;

function addUnit(ref: Date, n: number, unit: string): Date {
  if (/^(?:business\s+)?days?$|^天$/.test(unit)) return addDays(ref, Math.ceil(unit.startsWith('business') ? n * 1.4 : n));
  if (/^w|^周$|^星期$|^礼拜$/.test(unit)) return addDays(ref, Math.round(n * 7));
  if (/^q/.test(unit)) return addMonths(ref, Math.round(n * 3));
  if (/^y|^年$/.test(unit)) return addMonths(ref, Math.round(n * 12));
  return n % 1 === 0 ? addMonths(ref, n) : addDays(ref, Math.round(n * 30.4));
}

// Chat spellings of the period words: "nxt mth", "this qtr", "next yr".
const UNIT_WORD: Record<string, string> = { wk: 'week', mth: 'month', qtr: 'quarter', yr: 'year' };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAME = String.raw`(january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|may)`;

function monthIndex(word: string): number {
  return MONTHS.indexOf(word.slice(0, 3));
}

const RULES: readonly Rule[] = [
  // Chinese first: "Q3之前" must keep its suffix.
  {
    re: /(这个|这|本|下个|下一个|下)季度(末|底|初|内|前|之前)?/g,
    resolve: (m, ref) => {
      const shift = /下/.test(m[1] ?? '') ? 1 : 0;
      const q = quarterOf(ref) + shift;
      const y = ref.getUTCFullYear() + Math.floor(q / 4);
      // 下季度初 is the first days of that quarter; 下季度前 the day before it starts.
      if (m[2] === '初') return { date: ymd(y, (q % 4) * 3, 10), granularity: 'quarter' };
      if (shift && (m[2] === '前' || m[2] === '之前')) return { date: addDays(ymd(y, (q % 4) * 3, 1), -1), granularity: 'quarter' };
      return { date: endOfQuarter(y, q % 4), granularity: 'quarter' };
    },
  },
  {
    re: new RegExp(String.raw`(未来|接下来|最近|在)?${N_ZH}(个)?(月|周|星期|礼拜|天|年)(内|之内|以内|左右|后|之后|以后|时间)?`, 'g'),
    // "九月" is September and "在九月" is "in September"; a count of months needs 个 ("九个月", "三个月内").
    resolve: (m) => (m[4] === '月' && !m[3] && m[2] !== '半' ? null : m[1] || m[5] ? { date: null, granularity: 'duration' } : null),
  },
  {
    re: /(今年|明年|后年|(20\d{2})年)?(\d{1,2}|十[一二]?|[一二三四五六七八九])月份?(?:(\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号])?(底|末|初|中|上旬|中旬|下旬|前|之前|以前)?/g,
    resolve: (m, ref) => {
      const month = zhMonth(m[3] ?? '');
      if (month === null || month < 1 || month > 12) return null;
      const day = m[4] ? zhDay(m[4]) : null;
      const year = yearFromWord(m[1], m[2], ref);
      return { date: monthHorizon(month - 1, day, year, ref, m[5]), granularity: day ? 'day' : 'month' };
    },
  },
  {
    re: /(今年|明年|后年|(20\d{2})年?)?(?:的)?(上半年|下半年|年中|年底|年末|年初|年内|内)(前|之前|以前)?/g,
    // "2028年底" writes 年 once: the year may end right before 年底.
    resolve: (m, ref) => {
      if (m[3] === '内' && !m[1]) return null;
      const named = yearFromWord(m[1], m[2], ref);
      let y = named ?? ref.getUTCFullYear();
      const part = m[3] ?? '';
      let date: Date;
      if (part === '上半年' || part === '年中') date = ymd(y, 5, 30);
      else if (part === '年初') {
        if (named === null && ref.getUTCMonth() > 2) y += 1;
        date = endOfMonth(y, 2);
      } else date = ymd(y, 11, 31);
      if (named === null && date < ref) date = new Date(Date.UTC(y + 1, date.getUTCMonth(), date.getUTCDate()));
      return { date, granularity: part === '年内' || part === '内' ? 'year' : 'half' };
    },
  },
  {
    re: /(这个|这|本|下个|下一个|下下个|下)(月|周|星期|礼拜)(底|末|初|中|前|之前|内)?/g,
    resolve: (m, ref) => {
      const shift = (m[1] ?? '').startsWith('下下') ? 2 : (m[1] ?? '').startsWith('下') ? 1 : 0;
      if (m[2] === '月') {
        const mm = ref.getUTCMonth() + shift;
        const y = ref.getUTCFullYear() + Math.floor(mm / 12);
        return { date: periodPoint(y, mm % 12, m[3] && /初|中/.test(m[3]) ? m[3] : undefined), granularity: 'month' };
      }
      return { date: addDays(endOfWeek(ref), 7 * shift), granularity: 'week' };
    },
  },
  { re: /月底前|月底之前|月底|月末/g, resolve: (_m, ref) => ({ date: endOfMonth(ref.getUTCFullYear(), ref.getUTCMonth()), granularity: 'month' }) },
  {
    re: /(今年|明年|后年|(20\d{2})年)?(?:的)?(?:第?([一二三四])季度|q([1-4]))(末|底|初|前|之前|以前|内|之内|结束前)?/g,
    resolve: (m, ref) => {
      // A bare "Q3" is left to the English rule, which knows "Q1 next year".
      if (!m[1] && !m[3] && !m[5]) return null;
      const q = ZH_DIGIT_Q[m[3] ?? m[4] ?? ''] ?? 0;
      return { date: quarterEnd(q, yearFromWord(m[1], m[2], ref), ref, m[5]), granularity: 'quarter' };
    },
  },
  {
    re: /(春节|过年|年前|国庆节?|双十一|双11|618|元旦|五一|中秋|暑假|寒假)(前|之前|以前)?/g,
    resolve: (m, ref) => {
      const y = ref.getUTCFullYear();
      const fixed = (m0: number, d: number): Date => (ymd(y, m0, d) < ref ? ymd(y + 1, m0, d) : ymd(y, m0, d));
      const h = m[1] ?? '';
      if (/春节|过年|年前/.test(h)) return { date: nextSpringFestival(ref), granularity: 'day' };
      if (h.startsWith('国庆')) return { date: fixed(9, 1), granularity: 'day' };
      if (/双/.test(h)) return { date: fixed(10, 11), granularity: 'day' };
      if (h === '618') return { date: fixed(5, 18), granularity: 'day' };
      if (h === '元旦') return { date: fixed(0, 1), granularity: 'day' };
      // School holidays: summer from July, winter from about January 20.
      if (h === '暑假') return { date: m[2] ? fixed(5, 30) : fixed(7, 31), granularity: 'day' };
      if (h === '寒假') return { date: m[2] ? fixed(0, 19) : fixed(1, 20), granularity: 'day' };
      if (h === '五一') return { date: fixed(4, 1), granularity: 'day' };
      return null;
    },
  },
  { re: /(今年|明年|后年)/g, resolve: (m, ref) => ({ date: ymd(yearFromWord(m[1], undefined, ref) ?? ref.getUTCFullYear(), 11, 31), granularity: 'year' }) },
  { re: /尽快|越快越好|马上|立刻|立即|急需|越早越好|赶紧|asap|as soon as (?:possible|we can)|\bimmediately\b|\bright away\b|\bstraight away\b|\burgently\b/g, resolve: () => ({ date: null, granularity: 'asap', asap: true }) },
  // English.
  {
    // A bare duration opening the sentence, as chat answers "when?": "3 mos", "2-3 months", "like 6 wks".
    re: new RegExp(
      String.raw`^(?:(?:like|about|around|approx|roughly|maybe|prob(?:ably)?|~)\s*)?${N_EN}\s*(?:(?:-|to|or)\s*(\d+|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*)?(days?|weeks?|wks?|months?|mos?|mths?)\b(?!\s+(?:ago|of|in|into|old|later|after|since|back|before|or)\b)`,
      'g',
    ),
    resolve: (m, ref) => {
      const n = count(m[2], EN_COUNT) ?? count(m[1], EN_COUNT);
      return n === null ? null : { date: addUnit(ref, n, m[3] ?? 'months'), granularity: 'duration' };
    },
  },
  {
    // A month without a day, as chat writes it: "jan", "by end of feb", "march/april next yr". Days are left to chrono.
    re: new RegExp(
      String.raw`(?<!\d(?:st|nd|rd|th)?\s{0,2}(?:of\s+)?)\b(?:(by (?:the )?end of|by|before|in|until|end of|the end of|early|mid|late|beginning of|start of)[\s-]+)?${MONTH_NAME}\b(?:\s*(?:/|-|or|to)\s*${MONTH_NAME}\b)?(?!\s*\d{1,2}(?!\d))(?:\s+(next (?:yr|year)|nxt (?:yr|year)|this year|(20\d{2})))?`,
      'g',
    ),
    resolve: (m, ref) => {
      const first = m[2] ?? '';
      // A bare "may" is the verb; "mar" alone is too rare as a month to risk.
      if (!m[1] && !m[3] && !m[4] && (first === 'may' || first === 'mar')) return null;
      const m0 = monthIndex(m[3] ?? first);
      if (m0 < 0) return null;
      const prefix = m[1] ?? '';
      const year = m[5] ? Number(m[5]) : m[4] ? (/n(?:e)?xt/.test(m[4]) ? ref.getUTCFullYear() + 1 : ref.getUTCFullYear()) : null;
      const part = /^before/.test(prefix) && !m[3] ? 'before' : /early|beginning|start/.test(prefix) ? 'early' : /mid/.test(prefix) ? 'mid' : undefined;
      return { date: monthHorizon(m0, null, year, ref, part), granularity: 'month' };
    },
  },
  {
    // "Q2-Q3", "Q3 to Q4": the later quarter ends the horizon.
    re: /\bq([1-4])\s*(?:-|to|or|\/)\s*q([1-4])\b/g,
    resolve: (m, ref) => ({ date: quarterEnd(Number(m[2]) - 1, null, ref, undefined), granularity: 'quarter' }),
  },
  {
    re: /\b(?:by|before|on|until|no later than)\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))/g,
    resolve: (m, ref) => {
      const day = Number(m[1]);
      if (day < 1 || day > 31) return null;
      const y = ref.getUTCFullYear();
      const mo = ref.getUTCMonth();
      const d = ymd(y, mo, day) >= ref ? ymd(y, mo, day) : ymd(y, mo + 1, day);
      return { date: d, granularity: 'day' };
    },
  },
  {
    re: /\b(?:the\s+)?(?:new\s+|next\s+|start of the\s+)?(?:school|academic)\s+year\b|开学/g,
    resolve: (_m, ref) => {
      const y = ref.getUTCFullYear();
      return { date: ymd(y, 8, 1) >= ref ? ymd(y, 8, 1) : ymd(y + 1, 8, 1), granularity: 'day' };
    },
  },
  {
    re: /\b(?:(before|prior to|ahead of|until|by)\s+)?(?:the\s+)?(?:(end|close|start|beginning|middle|mid)\s+of\s+)?(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th|last)\s+(?:fiscal\s+)?quarter)(?:\s*(?:of\s+)?(?:(?:fy\s*'?|')(\d{2})\b|(20\d{2})\b))?(?:\s+(?:of\s+)?(next|this)\s+year)?/g,
    resolve: (m, ref) => {
      const q = m[3] ? Number(m[3]) - 1 : (ORDINAL_Q[m[4] ?? ''] ?? 0);
      const year = m[5] ? 2000 + Number(m[5]) : m[6] ? Number(m[6]) : m[7] ? yearFromWord(m[7], undefined, ref) : null;
      // "Before Q1 ends" is the end of Q1, not the day before it starts.
      const ends = /^\s*(?:ends|is over|closes|wraps up|is out|finishes)\b/.test(m.input.slice((m.index ?? 0) + m[0].length));
      const mode = m[2] === 'end' || m[2] === 'close' || ends ? undefined : (m[2] ?? (m[1] && /before|prior|ahead/.test(m[1]) ? 'before' : undefined));
      return { date: quarterEnd(q, year, ref, mode), granularity: 'quarter' };
    },
  },
  {
    re: /\b(?:(?:the\s+)?(first|second|1st|2nd|back|latter)\s+half|h([12]))(?:\s+(?:of\s+)?(?:(next|this)\s+year|(20\d{2})|the\s+year))?\b/g,
    resolve: (m, ref) => {
      const second = m[2] === '2' || /second|2nd|back|latter/.test(m[1] ?? '');
      const named = m[4] ? Number(m[4]) : m[3] ? yearFromWord(m[3], undefined, ref) : null;
      let y = named ?? ref.getUTCFullYear();
      let date = second ? ymd(y, 11, 31) : ymd(y, 5, 30);
      if (named === null && date < ref) {
        y += 1;
        date = second ? ymd(y, 11, 31) : ymd(y, 5, 30);
      }
      return { date, granularity: 'half' };
    },
  },
  {
    re: /\b(early|late|mid|later|sometime|some time)\s*[- ]?(?:in\s+)?(this|next|nxt|the)\s+(year|yr|quarter|qtr|month|mth)\b/g,
    resolve: (m, ref) => {
      const y = ref.getUTCFullYear();
      const next = m[2] === 'next' || m[2] === 'nxt';
      const part = m[1] ?? '';
      const unit = UNIT_WORD[m[3] ?? ''] ?? m[3];
      if (unit === 'year') {
        const yy = next ? y + 1 : y;
        if (part === 'early') return { date: next ? endOfMonth(yy, 2) : ymd(yy, 11, 31), granularity: 'year' };
        if (part === 'mid') return { date: ymd(yy, 5, 30), granularity: 'year' };
        return { date: ymd(yy, 11, 31), granularity: 'year' };
      }
      if (unit === 'quarter') {
        const q = quarterOf(ref) + (next ? 1 : 0);
        return { date: endOfQuarter(y + Math.floor(q / 4), q % 4), granularity: 'quarter' };
      }
      const mm = ref.getUTCMonth() + (next ? 1 : 0);
      return { date: periodPoint(y + Math.floor(mm / 12), mm % 12, part === 'later' || part === 'late' ? undefined : part), granularity: 'month' };
    },
  },
  {
    re: /\b(?:(?:the\s+)?(end|close|start|beginning|middle|mid)\s+of\s+)?(?:the\s+)?(this|next|nxt|current|coming|following|the)\s+(week|wk|month|mth|quarter|qtr|fiscal year|financial year|calendar year|year|yr|fy)\b/g,
    resolve: (m, ref) => {
      const which = m[2] === 'nxt' ? 'next' : (m[2] ?? '');
      // "Within the quarter" and "during the month" mean the current one.
      if (which === 'the' && !m[1] && !/\b(?:within|during|inside|before the end of|by the end of)\s+$/.test(m.input.slice(Math.max(0, (m.index ?? 0) - 20), m.index ?? 0))) return null;
      const next = /next|coming|following/.test(which);
      const unit = UNIT_WORD[m[3] ?? ''] ?? m[3] ?? '';
      const y = ref.getUTCFullYear();
      // "Live by next year" means before next year starts.
      if (!m[1] && next && unit !== 'week' && unit !== 'month' && unit !== 'quarter' && /\bby\s+(?:the\s+)?$/.test(m.input.slice(Math.max(0, (m.index ?? 0) - 8), m.index ?? 0))) {
        return { date: ymd(ref.getUTCFullYear(), 11, 31), granularity: 'year' };
      }
      // "The start of next quarter" ends where that period begins; "the middle of next month" halfway in.
      const part = m[1] ?? '';
      const startOf = /start|beginning/.test(part);
      const midOf = /mid|middle/.test(part);
      if (unit === 'week') return { date: addDays(endOfWeek(ref), next ? 7 : 0), granularity: 'week' };
      if (unit === 'month') {
        const mm = ref.getUTCMonth() + (next ? 1 : 0);
        const yy = y + Math.floor(mm / 12);
        if (startOf && next) return { date: ymd(yy, mm % 12, 1), granularity: 'month' };
        if (midOf) return { date: ymd(yy, mm % 12, 15), granularity: 'month' };
        return { date: endOfMonth(yy, mm % 12), granularity: 'month' };
      }
      if (unit === 'quarter') {
        const q = quarterOf(ref) + (next ? 1 : 0);
        const yy = y + Math.floor(q / 4);
        if (startOf && next) return { date: ymd(yy, (q % 4) * 3, 1), granularity: 'quarter' };
        if (midOf) return { date: ymd(yy, (q % 4) * 3 + 1, 15), granularity: 'quarter' };
        return { date: endOfQuarter(yy, q % 4), granularity: 'quarter' };
      }
      if (startOf && next) return { date: ymd(y + 1, 0, 31), granularity: 'year' };
      if (midOf) return { date: ymd(next ? y + 1 : y, 5, 30), granularity: 'year' };
      return { date: ymd(next ? y + 1 : y, 11, 31), granularity: 'year' };
    },
  },
  {
    re: /\b(month|quarter|year)[- ]end\b|\b(eom|eoq|eoy)\b/g,
    resolve: (m, ref) => {
      const u = m[1] ?? { eom: 'month', eoq: 'quarter', eoy: 'year' }[m[2] ?? ''] ?? 'year';
      const y = ref.getUTCFullYear();
      if (u === 'month') return { date: endOfMonth(y, ref.getUTCMonth()), granularity: 'month' };
      if (u === 'quarter') return { date: endOfQuarter(y, quarterOf(ref)), granularity: 'quarter' };
      return { date: ymd(y, 11, 31), granularity: 'year' };
    },
  },
  {
    re: new RegExp(
      String.raw`\b(?:in|within|over|during|inside)?\s*(?:the\s+)?(?:next|coming|following)\s+(?:${N_EN}\s*(?:(?:-|to|or)\s*(\d+)\s*)?)?(days?|weeks?|months?|years?|quarters?)\b`,
      'g',
    ),
    resolve: (m, ref) => {
      const unit = m[3] ?? 'months';
      const n = count(m[2], EN_COUNT) ?? count(m[1], EN_COUNT) ?? (/s$/.test(unit) ? 3 : 1);
      return { date: addUnit(ref, n, unit), granularity: 'duration' };
    },
  },
  {
    re: new RegExp(
      String.raw`\b(?:within|in|inside(?:\s+of)?|under|less than|no later than|over|by|before)\s+(?:the\s+)?(?:about\s+|around\s+|roughly\s+|approximately\s+|~)?${N_EN}\s*(?:(?:-|to|or)\s*(\d+|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*)?(business\s+days?|days?|weeks?|wks?|months?|mos?|years?|yrs?|quarters?)\b(?!\s+ago)`,
      'g',
    ),
    resolve: (m, ref) => {
      const n = count(m[2], EN_COUNT) ?? count(m[1], EN_COUNT);
      return n === null ? null : { date: addUnit(ref, n, m[3] ?? 'months'), granularity: 'duration' };
    },
  },
  {
    re: new RegExp(String.raw`\b${N_EN}\s*(?:(?:-|to)\s*(\d+)\s*)?(days?|weeks?|months?)\s+(?:from now|from today|out)\b|\ba\s+(week|month)\s+or\s+two\b|\bhalf a year\b`, 'g'),
    resolve: (m, ref) => {
      if (m[4]) return { date: addUnit(ref, 2, m[4]), granularity: 'duration' };
      if (!m[1]) return { date: addMonths(ref, 6), granularity: 'duration' };
      const n = count(m[2], EN_COUNT) ?? count(m[1], EN_COUNT);
      return n === null ? null : { date: addUnit(ref, n, m[3] ?? 'months'), granularity: 'duration' };
    },
  },
  {
    re: /\b(this|next|by|in|before|until|for|over|during|early|late|mid|of)\s*(?:the\s+)?(?:(early|late|mid)[- ]?)?(spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(20\d{2}))?\b/g,
    resolve: (m, ref) => {
      const year = m[4] ? Number(m[4]) : null;
      const season = m[3] ?? '';
      // "this spring" in July is a past spring: not a horizon.
      if (m[1] === 'this' && year === null && (seasonEnd(season, ref.getUTCFullYear(), ref, false) ?? ref) < ref) return null;
      const end = seasonEnd(season, year, ref, m[1] === 'next');
      // "Before summer" ends the day before summer starts; "by the fall" when the fall arrives.
      if (end && (m[1] === 'before' || m[1] === 'by' || m[2] === 'early')) {
        const start = addMonths(addDays(end, 1), -3);
        return { date: m[1] === 'before' ? addDays(start, -1) : m[1] === 'by' ? start : addDays(start, 30), granularity: 'season' };
      }
      return { date: end, granularity: 'season' };
    },
  },
  {
    re: /\b(?:(in|by|during|for|before|until|within|sometime in|early|mid|late|end of|the end of)\s+)(?:calendar\s+|fiscal\s+|fy\s*)?(20\d{2})\b(?![-/]\d)|\bfy\s*'?(\d{2})\b/g,
    resolve: (m, ref) => {
      const y = m[2] ? Number(m[2]) : 2000 + Number(m[3]);
      const p = m[1] ?? '';
      if (p === 'early') return { date: endOfMonth(y, 2), granularity: 'year' };
      if (p === 'mid') return { date: ymd(y, 5, 30), granularity: 'year' };
      if (p === 'before') return { date: ymd(y - 1, 11, 31), granularity: 'year' };
      return y < ref.getUTCFullYear() ? null : { date: ymd(y, 11, 31), granularity: 'year' };
    },
  },
  {
    re: /\b(christmas|xmas|the holidays|holiday season|new year|thanksgiving|black friday)\b/g,
    resolve: (m, ref) => {
      const y = ref.getUTCFullYear();
      const fixed = (m0: number, d: number): Date => (ymd(y, m0, d) < ref ? ymd(y + 1, m0, d) : ymd(y, m0, d));
      const h = m[1] ?? '';
      if (/christmas|xmas/.test(h)) return { date: fixed(11, 25), granularity: 'day' };
      if (/thanksgiving/.test(h)) return { date: fixed(10, 26), granularity: 'day' };
      if (/black friday/.test(h)) return { date: fixed(10, 27), granularity: 'day' };
      // "In the new year" is January; "by the new year" is the turn of the year.
      if (h === 'new year' && /\b(?:in|after|early in|into|from)\s+(?:the\s+)?$/.test(m.input.slice(Math.max(0, (m.index ?? 0) - 16), m.index ?? 0))) {
        return { date: ref.getUTCMonth() === 0 ? ymd(y, 0, 31) : ymd(y + 1, 0, 31), granularity: 'month' };
      }
      return { date: fixed(11, 31), granularity: 'day' };
    },
  },
  {
    // Mid-year: June 30, or next year's when this one has passed.
    re: /\b(?:mid-?year|the middle of (?:the |this )?year|midway through the year)\b/g,
    resolve: (_m, ref) => {
      const y = ref.getUTCFullYear();
      return { date: ymd(ymd(y, 5, 30) < ref ? y + 1 : y, 5, 30), granularity: 'half' };
    },
  },
  { re: /\b(?:this week|today|tonight|tomorrow|end of (?:the )?day|eod)\b/g, resolve: (m, ref) => ({ date: /tomorrow/.test(m[0]) ? addDays(ref, 1) : /week/.test(m[0]) ? endOfWeek(ref) : ref, granularity: 'day' }) },
];

const MONTH_WORD = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b\d{1,2}\/\d{1,2}\b|\b20\d{2}-\d{2}-\d{2}\b/;

/** Month-name and numeric dates, parsed by chrono; month-only mentions end with their month. */
function chronoHorizons(f: string, ref: Date, taken: (s: number, e: number) => boolean): Horizon[] {
  if (!MONTH_WORD.test(f)) return [];
  const out: Horizon[] = [];
  const results = chrono.en.parse(f, { instant: new Date(ref.getTime() + 12 * 3_600_000), timezone: 0 }, { forwardDate: true });
  for (const r of results) {
    if (!r.start.isCertain('month')) continue;
    let start = r.index;
    const end = r.index + r.text.length;
    if (taken(start, end)) continue;
    const before = f.slice(Math.max(0, start - 20), start);
    const part = /(early|mid|late|beginning of|start of|end of|the end of)[\s-]*$/.exec(before);
    if (part) start -= part[0].length;
    const month = (r.start.get('month') ?? 1) - 1;
    const year = r.start.isCertain('year') ? (r.start.get('year') ?? null) : null;
    let date: Date;
    const last = r.end && r.end.isCertain('month') ? r.end : r.start;
    if (last !== r.start) {
      const d = last.date();
      date = last.isCertain('day') ? ymd(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) : monthHorizon(d.getUTCMonth(), null, null, ref, undefined);
    } else if (r.start.isCertain('day')) {
      const d = r.start.date();
      date = ymd(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    } else {
      date = monthHorizon(month, null, year, ref, part?.[1]);
    }
    out.push({ start, end, text: f.slice(start, end), date, asap: false, granularity: r.start.isCertain('day') ? 'day' : 'month' });
  }
  return out;
}

/** Every time expression in a (folded) sentence, resolved against `ref` (the reply date, UTC midnight). */
export function findHorizons(f: string, ref: Date): Horizon[] {
  const found: Horizon[] = [];
  const taken = (s: number, e: number): boolean => found.some((h) => s < h.end && e > h.start);
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (const m of f.matchAll(rule.re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (m[0].trim() === '' || taken(start, end)) continue;
      const r = rule.resolve(m as RegExpExecArray, ref);
      if (!r) continue;
      if (r.granularity === 'duration' && r.date === null) {
        // Chinese durations need their count and unit re-read here, the regex captures differ.
        const zh = new RegExp(String.raw`${N_ZH}(个)?(月|周|星期|礼拜|天|年)`).exec(m[0]);
        const n = zh ? count(zh[1], ZH_COUNT) : null;
        if (!zh || n === null) continue;
        found.push({ start, end, text: m[0], date: addUnit(ref, n, zh[3] ?? '月'), asap: false, granularity: 'duration' });
        continue;
      }
      found.push({ start, end, text: m[0], date: r.date, asap: r.asap ?? false, granularity: r.granularity });
    }
  }
  found.push(...chronoHorizons(f, ref, taken));
  return found.sort((a, b) => a.start - b.start);
}
