import type { TimelineCriterion } from '../types.ts';
import type { Sentence } from '../text.ts';
import { daysBetween } from './calendar.ts';
import { findHorizons, type Horizon } from './horizons.ts';

/** Horizons over this many days from the reply date do not meet the timeline criterion (FORMAT.md). */
export const TIMELINE_MAX_DAYS = 180;

// Words that make a time expression a purchase or go-live horizon; strong ones survive a nearby "call".
const STRONG =
  /\b(?:live|go[- ]live|launch\w*|roll(?:ing|ed)?[- ]?out|roll (?:it|this|them|that) out|deploy\w*|implement\w*|install\w*|purchas\w*|buy\w*|procure\w*|sign(?:ed|ing)? (?:a |the )?(?:contract|deal|po)|decid\w*|decision|select\w*|choos\w*|onboard\w*|migrat\w*|switch\w*|replac\w*|cut ?over|in place|up and running|operational|rfp|tender|award\w*|move into|moving into|go with a vendor|pick a vendor|move on (?:this|it))\b|上线|选定|确定供应商|定供应商|选好|(?:想|要|准备|打算|计划|考虑|会|就)上(?![面次周个午班门来去级线海])|采购|购买|买|部署|落地|选型|签约|签合同|实施|投入使用|切换|替换|招标|投产|立项|用上|用起来|跑起来|装上|装好|安装|建好|建成/;
