import { describe, expect, it } from 'vitest';
import { BatonError } from '../errors.ts';
import { checkPlaceholders, parseTemplate, renderTemplate, TEMPLATE_FIELDS, type EmailTemplate } from './template.ts';

function thrown(f: () => unknown): BatonError {
  try {
    f();
  } catch (e) {
    if (e instanceof BatonError) return e;
    throw e;
  }
  throw new Error('expected a BatonError');
}

const file = (subject: string, body: string) => `---\nsubject: ${subject}\n---\n${body}\n`;

describe('parseTemplate', () => {
  it('reads the subject from the front matter and trims the body', () => {
    const t = parseTemplate('welcome', file('Welcome, {{ lead.first_name | "friend" }}', '\nHi {{ lead.first_name | "there" }},\n\nThanks.\n\n'));
    expect(t).toEqual({ name: 'welcome', subject: 'Welcome, {{ lead.first_name | "friend" }}', body: 'Hi {{ lead.first_name | "there" }},\n\nThanks.' });
  });

  it('reads Windows line endings and a byte-order mark like plain LF files', () => {
    const lf = parseTemplate('t', '---\nsubject: Hello\n---\nLine one\nLine two\n');
    const crlf = parseTemplate('t', '\uFEFF---\r\nsubject: Hello\r\n---\r\nLine one\r\nLine two\r\n');
    expect(crlf).toEqual(lf);
    expect(crlf.body).not.toContain('\r');
    expect(crlf.subject).toBe('Hello');
  });

  it('strips quotes around the subject', () => {
    expect(parseTemplate('t', file('"Quoted: with a colon"', 'Body')).subject).toBe('Quoted: with a colon');
    expect(parseTemplate('t', file("'Single quoted'", 'Body')).subject).toBe('Single quoted');
  });

  it('refuses a file without front matter, subject or body, naming the template', () => {
    const noFront = thrown(() => parseTemplate('bare', 'Hi there'));
    expect(noFront.code).toBe('TEMPLATE_INVALID');
    expect(noFront.message).toBe('email template bare must start with a front matter block (--- / subject: ... / ---)');
    expect(thrown(() => parseTemplate('t', '---\nsubject:\n---\nBody')).message).toBe('email template t has no subject in its front matter');
    expect(thrown(() => parseTemplate('t', '---\nsubject: Hi\n---\n  \n')).message).toBe('email template t has an empty body');
  });

  it('refuses front matter it does not understand', () => {
    expect(thrown(() => parseTemplate('t', '---\nsubject: Hi\nfrom: me\n---\nBody')).message).toBe('email template t unknown front matter key "from" (only subject is read)');
    expect(thrown(() => parseTemplate('t', '---\nsubject: Hi\njust words\n---\nBody')).message).toBe('email template t front matter line "just words" is not "key: value"');
  });

  it('refuses an unknown field when the template is read, listing the known ones', () => {
    const e = thrown(() => parseTemplate('t', file('Hi', 'Hi {{ lead.shoe_size }}')));
    expect(e.code).toBe('TEMPLATE_INVALID');
    expect(e.message).toContain('uses unknown field "lead.shoe_size"');
    expect(e.message).toContain('lead.first_name, lead.last_name');
    expect(thrown(() => parseTemplate('t', file('For {{ company }}', 'Body'))).message).toContain('unknown field "company"');
  });

  it.each([
    ['an unquoted fallback', 'Hi {{ lead.first_name | there }}', '{{ lead.first_name | there }}'],
    ['upper-case field', 'Hi {{ Lead.First_Name }}', '{{ Lead.First_Name }}'],
    ['a missing closing brace', 'Hi {{ lead.first_name },', '{{ lead.first_name }'],
    ['no closing braces', 'Hi {{ lead.first_name and more', '{{ lead.first_name and more'],
    ['a stray closing pair', 'Hi lead.first_name }}', '}}'],
  ])('refuses malformed braces (%s) when the template is read', (_what, body, shown) => {
    const e = thrown(() => parseTemplate('t', file('Subject', body)));
    expect(e.code).toBe('TEMPLATE_INVALID');
    expect(e.message).toBe(`email template t has a malformed placeholder ${shown}; write {{ lead.first_name }} or {{ lead.first_name | "there" }}`);
  });

  it('checks the subject as strictly as the body', () => {
    expect(thrown(() => parseTemplate('t', file('Hi {{ lead.first_name', 'Body'))).code).toBe('TEMPLATE_INVALID');
    expect(thrown(() => parseTemplate('t', file('Hi {{ sender.phone }}', 'Body'))).message).toContain('unknown field "sender.phone"');
  });
});

