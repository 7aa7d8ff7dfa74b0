import { describe, expect, it } from 'vitest';
import { qualifyOffline } from './engine.offline.ts';
import { topicOfQuestion } from './extract/question-topic.ts';
import type { Qualification, ThreadMessage } from './types.ts';

// A website chat: our bot asks one BANT question at a time and the visitor answers tersely. Phrasings
// here are our own; the chat-dev eval set measures the same families on the labeller's words.
const GREETING = 'Hi there, this is the Rostra assistant. What brings you here today?';
const WHEN = 'Thanks! When are you hoping to have this up and running?';
const BUDGET = 'Makes sense. Have you got a budget set aside for it?';

function chat(date: string, turns: readonly [string, string][], reply: string, title?: string): Qualification {
  const thread: ThreadMessage[] = [];
  for (const [us, lead] of turns) {
    thread.push({ from: 'us', text: us });
    if (lead !== '') thread.push({ from: 'lead', text: lead });
  }
  return qualifyOffline({ reply, thread, date, channel: 'chat', ...(title ? { lead: { title } } : {}) });
}

describe('topicOfQuestion', () => {
  it('reads the question our message ends on', () => {
    expect(topicOfQuestion(GREETING)).toBe('need');
    expect(topicOfQuestion('Yes, it syncs both ways. When would you need it live?')).toBe('timeline');
    expect(topicOfQuestion('Plans start at $90/month. Is there budget for this yet?')).toBe('budget');
    expect(topicOfQuestion('Who signs off on a purchase like this?')).toBe('authority');
    expect(topicOfQuestion('您好，请问计划什么时候用起来？')).toBe('timeline');
    expect(topicOfQuestion('这块有预算吗？')).toBe('budget');
    expect(topicOfQuestion('最后谁来拍板？')).toBe('authority');
    expect(topicOfQuestion('Are you on the Pro plan today?')).toBe('other');
    expect(topicOfQuestion('Thanks, I will pass that on.')).toBeNull();
  });
});

describe('timeline read against our timeline question', () => {
  it('takes a bare month, quarter or duration as the go-live horizon', () => {
    const feb = chat('2026-11-20', [[GREETING, 'our two depots still plan routes on a whiteboard'], [WHEN, '']], 'feb');
    expect(feb.bant.timeline).toMatchObject({ status: 'met', within_days: 100 });
    const q3 = chat('2026-05-02', [[WHEN, '']], 'q3 hopefully');
    expect(q3.bant.timeline).toMatchObject({ status: 'met', within_days: 151 });
    const weeks = chat('2026-05-02', [[WHEN, '']], 'in 8 wks tops');
    expect(weeks.bant.timeline).toMatchObject({ status: 'met', within_days: 56 });
    const zh = chat('2026-05-02', [['请问想解决什么问题？', '门店排班太乱'], ['好的，预计什么时候用上？', '']], '两个月内吧');
    expect(zh.bant.timeline).toMatchObject({ status: 'met', within_days: 61 });
  });

  it('reads chat spellings of periods and months', () => {
    expect(chat('2026-06-10', [[WHEN, '']], 'nxt mth if we can').bant.timeline).toMatchObject({ status: 'met', within_days: 51 });
    expect(chat('2026-06-10', [[WHEN, '']], 'by end of aug').bant.timeline).toMatchObject({ status: 'met', within_days: 82 });
    expect(chat('2026-06-10', [[WHEN, '']], 'this qtr ideally').bant.timeline).toMatchObject({ status: 'met', within_days: 20 });
  });

  it('marks a horizon beyond 180 days, even in chat spelling, as not met', () => {
    expect(chat('2026-02-02', [[WHEN, '']], 'honestly sometime nxt yr').bant.timeline).toMatchObject({ status: 'not_met', within_days: 697 });
    expect(chat('2026-02-02', [[WHEN, '']], 'feb/mar next yr prob').bant.timeline).toMatchObject({ status: 'not_met', within_days: 422 });
  });

  it('does not take a date for talking again, a lower bound or a negated date as the horizon', () => {
    expect(chat('2026-03-03', [[WHEN, '']], 'msg me again in june').bant.timeline.status).toBe('unknown');
    expect(chat('2026-03-03', [[WHEN, '']], 'nothing til after the easter/spring rush').bant.timeline.status).toBe('unknown');
    expect(chat('2026-03-03', [[WHEN, '']], 'not this yr, we just bought new tills').bant.timeline.status).toBe('unknown');
    expect(chat('2026-03-03', [['请问什么时候上线？', '']], '五一前肯定赶不上了，之后再说').bant.timeline.status).toBe('unknown');
  });

  it('lets the answer to our timeline question outrank a date of another project said earlier', () => {
    const q = chat('2026-03-03', [[GREETING, 'our new booking site goes live next month and we want a chat tool too'], [WHEN, '']], 'for chat? no rush at all');
    expect(q.bant.timeline.status).toBe('unknown');
    const zh = chat('2026-03-03', [['请问想了解什么？', '我们新门店下个月开业，顺便看看收银系统'], ['收银系统预计什么时候上线？', '']], '这个不着急，再说吧');
    expect(zh.bant.timeline.status).toBe('unknown');
  });

  it('does not read our budget cycle start or a trial as the purchase horizon', () => {
    expect(chat('2026-06-01', [[BUDGET, '']], 'not now, our fiscal year starts in oct, ping me in sept').bant.timeline.status).toBe('unknown');
  });
});

