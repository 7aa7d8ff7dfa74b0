import { describe, expect, it } from 'vitest';
import { chunkMarkdown, passageEmbeddingText, slugify } from './chunk.ts';

const SECURITY = `# Security

How we keep your data safe.

## Data residency

Customer data is stored in the EU or the US, as you choose.

### Backups

Backups stay in the same region.

## Empty section

## SSO

SAML 2.0 single sign-on.
`;

describe('chunkMarkdown', () => {
  it('cuts one passage per section with its heading path, anchor, id and the document title', () => {
    const doc = chunkMarkdown('security.md', SECURITY);
    expect(doc.title).toBe('Security');
    expect(doc.passages).toEqual([
      { id: 'security.md#0', documentId: 'security.md', title: 'Security', heading: 'Security', anchor: 'security', body: 'How we keep your data safe.' },
      {
        id: 'security.md#1',
        documentId: 'security.md',
        title: 'Security',
        heading: 'Security > Data residency',
        anchor: 'data-residency',
        body: 'Customer data is stored in the EU or the US, as you choose.',
      },
      { id: 'security.md#2', documentId: 'security.md', title: 'Security', heading: 'Security > Data residency > Backups', anchor: 'backups', body: 'Backups stay in the same region.' },
      { id: 'security.md#3', documentId: 'security.md', title: 'Security', heading: 'Security > SSO', anchor: 'sso', body: 'SAML 2.0 single sign-on.' },
    ]);
  });

  it('keeps text before the first heading under the title, without an anchor', () => {
    const doc = chunkMarkdown('notes/faq.md', 'Read this first.\n\n## Billing\n\nMonthly or yearly.\n');
    expect(doc.title).toBe('faq');
    expect(doc.passages.map((p) => [p.heading, p.anchor, p.body])).toEqual([
      ['faq', null, 'Read this first.'],
      ['Billing', 'billing', 'Monthly or yearly.'],
    ]);
  });

  it('skips front matter, uses its title when there is no # heading, and reads CRLF files', () => {
    const text = '---\r\ntitle: "Pricing policy"\r\nowner: sales\r\n---\r\n## Plans\r\n\r\nThree plans.\r\n\r\nAnnual billing.\r\n';
    const doc = chunkMarkdown('pricing.md', text);
    expect(doc.title).toBe('Pricing policy');
    expect(doc.passages).toHaveLength(1);
    expect(doc.passages[0]).toMatchObject({ heading: 'Plans', body: 'Three plans.\n\nAnnual billing.' });
    expect(doc.passages[0]!.body).not.toContain('\r');
  });

  it('does not take a # inside a code fence for a heading', () => {
    const text = '# Setup\n\nRun this:\n\n```sh\n# install\nnpm install\n\n# start\nnpm start\n```\n\nDone.\n\n~~~\n## not a heading\n~~~\n';
    const doc = chunkMarkdown('setup.md', text);
    expect(doc.passages).toHaveLength(1);
    expect(doc.passages[0]!.body).toBe('Run this:\n\n```sh\n# install\nnpm install\n\n# start\nnpm start\n```\n\nDone.\n\n~~~\n## not a heading\n~~~');
  });

  it('gives repeated headings distinct anchors and keeps Chinese in slugs and bodies', () => {
    const doc = chunkMarkdown('zh/faq.md', '# 常见问题\n\n## 数据存储\n\n数据存放在中国大陆的数据中心。\n\n## FAQ\n\na\n\n## FAQ\n\nb\n');
    expect(doc.title).toBe('常见问题');
    expect(doc.passages.map((p) => p.anchor)).toEqual(['数据存储', 'faq', 'faq-1']);
    expect(doc.passages[0]).toMatchObject({ heading: '常见问题 > 数据存储', body: '数据存放在中国大陆的数据中心。' });
  });

  it('splits a long section at paragraph boundaries near the target, never above the maximum', () => {
    const para = (n: number) => `Paragraph ${n} ${'word '.repeat(70).trim()}.`;
    const body = Array.from({ length: 8 }, (_, i) => para(i)).join('\n\n');
    const doc = chunkMarkdown('long.md', `# Long\n\n${body}\n`, { targetChars: 800, maxChars: 1600 });
    expect(doc.passages.length).toBeGreaterThan(1);
    for (const p of doc.passages) {
      expect(p.body.length).toBeLessThanOrEqual(1600);
      expect(p.heading).toBe('Long');
      // each passage is whole paragraphs of the original
      for (const part of p.body.split('\n\n')) expect(body).toContain(part);
    }
    expect(doc.passages.map((p) => p.body).join('\n\n')).toBe(body);
    expect(doc.passages.map((p) => p.id)).toEqual(doc.passages.map((_, i) => `long.md#${i}`));
  });

  it('cuts one huge paragraph at sentences, Chinese ones included, within the maximum', () => {
    const zh = '我们的数据加密使用AES-256。'.repeat(200);
    const doc = chunkMarkdown('zh.md', `# 安全\n\n${zh}\n`, { targetChars: 800, maxChars: 1600 });
    expect(doc.passages.length).toBeGreaterThan(1);
    for (const p of doc.passages) {
      expect(p.body.length).toBeLessThanOrEqual(1600);
      expect(p.body.endsWith('。')).toBe(true);
    }
    expect(doc.passages.map((p) => p.body).join('')).toBe(zh);
  });

  it('drops sections with nothing in them and returns no passages for an empty file', () => {
    expect(chunkMarkdown('empty.md', '').passages).toEqual([]);
    expect(chunkMarkdown('headings.md', '# A\n\n## B\n\n   \n## C\n').passages).toEqual([]);
  });
});

describe('slugify and passageEmbeddingText', () => {
  it('makes renderer-style anchors', () => {
    expect(slugify('Data residency')).toBe('data-residency');
    expect(slugify('SOC 2 (Type II) & GDPR!')).toBe('soc-2-type-ii-gdpr');
    expect(slugify('单点登录 SSO')).toBe('单点登录-sso');
  });

  it('puts the heading before the body', () => {
    expect(passageEmbeddingText({ heading: 'Security > SSO', body: 'SAML.' })).toBe('Security > SSO\n\nSAML.');
  });
});
