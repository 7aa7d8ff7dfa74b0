import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyMail, type MailKind } from '../../domain/mail/classify.ts';
import { header, type MailMessage } from '../../domain/mail/message.ts';
import { parseMail } from './parse.ts';

/**
 * Inbound mail end to end on real MIME: the hand-written client fixtures in test/fixtures/mail/inbound
 * (see its README for what each one models) and the shared bounce corpus, which lives outside the
 * repository.
 */

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/mail/inbound/', import.meta.url));
const BOUNCES = fileURLToPath(new URL('../../../../shared/data/bounces/', import.meta.url));
/** Only used for messages without a Date: header; every fixture has one. */
const NOW = new Date('2026-11-24T12:00:00Z');
const REPLY_ADDRESS = 'reply+tok_abc123@replies.baton.test';

interface Case {
  readonly file: string;
  readonly kind: MailKind;
  /** The writer's new words, exactly, compared with runs of white space collapsed to one space. */
  readonly words?: string;
  /** For automatic replies: sentences the visible text must contain. */
  readonly contains?: readonly string[];
  /** Signature or quoted text that must not be visible, beyond the checks every fixture gets. */
  readonly hidden?: readonly string[];
  /** YYYY-MM-DD, or null when the message states no return date. */
  readonly returnDate: string | null;
  /** The Baton Message-ID the message answers. */
  readonly inReplyTo: string;
  /** A defect outside the mail rules: what the visible text is today, and why. */
  readonly knownIssue?: { readonly why: string; readonly words: string };
}

const baton = (n: string): string => `<0193a1b2-${n}-7e6f-8a9b-0c1d2e3f4a5b@baton.test>`;

