import type { ChatLang } from './signals.ts';

/**
 * Everything the chat bot says, in English and Chinese. One question per BANT slot, asked the way a
 * good SDR asks it: open, about the visitor's plans, never about "qualification".
 */

export type Slot = 'need' | 'timeline' | 'budget' | 'authority' | 'email';

export interface PhraseContext {
  readonly company: string;
  readonly schedulingUrl: string | null;
}

interface Phrases {
  greeting(c: PhraseContext): string;
  ask: Record<Slot, string>;
  /** The need question again, when the visitor's first words were only a hello. */
  nudge: string;
  ack: string;
  /** Prefix for an answer taken from the knowledge base. */
  source(label: string): string;
  noAnswer: string;
  noAnswerNeedsEmail: string;
  offerHuman(url: string | null): string;
  pricingNeedsPerson(url: string | null): string;
  wrapUp(url: string | null): string;
  goodbye: string;
  optedOut: string;
  emailThanks: string;
}

const EN: Phrases = {
  greeting: (c) => `Hi! I'm the ${c.company} assistant. What brings you here today?`,
  ask: {
    need: 'What are you hoping to solve or improve?',
    timeline: 'When would you like to have something in place?',
    budget: 'Is there a budget set aside for this yet?',
    authority: 'Who else would be involved in the decision?',
    email: "What's the best email for our team to reach you?",
  },
  nudge: 'Happy to help. What are you looking to do?',
  ack: 'Thanks, that helps.',
  source: (label) => `(Source: ${label})`,
  noAnswer: "I don't have a reliable answer to that here, so I've asked a person on our team to follow up with you.",
  noAnswerNeedsEmail: "I don't have a reliable answer to that here. A person on our team will follow up: what's the best email to reach you?",
  offerHuman: (url) => (url ? `I've let our team know you'd like to talk to a person. You can also pick a time that suits you: ${url}` : "I've let our team know you'd like to talk to a person; someone will be in touch shortly."),
  pricingNeedsPerson: (url) =>
    url ? `Pricing depends on your setup, so a person on our team will go through it with you. You can book a time here: ${url}` : 'Pricing depends on your setup, so a person on our team will go through it with you; someone will be in touch shortly.',
  wrapUp: (url) => (url ? `That's everything I need for now. Someone from our team will reach out shortly, or you can pick a time here: ${url}` : "That's everything I need for now. Someone from our team will reach out shortly."),
  goodbye: 'Understood, thanks for stopping by. If anything changes, we are here.',
  optedOut: "Understood: we won't contact you again.",
  emailThanks: 'Got your email, thank you.',
};

const ZH: Phrases = {
  greeting: (c) => `您好！我是${c.company}的在线助手。请问今天有什么可以帮您？`,
  ask: {
    need: '请问您希望解决或改进哪方面的问题？',
    timeline: '您预计什么时候需要上线？',
    budget: '这个项目目前有预算吗？',
    authority: '这个决定还需要哪些人参与？',
    email: '方便留一个邮箱吗？我们的同事会联系您。',
  },
  nudge: '很高兴为您服务。请问您想做些什么？',
  ack: '好的，谢谢。',
  source: (label) => `（来源：${label}）`,
  noAnswer: '这个问题我这里没有可靠的答案，已经请同事稍后跟进联系您。',
  noAnswerNeedsEmail: '这个问题我这里没有可靠的答案，会请同事跟进。方便留一个邮箱吗？',
  offerHuman: (url) => (url ? `已经通知同事您想和人沟通。您也可以直接预约时间：${url}` : '已经通知同事您想和人沟通，稍后会有人联系您。'),
  pricingNeedsPerson: (url) => (url ? `价格取决于您的具体情况，会由同事和您详细沟通。您可以在这里预约时间：${url}` : '价格取决于您的具体情况，会由同事和您详细沟通，稍后会有人联系您。'),
  wrapUp: (url) => (url ? `信息已经够了。我们的同事会尽快联系您，您也可以直接预约时间：${url}` : '信息已经够了。我们的同事会尽快联系您。'),
  goodbye: '明白了，感谢您的来访。如有需要，随时找我们。',
  optedOut: '明白，我们不会再联系您。',
  emailThanks: '好的，已收到您的邮箱。',
};

export function phrasesFor(lang: ChatLang): Phrases {
  return lang === 'zh' ? ZH : EN;
}

/** The question text for a slot, in a language. */
export function slotQuestion(slot: Slot, lang: ChatLang): string {
  return phrasesFor(lang).ask[slot];
}
