import { describe, expect, it } from 'vitest';
import type { Lead } from '../../domain/records.ts';
import { defineSequence } from '../../domain/sequence/definition.ts';
import { parseTemplate } from '../../domain/sequence/template.ts';
import { composeStepEmail } from './compose.ts';

const TEMPLATES: Record<string, string> = {
  intro: '---\nsubject: A question for {{ account.name | "your team" }}\n---\nHi {{ lead.first_name | "there" }},\n\nI work with teams like {{ lead.company | "yours" }}.\nOne short question.\n\n{{ sender.first_name }}',
  bump: '---\nsubject: Following up\n---\nHi {{ lead.first_name | "there" }}, bumping this.',
  titled: '---\nsubject: For you\n---\nAs {{ lead.title }}, you will like this.',
};
const def = defineSequence(
  {
    id: 'outbound-intro',
    name: 'Outbound introduction',
    kind: 'outbound',
    steps: [
      { id: 'intro', type: 'email', template: 'intro' },
      { type: 'wait', days: 3 },
      { id: 'bump', type: 'email', template: 'bump' },
      { type: 'email', template: 'titled' },
    ],
  },
  (name) => parseTemplate(name, TEMPLATES[name] ?? ''),
);

const AT = new Date('2026-03-02T10:00:00Z');
function lead(fields: Partial<Lead> = {}): Lead {
  return {
    id: '0193aaaa-0000-7000-8000-000000000001',
    email: 'pat@buyer.test',
    emailDomain: 'buyer.test',
    accountId: null,
    attributes: {},
    stage: 'lead',
    stageChangedAt: AT,
    consentStatus: 'unknown',
    createdAt: AT,
    updatedAt: AT,
    firstName: 'Pat',
    ...fields,
  };
}

const TOKEN = 'tok_AbC-123_xyz';
const base = {
  def,
  template: 'intro',
  lead: lead(),
  account: { name: 'Buyer Inc', domain: 'buyer.test' },
  mailbox: { address: 'ann@sender.test', name: 'Ann Seller' },
  token: TOKEN,
  messageId: '<m3@sender.test>',
  thread: [] as string[],
  threadSubject: null,
  settings: { publicUrl: 'https://baton.example.com/', replyDomain: 'replies.sender.test', postalAddress: 'Sender & Co, 1 Test Street, Testville' },
  enrolmentId: 'enr-1',
};

describe('composeStepEmail: the first email of a thread', () => {
  const email = composeStepEmail(base);

  it('renders the template for the lead and the sending mailbox', () => {
    expect(email.subject).toBe('A question for Buyer Inc');
    expect(email.from).toBe('"Ann Seller" <ann@sender.test>');
    expect(email.to).toBe('pat@buyer.test');
    expect(email.messageId).toBe('<m3@sender.test>');
    expect(email.text.startsWith('Hi Pat,\n\nI work with teams like Buyer Inc.\nOne short question.\n\nAnn\n\n')).toBe(true);
  });

  it('ends the text with an unsubscribe link and the postal address', () => {
    expect(email.text.endsWith(`\n\n--\nNot interested? Unsubscribe with one click: https://baton.example.com/u/${TOKEN}\nSender & Co, 1 Test Street, Testville\n`)).toBe(true);
  });

  it('carries the same footer in the HTML part, escaped', () => {
    expect(email.html).toContain(`<a href="https://baton.example.com/u/${TOKEN}">Unsubscribe</a>`);
    expect(email.html).toContain('Sender &amp; Co, 1 Test Street, Testville');
  });

  it('builds paragraphs and line breaks in the HTML part', () => {
    expect(email.html).toContain('<p>Hi Pat,</p>\n<p>I work with teams like Buyer Inc.<br>One short question.</p>\n<p>Ann</p>');
  });

  it('routes replies and opt-outs through the enrolment token', () => {
    expect(email.replyTo).toBe(`reply+${TOKEN}@replies.sender.test`);
    expect(email.listUnsubscribe).toEqual({ url: `https://baton.example.com/u/${TOKEN}`, mailto: `unsubscribe+${TOKEN}@replies.sender.test` });
    expect(email.headers).toEqual({ 'X-Baton-Enrolment': 'enr-1' });
  });

  it('does not claim to reply to anything', () => {
    expect(email).not.toHaveProperty('inReplyTo');
    expect(email).not.toHaveProperty('references');
  });
});

