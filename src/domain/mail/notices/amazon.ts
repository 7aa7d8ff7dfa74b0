import { sesNotification } from '../arf.ts';
import type { NoticeReader, NoticeRecipient } from '../notice.ts';

/**
 * Amazon SES bounce and delivery notifications delivered by e-mail through SNS ("AWS Notification
 * Message"), documented at docs.aws.amazon.com/ses/latest/dg/notification-contents.html.
 * Complaints are read in arf.ts.
 */
export const readAmazonSesJson: NoticeReader = (notice) => {
  const json = sesNotification(notice.message);
  if (!json) return null;
  const type = String(json.notificationType ?? '');
  if (type === 'Bounce') {
    const bounce = (json.bounce ?? {}) as { bounceType?: string; bounceSubType?: string; bouncedRecipients?: { emailAddress?: string; action?: string; status?: string; diagnosticCode?: string }[] };
    return (bounce.bouncedRecipients ?? []).map((r): NoticeRecipient => {
      const diagnostic = (r.diagnosticCode ?? '').replace(/^smtp;\s*/i, '');
      // bounceSubType "Suppressed" / "OnAccountSuppressionList": SES refused to send to a listed address.
      const stated = /Suppress/i.test(bounce.bounceSubType ?? '') ? 'suppressed' : '';
      return { recipient: (r.emailAddress ?? '').toLowerCase(), diagnostic, status: r.status ?? '', action: r.action ?? 'failed', stated };
    });
  }
  if (type === 'Delivery') {
    const delivery = (json.delivery ?? {}) as { recipients?: string[]; smtpResponse?: string };
    return (delivery.recipients ?? []).map((recipient) => ({ recipient: recipient.toLowerCase(), diagnostic: delivery.smtpResponse ?? '', action: 'delivered', stated: 'delivered' }));
  }
  return null;
};
