import { Rng } from './rng.ts';

/**
 * The simulated world, drawn from a seed: who the leads are (names, companies, countries across the
 * world's zones, some with their own time zone), how they come in (web forms at any hour, outbound
 * lists, nurture), and how each will react to our email (a persona). Pure: no clock, no I/O.
 */

/** How a lead reaches Baton. */
export type ArrivalKind = 'inbound' | 'outbound' | 'nurture';

/** How a person answers (or does not). Every draw is made here, so the world is fixed by the seed. */
export type Persona =
  | { readonly kind: 'silent' }
  | { readonly kind: 'interested'; readonly onMessage: number; readonly delayMin: number; readonly variant: number }
  | { readonly kind: 'not_now'; readonly onMessage: number; readonly delayMin: number; readonly monthsAhead: number; readonly variant: number }
  | { readonly kind: 'referral'; readonly onMessage: number; readonly delayMin: number; readonly referee: { readonly name: string; readonly email: string }; readonly variant: number }
  | { readonly kind: 'unsubscribe'; readonly via: 'reply' | 'one_click' | 'mailto' | 'complaint'; readonly onMessage: number; readonly delayMin: number; readonly variant: number }
  | {
      readonly kind: 'out_of_office';
      readonly lang: 'en' | 'zh';
      /** Days away from the first email; null: the auto-reply names no return date. */
      readonly awayDays: number | null;
      /** Where the responder answers: the Reply-To token address, or the sender with or without threading headers. */
      readonly answers: 'reply_to' | 'sender' | 'sender_unthreaded';
      readonly delayMin: number;
    }
  | { readonly kind: 'bounce'; readonly hard: true; readonly atRcpt: boolean; readonly delayMin: number }
  | { readonly kind: 'bounce'; readonly hard: false; readonly times: number; readonly delayMin: number };

export type PersonaKind = Persona['kind'];

export interface SimLead {
  /** 0-based index in the world. */
  readonly n: number;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly company: string;
  readonly title: string;
  /** As a CRM would hold it: a code, a name, or nothing. */
  readonly country: string | null;
  /** The lead's own zone, when the form or list had one. */
  readonly timeZone: string | null;
  readonly kind: ArrivalKind;
  readonly arriveAt: Date;
  readonly persona: Persona;
}

export interface Scenario {
  readonly seed: number;
  readonly start: Date;
  readonly end: Date;
  readonly leads: readonly SimLead[];
}

interface Region {
  readonly code: string | null;
  readonly weight: number;
  /** How records spell the country. */
  readonly written: readonly (string | null)[];
  /** Own zones some leads give; null: none given. */
  readonly zones: readonly (string | null)[];
  readonly names: 'en' | 'de' | 'fr' | 'zh' | 'ja' | 'in' | 'pt';
}

const REGIONS: readonly Region[] = [
  { code: 'US', weight: 28, written: ['US', 'US', 'United States', 'USA'], zones: [null, null, null, 'America/Chicago', 'America/Los_Angeles', 'Pacific/Honolulu'], names: 'en' },
  { code: 'GB', weight: 10, written: ['GB', 'United Kingdom', 'UK'], zones: [null], names: 'en' },
  { code: 'DE', weight: 8, written: ['DE', 'Germany', 'Deutschland'], zones: [null], names: 'de' },
  { code: 'FR', weight: 6, written: ['FR', 'France'], zones: [null], names: 'fr' },
  { code: 'CN', weight: 10, written: ['CN', 'China', '中国'], zones: [null, null, 'Asia/Shanghai'], names: 'zh' },
  { code: 'JP', weight: 5, written: ['JP', 'Japan'], zones: [null], names: 'ja' },
  { code: 'AU', weight: 5, written: ['AU', 'Australia'], zones: [null, null, 'Australia/Perth'], names: 'en' },
  { code: 'IN', weight: 8, written: ['IN', 'India'], zones: [null], names: 'in' },
  { code: 'BR', weight: 5, written: ['BR', 'Brazil', 'Brasil'], zones: [null, null, 'America/Manaus'], names: 'pt' },
  { code: 'SG', weight: 4, written: ['SG', 'Singapore'], zones: [null], names: 'en' },
  { code: 'CA', weight: 3, written: ['CA', 'Canada'], zones: [null, 'America/Vancouver'], names: 'en' },
  // No country on record: the sender's zone applies, unless the lead gave its own.
  { code: null, weight: 8, written: [null], zones: [null, null, 'Europe/Madrid', 'Asia/Dubai'], names: 'en' },
];

