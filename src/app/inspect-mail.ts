import { parseMail } from '../adapters/email/parse.ts';
import { toBatonError } from '../domain/errors.ts';
import { classifyMail, type MailKind, type MailVerdict } from '../domain/mail/classify.ts';

/**
 * `baton mail inspect`: read raw messages, classify each, and report one line per file. A file that
 * cannot be read or parsed gets a line with an error and does not stop the others.
 */

/** The JSON contract of one inspected file (keys and order are part of the CLI contract). */
export interface InspectLine {
  readonly file: string;
  readonly kind: MailKind;
  readonly bounce: { readonly hard: boolean; readonly status: string; readonly recipient: string } | null;
  readonly return_date: string | null;
  readonly visible_text: string;
}

/** A file that could not be inspected. */
export interface InspectFailure {
  readonly file: string;
  readonly error: string;
  /** Stable error code, e.g. MAIL_UNPARSEABLE, MAIL_UNREADABLE. */
  readonly code: string;
}

/** What the use-case needs from outside. */
export interface InspectDeps {
  /** Read a file's bytes; rejects when it cannot be read. */
  readonly readFile: (path: string) => Promise<Buffer>;
  /** The clock, for auto-replies without a Date: header. */
  readonly now: () => Date;
}

/** Parse and classify one raw message. Throws a BatonError (MAIL_UNPARSEABLE) for broken MIME. */
export async function inspectRaw(raw: Buffer, now: Date): Promise<MailVerdict> {
  const message = await parseMail(raw);
  return classifyMail(message, { now });
}

/** The contract line for a verdict. */
export function toInspectLine(file: string, verdict: MailVerdict): InspectLine {
  const b = verdict.bounce;
  return {
    file,
    kind: verdict.kind,
    bounce: b ? { hard: b.hard, status: b.status, recipient: b.recipient } : null,
    return_date: verdict.returnDate,
    visible_text: verdict.visibleText,
  };
}

/** Inspect files one by one, in the order given, yielding a line or a failure for each. */
export async function* inspectMailFiles(files: readonly string[], deps: InspectDeps): AsyncGenerator<{ line: InspectLine; verdict: MailVerdict } | InspectFailure> {
  for (const file of files) {
    let raw: Buffer;
    try {
      raw = await deps.readFile(file);
    } catch (e) {
      const reason = e instanceof Error && 'code' in e && e.code === 'ENOENT' ? 'no such file' : e instanceof Error && 'code' in e && e.code === 'EISDIR' ? 'is a directory' : toBatonError(e).message;
      yield { file, error: `cannot read ${file}: ${reason}`, code: 'MAIL_UNREADABLE' };
      continue;
    }
    try {
      const verdict = await inspectRaw(raw, deps.now());
      yield { line: toInspectLine(file, verdict), verdict };
    } catch (e) {
      const err = toBatonError(e);
      yield { file, error: `${file}: ${err.message}`, code: err.code };
    }
  }
}