describe('budget read against our budget question', () => {
  it('takes an approval or a figure in the answer as a budget', () => {
    expect(chat('2026-04-01', [[BUDGET, '']], 'yep, signed off by finance').bant.budget.status).toBe('met');
    expect(chat('2026-04-01', [[BUDGET, '']], 'yes, roughly 9k usd for the year').bant.budget).toMatchObject({ status: 'met', amount: 9000, currency: 'USD' });
    expect(chat('2026-04-01', [[BUDGET, '']], 'nah not really, maybe $40 a month').bant.budget).toMatchObject({ status: 'met', amount: 40, currency: 'USD' });
    expect(chat('2026-04-01', [['这个项目有预算吗？', '']], '有的，大概5万').bant.budget).toMatchObject({ status: 'met', amount: 50000, currency: 'CNY' });
  });

  it('reads a short no, a freeze or nothing budgeted as not met', () => {
    expect(chat('2026-04-01', [[BUDGET, '']], 'nope, not this fiscal year').bant.budget.status).toBe('not_met');
    expect(chat('2026-04-01', [[BUDGET, '']], 'budgets r frozen right now').bant.budget.status).toBe('not_met');
    expect(chat('2026-04-01', [[GREETING, '']], 'just looking, we havent budgeted for any of this').bant.budget.status).toBe('not_met');
    expect(chat('2026-04-01', [['这块有预算吗？', '']], '暂时没有').bant.budget.status).toBe('not_met');
    expect(chat('2026-04-01', [[GREETING, '']], '想先了解下，预算还没报').bant.budget.status).toBe('not_met');
  });

  it('leaves an unsure answer unknown and a yes to another question says nothing', () => {
    expect(chat('2026-04-01', [[BUDGET, '']], 'not sure yet tbh').bant.budget.status).toBe('unknown');
    expect(chat('2026-04-01', [['这块有预算吗？', '']], '还没想好').bant.budget.status).toBe('unknown');
    expect(chat('2026-04-01', [['Do you use Xero today?', '']], 'yes').bant.budget.status).toBe('unknown');
  });

  it('does not take money paid for something else, or a count of people, as a budget', () => {
    expect(chat('2026-04-01', [[BUDGET, '']], 'we pay our payroll app about $450/mo already').bant.budget.status).toBe('unknown');
    expect(chat('2026-04-01', [[BUDGET, '']], '目前用的考勤软件每年才花一万多').bant.budget.status).toBe('unknown');
    expect(chat('2026-04-01', [['请问今天想了解什么？', '']], '我们有5万会员，想做会员营销').bant.budget.status).toBe('unknown');
  });
});

describe('authority read against our decision question', () => {
  const WHO = 'Good to know. Who else would be part of the decision?';
  it('takes "me" and 我定 as the writer deciding', () => {
    expect(chat('2026-04-01', [[WHO, '']], 'only me, i run the place').bant.authority.status).toBe('met');
    expect(chat('2026-04-01', [[WHO, '']], 'i do. can you send a quote?').bant.authority.status).toBe('met');
    expect(chat('2026-04-01', [['最后谁来拍板？', '']], '我自己定').bant.authority.status).toBe('met');
  });

  it('takes another person named in the answer as someone else deciding', () => {
    expect(chat('2026-04-01', [[WHO, '']], 'our COO, she has the final word').bant.authority.status).toBe('not_met');
    expect(chat('2026-04-01', [[WHO, '']], 'prob the owners, i just manage the floor').bant.authority.status).toBe('not_met');
    expect(chat('2026-04-01', [['最终由谁来拍板？', '']], '我们总经理').bant.authority.status).toBe('not_met');
  });

  it('reads "my X signs off" and 领导定 as someone else deciding anywhere in the chat', () => {
    expect(chat('2026-04-01', [[GREETING, '']], 'looking for a rota tool, my ops director signs off on spend').bant.authority.status).toBe('not_met');
    expect(chat('2026-04-01', [[GREETING, '']], '想了解下排班系统，最后是财务总监和老板一起定').bant.authority.status).toBe('not_met');
  });

  it('does not read "not me" under a question about something else as authority, nor an unsure answer', () => {
    expect(chat('2026-04-01', [['Who handles the payroll at your company?', '']], 'our bookkeeper, not me').bant.authority.status).toBe('unknown');
    expect(chat('2026-04-01', [[WHO, '']], 'not sure yet, still working it out').bant.authority.status).toBe('unknown');
  });
});

