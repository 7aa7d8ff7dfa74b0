import { describe, expect, it } from 'vitest';
import { checkModelAnswer } from './grounding.ts';
import type { Passage } from './types.ts';

const p = (n: number): Passage => ({ id: `doc.md#${n}`, documentId: 'doc.md', title: 'Doc', heading: `Doc > S${n}`, anchor: `s${n}`, body: `Body ${n}.` });
const offered = [p(0), p(1), p(2)];

describe('checkModelAnswer', () => {
  it('cites the offered passages the model named, once each, in number order, without [n] markers in the text', () => {
    expect(checkModelAnswer({ text: 'Yes [3]. And also this [1, 3].', cited: [3, 1, 3] }, offered)).toEqual({
      kind: 'answer',
      text: 'Yes. And also this.',
      sources: [
        { passageId: 'doc.md#0', documentId: 'doc.md', title: 'Doc', heading: 'Doc > S0', anchor: 's0' },
        { passageId: 'doc.md#2', documentId: 'doc.md', title: 'Doc', heading: 'Doc > S2', anchor: 's2' },
      ],
    });
  });

  it('refuses an answer citing nothing, a number not offered, or with no text', () => {
    expect(() => checkModelAnswer({ text: 'Yes.', cited: [] }, offered)).toThrow('the model cited no passage');
    expect(() => checkModelAnswer({ text: 'Yes.', cited: [1, 4] }, offered)).toThrow('the model cited passages that were not offered: 4 (offered 1..3)');
    expect(() => checkModelAnswer({ text: 'Yes.', cited: [0] }, offered)).toThrow(/not offered: 0/);
    expect(() => checkModelAnswer({ text: '  [1] ', cited: [1] }, offered)).toThrow('the model wrote an empty answer');
  });
});