describe('checkPlaceholders', () => {
  it('lists every field used in subject and body once, with or without spaces', () => {
    const t: EmailTemplate = { name: 't', subject: '{{account.name}} and {{ lead.first_name }}', body: '{{ lead.first_name | "x" }} {{ sender.name }}' };
    expect(checkPlaceholders(t).sort()).toEqual(['account.name', 'lead.first_name', 'sender.name']);
  });

  it('accepts every field it documents', () => {
    const body = TEMPLATE_FIELDS.map((f) => `{{ ${f} }}`).join(' ');
    expect(checkPlaceholders({ name: 't', subject: 'S', body })).toHaveLength(TEMPLATE_FIELDS.length);
  });
});

describe('renderTemplate', () => {
  const t = parseTemplate('t', file('Hello {{ lead.first_name | "there" }}', 'Hi {{ lead.first_name | "there" }}, from {{ sender.name }} at {{ account.name | "our team" }}.'));

  it('fills values, trimmed', () => {
    expect(renderTemplate(t, { 'lead.first_name': '  Pat ', 'sender.name': 'Ann Seller', 'account.name': 'Acme' })).toEqual({ subject: 'Hello Pat', text: 'Hi Pat, from Ann Seller at Acme.' });
  });

  it('uses the fallback for a missing, null, empty or blank value', () => {
    for (const v of [undefined, null, '', '   ']) {
      expect(renderTemplate(t, { 'lead.first_name': v, 'sender.name': 'Ann' }).text).toBe('Hi there, from Ann at our team.');
    }
  });

  it('allows an empty fallback', () => {
    const e = parseTemplate('t', file('Thanks{{ lead.first_name | "" }}', 'Body'));
    expect(renderTemplate(e, {}).subject).toBe('Thanks');
  });

  it('throws TEMPLATE_FIELD_MISSING for a field without fallback that has no value', () => {
    const e = thrown(() => renderTemplate(t, { 'lead.first_name': 'Pat', 'sender.name': '  ' }));
    expect(e.code).toBe('TEMPLATE_FIELD_MISSING');
    expect(e.fault).toBe('user');
    expect(e.details).toEqual({ template: 't', field: 'sender.name' });
    expect(e.message).toContain('give it a fallback: {{ sender.name | "..." }}');
  });

  it('collapses whitespace in the subject, so no value can break the header onto new lines', () => {
    const s = parseTemplate('t', file('A   question\tfor {{ account.name }}  ', 'Body'));
    const r = renderTemplate(s, { 'account.name': 'Acme\r\nBcc: victim@example.com' });
    expect(r.subject).toBe('A question for Acme Bcc: victim@example.com');
    expect(r.subject).not.toMatch(/[\r\n\t]/);
  });

  it('keeps the line breaks of the body', () => {
    const b = parseTemplate('t', file('S', 'Line {{ lead.first_name | "one" }}\n\nLine  two'));
    expect(renderTemplate(b, {}).text).toBe('Line one\n\nLine  two');
  });

  it('does not re-read placeholders that a value happens to contain', () => {
    expect(renderTemplate(t, { 'lead.first_name': '{{ sender.email }}', 'sender.name': 'Ann' }).text).toBe('Hi {{ sender.email }}, from Ann at our team.');
  });
});
