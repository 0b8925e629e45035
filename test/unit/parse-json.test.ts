// parseJson: outside JSON without NUL characters in its strings (src/parse-json.ts says why).
import { describe, expect, it } from 'vitest';
import { parseJson, withoutNul } from '../../src/parse-json.ts';

describe('parseJson', () => {
  it.each([
    ['a plain body, as JSON.parse gives it', '{"text":"hello","n":1}', { text: 'hello', n: 1 }],
    ['a NUL inside a message', '{"text":"he\\u0000llo"}', { text: 'hello' }],
    ['NULs nested in arrays and objects', '{"a":[{"b":"\\u0000x\\u0000"}],"c":"\\u0000"}', { a: [{ b: 'x' }], c: '' }],
    ['an escaped backslash before u0000 is text, kept', '{"text":"\\\\u0000"}', { text: '\\u0000' }],
    ['other control characters are kept', '{"text":"a\\u0001\\tb"}', { text: 'a\u0001\tb' }],
  ])('%s', (_name, text, expected) => {
    expect(parseJson(text)).toEqual(expected);
  });

  it('still refuses what is not JSON', () => {
    expect(() => parseJson('{"text":')).toThrow(SyntaxError);
  });
});

describe('withoutNul (bodies Fastify parsed)', () => {
  it.each([
    ['a string', 'he\u0000llo', 'hello'],
    ['nested in arrays and objects, keys too', { a: [{ b: '\u0000x' }], ['k\u0000']: 1 }, { a: [{ b: 'x' }], k: 1 }],
    ['numbers, booleans and null as they are', { n: 1, t: true, z: null }, { n: 1, t: true, z: null }],
    ['an escaped backslash before u0000 is text, kept', { text: '\\u0000' }, { text: '\\u0000' }],
  ])('%s', (_name, value, expected) => {
    expect(withoutNul(value)).toEqual(expected);
  });
});
