import { fold } from '../text.ts';

// Wording only an automatic absence reply uses.
const AUTOMATIC: readonly RegExp[] = [
  /^\s*(?:\[?\s*)?(?:automatic reply|auto(?:matic)?[- ]?reply|autoreply|auto[- ]?response|automated (?:reply|response)|out of (?:the )?office(?: reply| notice| message)?|ooo)\b/m,
  /^\s*(?:vacation|holiday|away|absence|leave) (?:response|reply|notice|message)\b/m,
  /\b(?:limited|no|intermittent|restricted|sporadic) (?:access to|checking of) (?:e-?mail|my (?:e-?mail|inbox|mail))\b|\b(?:my )?(?:inbox|mailbox|e-?mail) (?:is|will be) (?:not|un)(?:monitored| monitored)\b|\bwon't be (?:checking|reading|monitoring) (?:e-?mail|emails|messages|my inbox)\b|\bno (?:wifi|wi-fi|internet|e-?mail)\b[^.]{0,40}\bno (?:e-?mail|wifi|wi-fi)\b/,
  /\b(?:our|the) (?:office|practice|clinic|store|shop|team) (?:is|will be) closed\b[^.]{0,120}\b(?:holiday|reopen|respond|return|back)\b|\bwe(?: will|'ll) (?:respond|reply|get back to you) (?:to your (?:message|e-?mail) )?when we(?: are|'re)? (?:reopen|return|back)\b|\b(?:is|are) closed (?:for|over) the (?:holidays?|break|festive season|new year)\b[^.]{0,80}\b(?:reply|respond|back|reopen)\b/,
  /\bthis is an? (?:automatic|automated|auto-generated)\b|\bauto-?generated (?:message|reply|response)\b|\bthis (?:mailbox|inbox|address) is (?:not monitored|no longer monitored|unmonitored)\b/,
  /^\s*[【[]?\s*自动(?:回复|答复)\s*[】\]:：]?|[【[]\s*自动(?:回复|答复)\s*[】\]]|此(?:邮件|信息|消息)(?:为|是)(?:系统)?自动(?:回复|发送|答复)|这是一封自动(?:回复|答复)/m,
];

const AWAY: readonly RegExp[] = [
  /\bi(?:'m| am| will be| shall be)\s+(?:currently\s+|now\s+)?(?:out of (?:the )?office|away|on (?:annual |parental |maternity |paternity |sick |medical |extended |holiday |vacation |bereavement |study )?leave|on (?:vacation|holiday|sabbatical|pto|annual leave|a business trip|a trip|the road)|travell?ing|offline|at (?:a|an|the) [\w ]{0,30}(?:conference|summit|expo|event|trade show|offsite)|at [a-z]+ (?:annual|summit|expo|conference)|out sick|off work|not in the office|away from (?:my desk|the office|email)|walking|hiking|overseas|abroad)\b/,
  /\b(?:out of (?:the )?office|ooo|on (?:leave|vacation|holiday)|away)\s+(?:from|until|till|through|thru|between|on)\b/,
  /\bno longer (?:with|at|working (?:at|for)|employed)\b|\bhas left the company\b|\b(?:i|he|she) (?:have|has) left [A-Z]?\w+|\bleft (?:the company|the organi[sz]ation)\b|(?<!\bhold(?:ing)? |\bput(?:ting)? (?:it |this )?|\bholds? )\b(?:i(?:'m| am) )?off until\b|\booo until\b/,
  /休假|休年假|年假|产假|陪产假|病假|婚假|出差|不在办公室|不在公司|外出|放假|假期中|假期期间|休息中|离职|出国|考察|培训期间|会议期间|国庆|春节|中秋|五一|元旦/,
  /\bi(?:'m| am) (?:ooo|out of (?:the )?office)\b|\bgone (?:trekking|hiking|fishing|sailing|travell?ing|away|on (?:holiday|vacation|leave|sabbatical))\b/,
];

const RETURN_OR_LIMITED: readonly RegExp[] = [
  /\b(?:limited|no|intermittent|restricted) access to (?:e-?mail|my (?:e-?mail|inbox|mail))\b/,
  /\bwill (?:respond|reply|get back to you|return your (?:e-?mail|message)|answer|be back|read)\b[^.]{0,60}\b(?:return|back|when i|upon|after|as soon as)\b/,
  /\b(?:i(?:'ll| will) be back|returning|i return|will return|back in the office|back on|back at my desk|when i(?:'m| am) back|until (?:\w+ )?\d{1,2}(?:st|nd|rd|th)?\b|until (?:monday|tuesday|wednesday|thursday|friday|january|february|march|april|may|june|july|august|september|october|november|december)\b|during this time|in the meantime)\b/,
  /\b(?:i(?:'ll| will)) (?:reply|respond|get back to you|answer)\b|\bnot checking (?:e-?mail|emails|messages)\b|\bback then\b|(?<!\bhold(?:ing)? |\bput(?:ting)? (?:it |this )?|\bholds? )\b(?:i(?:'m| am) )?off until\b|\bout until\b|\booo until\b/,
  /\bfor (?:urgent|immediate|pressing)\b[^.]{0,40}\b(?:contact|reach|email|call|please)\b|\bif (?:this is|it is|your (?:matter|request) is) urgent\b|\bin my absence\b/,
  /\bthank(?:s| you) for your (?:e-?mail|message|note)\b/,
  /无法及时(?:查看|回复|处理)|查看不便|不便查看|回来后|返回后|回国后|恢复(?:正常)?办公|正常办公|届时.{0,8}回复|将(?:在|于).{0,12}(?:统一)?回复|统一回复|尽快回复您|如有急事|紧急事(?:务|宜|项)|请联系|期间(?:无法|不能|邮件)|\d{1,2}月\d{1,2}日?(?:返回|回来|上班)|急事请|有急事|回(?:到)?公司|回复(?:可能)?(?:不及时|会延迟|较慢)|不能及时回复/,
  /\bback (?:on )?\d{1,2}[/.]\d{1,2}\b|\bresponses? (?:will|may) be (?:delayed|slow)\b|\bexpect (?:a )?delay(?:ed)?\b|\bexpect to (?:return|be back)\b|\bfor anything urgent\b|\bwill not be (?:checking|reading|monitoring) (?:e-?mail|emails|messages|my inbox)\b/,
];

/** True when the text is an automatic absence reply (out of office, leave, left the company). */
export function isOutOfOffice(text: string): boolean {
  const f = fold(text.slice(0, 3000));
  if (AUTOMATIC.some((p) => p.test(f))) return true;
  const away = AWAY.filter((p) => p.test(f)).length;
  const returning = RETURN_OR_LIMITED.filter((p) => p.test(f)).length;
  // People rarely announce their own absence with a return date; auto-replies always do.
  return (away >= 1 && returning >= 1) || returning >= 3;
}
