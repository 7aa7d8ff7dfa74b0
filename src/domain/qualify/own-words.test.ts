import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { separateOwnWords } from './own-words.ts';

describe('separateOwnWords', () => {
  it('cuts a Gmail quote header and the quoted lines', () => {
    const o = separateOwnWords('Sounds good, Tuesday works.\n\nOn Tue, Mar 10, 2026 at 9:14 AM Aiden Cole <aiden@roomwise.io> wrote:\n> Most teams budget $8k\n> a year.');
    expect(o.body).toBe('Sounds good, Tuesday works.');
    expect(o.quoted).toContain('$8k');
  });

  it('cuts a Gmail header wrapped over two lines', () => {
    const o = separateOwnWords('Yes please.\n\nOn Mon, Aug 26, 2019 at 4:37 PM The Hiring Engine <\nbot@example.com> wrote:\n\n> Test');
    expect(o.body).toBe('Yes please.');
  });

  it('cuts an Outlook From/Sent/To/Subject block', () => {
    const o = separateOwnWords('We have $25k earmarked.\n\nSofia\n\nFrom: Jonah Reyes <jonah@ledgerly.com>\nSent: Monday, April 6, 2026 10:02 AM\nTo: Sofia\nSubject: Expense reports\n\nPlans start at $12,000 per year.', 'Sofia Lindqvist');
    expect(o.body).toBe('We have $25k earmarked.');
    expect(o.signature).toBe('Sofia');
    expect(o.quoted).toContain('$12,000');
  });

  it('cuts -----Original Message----- and forwarded blocks', () => {
    expect(separateOwnWords('Fine by me.\n-----Original Message-----\nFrom: x\nBudget $5k').body).toBe('Fine by me.');
    expect(separateOwnWords('FYI below.\n\n---------- Forwarded message ---------\nFrom: A <a@b.c>\nDate: today\n\nBudget 9k').body).toBe('FYI below.');
    expect(separateOwnWords('See below\n\nBegin forwarded message:\n\nFrom: A\nSubject: x').body).toBe('See below');
  });

  it('cuts the QQ / 163 original-mail block and 发件人 headers', () => {
    const reply = '好的，下周三可以。\n\n王磊\n法务总监 | 杭州澄远供应链有限公司\n\n------------------ 原始邮件 ------------------\n发件人: "李想"<lixiang@qinghesign.cn>;\n发送时间: 2026年5月12日\n主题: 合同\n\n年费五万元起。';
    const o = separateOwnWords(reply, '王磊');
    expect(o.body).toBe('好的，下周三可以。');
    expect(o.signature).toBe('王磊\n法务总监 | 杭州澄远供应链有限公司');
    expect(o.quoted).toContain('五万元');
  });

  it('cuts "在 … 写道：" headers', () => {
    expect(separateOwnWords('可以，发我报价。\n\n在 2026年3月2日 上午10:00，李想 <li@x.cn> 写道：\n> 预算多少？').body).toBe('可以，发我报价。');
    expect(separateOwnWords('收到\n\n李想 <li@x.cn>于2026年3月9日 周一下午9:10写道：\n\n年费三万').body).toBe('收到');
    expect(separateOwnWords('好\n发件人：李想\n发送时间：2026年3月9日\n收件人：王\n主题：报价').body).toBe('好');
  });

  it('keeps inline answers written under a quote header', () => {
    const o = separateOwnWords('On Dec 15, 2024, Jane <j@x.com> wrote:\n> Option A?\n\nA is great.\n\n> Option B?\n\nB has drawbacks.');
    expect(o.body).toContain('A is great.');
    expect(o.body).toContain('B has drawbacks.');
    expect(o.body).not.toContain('Option A?');
  });

  it('does not mistake "On the other hand" for a quote header', () => {
    const text = 'On the surface this looks fine.\n\nOn the other hand, we need it by May.';
    expect(separateOwnWords(text).body).toBe(text);
  });

  it('separates sign-offs, name blocks and mobile footers', () => {
    expect(separateOwnWords('Send me a link.\n\nNadia\n\nSent from my iPhone', 'Nadia Haddad').body).toBe('Send me a link.');
    expect(separateOwnWords('可以\n\n发自我的iPhone').body).toBe('可以');
    const o = separateOwnWords('We need robots.\n\nBest,\nTom Brandt\nVP Operations | Kessler Cold Storage\n+1 775 555 0142');
    expect(o.body).toBe('We need robots.');
    expect(o.signature).toContain('VP Operations');
    expect(separateOwnWords('Call me Monday.\n-- \nJane Doe\nCTO').body).toBe('Call me Monday.');
  });

  it('keeps a short Chinese answer that is not a name', () => {
    expect(separateOwnWords('您好\n\n好的\n\n王磊', '王磊').body).toBe('您好\n\n好的');
  });

  it('does not cut "Thanks, but no." as a sign-off', () => {
    expect(separateOwnWords('Thanks, but no. We are covered.\n\nPriya').body).toBe('Thanks, but no. We are covered.');
  });
});

// Third-party fixtures (MIT, read in place; see ../shared/data/replies/README.md). No gold outputs ship
// with them, so check the invariant that matters here: nothing quoted leaks into the own words.
const CORPORA = ['crisp-oss-email-reply-parser/test/fixtures', 'mail-parser-reply/test/emails', 'zapier-email-reply-parser-zh/test/emails'].map((d) =>
  join(process.cwd(), '..', 'shared', 'data', 'replies', d),
);
const present = CORPORA.filter((d) => existsSync(d));
// Quoted-printable soft breaks split its header ("w=\nrote:"), which no line-based splitter can read.
const GARBLED = new Set(['begins_with_signature.txt']);

describe.skipIf(present.length === 0)('reply corpora (../shared/data/replies)', () => {
  it('leaves no quoted line or quote header in the own words', () => {
    const leaks: string[] = [];
    for (const dir of present) {
      for (const f of readdirSync(dir)) {
        if (GARBLED.has(f)) continue;
        const o = separateOwnWords(readFileSync(join(dir, f), 'utf8'));
        if (/^\s*>|wrote:\s*$|写道|-----\s*original message|^\s*(?:from|发件人)\s*:.*\n\s*(?:sent|date|to|发送时间|日期)\s*:/im.test(o.body)) leaks.push(f);
      }
    }
    expect(leaks).toEqual([]);
  });
});
