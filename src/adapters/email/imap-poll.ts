import { ImapFlow } from 'imapflow';
import type { InboundSink } from '../../app/mail-ports.ts';
import { ConfigError, toBatonError } from '../../domain/errors.ts';
import type { Logger } from '../log.ts';

/**
 * Polls an IMAP mailbox for replies: the way in when the reply domain is forwarded to a mailbox
 * instead of pointing its MX at Baton. Each unseen message is handed to the pipeline and marked
 * \Seen only once the sink has stored it, so a crash in between re-reads it on the next poll (the
 * pipeline dedupes by digest). The mailbox should be Baton's alone: a person who opens a message
 * there first marks it seen, and Baton never reads it.
 */

/** Where to connect, parsed from `imaps://user:pass@host:993/INBOX`. */
export interface ImapConnectionConfig {
  readonly host: string;
  readonly port: number;
  /** TLS from the start (imaps://); imap:// lets the client upgrade with STARTTLS when offered. */
  readonly secure: boolean;
  readonly user: string;
  readonly password: string;
  /** The mailbox to poll, e.g. INBOX or INBOX/Replies. */
  readonly mailbox: string;
}

/**
 * The part of imapflow's ImapFlow this poller uses, so tests can script a mailbox without a
 * server. ImapFlow itself must satisfy it (checked at compile time below).
 */
export interface ImapClientLike {
  /** False once the connection is closed or broken. */
  readonly usable: boolean;
  connect(): Promise<void>;
  getMailboxLock(path: string): Promise<{ release(): void }>;
  /** With `{ uid: true }`: the UIDs of the matching messages; false or undefined when the search failed. */
  search(query: { seen: false; deleted: false }, options: { uid: true }): Promise<number[] | false | undefined>;
  /** With `{ uid: true }` the range is a UID; false when the message is gone. Fetching the source never sets \Seen (BODY.PEEK). */
  fetchOne(range: string, query: { uid: true; source: true }, options: { uid: true }): Promise<{ uid: number; source?: Buffer | undefined } | false>;
  messageFlagsAdd(range: string, flags: string[], options: { uid: true }): Promise<boolean>;
  logout(): Promise<void>;
  /** Drops the connection without LOGOUT. */
  close(): void;
  /** ImapFlow emits 'error' once when the connection fails; an EventEmitter 'error' without a listener would crash the process. */
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Options of `startImapPoller`. */
export interface ImapPollerOptions {
  /** `imaps://user:pass@host[:993]/INBOX` or `imap://...` (port 143); user and password percent-encoded. */
  readonly url: string;
  /** Pause between polls in milliseconds. After a failed poll the pause doubles, up to 5 minutes. */
  readonly intervalMs: number;
  readonly sink: InboundSink;
  readonly logger: Logger;
  /** Builds the client for one connection; default: imapflow's ImapFlow. */
  readonly clientFactory?: (config: ImapConnectionConfig) => ImapClientLike;
}

/** What one poll did. */
export interface ImapPollResult {
  /** Messages whose source was read. */
  readonly fetched: number;
  /** Messages the sink stored (and that were then marked \Seen). */
  readonly stored: number;
  /** Messages left unseen: the sink refused them or they had no source. */
  readonly failed: number;
}

/** A running poller. */
export interface ImapPoller {
  /** Poll now. Runs one at a time with the background loop; rejects when the connection or mailbox fails. After stop(): nothing. */
  pollOnce(): Promise<ImapPollResult>;
  /** Ends the loop, waits for a poll in flight (which stops after its current message) and logs out. Safe to call twice. */
  stop(): Promise<void>;
}

/** Longest pause after repeated failures, in milliseconds. */
const MAX_BACKOFF_MS = 5 * 60_000;
/** Shortest pause, in milliseconds, so a zero interval cannot spin. */
const MIN_INTERVAL_MS = 1_000;

/**
 * Start polling: the first poll runs on the next turn of the event loop, then every `intervalMs`.
 * Throws a ConfigError at once when the URL cannot work.
 */
export function startImapPoller(options: ImapPollerOptions): ImapPoller {
  const config = parseImapUrl(options.url);
  const factory = options.clientFactory ?? createImapFlowClient;
  const { sink } = options;
  const logger = options.logger.child({ component: 'imap-poll', host: config.host, mailbox: config.mailbox });
  const intervalMs = Math.max(MIN_INTERVAL_MS, options.intervalMs);

  let client: ImapClientLike | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  // Polls run strictly one after another; the chain never rejects.
  let chain: Promise<unknown> = Promise.resolve();
  let stopping: Promise<void> | undefined;

  async function connected(): Promise<ImapClientLike> {
    if (client?.usable) return client;
    dropClient();
    const fresh = factory(config);
    fresh.on('error', (e) => {
      logger.warn({ event: 'connection_error', error: toBatonError(e).message }, 'IMAP connection failed; reconnecting on the next poll');
    });
    try {
      await fresh.connect();
    } catch (e: unknown) {
      fresh.close();
      throw e;
    }
    client = fresh;
    logger.info({ event: 'connected' }, 'connected to the IMAP server');
    return fresh;
  }

  function dropClient(): void {
    client?.close();
    client = undefined;
  }

  async function poll(): Promise<ImapPollResult> {
    let fetched = 0;
    let stored = 0;
    let failed = 0;
    if (stopped) return { fetched, stored, failed };
    try {
      const imap = await connected();
      const lock = await imap.getMailboxLock(config.mailbox);
      try {
        const found = await imap.search({ seen: false, deleted: false }, { uid: true });
        const uids = (found || []).slice().sort((a, b) => a - b);
        for (const uid of uids) {
          // stop() waits for this poll; it should not have to wait for a whole full mailbox.
          if (stopped) break;
          const range = String(uid);
          // Each message is fetched on its own: imapflow must not run other commands (the \Seen
          // store) inside a fetch() iteration, and one message at a time bounds the memory used.
          const message = await imap.fetchOne(range, { uid: true, source: true }, { uid: true });
          if (message === false) continue; // expunged since the search
          fetched += 1;
          const raw = message.source;
          if (raw === undefined || raw.length === 0) {
            failed += 1;
            logger.warn({ event: 'message_empty', uid }, 'an unseen IMAP message has no source; left unseen');
            continue;
          }
          let result: { id: string; duplicate: boolean };
          try {
            result = await sink(raw, { via: 'imap' });
          } catch (e: unknown) {
            failed += 1;
            const err = toBatonError(e);
            logger.error({ event: 'message_not_stored', uid, bytes: raw.length, code: err.code, error: err.message }, 'could not store an IMAP message; left unseen for the next poll');
            continue;
          }
          stored += 1;
          logger.info({ event: 'message_stored', uid, id: result.id, duplicate: result.duplicate, bytes: raw.length }, 'stored an IMAP message');
          await imap.messageFlagsAdd(range, ['\\Seen'], { uid: true });
        }
      } finally {
        lock.release();
      }
    } catch (e: unknown) {
      // The connection is suspect after any IMAP failure: the next poll starts afresh.
      dropClient();
      throw e;
    }
    return { fetched, stored, failed };
  }

  function pollOnce(): Promise<ImapPollResult> {
    const run = chain.then(poll);
    chain = run.catch(() => undefined);
    return run;
  }

  async function tick(): Promise<void> {
    timer = undefined;
    let delay = intervalMs;
    try {
      const result = await pollOnce();
      failures = 0;
      if (result.fetched > 0) logger.info({ event: 'polled', ...result }, 'IMAP poll done');
    } catch (e: unknown) {
      failures += 1;
      delay = retryDelayMs(intervalMs, failures);
      const err = toBatonError(e);
      logger.warn({ event: 'poll_failed', failures, retryInMs: delay, code: err.code, error: err.message }, 'IMAP poll failed');
    }
    if (!stopped) timer = setTimeout(() => void tick(), delay);
  }

  timer = setTimeout(() => void tick(), 0);

  return {
    pollOnce,
    stop(): Promise<void> {
      stopping ??= (async () => {
        stopped = true;
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        await chain;
        const last = client;
        client = undefined;
        if (last === undefined) return;
        if (!last.usable) {
          last.close();
          return;
        }
        try {
          await last.logout();
        } catch {
          // LOGOUT is a courtesy; a connection that fails it is simply dropped.
          last.close();
        }
        logger.info({ event: 'stopped' }, 'IMAP poller stopped');
      })();
      return stopping;
    },
  };
}

/** The pause after `failures` failed polls in a row (1 or more): the interval, doubled per further failure, at most 5 minutes. */
export function retryDelayMs(intervalMs: number, failures: number): number {
  return Math.min(MAX_BACKOFF_MS, Math.max(MIN_INTERVAL_MS, intervalMs) * 2 ** Math.min(Math.max(failures - 1, 0), 20));
}

/** The default client: imapflow, with its own logging off (it would log mailbox contents at debug). */
export function createImapFlowClient(config: ImapConnectionConfig): ImapClientLike {
  // Returning an ImapFlow as ImapClientLike is the compile-time check that the interface matches
  // imapflow's signatures. The constructor only stores options; nothing connects before connect().
  return new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: { user: config.user, pass: config.password },
    logger: false,
  });
}

