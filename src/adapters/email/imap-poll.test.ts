import { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundSink } from '../../app/mail-ports.ts';
import { ConfigError } from '../../domain/errors.ts';
import { silentLogger } from '../log.ts';
import { createImapFlowClient, parseImapUrl, retryDelayMs, startImapPoller, type ImapClientLike, type ImapConnectionConfig, type ImapPoller } from './imap-poll.ts';

interface FakeMessage {
  readonly uid: number;
  readonly source: Buffer | undefined;
  seen: boolean;
  deleted?: boolean;
}

/** One scripted mailbox shared by every connection the poller opens; `events` records the calls in order. */
class FakeMailbox {
  readonly messages: FakeMessage[] = [];
  readonly events: string[] = [];
  readonly configs: ImapConnectionConfig[] = [];
  readonly clients: FakeImapClient[] = [];
  /** The next `failConnects` connect() calls reject. */
  failConnects = 0;
  /** UIDs SEARCH reports that are gone by FETCH (expunged in between). */
  readonly phantomUids: number[] = [];
  /** fetchOne of this UID breaks the connection. */
  breakOnFetch: number | undefined;
  locked = false;

  add(uid: number, text: string | undefined, seen = false): void {
    this.messages.push({ uid, source: text === undefined ? undefined : Buffer.from(text), seen });
  }

  factory = (config: ImapConnectionConfig): ImapClientLike => {
    this.configs.push(config);
    const client = new FakeImapClient(this);
    this.clients.push(client);
    return client;
  };
}

class FakeImapClient implements ImapClientLike {
  usable = false;
  loggedOut = false;
  closed = false;
  onError: ((error: Error) => void) | undefined;

  constructor(private readonly box: FakeMailbox) {}

  connect(): Promise<void> {
    this.box.events.push('connect');
    if (this.box.failConnects > 0) {
      this.box.failConnects -= 1;
      return Promise.reject(new Error('ECONNREFUSED'));
    }
    this.usable = true;
    return Promise.resolve();
  }

  async getMailboxLock(path: string): Promise<{ release(): void }> {
    this.live();
    if (this.box.locked) throw new Error('lock taken twice: polls overlapped');
    this.box.locked = true;
    this.box.events.push(`lock ${path}`);
    return { release: () => ((this.box.locked = false), void this.box.events.push('release')) };
  }

  async search(query: { seen: false; deleted: false }, options: { uid: true }): Promise<number[]> {
    this.live();
    expect(query).toEqual({ seen: false, deleted: false });
    expect(options).toEqual({ uid: true });
    // Servers answer SEARCH in no promised order; the poller sorts.
    return [...this.box.phantomUids, ...this.box.messages.filter((m) => !m.seen && !m.deleted).map((m) => m.uid)].reverse();
  }

  async fetchOne(range: string, query: { uid: true; source: true }, options: { uid: true }): Promise<{ uid: number; source?: Buffer } | false> {
    this.live();
    expect(query).toEqual({ uid: true, source: true });
    expect(options).toEqual({ uid: true });
    this.box.events.push(`fetch ${range}`);
    if (this.box.breakOnFetch === Number(range)) {
      this.box.breakOnFetch = undefined;
      this.usable = false;
      this.onError?.(new Error('connection reset'));
      throw new Error('connection reset');
    }
    const m = this.box.messages.find((x) => x.uid === Number(range));
    return m ? { uid: m.uid, ...(m.source ? { source: m.source } : {}) } : false;
  }

  async messageFlagsAdd(range: string, flags: string[], options: { uid: true }): Promise<boolean> {
    this.live();
    expect(options).toEqual({ uid: true });
    this.box.events.push(`flag ${range} ${flags.join(' ')}`);
    const m = this.box.messages.find((x) => x.uid === Number(range));
    if (m && flags.includes('\\Seen')) m.seen = true;
    return true;
  }

  async logout(): Promise<void> {
    this.box.events.push('logout');
    this.loggedOut = true;
    this.usable = false;
  }

  close(): void {
    if (!this.closed) this.box.events.push('close');
    this.closed = true;
    this.usable = false;
  }

