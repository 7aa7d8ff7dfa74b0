import { fold } from '../text.ts';

/** One sum of money found in a text. */
export interface MoneyMention {
  /** Offsets into the text that was searched. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** The figure; a range gives its upper bound. Null when the words are vague ("几十万", "six figures"). */
  readonly amount: number | null;
  readonly low: number | null;
  /** ISO 4217, inferred where the text has no symbol; null when nothing suggests one. */
  readonly currency: string | null;
  /** A symbol or currency word was written, not inferred. */
  readonly explicitCurrency: boolean;
  readonly isRange: boolean;
}

export interface MoneyContext {
  readonly lang: 'en' | 'zh';
  /** Lead country, to infer the currency of a bare "40k". */
  readonly country?: string | undefined;
}

const CUR_PRE =
  String.raw`(?:us\$|u\.s\.\s?\$|usd|ca\$|c\$|cad|au\$|a\$|aud|nz\$|s\$|sgd|hk\$|hkd|\$|€|eur|£|gbp|¥|￥|rmb|cny|jpy|chf|₹|inr|sek|nok|dkk|人民币|美元|美金|欧元|英镑|港币|港元|日元)`;
// "一百来万", "二十多万": the approximator between numeral and unit is skipped.
const NUM = String.raw`(?:\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千几]+(?:来|多|余)?)`;
const EN_WORD_NUM =
  String.raw`(?:half\s+a|a\s+couple(?:\s+of)?|a\s+few|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?(?:\s+hundred)?`;
const MUL = String.raw`(?:thousand|grand|million|billion|lakhs?|lacs?|crores?|cr|mil|mm|mn|bn|k|m|b|百万|千万|万|千|亿|w)`;
const CUR_SUF =
  String.raw`(?:usd|us dollars|dollars?|bucks|eur|euros?|gbp|pounds?|quid|cny|rmb|yuan|块钱|块|元|人民币|美元|美金|欧元|英镑|港币|港元|日元|jpy|cad|aud|sgd|chf|inr|sek|nok|dkk)`;

// Groups: 1 prefix currency, 2 number, 3 multiplier, 4 suffix currency.
const ATOM = new RegExp(
  String.raw`(?<![a-z0-9.$€£¥]|\d,)(${CUR_PRE})?\s?(${NUM}|${EN_WORD_NUM})(?:\s?(${MUL})(?![a-z]))?(?:\s?(${CUR_SUF})(?![a-z]))?`,
  'giu',
);

const MULTIPLIER: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  grand: 1e3,
  m: 1e6,
  mm: 1e6,
  mn: 1e6,
  mil: 1e6,
  million: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
  w: 1e4,
  万: 1e4,
  千: 1e3,
  百万: 1e6,
  千万: 1e7,
  亿: 1e8,
  lakh: 1e5,
  lakhs: 1e5,
  lac: 1e5,
  lacs: 1e5,
  crore: 1e7,
  crores: 1e7,
  cr: 1e7,
};

const EUROZONE = new Set(['DE', 'FR', 'NL', 'ES', 'IT', 'IE', 'AT', 'BE', 'FI', 'PT', 'GR', 'LU', 'SK', 'SI', 'EE', 'LV', 'LT', 'MT', 'CY', 'HR']);

function currencyFromSymbol(sym: string, ctx: MoneyContext): string | null {
  const s = sym.replace(/\s+/g, '').toLowerCase();
  if (/^(?:us\$|u\.s\.\$|usd|\$|usdollars|dollars?|bucks|美元|美金)$/.test(s)) return 'USD';
  if (/^(?:ca\$|c\$|cad)$/.test(s)) return 'CAD';
  if (/^(?:au\$|a\$|aud)$/.test(s)) return 'AUD';
  if (s === 'nz$') return 'NZD';
  if (/^(?:s\$|sgd)$/.test(s)) return 'SGD';
  if (/^(?:hk\$|hkd|港币|港元)$/.test(s)) return 'HKD';
  if (/^(?:€|eur|euros?|欧元)$/.test(s)) return 'EUR';
  if (/^(?:£|gbp|pounds?|quid|英镑)$/.test(s)) return 'GBP';
  if (/^(?:¥|￥)$/.test(s)) return ctx.country?.toUpperCase() === 'JP' ? 'JPY' : 'CNY';
  if (/^(?:rmb|cny|yuan|块钱|块|元|人民币)$/.test(s)) return 'CNY';
  if (/^(?:jpy|日元)$/.test(s)) return 'JPY';
  if (/^(?:chf|inr|sek|nok|dkk)$/.test(s)) return s.toUpperCase();
  if (s === '₹') return 'INR';
  return null;
}