/**
 * Parse `imaps://user:pass@host[:port]/MAILBOX`. User, password and mailbox are percent-decoded;
 * the port defaults to 993 for imaps:// and 143 for imap://; the mailbox defaults to INBOX.
 * Errors never repeat the URL, which carries a password.
 */
export function parseImapUrl(url: string): ImapConnectionConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('IMAP_URL is not a valid URL; write it as imaps://user:password@imap.example.com/INBOX, percent-encoding @, : and / in the user and password');
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'imap' && scheme !== 'imaps') throw new ConfigError(`IMAP_URL must start with imaps:// or imap://, not ${scheme}://`);
  // URL keeps the brackets around an IPv6 literal; sockets want the bare address.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new ConfigError('IMAP_URL names no host; write it as imaps://user:password@imap.example.com/INBOX');
  if (parsed.search !== '' || parsed.hash !== '') throw new ConfigError('IMAP_URL takes no ?query or #fragment; percent-encode ? and # in the password');
  const secure = scheme === 'imaps';
  const port = parsed.port === '' ? (secure ? 993 : 143) : Number(parsed.port);
  const user = decodePart(parsed.username, 'user name');
  const password = decodePart(parsed.password, 'password');
  if (user === '') throw new ConfigError('IMAP_URL names no user; write it as imaps://user:password@imap.example.com/INBOX');
  const mailbox = decodePart(parsed.pathname.replace(/^\/+/, '').replace(/\/+$/, ''), 'mailbox');
  return { host, port, secure, user, password, mailbox: mailbox === '' ? 'INBOX' : mailbox };
}

function decodePart(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ConfigError(`the ${what} in IMAP_URL has a broken percent-escape; write a literal % as %25`);
  }
}
