import { describe, expect, it } from 'vitest';
import { detectLang, readCues } from './signals.ts';

describe('visitor cues', () => {
  it.each([
    ['can I talk to a human?', { human: true }],
    ['is this a bot', { human: true }],
    ['转人工', { human: true }],
    ['can we book a demo next week', { meeting: true }],
    ['能约个时间演示一下吗', { meeting: true }],
    ['how much does it cost per seat?', { pricing: true }],
    ['价格大概多少钱？', { pricing: true }],
    ['we need better lead routing', { human: false, meeting: false, pricing: false }],
  ])('%s', (text, want) => {
    expect(readCues(text)).toMatchObject(want);
  });

  it('finds the question sentences of a message', () => {
    expect(readCues('We have 20 reps. Do you integrate with HubSpot? Thanks').questions).toEqual(['Do you integrate with HubSpot?']);
    expect(readCues('does it support sso').questions).toEqual(['does it support sso']);
    expect(readCues('支持私有化部署吗').questions).toEqual(['支持私有化部署吗']);
    expect(readCues('we need it by march.').questions).toEqual([]);
  });

  it('reads an email address the visitor typed', () => {
    expect(readCues('sure, Maria.Lopez@Acme-Robotics.com thanks').email).toBe('maria.lopez@acme-robotics.com');
    expect(readCues('no email yet').email).toBeNull();
  });

  it('tells Chinese from English, and mixed text by its share of Han', () => {
    expect(detectLang('我们下个月上线')).toBe('zh');
    expect(detectLang('budget大概20w，下个月go live')).toBe('zh');
    expect(detectLang('we need it by Q3, 谢谢')).toBe('en');
    expect(detectLang('👍', 'zh')).toBe('zh');
  });
});
