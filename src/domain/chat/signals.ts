/**
 * What a visitor's chat message asks for, read with plain rules (pure): a person, a meeting, prices,
 * an answer to a question; the email they typed; the language they write in. The qualification engine
 * reads BANT and intent; these are the chat's own cues on top of it.
 */

export type ChatLang = 'en' | 'zh';

export interface VisitorCues {
  /** Wants a person: "can I talk to a human", "转人工". */
  readonly human: boolean;
  /** Wants a meeting, call or demo booked: "can we book a demo", "约个时间". */
  readonly meeting: boolean;
  /** Asks about prices: "how much is it", "多少钱". */
  readonly pricing: boolean;
  /** Asks for a price only a person can give: a quote, a discount, a deal ("报价", "折扣"). */
  readonly quote: boolean;
  /** The question sentences of the message, as written (empty when it asks nothing). */
  readonly questions: readonly string[];
  /** Says no in so many words: "no thanks", "not interested", "不需要". */
  readonly declined: boolean;
  /** An email address the visitor typed, normalised; null when none. */
  readonly email: string | null;
}

const HUMAN =
  /\b(?:(?:talk|speak|chat)(?:ing)? (?:to|with) (?:a |an |some(?:one|body) |your )?(?:human|person|people|real person|real human|agent|rep|representative|sales(?:person| rep| team)?|someone|somebody|team|manager|account exec\w*)|(?:real|live) (?:person|human|agent)|human please|connect me (?:to|with)|transfer me|get me (?:a|an|someone)|are you (?:a )?(?:bot|robot|human|real)|is this a bot)\b|人工|真人|转接|客服|找(?:个)?(?:人|销售|顾问)|(?:和|跟|与)(?:销售|顾问|人)(?:聊|谈|沟通)/i;
const MEETING =
  /\b(?:book|schedule|set up|setup|arrange|get|have|want|need|like)\s+(?:a |an |the |some )?(?:quick |short |live |personal |15[- ]?min(?:ute)? |30[- ]?min(?:ute)? )?(?:demo|call|meeting|walk-?through|time|slot|appointment)\b|\b(?:demo|call|meeting)\s+(?:this|next|tomorrow|today|on)\b|\b(?:calendar|calendly)\b|\bwhen (?:are you|is someone) (?:free|available)\b|预约|演示|约(?:个)?(?:时间|会|电话)|开(?:个)?会|视频会议|电话沟通|见(?:个)?面/i;
const PRICING =
  /\b(?:price|prices|pricing|priced|cost|costs|how much|quote|quotation|per seat|per user|license fee|subscription fee|discount|plans?\b(?= (?:and|&|or) pric))\b|多少钱|价格|报价|费用|收费|价钱|怎么卖|折扣|优惠/i;
const QUOTE = /\b(?:quote|quotation|discount\w*|deal|custom pric\w*|special pric\w*|better price|negotiat\w*|multi-?year|volume pric\w*)\b|报价|折扣|优惠|便宜点|打折|议价/i;
const DECLINE = /\b(?:no,? thanks?|no thank you|not interested|no interest|no need|we(?:'re| are) (?:good|all set|fine|happy with)|all set|not for us|not looking|pass on this|we already (?:have|use|bought|signed)|leave me alone|not now,? thanks)\b|不需要|不用了|没兴趣|不感兴趣|算了|不考虑/i;
const QUESTION_WORD =
  /^(?:what|which|who|whom|whose|when|where|why|how|do|does|did|is|are|was|were|can|could|would|will|should|shall|may|have|has|any|anything|is there|are there)\b/i;
const ZH_QUESTION = /[吗么嘛呢]\s*$|是否|有没有|能不能|可不可以|可以不|支不支持|是不是|会不会|怎么|如何|多少|哪些|哪个|什么|为什么|几(?:个|天|周|月)/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
const EMAIL_ALL = new RegExp(EMAIL.source, 'g');

/** Han characters: a message with more than a few is Chinese. */
const HAN = /\p{Script=Han}/gu;

/** Letters a message needs before it may switch the conversation's language. */
const SWITCH_LETTERS = 12;

/**
 * The language a text is written in: Chinese when a fair share of its letters are Han, English when it
 * has enough Latin words and no Han. Addresses and links say nothing about language, and a short or
 * ambiguous message ("ok", an email address, "Q3") keeps the conversation's language (`fallback`).
 */
export function detectLang(text: string, fallback: ChatLang = 'en'): ChatLang {
  const words = text.replace(EMAIL_ALL, ' ').replace(/https?:\/\/\S+/g, ' ');
  const han = words.match(HAN)?.length ?? 0;
  const latin = words.match(/[A-Za-z]/g)?.length ?? 0;
  if (han >= 2 && han * 3 >= latin) return 'zh';
  if (han > 0 && latin === 0) return 'zh';
  if (han === 0 && latin >= SWITCH_LETTERS) return 'en';
  return fallback;
}

/** Splits a chat message into sentences, keeping the closing punctuation. */
export function sentencesOf(text: string): string[] {
  return (text.match(/[^.!?。！？\n]+[.!?。！？]*|[.!?。！？]+/g) ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
}

function isQuestion(sentence: string): boolean {
  if (/[?？]\s*$/.test(sentence)) return true;
  const s = sentence.replace(/^(?:and|also|so|ok|okay|hi|hey|hello|thanks|btw|by the way|one more thing)[,:\s]+/i, '');
  if (QUESTION_WORD.test(s) && /\b(?:you|your|it|this|there|baton|the)\b/i.test(s)) return true;
  return ZH_QUESTION.test(sentence);
}

/** Reads the cues of one visitor message. */
export function readCues(text: string): VisitorCues {
  const sentences = sentencesOf(text);
  return {
    human: HUMAN.test(text),
    meeting: MEETING.test(text),
    pricing: PRICING.test(text),
    quote: QUOTE.test(text),
    declined: DECLINE.test(text),
    questions: sentences.filter(isQuestion),
    email: text.match(EMAIL)?.[0].toLowerCase() ?? null,
  };
}