/** The currency a bare figure ("40k", "20 grand") most likely means for this lead. */
export function defaultCurrency(ctx: MoneyContext): string {
  const c = ctx.country?.toUpperCase();
  if (c === 'CN') return 'CNY';
  if (c === 'GB' || c === 'UK') return 'GBP';
  if (c && EUROZONE.has(c)) return 'EUR';
  if (c === 'JP') return 'JPY';
  if (c === 'IN') return 'INR';
  return ctx.lang === 'zh' ? 'CNY' : 'USD';
}

const ZH_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const ZH_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Parse 一百二十 / 十五 / 两千; "二三十" and "三五" are ranges and give [low, high]. Null when vague (几十). */
export function parseZhNumber(s: string): [number, number] | null {
  if (s.includes('几')) return null;
  const pair = /^([一二两三四五六七八九])([一二两三四五六七八九])([十百千])?$/.exec(s);
  if (pair) {
    const unit = pair[3] ? (ZH_UNIT[pair[3]] ?? 1) : 1;
    const a = (ZH_DIGIT[pair[1] ?? ''] ?? 0) * unit;
    const b = (ZH_DIGIT[pair[2] ?? ''] ?? 0) * unit;
    return a < b ? [a, b] : null;
  }
  let total = 0;
  let digit: number | null = null;
  for (const ch of s) {
    if (ch in ZH_DIGIT) {
      digit = ZH_DIGIT[ch] ?? 0;
    } else if (ch in ZH_UNIT) {
      total += (digit ?? 1) * (ZH_UNIT[ch] ?? 1);
      digit = null;
    } else {
      return null;
    }
  }
  if (digit !== null) total += digit;
  return [total, total];
}

const EN_SMALL: Record<string, number> = {
  a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  fifteen: 15, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};

function parseEnWords(s: string): number | null {
  const t = s.toLowerCase().replace(/\s+/g, ' ').trim();
  if (t.startsWith('half')) return 0.5;
  if (t.startsWith('a couple') || t.startsWith('a few')) return null;
  let value = 0;
  for (const part of t.split(/[- ]/)) {
    if (part === 'hundred') value = (value || 1) * 100;
    else if (part in EN_SMALL) value += EN_SMALL[part] ?? 0;
    else return null;
  }
  return value;
}

function parseNumber(raw: string): [number, number] | null {
  if (/^[\d,，.]+$/.test(raw)) {
    const v = Number(raw.replace(/[,，]/g, ''));
    return Number.isFinite(v) ? [v, v] : null;
  }
  if (/^[零〇一二两三四五六七八九十百千几]+(?:来|多|余)?$/.test(raw)) return parseZhNumber(raw.replace(/[来多余]$/, ''));
  const w = parseEnWords(raw);
  return w === null ? null : [w, w];
}

interface Atom {
  start: number;
  end: number;
  low: number | null;
  high: number | null;
  multiplier: number | null;
  mulWord: string | null;
  currency: string | null;
  hasZhNumeral: boolean;
  isWordNumber: boolean;
}

const MONEY_FOLLOWERS = new Set(
  'this is was plus towards across less as thus its us budget budgeted budgets for per a an the in on to and or of this that is was are were max maximum tops total range ballpark annually yearly annual monthly each every set approved allocated earmarked left available spend spending capex opex investment with from at over but we which would should could will if so plus including all upfront up ish give take usd eur gbp cny rmb dollars euros pounds bucks contract deal line item project initiative program programme'.split(
    ' ',
  ),
);

