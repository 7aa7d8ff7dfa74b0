import { describe, expect, it } from 'vitest';
import { qualifyOffline } from '../engine.offline.ts';

function timeline(reply: string): { status: string; within_days?: number | undefined } {
  return qualifyOffline({ reply, date: '2026-05-04', channel: 'email' }).bant.timeline;
}

// [reply, status, within_days from 2026-05-04 (±31 accepted, as the metric does) or null when unlabelled]
const CASES: [string, string, number | null][] = [
 ['We need it live before the end of June.', 'met', 57],
 ['Target go-live is mid-August.', 'met', 103],
 ["We'd like to roll it out over the summer.", 'met', 119],
 ['Purchase decision by end of Q3.', 'met', 149],
 ["We're planning to buy in Q4.", 'not_met', 241],
 ['Implementation must be done within 60 days.', 'met', 60],
 ['Hoping to sign in the next couple of weeks.', 'met', 14],
 ['Go-live is scheduled for 1 October.', 'met', 150],
 ['We must be compliant by January 1st.', 'not_met', 242],
 ['We plan to choose a vendor this quarter.', 'met', 57],
 ['Rollout is planned for early next year.', 'not_met', 331],
 ['We need it up and running within a month.', 'met', 31],
 ['It has to be in place before our fiscal year ends on June 30.', 'met', 57],
 ['We need something by the end of next month.', 'met', 57],
 ['The board wants a decision in the next 90 days.', 'met', 90],
 ['We have no plans to buy anything this year.', 'not_met', null],
 ['Our new clinic opens on July 15 and we need scheduling running by then.', 'met', 72],
 ['The contract with our current vendor ends in September, so we will switch then.', 'met', 149],
 ['We want to launch before Black Friday.', 'not_met', 207],
 ['希望7月底前上线。', 'met', 88],
 ['计划三季度采购。', 'met', 149],
 ['年内完成部署。', 'not_met', 241],
 ['争取6月份上线。', 'met', 57],
 ['下个月就要用起来。', 'met', 57],
 ['两个月内上线。', 'met', 61],
 ['国庆前必须上线。', 'met', 150],
 ['明年上半年再考虑采购。', 'not_met', 422],
 ['新仓库8月15号开业，系统必须提前到位。', 'met', 103],
 ['我们打算下半年招标。', 'not_met', 241],
 ['这个月底之前要定下来供应商。', 'met', 27],
 ['最迟九月份要上线。', 'met', 149],
 ['暂时没有采购计划。', 'not_met', null],

 ["Let's talk next week. We're aiming to go live in September.", 'met', 149],
 ['Can you call me on Friday? Our deadline to have this running is the end of July.', 'met', 88],
 ['We want to go live in June or July.', 'met', 88],
 ["We'll pick a vendor between May and July.", 'met', 88],
 ['Implementation in Q2-Q3.', 'met', 149],
 ['We need it by the 15th.', 'met', 11],
 ['We need this sorted by the end of this week.', 'met', 6],
 ['We are looking to implement in the next 6-8 weeks.', 'met', 56],
 ['We expect to make a decision within the next month or so.', 'met', 31],
 ['We intend to replace our system in 2027.', 'not_met', 606],
 ['Ideally we would have something in place for the new school year.', 'met', 120],
 ['Our current contract expires at the end of the year so we would switch in January.', 'not_met', 272],
 ['We are locked in until March 2028.', 'not_met', null],
 // From 2026-05-04: finishing words, installation deadlines, choosing a supplier, 就想上 / 会上.
 ['Goal: pilot complete within 60 days.', 'met', 60],
 ['招标7月中旬挂网，8月底前要完成安装。', 'met', 119],
 ['下个月要选定供应商。', 'met', 57],
 ['这个月就想上。', 'met', 27],
 ['明年下半年才会考虑上新系统。', 'not_met', 606],
 // Not a buying horizon: contact requests, leave, frozen budgets, questions about the model.
 ['Ask me again when our new fiscal year starts in July.', 'unknown', null],
 ['Our spend is frozen until the new CEO starts in August. Come back then.', 'unknown', null],
 ["We're heads-down until the quarter closes at the end of June.", 'unknown', null],
 ['Not buying anything yet, just curious how pricing works.', 'unknown', null],
 ['下周开始休产假，等我回来再说，大概八月份。', 'unknown', null],
 ['相关采购需待明年预算批复后再议。', 'unknown', null],
 // "在九月" is in September, not nine months; a busy season is not being busy; "X后" starts work, it does not end it.
 ['希望在九月开学前部署完。', 'met', 119],
 ["We need to get this sorted before our busy season kicks off in October.", 'met', 149],
 ['国庆后开始选型，年底前定下来。', 'not_met', 241],
 ['最快下个月就能签。', 'met', 57],
 ['这个项目排在明年一季度。', 'not_met', 331],
 ['We sign in Q4 and want it live before Q1 ends.', 'not_met', 331],
 ['Ping me in August; we want it live by October.', 'met', 180],
 ["I'm out next week but we want to get this done before summer.", 'met', 48],
 ['我们下周三开会讨论，希望月底前定下来。', 'met', 27],
 ['现在在选型，预计第三季度上线。', 'met', 149],
 ['今年底之前必须完成系统切换。', 'not_met', 241],
 ['三到六个月内上线都可以。', 'not_met', 184],
 ['最好春节前能用上。', 'not_met', 278],
 ['我们6月份搬新办公室，搬之前要装好。', 'met', 57],
];

describe('timeline from purchase and go-live horizons (reply date 2026-05-04)', () => {
  it.each(CASES)('%s', (reply, status, days) => {
    const t = timeline(reply);
    expect(t.status).toBe(status);
    if (days !== null) expect(Math.abs((t.within_days ?? -1000) - days)).toBeLessThanOrEqual(31);
  });

  it('ignores contact dates, return dates and busy periods', () => {
    for (const reply of ['Ping me in July.', 'I am back on 13 April.', '春节后再联系我吧。', 'We are mid-way through an ERP rollout that runs to the end of April.', 'Can we talk next Tuesday?']) {
      expect(timeline(reply).status).toBe('unknown');
    }
  });

  it('ignores "this year" when it only says which budget', () => {
    expect(timeline('今年仓库自动化这块预算是80万。').status).toBe('unknown');
  });
});
