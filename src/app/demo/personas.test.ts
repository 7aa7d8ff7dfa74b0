import { describe, expect, it } from 'vitest';
import { buildRawMessage } from '../../adapters/email/mime.ts';
import { answerText, composeAnswer, DEMO_DOMAIN, DEMO_PERSONAS, laterMonth, type DemoPersona, type FirstEmail } from './personas.ts';
import { shouldRunDemo, type DemoSwitch } from './should-run.ts';

describe('shouldRunDemo', () => {
  const embedded: DemoSwitch = { BATON_DEMO: 'auto', DATABASE_URL: undefined, SMTP_URL: undefined, SLACK_BOT_TOKEN: undefined };

  it('auto runs only on embedded defaults', () => {
    expect(shouldRunDemo(embedded)).toBe(true);
    expect(shouldRunDemo({ ...embedded, DATABASE_URL: 'postgres://db/baton' })).toBe(false);
    expect(shouldRunDemo({ ...embedded, SMTP_URL: 'smtp://mail.example.com' })).toBe(false);
    expect(shouldRunDemo({ ...embedded, SLACK_BOT_TOKEN: 'xoxb-1' })).toBe(false);
  });

  it('on and off win over the configuration', () => {
    expect(shouldRunDemo({ ...embedded, BATON_DEMO: 'off' })).toBe(false);
    expect(shouldRunDemo({ BATON_DEMO: 'on', DATABASE_URL: 'postgres://db/baton', SMTP_URL: 'smtp://mail.example.com', SLACK_BOT_TOKEN: 'xoxb-1' })).toBe(true);
  });
});

describe('the demo personas', () => {
  it('live only under the reserved demo domain, one account each, with unique keys', () => {
    const emails = DEMO_PERSONAS.flatMap((p) => [p.email, ...(p.referee ? [p.referee.email] : [])]);
    for (const e of emails) expect(e.endsWith(`.${DEMO_DOMAIN}`)).toBe(true);
    expect(new Set(DEMO_PERSONAS.map((p) => p.key)).size).toBe(DEMO_PERSONAS.length);
    expect(new Set(DEMO_PERSONAS.map((p) => p.email.split('@')[1])).size).toBe(DEMO_PERSONAS.length);
  });

  it('cover three MQLs, each other reply kind once, both languages and several countries', () => {
    const count = (b: string) => DEMO_PERSONAS.filter((p) => p.behaviour === b).length;
    expect([count('mql'), count('question'), count('not_now'), count('out_of_office'), count('unsubscribe'), count('referral')]).toEqual([3, 1, 1, 1, 1, 1]);
    expect(new Set(DEMO_PERSONAS.map((p) => p.lang))).toEqual(new Set(['en', 'zh']));
    expect(new Set(DEMO_PERSONAS.filter((p) => p.behaviour === 'mql').map((p) => p.country))).toEqual(new Set(['US', 'DE', 'CN']));
  });

  it('ask to hear from us three months on, whatever the month', () => {
    expect(laterMonth(new Date('2026-03-08T03:00:00Z'), 'UTC')).toBe('June');
    expect(laterMonth(new Date('2026-11-20T12:00:00Z'), 'UTC')).toBe('February');
    // 31 December 20:00 in Toronto is already January in UTC: the persona's own zone counts.
    expect(laterMonth(new Date('2027-01-01T01:00:00Z'), 'America/Toronto')).toBe('March');
  });

  const first: FirstEmail = {
    messageId: '<abc@sender.test>',
    from: '"Ann Seller" <ann@sender.test>',
    replyTo: 'reply+tokentokentokentoken@replies.sender.test',
    subject: 'Thanks for your message',
    text: 'Hi Maya,\nthanks for writing.',
    sentAt: new Date('2026-03-08T03:00:01Z'),
  };

  it('answer in the thread, to the reply address, with the original quoted; the out-of-office as an auto-reply', () => {
    const mql = DEMO_PERSONAS[0] as DemoPersona;
    const m = composeAnswer(mql, first, new Date('2026-03-08T03:00:21Z'));
    expect(m).toMatchObject({ to: first.replyTo, subject: 'Re: Thanks for your message', inReplyTo: first.messageId, references: [first.messageId] });
    expect(m.text).toContain('> thanks for writing.');
    expect(m.text.startsWith(answerText(mql, new Date()))).toBe(true);
    expect(m.headers).toBeUndefined();

    const away = DEMO_PERSONAS.find((p) => p.behaviour === 'out_of_office') as DemoPersona;
    const a = composeAnswer(away, first, new Date('2026-03-08T03:00:11Z'));
    expect(a.headers?.['Auto-Submitted']).toBe('auto-replied');
    expect(a.subject).toBe('自动回复: Thanks for your message');
    expect(a.text).toContain('3月13日');
  });

  it('compose to the same bytes twice, so the inbound store keeps one copy', async () => {
    for (const p of DEMO_PERSONAS) {
      const at = new Date('2026-03-08T03:01:00Z');
      const [x, y] = await Promise.all([buildRawMessage(composeAnswer(p, first, at)), buildRawMessage(composeAnswer(p, first, at))]);
      expect(x.equals(y)).toBe(true);
    }
  });
});
