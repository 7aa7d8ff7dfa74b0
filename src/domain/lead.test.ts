import { describe, expect, it } from 'vitest';
import { accountDomainFor, emailHash, isValidEmail, mergeLeadFields, normalizeEmail } from './lead.ts';
import { LeadInputSchema, fieldErrors } from './lead-input.ts';

describe('lead identity', () => {
  it('normalises and validates addresses', () => {
    expect(normalizeEmail('  Dana.Ortiz+q2@Kestrel.COM ')).toBe('dana.ortiz+q2@kestrel.com');
    for (const ok of ['a@b.co', 'first.last@sub.example.org', "o'brien@x.ie"]) expect(isValidEmail(ok), ok).toBe(true);
    for (const bad of ['', 'nobody', 'a@b', 'a@@b.com', 'a b@c.com', '.a@b.com', 'a..b@c.com', 'a@-b.com', `${'x'.repeat(65)}@b.com`]) {
      expect(isValidEmail(bad), bad).toBe(false);
    }
  });

  it('links company domains to accounts but not freemail', () => {
    expect(accountDomainFor('dana@kestrel.com')).toBe('kestrel.com');
    expect(accountDomainFor('dana@gmail.com')).toBeNull();
    expect(accountDomainFor('wang@qq.com')).toBeNull();
  });

  it('hashes erased addresses stably and without revealing them', () => {
    expect(emailHash('a@b.com')).toMatch(/^[0-9a-f]{64}$/);
    expect(emailHash('a@b.com')).toBe(emailHash('a@b.com'));
    expect(emailHash('a@b.com')).not.toBe(emailHash('a@c.com'));
  });

  it('merges: known values kept, gaps filled, nothing erased', () => {
    const { merged, changed } = mergeLeadFields({ firstName: 'Dana', title: null, company: 'Kestrel' }, { firstName: 'D.', title: 'VP', company: '' });
    expect(merged).toEqual({ firstName: 'Dana', title: 'VP', company: 'Kestrel' });
    expect(changed).toEqual(['title']);
  });
});

describe('lead input', () => {
  it('accepts a full lead and normalises it', () => {
    const v = LeadInputSchema.parse({ email: ' X@Y.com ', country: 'de', employees: '1,200', time_zone: 'Europe/Berlin', title: '  ' });
    expect(v).toMatchObject({ email: 'x@y.com', country: 'DE', employees: 1200, time_zone: 'Europe/Berlin' });
    expect(v.title).toBeUndefined();
  });

  it('names each bad field', () => {
    const r = LeadInputSchema.safeParse({ email: 'not-an-email', employees: -3, time_zone: 'Mars/Olympus', phone: 'call me', colour: 'red' });
    expect(r.success).toBe(false);
    if (r.success) return;
    const f = fieldErrors(r.error);
    expect(f.email).toEqual(['is not a valid email address']);
    expect(f.employees?.[0]).toMatch(/whole number/);
    expect(f.time_zone?.[0]).toMatch(/IANA/);
    expect(f.phone?.[0]).toMatch(/phone/);
    expect(f['(body)']?.[0]).toMatch(/unknown field\(s\): colour/);
  });

  it('requires an email', () => {
    const r = LeadInputSchema.safeParse({ first_name: 'A' });
    expect(r.success).toBe(false);
    if (!r.success) expect(fieldErrors(r.error).email).toEqual(['is required']);
  });
});
