import type { AuthorityCriterion, LeadRecord } from '../types.ts';
import type { Sentence } from '../text.ts';

// Titles that decide or sign for a purchase (FORMAT.md: owner, founder, C-level, VP, head or director).
const DECISION_TITLE_EN =
  /\b(?:owner|co-?owner|founder|co-?founder|proprietor|ceo|cto|cfo|coo|cio|cmo|cro|cpo|cso|ciso|chro|cdo|cco|cxo|chief\b[\w\s&,-]{0,40}\bofficer|chief|president|vice[- ]president|s?vp|evp|avp|head\s+of|head,|\bhead\b|director|managing\s+partner|^(?:senior\s+|equity\s+|founding\s+|name\s+)?partner\b|general\s+manager|general\s+counsel|\bgm\b|managing\s+director|leiter(?:in)?|gesch(?:ä|ae)ftsf(?:ü|ue)hrer(?:in)?|inhaber(?:in)?|directeur|directrice|direttore|directora?\b|gerente general|propri(?:é|e)taire|pr(?:é|e)sident(?:e)?|\bmd\b|principal|chair(?:man|woman|person)?|board member|executive director|superintendent|administrator of|commissioner|dean)\b/i;
const DECISION_TITLE_ZH =
  /董事长|董事|总经理|总裁|副总裁|首席|创始人|联合创始人|合伙人|老板|负责人|总监|主任|副总|总经|厂长|院长|校长|局长|处长|部长|老总|掌柜|CEO|CTO|CFO|COO|CIO|VP/i;
// Assistants and coordinators work for the decider; they are not the decider.
const NOT_DECIDER =
  /\b(?:assistant to|executive assistant|personal assistant|\bea to\b|\bpa to\b|secretary|intern|coordinator|office of the|associate to|aide|trainee|analyst|specialist|representative|\brep\b)\b|助理|秘书|实习|专员|文员|办公室/i;

export function isDecisionTitle(title: string): boolean {
  if (NOT_DECIDER.test(title)) return false;
  return DECISION_TITLE_EN.test(title) || DECISION_TITLE_ZH.test(title);
}

