import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineEvent } from './lines.ts';
import { RecordFramer, type Framed } from './framing.ts';
import { splitOne } from './fields.ts';

function lines(chunks: string[], max = 1000): LineEvent[] {
  const out: LineEvent[] = [];
  const s = new LineSplitter(max);
  for (const c of chunks) s.push(c, (e) => out.push(e));
  s.end((e) => out.push(e));
  return out;
}

function frame(text: string, width = 3, limits = { maxRecordChars: 10_000, maxRecordLines: 50 }): Framed[] {
  const out: Framed[] = [];
  const isRow = (t: string) => {
    const f = splitOne(t, ',');
    return Array.isArray(f) && f.length === width;
  };
  const framer = new RecordFramer(limits, (t, ls) => isRow(t) && !ls.slice(1).some(isRow));
  for (const e of lines([text], limits.maxRecordChars)) framer.push(e, (f) => out.push(f));
  framer.end((f) => out.push(f));
  return out;
}

describe('line splitting', () => {
  it('numbers lines as an editor does, for \\n, \\r\\n and a lone \\r, across chunk boundaries', () => {
    expect(lines(['a\r', '\nb\n', 'c\rd', '\r\ne'])).toEqual([
      { kind: 'line', no: 1, text: 'a' },
      { kind: 'line', no: 2, text: 'b' },
      { kind: 'line', no: 3, text: 'c' },
      { kind: 'line', no: 4, text: 'd' },
      { kind: 'line', no: 5, text: 'e' },
    ]);
    expect(lines(['x\n\n'])).toEqual([
      { kind: 'line', no: 1, text: 'x' },
      { kind: 'line', no: 2, text: '' },
    ]);
  });

  it('counts an over-long line without keeping it, and goes on with the next', () => {
    const big = 'y'.repeat(250);
    expect(lines(['ok\n', big.slice(0, 100), big.slice(100), ',z\nafter\n'], 100)).toEqual([
      { kind: 'line', no: 1, text: 'ok' },
      { kind: 'oversized', no: 2, length: 252 },
      { kind: 'line', no: 3, text: 'after' },
    ]);
  });
});

describe('record framing', () => {
  it('keeps a quoted field with line breaks as one record starting on its first line', () => {
    expect(frame('h1,h2,h3\n1,"two\nlines",x\n\n3,y,z\n')).toEqual([
      { kind: 'record', line: 1, text: 'h1,h2,h3', multiline: false },
      { kind: 'record', line: 2, text: '1,"two\nlines",x', multiline: true },
      { kind: 'record', line: 5, text: '3,y,z', multiline: false },
    ]);
  });

  it('reports an unclosed quote in the middle and reads every later line again', () => {
    const out = frame('a,b,c\n1,"broken,x\n2,b,c\n3,b,c\n');
    expect(out[1]).toMatchObject({ kind: 'bad', line: 2, reason: expect.stringMatching(/^unclosed quote/) });
    expect(out.filter((f) => f.kind === 'record').map((f) => f.line)).toEqual([1, 3, 4]);
  });

  it('does not let a later stray quote pair up with an unclosed one', () => {
    // Line 2 opens a quote; line 4's stray quote closes it, and lines 2-4 parse as one three-field
    // record, but line 3 is a row of its own: the quote on line 2 is the broken one.
    const out = frame('a,b,c\n1,"broken,x\n2,b,c\n3,5\'10",c\n4,b,c\n');
    expect(out.map((f) => [f.kind, f.line])).toEqual([
      ['record', 1],
      ['bad', 2],
      ['record', 3],
      ['bad', 4],
      ['record', 5],
    ]);
  });

  it('gives up on a quote left open past the line limit and reads on from the next line', () => {
    const body = Array.from({ length: 10 }, (_, i) => `${i},b,c`).join('\n');
    const out = frame(`a,b,c\n1,"open,x\n${body}\n`, 3, { maxRecordChars: 10_000, maxRecordLines: 4 });
    expect(out[1]).toMatchObject({ kind: 'bad', line: 2, reason: expect.stringContaining('not closed within 4 lines') });
    expect(out.filter((f) => f.kind === 'record')).toHaveLength(11);
  });

  it('reports an oversized line as its own bad record', () => {
    const out = frame(`a,b,c\n1,${'z'.repeat(200)},c\n2,b,c\n`, 3, { maxRecordChars: 100, maxRecordLines: 50 });
    expect(out.map((f) => [f.kind, f.line])).toEqual([
      ['record', 1],
      ['bad', 2],
      ['record', 3],
    ]);
    expect(out[1]).toMatchObject({ reason: expect.stringMatching(/^record is 204 characters long, over the limit of 100/) });
  });
});