describe('composeStepEmail: lead values', () => {
  it('escapes lead values in the HTML part and keeps them as written in the text part', () => {
    const email = composeStepEmail({ ...base, lead: lead({ firstName: '<script>alert("x")</script>', company: 'A&B <Labs>' }), account: null });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,');
    expect(email.html).toContain('teams like A&amp;B &lt;Labs&gt;.');
    expect(email.text).toContain('Hi <script>alert("x")</script>,');
    expect(email.subject).toBe('A question for A&B <Labs>');
  });

  it('falls back between the account and the company the lead gave', () => {
    expect(composeStepEmail({ ...base, lead: lead({ company: null }), account: { name: 'Acct Name', domain: 'buyer.test' } }).text).toContain('teams like Acct Name.');
    expect(composeStepEmail({ ...base, lead: lead({ company: 'Lead Co' }), account: null }).subject).toBe('A question for Lead Co');
    expect(composeStepEmail({ ...base, lead: lead({ company: null, firstName: null }), account: null })).toMatchObject({ subject: 'A question for your team' });
  });

  it('refuses to send a template whose field the lead lacks', () => {
    expect(() => composeStepEmail({ ...base, template: 'titled' })).toThrow(expect.objectContaining({ code: 'TEMPLATE_FIELD_MISSING' }));
    expect(composeStepEmail({ ...base, template: 'titled', lead: lead({ title: 'CTO' }) }).text).toMatch(/^As CTO, you will like this\./);
  });

  it('refuses a template the sequence did not bundle', () => {
    expect(() => composeStepEmail({ ...base, template: 'outbound-bump' })).toThrow('sequence outbound-intro has no template outbound-bump');
  });
});

describe('composeStepEmail: sender', () => {
  it('drops quotes and backslashes from the display name, and sends from the bare address without one', () => {
    expect(composeStepEmail({ ...base, mailbox: { address: 'ann@sender.test', name: 'Ann "The Closer" \\ Seller' } }).from).toBe('"Ann The Closer  Seller" <ann@sender.test>');
    const bare = composeStepEmail({ ...base, mailbox: { address: 'ann@sender.test', name: '' }, template: 'bump' });
    expect(bare.from).toBe('ann@sender.test');
  });
});

describe('composeStepEmail: a follow-up', () => {
  const thread = ['<m1@sender.test>', '<m2@sender.test>'];

  it('replies to the last message, references the whole thread, and keeps the first subject', () => {
    const email = composeStepEmail({ ...base, template: 'bump', thread, threadSubject: 'A question for Buyer Inc' });
    expect(email.subject).toBe('Re: A question for Buyer Inc');
    expect(email.inReplyTo).toBe('<m2@sender.test>');
    expect(email.references).toEqual(thread);
    expect(email.text.startsWith('Hi Pat, bumping this.')).toBe(true);
  });

  it('does not stack a second Re:', () => {
    expect(composeStepEmail({ ...base, template: 'bump', thread, threadSubject: 'RE: A question' }).subject).toBe('RE: A question');
  });

  it('uses the template subject when the first subject is not known', () => {
    const email = composeStepEmail({ ...base, template: 'bump', thread, threadSubject: null });
    expect(email.subject).toBe('Following up');
    expect(email.inReplyTo).toBe('<m2@sender.test>');
  });

  it('does not share its references array with the caller', () => {
    const mine = [...thread];
    const email = composeStepEmail({ ...base, template: 'bump', thread: mine, threadSubject: 'x' });
    mine.push('<m9@sender.test>');
    expect(email.references).toEqual(thread);
  });
});
