import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.ts';
import { fieldForHeader, headerKey, parseColumnMap, planColumns, rowToInput } from './columns.ts';
import { detectDelimiter, splitRecords } from './fields.ts';
import { checkRow } from './row.ts';

describe('header mapping', () => {
  it('recognises common headers whatever their case, spacing or punctuation', () => {
    const cases: [string, string][] = [
      ['Email', 'email'],
      ['E-mail', 'email'],
      ['EMAIL ADDRESS', 'email'],
      [' email_address ', 'email'],
      ['邮箱', 'email'],
      ['First Name', 'first_name'],
      ['given_name', 'first_name'],
      ['Surname', 'last_name'],
      ['Full Name', 'name'],
      ['姓名', 'name'],
      ['Job Title', 'title'],
      ['Position', 'title'],
      ['职位', 'title'],
      ['Company Name', 'company'],
      ['Organization', 'company'],
      ['公司', 'company'],
      ['Mobile', 'phone'],
      ['Time Zone', 'time_zone'],
      ['timezone', 'time_zone'],
      ['Company Size', 'employees'],
      ['Headcount', 'employees'],
      ['Lead Owner', 'owner'],
      ['Campaign', 'campaign'],
      ['Partner', 'partner'],
      ['Ｅｍａｉｌ', 'email'], // full-width, as some East Asian spreadsheets write it
    ];
    for (const [header, field] of cases) expect(fieldForHeader(header), header).toBe(field);
    expect(fieldForHeader('Favourite colour')).toBeUndefined();
    expect(headerKey('E-Mail Address')).toBe('emailaddress');
  });

  it('keeps unknown columns as attributes and skips empty values', () => {
    const plan = planColumns(['Email', 'Notes', 'Lead Score', '']);
    expect(plan.map((c) => c.target)).toEqual([
      { kind: 'field', key: 'email' },
      { kind: 'attribute', name: 'Notes' },
      { kind: 'attribute', name: 'Lead Score' },
      { kind: 'attribute', name: 'column_4' },
    ]);
    expect(rowToInput(plan, ['a@b.example', ' met at booth ', '', 'x'])).toEqual({ email: 'a@b.example', attributes: { Notes: 'met at booth', column_4: 'x' } });
  });

  it('applies an explicit map before the aliases', () => {
    const map = parseColumnMap(['Work Email=email,Org=Company', 'Email=-', 'Internal=attributes.crm_id']);
    expect(map).toEqual({ 'Work Email': 'email', Org: 'Company', Email: '-', Internal: 'attributes.crm_id' });
    const plan = planColumns(['Email', 'work email', 'ORG', 'Internal'], map);
    expect(plan.map((c) => c.target)).toEqual([
      { kind: 'skip' },
      { kind: 'field', key: 'email' },
      { kind: 'field', key: 'company' },
      { kind: 'attribute', name: 'crm_id' },
    ]);
  });

  it('refuses files and maps that cannot work, saying what to do', () => {
    expect(() => planColumns(['Name', 'Company'])).toThrow(/no email column found.*--map "<header>=email"/);
    expect(() => planColumns(['Email', 'E-mail'])).toThrow(/columns "Email" and "E-mail" would all fill email; keep one with --map/);
    expect(() => planColumns(['Email'], { 'Work Email': 'email' })).toThrow(/--map names "Work Email", not in the file's header/);
    expect(() => parseColumnMap('Work Email')).toThrow(ValidationError);
    expect(() => parseColumnMap('Org=organisation_size')).toThrow(/not a lead field; use one of email, first_name/);
  });
});

describe('fields and rows', () => {
  it('guesses the delimiter from the header', () => {
    expect(detectDelimiter('Email,Name')).toBe(',');
    expect(detectDelimiter('Email;Name;"A,B"')).toBe(';');
    expect(detectDelimiter('Email\tName')).toBe('\t');
    expect(detectDelimiter('Email')).toBe(',');
  });

  it('splits plain and quoted records alike, and names the broken one', () => {
    expect(splitRecords(['a,b', '"x, y","say ""hi"""', 'c,"d"e'], ',')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      { error: expect.stringMatching(/^broken quoting: a quoted field goes on after its closing quote/), code: 'CSV_INVALID_CLOSING_QUOTE' },
    ]);
    expect(splitRecords(['a,b"c'], ',')).toEqual([{ error: expect.stringMatching(/a quote inside an unquoted field/), code: 'INVALID_OPENING_QUOTE' }]);
  });

  it('gives each bad row a reason a person can act on', () => {
    const plan = planColumns(['Email', 'First Name', 'Employees', 'Time Zone', 'Notes']);
    const reason = (fields: string[]) => {
      const r = checkRow(plan, fields, 'utf8');
      return r.ok === false ? r.reason : r.ok;
    };
    expect(reason(['', 'Ann', '', '', ''])).toBe('missing email');
    expect(reason(['ann@', 'Ann', '', '', ''])).toBe('email is not a valid email address');
    expect(reason(['ann@a.example', 'Ann', '51-200', 'Mars/Base', ''])).toMatch(/^employees must be a whole number.*attributes\.company_size.*; time_zone is not an IANA time zone/);
    expect(reason(['ann@a.example', 'Ann'])).toMatch(/^has 2 fields but the header has 5/);
    expect(reason(['ann@a.example', 'M\uFFFDller', '', '', ''])).toMatch(/^invalid UTF-8.*--encoding latin1/);
    expect(reason(['ann@a.example', 'Ann', '', '', 'x'.repeat(2001)])).toMatch(/^column "Notes": attribute values must be at most 2000 characters/);
    expect(reason(['', '', '', '', ''])).toBe('blank');
    expect(reason(['ann@a.example', 'Ann', '12', '', '', '', ''])).toBe(true); // trailing empty fields are fine
  });
});
