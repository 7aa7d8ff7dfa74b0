import { localDate } from '../../domain/sequence/calendar.ts';
import type { RawMessageInput } from '../../adapters/email/mime.ts';

/**
 * The people of the demo loop: web-form leads with what they will answer to Baton's first email.
 * Every address is under demo.baton.localhost (`.localhost` is reserved, RFC 6761: no real mailbox
 * can ever receive a demo email), one subdomain per company so each persona is its own account.
 */

/** The reserved domain every demo address lives under. */
export const DEMO_DOMAIN = 'demo.baton.localhost';
/** The lead source of every demo lead (the first touch's `source`), which is how the demo finds its people again. */
export const DEMO_SOURCE = 'demo';

/** How a persona answers: what the desk and the pipeline should make of it. */
export type DemoBehaviour = 'mql' | 'question' | 'not_now' | 'out_of_office' | 'unsubscribe' | 'referral';

export interface DemoPersona {
  /** Stable id, used in job payloads and the reply's Message-ID. */
  readonly key: string;
  readonly behaviour: DemoBehaviour;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly title: string;
  readonly company: string;
  readonly country: string;
  readonly timeZone: string;
  readonly industry: string;
  readonly employees: number;
  readonly lang: 'en' | 'zh';
  /** The form's campaign (attribution), e.g. pricing-page. */
  readonly campaign: string;
  /** Seconds after our first email landed that the answer comes. */
  readonly delaySeconds: number;
  /** For a referral: the colleague named (at the same company, so the card shows them as a contact). */
  readonly referee?: { readonly name: string; readonly email: string };
}

const at = (local: string, company: string) => `${local}@${company}.${DEMO_DOMAIN}`;

/**
 * Eight people: three clear MQL candidates (budget, authority, need and timeline in their own words,
 * so the card has quotes; US, DE and CN, so territory assignment gives each SDR of the shipped team
 * one), a question, a "not now", an out-of-office, an unsubscribe and a referral.
 */
export const DEMO_PERSONAS: readonly DemoPersona[] = [
  {
    key: 'maya-northwind',
    behaviour: 'mql',
    email: at('maya.brooks', 'northwind'),
    firstName: 'Maya',
    lastName: 'Brooks',
    title: 'VP of Sales',
    company: 'Northwind Analytics',
    country: 'US',
    timeZone: 'America/New_York',
    industry: 'Software',
    employees: 420,
    lang: 'en',
    campaign: 'pricing-page',
    delaySeconds: 15,
  },
  {
    key: 'jonas-brightwave',
    behaviour: 'mql',
    email: at('jonas.weber', 'brightwave'),
    firstName: 'Jonas',
    lastName: 'Weber',
    title: 'Head of Revenue Operations',
    company: 'Brightwave Logistics',
    country: 'DE',
    timeZone: 'Europe/Berlin',
    industry: 'Logistics',
    employees: 1200,
    lang: 'en',
    campaign: 'demo-request',
    delaySeconds: 20,
  },
  {
    key: 'wang-yunfan',
    behaviour: 'mql',
    email: at('wang.lei', 'yunfan'),
    firstName: '磊',
    lastName: '王',
    title: '销售总监',
    company: '上海云帆软件',
    country: 'CN',
    timeZone: 'Asia/Shanghai',
    industry: '软件',
    employees: 300,
    lang: 'zh',
    campaign: 'wechat-article',
    delaySeconds: 25,
  },
  {
    key: 'oliver-kestrel',
    behaviour: 'question',
    email: at('oliver.hughes', 'kestrel'),
    firstName: 'Oliver',
    lastName: 'Hughes',
    title: 'Sales Manager',
    company: 'Kestrel Retail',
    country: 'GB',
    timeZone: 'Europe/London',
    industry: 'Retail',
    employees: 260,
    lang: 'en',
    campaign: 'ebook-lead-routing',
    delaySeconds: 30,
  },
  {
    key: 'emma-maple',
    behaviour: 'not_now',
    email: at('emma.tremblay', 'maplefreight'),
    firstName: 'Emma',
    lastName: 'Tremblay',
    title: 'Director of Marketing',
    company: 'Maple Freight',
    country: 'CA',
    timeZone: 'America/Toronto',
    industry: 'Logistics',
    employees: 800,
    lang: 'en',
    campaign: 'webinar-speed-to-lead',
    delaySeconds: 35,
  },
  {
    key: 'chen-lioncity',
    behaviour: 'out_of_office',
    email: at('chen.meiling', 'lioncity'),
    firstName: '美玲',
    lastName: '陈',
    title: '运营经理',
    company: 'Lion City Commerce',
    country: 'SG',
    timeZone: 'Asia/Singapore',
    industry: 'E-commerce',
    employees: 150,
    lang: 'zh',
    campaign: 'contact-us',
    delaySeconds: 5,
  },
  {
    key: 'camille-lumiere',
    behaviour: 'unsubscribe',
    email: at('camille.laurent', 'lumiere'),
    firstName: 'Camille',
    lastName: 'Laurent',
    title: 'Marketing Coordinator',
    company: 'Atelier Lumière',
    country: 'FR',
    timeZone: 'Europe/Paris',
    industry: 'Retail',
    employees: 40,
    lang: 'en',
    campaign: 'newsletter-signup',
    delaySeconds: 20,
  },
  {
    key: 'lucas-verde',
    behaviour: 'referral',
    email: at('lucas.almeida', 'verdeagro'),
    firstName: 'Lucas',
    lastName: 'Almeida',
    title: 'Marketing Analyst',
    company: 'Verde Agro',
    country: 'BR',
    timeZone: 'America/Sao_Paulo',
    industry: 'Manufacturing',
    employees: 650,
    lang: 'en',
    campaign: 'pricing-page',
    delaySeconds: 40,
    referee: { name: 'Beatriz Souza', email: at('beatriz.souza', 'verdeagro') },
  },
];