  on(_event: 'error', listener: (error: Error) => void): this {
    this.onError = listener;
    return this;
  }

  private live(): void {
    if (!this.usable) throw new Error('not connected');
  }
}

/** A sink that stores in order and refuses the sources in `refuse` (a set the test may change). */
function recordingSink(refused: readonly string[] = []): { sink: InboundSink; stored: string[]; calls: Array<Parameters<InboundSink>[1]>; refuse: Set<string> } {
  const stored: string[] = [];
  const calls: Array<Parameters<InboundSink>[1]> = [];
  const refuse = new Set(refused);
  const sink: InboundSink = async (raw, meta) => {
    calls.push(meta);
    const text = raw.toString();
    if (refuse.has(text)) throw new Error('could not store');
    stored.push(text);
    return { id: `in-${stored.length}`, duplicate: false };
  };
  return { sink, stored, calls, refuse };
}

const pollers: ImapPoller[] = [];
afterEach(async () => {
  for (const p of pollers.splice(0)) await p.stop();
});

const URL_WITH_SECRETS = 'imaps://baton%40example.com:p%40ss%3Aw%2Frd@imap.example.com/INBOX';

function start(box: FakeMailbox, sink: InboundSink, intervalMs = 3_600_000): ImapPoller {
  const poller = startImapPoller({ url: URL_WITH_SECRETS, intervalMs, sink, logger: silentLogger(), clientFactory: box.factory });
  pollers.push(poller);
  return poller;
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 2));
}

/**
 * A poller whose own first poll has already run over the (so far empty) mailbox; with an interval
 * of an hour the loop then sleeps, and the test drives every further poll with pollOnce().
 */
async function startIdle(box: FakeMailbox, sink: InboundSink): Promise<ImapPoller> {
  const poller = start(box, sink);
  await until(() => box.events.includes('release'));
  box.events.length = 0;
  return poller;
}

