import { describe, expect, it } from 'vitest';
import { threadReplyOf } from './chat-handlers.ts';

const base = { type: 'message', channel: 'C0DESK', user: 'U1', text: 'hello', ts: '1700000002.000001', thread_ts: '1700000001.000001' };

describe('which message events are replies to a chat', () => {
  it('a person writing in a thread, also when the reply is broadcast to the channel', () => {
    expect(threadReplyOf(base)).toEqual({ channel: 'C0DESK', threadTs: '1700000001.000001', ts: '1700000002.000001', user: 'U1', text: 'hello' });
    expect(threadReplyOf({ ...base, subtype: 'thread_broadcast' })).not.toBeNull();
  });

  it('not bots, edits, deletions, joins, the thread parent, empty text, or notes to the team', () => {
    expect(threadReplyOf({ ...base, bot_id: 'B1' })).toBeNull();
    for (const subtype of ['message_changed', 'message_deleted', 'bot_message', 'channel_join', 'file_share']) expect(threadReplyOf({ ...base, subtype })).toBeNull();
    expect(threadReplyOf({ ...base, thread_ts: base.ts })).toBeNull();
    expect(threadReplyOf({ ...base, thread_ts: undefined })).toBeNull();
    expect(threadReplyOf({ ...base, text: '   ' })).toBeNull();
    expect(threadReplyOf({ ...base, text: '  // she is on the enterprise plan' })).toBeNull();
    expect(threadReplyOf({ ...base, user: undefined })).toBeNull();
  });
});
