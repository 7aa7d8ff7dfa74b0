import './node20.ts';
import { webApi } from '@slack/bolt';
import type { DeskNotifier, MessageRef } from '../../app/desk/notifier.ts';
import { NotifierError } from '../../app/desk/notifier.ts';
import type { Person } from '../../domain/desk/team.ts';
import type { Logger } from '../log.ts';
import { candidateCard, chatAlertMessage, chatMirrorMessage, escalationMessage, handoffMessage, reminderMessage, summaryMessage, type SlackMessage } from './blocks.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** Slack errors no retry can fix, with what a person must do about each. */
const FIX: Readonly<Record<string, string>> = {
  channel_not_found: 'the channel was not found: check SLACK_CHANNEL_ID (a channel id such as C0123ABC, not its name)',
  is_archived: 'the channel is archived: unarchive it, or point SLACK_CHANNEL_ID at another channel',
  not_in_channel: 'the Baton app is not a member of the channel: invite it there (/invite @Baton)',
  token_revoked: 'the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN',
  invalid_auth: 'the bot token is not valid: check SLACK_BOT_TOKEN (xoxb-...)',
  not_authed: 'no bot token was sent: set SLACK_BOT_TOKEN',
  account_inactive: 'the bot or its workspace is deactivated: reinstall the app and update SLACK_BOT_TOKEN',
  missing_scope: 'the app lacks a permission: add the scopes of config/slack-manifest.yaml and reinstall',
  user_not_found: 'a person in the team file is not a user of this workspace: check the ids in BATON_TEAM_FILE',
  cannot_dm_bot: 'a person in the team file is a bot: check the ids in BATON_TEAM_FILE',
};

/** Slack's own hiccups: worth another try later. */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);

const RATE_LIMIT_MESSAGE = /rate limit was exceeded.*retry-after: (\d+)/i;

/**
 * Maps a Web API failure to a NotifierError: rate limits (once the client's own retries honouring
 * Retry-After are spent) and Slack's outages are retryable; a wrong channel or a dead token is not,
 * and its message says what to fix. The candidate stays queued either way.
 */
