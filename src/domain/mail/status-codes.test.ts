import { describe, expect, it } from 'vitest';
import { findReplyCode, findStatusCode, preferStatus, pseudoStatus, reasonOfStatus, saysTemporary } from './status-codes.ts';

describe('status codes', () => {
  it('finds the enhanced status code in a server reply', () => {
    expect(findStatusCode('550 5.1.1 <a@b.example>... User unknown')).toBe('5.1.1');
    expect(findStatusCode('550-5.7.26 Unauthenticated email is not accepted')).toBe('5.7.26');
    expect(findStatusCode('554 5.7.509 Access denied, sending domain does not pass DMARC')).toBe('5.7.509');
    expect(findStatusCode("Sorry, I couldn't find any host named cx.example. (#5.1.2)")).toBe('5.1.2');
  });

  it('ignores IP addresses and version numbers, and prefers a precise code to 5.0.0', () => {
    expect(findStatusCode('host 192.0.2.153 said: 550 User unknown')).toBe('');
    expect(findStatusCode('DragonFly Mail Agent v5.1.1 here')).toBe('');
    expect(findStatusCode('554 5.0.0 Service unavailable; 550 5.1.1 User unknown')).toBe('5.1.1');
  });

  it('finds SMTP reply codes but not parts of other numbers', () => {
    expect(findReplyCode('host mx.example.jp said: 552 Mailbox full')).toBe('552');
    expect(findReplyCode('queue id 15501 at 192.0.2.250')).toBe('');
    expect(findReplyCode('Diagnostic-Code: X-Unix; 550 whatever')).toBe('');
  });

  it('lets the reply class and a precise code decide between a Status: field and the diagnostic', () => {
    expect(preferStatus('5.0.0', '5.1.1', '550')).toBe('5.1.1');
    expect(preferStatus('5.1.1', '4.2.2', '452')).toBe('4.2.2');
    expect(preferStatus('5.2.2', '5.0.0', '552')).toBe('5.2.2');
  });

  it('labels a notice without any code by its reason, temporary or permanent', () => {
    expect(pseudoStatus('userunknown', false)).toBe('5.0.911');
    expect(pseudoStatus('userunknown', true)).toBe('5.0.911');
    expect(pseudoStatus('expired', true)).toBe('4.0.947');
    expect(pseudoStatus('mailboxfull', false)).toBe('5.0.922');
  });

  it('knows what the registered codes mean and what is temporary', () => {
    expect(reasonOfStatus('5.1.1')).toBe('userunknown');
    expect(reasonOfStatus('5.2.2')).toBe('mailboxfull');
    expect(reasonOfStatus('5.7.1')).toBe('securityerror');
    expect(saysTemporary('452 4.2.2 Mailbox full')).toBe(true);
    expect(saysTemporary('550 5.1.1 User unknown')).toBe(false);
  });
});
