import { describe, expect, it } from 'vitest';
import { autoReplySignals, isAutoReply } from './auto-reply.ts';
import type { MailMessage } from './message.ts';

const message = (headers: Record<string, string>, subject: string, text: string): MailMessage => ({
  headers: Object.entries(headers).map(([name, value]) => ({ name: name.toLowerCase(), value })),
  subject,
  from: 'someone@acme.example',
  date: null,
  contentType: 'text/plain',
  contentTypeParams: {},
  text,
  parts: [],
});

describe('auto-replies', () => {
  it('follows RFC 3834 Auto-Submitted, X-Autoreply and Precedence', () => {
    expect(isAutoReply(message({ 'Auto-Submitted': 'auto-replied' }, 'Re: hi', 'Thanks'))).toBe(true);
    expect(isAutoReply(message({ 'X-Autoreply': 'yes' }, 'Re: hi', 'Thanks'))).toBe(true);
    expect(isAutoReply(message({ Precedence: 'auto_reply' }, 'Re: hi', 'Thanks'))).toBe(true);
    expect(isAutoReply(message({ 'Auto-Submitted': 'no' }, 'Re: hi', 'Sounds good'))).toBe(false);
  });

  it('needs more than Precedence: bulk, which newsletters send too', () => {
    expect(isAutoReply(message({ Precedence: 'bulk' }, 'Our spring newsletter', 'News'))).toBe(false);
    expect(autoReplySignals(message({ Precedence: 'bulk' }, 'Out of Office: hi', ''))).toEqual(['precedence', 'subject']);
  });

  it('recognises the usual subjects and wording in English and Chinese', () => {
    expect(isAutoReply(message({}, 'Automatic reply: Quick question', ''))).toBe(true);
    expect(isAutoReply(message({}, '自动回复：您好', ''))).toBe(true);
    expect(isAutoReply(message({}, 'Re: hi', 'I am currently out of the office until Monday.'))).toBe(true);
    expect(isAutoReply(message({}, 'Re: hi', '您好，我正在休假，回来后回复您。'))).toBe(true);
  });

  it('leaves a person talking about their vacation alone', () => {
    expect(isAutoReply(message({}, 'Re: Quick question', 'Happy to talk after my vacation, how about the 20th?'))).toBe(false);
    expect(isAutoReply(message({}, 'Re: Quick question', "I'm on vacation next week, can we talk after?\n\nOn Mon, Mar 4 SDR wrote:\n> Hi"), true)).toBe(false);
    expect(isAutoReply(message({}, 'Re: Quick question', 'Sure. One thing first: our team grew a lot. I am out of the office on Friday.'))).toBe(false);
  });
});
