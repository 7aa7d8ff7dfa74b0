import { fold, splitSentences } from '../text.ts';

/**
 * What one of our messages asked, so that a terse answer can be read against it: a visitor who
 * writes "q2" under "When would you want this live?" is giving a timeline. `other` is a question
 * about something else ("Are you on Salesforce Enterprise?"), whose bare "yes" says nothing of BANT;
 * `offer` proposes a next step (a call, a demo, a quote), so a bare "yes" to it accepts.
 */
export type QuestionTopic = 'budget' | 'authority' | 'need' | 'timeline' | 'offer' | 'other';

const TOPICS: readonly { readonly topic: Exclude<QuestionTopic, 'other'>; readonly re: RegExp }[] = [
  {
    topic: 'authority',
    re: /\b(?:who (?:else )?(?:would|will|is|'s|else is|makes|signs|decides|approves|has)\b[^?]{0,40}\b(?:decision|decide|decides|deciding|sign|signs|sign-?off|approv\w*|final say|call)|decision[- ]?maker|who (?:decides|signs|approves)|involved in (?:the )?(?:decision|purchase|buying))|谁(?:来)?(?:拍板|决定|定|审批|签字|做主|说了算)|由谁|决策人|决策流程|拍板|决定还需要|哪些人参与|谁(?:会)?参与|参与(?:决策|决定)/,
  },
  {
    topic: 'budget',
    re: /\bbudget\w*|\b(?:set aside|allocated|earmarked)\b|\bhow much (?:are|were|would) you (?:looking|planning|hoping|able) to (?:spend|invest)\b|\bspend(?:ing)? range\b|预算|经费|打算投入|投入多少|花多少/,
  },
  {
    topic: 'timeline',
    re: /\bwhen (?:would|do|are|will|might|could)\b[^?]{0,50}\b(?:live|in place|up and running|start|launch|roll|implement|deploy|buy|purchase|decide|switch|have|need|go|ready|looking)\b|\btime ?(?:line|frame)\b|\bhow soon\b|\bgo[- ]live date\b|什么时候|何时|时间(?:表|安排|计划)|多久(?:上线|用上|启动)|计划(?:在)?(?:几月|哪个月)/,
  },
  {
    topic: 'need',
    re: /\bwhat brings you\b|\bwhat (?:are|were) you (?:hoping|looking|trying|wanting|aiming) to (?:solve|fix|improve|achieve|do|get|change)\b|\bwhat (?:problem|challenge|pain)\b|\bhow can (?:i|we) help\b|\bwhat can (?:i|we) (?:help|do for) you\b|\bwhat (?:are you|do you) (?:using|use) (?:now|today|currently|for)\b|\bwhat(?:'s| is) (?:the|your) (?:use case|goal|main challenge|biggest challenge)\b|想了解什么|想了解哪|有什么(?:可以|能)?(?:帮|需要|问题)|遇到(?:了)?什么(?:问题|困难)|主要(?:想)?解决什么|什么需求|哪方面的需求|痛点|希望解决|想解决|改进哪|想做些什么|想做什么|想实现什么/,
  },
];

const OFFER =
  /\b(?:demo|call|meeting|trial|walk-?through|quote|proposal|book|schedule|set (?:you|it|one) up|get (?:you )?started|next steps?|connect you|put you in touch|send (?:you|over|it)|talk to (?:a|our|someone|sales)|speak (?:to|with) (?:a|our|someone))\b|演示|预约|试用|报价|发(?:个|一份)?方案|联系您|安排|对接/;

/**
 * The topic of the question our message ends on: the last sentence with a question mark (a bot that
 * answers and then asks puts its question last), or the last sentence when none has one. Null when our
 * message asks nothing.
 */
export function topicOfQuestion(text: string): QuestionTopic | null {
  const sentences = splitSentences(text);
  const asked = [...sentences].reverse().find((s) => /[?？]/.test(s));
  if (!asked) return null;
  const f = fold(asked);
  for (const { topic, re } of TOPICS) if (re.test(f)) return topic;
  return OFFER.test(f) ? 'offer' : 'other';
}
