// The directory search's text rules: what a query becomes, which words a name is found by, and
// the order matches are shown in.
import { describe, expect, it } from 'vitest';
import { MATCH, normaliseQuery, orderMatches, personNameTerms, wordSuffixes } from '../../src/directory/search-terms.ts';

describe('normaliseQuery', () => {
  it.each([
    ['sales', 'sales'],
    ['  Sales ', 'sales'],
    ['#sales-emea', 'sales-emea'],
    ['@Ana', 'ana'],
    ['##x', 'x'],
    ['#', ''],
    ['', ''],
  ])('%j → %j', (query, expected) => {
    expect(normaliseQuery(query)).toBe(expected);
  });
});

describe('wordSuffixes', () => {
  it.each([
    ['sales', []],
    ['sales-emea-leads', ['emea-leads', 'leads']],
    ['Sales_EMEA', ['emea']],
    ['team.support.tier-2', ['support.tier-2', 'tier-2', '2']],
    ['trailing-', []],
    ['a--b', ['b']],
    ['Ana María López', ['maría lópez', 'lópez']],
  ])('%j → %j', (name, expected) => {
    expect(wordSuffixes(name)).toEqual(expected);
  });
});

describe('personNameTerms', () => {
  it.each([
    { names: ['Ana López', 'Ana María López'], terms: ['ana lópez', 'lópez', 'ana maría lópez', 'maría lópez'] },
    { names: ['', null, undefined], terms: [] },
    { names: ['Bob', 'bob'], terms: ['bob'] },
  ])('$names → $terms', ({ names, terms }) => {
    expect(personNameTerms(...names)).toEqual(terms);
  });
});

describe('orderMatches', () => {
  const m = (id: string, name: string, rank: 0 | 1 | 2, term = name) => ({ id, name, rank, term });
  it.each([
    {
      why: 'exact before prefix before word',
      input: [m('3', 'eu-sales', MATCH.word, 'sales'), m('2', 'sales-emea', MATCH.namePrefix), m('1', 'sales', MATCH.exact)],
      ids: ['1', '2', '3'],
    },
    {
      why: 'within a rank, A–Z by matched text (shorter prefix first)',
      input: [m('b', 'sales-us', MATCH.namePrefix), m('a', 'sales-emea', MATCH.namePrefix), m('c', 'sales', MATCH.namePrefix)],
      ids: ['c', 'a', 'b'],
    },
    {
      why: 'one entry per id, at its best rank',
      input: [m('x', 'leads-leads', MATCH.word, 'leads'), m('x', 'leads-leads', MATCH.namePrefix), m('y', 'lead', MATCH.namePrefix)],
      ids: ['y', 'x'],
    },
    { why: 'nothing in, nothing out', input: [], ids: [] },
  ])('$why', ({ input, ids }) => {
    expect(orderMatches(input).map((x) => x.id)).toEqual(ids);
  });
});