describe('need read against our opening question', () => {
  it('takes a pain or a want said under "what brings you here" as the need, from any earlier turn', () => {
    const q = chat('2026-04-01', [[GREETING, 'two salons, bookings live in a paper diary and we double book all the time'], [WHEN, '']], 'june');
    expect(q.bant.need).toMatchObject({ status: 'met', evidence: 'two salons, bookings live in a paper diary and we double book all the time' });
    expect(chat('2026-04-01', [[GREETING, 'month end close takes our team like 9 days']], 'q3').bant.need.status).toBe('met');
    expect(chat('2026-04-01', [['请问今天想了解什么？', '仓库盘点全靠人工，经常对不上']], '下个月').bant.need.status).toBe('met');
    expect(chat('2026-04-01', [[GREETING, 'leads slip through between our two sales reps']], 'q3').bant.need.status).toBe('met');
    expect(chat('2026-04-01', [['请问今天想了解什么？', '售后工单经常跟丢']], '下个月').bant.need.status).toBe('met');
    expect(chat('2026-04-01', [[WHEN, '']], 'sept, we are sick of our current booking app').bant.need.status).toBe('met');
    expect(chat('2026-04-01', [['预计什么时候上线？', '']], '下个月，现在的软件老崩').bant.need.status).toBe('met');
  });

  it('does not take browsing, a question, a bare description or a price request as a need', () => {
    const ASK = 'Happy to help. Which plan are you on?';
    expect(chat('2026-04-01', [[GREETING, 'just poking around, saw your ad'], [ASK, '']], 'what do plans cost?').bant.need.status).toBe('unknown');
    expect(chat('2026-04-01', [[GREETING, 'we are a small charity with about 40 volunteers'], [ASK, '']], 'what do plans cost?').bant.need.status).toBe('unknown');
    expect(chat('2026-04-01', [[GREETING, 'want pricing for 10 seats'], [ASK, '']], 'what do plans cost?').bant.need.status).toBe('unknown');
    expect(chat('2026-04-01', [['请问今天想了解什么？', '我帮领导了解一下'], ['请问用的哪个版本？', '']], '多少钱？').bant.need.status).toBe('unknown');
  });

  it('reads short declines as no need', () => {
    expect(chat('2026-04-01', [['Do you manage a team of drivers?', '']], 'nah, already have geotab in every van').bant.need.status).toBe('not_met');
    expect(chat('2026-04-01', [[GREETING, '']], 'looked at it, honestly not for us').bant.need.status).toBe('not_met');
    expect(chat('2026-04-01', [['Do you send invoices today?', '']], 'we dont do invoicing, it is all card payments').bant.need.status).toBe('not_met');
    expect(chat('2026-04-01', [['请问您对会员营销有兴趣吗？', '']], '不用了，我们不做会员').bant.need.status).toBe('not_met');
    expect(chat('2026-04-01', [['您现在在看排班系统吗？', '']], '刚续了别家两年').bant.need.status).toBe('not_met');
    // Having just rolled out some other system says nothing about needing ours.
    expect(chat('2026-04-01', [['您现在在看排班系统吗？', '']], '我们刚上了新的财务系统，大家还在适应').bant.need.status).not.toBe('not_met');
  });
});

