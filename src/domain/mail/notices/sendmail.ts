import { firstAddress, isAddress, originalRecipient, squeeze, type NoticeReader, type NoticeRecipient } from '../notice.ts';
import { findSmtpCommand, type SmtpCommand } from '../smtp-command.ts';

/**
 * Sendmail's notices. Old Sendmail (V5/V8 without DSN) sends only a session transcript:
 *
 *        ----- Transcript of session follows -----
 *     While talking to mx.example.org:
 *     >>> RCPT To:<kijitora@example.org>
 *     <<< 550 <kijitora@example.org>, User Unknown
 *     550 <kijitora@example.org>... User unknown
 *
 * Newer Sendmail adds an RFC 3464 part but keeps the transcript, which alone tells which command the
 * remote server refused, and lists recipients under "The following addresses had permanent fatal
 * errors" with a "(reason: ...)" line.
 */

interface Entry {
  recipient: string;
  lines: string[];
  command: SmtpCommand | '';
}

export const readSendmail: NoticeReader = (notice) => {
  const text = notice.text;
  if (!/-{3,} ?Transcript of session follows|-{3,} ?The following addresses had (?:permanent fatal|transient non-fatal) errors/i.test(text)) return null;
  // A notice forwarded inline ("Fwd: Returned mail") comes quoted: "> " before every line.
  const quoted = text.split('\n').filter((l) => /^> ?(?:>>> |<<< |-{3,})/.test(l)).length >= 2;
  const lines = text.split('\n').map((l) => (quoted ? l.replace(/^> ?/, '') : l));
  const entries: Entry[] = [];
  const byRecipient = (r: string): Entry => {
    let e = entries.find((x) => x.recipient === r);
    if (!e) {
      e = { recipient: r, lines: [], command: '' };
      entries.push(e);
    }
    return e;
  };

  // The list of failed addresses, with Sendmail 8's "(reason: ...)" lines.
  let inList = false;
  let last: Entry | undefined;
  for (const line of lines) {
    if (/-{3,} ?The following addresses had/i.test(line)) {
      inList = true;
      continue;
    }
    if (/-{3,}/.test(line)) inList = false;
    if (!inList || line.trim() === '') continue;
    const reason = /^\s*\(reason:\s*(.*?)\)?\s*$/i.exec(line);
    if (reason && last) {
      last.lines.push(reason[1] ?? '');
      continue;
    }
    const addr = firstAddress(line);
    if (addr && !/^\s*\(expanded from/i.test(line)) last = byRecipient(addr);
  }

  // The transcript: ">>> COMMAND" sent, "<<< reply" received, "NNN <addr>... text" per recipient.
  let command: SmtpCommand | '' = '';
  let replies: string[] = [];
  let rcptTo = '';
  let inTranscript = false;
  let firstCommand: SmtpCommand | '' = '';
  const allReplies: string[] = [];
  const loose: string[] = [];
  for (const line of lines) {
    if (/-{3,} ?Transcript of session follows/i.test(line)) {
      inTranscript = true;
      continue;
    }
    if (!inTranscript) continue;
    if (/-{3,}/.test(line)) break;
    const t = line.trim();
    if (t === '') continue;
    if (/^(?:\.\.\. )?while talking to /i.test(t)) {
      command = '';
      replies = [];
      continue;
    }
    const sent = /^>>> (.*)$/.exec(t);
    if (sent) {
      command = findSmtpCommand((sent[1] ?? '').toUpperCase());
      firstCommand ||= command;
      rcptTo = command === 'RCPT' ? firstAddress(sent[1] ?? '') : '';
      replies = [];
      continue;
    }
    const got = /^<<< (.*)$/.exec(t);
    if (got) {
      replies.push(got[1] ?? '');
      if (!allReplies.includes(got[1] ?? '')) allReplies.push(got[1] ?? '');
      // A refusal of "RCPT TO:<address>" belongs to that address even without a result line.
      const listed = rcptTo !== '' ? entries.find((x) => x.recipient === rcptTo) : undefined;
      if (listed && listed.command === '' && /^[45]/.test(got[1] ?? '')) {
        listed.command = 'RCPT';
        if (listed.lines.length === 0) listed.lines.push(got[1] ?? '');
      }
      continue;
    }
    const result = /^(\d{3})[ -](?:\d\.\d+\.\d+ )?<?([^<>\s]+@[^<>\s]+?)>?(?:\.\.\.|,)\s*(.*)$/.exec(t);
    if (result && isAddress((result[2] ?? '').toLowerCase())) {
      const e = byRecipient((result[2] ?? '').toLowerCase());
      if (e.lines.length === 0 || replies.length > 0) e.lines.push(...replies, t);
      if (e.command === '') e.command = command;
      replies = [];
      continue;
    }
    loose.push(t);
  }

  if (entries.length === 0) {
    // No address in the notice ("421 example.com (smtp)... Deferred"): the original's recipient failed.
    const recipient = originalRecipient(notice);
    if (recipient === '' || loose.length + replies.length === 0) return null;
    return [{ recipient, diagnostic: squeeze([...replies, ...loose].join(' ')), command }];
  }
  // With one recipient, every reply of the session is about it; the session's first command is the
  // one the remote server answered (a session that never got a command in was refused at the greeting).
  const single = entries.length === 1;
  return entries.map((e): NoticeRecipient => ({
    recipient: e.recipient,
    diagnostic: squeeze((e.lines.length > 0 ? e.lines : [...replies, ...loose]).join(' ')),
    command: e.command || firstCommand || (allReplies.length > 0 ? 'EHLO' : ''),
    extra: squeeze(loose.join(' ')),
    ...(single && allReplies.length > 0 ? { sessionReplies: squeeze(allReplies.join(' ')) } : {}),
  }));
};
