/**
 * Baton's error family. Every error carries a stable string `code` that tools and tests can rely on,
 * and says whose fault it is, so callers can decide between "tell the user", "retry" and "page someone".
 */

/** Who is at fault: the caller's input or configuration, our own system, or a model that misbehaved. */
export type Fault = 'user' | 'system' | 'model';

export class BatonError extends Error {
  readonly code: string;
  readonly fault: Fault;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, message: string, options: { fault?: Fault; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.fault = options.fault ?? 'system';
    this.details = options.details;
  }
}

/** Bad input from a person or a calling system: a clear message, never a stack trace. */
export class ValidationError extends BatonError {
  constructor(message: string, details?: Record<string, unknown>, code = 'VALIDATION_FAILED') {
    super(code, message, { fault: 'user', ...(details ? { details } : {}) });
  }
}

/** Configuration that cannot work; the message says which variable and what to do. */
export class ConfigError extends BatonError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CONFIG_INVALID', message, { fault: 'user', ...(details ? { details } : {}) });
  }
}

export class NotFoundError extends BatonError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} was not found`, { fault: 'user', details: { what, id } });
  }
}

/** A lead lifecycle move that the state machine does not allow. */
export class IllegalTransitionError extends BatonError {
  readonly from: string;
  readonly to: string;
  constructor(from: string, to: string, allowed: readonly string[]) {
    super(
      'LIFECYCLE_ILLEGAL_TRANSITION',
      `a lead cannot move from "${from}" to "${to}"; from "${from}" it may move to: ${allowed.length ? allowed.join(', ') : 'nothing (terminal stage)'}`,
      { fault: 'user', details: { from, to, allowed } },
    );
    this.from = from;
    this.to = to;
  }
}

/** Contact with a suppressed address (unsubscribed, bounced, complained, erased, manual) was refused. */
export class SuppressedError extends BatonError {
  constructor(reason: string) {
    super('CONTACT_SUPPRESSED', `this address is suppressed (${reason}) and may not be contacted or re-imported`, {
      fault: 'user',
      details: { reason },
    });
  }
}

/** A model answered with output that does not fit its contract. */
export class ModelBehaviorError extends BatonError {
  constructor(message: string, details?: Record<string, unknown>, cause?: unknown) {
    super('MODEL_BAD_OUTPUT', message, { fault: 'model', ...(details ? { details } : {}), cause });
  }
}

/** The one place a `catch (e: unknown)` becomes a BatonError. */
export function toBatonError(e: unknown): BatonError {
  if (e instanceof BatonError) return e;
  if (e instanceof Error) return new BatonError('INTERNAL', e.message, { fault: 'system', cause: e });
  return new BatonError('INTERNAL', String(e), { fault: 'system' });
}

/** A short message for a person (CLI, HTTP), without a stack. */
export function describeError(e: unknown): string {
  const err = toBatonError(e);
  return err.fault === 'system' && err.code === 'INTERNAL' ? `internal error: ${err.message}` : err.message;
}

/**
 * A message could not be handed to the SMTP server. `transient` (a 4xx reply, a dropped connection, a
 * timeout) means the same message may be tried again later; otherwise (a 5xx reply) the step ends.
 */
export class MailSendError extends BatonError {
  readonly transient: boolean;
  /** The SMTP reply code when the server gave one, e.g. 421 or 550. */
  readonly responseCode: number | null;
  constructor(message: string, options: { transient: boolean; responseCode?: number | null; cause?: unknown }) {
    super(options.transient ? 'MAIL_SEND_TRANSIENT' : 'MAIL_SEND_REJECTED', message, { fault: 'system', cause: options.cause, details: { responseCode: options.responseCode ?? null } });
    this.transient = options.transient;
    this.responseCode = options.responseCode ?? null;
  }
}