describe('intent in a chat conversation', () => {
  it('keeps an interested stance through bare and unsure answers', () => {
    const turns: [string, string][] = [[GREETING, 'can we book a demo? our night shift rota is chaos'], [WHEN, 'oct']];
    expect(chat('2026-06-01', [...turns, [BUDGET, '']], 'hmm not sure yet').intent).toBe('interested');
    expect(chat('2026-06-01', [...turns, [BUDGET, '']], 'nope').intent).toBe('interested');
  });

  it('reads a bare yes to a question that offers nothing as the earlier stance, and to an offer as a yes', () => {
    const asked: [string, string] = [GREETING, 'does it work with square?'];
    expect(chat('2026-06-01', [asked, ['It does. Are you on Square Plus today?', '']], 'yep').intent).toBe('question');
    expect(chat('2026-06-01', [asked, ['It does. Want me to book you a quick demo?', '']], 'yep').intent).toBe('interested');
  });

  it('keeps a question stance when the visitor answers our budget question without committing', () => {
    const q = chat('2026-06-01', [[GREETING, 'how much for 12 users?'], ['It is $8/user/month. Is there a budget set aside for this?', '']], 'we pay about $200/mo for our crm already, nothing set aside for this');
    expect(q.intent).toBe('question');
    expect(q.bant.budget.status).toBe('not_met');
  });

  it('reads a distant horizon under our timeline question as not now', () => {
    const q = chat('2026-03-01', [[GREETING, 'we will need a booking tool for the new clinic'], [WHEN, '']], 'for the clinic? realistically sometime next yr');
    expect(q.intent).toBe('not_now');
    expect(q.bant.timeline.status).toBe('not_met');
  });

  it('reads a question that names the visitor\'s own limit as a question, and a blocker as an objection', () => {
    expect(chat('2026-06-01', [[GREETING, '']], 'honestly depends on the price, what does 3 sites cost?').intent).toBe('question');
    expect(chat('2026-06-01', [[GREETING, '']], '支持本地部署吗？我们是医院，数据不能出院').intent).toBe('question');
    expect(chat('2026-06-01', [[GREETING, 'looking at tools for our clinic'], ['Who else would be involved in the decision?', '']], 'our IT lead, and she will veto anything hosted outside the EU. do u have EU servers?').intent).toBe('objection');
  });

  it('reads "talk in <month>" under our timeline question as not now, with no horizon', () => {
    const q = chat('2026-05-04', [[GREETING, 'our scheduling is a mess'], [WHEN, '']], 'chat again in sept');
    expect(q.intent).toBe('not_now');
    expect(q.bant.timeline.status).toBe('unknown');
  });

  it('reads "what\'s next" as interest and a business away message as out of office', () => {
    expect(chat('2026-06-01', [[GREETING, '20 vans, fuel cards are a mess'], ['Who else would be involved in the decision?', '']], 'just me. whats next?').intent).toBe('interested');
    expect(chat('2026-12-22', [['Hi, following up on your quote. Any questions?', '']], 'Thanks for your message! Ridgeway Bakery is closed for the holidays until Jan 3. We will reply when we are back.').intent).toBe('out_of_office');
  });
});

describe('more terse answer shapes', () => {
  it('reads a bare duration opening the answer, but not a past or a quantity', () => {
    expect(chat('2026-05-04', [[WHEN, '']], '2-3 mos prob').bant.timeline).toMatchObject({ status: 'met', within_days: 92 });
    expect(chat('2026-05-04', [[WHEN, '']], 'a week or two').bant.timeline).toMatchObject({ status: 'met', within_days: 14 });
    expect(chat('2026-05-04', [[WHEN, '']], '6 months ago we tried one and hated it').bant.timeline.status).toBe('unknown');
  });

  it('reads a bare figure under our budget question as money', () => {
    expect(chat('2026-05-04', [[BUDGET, '']], 'prob 3-4k').bant.budget).toMatchObject({ status: 'met', amount: 4000 });
    expect(chat('2026-05-04', [[GREETING, '']], 'we run 3k shifts a month').bant.budget.status).toBe('unknown');
    expect(chat('2026-05-04', [['这个项目有预算吗？', '']], '领导还没批').bant.budget.status).toBe('not_met');
  });

  it('does not read "it" in "it\'s up to me" as an IT team deciding', () => {
    expect(chat('2026-05-04', [['Who else would be involved in the decision?', '']], "it's up to me really").bant.authority.status).toBe('met');
    expect(chat('2026-05-04', [['Who else would be involved in the decision?', '']], 'it team has the final say').bant.authority.status).toBe('not_met');
  });
});

describe('our own chat bot wording', () => {
  it('reads answers against the questions the website chat asks, also when a source line follows the question', () => {
    const q = qualifyOffline({
      reply: '我来定',
      thread: [
        { from: 'us', text: '您好！我是云表的在线助手。请问今天有什么可以帮您？' },
        { from: 'lead', text: '门店库存老是对不上' },
        { from: 'us', text: '这个决定还需要哪些人参与？' },
      ],
      date: '2026-05-04',
      channel: 'chat',
    });
    expect(q.bant.authority.status).toBe('met');
    expect(q.bant.need.status).toBe('met');
    const en = qualifyOffline({
      reply: 'sept',
      thread: [
        { from: 'us', text: 'Yes, it syncs both ways.' },
        { from: 'us', text: 'When would you like to have something in place?' },
        { from: 'us', text: '(Source: Integrations guide)' },
      ],
      date: '2026-05-04',
      channel: 'chat',
    });
    expect(en.bant.timeline).toMatchObject({ status: 'met', within_days: 149 });
  });
});