describe('startImapPoller', () => {
  it('polls at once on start, connecting with the credentials from the URL', async () => {
    const box = new FakeMailbox();
    box.add(1, 'one');
    const { sink, stored } = recordingSink();
    start(box, sink);
    await until(() => stored.length === 1);
    expect(box.configs).toEqual([{ host: 'imap.example.com', port: 993, secure: true, user: 'baton@example.com', password: 'p@ss:w/rd', mailbox: 'INBOX' }]);
  });

  it('stores unseen messages in UID order, marking each seen only after the sink took it', async () => {
    const box = new FakeMailbox();
    const { sink, stored, calls } = recordingSink();
    const poller = await startIdle(box, sink);
    box.add(7, 'seven');
    box.add(3, 'three');
    box.add(5, 'five', true);
    expect(await poller.pollOnce()).toEqual({ fetched: 2, stored: 2, failed: 0 });
    expect(stored).toEqual(['three', 'seven']);
    expect(calls).toEqual([{ via: 'imap' }, { via: 'imap' }]);
    expect(box.events).toEqual(['lock INBOX', 'fetch 3', 'flag 3 \\Seen', 'fetch 7', 'flag 7 \\Seen', 'release']);
    expect(box.messages.map((m) => [m.uid, m.seen])).toEqual([[7, true], [3, true], [5, true]]);
  });

  it('leaves a message the sink refuses unseen, goes on with the next, and takes it on a later poll', async () => {
    const box = new FakeMailbox();
    const refusing = recordingSink(['two']);
    const poller = await startIdle(box, refusing.sink);
    box.add(1, 'one');
    box.add(2, 'two');
    box.add(3, 'three');
    expect(await poller.pollOnce()).toEqual({ fetched: 3, stored: 2, failed: 1 });
    expect(refusing.stored).toEqual(['one', 'three']);
    expect(box.events.filter((e) => e.startsWith('flag'))).toEqual(['flag 1 \\Seen', 'flag 3 \\Seen']);
    expect(box.messages.find((m) => m.uid === 2)!.seen).toBe(false);

    refusing.refuse.clear();
    expect(await poller.pollOnce()).toEqual({ fetched: 1, stored: 1, failed: 0 });
    expect(refusing.stored).toEqual(['one', 'three', 'two']);
    expect(box.messages.every((m) => m.seen)).toBe(true);
  });

  it('counts a message without a source as failed and leaves it unseen', async () => {
    const box = new FakeMailbox();
    const { sink, stored } = recordingSink();
    const poller = await startIdle(box, sink);
    box.add(1, undefined);
    box.add(2, 'two');
    expect(await poller.pollOnce()).toEqual({ fetched: 2, stored: 1, failed: 1 });
    expect(stored).toEqual(['two']);
    expect(box.messages.map((m) => m.seen)).toEqual([false, true]);
  });

  it('skips deleted messages and those expunged between search and fetch', async () => {
    const box = new FakeMailbox();
    const { sink, stored } = recordingSink();
    const poller = await startIdle(box, sink);
    box.add(1, 'one');
    box.messages.push({ uid: 2, source: Buffer.from('two'), seen: false, deleted: true });
    box.phantomUids.push(9);
    expect(await poller.pollOnce()).toEqual({ fetched: 1, stored: 1, failed: 0 });
    expect(stored).toEqual(['one']);
    expect(box.events).toEqual(['lock INBOX', 'fetch 1', 'flag 1 \\Seen', 'fetch 9', 'release']);
  });

  it('keeps one connection across polls and never runs two polls at once', async () => {
    const box = new FakeMailbox();
    const poller = await startIdle(box, recordingSink().sink);
    box.add(1, 'one');
    // The fake's lock throws if a second poll took it while the first held it.
    const results = await Promise.all([poller.pollOnce(), poller.pollOnce(), poller.pollOnce()]);
    expect(results.map((r) => r.stored)).toEqual([1, 0, 0]);
    expect(box.clients).toHaveLength(1);
  });

  it('rejects a poll whose connection breaks, and reconnects on the next; what was stored before the break is not lost', async () => {
    const box = new FakeMailbox();
    const { sink, stored } = recordingSink();
    const poller = await startIdle(box, sink);
    box.add(1, 'one');
    box.add(2, 'two');
    box.breakOnFetch = 2;
    await expect(poller.pollOnce()).rejects.toThrow('connection reset');
    expect(stored).toEqual(['one']);
    expect(box.locked).toBe(false);
    expect(box.clients[0]!.closed).toBe(true);
    // The 'error' event went to the poller's listener, not to an unhandled EventEmitter error.
    expect(box.clients[0]!.onError).toBeTypeOf('function');
    expect(await poller.pollOnce()).toEqual({ fetched: 1, stored: 1, failed: 0 });
    expect(stored).toEqual(['one', 'two']);
    expect(box.clients).toHaveLength(2);
  });

  it('rejects a poll when connecting fails, closing the half-open client, and succeeds on the next', async () => {
    const box = new FakeMailbox();
    box.failConnects = 1;
    const poller = start(box, recordingSink().sink);
    await expect(poller.pollOnce()).rejects.toThrow('ECONNREFUSED');
    expect(box.clients[0]!.closed).toBe(true);
    await expect(poller.pollOnce()).resolves.toEqual({ fetched: 0, stored: 0, failed: 0 });
  });

  it('retries after a failed poll by itself, with backoff from the interval', async () => {
    const box = new FakeMailbox();
    box.failConnects = 1;
    box.add(1, 'one');
    const { sink, stored } = recordingSink();
    // Below the 1 s floor: the first poll fails at once, the retry comes a second later.
    start(box, sink, 10);
    await until(() => box.clients.length === 1 && box.clients[0]!.closed);
    await new Promise((r) => setTimeout(r, 300));
    expect(box.clients).toHaveLength(1);
    await until(() => stored.length === 1);
    expect(box.clients).toHaveLength(2);
  });

  it('stop() waits for the poll in flight, which ends after its current message, then logs out', async () => {
    const box = new FakeMailbox();
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stored: string[] = [];
    const sink: InboundSink = async (raw) => {
      await gate;
      stored.push(raw.toString());
      return { id: 'x', duplicate: false };
    };
    const poller = await startIdle(box, sink);
    box.add(1, 'one');
    box.add(2, 'two');
    const polling = poller.pollOnce();
    await until(() => box.events.includes('fetch 1'));
    const stopping = poller.stop();
    release();
    await stopping;
    expect(await polling).toEqual({ fetched: 1, stored: 1, failed: 0 });
    expect(stored).toEqual(['one']);
    expect(box.events).toEqual(['lock INBOX', 'fetch 1', 'flag 1 \\Seen', 'release', 'logout']);
    // After stop() nothing connects again, and a second stop() is harmless.
    expect(await poller.pollOnce()).toEqual({ fetched: 0, stored: 0, failed: 0 });
    await poller.stop();
    expect(box.clients).toHaveLength(1);
    expect(box.clients[0]!.loggedOut).toBe(true);
  });

  it('stop() before the first poll opens no connection', async () => {
    const box = new FakeMailbox();
    const poller = start(box, recordingSink().sink, 10);
    await poller.stop();
    await new Promise((r) => setTimeout(r, 30));
    expect(box.events).toEqual([]);
  });

  it('throws a ConfigError for a URL that cannot work, before connecting', () => {
    const box = new FakeMailbox();
    expect(() => startImapPoller({ url: 'https://u:p@h/INBOX', intervalMs: 1000, sink: recordingSink().sink, logger: silentLogger(), clientFactory: box.factory })).toThrow(ConfigError);
    expect(box.configs).toEqual([]);
  });
});

