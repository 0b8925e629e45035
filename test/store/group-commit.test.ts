// The group commit's contract (src/store/group-commit.ts): alone at once, grouped under load, each
// item its own outcome, a failed write failing only its own group.
import { describe, expect, it } from 'vitest';
import { groupCommit, type ItemOutcome } from '../../src/store/group-commit.ts';

/** A write that records its groups and answers when told to. */
function heldWrite() {
  const groups: number[][] = [];
  const answers: Array<(outcomes: ItemOutcome<string>[] | Error) => void> = [];
  const write = (items: number[]) =>
    new Promise<ItemOutcome<string>[]>((resolve, reject) => {
      groups.push(items);
      answers.push((o) => (o instanceof Error ? reject(o) : resolve(o)));
    });
  const answer = (i: number, outcomes?: ItemOutcome<string>[] | Error) =>
    answers[i]!(outcomes ?? groups[i]!.map((n) => ({ ok: true as const, value: `stored ${n}` })));
  return { groups, write, answer };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('group commit', () => {
  it('writes an item alone at once when nothing is in flight', async () => {
    const w = heldWrite();
    const submit = groupCommit(w.write, 10);
    const one = submit(1);
    await settle();
    expect(w.groups).toEqual([[1]]);
    w.answer(0);
    await expect(one).resolves.toBe('stored 1');
  });

  it('groups what arrives while a write is in flight, in order, up to the maximum', async () => {
    const w = heldWrite();
    const submit = groupCommit(w.write, 3);
    const first = submit(1);
    await settle();
    const later = [2, 3, 4, 5].map((n) => submit(n));
    await settle();
    expect(w.groups).toEqual([[1]]);
    w.answer(0);
    await settle();
    expect(w.groups).toEqual([[1], [2, 3, 4]]);
    w.answer(1);
    await settle();
    expect(w.groups).toEqual([[1], [2, 3, 4], [5]]);
    w.answer(2);
    await expect(Promise.all([first, ...later])).resolves.toEqual(['stored 1', 'stored 2', 'stored 3', 'stored 4', 'stored 5']);
  });

  it('joins calls made in the same tick into one group', async () => {
    const w = heldWrite();
    const submit = groupCommit(w.write, 10);
    const all = [1, 2, 3].map((n) => submit(n));
    await settle();
    expect(w.groups).toEqual([[1, 2, 3]]);
    w.answer(0);
    await expect(Promise.all(all)).resolves.toHaveLength(3);
  });

  it('gives each item its own outcome, and a failed write fails its group only', async () => {
    const w = heldWrite();
    const submit = groupCommit(w.write, 10);
    const [a, b] = [submit(1), submit(2)];
    await settle();
    const c = submit(3);
    w.answer(0, [
      { ok: true, value: 'stored 1' },
      { ok: false, error: new Error('refused 2') },
    ]);
    await expect(a).resolves.toBe('stored 1');
    await expect(b).rejects.toThrow('refused 2');
    await settle();
    w.answer(1, new Error('store down'));
    await expect(c).rejects.toThrow('store down');
    // The next item is written again, alone.
    const d = submit(4);
    await settle();
    expect(w.groups.at(-1)).toEqual([4]);
    w.answer(2);
    await expect(d).resolves.toBe('stored 4');
  });
});
