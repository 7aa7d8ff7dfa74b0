import './node20.ts';
import type { App } from '@slack/bolt';
import { getChatSessionByThread } from '../db/store/chat.ts';
import type { ChatDeps } from '../../app/chat/deps.ts';
import { ChatError } from '../../app/chat/sessions.ts';
import { agentReply, releaseChat, takeOverChat } from '../../app/chat/takeover.ts';
import { findPerson } from '../../domain/desk/team.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Logger } from '../log.ts';
import { ACTIONS, TEAM_NOTE_PREFIX, withChatHolder, type SlackBlock } from './blocks.ts';
import { explain } from './handlers.ts';
import { escapeText, fromSlackMarkup } from './text.ts';

/**
 * The chat's Slack listeners: Take over and Release on a chat alert, and a person's reply in a chat's
 * thread, which goes to the visitor. Each translates Slack's shapes and calls one chat use-case; the
 * person is told, ephemerally, what happened or why nothing did.
 */
export interface ChatHandlerContext {
  /** The chat's deps; throws until bind() gave them. */
  deps(): ChatDeps;
  readonly logger: Logger;
  /** Wall-clock milliseconds, for how long handled messages are remembered. */
  readonly now: () => number;
}

type Client = App['client'];

/** The fields of a Slack `message` event the chat reads. */
export interface SlackMessageEvent {
  readonly type?: string;
  readonly subtype?: string;
  readonly channel?: string;
  readonly user?: string;
  readonly bot_id?: string;
  readonly text?: string;
  readonly ts?: string;
  readonly thread_ts?: string;
}

/** A person's reply in a thread: where, who, and what they wrote (still in Slack's markup). */
export interface ThreadReply {
  readonly channel: string;
  readonly threadTs: string;
  readonly ts: string;
  readonly user: string;
  readonly text: string;
}

/**
 * The reply a message event is, or null for anything that is not a person writing in a thread: bots
 * (our own mirror posts included), edits and deletions (message_changed, message_deleted), joins,
 * a thread's parent message, and notes to the team (starting with //). A reply also sent to the
 * channel (thread_broadcast) is still a reply.
 */
export function threadReplyOf(e: SlackMessageEvent): ThreadReply | null {
  if (e.type !== 'message' || e.bot_id) return null;
  if (e.subtype !== undefined && e.subtype !== 'thread_broadcast') return null;
  if (!e.channel || !e.user || !e.ts || !e.thread_ts || e.thread_ts === e.ts) return null;
  const text = e.text ?? '';
  if (!text.trim() || text.trimStart().startsWith(TEAM_NOTE_PREFIX)) return null;
  return { channel: e.channel, threadTs: e.thread_ts, ts: e.ts, user: e.user, text };
}

/** The person's sentence for a chat refusal; anything else goes to the desk's explain(). */
export function explainChat(e: unknown, logger: Logger, doing: 'takeover' | 'reply'): string {
  if (e instanceof ChatError && e.code === 'CHAT_TAKEN') return `${escapeText(e.message)}. ${doing === 'reply' ? 'Your message did not reach the visitor.' : 'Nothing was changed.'}`;
  if (e instanceof ChatError && e.code === 'CHAT_NOT_ALLOWED') {
    return doing === 'reply' ? 'Only SDRs and the team lead answer visitors; your message did not reach the visitor.' : 'Only SDRs and the team lead take chats over. Nothing was changed.';
  }
  if (e instanceof NotFoundError) return 'That chat no longer exists.';
  if (e instanceof ValidationError && doing === 'reply') return `Your message did not reach the visitor: ${escapeText(e.message)}.`;
  return explain(e, logger);
}

/** Slack resends events it got no timely answer for; a reply is sent to the visitor once. */
const REMEMBER_MS = 60 * 60_000;

interface ActionBody {
  user: { id: string };
  channel?: { id: string };
  container?: { channel_id?: string; message_ts?: string };
  message?: { ts?: string; thread_ts?: string; text?: string; blocks?: SlackBlock[] };
}

export function registerChatHandlers(app: App, ctx: ChatHandlerContext): void {
  const tell = async (client: Client, to: { channel: string; user: string; threadTs?: string | undefined }, text: string): Promise<void> => {
    try {
      await client.chat.postEphemeral({ channel: to.channel, user: to.user, text, ...(to.threadTs ? { thread_ts: to.threadTs } : {}) });
    } catch (e) {
      ctx.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'slack: could not tell the person');
    }
  };

  /** Redraws the clicked alert's "who has the chat" line; the change itself is stored already. */
  const redraw = async (client: Client, b: ActionBody, takenBy: string | null): Promise<void> => {
    const channel = b.channel?.id ?? b.container?.channel_id;
    const ts = b.message?.ts ?? b.container?.message_ts;
    const blocks = withChatHolder(b.message?.blocks, takenBy ? { id: takenBy.replace(/^user:/, '') } : null);
    if (!channel || !ts || !blocks) return;
    try {
      await client.chat.update({ channel, ts, blocks: blocks as never, text: b.message?.text ?? 'Website chat' });
    } catch (e) {
      ctx.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'slack: could not redraw the chat alert');
    }
  };

  const button = (actionId: string, work: (deps: ChatDeps, sessionId: string, actor: string) => Promise<{ taken_by: string | null }>, done: (holder: string | null) => string) =>
    app.action(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const b = body as ActionBody;
      const to = { channel: b.channel?.id ?? b.container?.channel_id ?? '', user: b.user.id, threadTs: b.message?.thread_ts };
      const sessionId = (action as { value?: string }).value ?? '';
      try {
        const r = await work(ctx.deps(), sessionId, `user:${b.user.id}`);
        await redraw(client, b, r.taken_by);
        await tell(client, to, done(r.taken_by));
      } catch (e) {
        await tell(client, to, explainChat(e, ctx.logger, 'takeover'));
      }
    });

  button(ACTIONS.chatTakeOver, takeOverChat, () => 'You have this chat now: your replies in this thread go to the visitor, and the bot stays quiet until you press Release.');
  button(ACTIONS.chatRelease, releaseChat, () => 'The bot answers this chat again.');

  // Replies in a chat's thread, with the Slack message (channel and ts) remembered so a retried event is sent once.
  const handled = new Map<string, number>();
  const firstTime = (key: string): boolean => {
    const now = ctx.now();
    for (const [k, until] of handled) {
      if (until > now) break;
      handled.delete(k);
    }
    if (handled.has(key)) return false;
    handled.set(key, now + REMEMBER_MS);
    return true;
  };

  app.event('message', async ({ event, client }) => {
    const reply = threadReplyOf(event as SlackMessageEvent);
    if (!reply) return;
    const deps = ctx.deps();
    const session = await getChatSessionByThread(deps.db, reply.channel, reply.threadTs);
    if (!session) return;
    const key = `${reply.channel}:${reply.ts}`;
    if (!firstTime(key)) return;
    const text = fromSlackMarkup(reply.text, (id) => findPerson(deps.team, id)?.name ?? null);
    try {
      await agentReply(deps, session.id, `user:${reply.user}`, text, { via: 'slack', messageId: `slack:${reply.channel}:${reply.ts}` });
    } catch (e) {
      // A refusal stays refused; an unexpected failure may be tried again when Slack resends the event.
      if (!(e instanceof ChatError || e instanceof ValidationError || e instanceof NotFoundError)) handled.delete(key);
      await tell(client, { channel: reply.channel, user: reply.user, threadTs: reply.threadTs }, explainChat(e, ctx.logger, 'reply'));
    }
  });
}
