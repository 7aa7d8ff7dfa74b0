import { describe, expect, it } from 'vitest';
import { classifyReason, isHardBounce, type ReasonFacts } from './reasons.ts';

const facts = (over: Partial<ReasonFacts>): ReasonFacts => ({
  status: '',
  diagnostic: '',
  diagnosticType: 'SMTP',
  command: '',
  action: 'failed',
  replyCode: '',
  stated: '',
  ...over,
});

describe('bounce reasons', () => {
  it('reads an unknown user from the status code or from RCPT TO', () => {
    expect(classifyReason(facts({ status: '5.1.1', diagnostic: '550 5.1.1 <a@b>: Recipient address rejected: User unknown' }))).toBe('userunknown');
    expect(classifyReason(facts({ command: 'RCPT', diagnostic: '550 <a@b>: User unknown' }))).toBe('userunknown');
  });

  it('calls "user unknown" after DATA a content filter, not a missing mailbox', () => {
    expect(classifyReason(facts({ command: 'DATA', diagnostic: '550 User unknown' }))).toBe('filtered');
  });

  it('tells full mailboxes, blocks, spam filters, timeouts and missing domains apart', () => {
    expect(classifyReason(facts({ status: '5.1.1', diagnostic: '552 5.1.1 Mailbox full' }))).toBe('mailboxfull');
    expect(classifyReason(facts({ status: '5.7.1', diagnostic: '554 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org' }))).toBe('blocked');
    expect(classifyReason(facts({ status: '5.7.1', command: 'DATA', diagnostic: '550 5.7.1 Message rejected as spam by Content Filtering' }))).toBe('spamdetected');
    expect(classifyReason(facts({ action: 'delayed', diagnostic: 'retry timeout exceeded' }))).toBe('expired');
    expect(classifyReason(facts({ diagnostic: 'Host or domain name not found. Name service error' }))).toBe('hostunknown');
    expect(classifyReason(facts({ diagnostic: '用户不存在', command: 'RCPT' }))).toBe('userunknown');
  });

  it('is hard only when the address itself is bad', () => {
    expect(isHardBounce('userunknown', '5.1.1')).toBe(true);
    expect(isHardBounce('hostunknown', '5.1.2')).toBe(true);
    expect(isHardBounce('mailboxfull', '5.2.2')).toBe(false);
    expect(isHardBounce('blocked', '5.7.1')).toBe(false);
    expect(isHardBounce('notaccept', '5.1.10 null MX')).toBe(true);
    expect(isHardBounce('notaccept', '4.3.2 try again later')).toBe(false);
  });
});