export function findPersona(key: string): DemoPersona | undefined {
  return DEMO_PERSONAS.find((p) => p.key === key);
}

/** How the persona's name is written: family name first, without a space, in Chinese. */
export function displayName(p: Pick<DemoPersona, 'firstName' | 'lastName' | 'lang'>): string {
  return p.lang === 'zh' ? `${p.lastName}${p.firstName}` : `${p.firstName} ${p.lastName}`;
}

/** The Message-ID of the persona's one answer: fixed, so the pipeline and the demo can tell it was already sent. */
export function demoReplyMessageId(p: Pick<DemoPersona, 'key'>): string {
  return `<demo-reply.${p.key}@${DEMO_DOMAIN}>`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The month three months after `at` in `zone`, by name: always ahead, whatever day the demo runs. */
export function laterMonth(at: Date, zone: string): string {
  const month = Number(localDate(at, zone).slice(5, 7));
  return MONTHS[(month - 1 + 3) % 12] as string;
}

/** The first day `days` after `at`, as "M月D日" and "Month D" in `zone`. */
function returnDay(at: Date, zone: string, days: number): { zh: string; en: string } {
  const [, m, d] = localDate(new Date(at.getTime() + days * 86_400_000), zone).split('-').map(Number) as [number, number, number];
  return { zh: `${m}月${d}日`, en: `${MONTHS[m - 1] as string} ${d}` };
}

/** What the person writes (their own words, before the quoted original). */
export function answerText(p: DemoPersona, at: Date): string {
  switch (p.behaviour) {
    case 'mql':
      if (p.lang === 'zh') return '您好，我们对这个很感兴趣。我们需要更快地跟进官网来的线索。我是销售总监，负责这次采购决策。预算大约30万元。希望下个月上线。能否本周安排一次电话？';
      return p.key === 'maya-northwind'
        ? `Thanks for the quick answer. We need to answer our inbound leads much faster than we do today. I'm the ${p.title} and I make the call on tools like this. We have a budget of about $40k for it this quarter. Ideally we want something live within 60 days. Could we talk on Thursday?`
        : `Yes, this is timely. We need a better way to route and follow up our inbound leads. I own the decision as ${p.title}. The budget is around EUR 30,000. We want to go live within 60 days, before our busy season. What does a pilot look like?`;
    case 'question':
      return 'Quick question before I take this further: does Baton work with HubSpot, and can replies be routed to reps by territory? How is it priced?';
    case 'not_now':
      return `Thanks for getting back to me. We are in the middle of a CRM migration, so this is not a priority right now. Please get back to me in ${laterMonth(at, p.timeZone)}.`;
    case 'out_of_office': {
      const back = returnDay(at, p.timeZone, 5);
      return p.lang === 'zh'
        ? `您好，我目前正在休假，我将于${back.zh}返回，届时回复您的邮件。紧急事务请联系我的同事。`
        : `I am out of the office until ${back.en} with limited access to email. I will reply when I am back.`;
    }
    case 'unsubscribe':
      return 'Please unsubscribe me from these emails, thanks.';
    case 'referral':
      return `Thanks, but I'm not the right person for this. Please talk to ${p.referee?.name ?? 'our sales operations lead'} (${p.referee?.email ?? ''}), who runs our sales operations.`;
  }
}

/** The email Baton sent first, as the demo reads it back from the outbox. */
export interface FirstEmail {
  readonly messageId: string;
  readonly from: string;
  readonly replyTo: string;
  readonly subject: string;
  readonly text: string;
  readonly sentAt: Date;
}

/**
 * The persona's answer as a mail client (or, for the out-of-office, an auto-responder) writes it:
 * to the Reply-To address, threaded with In-Reply-To and References, the original quoted Gmail-style.
 * Everything in it follows from the persona and the first email, so composing it twice gives the same
 * bytes (and the inbound store takes it once).
 */
export function composeAnswer(p: DemoPersona, first: FirstEmail, at: Date): RawMessageInput {
  const auto = p.behaviour === 'out_of_office';
  const subject = auto ? `${p.lang === 'zh' ? '自动回复' : 'Automatic reply'}: ${first.subject}` : /^re:/i.test(first.subject) ? first.subject : `Re: ${first.subject}`;
  const quote = `On ${first.sentAt.toUTCString().replace(/:\d\d GMT$/, ' GMT')}, ${first.from} wrote:\n${first.text
    .trimEnd()
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n')}`;
  return {
    from: `"${displayName(p)}" <${p.email}>`,
    to: first.replyTo,
    subject,
    text: auto ? answerText(p, at) : `${answerText(p, at)}\n\n${quote}\n`,
    messageId: demoReplyMessageId(p),
    inReplyTo: first.messageId,
    references: [first.messageId],
    date: at,
    ...(auto ? { headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } } : {}),
  };
}
