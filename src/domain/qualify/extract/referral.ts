import type { LeadRecord, Referral } from '../types.ts';
import type { Sentence } from '../text.ts';
import { startsWithSurname } from '../zh-names.ts';

export interface ReferralFinding {
  readonly sentence: Sentence;
  readonly referral: Referral;
  /** The writer steps aside ("not the right person", "talk to Raj"); weak: only copies someone in. */
  readonly strong: boolean;
}

const DEFLECT: readonly RegExp[] = [
  /\b(?:i'm|i am|i'm really|i am really)\s+not\s+(?:the\s+|really\s+the\s+)?(?:right|best|correct|appropriate|relevant)\s+(?:person|contact|one|point of contact|guy|team)\b/,
  /\bwrong (?:person|contact|guy|department|team)\b|\bnot (?:my|our) (?:area|department|team|remit|wheelhouse|responsibility)\b/,
  /\byou(?:'ll| will|'d| would)?\s+(?:want|need|be better off|do better|have (?:more|better) luck)\s+(?:to\s+)?(?:talk(?:ing)?|speak(?:ing)?|reach(?:ing)? out|contact(?:ing)?|get(?:ting)? in touch|connect(?:ing)?|chat(?:ting)?|e-?mail(?:ing)?|writ(?:e|ing)|go(?:ing)? through)\b/,
  /\b(?:you should|you could|you can|you may want to|you might want to|better to|best to|it'd be best to|try)\s+(?:talk(?:ing)?|speak(?:ing)?|reach(?:ing)? out|contact(?:ing)?|get(?:ting)? in touch|connect(?:ing)?|e-?mail(?:ing)?|writ(?:e|ing)|ask(?:ing)?)\b/,
  /\bthe (?:right|best|correct) (?:person|contact|one|people)\b|\b(?:is|would be) (?:the|a) (?:right|better|best) (?:person|contact|fit to talk)\b|\bbetter (?:person|contact)\b/,
  /\b(?:please\s+)?(?:reach out to|get in touch with|talk to|speak (?:to|with)|connect with|direct (?:this|your (?:e-?mail|note|inquiry|question)s?) to|contact)\s+(?:my colleague|our|him|her|them|[a-z]+\s+[a-z]+\s+(?:at|on|\(|,)|[\w.+-]+@)/,
  /\b(?:he|she|they|who)\s+(?:handles|owns|runs|manages|is responsible for|is in charge of|looks after|oversees|heads|covers|makes|takes care of|leads)\b[^.]{0,60}\bnot me\b/,
  /\bi(?:'m| am)\s+(?:forwarding|passing|handing)\s+(?:this|your)\b|\bi(?:'ll| will)\s+(?:forward|pass|hand)\s+(?:this|your (?:e-?mail|note|message))\s+(?:on\s+|along\s+|over\s+)?to\b|\bi(?:'ve| have)\s+(?:forwarded|passed)\s+(?:this|your (?:e-?mail|note|message))\s+(?:on\s+|along\s+)?to\b/,
  /不归我(?:们)?[a-z0-9\u4e00-\u9fff]{0,6}(?:管|负责)|不是我(?:们)?(?:部门|这边)?(?:负责|管)|我不负责|(?:你|您)(?:可以|直接|最好|得|要)?(?:去)?(?:联系|找|对接|问问?)(?!我|个|时间|机会|一下我)|请(?:直接)?(?:联系|找|对接)(?!我)|负责人是|对接人是|(?:这事|这块|这个事情?)(?:得|要|应该)?找|我帮(?:你|您)(?:转|问)|我把(?:你的|您的)?(?:邮件|信息|需求)?转(?:给|发)|已(?:经)?转(?:给|发)|由(?!我)[\u4e00-\u9fffa-z]{1,10}(?:负责|在管|管理|来管)|是(?!我)[\u4e00-\u9fffa-z]{1,10}(?:在|来)?负责|归[\u4e00-\u9fffa-z]{1,10}管/,
];
// Someone else named as owner: "Carla Mendes runs our T&E program", "our CFO owns the budget". Case matters.
const OWNER_IS_OTHER =
  /\b(?:[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?|[A-Z]{2,4}|[Hh]e|[Ss]he)\s+(?:handles|owns|runs|manages|is responsible for|is in charge of|looks after|oversees|heads up|makes the \w* ?decisions?|makes (?:those|these|all) (?:calls|decisions)|takes care of|is the (?:right|best) (?:person|contact))\b/;
const COPY_IN = /\bi(?:'ve| have)\s+(?:cc'?d|cc'?ed|copied|looped in|added|included)\b|\b(?:cc'?d|copied) (?:here|on this|him|her)\b|抄送(?:给)?了?/;

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const EN_NAME = /\b([A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.\s*)?[A-Z][a-z'’-]+){0,2})\b/g;
const NOT_NAME =
  /^(?:I|Hi|Hello|Hey|Dear|Thanks|Thank|Please|Sorry|Our|The|This|That|She|He|They|We|You|Your|It|If|For|And|But|So|Also|Sure|Yes|No|Not|Best|Regards|Cheers|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|Q[1-4]|CEO|CFO|COO|CTO|CIO|VP|Head|Director|Manager|Chief|Vice|President|Founder|Owner|IT|HR|Finance|Procurement|Operations|Legal|Marketing|Sales|Engineering|Facilities|Travel|Expense|Google|Outlook|Slack|Teams|Zoom|Microsoft|Salesforce|Workspace|Office|Team|Reach|Contact|Talk|Speak|Email|Happy|Good|Great|Just|Let|Can|Could|Would|Will|He's|She's|You'll|I'm|I've|I'll|Ask|Try|Get|Go|Loop|Unfortunately|Honestly|Actually|Looping|Adding|Copying|Ccing|Forwarding|Same|Both|Either|Which|What|When|Where|Who|How|Why)$/;

function englishName(text: string, exclude: readonly string[]): string | undefined {
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

const ZH_STOP = /[经理总监部门行政负责联系我们你们您同事邮箱电话手机微信这那个位的是在和跟找请问对接他她它]/;
const ZH_AFTER = /^(?:[，,。.、；;（(：:\s]|邮箱|电话|手机|微信|的|吧|他|她|负责|来|在|$|总|经理|老师|主管)/;

function chineseName(text: string, exclude: readonly string[]): string | undefined {
  for (let i = 0; i < text.length; i++) {
    if (!startsWithSurname(text.slice(i))) continue;
    for (const len of [3, 2]) {
      const cand = text.slice(i, i + len);
      if (!/^[\u4e00-\u9fff]+$/.test(cand) || ZH_STOP.test(cand.slice(1))) continue;
      if (!ZH_AFTER.test(text.slice(i + len))) continue;
      if (exclude.includes(cand)) continue;
      return cand;
    }
  }
  return undefined;
}

/** A referral to another person in the reply, with their name and email when given. */
export function findReferral(sentences: readonly Sentence[], lead: LeadRecord | undefined): ReferralFinding | null {
  const reply = sentences.filter((s) => s.source === 'reply');
  const strongAt = reply.findIndex((s) => DEFLECT.some((p) => p.test(s.norm)) || (OWNER_IS_OTHER.test(s.text) && !/^\s*(?:I|We)\b/.test(s.text)));
  const copyAt = reply.findIndex((s) => COPY_IN.test(s.norm));
  const at = strongAt >= 0 ? strongAt : copyAt;
  const sentence = reply[at];
  if (!sentence) return null;
  const exclude = [lead?.name ?? '', lead?.company ?? '', ...(lead?.name ? lead.name.split(/\s+/) : [])];
  // The name usually follows the deflection ("not the right person. Carla runs..."), rarely precedes it.
  const near = [...reply.slice(at + 1, at + 3), ...reply.slice(Math.max(0, at - 1), at)];
  const ownEmail = lead?.email?.toLowerCase();
  let email: string | undefined;
  let name: string | undefined;
  for (const s of [sentence, ...near]) {
    email ??= [...s.text.matchAll(EMAIL)].map((m) => m[0].replace(/[.,;]+$/, '')).find((e) => e.toLowerCase() !== ownEmail);
    name ??= /[\u4e00-\u9fff]/.test(s.text) ? chineseName(s.text, exclude) : englishName(s.text, exclude);
  }
  const referral: Referral = {};
  if (name) referral.name = name;
  if (email) referral.email = email;
  return { sentence, referral, strong: strongAt >= 0 };
}
