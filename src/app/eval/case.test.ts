import { describe, expect, it } from 'vitest';
import { parseCaseLines } from './case.ts';

const good = { id: 'x-1', lang: 'en', channel: 'email', date: '2026-03-02', reply: 'hi', expected: { intent: 'question', bant: { budget: { status: 'unknown' }, authority: { status: 'unknown' }, need: { status: 'unknown' }, timeline: { status: 'unknown' } }, mql: false } };

describe('parseCaseLines', () => {
  it('reads valid cases, skips blank lines and keeps line numbers', () => {
    const lines = parseCaseLines(`${JSON.stringify(good)}\n\n${JSON.stringify({ ...good, id: 'x-2' })}\n`);
    expect(lines.map((l) => [l.line, l.id, 'case' in l])).toEqual([
      [1, 'x-1', true],
      [3, 'x-2', true],
    ]);
  });

  it('turns a bad line into an error entry that keeps the case id when it has one', () => {
    const lines = parseCaseLines(['{oops', JSON.stringify({ ...good, channel: 'fax' }), JSON.stringify({ ...good, expected: undefined })].join('\n'));
    expect(lines[0]).toMatchObject({ line: 1, id: 'line-1' });
    expect('error' in lines[0]! && lines[0].error).toMatch(/not valid JSON/);
    expect(lines[1]).toMatchObject({ id: 'x-1' });
    expect('error' in lines[1]! && lines[1].error).toMatch(/channel/);
    expect('error' in lines[2]! && lines[2].error).toMatch(/expected/);
  });

  it('accepts a language it does not know yet', () => {
    const [l] = parseCaseLines(JSON.stringify({ ...good, lang: 'ja' }));
    expect(l && 'case' in l).toBe(true);
  });
});