export function toNotifierError(e: unknown, method: string): NotifierError {
  if (e instanceof NotifierError) return e;
  if (e instanceof webApi.WebAPIPlatformError) {
    const code = e.data.error;
    const fix = FIX[code];
    if (fix) return new NotifierError(`Slack ${method} failed: ${fix}`, { code: `SLACK_${code.toUpperCase()}`, retryable: false, cause: e });
    const retryable = TRANSIENT.has(code);
    return new NotifierError(`Slack ${method} failed: ${code}`, { code: `SLACK_${code.toUpperCase()}`, retryable, cause: e });
  }
  if (e instanceof webApi.WebAPIRateLimitedError) {
    return new NotifierError(`Slack ${method} is rate limited; retry in ${e.retryAfter} s`, { code: 'SLACK_RATE_LIMITED', retryable: true, retryAfterMs: e.retryAfter * 1000, cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  const limited = RATE_LIMIT_MESSAGE.exec(message);
  if (limited) {
    const sec = Number(limited[1]);
    return new NotifierError(`Slack ${method} is still rate limited after retries; retry in ${sec} s`, { code: 'SLACK_RATE_LIMITED', retryable: true, retryAfterMs: sec * 1000, cause: e });
  }
  if (e instanceof webApi.WebAPIHTTPError) {
    return new NotifierError(`Slack ${method} answered HTTP ${e.statusCode}`, { code: 'SLACK_HTTP_ERROR', retryable: e.statusCode >= 500, cause: e });
  }
  // A network failure (WebAPIRequestError) or anything unexpected: the job retries with backoff.
  return new NotifierError(`Slack ${method} failed: ${message}`, { code: 'SLACK_REQUEST_FAILED', retryable: true, cause: e });
}

/** The DeskNotifier over Slack's Web API: cards in the team channel, DMs to owners, the team lead and AEs. */
export class SlackNotifier implements DeskNotifier {
  readonly kind = 'slack' as const;

  constructor(
    private readonly client: WebClient,
    private readonly channelId: string,
    private readonly logger: Logger,
  ) {}

  async showCard(card: Parameters<DeskNotifier['showCard']>[0], ref: MessageRef | null): Promise<MessageRef | null> {
    return this.postOrUpdate(this.channelId, candidateCard(card), ref);
  }

  async remind(owner: Person, card: Parameters<DeskNotifier['remind']>[1], ref: MessageRef | null): Promise<void> {
    await this.dm(owner.id, reminderMessage(card, await this.permalink(ref)));
  }

  async escalate(input: Parameters<DeskNotifier['escalate']>[0]): Promise<void> {
    const link = await this.permalink(input.ref);
    const msg = escalationMessage({ card: input.card, from: input.from, to: input.to, cardLink: link });
    // In the card's thread, so the channel sees it where the card is; the channel itself when the card is not posted.
    const ref = input.ref;
    await this.call('chat.postMessage', () =>
      ref
        ? this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, reply_broadcast: true, text: msg.text, blocks: msg.blocks, unfurl_links: false })
        : this.client.chat.postMessage({ channel: this.channelId, text: msg.text, blocks: msg.blocks, unfurl_links: false }),
    );
    await this.dm(input.teamLead.id, msg);
  }

  async summary(stats: Parameters<DeskNotifier['summary']>[0]): Promise<void> {
    const msg = summaryMessage(stats);
    await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel: this.channelId, text: msg.text, blocks: msg.blocks, unfurl_links: false }));
  }

  async handoff(ae: Person, view: Parameters<DeskNotifier['handoff']>[1], ref: MessageRef | null): Promise<MessageRef | null> {
    const msg = handoffMessage(view);
    if (ref) return this.postOrUpdate(ref.channel, msg, ref);
    return this.postOrUpdate(await this.openDm(ae.id), msg, null);
  }

  /**
   * The alert that a chat needs a person. Posted in the channel, it starts the chat's thread; when the
   * chat already has one (its lead's candidate card), it goes into that thread, which stays the chat's.
   */
  async chatAlert(alert: Parameters<DeskNotifier['chatAlert']>[0], ref: MessageRef | null): Promise<MessageRef | null> {
    const msg = chatAlertMessage(alert);
    const res = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel: ref?.channel ?? this.channelId, ...(ref ? { thread_ts: ref.ts } : {}), text: msg.text, blocks: msg.blocks, unfurl_links: false, unfurl_media: false }),
    );
    if (ref) return ref;
    if (!res.ts) throw new NotifierError('Slack chat.postMessage answered without a message timestamp', { code: 'SLACK_BAD_ANSWER', retryable: true });
    return { channel: res.channel ?? this.channelId, ts: res.ts };
  }

  async chatMirror(entry: Parameters<DeskNotifier['chatMirror']>[0], ref: MessageRef): Promise<void> {
    const msg = chatMirrorMessage(entry);
    await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, text: msg.text, blocks: msg.blocks, unfurl_links: false, unfurl_media: false }));
  }

  private async postOrUpdate(channel: string, msg: SlackMessage, ref: MessageRef | null): Promise<MessageRef> {
    if (ref) {
      await this.call('chat.update', () => this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: msg.text, blocks: msg.blocks }));
      return ref;
    }
    const res = await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel, text: msg.text, blocks: msg.blocks, unfurl_links: false, unfurl_media: false }));
    if (!res.ts) throw new NotifierError('Slack chat.postMessage answered without a message timestamp', { code: 'SLACK_BAD_ANSWER', retryable: true });
    return { channel: res.channel ?? channel, ts: res.ts };
  }

  private async dm(userId: string, msg: SlackMessage): Promise<void> {
    const channel = await this.openDm(userId);
    await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel, text: msg.text, blocks: msg.blocks, unfurl_links: false }));
  }

  private async openDm(userId: string): Promise<string> {
    const res = await this.call('conversations.open', () => this.client.conversations.open({ users: userId }));
    const id = res.channel?.id;
    if (!id) throw new NotifierError(`Slack conversations.open gave no channel for ${userId}`, { code: 'SLACK_BAD_ANSWER', retryable: true });
    return id;
  }

  /** A link to the card for DMs; the DM still goes out without it. */
  private async permalink(ref: MessageRef | null): Promise<string | null> {
    if (!ref) return null;
    try {
      const res = await this.client.chat.getPermalink({ channel: ref.channel, message_ts: ref.ts });
      return res.permalink ?? null;
    } catch (e) {
      this.logger.debug({ err: toNotifierError(e, 'chat.getPermalink').code }, 'slack: no permalink for the card');
      return null;
    }
  }

  private async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const err = toNotifierError(e, method);
      this.logger.warn({ code: err.code, retryable: err.retryable, retryAfterMs: err.retryAfterMs }, `slack: ${method} failed`);
      throw err;
    }
  }
}
