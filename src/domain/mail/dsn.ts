/**
 * RFC 3464 delivery status notifications: the `message/delivery-status` body is one block of
 * per-message fields followed by one block of per-recipient fields for each recipient (section 2.1),
 * blocks separated by empty lines. Real MTAs also run the blocks together, fold long
 * Diagnostic-Code values, or (broken multipart boundaries) leave the fields inside a text part, so
 * the reader keys on field names rather than on block layout.
 */

/** Per-recipient fields of RFC 3464 section 2.3 (values trimmed, address types stripped). */
export interface DsnRecipient {
  /** Final-Recipient (section 2.3.2), else Original-Recipient (2.3.1), without "rfc822;" and brackets. */
  readonly recipient: string;
  /** Original-Recipient when present. */
  readonly originalRecipient: string;
  /** Action (2.3.3), lower-case: failed, delayed, delivered, relayed, expanded. */
  readonly action: string;
  /** Status (2.3.4), e.g. "5.1.1". */
  readonly status: string;
  /** Remote-MTA (2.3.5) host, without "dns;". */
  readonly remoteMta: string;
  /** Diagnostic-Code (2.3.6) type, upper-case, e.g. "SMTP", "X-UNIX". */
  readonly diagnosticType: string;
  /** Diagnostic-Code text, unfolded. */
  readonly diagnostic: string;
  /** The comment after the Status code ("5.2.1 (mailbox disabled, not accepting messages)"), '' when none. */
  readonly statusComment: string;
  /** X-PowerMTA-BounceCategory, lower-case, '' when absent. */
  readonly bounceCategory: string;
}

/** A parsed delivery-status body. */
export interface DeliveryStatus {
  readonly reportingMta: string;
  readonly recipients: readonly DsnRecipient[];
}

const PER_RECIPIENT = new Set([
  'original-recipient', 'final-recipient', 'action', 'status', 'remote-mta', 'diagnostic-code', 'last-attempt-date',
  'final-log-id', 'will-retry-until', 'x-actual-recipient', 'x-display-name', 'x-powermta-bouncecategory',
]);

/** Unfold the field lines of a report body: `[name, value]` pairs in order, with blank-line markers as ['', '']. */
function fieldLines(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/^>+ ?/, '');
    if (line.trim() === '') {
      out.push(['', '']);
      continue;
    }
    const last = out[out.length - 1];
    if (/^[ \t]/.test(line) && last && last[0] !== '') {
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const m = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
    out.push(m ? [(m[1] ?? '').toLowerCase(), (m[2] ?? '').trim()] : ['#text', line.trim()]);
  }
  return out;
}

/** "rfc822; <a@b.example>" -> "a@b.example". */
export function stripAddressType(value: string): string {
  const v = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  const angle = /<([^<>]*)>/.exec(v);
  return (angle ? (angle[1] ?? '') : v).trim().replace(/^["']|["']$/g, '');
}

/** Read the fields of a delivery-status body (or of any text carrying RFC 3464 fields). */
export function parseDeliveryStatus(text: string): DeliveryStatus {
  let reportingMta = '';
  const recipients: DsnRecipient[] = [];
  let current: Record<string, string> = {};
  let sawBlank = false;

  const flush = (): void => {
    const recipient = stripAddressType(current['final-recipient'] ?? '') || stripAddressType(current['original-recipient'] ?? '');
    if (recipient !== '' || current.status || current['diagnostic-code']) {
      const diag = current['diagnostic-code'] ?? '';
      const semi = diag.indexOf(';');
      const hasType = semi > 0 && /^[\w-]+$/.test(diag.slice(0, semi).trim());
      recipients.push({
        recipient,
        originalRecipient: stripAddressType(current['original-recipient'] ?? ''),
        action: (current.action ?? '').toLowerCase().split(/[\s(]/)[0] ?? '',
        status: (/\d\.\d{1,3}\.\d{1,3}/.exec(current.status ?? '') ?? [''])[0],
        remoteMta: stripAddressType(current['remote-mta'] ?? ''),
        // Postfix labels the replies it relays "X-Postfix"; they are SMTP replies all the same.
        diagnosticType: hasType ? diag.slice(0, semi).trim().toUpperCase().replace(/^X-POSTFIX$/, 'SMTP') : '',
        diagnostic: (hasType ? diag.slice(semi + 1) : diag).trim(),
        statusComment: (/\(([^)]*)\)/.exec(current.status ?? '')?.[1] ?? '').trim(),
        bounceCategory: (current['x-powermta-bouncecategory'] ?? '').toLowerCase().trim(),
      });
    }
    current = {};
  };

  for (const [name, value] of fieldLines(text)) {
    if (name === '') {
      sawBlank = true;
      continue;
    }
    if (name === 'reporting-mta' && reportingMta === '') reportingMta = stripAddressType(value);
    if (!PER_RECIPIENT.has(name)) continue;
    // A new recipient starts at a repeated field, or at a recipient field after an empty line.
    const starts = name === 'final-recipient' || name === 'original-recipient';
    const hasRecipient = current['final-recipient'] !== undefined || current['original-recipient'] !== undefined;
    if (current[name] !== undefined || (starts && sawBlank && hasRecipient)) flush();
    sawBlank = false;
    current[name] = value;
  }
  flush();
  return { reportingMta, recipients };
}
