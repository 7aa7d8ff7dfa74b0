import type { BudgetCriterion } from '../types.ts';
import type { Sentence } from '../text.ts';
import { findMoney, type MoneyContext, type MoneyMention } from './money.ts';

// Around a figure: words that make it the lead's own budget (strong) or a spend they can make (soft).
const ALLOCATED =
  /budget|set aside|earmark|allocat|approv|signed off|sign off|capex|opex|\bfunds?\b|funding|reserved|ring-?fenced|预算|批了|批下来|拨|经费|资金|立项/;
const OWN_SPEND =
  /spend|invest|looking at|range|ballpark|up to|\bcap\b|ceiling|limit|\bmax|no more than|at most|under\b|below|less than|(?:can|could|would|will) (?:do|go|afford|stretch|pay|justify|manage|spend|live with|swing)|stretch to|willing to (?:pay|spend)|plan(?:ned)? (?:to spend|for)|\bhave\b|we've got|we got|\bpay(?:ing)?\b|around|about|roughly|approximately|in the region of|投入|花|能接受|可以接受|左右|以内|之内|不超过|最多|上限|准备|打算|大概|大约|控制在|能出|出得起|只有/;
// What the lead pays today for something else ("we pay $600/mo for payroll already", "现在钉钉一年才花两万多"): not a budget for us.
const CURRENT_SPEND_LEFT = /\b(?:currently|right now|today)\b|现在|目前|才花|每年花|一年花|每月花|一个月花/;
const CURRENT_SPEND_RIGHT = /^[^,.;，。；]{0,50}\balready\b/;

// Terse answers to our budget question ("Is there a budget set aside?"). "Not sure yet" leaves it unknown.
const ANSWER_UNSURE = /\bnot sure\b|\bno idea\b|\bdunno\b|\bdon'?t know\b|\btbd\b|\bdepends\b|不确定|不清楚|不知道|还没想好|没想好|还没定|不好说|看情况/;
const ANSWER_NO =
  /^(?:(?:lol|haha|hmm|tbh|honestly|sadly|unfortunately|um+|well)[,.!]?\s+)*(?:no|nope|nah|none|zero|not yet|not really|not at the moment|not rn|not this (?:fy|year|yr|quarter|qtr|fiscal year|financial year)|nothing (?:yet|set aside|allocated))\b|^(?:暂时|目前|现在|还|暂)?(?:没有|没|无)(?:呢|的|哦|啊|[，,。.!！]|$)|^还没(?:有)?(?:呢|[，,。.!！]|$)|^(?:老板|领导|公司|上面)?还没(?:批|申请|报|下来)/;
// At the start of the answer even when a question follows ("approved, can we talk thurs?"); anywhere in a statement.
const ANSWER_YES =
  /^(?:(?:tbh|honestly|yeah|yes|yep|yup|sure|ok)[,.!]?\s+)*(?:yes|yep|yeah|yup|sure|we do|we have|there is|approved|signed off|allocated|set aside|secured|got approval)\b|^(?:有|有的|有了|批了|已批|已经批了|已经?立项|申请(?:下来)?了)/;
const ANSWER_YES_STATEMENT = /\b(?:approved|signed off|greenlit|green-lit)\b/;

/** The verdict of a terse answer to our budget question, or null when it says nothing either way. */
function answerVerdict(s: Sentence): 'met' | 'not_met' | null {
  if (s.answers !== 'budget' || s.source === 'signature' || ANSWER_UNSURE.test(s.norm)) return null;
  if (ANSWER_NO.test(s.norm)) return 'not_met';
  if (ANSWER_YES.test(s.norm) || (!s.isQuestion && ANSWER_YES_STATEMENT.test(s.norm))) return 'met';
  return null;
}

// Money the lead already lost or spent on the problem: the cost of the pain, not a budget for us.
const PAST_COST = /\b(?:spent|lost|wasted|cost us|costing us|paid out|burned|blew)\b|损失|花了|浪费了|赔了/;
// Words that make it someone else's price: our quote read back, a competitor, a cost of the problem.
const NOT_OURS =
  /\b(?:your|you|you're|you've)\b[^.]{0,30}\b(?:price|pricing|quote|quoted|rate|fee|cost|charge|plan|proposal|offer|number|ask)|\bquoted?\b|list price|\bper (?:seat|user|robot|unit|license|licence|room|employee|head|person|vehicle|agent|device|endpoint|site|location|month per)\b|\ba (?:head|seat|user)\b|is more than|more than we|too (?:much|expensive|high|steep|pricey)|\b(?:is|are|seems?|feels?|looks?) (?:steep|pricey|expensive|high|a lot)\b|over (?:our )?budget|exceeds|above (?:our|what)|out of (?:our )?(?:price )?range|competitor|they charge|other vendor|another vendor|\brevenue|\barr\b|\braised\b|\bvaluation|\bsalary|\bsalaries|sav(?:e|es|ing|ings)|\blos(?:e|es|ing|t)\b|costs? us|wast|\bfined\b|\bfines\b|\ba fine\b|penalt|报价|报了|报\d|你们要|(?:另一家|另外一家|别家|其他家|竞品|友商|对方)|你们(?:的)?(?:价格|报价|收费)|价格太|太贵|贵了|超出|超过预算|对方|竞品|他们家|营收|收入|融资|估值|损失|浪费|罚款|工资|节省|省下/;
