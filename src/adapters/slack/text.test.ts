import { describe, expect, it } from 'vitest';
import { fromSlackMarkup } from './text.ts';

const names: Record<string, string> = { U1: 'Ana', U2: 'Ben' };
const plain = (text: string) => fromSlackMarkup(text, (id) => names[id] ?? null);

describe('a Slack message as plain text for the visitor', () => {
  it('turns mentions into names (a stranger is @someone)', () => {
    expect(plain('Hi, <@U2> will join us; <@U9> too')).toBe('Hi, Ben will join us; @someone too');
    expect(plain('ask <@U1|ana>')).toBe('ask Ana');
  });

  it('turns links into "label (url)", and plain or auto-linked addresses into themselves', () => {
    expect(plain('see <https://acme.test/docs|our docs>')).toBe('see our docs (https://acme.test/docs)');
    expect(plain('see <https://acme.test/docs>')).toBe('see https://acme.test/docs');
    expect(plain('on <http://acme.test|acme.test>')).toBe('on acme.test');
    expect(plain('mail <mailto:sales@acme.test|sales@acme.test>')).toBe('mail sales@acme.test');
  });

  it('channels, special mentions and dates become readable words', () => {
    expect(plain('in <#C123|sales>, <!here> and <!subteam^S1|@sdrs>')).toBe('in #sales, @here and @sdrs');
    expect(plain('by <!date^1700000000^{date_short}|Nov 14>')).toBe('by Nov 14');
  });

  it('decodes the escaped characters, without decoding twice', () => {
    expect(plain('5 &lt; 10 &amp;&amp; 10 &gt; 5, &amp;lt; stays')).toBe('5 < 10 && 10 > 5, &lt; stays');
  });
});