describe('createImapFlowClient', () => {
  it('builds a real ImapFlow that has not connected', () => {
    const client = createImapFlowClient({ host: '127.0.0.1', port: 1, secure: true, user: 'u', password: 'p', mailbox: 'INBOX' });
    expect(client).toBeInstanceOf(ImapFlow);
    expect(client.usable).toBe(false);
    client.close();
  });
});

describe('retryDelayMs', () => {
  it('starts at the interval, doubles per failure, and stops at 5 minutes', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(60_000, n))).toEqual([60_000, 120_000, 240_000, 300_000]);
    expect(retryDelayMs(5_000, 100)).toBe(300_000);
    expect(retryDelayMs(10, 1)).toBe(1_000);
  });
});

describe('parseImapUrl', () => {
  it('decodes user and password, and defaults port 993 and INBOX for imaps://', () => {
    expect(parseImapUrl('imaps://replies%2Bbaton%40example.com:s3cr%40t%25%3A%2F%3F%23@imap.example.com')).toEqual({
      host: 'imap.example.com',
      port: 993,
      secure: true,
      user: 'replies+baton@example.com',
      password: 's3cr@t%:/?#',
      mailbox: 'INBOX',
    });
  });

  it('uses port 143 without TLS-from-the-start for imap://, an explicit port, and a nested mailbox', () => {
    expect(parseImapUrl('imap://u:p@localhost/INBOX/Baton%20Replies/')).toMatchObject({ host: 'localhost', port: 143, secure: false, mailbox: 'INBOX/Baton Replies' });
    expect(parseImapUrl('IMAPS://u:p@[::1]:1993/')).toMatchObject({ host: '::1', port: 1993, secure: true, mailbox: 'INBOX' });
    expect(parseImapUrl('imap://u@h:10143/Replies')).toMatchObject({ port: 10143, password: '', mailbox: 'Replies' });
  });

  it('refuses what cannot work, without repeating the password', () => {
    const cases = [
      'not a url hunter2',
      'pop3://u:hunter2@h/',
      'imaps://:hunter2@h/INBOX',
      'imaps://u:hunter2@h/INBOX?x=1',
      'imaps://u:hunter2%zz@h/INBOX',
      'imaps://u:hunter2@h/INBOX#frag',
    ];
    for (const url of cases) {
      let thrown: unknown;
      try {
        parseImapUrl(url);
      } catch (e: unknown) {
        thrown = e;
      }
      expect(thrown, url).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message).not.toContain('hunter2');
    }
  });
});
