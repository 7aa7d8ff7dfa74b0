import { describe, expect, it } from 'vitest';
import { qualifyOffline } from '../engine.offline.ts';

const CASES: [string, string][] = [
 ['Our techs still write job notes on paper and the office re-types them every evening.', 'met'],
 ['We lose track of which equipment is out on which job site.', 'met'],
 ['Month-end takes our two accountants nearly a week.', 'met'],
 ['Half our interview slots get no-shows and recruiters waste hours rescheduling.', 'met'],
 ['We want one place where managers can see every open ticket.', 'met'],
 ['We are opening three new sites this year and onboarding is already creaking.', 'met'],
 ['Our auditors flagged that we have no record of who approved which invoice.', 'met'],
 ["Customers keep complaining that they can't book online.", 'met'],
 ['We need a better way to track certifications across 400 contractors.', 'met'],
 ['Our current tool is fine for now.', 'not_met'],
 ['Honestly, we have no problem with scheduling.', 'not_met'],
 ["We don't have that issue, our volumes are tiny.", 'not_met'],
 ['Our in-house team already built this last year.', 'not_met'],
 ['Is SSO included?', 'unknown'],
 ['Sure, send me a calendar link.', 'unknown'],
 ['Please remove me from your list.', 'unknown'],
 ['客户信息都在销售自己手机里，人一走客户就丢了。', 'met'],
 ['每次盘点都要停工两天，库存还是对不上。', 'met'],
 ['我们想把报销从纸质单据改成线上审批。', 'met'],
 ['现在的系统太老了，经常卡死。', 'met'],
 ['门店排班全靠店长手写，经常出错。', 'met'],
 ['目前用Excel管得挺好，没有这个需要。', 'not_met'],
 ['我们已经有一套OA了，不需要再上。', 'not_met'],
 // Pains and goals in words the first families did not know (written for these tests).
 ['Our dispatchers spend half the morning phoning drivers to find out where they are.', 'met'],
 ['Stock counts never match what the system says.', 'met'],
 ['Our auditors flagged access reviews as a finding last year.', 'met'],
 ['Right now quotes go out by email and half of them are wrong.', 'met'],
 ['It would help us track equipment across 12 job sites.', 'met'],
 ['Our reps waste hours logging calls.', 'met'],
 ['Our churn is creeping up and we cannot tell why.', 'met'],
 ['We want every clinic on one booking calendar.', 'met'],
 ['财务每个月对账要对好几天。', 'met'],
 ['老板想看到每个项目的实时成本。', 'met'],
 ['我们现在的系统用得很顺手。', 'not_met'],
 ['这个功能我们用不到。', 'not_met'],
 ['我们刚续签了原来的供应商。', 'not_met'],
 // Chat spelling, lost time, leaks; closures and in-house builds; our price is not their pain.
 ['our team cant keep up with returns anymore', 'met'],
 ['honestly the ticket triage is killing us', 'met'],
 ['We lose an hour a day re-keying orders.', 'met'],
 ['Checkout is our biggest leak, 30% drop off.', 'met'],
 ['仓库盘点汇总不过来，月底总是对不齐。', 'met'],
 ['采购审批全在纸上签。', 'met'],
 ['We keep everything in Airtable and it works fine.', 'not_met'],
 ['Our Bristol store closes in June, so there is nothing to buy.', 'not_met'],
 ['我们自己开发了一套，挺好用。', 'not_met'],
 ['厂里年底就要关了。', 'not_met'],
 ['Your price is fine; the contract term is the problem.', 'unknown'],
 ['报价还是太高了。', 'unknown'],
 ['这个需要找我们采购部的刘经理。', 'unknown'],
 ['请问支持苹果手机吗？', 'unknown'],
 ['好的，周四下午可以。', 'unknown'],
];

describe('need: concrete pain, goal or use case versus satisfied or no need', () => {
  it.each(CASES)('%s', (reply, status) => {
    expect(qualifyOffline({ reply, date: '2026-05-04', channel: 'email' }).bant.need.status).toBe(status);
  });

  it('does not take a pain from a question about features', () => {
    expect(qualifyOffline({ reply: 'Does it integrate with ADP?', date: '2026-05-04', channel: 'email' }).bant.need.status).toBe('unknown');
  });
});