const CASES: readonly Case[] = [
  {
    file: 'gmail-en.eml',
    kind: 'reply',
    words: "Hi Ann, Timing is good — we're rebuilding our outbound process for Q1. Could you do Thursday at 2pm ET? Please loop in Marcus Chen, our RevOps lead.",
    hidden: ['Dana Whitfield', 'VP Sales', '555-0142'],
    returnDate: null,
    inReplyTo: baton('4c01'),
  },
  {
    file: 'gmail-zh.eml',
    kind: 'reply',
    words: 'Ann 你好， 感谢来信。我们明年一季度确实打算扩充销售团队，预算大概在每年 20 万元左右。下周二下午可以聊 30 分钟。',
    hidden: ['陈静', '销售运营总监'],
    returnDate: null,
    inReplyTo: baton('4c02'),
  },
  {
    file: 'outlook-en.eml',
    kind: 'reply',
    words: 'Hi Ann, We already use a sequencing tool, but the approval step is interesting. We’re a team of 12 – can you send pricing before we book time?',
    hidden: ['Thanks,', 'Priya Raman', 'Contoso Ltd'],
    returnDate: null,
    inReplyTo: baton('4c03'),
  },
  {
    file: 'outlook-original-message.eml',
    kind: 'reply',
    words: 'Works for us. Please send the invite to me and to Nina Vogel (nina.vogel@fabrikam.example), Tuesday 10:00 CET.',
    hidden: ['Regards', 'Tom Becker', 'Fabrikam GmbH'],
    returnDate: null,
    inReplyTo: baton('4c04'),
  },
  {
    file: 'outlook-web-html-only.eml',
    kind: 'reply',
    words: "Hi Ann, I'm not the right person for this. Our outbound team reports to Grace Kim (grace.kim@tailspin.example), please reach out to her directly.",
    hidden: ['Omar Haddad', 'Finance Manager'],
    returnDate: null,
    inReplyTo: baton('4c05'),
  },
  {
    file: 'outlook-zh.eml',
    kind: 'reply',
    words: 'Ann，你好： 我们正在评估几款销售自动化工具，明年1月底前会定下来。请先发一份产品介绍和报价给我。',
    hidden: ['王磊', '销售副总裁', '010-5555-0199'],
    returnDate: null,
    inReplyTo: baton('4c06'),
  },
  {
    file: 'apple-mail.eml',
    kind: 'reply',
    words: 'Hi Ann, Not the right time for us — we signed a two-year contract with another vendor in September. Feel free to check back next autumn.',
    hidden: ['Best,', 'Lukas'],
    returnDate: null,
    inReplyTo: baton('4c07'),
  },
  {
    file: 'iphone.eml',
    kind: 'reply',
    words: 'Yes, interested. I’m on the road this week — can we do Monday at 11 CT instead?',
    returnDate: null,
    inReplyTo: baton('4c08'),
  },
  {
    file: 'iphone-zh.eml',
    kind: 'reply',
    words: '好的，周四下午两点可以，到时候直接打我手机。',
    returnDate: null,
    inReplyTo: baton('4c09'),
  },
  {
    file: 'qq-gbk.eml',
    kind: 'reply',
    words: '您好， 我们是做跨境电商的，销售团队12个人。想先了解一下价格，是按人头收费吗？方便的话周五上午打个电话。',
    returnDate: null,
    inReplyTo: baton('4c10'),
  },
  {
    file: 'qq-en.eml',
    kind: 'reply',
    words: 'Hi Ann, Thanks. Please send the deck first, I will share it with my boss. We can talk after Dec 10.',
    returnDate: null,
    inReplyTo: baton('4c11'),
  },
  {
    file: '163-gb18030.eml',
    kind: 'reply',
    words: 'Ann你好， 我们目前用表格管理线索，效率确实不高。年后（大概2月中）会有预算，到时候可以详细聊🙂 先加个微信？我的微信号是 zhaomin_sales。',
    hidden: ['赵敏', '市场部'],
    returnDate: null,
    inReplyTo: baton('4c12'),
  },
  {
    file: '163-mailmaster.eml',
    kind: 'reply',
    words: '好的，那就下周四下午三点，腾讯会议。',
    hidden: ['网易邮箱大师', '回复的原邮件', '|'],
    returnDate: null,
    inReplyTo: baton('4c13'),
  },
  {
    file: 'thunderbird.eml',
    kind: 'reply',
    // Bottom-posted under the quote with an inline answer; the flowed line break is collapsed by the comparison.
    words: 'We lost closer to a day a week per rep last quarter, so yes, this is worth a look. Wednesday 2 December after 14:00 CET works for me.',
    hidden: ['Jonas Berg', 'Head of Revenue', 'Worth a 15-minute look'],
    returnDate: null,
    inReplyTo: baton('4c14'),
  },
  {
    file: 'reply-quoting-out-of-office.eml',
    kind: 'reply',
    words: "Hi Ann, Thanks for waiting until I was back. Yes, let's talk: Thursday at 10am PT works, and I'll bring Leo.",
    hidden: ['out of office', 'out of the office', 'Sofia'],
    returnDate: null,
    inReplyTo: '<0193a1b3-5d20-7e6f-8a9b-0c1d2e3f4a5b@baton.test>',
  },
  {
    file: 'auto-en.eml',
    kind: 'auto_reply',
    words: "Hi, Thanks for your email. I'm out of the office for Thanksgiving week and will be back on December 1. If it's urgent, please contact Leo Park at leo.park@harbor.example.",
    hidden: ['Sofia'],
    returnDate: '2026-12-01',
    inReplyTo: baton('4c15'),
  },
  {
    file: 'auto-outlook.eml',
    kind: 'auto_reply',
    words: 'I am out of the office through Friday, November 27, with limited access to email. I will be back on Monday, November 30. For urgent matters please contact Nina Vogel (nina.vogel@fabrikam.example).',
    hidden: ['Tom Becker'],
    returnDate: '2026-11-30',
    inReplyTo: baton('4c16'),
  },
  {
    file: 'auto-zh.eml',
    kind: 'auto_reply',
    contains: ['我将于12月1日返回公司'],
    returnDate: '2026-12-01',
    inReplyTo: baton('4c17'),
  },
  {
    file: 'auto-precedence.eml',
    kind: 'auto_reply',
    contains: ['Mia is travelling and will be back in the studio on Thursday, December 3.'],
    returnDate: '2026-12-03',
    inReplyTo: baton('4c18'),
  },
  {
    file: 'auto-no-date.eml',
    kind: 'auto_reply',
    contains: ['This mailbox is checked once a day.'],
    returnDate: null,
    inReplyTo: baton('4c19'),
  },
];

/** What no visible text may contain: quote headers, quoted lines, mobile footers, the quoted Baton email. */
const NEVER_VISIBLE: readonly RegExp[] = [
  /\bwrote\s*:/i,
  /写道/,
  /^\s*>/m,
  /sent from my/i,
  /发自/,
  /\boriginal\b|原始邮件|原邮件/i,
  /^\s*--\s*$/m,
  /^\s*(?:from|sent|to|subject|发件人|发送时间|收件人|主题)\s*[:：]/im,
  /list cleanup|线索整理/,
  /\ufeff/,
];
/** C1 controls are what a wrongly decoded Windows-1252 byte turns into. */
const C1_CONTROLS = /[\u0080-\u009f]/;

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

async function load(file: string): Promise<MailMessage> {
  return parseMail(readFileSync(join(FIXTURES, file)));
}