// A figure followed by one of these counts things, not money ("三四百份", "300 staff", "40 rooms").
const COUNT_UNIT =
  /^\s*(?:多|余|来)?\s*(?:客户|用户|粉丝|会员|员工|学员|学生|门店|订单|好友|联系人|工人|司机|患者|病人|访客|个|份|人|名|位|台|套|件|次|张|条|家|间|平|吨|公里|米|小时|天|周|月|年|号|日|点|单|笔|户|辆|款|种|元\/|users?\b|seats?\b|licen[cs]es?\b|people\b|persons?\b|employees\b|staff\b|rooms?\b|units?\b|robots?\b|orders?\b|contracts?\b|hours?\b|days?\b|weeks?\b|months?\b|years?\b|sq\b|square\b|ft\b|feet\b|miles?\b|km\b|kg\b|lbs?\b|pallets?\b|skus?\b|sites?\b|locations?\b|stores?\b|floors?\b|%|percent\b|x\b|times\b|reps?\b|agents?\b|drivers?\b|nurses?\b|trucks?\b|vehicles?\b|devices?\b|emails?\b|calls?\b|tickets?\b|documents?\b|docs?\b|receipts?\b|invoices?\b|claims?\b|pickers?\b|shifts?\b|clinics?\b|students?\b|learners?\b|courses?\b|members?\b|customers?\b|clients?\b|accounts?\b|leads?\b|items?\b|pieces?\b|boxes?\b|cases?\b|totes?\b)/i;

function scanAtoms(f: string, ctx: MoneyContext): Atom[] {
  const atoms: Atom[] = [];
  for (const m of f.matchAll(ATOM)) {
    const [whole, pre, num, mul, suf] = m;
    if (!num) continue;
    const start = (m.index ?? 0) + (whole.length - whole.trimStart().length);
    const end = (m.index ?? 0) + whole.trimEnd().length;
    const parsed = parseNumber(num.trim());
    const isWord = /[a-z]/i.test(num);
    const mulKey = mul?.toLowerCase() ?? null;
    // Number words only count with a spelled-out multiplier or currency ("fifty thousand", "twenty
    // dollars"); otherwise "I am" would read as "a" + "m".
    if (isWord && !(mulKey && /^(?:thousand|grand|million|billion)$/.test(mulKey)) && !suf) continue;
    const multiplier = mulKey ? (MULTIPLIER[mulKey] ?? null) : null;
    const curSym = pre ?? suf ?? null;
    const currency = curSym ? currencyFromSymbol(curSym, ctx) : null;
    if (!currency && COUNT_UNIT.test(f.slice(end))) continue;
    // A bare "50 million rows" counts rows: without a currency, a plural noun after the figure is what it counts.
    const nextWord = /^\s+([a-z]+)/.exec(f.slice(end))?.[1];
    if (!currency && mulKey && !/[万亿千w]/.test(mulKey) && nextWord !== undefined && /s$/.test(nextWord) && !MONEY_FOLLOWERS.has(nextWord)) continue;
    // "600mm" is a length far more often than "$5MM".
    if (!currency && mulKey === 'mm') continue;
    atoms.push({
      start,
      end,
      low: parsed ? parsed[0] : null,
      high: parsed ? parsed[1] : null,
      multiplier,
      mulWord: mulKey,
      currency,
      hasZhNumeral: /[零〇一二两三四五六七八九十百千几]/.test(num),
      isWordNumber: isWord,
    });
  }
  return atoms;
}

const RANGE_JOIN = /^\s*(?:-|~|to|and|through|thru|or|至|到|或|-\s*to)\s*$/i;

/** Money-ness of an atom on its own: a currency, or a multiplier that only money takes. */
function isMoneyAtom(a: Atom, sentenceHasMoneyWord: boolean): boolean {
  if (a.currency) return true;
  if (!a.mulWord) return false;
  if (['万', 'w', '亿', '千万', '百万', 'grand', 'lakh', 'lakhs', 'lac', 'lacs', 'crore', 'crores'].includes(a.mulWord)) return !(a.mulWord === 'w' && a.hasZhNumeral);
  if (a.hasZhNumeral) return false;
  return sentenceHasMoneyWord;
}