const GO_LIVE = /\b(?:live|go[- ]live|up and running|in place|operational|rolled out|deployed|installed)\b|上线|用起来|跑起来|投入使用|部署完|落地|(?:完成|做完|搞定)(?:安装|部署|实施|交付|验收)|装好|建成|交付/;
const WEAK =
  /\b(?:complet\w*|finish\w*|done|wrapped up|planned|scheduled|sorted|over the line|running|picking|ready|deadline|target\w*|aim\w*|need\w*|must|has to|have to|have (?:it|them|something|robots|a|the|this|everything)|get (?:it|this|something|them) (?:in|done|set|live|running)|using|automat\w*|opening|open(?:s)? (?:in|on)|pilot\w*|trial|evaluat\w*|shortlist\w*|start\w*|kick[- ]?off|begin|plan(?:ning|s)? to|looking to|hoping to|want\w*|would like|'d like|expect\w*|intend\w*|thinking|timeline|timeframe|time frame|budget cycle|fiscal year|purchased|project|initiative|before (?:our|the) \w+|deadline|due|audit|go-?live|locked (?:in|into)|under contract|contract (?:runs|ends|expires|is up|renews)|committed (?:through|until)|renewal|plan|roadmap|summit|conference|event|trade show|expo|peak|season|opening|launch|reopen\w*|inspection|certification|deadline)\b|到期|合同|排在|排期|项目|(?:就|才|能|可以|准备|打算)签|搬|搬家|搬迁|入驻|开张|峰会|展会|大会|活动|大促|旺季|开业|开学|审计|检查|验收|投产|换系统|启动|定下来|决定|引入|导入|推行|完成|搞定|开始|需要|希望|计划|打算|争取|目标|要求|必须|之前要|前要|换掉|换成|评估|试点|试用|到位/;
const BUDGET = /\b(?:budget\w*|set aside|allocat\w*|earmark\w*|spend\w*|funds?|funding|approved|capex|opex)\b|预算|资金|经费|拨款/;
const CONTACT =
  /\b(?:call|calls|meet|meeting|demo|chat|talk|speak|catch up|connect|reach(?:ing)? out|circle back|check back|check in|follow(?:ing)? up|ping|contact|get back|touch base|reconnect|revisit|visit|calendar|schedule|slot|availab\w*|free|email me|send|show|walk ?through|presentation|back in the office|back from|return\w*|out of (?:the )?office|vacation|holiday|leave|travel\w*|conference|offsite|busy(?! season| period| time of year)|swamped|hear from|come back|get in touch|reach me|try me|remind me|in touch|talk again|catch up|ask (?:me|us)(?: again)?|msg|message (?:me|us)|text (?:me|us)|dm (?:me|us)|hit (?:me|us) up)\b|再议|产假|病假|年假|婚假|发(?:过来|给我|我)|联系|聊|沟通|演示|会议|开会|见面|拜访|回来|回复|休假|放假|假期|出差|约|电话|再说|再谈|交流|介绍|忙|上门|看看|碰一下|找我/;
// Another project the lead is busy with: its dates are not our purchase horizon.
const BUSY = /\bmid-?way through\b|\bin the middle of\b|\bbusy with\b|\bthat runs (?:to|until|through)\b|\bheads[- ]down\b|\b(?:swamped|slammed|tied up|flat out) (?:until|till|through|with)\b|正在忙|在忙|忙着/;
const PAST = /\b(?:last|ago|ran|did|was|were|had|went|bought|evaluated|tested|tried|chose|selected|already|previously|earlier this)\b|去年|上个月|上周|上季度|已经|之前已/;
const NO_PLANS =
  /\b(?:no (?:plans?|timeline|time ?frame|immediate plans?|current plans?)|not (?:planning|looking|going) to (?:buy|purchase|change|switch|invest|replace|add|move)|not in the market|not (?:buying|purchasing) anything|nothing new gets (?:purchased|bought)|no (?:purchases?|new tools?|new software|new vendors?) (?:this|until|before)|on hold indefinitely|indefinitely|not on (?:our|the) (?:roadmap|radar))\b|没有(?:采购|上线|购买|引入)?计划|暂无(?:采购)?计划|暂时没有(?:这个|相关|采购)?计划|还没有时间表|没有时间表|没有时间安排|无限期|不在计划内|没排上日程|不会(?:换|更换|采购|再买)|不打算(?:换|采购)/;

const LOCKED = /\b(?:locked|contract\w*|committed|under contract|renew\w*|tied in|signed)\b|合同|签了/;
const DEFER = /再议|再说|再谈|再聊|再联系|\b(?:revisit|circle back|talk (?:again|then)|pick (?:this|it) (?:back )?up)\b/;
const NOT_YET = /\b(?:yet|rn|right now|at the moment|just (?:curious|trying|looking|researching|exploring|browsing))\b/;
// "No rush", 不急: the answer to our timeline question says there is no horizon, whatever other dates were said.
const NO_RUSH = /\bno (?:rush|hurry)\b|\bnot (?:urgent|in a (?:rush|hurry))\b|\bnot sure yet\b|\bno idea\b|\bdunno\b|不急|不着急|没那么急|不赶|还不确定|不好说|说不准/;
// A horizon the writer says they will miss or not use: "年前肯定不弄了", "618前肯定来不及了", "by june? no way".
const NEGATED_AFTER = /^[^,，。.;；]{0,6}(?:不(?:弄|搞)|来不及|赶不上)/;
const THEN_PURCHASE = /^\s*[,，]?\s*(?:so|and)\s+(?:we|i)(?:'ll| will| can| would| plan to| want to)?\s+(?:switch|buy|move|sign|go live|roll (?:it )?out|replace|decide|purchase)\w*\s+(?:\w+\s+)?(?:then|at that point|by then)\b/;
// "Our next budget cycle starts in January": when money comes, not when they buy.
const BUDGET_OPENS = /\b(?:budget|fiscal|fy|financial year)\b[^,.]{0,20}\b(?:starts?|begins?|opens?|resets?|kicks? off)\b/;
// "The march date is just the website": a date already said, now tied to something else.
const OTHER_THING = /^\s*(?:date|deadline|one|thing)?\s*(?:is|was|'s)\s+(?:just|only)\s+(?:for\s+)?(?:the|our|a)\b/;

interface Candidate {
  readonly sentence: Sentence;
  readonly horizon: Horizon;
  readonly strength: number;
}

/** The clause around a horizon: its sentence cut at commas and "but". */
function clauseAround(s: string, start: number, end: number): string {
  const left = s.slice(0, start);
  const right = s.slice(end);
  // A comma inside a number ("1,800") is not a clause break.
  const SEP = /,(?!\d{3}(?!\d))|[;，；:：]|\bbut\b|(?<!\bbetween \w+ )\band\b|但|不过|并且/g;
  let l = -1;
  for (const m of left.matchAll(SEP)) l = m.index ?? l;
  const rIdx = right.search(/,(?!\d{3}(?!\d))|[;，；:：]|\bbut\b|(?<!\bbetween \w+ )\band\b|但|不过|并且/);
  return s.slice(l < 0 ? 0 : l, rIdx < 0 ? s.length : end + rIdx);
}

// Deadline wording on the horizon itself: "by June", "no later than Q3", "6月底前", "最迟九月".
const DEADLINE_BEFORE = /\b(?:by|before|no later than|prior to|ahead of|in time for|ideally|at the latest|latest|sooner)\s+(?:the\s+)?(?:end\s+of\s+)?$|(?:最晚|最迟|最好|争取|尽量|希望|必须|要在|务必)\s*$/;
const DEADLINE_AFTER = /^\s*(?:at the latest|latest|tops|max|or sooner|or earlier)\b|^(?:前|之前|以前|以内|之内|内|底前|前后)/;

function strengthOf(clause: string, horizon: Horizon, ref: Date, before: string, after: string, answersTimeline: boolean): number {
  if (horizon.date && horizon.date < ref) return 0;
  if (BUSY.test(clause)) return 0;
  if (NEGATED_AFTER.test(after) || OTHER_THING.test(after) || /\bnot\s+$/.test(before) || (BUDGET_OPENS.test(clause) && !/\b(?:before|by|ahead of|prior to|in time for)\b/.test(clause))) return 0;
  // "ends in September, so we will switch then": the purchase named after the comma points back at the date.
  const base = THEN_PURCHASE.test(after) ? 3 : wordingStrength(clause, horizon, before, after);
  // A bare date under our "when would you want this live?" is the go-live horizon, unless it is
  // about talking again, a lower bound, or in the past.
  if (answersTimeline && base < 3 && !CONTACT.test(clause) && !DEFER.test(clause) && !PAST.test(clause) && !lowerBoundOf(before, after)) return 3;
  return base;
}

function lowerBoundOf(before: string, after: string): boolean {
  return /\b(?:until|till|til|after|not before|no sooner than|from)\s+(?:[\w'-]+[\s/]+){0,6}$/.test(before) || /^(?:之后|以后|后)/.test(after);
}

function wordingStrength(clause: string, horizon: Horizon, before: string, after: string): number {
  const contact = CONTACT.test(clause);
  if (PAST.test(clause) && !/\b(?:will|want|plan|need|expect)\b|要|打算|准备|希望/.test(clause)) return 0;
  // Go-live wording names the end of the horizon best ("pick a vendor in June and be live by September").
  // "Frozen until the new CFO starts in September" gives the earliest date, not the purchase horizon.
  const untilBefore = /\b(?:until|till|til|not before|no sooner than)\s+(?:[\w']+\s+){0,6}$/.test(before);
  // A contract that binds them until then is different: nothing can be bought before it ends.
  if (untilBefore && !STRONG.test(clause) && !LOCKED.test(clause)) return 0;
  // "国庆后开始选型": a date followed by 后 is where the work starts, not where the horizon ends.
  if (/^(?:之后|以后|后)/.test(after) && !GO_LIVE.test(clause)) return 0;
  // "需待明年预算批复后再议", "revisit next year": the date is for talking again, like 明年再说.
  if (DEFER.test(clause)) return 0;
  if (GO_LIVE.test(clause) && !contact) return 4;
  if (STRONG.test(clause)) return contact ? 2 : 3;
  if (WEAK.test(clause) && !contact) return 2;
  // A bare "this year" next to a budget is about which budget, not when they buy; "next year's plan" defers it.
  // "No money until our budget is set in November" gives the earliest date, not the purchase horizon.
  if (lowerBoundOf(before, after)) return 0;
  if (BUDGET.test(clause) && !contact && horizon.granularity !== 'year') return 1;
  if (!contact && (DEADLINE_BEFORE.test(before) || DEADLINE_AFTER.test(after) || /(?:前|之前|以前|以内|之内)$/.test(horizon.text) || horizon.asap)) return 1;
  return 0;
}

/** Timeline from the lead's words: a purchase or go-live horizon resolved against the reply date. */
export function extractTimeline(sentences: readonly Sentence[], ref: Date): TimelineCriterion {
  const candidates: Candidate[] = [];
  for (const s of sentences) {
    if (s.source === 'signature') continue;
    for (const h of findHorizons(s.norm, ref)) {
      const clause = clauseAround(s.norm, h.start, h.end);
      const strength = strengthOf(clause, h, ref, s.norm.slice(Math.max(0, h.start - 50), h.start), s.norm.slice(h.end, h.end + 60), s.answers === 'timeline');
      if (strength > 0) candidates.push({ sentence: s, horizon: h, strength });
    }
  }
  // The direct answer to our timeline question first; then the strongest purchase wording, the finer
  // horizon ("by end of August" over "this year"), the newest words (the reply before older thread messages).
  // A dated horizon says more than "asap" beside it ("越快越好，1月中之前要用上").
  const fineness = (h: Horizon): number => (h.granularity === 'year' ? 0 : h.granularity === 'half' || h.asap ? 1 : 2);
  const answered = (c: Candidate): number => (c.sentence.answers === 'timeline' ? 1 : 0);
  candidates.sort(
    (a, b) =>
      answered(b) - answered(a) ||
      b.strength - a.strength ||
      fineness(b.horizon) - fineness(a.horizon) ||
      a.sentence.order - b.sentence.order ||
      a.horizon.start - b.horizon.start,
  );
  const best = candidates[0];
  // "不急，明年再说" under our timeline question: dates said elsewhere (another project's launch) are not the horizon.
  if (best && answered(best) === 0 && sentences.some((s) => s.answers === 'timeline' && s.source !== 'signature' && (NO_RUSH.test(s.norm) || DEFER.test(s.norm)))) {
    return { status: 'unknown' };
  }
  if (best) {
    const { horizon, sentence } = best;
    if (horizon.asap || horizon.date === null) return { evidence: sentence.text, status: 'met' };
    const days = Math.max(0, daysBetween(ref, horizon.date));
    return { evidence: sentence.text, status: days <= TIMELINE_MAX_DAYS ? 'met' : 'not_met', within_days: days };
  }
  for (const s of sentences) {
    if (s.source === 'signature') continue;
    // "Not buying anything yet / rn, just curious" says nothing about when they will; "no plans for it, just curious" does.
    const m = NO_PLANS.exec(s.norm);
    if (m && !NOT_YET.test(s.norm.slice(m.index, m.index + m[0].length + 16))) return { evidence: s.text, status: 'not_met' };
  }
  return { status: 'unknown' };
}
