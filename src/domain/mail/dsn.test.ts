import { describe, expect, it } from 'vitest';
import { parseDeliveryStatus } from './dsn.ts';

describe('RFC 3464 delivery-status', () => {
  it('reads per-recipient blocks, folded Diagnostic-Code and address types', () => {
    const ds = parseDeliveryStatus(
      [
        'Reporting-MTA: dns; mx.baton.example',
        '',
        'Final-Recipient: rfc822; <one@acme.example>',
        'Original-Recipient: rfc822;one@acme.example',
        'Action: failed',
        'Status: 5.2.1 (mailbox disabled, not accepting messages)',
        'Diagnostic-Code: smtp; 550 5.2.1 <one@acme.example>... mailbox',
        '    disabled',
        '',
        'Final-Recipient: rfc822; two@acme.example',
        'Action: delayed',
        'Status: 4.4.1',
        'X-PowerMTA-BounceCategory: no-answer-from-host',
      ].join('\r\n'),
    );
    expect(ds.reportingMta).toBe('mx.baton.example');
    expect(ds.recipients).toHaveLength(2);
    expect(ds.recipients[0]).toMatchObject({ recipient: 'one@acme.example', action: 'failed', status: '5.2.1', diagnosticType: 'SMTP', diagnostic: '550 5.2.1 <one@acme.example>... mailbox disabled', statusComment: 'mailbox disabled, not accepting messages' });
    expect(ds.recipients[1]).toMatchObject({ recipient: 'two@acme.example', action: 'delayed', status: '4.4.1', bounceCategory: 'no-answer-from-host' });
  });

  it('splits recipients written without blank lines between them', () => {
    const ds = parseDeliveryStatus('Final-Recipient: rfc822;a@x.example\nAction: failed\nStatus: 5.1.1\nFinal-Recipient: rfc822;b@x.example\nAction: failed\nStatus: 5.2.2\n');
    expect(ds.recipients.map((r) => `${r.recipient} ${r.status}`)).toEqual(['a@x.example 5.1.1', 'b@x.example 5.2.2']);
  });
});
