// The splitting of long text into sections Slack accepts without losing any of it, and the
// regressions found in it and in the messages' text (a live <!channel> from an attachment URL).
import { describe, expect, it } from 'vitest';
import { splitText, threadMessage } from '../../src/slack/format/conversation-messages.ts';
import { LIMIT, expectLossless, baseMessageForRegression } from './conversation-messages-fixture.ts';

describe('splitText', () => {
  it.each([
    { name: 'empty text → placeholder', text: '', limit: 10, out: ['_(empty message)_'] },
    { name: 'shorter than the limit', text: 'abc', limit: 10, out: ['abc'] },
    { name: 'exactly the limit', text: 'abcdefghij', limit: 10, out: ['abcdefghij'] },
    { name: 'one over, no spaces: hard cut', text: 'abcdefghijk', limit: 10, out: ['abcdefghij', 'k'] },
    { name: 'long word without spaces', text: 'x'.repeat(25), limit: 10, out: ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)] },
    { name: 'cut at the last space, which is dropped', text: 'aaaa bbbb cccc', limit: 10, out: ['aaaa bbbb', 'cccc'] },
    { name: 'space exactly at the limit', text: 'aaaaaaaaaa bb', limit: 10, out: ['aaaaaaaaaa', 'bb'] },
    { name: 'a newline is preferred to a later space', text: 'aaaaaa\nbb cc dd', limit: 10, out: ['aaaaaa', 'bb cc dd'] },
    { name: 'a newline in the first half is passed over for a space', text: 'aa\nbbbbbb ccc', limit: 10, out: ['aa\nbbbbbb', 'ccc'] },
    { name: 'a space in the first half is passed over for a hard cut', text: 'aa bbbbbbbbbbbb', limit: 10, out: ['aa bbbbbbb', 'bbbbb'] },
    { name: 'only one separator is dropped at a cut', text: 'aaaaaaaaa  bb', limit: 10, out: ['aaaaaaaaa ', 'bb'] },
    { name: '&amp; straddling a hard cut moves whole to the next chunk', text: 'aaaaaaaa&amp;bbb', limit: 10, out: ['aaaaaaaa', '&amp;bbb'] },
    { name: '&lt; straddling a hard cut moves whole to the next chunk', text: 'aaaaaaa&lt;bb', limit: 10, out: ['aaaaaaa', '&lt;bb'] },
    { name: '&amp; ending exactly at the cut stays', text: 'aaaaa&amp;bbbb', limit: 10, out: ['aaaaa&amp;', 'bbbb'] },
    { name: '&amp; starting exactly at the cut', text: 'aaaaaaaaaa&amp;', limit: 10, out: ['aaaaaaaaaa', '&amp;'] },
    { name: 'a run of &amp; is cut between entities', text: '&amp;'.repeat(5), limit: 12, out: ['&amp;&amp;', '&amp;&amp;', '&amp;'] },
  ])('$name', ({ text, limit, out }) => {
    const chunks = splitText(text, limit);
    expect(chunks).toEqual(out);
    if (text !== '') expectLossless(chunks, text, limit);
  });

  it('no chunk ends inside an entity for escaped text at the real limit', () => {
    // 2998 chars then "&amp;": the entity straddles the 3000 cut.
    const text = `${'a'.repeat(2998)}&amp;${'b'.repeat(100)}`;
    const chunks = splitText(text, LIMIT);
    expect(chunks).toEqual(['a'.repeat(2998), `&amp;${'b'.repeat(100)}`]);
    for (const chunk of chunks) expect(chunk).not.toMatch(/&[a-z]{0,3}$/);
  });
});

describe('regressions', () => {
  it('does not produce an empty trailing chunk (and so an invalid_blocks section) for text of the limit plus one newline', () => {
    expect(splitText(`${'a'.repeat(3000)}\n`, 3000)).toEqual(['a'.repeat(3000)]);
    expect(splitText(`${'a'.repeat(10)} `, 10)).toEqual(['a'.repeat(10)]);
  });

  it('never splits an emoji between two chunks', () => {
    const chunks = splitText(`a${'😀'.repeat(2000)}`, 3000);
    expect(chunks.join('')).toBe(`a${'😀'.repeat(2000)}`);
    for (const chunk of chunks) expect(chunk).not.toMatch(/[\ud800-\udbff]$|^[\udc00-\udfff]/);
  });

  it('keeps an attachment URL from breaking out of its link into a live <!channel>', () => {
    const body = threadMessage({
      ...baseMessageForRegression(),
      attachments: [{ name: 'f.png', url: 'https://files.example/a>b<!channel>|x', mimeType: 'image/png', size: 10 }],
    });
    const text = JSON.stringify(body.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('<https://files.example/a%3Eb%3C!channel%3E%7Cx|f.png (files.example)>');
  });
});
