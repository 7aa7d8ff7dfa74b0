import { fold } from '../text.ts';

// Markers of a delivery status notice (RFC 3464 fields, common MTA wording, Chinese mail systems).
const DEFINITIVE: readonly RegExp[] = [
  /^\s*final-recipient\s*:/m,
  /^\s*diagnostic-code\s*:/m,
  /^\s*action\s*:\s*(?:failed|delayed)\b/m,
  /^\s*status\s*:\s*[45]\.\d{1,3}\.\d{1,3}/m,
  /delivery failure|was not delivered to|were not delivered to|not listed in (?:domino directory|public name|the directory)|created automatically by mail delivery software|could not be delivered to one or more|this is a permanent error|the following address(?:es|\(es\))? failed|delivery to the following recipients? (?:failed|has been delayed|was unsuccessful)|automatically generated delivery status notification|mail system error|was rejected by (?:a |the )?remote (?:mail )?server|undeliverable message|failure reasons|returned message|message delivery (?:has )?failed|delivery (?:notification|report)|non-?delivery|could not deliver|unable to deliver|cannot be delivered|can't be delivered|couldn't deliver|delivery problem|message (?:was )?(?:bounced|rejected|returned)|returned to sender|recipient (?:address )?(?:rejected|unknown|does not exist|not found)|(?:550|551|552|553|554) [#5]|remote server returned|no such (?:user|mailbox|recipient)|user unknown|mailbox (?:unavailable|not found|does not exist)|delivery status notification|undeliverable\s*:|undelivered mail returned|mail delivery (?:failed|failure|subsystem|system)|returned mail\s*:|delivery has failed|message (?:could not|couldn't|wasn't|was not) (?:be )?delivered|could not be delivered to|permanent(?:ly)? (?:error|failure|fatal)|this is the mail system at host|mailer-daemon|postmaster@|delivery to the following recipients? failed|your message (?:to .{1,80} )?(?:couldn't|could not|wasn't|was not) (?:be )?delivered|address not found|recipient address rejected|the email account that you tried to reach does not exist|message not delivered|delivery incomplete|non-?delivery report/,
  /退信原因|投递状态通知|退信通知|系统自动(?:发送的|生成的)?退信|发送失败|未能成功发送|邮件(?:无法|未能|没有)(?:发送|送达|投递)|退信[:：]|被退回|系统退信|退信通知|投递失败|发送失败通知|无法投递|未能(?:成功)?送达|无法送达|邮件退回|退回的邮件|被退回的邮件|无法到达的收件人|拒绝接收|错误代码[:：]/,
  /\byour message (?:to \S+ )?(?:has been|was) (?:blocked|rejected|bounced)\b|^\s*message (?:blocked|rejected|bounced)\b/m,
];
const SUPPORTING: readonly RegExp[] = [
  /\b5\.\d\.\d{1,2}\b/,
  /\b(?:550|551|552|553|554|450|451|452)\b/,
  /user unknown|unknown user|no such user|no such (?:mailbox|recipient)|mailbox (?:unavailable|not found|does not exist|is full|full|disabled)|recipient not found|invalid recipient|domain not found|host not found|host or domain name not found|name service error|nxdomain|relay access denied|rejected|blocked|quota exceeded|over quota|does not exist|address unknown|resolver\.adr/,
  /收件人不存在|邮箱不存在|用户不存在|域名不存在|地址不存在|dns查询失败|邮箱已满|拒收|被拒绝/,
];

/** True when the text is a delivery failure notice rather than a person's reply. */
export function isBounce(reply: string): boolean {
  const f = fold(reply.slice(0, 6000));
  const definitive = DEFINITIVE.filter((p) => p.test(f)).length;
  const supporting = SUPPORTING.filter((p) => p.test(f)).length;
  // One unmistakable DSN phrase is enough: people replying to a sales email do not write them.
  return definitive >= 1 || supporting >= 3;
}
