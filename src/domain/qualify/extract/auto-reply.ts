import { fold } from '../text.ts';

// Wording only an automatic absence reply uses.
const AUTOMATIC: readonly RegExp[] = [
  /^\s*(?:\[?\s*)?(?:automatic reply|auto(?:matic)?[- ]?reply|autoreply|auto[- ]?response|automated (?:reply|response)|out of (?:the )?office(?: reply| notice| message)?|ooo)\b/m,
  /\bthis is an? (?:automatic|automated|auto-generated)\b|\bauto-?generated (?:message|reply|response)\b|\bthis (?:mailbox|inbox|address) is (?:not monitored|no longer monitored|unmonitored)\b/,
  /^\s*[【[]?\s*自动(?:回复|答复)\s*[】\]:：]?|[【[]\s*自动(?:回复|答复)\s*[】\]]|此(?:邮件|信息|消息)(?:为|是)(?:系统)?自动(?:回复|发送|答复)|这是一封自动(?:回复|答复)/m,
];

const AWAY: readonly RegExp[] = [
  /\bi(?:'m| am| will be| shall be)\s+(?:currently\s+|now\s+)?(?:out of (?:the )?office|away|on (?:annual |parental |maternity |paternity |sick |medical |extended |holiday |vacation )?leave|on (?:vacation|holiday|sabbatical|pto|annual leave|a business trip)|travell?ing|offline|at a conference|out sick|off work|not in the office|away from (?:my desk|the office|email))\b/,
  /\b(?:out of (?:the )?office|ooo|on (?:leave|vacation|holiday)|away)\s+(?:from|until|till|through|thru|between|on)\b/,
  /\bno longer (?:with|at|working (?:at|for)|employed)\b|\bhas left the company\b|\bleft (?:the company|the organi[sz]ation)\b/,
  /休假|年假|产假|陪产假|病假|婚假|出差|不在办公室|外出|放假|假期中|休息中|离职/,
];

const RETURN_OR_LIMITED: readonly RegExp[] = [
  /\b(?:limited|no|intermittent|restricted) access to (?:e-?mail|my (?:e-?mail|inbox|mail))\b/,
  /\bwill (?:respond|reply|get back to you|return your (?:e-?mail|message)|answer|be back|read)\b[^.]{0,60}\b(?:return|back|when i|upon|after|as soon as)\b/,
  /\b(?:i(?:'ll| will) be back|returning|i return|back in the office|back on|back at my desk)\b/,
  /\bfor (?:urgent|immediate|pressing)\b[^.]{0,40}\b(?:contact|reach|email|call|please)\b|\bif (?:this is|it is|your (?:matter|request) is) urgent\b|\bin my absence\b/,
  /\bthank(?:s| you) for your (?:e-?mail|message|note)\b/,
  /无法及时(?:查看|回复|处理)|回来后|返回后|恢复(?:正常)?办公|正常办公|届时.{0,8}回复|尽快回复您|如有急事|紧急事(?:务|宜|项)|请联系|期间(?:无法|不能)/,
];

/** True when the text is an automatic absence reply (out of office, leave, left the company). */
export function isOutOfOffice(text: string): boolean {
  const f = fold(text.slice(0, 3000));
  if (AUTOMATIC.some((p) => p.test(f))) return true;
  const away = AWAY.filter((p) => p.test(f)).length;
  const returning = RETURN_OR_LIMITED.filter((p) => p.test(f)).length;
  return away >= 1 && returning >= 2;
}