// The writer says they decide.
const SELF_DECIDES: readonly RegExp[] = [
  /\bi\s+(?:sign|signs)\s+off\b|\bi(?:'m| am)\s+(?:the\s+)?(?:one\s+who\s+)?(?:final\s+)?(?:decision[- ]?maker|decider|budget holder|approver|signatory|one signing|buyer)\b/,
  /\bi\s+(?:make|own|hold|have|control|handle|manage|run)\s+(?:the\s+|all\s+|final\s+|these\s+|this\s+|that\s+|our\s+|my\s+)*(?:[\w&-]+\s+){0,3}?(?:call|decision|decisions|say|sign-?off|budget|purchasing decisions|buying decisions|authority)\b/,
  /\b(?:i'm|i am|as)\s+(?:the\s+|a\s+|an\s+|our\s+)?(?:[\w&-]+\s+){0,3}?(?:owner|founder|co-?founder|ceo|cto|cfo|coo|cio|cmo|cro|president|vp|vice president|director|head of|managing partner|principal|general manager|chief [\w ]{2,30} officer)\b/,
  /\bi(?:'m| am)?\s*(?:leading|running|heading|sponsoring|owning)\s+(?:this|the)\s+(?:project|evaluation|initiative|purchase|selection|rollout)\b|\bi(?:'m| am) (?:the )?(?:project )?(?:sponsor|lead|owner) (?:on|for) this\b/,
  /\b(?:it's|it is|that's|that is|this is|the decision is|final say is)\s+(?:my|entirely my|ultimately my)\s+(?:call|decision|budget)\b|\b(?:decision|call|budget|sign-?off) (?:is|rests|sits|lies) with me\b|\bup to me\b(?!\s*(?:alone|only)\b.*not)/,
  /\bi\s+(?:can|could|will|'ll|am able to|'m able to|am authorized to|'m authorized to|get to)\s+(?:approve|sign|authorize|authorise|green-?light|make the (?:call|decision)|decide|sign off|sign the)\b/,
  /\bthe (?:call|decision|final (?:call|decision|say)) is mine\b|\bit(?:'s| is) (?:my|ultimately my) (?:decision|call)\b|\bi\s+(?:decide|approve|authorize|authorise|green-?light)\b|\bmy (?:team's |department's )?budget\b|\bi(?:'m| am) (?:authorized|authorised|empowered) to\b|\bi have (?:full |final )?(?:authority|sign-?off|signing authority)\b/,
  /\bas (?:the |our )?(?:owner|founder|ceo|cfo|coo|cto|cio|president|vp|head of [\w ]{2,30}|director of [\w ]{2,30}|managing director|general manager)\b/,
  /(?:都|全)?是我(?:来|在)?(?:负责|管|定|决定|拍板)(?:的)?|我是(?:公司|我们|这边|这里|这家店|我们公司)?(?:的)?[\u4e00-\u9fff]{0,6}(?:创始人|老板|总经理|总裁|董事长|负责人|总监|合伙人|厂长|院长|校长|副总|老总|ceo|cto|cfo|coo)|我(?:来)?(?:负责)?牵头|(?:这个|这)(?:项目|事|块)(?:由)?我(?:来)?(?:负责|牵头|主导)|我(?:负责|主导)(?:这个|这)?(?:项目|选型|采购)|我说了算|我(?:这边|这里|自己)?(?:可以|能|就能|就可以|来)?拍板|我(?:来|可以|能)?(?:定|决定)(?:就行|就好|就可以)?$|我(?:可以|能|来)(?:决定|定)|我有(?:最终)?决定权|我(?:负责|管)(?:这块|这个|采购|审批|预算)|由我(?:来)?(?:决定|负责|拍板|定)|我签字就行|我批就行|我审批|我是(?:负责人|老板|决策人|拍板的)|我就是(?:负责人|老板|决策人)|预算在我(?:这|手里)|我(?:这边)?可以直接(?:定|签|批)/,
  /\bi own (?:the|this|our|my) (?:place|business|company|shop|store|practice|firm|restaurant|clinic|agency|bakery|salon|studio|gym|farm)\b|\bit(?:'s| is) my (?:business|company|shop|store|practice|firm|place)\b|自己开的|(?:店|公司|厂|工作室)是我(?:自己)?(?:的|开的)|我自己的(?:店|公司|厂|工作室)/,
];

// The writer says someone else decides, or that they cannot.
const OTHER_DECIDES: readonly RegExp[] = [
  /\bnot (?:my|entirely my|really my|solely my) (?:call|decision|budget|department|area)\b|\bnot up to me\b|\bout of my hands\b|\babove my pay ?grade\b/,
  /\bi(?:'m| am)\s+not\s+(?:the|a|really the)?\s*(?:final\s+)?(?:decision[- ]?maker|decider|right person|best person|right contact|person (?:who|to)|one (?:who|to)|budget holder|buyer|approver)/,
  /\bi\s+(?:don't|do not|can't|cannot|won't)\s+(?:make|have|own|control|get)\s+(?:the|these|this|that|any|final|purchasing|buying|a)?\s*(?:final\s+)?(?:call|decision|decisions|say|sign-?off|purchasing authority|authority)\b|\bi\s+(?:can't|cannot|don't|do not)\s+(?:sign|approve|decide|authorize)\b/,
  /\bi(?:'m| am) (?:just|only) (?:the |a |an )?(?:office |front desk |executive |personal |team |sales |admin )?(?:admin|administrator|assistant|intern|receptionist|coordinator|office manager|temp|contractor)\b|\bwrong person\b|\bi (?:no longer|don't) (?:handle|manage|look after|own|run|oversee|deal with|make)\b|\bi (?:just|only) (?:do|handle|work on|run) (?:the )?\w+\b|\b(?:will|would|is going to|'ll) be the one (?:to|who) (?:sign|decide|approve|make the call)\b|\btake (?:the|this|it|our) (?:final )?(?:choice|decision|proposal) to (?:the|our|my) (?:committee|board|boss|manager|cfo|ceo|leadership|partners)\b/,
  /\b(?:i(?:'d| would| will|'ll)?|we(?:'d| would| will|'ll)?)\s+(?:need|have|has)\s+to\s+(?:run (?:it|this|that) (?:by|past)|check with|get (?:approval|sign-?off|buy-?in|the ok|the go-ahead|a yes) from|ask|loop in|consult|clear (?:it|this) with|get (?:it|this) approved by|escalate (?:it|this) to|present (?:it|this) to|pitch (?:it|this) to|convince)\s+(?:my|our|the)\s+(?:boss|manager|cfo|ceo|coo|cto|cio|vp|director|head|leadership|team lead|management|finance|procurement|owner|founder|board|president|gm|committee|partners?|superior|supervisor|exec\w*|c-suite)/,
  /\b(?:my|our|the)\s+(?:boss|manager|cfo|ceo|coo|cto|cio|vp|director|owner|founder|leadership|management|board|committee|procurement|finance|president|gm|partners?|head of [\w ]{2,30}|exec\w*|c-suite|it department|legal)(?:\s+[\w&,'-]+){0,4}?\s+(?:decides|will decide|would decide|makes the (?:call|decision|final decision)|has (?:the )?final say|signs off|approves|will approve|owns (?:the )?(?:decision|budget|call)|holds the budget|controls the budget|need to approve|needs to approve|has to approve|must approve|would have to approve|makes (?:these|those|all|the) (?:decisions|calls)|is the decision[- ]?maker)\b/,
  /\b(?:the\s+)?(?:final\s+)?(?:decision|call|sign-?off|budget|approval)\s+(?:sits|rests|lies|is|will be)\s+with\s+(?!me\b)/,
  /\b(?:get|run|take|put) (?:this|it|that) (?:past|by|in front of|through|to) (?:our|my|the) (?:cfo|ceo|coo|cto|boss|board|committee|finance|manager|director|owner|leadership|management|partners?|vp)\b/,
  /\b(?:he|she|they)\s+(?:makes?|owns?|holds?|controls?|signs?)\s+(?:the\s+|all\s+|these\s+|off\s+on\s+)?(?:final\s+)?(?:decisions?|calls?|budget|purchasing|buying|tooling decisions|sign-?off)\b|\bmakes the (?:\w+ )?decisions\b|\bowns (?:the|our|this) [\w -]{2,40}(?:project|budget|decision|program|initiative|process|area)\b[^.]{0,20}\bnot me\b/,
  // "My controller signs off", "our board approves it", "老板定", "HR总监和CFO一起定".
  /\b(?:my|our)\s+(?:[\w-]+\s+){0,2}?(?:signs? off|signs (?:it|off|for)|approves (?:it|this|purchases|spend)|decides|has the final say|makes the (?:final )?call)\b|(?:老板|领导|老总|上级|董事会|[\u4e00-\u9fffa-z]{1,8}(?:总监|总|cfo|ceo|coo|cto))(?:们)?(?:一起|共同|来|说了?)?定(?!制|期|位|金|价|好的|了个)/,
  /\b(?:decision[- ]?maker|decider|budget holder|approver) (?:is|would be|will be)\b(?! me\b)/,
  /\b(?:needs?|requires?|subject to|pending) (?:approval|sign-?off|sign off) (?:from|by)\b|\bwould need (?:approval|sign-?off)\b/,
  /我做不了主|我说了不算|我定不了|我决定不了|不是我(?:能|来|说了算)?(?:决定|定|拍板)|我没有(?:决定权|权限|审批权)|(?:需要|要|得|必须)(?:跟|和|向|找|请|给|请示|报给)?(?:我们)?(?:的)?(?:老板|领导|上级|上面|总经理|副总|总监|主管|经理|老总|集团|董事会|财务|采购部|公司|运营副总|[\u4e00-\u9fff]{0,4}总)(?:汇报|审批|批准|同意|拍板|决定|签字|点头|过目|请示|商量|确认)|(?:老板|领导|上级|上面|老总|集团|委员会|小组|董事会|总经理|副总|[\u4e00-\u9fff]{1,6}(?:总|总监|部|领导小组))(?:来)?(?:拍板|决定|定夺|说了算)|最后(?:由|要由|得由|还是由)?.{0,12}(?:来定|来决定|拍板|决定|定)|最终(?:要|得|还是)?(?:由)?.{0,14}(?:来定|来决定|拍板|决定|定)|不归我(?:们)?[a-z0-9\u4e00-\u9fff]{0,6}(?:管|负责)|决策权(?:在|归)|我(?:只是|只)?(?:负责)?(?:收集|了解|初步了解|调研|打听)|我(?:已经|现在)?不(?:再)?负责|不是我负责|我(?:这边)?只能(?:提|建议|推荐)|(?:老板|领导|上级|总经理|老总|董事长|[\u4e00-\u9fff]总)(?:已经|也)?(?:同意|批准|点头|批了|拍板|签字)了?|我只是(?:实习生|助理|员工|普通员工|执行的|跑腿的|打工的)|我(?:这边)?只是(?:负责)?(?:执行|对接|跑腿|传话)|请示(?:一下)?(?:我们)?(?:的)?(?:领导|老板|上级|老总|总经理)|(?:跟|向|和)(?:领导|老板|上级|老总)(?:请示|汇报|商量)|(?:老板|领导|老总|总经理|董事长)[\u4e00-\u9fff]{0,4}说了算/,
  // Someone else decides, said in other words: "the decision is of our plant director", "my manager, who will make the call".
  /\b(?:the )?decision is (?:of|for) (?:our|my|the)\b|\bwho (?:will|would|is going to|'ll|is to) make the (?:final )?(?:call|decision)\b|\b(?:he|she) (?:decides?|signs?|approves?) (?:about|on|for)\b|\bnothing (?:whatsoever |at all )?to do with (?:procurement|purchasing|buying|the budget|this)\b|\bnot (?:even |really )?(?:the|a) (?:final )?decision[- ]?maker\b|\bi(?:'m| am) not (?:responsible|in charge) (?:for|of)\b|\b(?:gathering|collecting|pulling together|compiling) (?:information|info|options|details|quotes) for (?:my|our) (?:manager|boss|director|cfo|ceo|vp|team lead|head of \w+)\b|\bi (?:only|just) (?:prepare|compile|collect|gather) (?:the )?(?:comparison|options|information|quotes|offers)\b/,
  /(?:老板|领导|上级|老总|上面)(?:说|觉得|认为|不喜欢|不同意|不批|不想|要求|的意思)|由(?!我)(?:我司|公司|我们|集团)?[\u4e00-\u9fff]{1,8}(?:统一)?(?:负责|决定|审批|采购)|(?:已经|已)?(?:从公司)?离职了|我(?:只|只是)?(?:负责)?(?:配合|协助)(?:提需求|调研|了解)/,
];

// "Not me" speaks to deciding unless it answers one of our questions about something else ("Who looks after the vehicles?").
function notMe(s: Sentence): boolean {
  return /\bnot me\b/.test(s.norm) && (s.answers === undefined || s.answers === 'authority');
}

// Terse answers to our "who else would be involved in the decision?".
const ANSWER_UNSURE = /\bnot sure\b|\bno idea\b|\bdunno\b|\btbd\b|不确定|不清楚|不知道|还没定/;
const ANSWER_SELF =
  /^(?:(?:just|only|prob(?:ably)?|mostly|ultimately|well)\s+)?(?:me|myself|i do|i decide|i will|i'll|mine|that's me|that'd be me|that would be me|i make the call|i sign)\b|^(?:就|都是)?(?:我|我自己|本人)(?:来|一个人|自己)?(?:定|决定|拍板|说了算|做主|签)?(?:吧|的|啊)?(?:[，,。.!！~]|$)/;
const ANSWER_OTHER =
  /^(?:(?:prob(?:ably)?|prolly|likely|mostly|usually|def(?:initely)?|that'd be|that would be|it'd be|it would be)\s+)?(?:(?:my|our|the)\s+(?!own\b|team\s+and\s+me\b)[\w-]+|(?:ceo|cfo|coo|cto|cio|ciso|owner|founder|board|boss|gm|vp|director|partners?|management|finance|procurement|it (?:team|dept|department|director|manager)|hq|head office)\b)|^(?:我们|我司|公司)?(?:的)?(?:老板|领导|老总|总经理|董事长|董事会|上级|上面|集团|总部|[\u4e00-\u9fffa-z]{1,6}(?:总监|总|经理|主任|部))(?!是我)/;

function answerVerdict(s: Sentence): 'met' | 'not_met' | null {
  if (s.answers !== 'authority' || ANSWER_UNSURE.test(s.norm)) return null;
  if (ANSWER_SELF.test(s.norm)) return 'met';
  if (ANSWER_OTHER.test(s.norm)) return 'not_met';
  return null;
}

/**
 * Authority: what the writer says about deciding wins; otherwise a decision-making title in the lead
 * record, or in the lead's own signature when the record has none.
 */
export function extractAuthority(sentences: readonly Sentence[], lead: LeadRecord | undefined, signature: string): AuthorityCriterion {
  const spoken = sentences.filter((s) => s.source !== 'signature');
  const denied = spoken.find((s) => OTHER_DECIDES.some((p) => p.test(s.norm)) || notMe(s) || answerVerdict(s) === 'not_met');
  const claimed = spoken.find((s) => SELF_DECIDES.some((p) => p.test(s.norm)) || answerVerdict(s) === 'met');
  const title = lead?.title?.trim();
  const titleDecides = title ? isDecisionTitle(title) : false;

  // The newest statement wins when the writer both claims and denies (thread then reply).
  if (denied && (!claimed || denied.order <= claimed.order)) {
    return { evidence: denied.text, status: 'not_met', ...(title ? { role: title } : {}) };
  }
  if (claimed) {
    const role = title ?? roleIn(claimed.text);
    return { evidence: claimed.text, status: 'met', ...(role ? { role } : {}) };
  }
  if (title && titleDecides) return { evidence: title, status: 'met', role: title };
  const sigTitle = signatureTitle(signature);
  if (!titleDecides && sigTitle) return { evidence: sigTitle, status: 'met', role: sigTitle };
  return { status: 'unknown' };
}

const SELF_TITLE_EN =
  /\b(?:i'm|i am|i’m|as)\s+(?:the\s+|a\s+|an\s+|our\s+)?((?:[A-Za-z&-]+\s+){0,3}?(?:owner|founder|co-?founder|CEO|CTO|CFO|COO|CIO|CMO|CRO|President|VP|vice president|director|head of [A-Za-z&-]+(?:\s+[A-Za-z&-]+)?|managing partner|principal|general manager|chief [A-Za-z ]{2,30}? officer)(?:\s+of\s+[A-Z][A-Za-z&-]+)?)\b/i;
const SELF_TITLE_ZH = /我是(?:公司|我们|这边|这里|我们公司)?(?:的)?([\u4e00-\u9fffA-Za-z]{0,6}(?:创始人|老板|总经理|总裁|董事长|负责人|总监|合伙人|厂长|院长|校长|副总|老总|CEO|CTO|CFO|COO))/;

/** The title a writer gives themselves ("I'm the CTO", "我是公司创始人"), verbatim. */
function roleIn(text: string): string | undefined {
  const m = SELF_TITLE_EN.exec(text) ?? SELF_TITLE_ZH.exec(text);
  return m?.[1]?.trim();
}

/** A decision-making title written in the lead's signature, e.g. "VP Operations | Kessler Cold Storage". */
function signatureTitle(signature: string): string | null {
  for (const line of signature.split('\n')) {
    for (const part of line.split(/\s*[|,，｜/]\s*|\s+-\s+|\s+–\s+/)) {
      const p = part.trim();
      if (p.length >= 2 && p.length <= 60 && isDecisionTitle(p) && !/@|\d{3}/.test(p)) return p;
    }
  }
  return null;
}
