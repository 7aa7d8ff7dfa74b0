import { addressesIn, firstAddress, isAddress, originalRecipient, squeeze, type NoticeReader } from '../notice.ts';
import type { BounceReason } from '../reasons.ts';

/**
 * Notices of Chinese providers (QQ Mail, NetEase 163/126, Aliyun, Sina) in their Chinese layout:
 * a subject like "退信" / "系统退信" / "邮件投递失败", the recipient after 收件人 (or in "发送到 x 的邮件"),
 * and the reason after 退信原因 / 失败原因 / 错误原因, often with the remote server's SMTP reply.
 */

const NOTICE = /退信|退回|未能(?:成功)?送达|无法(?:送达|投递)|投递失败|发送失败|递送失败/;

const RECIPIENT: readonly RegExp[] = [
  /(?:收件人|收信人|接收人|目标)(?:地址|邮箱)?\s*[:：]\s*<?([^\s<>,，;；]+@[^\s<>,，;；]+?)>?(?=[\s,，;；<]|$)/m,
  /发(?:送|往)(?:到|给|至)\s*<?([^\s<>]+@[^\s<>]+?)>?\s*的邮件/,
  /给\s*<?([^\s<>]+@[^\s<>]+?)>?\s*的(?:邮件|信)/,
];

const WHY = /(?:退信原因|失败原因|错误原因|退回原因|原因|错误信息|错误代码|详细信息|Reason)\s*[:：]\s*([^\n]+)/i;

/** The reasons their Chinese texts give. */
const REASONS: readonly [BounceReason, RegExp][] = [
  ['userunknown', /用户不存在|收件人不存在|收信人不存在|邮箱不存在|邮件地址不存在|地址不存在|[帐账][号户]不存在|[帐账][号户]已(?:被)?注销/],
  ['mailboxfull', /邮箱已满|邮箱空间已满|空间已满|空间不足|容量(?:已满|不足)|超出配额|超过配额/],
  ['hostunknown', /域名不存在|域名无效|找不到(?:该)?域名/],
  ['suspend', /[帐账][号户]已(?:被)?(?:冻结|停用|锁定)|邮箱已(?:被)?(?:冻结|停用)/],
  ['spamdetected', /垃圾邮件|被判定为垃圾/],
  ['blocked', /黑名单|IP\s*被拒|拒绝(?:了)?(?:你的|您的)?IP/i],
  ['mesgtoobig', /邮件(?:过大|太大)|邮件大小超过/],
  ['expired', /多次尝试|投递超时|连接超时/],
];

export const readChinese: NoticeReader = (notice) => {
  const text = notice.text;
  if (!NOTICE.test(notice.subject) && !NOTICE.test(text.slice(0, 500))) return null;
  let recipient = '';
  for (const re of RECIPIENT) {
    const m = re.exec(text);
    if (m && isAddress((m[1] ?? '').toLowerCase())) {
      recipient = (m[1] ?? '').toLowerCase();
      break;
    }
  }
  if (recipient === '') {
    const own = new Set(addressesIn(notice.fromHeader));
    recipient = addressesIn(text).find((a) => !own.has(a) && !/^(?:postmaster|mailer-daemon)@/.test(a)) ?? originalRecipient(notice);
  }
  if (recipient === '' || !/[\u4e00-\u9fff]/.test(text)) return null;
  const why = WHY.exec(text)?.[1] ?? '';
  // The remote server's own reply, when the notice quotes it ("550 5.1.1 <x>: Mailbox not found").
  const replies = text.split('\n').filter((l) => /(?:^|\s)[45]\d\d[\s-]/.test(l) && !l.includes(why || '\u0000'));
  const diagnostic = squeeze([why, ...replies].join(' ')) || squeeze(text.slice(0, 600));
  const stated = REASONS.find(([, re]) => re.test(diagnostic))?.[0] ?? '';
  return [{ recipient: recipient || firstAddress(text), diagnostic, stated }];
};
