import type { NeedCriterion } from '../types.ts';
import type { Sentence } from '../text.ts';

// Satisfied, covered elsewhere, or no need: need is not met.
const NO_NEED_STRONG: readonly RegExp[] = [
  /\b(?:don't|do not|doesn't|does not|won't|wouldn't|didn't)\s+(?:really\s+|currently\s+|actually\s+|even\s+)?(?:need|require|have (?:a |any )?(?:need|use|requirement))\b(?!\s+to\s+(?:be|talk|meet|chat|hear|discuss))/,
  /\bno\s+(?:real\s+|current\s+|immediate\s+|actual\s+|further\s+)?(?:need|use|requirement|demand)\b(?!\s+to\s+(?:follow|reply|respond|call|contact|send|reach|apologi|worry))/,
  /\b(?:happy|satisfied|content|fine|good|all set|set|sorted|covered|pleased)\s+with\s+(?:what we have|what we've got|our\s|the current|the existing|how things|the tool|the system|the vendor|our current|our existing|\w+ (?:for now|at the moment))/,
  /\b(?:covers|handles|does|gives us|meets|has)\s+(?:everything|all(?: of)? (?:what|that)?|exactly what|what)\s*(?:we|i)\s+(?:need|want|require)/,
  /\bno (?:real )?(?:problem|issue|trouble|pain|complaints?) with\b|\b(?:don't|do not) have (?:that|this|a|any) (?:issue|problem|pain|need)\b|\b(?:already )?built (?:this|it|one|that)\b|\b(?:is|are) (?:fine|ok|okay|good enough|enough) for (?:now|us)\b|\b(?:and|,)\s+it(?:'s| is) (?:fine|enough|plenty)\b|\bwe(?:'re| are) (?:all )?(?:set|covered|sorted) (?:on|with|for)\b|\bnothing (?:here )?for us\b|\b(?:just |recently |already )?signed (?:a |an |our )?(?:[\w-]+[- ]year |multi-year |new |long-term )?(?:deal|contract|agreement) with\b|\b(?:went|gone|signed|committed|contracted) with (?!you\b)\w+|\bwe (?:only |just )?(?:hire|onboard|have|process|send|get|run|do|see) (?:like|only|just|maybe|barely|at most) (?:\d+|one|two|three|four|five|a few|a couple(?: of)?|a handful of) \w+(?: \w+)? (?:a|per|each) (?:year|month|week)\b/,
  /\bwe(?:'re| are)\s+(?:very\s+|really\s+|quite\s+|perfectly\s+|pretty\s+)?(?:happy|satisfied|content|fine|good)\s+with\b|\b(?:our|the) (?:volumes?|numbers|headcount|team) (?:is|are) (?:tiny|small|low)\b|\b(?:just |recently )?renewed (?:with|for|our)\b|\b(?:more|way more|much more|far more) than (?:we|i) need\b|\boverkill (?:for us)?\b|\b(?:working|works) (?:well|fine|great) for us\b|\bit(?:'s| is) working (?:well|fine)\b/,
  /\b(?:current|existing|our)\s+[\w -]{0,30}\b(?:works|is working|does the job|covers it|is fine|is enough|is sufficient)\b/,
  /\b(?:signed|went|go|going|gone|chose|selected|decided to go|committed|contracted)\s+with\s+(?:another|a different|an?other|a competing|a competitor|one of your competitors|[A-Z]?\w+ instead)\b|\bsigned with (?:another|a different) (?:vendor|provider|company|supplier)\b|\bpicked (?:another|a different) (?:vendor|provider|solution)\b/,
  /\bbuilt (?:our own|it in-house|something in-house|an? [\w -]{0,30}(?:in-house|internally|ourselves))|\bwe (?:handle|do|manage) (?:it|this|that) (?:in-house|internally)\b/,
  /\bnot (?:a|an) (?:problem|issue|priority|pain(?: point)?|need|requirement) for us\b|\bnot something we need\b|\bno use for\b|\bdon't see (?:a|the|any) need\b|\b(?:not|isn't) relevant (?:to|for) us\b|\bdoesn't apply to us\b|\bwe(?:'re| are) too small (?:for|to need)\b|\bnot (?:a|an) fit for (?:what we|our needs)\b/,
  /(?:不|没|无)(?:太)?(?:需要|需求)|用不上|用不着|没必要|没有必要|暂无需求|没有这(?:个|方面的)?需求|没这个需要|完全够用|够用了|够用|已经(?:有了|在用|上了|买了|选了|签了|采购了|定了|部署了|有一套|有系统|有供应商)|挺好用|很好用|用得挺好|用得很好|管得挺好|挺好的|没有这个需要|没这个需要|满足(?:需求|我们的需求|现在的需求)|自己开发|自研|不存在这个问题|不是痛点|目前挺好|没什么问题|不考虑换|不打算换|签了别家|已经签了|就(?:一|两|几|一两|两三|三四)(?:个|家|台|间|人)|小作坊|用不起(?:这么)?(?:专业|复杂)/,
  // Short chat declines: "already have X on all our trucks", "not for us", "we don't do quotes", 我们不做私域, 刚签了X三年.
  /\balready (?:have|use|using|got|run|running)\b(?![^.]*\b(?:but|though|however|except|slow|pain|issue|problem)\b)|\b(?:it's |its |this is |that's |thats )?not for us\b|\bwe (?:don't|do not) (?:do|run|offer|make|sell) (?!it\b|this\b|that\b|much\b|a lot\b)\w+|(?:我们|我司|公司|这边)(?:也)?(?:不做|不搞|没做|没搞)(?!过|不了)|刚(?:刚)?(?:签了|续了)/,
  /用(?:得|着|起来)?(?:很|挺|还|非常|比较)?顺手|(?:这个功能|这些功能|这个)?(?:我们)?用不到(?!那么多|这么多|全部|所有)|(?:刚|已经|刚刚)续签(?:了)?|续(?:了)?(?:三|两|一|几)年/,
  /\bnot needing\b|\b(?:and )?it works (?:fine|well|great|ok|okay)\b|\bnothing to buy\b|\b(?:office|site|business|store|plant|location|practice|clinic) (?:closes|is closing|shuts|is shutting)\b|对我们(?:来说)?没(?:啥|什么)?用|(?:公司|门店|店|工厂|厂|分公司)[^。，,]{0,8}(?:要|就要|准备|马上)?(?:关(?:了|门|掉|闭)|倒闭|停业|注销)|自己(?:研发|开发|做)了/,
];

// Pain, goal or use case in the lead's words.
const PAIN: readonly RegExp[] = [
  /\b(?:gets?|getting|got) (?:lost|missed|dropped|buried|stuck|delayed|forgotten)\b|\blos(?:e|es|ing|t) (?:hours|days|track|leads|money|customers|deals|data|orders|tickets|sales|revenue|time|staff|people|\d)|\bbleeding (?:money|cash|time)\b|\bscrew(?:ed|s)? up\b|\bmess(?:ed|es)? up\b|\bcrash(?:es|ing|ed)?\b|\bkeeps? (?:breaking|failing|crashing)\b|\b(?:is|are) (?:furious|frustrated|fed up|burn(?:ed|t) out|burning out|drowning|exhausted|complaining|angry|unhappy)\b|\bburn(?:ed|t)?[- ]?out\b|\bthreaten(?:ing|ed)? to quit\b|\bturnover\b|\b(?:a|the|our|big|biggest|real) gaps?\b|\bguessing game\b|\bno (?:idea|clue|way to|visibility|insight|record|audit trail|single source|system|process|tracking|control)\b|\bnobody (?:has|knows|owns|tested|checks|tracks)\b|\bcan't (?:tell|see|find|trust)\b|\bunder (?:real |a lot of |huge |serious )?pressure to\b|\bstill (?:rely|relies|relying|uses?|using|runs?|running|on|comes? in|done|do|does|handled|manual|paper|by)\b|\bfalling through the cracks\b|\bthrow(?:ing)? (?:out|away) too much\b|\btoo much (?:waste|time|paper|manual|admin|overtime|spoilage)\b|\bspend(?:ing|s)? (?:about |around |roughly |over |up to )?(?:\d+|an?|two|three|four|five|several|many) (?:hours?|days?|weeks?) (?:a|per|every|each|on)\b|\bhours (?:a|per|every) (?:day|night|week)\b|\bfrom (?:like )?(?:19|20)\d\d\b|\bancient\b|\bnear[- ]miss\w*|\bincidents?\b|\bbreach\w*|\bransomware\b|\bfines\b|\bfined\b|\b(?:a|the|regulatory|hefty|big|heavy) fine\b|\bpenalt\w+|\bcomplaints?\b|\bshort[- ]staffed\b|\bwe do need\b|\bneed (?:better|more|a better|a proper|a real|some) \w+/,
  /\bkeeps?\s+(?:on\s+)?(?:\w+ing)\b|\bkept\s+\w+ing\b/,
  // Chat complaints about the tool they have: "we hate our current crm", "sick of zendesk", 现在的系统老卡.
  /\b(?:hate|can't stand|sick of|fed up with|tired of|done with) (?:our|the|using|this|that|how|it|\w+ (?:for|to))\b|(?:系统|软件|工具)(?:老|总|太|很)(?:卡|慢|崩|出错)|太累了|累死/,
  /\b(?:can't|cannot|can not|couldn't|unable to|struggl\w*|hard to|difficult to|impossible to|failing to|no way to|tough to|trouble)\s+(?:\w+\s+){0,3}?(?:keep up|keep track|hire|find|track|scale|manage|handle|see|close|staff|cope|meet|fill|process|reconcile|schedule|book|match|recruit|retain|train|onboard|collect|chase|reach|get (?:people|staff|enough|visibility|through)|enforce|monitor|report|audit|stay)/,
  /\b(?:mess|messy|chaos|chaotic|painful|pain point|pain|nightmare|headache|bottleneck\w*|backlog|manual(?:ly)?|by hand|spreadsheets?|excel|paper-?based|paper forms|on paper|error-prone|errors|mistakes|too slow|delays?|delayed|slipping|overtime|wasting|wasted|costly|tedious|frustrat\w+|broken|outdated|legacy|doesn't scale|not scaling|falling behind|behind schedule|double-?book\w*|re-?key\w*|keyed in|chasing|no visibility|lack of visibility|blind spots?|compliance (?:risk|gap|issue)s?|audit (?:finding|issue|risk)s?|understaffed|short-?staffed|shortage|overwhelmed|drowning|piling up|forever|walking in on|too much time|inefficien\w+|clunky|cumbersome|unreliable|outgrown|outgrowing|stuck|no-?shows?|bounce around|scattered|fragmented|siloed|lose track|lost track|fall through the cracks|dropped balls?)\b/,
  /\btakes?\s+(?:us\s+|them\s+|our (?:\w+ ){0,2}?(?:team|staff|accountants?|people|managers?|reps?|nurses?|techs?|engineers?)\s+)?(?:about\s+|around\s+|roughly\s+|up to\s+|over\s+|nearly\s+|almost\s+|close to\s+|more than\s+)?(?:\d+|a|an|two|three|four|five|several|many|multiple|hours|days|weeks)\s*(?:full\s+)?(?:hours?|days?|weeks?|minutes?)\b/,
  /(?:一|就)(?:离职|走)就|人一走|就丢了|太老了|老旧|经常(?:卡|崩|死机|宕机|出错|出问题)|卡死|崩溃|带走|丢了?(?:客户|订单|数据|单)|流失|投诉|被(?:客户|平台|领导|监管)?(?:投诉|警告|罚|处罚|通报|点名)|超卖|漏检|漏单|错发|发错|退货|事故|停产|攻击|勒索|泄露|罚款|缺口|短板|乱套|全乱|一直没有|一直没|看不到|不清楚|说不清|没有数据|没法统计|统计不了|复购率(?:太)?低|转化率(?:太)?低|太低了|太高了|占到|成本高|费时|费力|耗时|花(?:掉|了)?(?:大量|很多|一整天|好几天|半天)|光.{1,6}就要|还在用|还是用|靠(?:人工|手工|excel|表格|纸质|微信|电话)|用excel|excel(?:表)?(?:对|管|记)|必须(?:把|要|在)|肯定要(?:加强|上|做)|要(?:加强|提升|改善)|通过.{0,6}(?:测评|审核|认证|检查)|整改|合规要求|麻烦|很乱|太乱|混乱|一团糟|乱七八糟|太慢|很慢|效率(?:太|很|比较)?低|低效|人工|手工|手动|全靠|纸质|加班|不够用|人手(?:严重)?不足|(?:严重)?不足|跟不上|招不到|容易出错|经常出错|出错|错漏|头疼|头痛|很难|难以|困难|浪费|耽误|来回|重复(?:劳动|录入)|对不上|丢失|管理不过来|顶不住|吃不消|忙不过来|繁琐|痛点|问题(?:很|比较|太)?(?:多|严重|突出)|效率|卡脖子|瓶颈|排课很乱|催|拖/,
  // Time sunk, numbers that do not agree, audit findings, work that comes back wrong, metrics going the wrong way.
  /\bspend(?:s|ing)? (?:half|most|all|much|a (?:lot|third|quarter|good chunk|good part)) (?:of )?(?:the |their |our |my |his |her |every |each )?(?:day|morning|afternoon|week|time|month|shift)\b|\b(?:never|don't|doesn't|do not|does not|rarely) (?:match|matches|line up|lines up|reconcile|add up|tally|agree)\b|\b(?:flagged|cited|raised|called out|written up) (?:\w+ ){0,3}(?:as )?(?:a )?(?:finding|issue|risk|gap|deficiency|non-?conformance)|\b(?:audit(?:ors?)?|inspectors?|regulators?) (?:flagged|found|cited|raised|wrote us up)\b|\bhalf (?:of )?(?:them|the \w+|our \w+|those) (?:are|is|were|go out|get|come back|arrive) (?:wrong|late|lost|missed|incorrect|out of date|duplicated)\b|\bwastes? (?:hours|days|time|half|a lot|so much)\b|\b(?:churn|attrition|turnover|no-?show rate|error rate|returns|costs?|overtime|spend|shrinkage|downtime) (?:is|are|keeps?|has been|have been) (?:creeping|going|shooting|climbing|rising|growing|ballooning|too high|through the roof|up)\b|\b(?:cannot|can not) (?:tell|see|find|trust|keep track)\b/,
  /每(?:个)?(?:月|周|天|次|季度)[^。，,]{0,12}(?:要|得|需要|都要)(?:花|对|做|弄|忙|折腾)?(?:上)?(?:好几|几|一整|整整|大半|一两|两三)(?:天|周|个小时|小时|个晚上)|对不(?:上|齐)|(?:审计|检查|巡查|监管)(?:发现|指出|提出)(?:了)?(?:问题|不符合|整改)/,
  /\bnobody (?:can|is able to|has time to|knows how to|answers?|picks up)\b|\b(?:is|it's|its|are|they're) killing (?:us|me|our)\b|\bno (?:signal|coverage|connectivity|reception|internet)\b|\blos(?:e|es|ing|t) (?:an hour|a day|half|a week|a lot|so much|too much)\b|\b(?:biggest|main|real|major) (?:leak|problem|issue|pain|headache|bottleneck|challenge|blocker)\b|\bdrop[- ]?offs?\b|\b(?:don't|do not|doesn't) know (?:which|where|who|what|when|how many)\b/,
  /(?:汇总|统计|处理|核对|盯|看|管|跟|顾|算)不过来|(?:全|都)(?:在|靠|用)纸|纸上(?:签|填|记)|(?:太|很|非常|特别|比较)严重|记在本子上|(?:一张|一个|每张|每个)[\u4e00-\u9fff]{1,6}要跑/,
];

const GOAL: readonly RegExp[] = [
  /\b(?:we|i|our team|the team|our company|our org(?:anization)?)\s+(?:really\s+|urgently\s+|badly\s+|definitely\s+|still\s+|also\s+|now\s+|currently\s+|just\s+|do\s+)?(?:need|needs|require|must|have to|want to|would like to|'d like to|are looking (?:for|to|at)|'re looking (?:for|to|at)|are trying to|'re trying to|plan to|are planning to|'re planning to|are aiming to|'re aiming to|aim to|hope to|are hoping to|are evaluating|'re evaluating|are replacing|'re replacing|are adding|'re adding|are scaling|'re scaling|are growing|'re growing|are opening|'re opening|are moving|'re moving|are rolling out|'re rolling out|are migrating|'re migrating|are consolidating|'re consolidating|are expanding|'re expanding|are hiring|'re hiring|are in the market|'re in the market|are shopping|'re shopping|are searching|'re searching|are exploring|'re exploring)\b(?!\s+(?:to\s+)?(?:talk|chat|meet|know|check|think|discuss|see (?:a|the|your|how|if|whether|what|it|them|some)|review|understand|confirm|run it|ask|loop|decide|get approval|consult|learn more|hear|set up a call|schedule|book|remove|unsubscribe|stop|be removed|pass|wait|hold|revisit|circle|reconnect|touch base|clarify|make sure|be clear|be honest|let you know|reply|respond|sign off|get back|your|the (?:soc|report|pricing|price|quote|info|details|documentation|docs|contract|proposal|paperwork)|a (?:quote|proposal|call|demo|meeting|copy)|more (?:info|information|details)|pricing|some (?:info|time)|time|approval|sign-?off|to check|to talk|to think))/,
  /\b(?:our|the)\s+(?:goal|objective|aim|target|priority|plan|idea|mandate)\s+(?:is|for this year is|this year is)\s+(?:to|getting|having|a|an)\b|\bso (?:that )?(?:we|our team|staff|people) (?:can|could|stop|don't|no longer)\b|\bwe(?:'re| are) (?:adding|opening|launching|building|moving|expanding|hiring|growing|scaling|consolidating|replacing|migrating|switching)\b/,
  /\bfor (?:our|~|about|around|roughly|all|the)?\s*~?\d[\d,]*\s*\+?\s*(?:staff|employees|people|users|reps|nurses|drivers|rooms|locations|sites|stores|clinics|warehouses|agents|technicians|engineers|students|learners|contractors|field staff|employees)\b/,
  /\b(?:and|but|so|still|also|really|urgently|badly|definitely|will)\s+need\s+(?!to\s+(?:talk|chat|meet|know|check|think|discuss|review|ask|confirm|run|get approval|consult|loop))(?:\w+\s+){0,3}?(?:live|in place|running|up and running|by|before|for|to)\b|\bwith\s+~?\d[\d,]*\s+(?:rooms|locations|sites|stores|clinics|warehouses|staff|employees|users|reps|drivers|nurses)\b|\bin the market for\b|^(?:we |i )?(?:really |urgently |still |also |just )?need (?:to|a|an|better|something|it|one)\b(?!\s+(?:to\s+)?(?:talk|chat|meet|know|check|think|discuss|review|ask|confirm|run|consult|loop|hear|see))|\bwant (?:one|a single|a central|one central) (?:place|system|view|dashboard|tool|platform)\b|\bwant (?:to )?(?:get off|switch|replace|move off|move away|automate|stop|fix|reduce|cut|improve|get rid|consolidate|moderni[sz]e|digiti[sz]e|track|be switched|migrate|upgrade|centrali[sz]e|streamline|standardi[sz]e)\b|\b(?:evaluating|looking at|comparing|shortlisting|reviewing) (?:a few |some |several |a couple of |two |three )?(?:tools|vendors|options|solutions|platforms|providers|systems)\b|\binterested in [\w -]{1,40} for (?:our|the)\b|\blooking for (?:a|an|something|software|a tool|a platform|a solution|a way)\b|\bwe need (?:a|an|something|better|more|to)\b/,
  /(?:我们|公司|我司|这边|目前|现在)?(?:很|确实|急|迫切)?(?<!提)(?:需要|需求|想要|想找|在找|在选|打算上|计划上|准备上|要上|想上|想做|要做)(?!找|跟|和|向|请示|汇报|确认|考虑|时间|研究|商量|讨论|了解|问|看看|评估|你们|您|贵司|发|联系|一下|再|的话|时)/,
  /希望(?:能|可以|尽快|把|实现|做到|解决|提高|提升|降低|减少|统一|打通)|想(?:把|实现|解决|提高|提升|降低|减少|统一|打通)|解决|提升|提高|降低|减少|自动化|线上化|打通|统一管理|替换掉|换掉|必须跟着|就要投产|要投产/,
  // Outcomes wanted in other words: "we want every clinic on one calendar", "it would help us track equipment", 老板想看到实时成本.
  /\bwant (?:every|all|each|our|the|all of our) [\w -]{1,40} (?:on|in|into|onto|under|through|using) (?:one|a single|the same|a shared|a central|one central)\b|\b(?:it|this|that) would (?:really |definitely |massively )?help (?:us )?(?:to )?(?:track|manage|cut|reduce|see|get|keep|automate|plan|schedule|stop|fix|speed|handle|control|monitor|consolidate)\b|(?:想|希望|要|需要)(?:能)?(?:实时)?(?:看到|掌握|知道|了解到|追踪|跟踪)(?:每|各|所有|全部|实时)/,
];

// Sentence forms that mention "need" but ask for information, not state a pain.
const INFO_ONLY = /^(?:i|we) (?:just )?need (?:your|the|a copy|more|some|to know|to see|to check|to confirm|to understand|to talk)/;

// Chat spelling drops apostrophes ("cant keep up", "its killing us"); matching restores them.
const BARE_CONTRACTION = /\b(can|don|doesn|won|isn|aren|didn|wasn|couldn|haven)t\b/g;

function hit(patterns: readonly RegExp[], s: Sentence): boolean {
  const text = s.norm.replace(BARE_CONTRACTION, "$1't");
  return patterns.some((p) => p.test(text));
}

// A complaint about our price is pushback, not a pain the offer addresses ("价格还是太高了").
const PRICE_TALK = /价格|报价|年费|月费|费用|收费|太贵|\bprices?\b|\bpricing\b|\bquoted?\b|\bper (?:seat|user|month)\b|\bfees?\b/;

// A sentence about the lead's own situation: first person, a verb, not logistics or pleasantries.
const OWN_SITUATION = /\b(?:we|our|we're|we've|we'd|us)\b|我们|我司|公司|我院|我厂|门店|团队/;
const LOGISTICS =
  /\b(?:call|meeting|demo|calendar|invite|slot|time|times|thursday|friday|monday|tuesday|wednesday|next week|this week|send|share|forward|contract|proposal|quote|pricing|price|budget|approved|sign|thanks|thank|hi|hello|dear|regards|cheers|available|free|trial|pilot|team member|colleague|loop)\b|演示|会议|时间|报价|合同|预算|方案|谢谢|您好|你好|试用|安排|方便|联系/;

/**
 * A lead who wants to go on and describes their own situation is describing the need, even in words
 * no family above knows. Used only for interested replies, as a last resort.
 */
export function situationAsNeed(sentences: readonly Sentence[]): NeedCriterion | null {
  const s = sentences.find((x) => x.source !== 'signature' && !x.isQuestion && x.text.length >= 20 && OWN_SITUATION.test(x.norm) && !LOGISTICS.test(x.norm));
  return s ? { evidence: s.text, status: 'met' } : null;
}

// Answers to "What brings you here today?" that are not a situation: browsing, an accident, a forwarded ad, a past call.
const NO_SITUATION =
  /\bjust (?:looking|browsing|curious|checking|clicked|poking)\b|\bby accident\b|\bforwarded\b|\bnot sure\b|\bno idea\b|\bfor (?:a|my) (?:friend|class|thesis|project at school)\b|随便看看|随便问问|看看而已|了解一下而已|帮(?:老板|领导|同事|朋友)|(?:你们|贵司)(?:的)?(?:销售|客服|同事)|打过电话|联系过我/;
// A pain or a want in the visitor's words; a bare description of who they are ("we're a charity") is not a need.
const PAIN_WORDS =
  /\b(?:manual(?:ly)?|by hand|mess|messy|chaos|lost|slow|too pricey|broken|breaks|killing|drowning|piling|nightmare|spreadsheets?|sheets|paper|double[- ]?book\w*|all over the place|los(?:e|es|ing|t) track|fall(?:s|ing)? through|slip(?:s|ping)? through|get(?:s|ting)? missed|no-?shows?|forever|takes? (?:\w+ ){0,3}(?:\d+|a few|several|like \d+) (?:days|hours|weeks))\b|一团乱|太乱|很乱|对不上|老是漏|经常漏|遗漏|丢单|跟丢|压力太?大|太麻烦|很麻烦|手工|全靠|没法|搞不定|跟不上|来不及/;
const WANT_WORDS = /\b(?:want|wanna|looking at|looking for|replace)\b|(?<!\bwho'?d |\bwho would |\bwho )\bneeds?\b|想要|需要|想上|想做|想统一|想把|想找/;

/**
 * A statement under our opening or need question ("What brings you here today?") describes why the visitor
 * came: "3 cafes, rotas are chaos", 大促客服压力太大了. Questions, browsing and greetings are not a need.
 */
function answeredNeed(sentences: readonly Sentence[]): Sentence | undefined {
  return sentences.find((s) => {
    if (s.answers !== 'need' || s.isQuestion || NO_SITUATION.test(s.norm)) return false;
    const cjk = s.text.match(/[\u4e00-\u9fff]/g)?.length ?? 0;
    const words = s.norm.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
    return (cjk >= 5 || words >= 4) && (PAIN_WORDS.test(s.norm) || (WANT_WORDS.test(s.norm) && !PRICE_TALK.test(s.norm)));
  });
}

/** Need from the lead's words: a concrete pain, goal or use case, or a statement that there is none. */
export function extractNeed(sentences: readonly Sentence[]): NeedCriterion {
  const spoken = sentences.filter((s) => s.source !== 'signature');
  const noNeed = spoken.find((s) => hit(NO_NEED_STRONG, s));
  const pain = spoken.find((s) => hit(PAIN, s) && !PRICE_TALK.test(s.norm));
  const goal = spoken.find((s) => !s.isQuestion && !INFO_ONLY.test(s.norm) && hit(GOAL, s));
  const met = pain ?? goal ?? answeredNeed(spoken);
  // A stated pain outweighs "we already have X" only when it comes after it (the tool is the pain).
  if (noNeed && (!met || noNeed.order <= met.order || (pain === undefined && goal !== undefined))) {
    return { evidence: noNeed.text, status: 'not_met' };
  }
  if (met) return { evidence: met.text, status: 'met' };
  return { status: 'unknown' };
}
