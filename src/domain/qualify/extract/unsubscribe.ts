import type { Sentence } from '../text.ts';

// Asking to stop all contact, in any wording. "Not interested" alone is a decline, not an opt-out.
const OPT_OUT: readonly RegExp[] = [
  /\bunsubscrib\w*|\bunsub\b|\bopt(?:ing)?[- ]?(?:me\s+)?out\b|\bopted out\b/,
  /\bremov(?:e|ed|ing) (?:me|us|my (?:e-?mail|address|name|details|contact|info\w*|number)|this (?:e-?mail|address)|our (?:e-?mail|address|company|team))\b/,
  /\btake (?:me|us|my (?:e-?mail|address|name)|this (?:e-?mail|address)) off\b|\b(?:off|from) (?:your|the|this|all (?:your|of your)) (?:\w+ )?(?:list|lists|mailing list|email list|distribution|database|cadence|sequence|campaign)s?\b(?!\s+of)/,
  /\bstop (?:all\s+)?(?:e-?mailing|emails?|messaging|messages|contacting|sending|writing|spamming|calling|texting|reaching out|following up|bugging|pinging|hounding|pestering|bothering)\b/,
  /\b(?:don't|do not|never|dont|pls don't|please don't|please do not)\s+(?:ever\s+)?(?:e-?mail|contact|message|reach out to|spam|bother|add)\s+(?:me|us|this address|this e-?mail)\b(?!\s+(?:until|before|till|for now|this|next|in|after|at|on|via|through|directly))/,
  /\b(?:don't|do not|never|dont|please don't|please do not)\s+(?:ever\s+)?(?:e-?mail|contact|message|reach out|write|call|text|ping|follow up|send (?:me|us) (?:anything|more))(?:\s+(?:to|with))?\s*(?:me|us)?\s*(?:again|anymore|any more|ever again|further)\b/,
  /\b(?:please\s+)?(?:don't|do not)\s+follow up\b(?!\s+(?:until|before|till|this|next|in|after))|\bdon't reach out by (?:e-?mail|phone)\b/,
  /\b(?:no|any)\s+(?:more|further)\s+(?:e-?mails?|messages|contact|outreach|follow[- ]?ups?|calls)\b(?!\s+(?:until|before|till|this|next|in|after))/,
  /\bleave (?:me|us) alone\b|\bcease (?:all )?(?:contact|communication|e-?mails?)\b|\bdelete (?:my|our|all my) (?:details|data|e-?mail|information|info|contact|address)\b|\bgdpr\b|\bcan-?spam\b/,
  /\b(?:reporting|report|mark(?:ing|ed)?|flag(?:ging|ged)?) (?:you|this|these|your e-?mails?)\s+(?:as|for) spam\b|\bthis is spam\b|\bstop spamming\b|\bhow did you get (?:my|this) (?:e-?mail|address|number|contact)\b|\blose my (?:e-?mail|number|address)\b|\bdo not contact\b|\bdnc\b/,
  /^\s*(?:stop|unsubscribe|remove|remove me|stop please|please stop)\s*[.!,]*\s*(?:$|this is the \w+ (?:e-?mail|message|time)|i(?:'ve| have) (?:asked|said)|already)/,
  /\bthis is the (?:\w+|\d+(?:st|nd|rd|th)) (?:e-?mail|message|time)\b[^.]{0,30}\b(?:stop|enough|remove)\b|\bi never (?:signed up|subscribed|opted in|asked)\b/,
  /\bno longer wish to receive\b|\bdon't want to (?:receive|get|hear)\b(?!.*\buntil\b)|\bnot (?:wish|want) to (?:receive|be contacted|hear from you)\b/,
  /退订|取消订阅|取消关注|别再(?:给我)?发|不要再(?:给我|给我们)?发|请勿再(?:发|联系)|不要(?:再)?给我(?:们)?发|停止(?:向我|给我|向我们|给我们)?(?:发送|发邮件|发|推送|联系)|(?:别|不要|请勿|请不要)(?:再)?(?:给|向)(?:我|我们)发|别发了|不要发了|(?:从|把我从).{0,12}(?:列表|名单|邮件组|通讯录|数据库).{0,6}(?:删除|移除|去掉|删掉|拿掉)|把我(?:的邮箱|的邮件地址|的联系方式)?(?:删除|移除|删掉|拉黑)|(?:不要|别|请勿|请不要)(?:再)?(?:联系|打扰|骚扰)(?:我|我们)|勿扰|拉黑|骚扰邮件|垃圾邮件|举报|回复\s*td|^\s*td\s*$|不想再收到|没订阅过|没有订阅|请删除我的(?:邮箱|邮件地址|联系方式|信息)|拒收|不要再收到|以后(?:不要|别)再|再发(?:我就|就|的话)?(?:投诉|举报)/,
  // "Stop the automated emails", "no more of these emails", "wipe my contact details".
  /\bstop (?:the|these|your|all|this|those|all (?:of )?(?:the|these|your)) (?:[\w-]+ ){0,2}(?:e-?mails?|messages|sequences?|campaigns?|newsletters?|outreach|mailings?|texts|follow-?ups)\b|\b(?:any|no) (?:more|further) (?:of )?(?:these|your|this|the) (?:[\w-]+ )?(?:e-?mails?|messages|mailings?|newsletters?|follow-?ups)\b|\b(?:wipe|erase|purge|scrub) (?:my|our|all (?:my|our)) (?:contact )?(?:details|data|info\w*|records?|e-?mail|address)\b/,
  // Bare "not write me anymore", calls and WeChat adds, 请勿再来信, 把我删了.
  /\b(?:please )?not (?:write|e-?mail|message|contact|call|text) (?:me|us) (?:anymore|any more|again)\b|别(?:再)?(?:打电话|发消息|发信息|发短信|加我|来电|打扰|推销)|也别(?:打|发|加)|请勿(?:再)?(?:来信|来电|致电|推销|打扰)|不接受任何(?:推销|营销)|把我(?:删了|删掉|删除)|删了我/,
];

/** The sentence in which the lead asks to stop all contact, or null. */
export function findOptOut(sentences: readonly Sentence[]): Sentence | null {
  for (const s of sentences) {
    if (s.source !== 'reply') continue;
    if (OPT_OUT.some((p) => p.test(s.norm))) return s;
  }
  return null;
}
