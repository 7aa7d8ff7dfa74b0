import { describe, expect, it } from 'vitest';
import { qualifyOffline } from '../engine.offline.ts';

const BUDGET: [string, string, number | null, string | null][] = [
 ['We have about $30k set aside for this.', 'met', 30000, 'USD'],
 ['Budget is in the 50-75k range.', 'met', 75000, 'USD'],
 ["We've been given £12,000 for the year.", 'met', 12000, 'GBP'],
 ['Our spend cap for new tools is 5k a month.', 'met', 5000, 'USD'],
 ['Finance approved the purchase last week.', 'met', null, null],
 ['We could stretch to €9,000 if it includes training.', 'met', 9000, 'EUR'],
 ['Up to AUD 20,000 is fine.', 'met', 20000, 'AUD'],
 ['Your quote of $48k is more than we can do; we have $25k.', 'met', 25000, 'USD'],
 ['Budget got cut to zero this year.', 'not_met', null, null],
 ["We simply can't afford another subscription.", 'not_met', null, null],
 ['All discretionary spending is frozen until Q1.', 'not_met', null, null],
 ["There's no money for this in 2026.", 'not_met', null, null],
 ['We lost $200k to fraud last year.', 'unknown', null, null],
 ['We have 45,000 employees worldwide.', 'unknown', null, null],
 ['What does it cost for 50 users?', 'unknown', null, null],
 ['预算大概在五十万上下。', 'met', 500000, 'CNY'],
 ['今年批了30万专项资金做这个。', 'met', 300000, 'CNY'],
 ['我们能接受的价格在一年两万以内。', 'met', 20000, 'CNY'],
 ['预算卡得很死，最多也就三五千块。', 'met', 5000, 'CNY'],
 ['今年没钱了，预算都花完了。', 'not_met', null, null],
 ['老板说这块不给预算。', 'not_met', null, null],
 ['我们有200多个门店。', 'unknown', null, null],
 ['去年因为错发损失了十几万。', 'unknown', null, null],
];

describe('budget: stated figures and allocations, their absence, and money that is not a budget', () => {
  it.each(BUDGET)('%s', (reply, status, amount, currency) => {
    const b = qualifyOffline({ reply, date: '2026-05-04', channel: 'email', lead: { country: /[\u4e00-\u9fff]/.test(reply) ? 'CN' : 'US' } }).bant.budget;
    expect(b.status).toBe(status);
    if (amount !== null) expect([b.amount, b.currency]).toEqual([amount, currency]);
  });
});

const AUTHORITY: [string, string, undefined, string][] = [
 ['I run operations here and the call is mine.', '', undefined, 'met'],
 ['As owner of the business I sign every contract.', '', undefined, 'met'],
 ["I'll have to get this past our CFO.", 'Director of Finance', undefined, 'not_met'],
 ['Final sign-off is with the board.', 'CEO', undefined, 'not_met'],
 ['Sounds good.', 'Chief Operating Officer', undefined, 'met'],
 ['Sounds good.', 'Executive Assistant to the CEO', undefined, 'unknown'],
 ['Sounds good.', 'Operations Manager', undefined, 'unknown'],
 ['Sounds good.', 'Head of Talent', undefined, 'met'],
 ['Sounds good.', 'Senior Vice President, Sales', undefined, 'met'],
 ['好的。', '总经理助理', undefined, 'unknown'],
 ['好的。', '副总经理', undefined, 'met'],
 ['这个我得请示一下领导。', '采购总监', undefined, 'not_met'],
 ['预算和采购都是我负责的。', '', undefined, 'met'],
 ['我们这边是老板一个人说了算。', '行政经理', undefined, 'not_met'],
 // Other wordings, written for these tests.
 ['The decision is of our finance director; I only prepare the comparison.', 'Buyer', undefined, 'not_met'],
 ["I'm collecting quotes for my manager, who will make the call.", '', undefined, 'not_met'],
 ["Honestly I'm not even the decision maker, so this is wasted on me.", 'Director of IT', undefined, 'not_met'],
 ['我个人觉得不错，但领导觉得太贵了。', '运营总监', undefined, 'not_met'],
 ['此类采购由集团采购中心统一负责。', '办公室主任', undefined, 'not_met'],
 ['i own the shop so no committee, call me.', '', undefined, 'met'],
 ['店是我自己开的，先试用一下。', '', undefined, 'met'],
 ['Gerne, bitte senden Sie ein Angebot.', 'Leiter Einkauf', undefined, 'met'],
 ['感谢贵司的方案。', '总经理办公室', undefined, 'unknown'],
];

describe('authority: what the writer says, then the title in the record', () => {
  it.each(AUTHORITY)('%s (%s)', (reply, title, _unused, status) => {
    const q = qualifyOffline({ reply, date: '2026-05-04', channel: 'email', ...(title ? { lead: { title } } : {}) });
    expect(q.bant.authority.status).toBe(status);
  });

  it('takes a decision-making title from the lead signature when the record has none', () => {
    const q = qualifyOffline({ reply: 'Yes, send times.\n\nBest,\nTom Brandt\nVP Operations | Kessler Cold Storage', date: '2026-05-04', channel: 'email' });
    expect(q.bant.authority).toMatchObject({ status: 'met', role: 'VP Operations' });
  });

  it('keeps the title under an automatic reply, and hears an opt-out that says the writer decides nothing', () => {
    const ooo = qualifyOffline({
      reply: "Automatic reply: I'm on leave until 14 September with no access to email. For urgent matters contact ops@brightmoor.com.\n\nHelen Marsh\nChief Operating Officer",
      date: '2026-09-01',
      channel: 'email',
    });
    expect(ooo.intent).toBe('out_of_office');
    expect(ooo.bant.authority).toMatchObject({ status: 'met', role: 'Chief Operating Officer' });
    const unsub = qualifyOffline({ reply: "I'm not the decision maker here anyway. Please stop emailing me.", date: '2026-09-01', channel: 'email', lead: { title: 'Director of IT' } });
    expect(unsub.intent).toBe('unsubscribe');
    expect(unsub.bant.authority.status).toBe('not_met');
  });

  it('takes the role from what the writer says about themselves', () => {
    const q = qualifyOffline({ reply: "ok lets do a demo. I'm the CTO and this is my budget.", date: '2026-05-04', channel: 'chat' });
    expect(q.bant.authority).toMatchObject({ status: 'met', role: 'CTO' });
  });
});
