// The block-split lexicographic index against a plain model of it: the same members in Redis's
// byte order, whatever the adds and removes, across block splits and emptied blocks; prefix reads
// across block boundaries; and every block kept in Redis's compact encoding.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createLexBlocks, type LexEdit } from '../../src/directory/lex-blocks.ts';
import { redisUrl, uniquePrefix } from '../support/services.ts';

const redis = new Redis(redisUrl());
afterAll(() => redis.disconnect());
const lex = createLexBlocks(redis);

/** Redis's order: bytes of the UTF-8 encoding. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const startsWith = (m: string, p: string) => Buffer.from(m, 'utf8').subarray(0, Buffer.byteLength(p)).equals(Buffer.from(p, 'utf8'));

/** A deterministic pseudo-random sequence, so a failure replays. */
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('lex blocks', () => {
  it('reads back what a model holds, in byte order, through thousands of adds and removes', async () => {
    const root = uniquePrefix('lex');
    const next = random(7);
    const alphabet = ['a', 'b', 'ab', 'é', '\u0000', 'z', '-', 'ß', '日'];
    const word = () => Array.from({ length: 1 + Math.floor(next() * 5) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const model = new Set<string>();
    for (let round = 0; round < 20; round++) {
      const edits: LexEdit[] = [];
      for (let i = 0; i < 300; i++) {
        const member = `${word()}\u0000${Math.floor(next() * 50)}`;
        const op = model.size > 0 && next() < 0.4 ? 'remove' : 'add';
        const target = op === 'remove' ? [...model][Math.floor(next() * model.size)]! : member;
        edits.push({ op, root, member: target });
        if (op === 'add') model.add(target);
        else model.delete(target);
      }
      await lex.edit(edits);
    }
    const sorted = [...model].sort(byteOrder);
    expect(await lex.withPrefix(root, '', sorted.length + 10)).toEqual(sorted);
    for (const p of ['a', 'ab', 'é', 'ß日', '\u0000', 'zz', 'q']) {
      const expected = sorted.filter((m) => startsWith(m, p));
      expect(await lex.withPrefix(root, p, 10_000)).toEqual(expected);
      // Read in chunks, each after the last member of the one before.
      const chunks: string[] = [];
      for (let after: string | undefined; ; ) {
        const got = await lex.withPrefix(root, p, 7, after);
        chunks.push(...got);
        if (got.length < 7) break;
        after = got.at(-1);
      }
      expect(chunks).toEqual(expected);
      expect(await lex.firstWithPrefix(root, [p])).toEqual([expected[0] ?? null]);
    }
    // As many blocks as the members need (at most 120 each), each of them compact.
    const keys = await lex.keys(root);
    expect(keys.length - 1).toBeGreaterThanOrEqual(Math.ceil(model.size / 120));
    expect(model.size).toBeGreaterThan(500);
    for (const key of keys.slice(1)) expect(await redis.object('ENCODING', key)).toBe('listpack');
  });

  it('put replaces every member with the same key, across blocks; removeKey removes them all', async () => {
    const root = uniquePrefix('lex');
    // Enough members around C0500 that its versions straddle a block boundary.
    await lex.edit(Array.from({ length: 1000 }, (_, i) => ({ op: 'add' as const, root, member: `C${String(i).padStart(4, '0')}\u0000v1` })));
    await lex.edit([
      { op: 'add', root, member: 'C0500\u0000v0' },
      { op: 'add', root, member: 'C0500\u0000v9' },
    ]);
    expect(await lex.withPrefix(root, 'C0500\u0000', 10)).toHaveLength(3);
    await lex.edit([{ op: 'put', root, member: 'C0500\u0000v2' }]);
    expect(await lex.withPrefix(root, 'C0500\u0000', 10)).toEqual(['C0500\u0000v2']);
    expect(await lex.withPrefix(root, 'C050', 20)).toHaveLength(10);
    await lex.edit([{ op: 'removeKey', root, member: 'C0500\u0000anything' }]);
    expect(await lex.withPrefix(root, 'C0500\u0000', 10)).toEqual([]);
    expect(await lex.withPrefix(root, 'C050', 20)).toHaveLength(9);
  });

  it('finds a member that opens a block by its prefix, and frees emptied blocks', async () => {
    const root = uniquePrefix('lex');
    const members = Array.from({ length: 1000 }, (_, i) => `C${String(i).padStart(4, '0')}\u0000{"n":${i}}`);
    await lex.edit(members.map((member) => ({ op: 'add', root, member })));
    const ids = members.map((m) => m.slice(0, m.indexOf('\u0000') + 1));
    expect(await lex.firstWithPrefix(root, ids)).toEqual(members);
    expect(await lex.firstWithPrefix(root, ['C9999\u0000', 'D'])).toEqual([null, null]);
    await lex.edit(members.map((member) => ({ op: 'remove', root, member })));
    expect(await lex.withPrefix(root, '', 10)).toEqual([]);
    // The first block and the directory stay; every other block is gone.
    expect((await lex.keys(root)).length).toBeLessThanOrEqual(2);
  });
});