/** Given names, family names and the ASCII form used in addresses. */
const NAMES: Record<Region['names'], { first: readonly string[]; last: readonly string[] }> = {
  en: { first: ['Pat', 'Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Chris', 'Jamie', 'Casey', 'Riley', 'Dana', 'Robin'], last: ['Smith', 'Jones', 'Brown', 'Miller', 'Davis', 'Wilson', 'Clark', 'Lewis', 'Walker', 'Young'] },
  de: { first: ['Lukas', 'Anna', 'Jonas', 'Lea', 'Felix', 'Marie', 'Paul', 'Sophie'], last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker'] },
  fr: { first: ['Camille', 'Louis', 'Chloé', 'Hugo', 'Léa', 'Jules'], last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Petit'] },
  zh: { first: ['伟', '芳', '娜', '敏', '静', '磊', '洋', '婷'], last: ['王', '李', '张', '刘', '陈', '杨', '黄', '赵'] },
  ja: { first: ['Haruto', 'Yui', 'Sota', 'Hina', 'Ren', 'Aoi'], last: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Ito', 'Watanabe'] },
  in: { first: ['Aarav', 'Priya', 'Vihaan', 'Ananya', 'Rohan', 'Isha'], last: ['Sharma', 'Patel', 'Reddy', 'Iyer', 'Gupta', 'Nair'] },
  pt: { first: ['João', 'Maria', 'Pedro', 'Ana', 'Lucas', 'Beatriz'], last: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Lima', 'Costa'] },
};

const PINYIN: Record<string, string> = { 伟: 'wei', 芳: 'fang', 娜: 'na', 敏: 'min', 静: 'jing', 磊: 'lei', 洋: 'yang', 婷: 'ting', 王: 'wang', 李: 'li', 张: 'zhang', 刘: 'liu', 陈: 'chen', 杨: 'yang', 黄: 'huang', 赵: 'zhao' };

const COMPANY_WORDS = ['Acme', 'Northwind', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay', 'Tyrell', 'Cyberdyne', 'Soylent', 'Wonka', 'Gringotts', 'Oscorp', 'Pied Piper'];
const COMPANY_KINDS = ['Labs', 'Systems', 'Logistics', 'Health', 'Software', 'Foods', 'Capital', 'Robotics'];
const TITLES = ['VP of Sales', 'Head of Marketing', 'Sales Operations Manager', 'CEO', 'Revenue Operations Lead', 'Marketing Manager', 'CTO', 'Growth Lead'];

/** Share of each persona among the leads (weights). */
export const PERSONA_WEIGHTS: readonly (readonly [PersonaKind, number])[] = [
  ['silent', 48],
  ['interested', 8],
  ['not_now', 8],
  ['referral', 5],
  ['unsubscribe', 9],
  ['out_of_office', 10],
  ['bounce', 12],
];

const ARRIVAL_WEIGHTS: readonly (readonly [ArrivalKind, number])[] = [
  ['inbound', 30],
  ['outbound', 58],
  ['nurture', 12],
];

const DAY = 86_400_000;
const MINUTE = 60_000;

function ascii(s: string): string {
  const pinyin = [...s].map((c) => PINYIN[c] ?? c).join('');
  return pinyin
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/** Which of its messages a replier answers: mostly the first, some the second or third. */
function whichMessage(rng: Rng): number {
  return rng.weighted([
    [1, 6],
    [2, 3],
    [3, 1],
  ]);
}

/** A human answer takes from a quarter of an hour to two days. */
const humanDelay = (rng: Rng) => rng.int(15, 2 * 24 * 60);

function drawPersona(rng: Rng, region: Region, domain: string, n: number): Persona {
  const kind = rng.weighted(PERSONA_WEIGHTS);
  switch (kind) {
    case 'silent':
      return { kind };
    case 'interested':
      return { kind, onMessage: whichMessage(rng), delayMin: humanDelay(rng), variant: rng.int(0, 99) };
    case 'not_now':
      return { kind, onMessage: whichMessage(rng), delayMin: humanDelay(rng), monthsAhead: rng.int(1, 2), variant: rng.int(0, 99) };
    case 'referral': {
      const names = NAMES.en;
      const first = rng.pick(names.first);
      const last = rng.pick(names.last);
      return { kind, onMessage: whichMessage(rng), delayMin: humanDelay(rng), referee: { name: `${first} ${last}`, email: `${ascii(first)}.${ascii(last)}.r${n}@${domain}` }, variant: rng.int(0, 99) };
    }
    case 'unsubscribe': {
      const via = rng.weighted([
        ['reply', 40],
        ['one_click', 35],
        ['mailto', 15],
        ['complaint', 10],
      ] as const);
      return { kind, via, onMessage: whichMessage(rng), delayMin: via === 'one_click' ? rng.int(2, 24 * 60) : humanDelay(rng), variant: rng.int(0, 99) };
    }
    case 'out_of_office':
      return {
        kind,
        lang: region.names === 'zh' && rng.chance(0.7) ? 'zh' : 'en',
        awayDays: rng.chance(0.8) ? rng.int(2, 21) : null,
        answers: rng.weighted([
          ['reply_to', 5],
          ['sender', 3],
          ['sender_unthreaded', 2],
        ] as const),
        delayMin: rng.int(1, 5),
      };
    case 'bounce':
      return rng.chance(0.7)
        ? { kind, hard: true, atRcpt: rng.chance(0.35), delayMin: rng.int(1, 20) }
        : { kind, hard: false, times: rng.weighted([
            [1, 5],
            [2, 3],
            [4, 2],
          ]), delayMin: rng.int(1, 30) };
  }
}

/** When a lead comes in: web forms at any hour of any day; lists and nurture in the first days, in working hours. */
function drawArrival(rng: Rng, kind: ArrivalKind, start: Date, days: number): Date {
  if (kind === 'inbound') return new Date(start.getTime() + Math.floor(rng.next() * days * DAY));
  const listDays = Math.min(days, kind === 'outbound' ? 3 : 2);
  const day = rng.int(0, listDays - 1);
  return new Date(start.getTime() + day * DAY + rng.int(7 * 60, 19 * 60) * MINUTE);
}

/**
 * The world for a seed: `leads` people, arriving over `days` days from `start` (midnight UTC of a
 * Monday is a good start: outbound lists go in on working days).
 */
export function buildScenario(options: { seed: number; leads: number; days: number; start: Date }): Scenario {
  const root = new Rng(options.seed);
  const people = root.fork('people');
  const personas = root.fork('personas');
  const arrivals = root.fork('arrivals');
  const companies = Math.max(1, Math.ceil(options.leads / 3));
  const leads: SimLead[] = [];
  for (let n = 0; n < options.leads; n += 1) {
    const region = people.weighted(REGIONS.map((r) => [r, r.weight] as const));
    const names = NAMES[region.names];
    const firstName = people.pick(names.first);
    const lastName = people.pick(names.last);
    const c = people.int(0, companies - 1);
    const company = `${COMPANY_WORDS[c % COMPANY_WORDS.length] ?? 'Acme'} ${COMPANY_KINDS[Math.floor(c / COMPANY_WORDS.length) % COMPANY_KINDS.length] ?? 'Labs'}`;
    const domain = `${ascii(company)}${c}.example`;
    const kind = arrivals.weighted(ARRIVAL_WEIGHTS);
    leads.push({
      n,
      email: `${ascii(firstName)}.${ascii(lastName)}.${n}@${domain}`,
      firstName,
      lastName,
      company,
      title: people.pick(TITLES),
      country: people.pick(region.written),
      timeZone: people.pick(region.zones),
      kind,
      arriveAt: drawArrival(arrivals, kind, options.start, options.days),
      persona: drawPersona(personas, region, domain, n),
    });
  }
  return { seed: options.seed, start: options.start, end: new Date(options.start.getTime() + options.days * DAY), leads };
}