const MONEY_WORD =
  /budget|spend|invest|cost|price|pric|pay|capex|opex|fund|allocat|afford|earmark|set aside|quote|fee|license|contract value|deal|ballpark|range|cap\b|limit|预算|费用|投入|花|经费|资金|价格|报价|成本|钱/;

/**
 * All sums of money in a text, with ranges merged and their upper bound as the amount. `aboutMoney`
 * says the text is known to speak of money (an answer to our budget question), so a bare "5k" counts.
 */
export function findMoney(text: string, ctx: MoneyContext, aboutMoney = false): MoneyMention[] {
  const f = fold(text);
  const atoms = scanAtoms(f, ctx);
  const hasMoneyWord = aboutMoney || MONEY_WORD.test(f);
  const out: MoneyMention[] = [];
  // "Six figures", "a 5-figure budget": money without an amount.
  for (const m of f.matchAll(/\b(?:low |mid |high |mid-|low-|high-)?(?:five|six|seven|eight|5|6|7|8)[- ]figures?\b/g)) {
    out.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length, text: text.slice(m.index ?? 0, (m.index ?? 0) + m[0].length), amount: null, low: null, currency: defaultCurrency(ctx), explicitCurrency: false, isRange: false });
  }
  for (let i = 0; i < atoms.length; i++) {
    const a = atoms[i];
    if (!a) continue;
    const b = atoms[i + 1];
    const between = b ? f.slice(a.end, b.start) : '';
    if (b && RANGE_JOIN.test(between)) {
      // "40-60k", "10到15万", "€10k-€15k": the side that names a multiplier or currency lends it to the other.
      const multiplier = b.multiplier ?? a.multiplier ?? 1;
      const aMul = a.multiplier ?? (a.currency && !b.currency ? 1 : multiplier);
      const currency = b.currency ?? a.currency;
      const merged: Atom = { ...b, currency, multiplier };
      const sideA: Atom = { ...a, currency, multiplier: aMul };
      if (isMoneyAtom(merged, hasMoneyWord) || isMoneyAtom(sideA, hasMoneyWord)) {
        const lowV = a.low === null ? null : a.low * aMul;
        const highV = b.high === null ? null : b.high * multiplier;
        const beforeA = f.slice(Math.max(0, a.start - 12), a.start);
        const startAdj = /between\s*$/.test(beforeA) ? a.start - (beforeA.length - beforeA.search(/between\s*$/)) : a.start;
        out.push(toMention(text, ctx, startAdj, b.end, lowV, highV !== null && lowV !== null ? Math.max(lowV, highV) : highV, currency, true));
        i++;
        continue;
      }
    }
    if (!isMoneyAtom(a, hasMoneyWord)) continue;
    const mul = a.multiplier ?? 1;
    const low = a.low === null ? null : a.low * mul;
    const high = a.high === null ? null : a.high * mul;
    out.push(toMention(text, ctx, a.start, a.end, low, high, a.currency, low !== null && high !== null && low !== high));
  }
  return out;
}

function toMention(
  text: string,
  ctx: MoneyContext,
  start: number,
  end: number,
  low: number | null,
  high: number | null,
  currency: string | null,
  isRange: boolean,
): MoneyMention {
  const raw = text.slice(start, end);
  const implicit = currency === null;
  let cur = currency;
  if (implicit) {
    // 万 / w are Chinese ways of counting money; anything else takes the lead's home currency.
    cur = /[万亿千]|\dw\b/i.test(raw) ? 'CNY' : defaultCurrency(ctx);
  }
  return {
    start,
    end,
    text: raw,
    amount: high === null ? null : round(high),
    low: low === null ? null : round(low),
    currency: cur,
    explicitCurrency: !implicit,
    isRange,
  };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