describe('inbound fixtures: real client MIME through parseMail and classifyMail', () => {
  it('has a case for every fixture file', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.eml')).sort();
    expect(CASES.map((c) => c.file).sort()).toEqual(files);
  });

  for (const c of CASES) {
    it(`${c.file}: ${c.kind}, the new words only${c.returnDate ? `, back ${c.returnDate}` : ''}`, async () => {
      const message = await load(c.file);
      const verdict = classifyMail(message, { now: NOW });

      expect(verdict.kind).toBe(c.kind);
      expect(verdict.returnDate).toBe(c.returnDate);
      expect(verdict.bounce).toBeNull();

      expect(header(message.headers, 'in-reply-to')).toBe(c.inReplyTo);
      expect(header(message.headers, 'references').split(/\s+/)).toContain(c.inReplyTo);
      expect(header(message.headers, 'to')).toContain(REPLY_ADDRESS);

      const visible = verdict.visibleText;
      expect(visible).not.toBe('');
      const words = c.knownIssue?.words ?? c.words;
      if (words !== undefined) expect(collapse(visible)).toBe(words);
      for (const sentence of c.contains ?? []) expect(collapse(visible)).toContain(sentence);
      for (const pattern of NEVER_VISIBLE) expect(visible, `${pattern} in ${JSON.stringify(visible)}`).not.toMatch(pattern);
      for (const text of c.hidden ?? []) expect(visible).not.toContain(text);
      if (!c.knownIssue) expect(visible).not.toMatch(C1_CONTROLS);
    });

    const issue = c.knownIssue;
    if (issue) {
      // Passes (and so fails here) once the defect is fixed: then drop `knownIssue` from the case.
      it.fails(`${c.file}: [known issue] ${issue.why}`, async () => {
        const verdict = classifyMail(await load(c.file), { now: NOW });
        expect(collapse(verdict.visibleText)).toBe(c.words);
      });
    }
  }
});

/** Expected kind of a corpus file, from labels.csv `reason` (recipient 1), else from its name. */
function expectedKinds(base: string): Map<string, MailKind> {
  const byReason = (reason: string): MailKind =>
    reason === 'feedback' ? 'complaint' : reason === 'vacation' ? 'auto_reply' : reason === 'delivered' ? 'delivery_report' : 'bounce';
  const kinds = new Map<string, MailKind>();
  const rows = readFileSync(join(base, 'labels.csv'), 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
  for (const row of rows) {
    const [file = '', index = '', , , , reason = ''] = row.split(',');
    if (index === '1') kinds.set(file, byReason(reason));
  }
  for (const file of readdirSync(join(base, 'eml'))) {
    if (file.endsWith('.eml') && !kinds.has(file)) kinds.set(file, file.startsWith('arf-') ? 'complaint' : file.startsWith('rfc3834-') ? 'auto_reply' : 'bounce');
  }
  return kinds;
}

const corpusPresent = existsSync(join(BOUNCES, 'labels.csv')) && existsSync(join(BOUNCES, 'eml'));

describe('the shared bounce corpus', () => {
  const title = corpusPresent
    ? 'classifies at least 97% of the corpus messages as their label says'
    : `classifies the corpus messages (SKIPPED: no corpus at ${BOUNCES}; it lives outside the repository)`;
  it.skipIf(!corpusPresent)(
    title,
    async () => {
      const kinds = expectedKinds(BOUNCES);
      const misses: string[] = [];
      let total = 0;
      for (const [file, expected] of [...kinds].sort(([a], [b]) => a.localeCompare(b))) {
        const path = join(BOUNCES, 'eml', file);
        if (!existsSync(path)) continue;
        total++;
        try {
          const verdict = classifyMail(await parseMail(readFileSync(path)), { now: NOW });
          if (verdict.kind !== expected) misses.push(`${file}: ${verdict.kind} != ${expected}`);
        } catch (e) {
          misses.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      // bounces/not/ holds messages that look like notices but are not bounces.
      const notDir = join(BOUNCES, 'not');
      for (const file of existsSync(notDir) ? readdirSync(notDir).filter((f) => f.endsWith('.eml')) : []) {
        total++;
        try {
          const verdict = classifyMail(await parseMail(readFileSync(join(notDir, file))), { now: NOW });
          if (verdict.kind === 'bounce') misses.push(`not/${file}: bounce, expected anything else`);
        } catch (e) {
          misses.push(`not/${file}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      expect(total).toBeGreaterThan(100);
      const accuracy = (total - misses.length) / total;
      expect(accuracy, `kind accuracy ${(accuracy * 100).toFixed(1)}% over ${total} files; misses:\n${misses.join('\n')}`).toBeGreaterThanOrEqual(0.97);
    },
    120_000,
  );
});
