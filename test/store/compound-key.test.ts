// compoundKey and splitCompoundKey: distinct part lists give distinct keys, and hostile text
// (a lone UTF-16 surrogate, which encodeURIComponent refuses) still gives a key instead of a throw.
import { describe, expect, it } from 'vitest';
import { compoundKey, splitCompoundKey } from '../../src/store/compound-key.ts';

describe('compoundKey', () => {
  it.each([
    [['org_1', 'conv_1', '3'], 'org_1:conv_1:3'],
    [['a:b', 'c'], 'a%3Ab:c'],
    [['a', 'b:c'], 'a:b%3Ac'],
    [['lone \uD800 high'], 'lone%20%EF%BF%BD%20high'],
    [['lone \uDC00 low'], 'lone%20%EF%BF%BD%20low'],
    [['pair \uD83D\uDE00'], 'pair%20%F0%9F%98%80'],
  ])('%j → %s', (parts, key) => {
    expect(compoundKey(...parts)).toBe(key);
  });

  it('splits back what it made', () => {
    expect(splitCompoundKey(compoundKey('T1', 'C:1', '1796324366.000200'))).toEqual(['T1', 'C:1', '1796324366.000200']);
  });
});
