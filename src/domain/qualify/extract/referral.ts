import type { LeadRecord, Referral } from '../types.ts';
import type { Sentence } from '../text.ts';
import { startsWithSurname } from '../zh-names.ts';

export interface ReferralFinding {
  readonly sentence: Sentence;
  readonly referral: Referral;
  /** The writer steps aside ("not the right person", "talk to Raj"); weak: only copies someone in. */
  readonly strong: boolean;
  /** The writer says or implies someone else decides; false when they only forwarded the message on. */
  readonly deniesAuthority: boolean;
}

const DEFLECT: readonly RegExp[] = [
  /\b(?:i'm|i am|i'm really|i am really)\s+not\s+(?:the\s+|really\s+the\s+)?(?:right|best|correct|appropriate|relevant)\s+(?:person|contact|one|point of contact|guy|team)\b/,
  /\bwrong (?:person|contact|guy|department|team)\b|\b(?:not|isn't|aren't|is not|are not) (?:really )?(?:my|our) (?:area|department|team|remit|wheelhouse|responsibility|call|thing|job)\b/,
  /\bthe (?:right |best |main )?(?:contact|person|point of contact|decision[- ]maker) (?:is|would be|there is)\b|\b(?:is|are) handled (?:\w+ )?by (?:our|the|my)\b|\b(?:you|u)(?:'ll|'d| will| would) (?:want|need)\s+(?:to (?:talk|speak) (?:to|with)\s+)?(?:dr\.?|mr\.?|ms\.?|mrs\.?|our|my|the)\b|\b(?:you|u)(?:'re| are)? (?:want|looking for|after)\s+(?:to talk to\s+|to speak (?:to|with)\s+)?(?:our|my|the)\s+[\w -]{0,30}\b(?:guy|gal|person|team|lead|head|manager|director|ceo|cfo|coo|cto|cio|founder|owner|boss|department|dept|colleague|[A-Z]\w+)/,
  /^\s*(?:please\s+|pls\s+|plz\s+)?(?:talk to|speak to|speak with|reach out to|write to|email|e-mail|contact|ask|go through)\s+(?:my|our|[\w.+-]+@)/,
  /\b(?:please\s+|pls\s+)?send (?:the |your |any )?(?:details|info\w*|proposal|materials|it|this|that|them)\s+(?:directly\s+|straight\s+)?to\s+(?:his|her|their|our|my|[\w.+-]+@)/,
  /\b(?:looping|looped|loop|cc'?ing|cc'?ed|copying|adding|added)\s+(?:in\s+)?[^.]{0,80}\bwho\s+(?:owns|handles|runs|manages|makes|signs|approves|decides|is responsible|leads|heads|would sign|will sign|has the budget)/,
  /\byou(?:'ll| will|'d| would)?\s+(?:want|need|be better off|do better|have (?:more|better) luck)\s+(?:to\s+)?(?:talk(?:ing)?|speak(?:ing)?|reach(?:ing)? out|contact(?:ing)?|get(?:ting)? in touch|connect(?:ing)?|chat(?:ting)?|e-?mail(?:ing)?|writ(?:e|ing)|go(?:ing)? through)\b/,
  /\b(?:you should|you could|you can|you may want to|you might want to|better to|best to|it'd be best to|try)\s+(?:talk(?:ing)?|speak(?:ing)?|reach(?:ing)? out|contact(?:ing)?|get(?:ting)? in touch|connect(?:ing)?|e-?mail(?:ing)?|writ(?:e|ing)|ask(?:ing)?)\b/,
  /\b(?:point|direct|refer|send|route)\s+you\s+(?:to|towards)\b|\b(?:direct|send|route|address|forward)\s+(?:any |all |your )?(?:proposals?|enquiries|inquiries|quotes?|requests?|materials|information|info|details)\s+to\b|\b(?:this one |this )?is (?:really |actually )?(?:for|one for) (?:our|my|the) \w+\b|\b(?:goes|go|is routed|gets routed|are routed|is handled|are handled) (?:to|through|by) (?:our|my|the) (?:[\w-]+ ){0,2}?(?:director|manager|head|team|department|dept|procurement|purchasing|it|finance|office|desk|lead|officer|cfo|ceo|coo|cto|cio|vp|buyer|committee)\b|\b(?:sits?|rests?|lies?|lie)\s+with\s+(?!me\b|us\b)\w+|\broute\s+(?:vendor\s+|all\s+|this\s+|your\s+)?\w*\s*(?:through|via|to)\b|\bgo(?:es)? through (?:our|the) (?:procurement|purchasing|it|finance|legal|hr)\b|\bi(?:'ll| will) let (?:him|her|them) know\b|\b(?:he|she|they)(?:'ll| will) (?:reach out|be in touch|get back to you|contact you)\b|\b(?:should|need to|want to|would|'d|will|'ll)\s+(?:really\s+|probably\s+|actually\s+)?(?:be\s+)?(?:talking|speaking|talk|speak|chatting|chat)\s+(?:to|with)\b|\b(?:put|get) you in touch with\b|\b(?:connect|introduce) you (?:to|with)\b|\bmy (?:replacement|successor)\b|\b(?:took|has taken|taken) over (?:from me|my role|this|vendor|purchasing)\b|\bnow (?:handles|owns|manages|runs|looks after)\b|\b(?:he|she|they)(?:'d| would| will|'ll)? be the (?:one|person|people) (?:to|who)\b|\bnot me,? but\b|\byour best bet\b|\bi (?:no longer|don't) (?:handle|manage|look after|own|run|work on|oversee|deal with)\b|\bi(?:'ve| have) (?:moved|changed) (?:to a different|roles|teams|departments|jobs)\b|\bthe (?:right|best|correct) (?:person|contact|one|people)\b|\b(?:is|would be) (?:the|a) (?:right|better|best) (?:person|contact|fit to talk)\b|\bbetter (?:person|contact)\b/,
  /\b(?:please\s+)?(?:reach out to|get in touch with|talk to|speak (?:to|with)|connect with|direct (?:this|your (?:e-?mail|note|inquiry|question)s?) to|contact)\s+(?:my colleague|our|him|her|them|[a-z]+\s+[a-z]+\s+(?:at|on|\(|,)|[\w.+-]+@)/,
  /\b(?:he|she|they|who)\s+(?:handles|owns|runs|manages|is responsible for|is in charge of|looks after|oversees|heads|covers|makes|takes care of|leads)\b[^.]{0,60}\bnot me\b/,
  /\bi(?:'m| am)\s+(?:forwarding|passing|handing)\s+(?:this|your)\b|\bi(?:'ll| will)\s+(?:forward|pass|hand)\s+(?:this|your (?:e-?mail|note|message))\s+(?:on\s+|along\s+|over\s+)?to\b|\bi(?:'ve| have)\s+(?:forwarded|passed)\s+(?:this|your (?:e-?mail|note|message))\s+(?:on\s+|along\s+)?to\b/,
  /不归我(?:们)?[a-z0-9\u4e00-\u9fff]{0,6}(?:管|负责)|不是我(?:们)?(?:部门|这边)?(?:负责|管)|我(?:已经)?不负责|(?:你|您)(?:可以|直接|最好|得|要)?(?:去)?(?:联系|找|对接|问问?|加)(?!我(?!们)|个|时间|机会|一下我(?!们))|请(?:直接)?(?:联系|找|对接|和(?:他|她)对接|跟(?:他|她)对接)(?!我(?!们))|(?:和|跟|与)(?:他|她)(?:直接)?对接|负责人是|对接人是|联系人是|拍板的是|决定的是|说了算的是|管这(?:块|个|事)的是|(?:这事|这块|这个事情?)(?:得|要|应该|需要)?(?:找|问)|(?:得|要|需要)问(?:我们|一下)?(?:的)?(?:老板|领导|上级|老总|[\u4e00-\u9fff]{1,3}总)|我帮(?:你|您)(?:转|问)|把(?:你|您)?(?:的)?(?:邮件|信息|需求|资料)?(?:已经)?转(?:给|发|交)|已(?:经)?转(?:给|发|交)|把(?:你|您)推给|把(?:他|她)的?(?:微信|电话|联系方式|名片)推给|(?:加|找)(?:一下)?(?:他|她)(?:的)?微信|(?:他|她)(?:管|负责)(?:这块|这个|这事|采购|这方面)|(?:得|要|需要|应该)找|推荐给|介绍给|引荐|(?:他|她)会(?:联系|找)(?:你|您)|(?:让|叫)(?:他|她)(?:联系|找)(?:你|您)|接替|接手|调岗|(?:得|要|需要|应该)(?:跟|和|找)(?:我们)?(?:的)?(?:老板|领导|老总|[\u4e00-\u9fff]{1,3}总)(?:谈|聊|说|沟通)|在牵头|牵头的是|转(?:给)?(?:他|她)了|(?:都|统一)走(?:集团|总部|采购|信息部)|发到(?!我)[\u4e00-\u9fffa-z]{0,10}邮箱|对接人是|帮你问了|你(?:直接)?联系我们|你得找|你要找|换部门|转岗|现在(?:是|由)[\u4e00-\u9fff]{1,6}负责|由(?!我)[\u4e00-\u9fffa-z]{1,10}(?:负责|在管|管理|来管)|是(?!我)[\u4e00-\u9fffa-z]{1,10}(?:在|来)?负责|归[\u4e00-\u9fffa-z]{1,10}管/,
  // Another person named as the one to talk to, in words the families above miss.
  /\b(?:is|would be|will be|'d be|'s|be) the (?:one|person|people|guy|contact|one you want) (?:to (?:talk|speak|evaluate|look|ask|contact|handle|review)|who (?:handles|owns|evaluates|buys|can help))\b|^\s*(?:the )?(?:best|right|correct|better|main) (?:person|contact|people|point of contact) (?:for (?:this|that|it)|to (?:talk|speak) to|here|on (?:this|our side))\b|\bthe (?:person|people|one|team) you (?:want|need|should (?:talk|speak) to)\b|\b(?:took|has taken|have taken|is taking|taking) over (?:the|my|our|from me|this|that)\b|\b(?:i'd|i would|i|we'd|we would|would) (?:suggest|recommend|advise) (?:reaching out|talking|speaking|contacting|getting in touch|emailing|writing|asking|going)\b|\b(?:decision|call|budget|purchase|sign-?off|approval)s? (?:belongs?|is up|falls?|rests?|lies?|sits?) (?:to|with) (?!me\b|us\b|myself\b)\w+|\bnot (?:my|me) (?:decision|call)\b/,
  /(?:得|要|需要|应该)问(?:一下|问)?(?:我们)?(?:的)?(?:老板|领导|上级|老总|[\u4e00-\u9fff]{1,3}总|厂长|主任|经理|总监|校长|院长|部长|局长|董事长|负责人)|把(?:你|您)(?:的)?(?:联系方式|电话|微信|名片|邮箱|资料|邮件|信息)(?:已经)?(?:给|转给|发给|推给|交给)(?:了)?(?:他|她|我们|老板|领导)|我帮(?:你|您)把(?:邮件|资料|信息|需求|方案)?(?:转|发|交)/,
  /\bi(?:'m| am) not the one (?:who|to|that)\b|\bi(?:'m| am) not (?:responsible|in charge) (?:for|of)\b|\b[a-z]+ (?:in|from|on) (?:finance|it|ops|hr|procurement|purchasing|legal|security|operations|facilities)\b[^.]{0,20}\b(?:handles|owns|runs|manages|looks after|does|buys)\b|\b(?:handles|owns|runs|looks after|manages|buys) all (?:of )?(?:our|the) (?:tooling|software|purchasing|procurement|vendors?|it|buying|tools)\b|\b(?:direct|send|route|address|forward)\s+(?:all |any )?(?:vendor |supplier |sales )?(?:correspondence|communications?|e-?mails|outreach|pitches)\s+to\b|\b(?:he|she|they)(?:'ll| will) take (?:it|this|over) from here\b|\byou(?:'ll| will|'d| would) (?:want|need) to (?:call|ring|email|e-mail|contact|write to|reach out to|get in touch with)\b/,
  /(?:发送|发)(?:到|至)\s*[\w.+-]+@|(?:发|发送)(?![\u4e00-\u9fff]{0,3}我(?!们))(?:到|至)?(?:我们)?[\u4e00-\u9fff]{0,6}邮箱|会有(?:同事|专人|人)(?:对接|联系|跟进)|由(?!我)(?:我司|公司|集团)?[\u4e00-\u9fff]{1,8}统一(?:负责|处理|采购|对接)/,
];
// Someone else named as owner: "Carla Mendes runs our T&E program", "our CFO owns the budget". Case matters.
const OWNER_IS_OTHER =
  /\b(?!(?:The|This|That|These|Those|Who|What|Which|It|Our|Your|Their|My|Any|Each|Every|Some|Most|All)\b)(?:[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?,?(?:\s*\([^)]{0,60}\))?|[A-Z]{2,4},?|[Hh]e|[Ss]he|[Tt]hey)\s+(?:evaluates|reviews|approves|signs off on|is looking at|has been looking at|buys|purchases|handles|owns|runs|manages|is responsible for|is in charge of|looks after|oversees|heads up|makes the \w* ?decisions?|makes (?:those|these|all) (?:calls|decisions)|takes care of|makes the calls?|decides|is the (?:right|best) (?:person|contact))\b/;
// A referral by shape: a verb that sends us somewhere, aimed at a person who is not the writer
// ("reach out to our controller", "email jen@acme.com", "你联系一下行政部的王姐").
const SEND_TO =
  /\b(?:contact|reach out to|reach|talk to|speak (?:to|with)|e-?mail|write to|connect with|get in touch with|try|ask|send (?:it|this|that|the \w+|your \w+|them|over) (?:over |directly |straight )?to|forward(?:ed|ing)?(?: (?:it|this|your \w+))? to|pass(?:ed|ing)? (?:it|this|you|your \w+) (?:on |along )?to|introduce you to|cc(?:'d|ed)?|copying|copied|looping in|looped in|adding|added)\s+(?:in\s+)?/g;
const PERSON_AFTER =
  /^(?:[\w.+-]+@[\w-]+\.[\w.]+|(?:our|my|the|their|his|her)\s+(?:[\w&/-]+\s+){0,3}?(?:guy|gal|person|people|lead|head|manager|director|officer|vp|ceo|cfo|coo|cto|cio|cmo|cro|chro|founder|owner|boss|team|department|dept|colleague|coworker|partner|admin|administrator|coordinator|specialist|buyer|controller|counsel|president|principal|supervisor|office|desk)\b)/;
const MEETING_LOOP_IN = /\b(?:loop|bring|include|invite|add|looping|bringing|including|inviting|adding)\b[^.]{0,50}\b(?:to|in|on|into|for)\s+(?:the|our|a|this)\s+(?:call|demo|meeting|session|conversation|walkthrough|visit)\b/;
const SEND_TO_ZH =
  /(?:联系|找|对接|问问?|加|转给|推给|转交|抄送给?|交给)(?:一下)?(?:我们|我司|公司)?(?:的)?[\u4e00-\u9fffa-z]{0,10}(?:经理|总监|主管|主任|负责人|老板|领导|同事|专员|部|部门|中心|团队|姐|哥|工|老师|总|组长)/;

function sendsElsewhere(s: Sentence): boolean {
  if (MEETING_LOOP_IN.test(s.norm)) return false;
  for (const m of s.norm.matchAll(SEND_TO)) {
    const after = s.norm.slice((m.index ?? 0) + m[0].length);
    if (PERSON_AFTER.test(after)) return true;
    // A capitalised full name right after the verb: "email Jen Alvarez", "talk to Raj Patel".
    const orig = s.text.slice((m.index ?? 0) + m[0].length);
    // A capitalised name, accented letters and "Mr./Dr." included; a name alone may end the sentence ("Talk to Mike.").
    if (/^(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?\p{Lu}[\p{Ll}'’-]+(?:\s+\p{Lu}[\p{Ll}'’-]+|\s+(?:in|at|from|on)\s|\s*[,(]|\s*[.!]?\s*$)/u.test(orig)) return true;
  }
  return SEND_TO_ZH.test(s.norm) && !/(?:联系|找|对接|问|加)(?:一下)?我(?!们)/.test(s.norm);
}

// Forwarding is something the writer did; it says nothing about who decides.
const FORWARD_ONLY = /\b(?:forwarded|forwarding|passed (?:it|this|your \w+) (?:on|along)|i'll forward|i will forward)\b|转给|转发给|推给|转交/;
const COPY_IN = /\bi(?:'ve| have)\s+(?:cc'?d|cc'?ed|copied|looped in|added|included)\b|\b(?:cc'?d|copied) (?:here|on this|him|her)\b|抄送(?:给)?了?/;

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const EN_NAME = /\b([A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.\s*)?[A-Z][a-z'’-]+){0,2})\b/g;
const NOT_NAME =
  /^(?:I|Hi|Hello|Hey|Dear|Thanks|Thank|Please|Sorry|Our|The|This|That|She|He|They|We|You|Your|It|If|For|And|But|So|Also|Sure|Yes|No|Not|Best|Regards|Cheers|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|Q[1-4]|CEO|CFO|COO|CTO|CIO|VP|Head|Director|Manager|Chief|Vice|President|Founder|Owner|IT|HR|Finance|Procurement|Operations|Legal|Marketing|Sales|Engineering|Facilities|Travel|Expense|Google|Outlook|Slack|Teams|Zoom|Microsoft|Salesforce|Workspace|Office|Team|Reach|Contact|Talk|Speak|Email|Happy|Good|Great|Just|Let|Can|Could|Would|Will|He's|She's|You'll|I'm|I've|I'll|Ask|Try|Get|Go|Loop|Unfortunately|Honestly|Actually|Looping|Adding|Copying|Ccing|Forwarding|Same|Both|Either|Which|What|When|Where|Who|How|Why|All|Many|Kind|Warm|Any|Every|Some|Most|Adding|See|Via|Her|His|Their|Him)$/;

function englishName(text: string, exclude: readonly string[]): string | undefined {
  const called = /\b(?:name's|name is|named|called|ask for)\s+([A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?)/.exec(text);
  if (called?.[1]) return called[1];
  const found: string[] = [];
  for (const m of text.matchAll(EN_NAME)) {
    const words = (m[1] ?? '').split(/\s+/);
    if (/^(?:hi|hello|hey|dear)$/i.test(words[0] ?? '')) continue;
    while (words.length > 0 && NOT_NAME.test(words[0] ?? '')) words.shift();
    while (words.length > 0 && NOT_NAME.test(words[words.length - 1] ?? '')) words.pop();
    const name = words.join(' ');
    if (name === '' || NOT_NAME.test(name)) continue;
    const before = text.slice(Math.max(0, (m.index ?? 0) - 6), m.index ?? 0);
    if (/\b(?:hi|hello|hey|dear)\s*$/i.test(before)) continue;
    if (exclude.some((x) => x && (x.toLowerCase() === name.toLowerCase() || x.toLowerCase().includes(name.toLowerCase())))) continue;
    found.push(name);
  }
  // A full name beats a lone first name; earlier beats later.
  return found.find((n) => n.includes(' ')) ?? found[0];
}

// Characters that never continue a name (particles, role words), and what may stand right before one.
const ZH_STOP = /[经理总监部门行政负责联系我们你们您同事邮箱电话手机微信这那个位的是在和跟找请问对接他她它吧呢啊了吗哈呀哦嘛主任]/;
const ZH_AFTER = /^(?:[，,。.、；;（(：:\s]|邮箱|电话|手机|微信|的|吧|他|她|负责|来|在|$|总|经理|老师|主管|主任|姐|哥|工)/;
const ZH_BEFORE = /(?:^|[\s，,。.、；;：:（(]|[找联系是叫给问加的部室处科理监总助们员购务长师人你您和跟与请])$/;
const HONORIFIC = /^(?:总|姐|哥|工)/;

function chineseName(text: string, exclude: readonly string[]): string | undefined {
  const called = /(?:叫|名字是|姓名是)([\u4e00-\u9fff]{2,3}?)(?=[，,。.、；;（(\s]|$|的|邮箱|电话|微信|你|吧)/.exec(text);
  if (called?.[1]) return called[1];
  const latin = /(?:[\u4e00-\u9fff])([A-Z][a-z]+(?:\s+[A-Z][a-z]+)+)/.exec(text);
  if (latin?.[1]) return latin[1];
  for (let i = 0; i < text.length; i++) {
    if (!startsWithSurname(text.slice(i)) || !ZH_BEFORE.test(text.slice(0, i))) continue;
    // "王总", "王姐", "李工": surname plus an honorific is how people are named at work.
    if (HONORIFIC.test(text.slice(i + 1)) && !exclude.includes(text.slice(i, i + 2))) return text.slice(i, i + 2);
    for (const len of [3, 2]) {
      const cand = text.slice(i, i + len);
      if (!/^[\u4e00-\u9fff]+$/.test(cand) || cand.length !== len || ZH_STOP.test(cand.slice(1))) continue;
      const after = text.slice(i + len);
      if (!ZH_AFTER.test(after)) continue;
      // "陆勇陆总": a two-character name followed by surname + honorific.
      if (len === 3 && HONORIFIC.test(after) && startsWithSurname(cand.slice(2))) continue;
      if (exclude.includes(cand)) continue;
      return cand;
    }
  }
  return undefined;
}

/** A referral to another person in the reply, with their name and email when given. */
export function findReferral(sentences: readonly Sentence[], lead: LeadRecord | undefined): ReferralFinding | null {
  const reply = sentences.filter((s) => s.source === 'reply');
  // "Who's the best person to set up a trial with?" asks about us; it does not send us elsewhere.
  const asksAboutUs = (s: Sentence): boolean => s.isQuestion && /^(?:who|whom|which)\b|who(?:'s| is) the/.test(s.norm);
  const strongAt = reply.findIndex((s) => !asksAboutUs(s) && DEFLECT.some((p) => p.test(s.norm)) || (OWNER_IS_OTHER.test(s.text) && !/^\s*(?:I|We)\b/.test(s.text)) || sendsElsewhere(s));
  const copyAt = reply.findIndex((s) => COPY_IN.test(s.norm));
  const at = strongAt >= 0 ? strongAt : copyAt;
  const sentence = reply[at];
  if (!sentence) return null;
  const exclude = [lead?.name ?? '', lead?.company ?? '', ...(lead?.name ? lead.name.split(/\s+/) : [])];
  // The name usually follows the deflection ("not the right person. Carla runs..."), rarely precedes it.
  const near = [...reply.slice(at + 1, at + 3), ...reply.slice(Math.max(0, at - 1), at)];
  const ownEmail = lead?.email?.toLowerCase();
  let email: string | undefined;
  const names: string[] = [];
  for (const s of [sentence, ...near]) {
    email ??= [...s.text.matchAll(EMAIL)].map((m) => m[0].replace(/[.,;]+$/, '')).find((e) => e.toLowerCase() !== ownEmail);
    const n = /[\u4e00-\u9fff]/.test(s.text) ? chineseName(s.text, exclude) : englishName(s.text, exclude);
    if (n) names.push(n);
  }
  // A full name anywhere beats a first name used later ("Adding Kate Moreno ... Kate, see below").
  const name = names.find((n) => n.includes(' ') && names.some((m) => m !== n && n.startsWith(m))) ?? names[0];
  const referral: Referral = {};
  if (name) referral.name = name;
  if (email) referral.email = email;
  const forwardOnly = FORWARD_ONLY.test(sentence.norm) && !reply.some((s) => /\bdecides?\b|\bmakes the (?:calls?|decisions?)\b|\bowns the (?:decision|budget)\b|\bsigns?\b|拍板|说了算|决定|审批/.test(s.norm));
  return { sentence, referral, strong: strongAt >= 0, deniesAuthority: strongAt >= 0 && !forwardOnly };
}