const NEGATED_HAVE =
  /\b(?:don't|do not|doesn't|does not|didn't|haven't|have not|hasn't|no|not)\s+(?:have|got|get|had)?\b[^.]{0,12}$|没有|没/;

const NO_BUDGET: readonly RegExp[] = [
  /\b(?:no|zero|not any|not much|little)\s+(?:real\s+)?(?:budget|funds|funding|money|cash)\b/,
  /\b(?:don't|do not|doesn't|does not|didn't|haven't|have not|hasn't|won't|will not)\s+(?:have|get|got)?\s*(?:a|any|the|much)?\s*(?:real\s+)?(?:budget|funds|funding|money)\b/,
  /\b(?:budget|spend|spending|funding|purchasing|procurement)\w*\s+(?:is|are|r|has been|have been|was|got|'s|remains?)?\s*(?:completely\s+|totally\s+|fully\s+)?(?:frozen|cut|slashed|gone|spent|exhausted|used up|zeroed|on hold|paused|locked|allocated elsewhere|tapped out)/,
  /\b(?:spending|budget|hiring|purchasing|procurement|cost)\s+freeze\b|\bfreeze on (?:spend|spending|new purchases|purchases|budgets?)\b/,
  /\b(?:can't|cannot|can not|couldn't|could not|unable to|not able to)\s+(?:afford|justify|fund|spend|pay for|stretch to)\b/,
  /\bbudget\w*\s+(?:isn't|is not|hasn't been|has not been|wasn't|was not|won't be|will not be|aren't)\s+(?:approved|allocated|set|available|there|assigned|confirmed)/,
  /\bnot in (?:the|our|this year's|this year|our current) budget\b|\bnothing (?:left )?in the budget\b|\bout of budget\b|\bbudget (?:is|was) (?:already )?(?:used|gone|allocated)\b|\bno room in (?:the|our) budget\b/,
  /\b(?:too expensive for us|beyond our means|not something we can afford)\b/,
  // Chat spelling drops the apostrophe: "havent budgeted anything".
  /\b(?:haven'?t|have not|hasn'?t|didn'?t|did not|not)\s+(?:yet\s+)?budgeted\b|\bnothing (?:yet )?(?:budgeted|set aside|allocated|earmarked)\b/,
  /(?:还)?没(?:有)?(?:申请|报|做|提|列)(?:过)?(?:这块的?|这个的?|相关)?预算|预算(?:还)?没(?:申请|报|做|列)/,
  /没有(?:这笔|这块|这个|相关|专门的|额外的|多余的)?预算|没预算|无预算|暂无预算|预算(?:已经|都)?(?:冻结|用完|花完|砍了|取消|没了|不够|不足|没批|还没批|还没下来|没下来|被砍|清零)|预算冻结|冻结预算|买不起|负担不起|用不起|出不起|(?:支出|开支|采购|预算|花费)[\u4e00-\u9fff]{0,3}冻结|冻结(?:了)?(?:所有)?(?:支出|开支|采购|预算)|没钱|资金紧张|经费不足|不在预算内|预算外|不给预算|不批预算|没批预算|预算批不下来|不会批|没有经费|拿不出/,
];

const HAS_BUDGET: readonly RegExp[] = [
  /\bbudget(?:'s|\w*)\s*(?:is|has been|was|got|are|have been)?\s*(?:already\s+|now\s+|fully\s+)?(?:approved|allocated|signed off|set aside|secured|confirmed|in place|available|there|earmarked|reserved|locked in|ring-?fenced|sorted)/,
  /\b(?:we|i|they)\s*(?:'ve|have|'ve got|have got|got|do have)\s+(?:a\s+|the\s+|some\s+|dedicated\s+|approved\s+)*(?:budget|funding|funds|money)\b/,
  /\b(?:approved|allocated|secured|earmarked|set aside|dedicated|reserved)\s+(?:a\s+|the\s+|some\s+)?(?:budget|funding|funds|money)\b/,
  /\bbudget(?:ed)?\s+for\s+(?:this|it|a|the|an)\b|\bhave budget\b|\bthere(?: is|'s) budget\b|\bhas budget\b/,
  /\b(?:funding|money|budget|cost|price)\s+(?:is|isn't|is not|'s|won't be)\s+(?:not\s+)?(?:an issue|a problem|a concern|an obstacle)\b/,
  /\b(?:finance|the cfo|our cfo|the board|management|leadership|the committee|procurement|my boss|the owner)\s+(?:has\s+|have\s+|already\s+)*approved\s+(?:the\s+|this\s+|our\s+|a\s+)?(?:purchase|spend|budget|project|funding|request)\b|\b(?:purchase|spend|project|funding|budget request)\s+(?:is|was|has been|got)\s+(?:already\s+)?(?:approved|signed off|greenlit|green-lit)\b|\b(?:in|within) (?:the|our|this year's) budget\b|\bcovered (?:in|by) (?:our|the|this year's) budget\b/,
  /有预算|预算(?:已经|已|都)?(?:批了|批下来|到位|充足|够|没问题|不是问题|定了|申请下来|申请好了|审批通过|通过了|已批|有了)|预算充足|钱不是问题|资金(?:已经)?到位|经费(?:已经)?到位|已经立项|专项预算/,
];

interface Scored {
  readonly sentence: Sentence;
  readonly mention: MoneyMention;
  readonly score: number;
}

function scoreMention(s: Sentence, m: MoneyMention): number {
  const left = s.norm.slice(Math.max(0, m.start - 60), m.start);
  const right = s.norm.slice(m.end, m.end + 45);
  // Price and negation words count only inside the figure's own clause ("一年五万太贵了吧，一万以内还可以").
  const clauseLeft = left.slice(Math.max(0, ...[',', '，', ';', '；', '。', '.'].map((c) => left.lastIndexOf(c))) + 1);
  const near = clauseLeft.slice(-30) + ' ' + right.slice(0, 35);
  let score = m.explicitCurrency ? 0.5 : 0.25;
  const around = left + ' ' + right;
  if (ALLOCATED.test(around)) score += 3;
  else if (OWN_SPEND.test(around)) score += 2;
  if (PAST_COST.test(left.slice(-30))) score -= 2.5;
  if (CURRENT_SPEND_LEFT.test(clauseLeft.slice(-30)) || CURRENT_SPEND_RIGHT.test(right)) score -= 3;
  // A figure the visitor gives under our budget question is their budget ("yes ~15k", "around 8k a yr").
  else if (s.answers === 'budget' && !s.isQuestion && !ALLOCATED.test(around)) score += 2;
  // "$2,000 onboarding fee", "the $6 per-seat price": a figure naming a price of the offer.
  if (/^\s*\/\s*(?:user|seat|head|employee|agent|device|licen[cs]e|vehicle)\b/.test(right) || /^\s*(?:[\w-]+\s+){0,2}?(?:fee|fees|price|prices|charge|quote|rate|subscription|list price|per[- ]\w+ (?:fee|price))\b(?!\s+budget)/.test(right) || /^\s*(?:的)?[\u4e00-\u9fff]{0,3}?(?:费|报价|价格|收费)(?!预算)/.test(right)) score -= 3;
  if (NOT_OURS.test(near) || NOT_OURS.test(clauseLeft.slice(-45))) score -= 3;
  if (NEGATED_HAVE.test(clauseLeft.slice(-25))) score -= 3;
  return score;
}

/** Budget from the lead's words: a stated figure or range, an allocation, or its absence. */
export function extractBudget(sentences: readonly Sentence[], ctx: MoneyContext): BudgetCriterion {
  const usable = sentences.filter((s) => s.source !== 'signature');
  const scored: Scored[] = [];
  for (const s of usable) {
    for (const m of findMoney(s.text, ctx, s.answers === 'budget')) scored.push({ sentence: s, mention: m, score: scoreMention(s, m) });
  }
  scored.sort((a, b) => b.score - a.score || a.sentence.order - b.sentence.order);
  const best = scored[0];
  // "Not really, maybe $50 a month": a figure in the same answer outweighs its hedge.
  const hasFigure = (s: Sentence): boolean => scored.some((x) => x.sentence === s && x.score > 0);
  const negative = usable.find((s) => NO_BUDGET.some((p) => p.test(s.norm)) || (answerVerdict(s) === 'not_met' && !hasFigure(s)));
  if (best && best.score >= 2 && best.sentence !== negative) return fromMention(best);
  if (negative) return { evidence: negative.text, status: 'not_met' };
  const allocated = usable.find((s) => (!s.isQuestion && HAS_BUDGET.some((p) => p.test(s.norm))) || answerVerdict(s) === 'met');
  if (allocated) return { evidence: allocated.text, status: 'met' };
  if (best && best.score > 0) return fromMention(best);
  return { status: 'unknown' };
}

function fromMention(b: Scored): BudgetCriterion {
  const out: BudgetCriterion = { evidence: b.sentence.text, status: 'met' };
  if (b.mention.amount !== null) {
    out.amount = b.mention.amount;
    if (b.mention.currency) out.currency = b.mention.currency;
  }
  return out;
}
