// nextThreadStep: messages reach the Slack thread in seq order although webhooks arrive
// shuffled, twice or not at all. Each row is one decision; times are plain numbers.
import { describe, expect, it } from 'vitest';
import { consecutiveRun, nextThreadStep } from '../../src/routing/thread-order.ts';
import type { ThreadOrderInput, ThreadStep } from '../../src/routing/thread-order.ts';

const NOW = 1_000_000;
const WAIT = 3000;

function input(over: Partial<ThreadOrderInput>): ThreadOrderInput {
  return { lastSeq: null, pendingSeqs: [], gapSinceMs: null, nowMs: NOW, gapWaitMs: WAIT, repaired: false, ...over };
}

const handle = (seq: number, extra: { late?: boolean; skippedSeq?: number | null } = {}): ThreadStep => ({
  kind: 'handle',
  seq,
  late: extra.late ?? false,
  skippedSeq: extra.skippedSeq ?? null,
});

const cases: Array<{ name: string; in: Partial<ThreadOrderInput>; out: ThreadStep }> = [
  // Nothing to do.
  { name: 'idle when nothing is pending (first message not yet arrived)', in: { lastSeq: null, pendingSeqs: [] }, out: { kind: 'idle' } },
  { name: 'idle when nothing is pending mid-thread, even during a gap', in: { lastSeq: 4, pendingSeqs: [], gapSinceMs: NOW - 10 }, out: { kind: 'idle' } },

  // The first message.
  { name: 'first message seq 1 is handled', in: { lastSeq: null, pendingSeqs: [1] }, out: handle(1) },
  { name: 'first message seq 0 is accepted as the start', in: { lastSeq: null, pendingSeqs: [0] }, out: handle(0) },
  { name: 'seq 0 goes before seq 1 when both are pending', in: { lastSeq: null, pendingSeqs: [1, 0] }, out: handle(0) },
  { name: 'first message seq 2 waits for seq 1', in: { lastSeq: null, pendingSeqs: [2] }, out: { kind: 'wait', missingSeq: 1, retryAtMs: NOW + WAIT } },
  { name: 'first message seq 3 after repair skips seq 1', in: { lastSeq: null, pendingSeqs: [3], repaired: true }, out: handle(3, { skippedSeq: 1 }) },

  // In order.
  { name: 'next seq in order is handled', in: { lastSeq: 4, pendingSeqs: [5] }, out: handle(5) },
  { name: 'lowest of several in-order seqs is handled first', in: { lastSeq: 4, pendingSeqs: [5, 6, 7] }, out: handle(5) },
  { name: 'unsorted pending input: the lowest is chosen', in: { lastSeq: 4, pendingSeqs: [9, 7, 5, 6] }, out: handle(5) },
  { name: 'duplicate pending seqs do not confuse the order', in: { lastSeq: 4, pendingSeqs: [6, 5, 5, 6] }, out: handle(5) },
  { name: 'seq numbers are compared numerically, not as strings', in: { lastSeq: 9, pendingSeqs: [100, 10] }, out: handle(10) },
  { name: 'in-order message after a repair reports no skip', in: { lastSeq: 4, pendingSeqs: [5], repaired: true }, out: handle(5) },

  // A gap within the wait.
  {
    name: 'gap just opened (gapSince null): wait until now + gapWait',
    in: { lastSeq: 4, pendingSeqs: [6] },
    out: { kind: 'wait', missingSeq: 5, retryAtMs: NOW + WAIT },
  },
  {
    name: 'gap open for a while: wait until gapSince + gapWait',
    in: { lastSeq: 4, pendingSeqs: [6], gapSinceMs: NOW - 1000 },
    out: { kind: 'wait', missingSeq: 5, retryAtMs: NOW - 1000 + WAIT },
  },
  {
    name: 'gap 1 ms short of the wait: still waiting',
    in: { lastSeq: 4, pendingSeqs: [6], gapSinceMs: NOW - WAIT + 1 },
    out: { kind: 'wait', missingSeq: 5, retryAtMs: NOW + 1 },
  },
  {
    name: 'the missing seq is the one after lastSeq, not the one before the lowest pending',
    in: { lastSeq: 4, pendingSeqs: [9, 8] },
    out: { kind: 'wait', missingSeq: 5, retryAtMs: NOW + WAIT },
  },
  {
    name: 'gapSince in the future (clock skew): waits until gapSince + gapWait',
    in: { lastSeq: 4, pendingSeqs: [6], gapSinceMs: NOW + 500 },
    out: { kind: 'wait', missingSeq: 5, retryAtMs: NOW + 500 + WAIT },
  },

  // A gap past the wait.
  { name: 'gap exactly at the wait: repair', in: { lastSeq: 4, pendingSeqs: [6], gapSinceMs: NOW - WAIT }, out: { kind: 'repair', missingSeq: 5 } },
  { name: 'gap well past the wait: repair', in: { lastSeq: 4, pendingSeqs: [7, 6], gapSinceMs: NOW - 60_000 }, out: { kind: 'repair', missingSeq: 5 } },
  {
    name: 'first message missing past the wait: repair seq 1',
    in: { lastSeq: null, pendingSeqs: [2], gapSinceMs: NOW - WAIT },
    out: { kind: 'repair', missingSeq: 1 },
  },
  { name: 'zero wait: a gap goes straight to repair', in: { lastSeq: 4, pendingSeqs: [6], gapWaitMs: 0 }, out: { kind: 'repair', missingSeq: 5 } },

  // A gap after repair.
  {
    name: 'gap after repair: handle the next one, skipping the missing seq',
    in: { lastSeq: 4, pendingSeqs: [6], gapSinceMs: NOW - 60_000, repaired: true },
    out: handle(6, { skippedSeq: 5 }),
  },
  {
    name: 'gap after repair, even within the wait: no more waiting',
    in: { lastSeq: 4, pendingSeqs: [8, 6], gapSinceMs: NOW, repaired: true },
    out: handle(6, { skippedSeq: 5 }),
  },

  // Late messages.
  { name: 'seq below lastSeq is handled late', in: { lastSeq: 7, pendingSeqs: [5] }, out: handle(5, { late: true }) },
  { name: 'seq equal to lastSeq is handled late', in: { lastSeq: 7, pendingSeqs: [7] }, out: handle(7, { late: true }) },
  { name: 'late message goes before an in-order one', in: { lastSeq: 7, pendingSeqs: [8, 5] }, out: handle(5, { late: true }) },
  { name: 'late message goes before a gap is waited on', in: { lastSeq: 7, pendingSeqs: [10, 6], gapSinceMs: NOW - 60_000 }, out: handle(6, { late: true }) },
  { name: 'late seq 0 after seq 1 started the thread', in: { lastSeq: 1, pendingSeqs: [0] }, out: handle(0, { late: true }) },
  { name: 'late message after repair is still late, with no skip', in: { lastSeq: 7, pendingSeqs: [5], repaired: true }, out: handle(5, { late: true }) },
];

describe('nextThreadStep', () => {
  it.each(cases)('$name', ({ in: over, out }) => {
    expect(nextThreadStep(input(over))).toEqual(out);
  });

  it("does not reorder the caller's pendingSeqs array", () => {
    const pendingSeqs = [9, 7, 8];
    nextThreadStep(input({ lastSeq: 6, pendingSeqs }));
    expect(pendingSeqs).toEqual([9, 7, 8]);
  });

  it('drains a shuffled, duplicated batch in seq order when each handled seq is removed', () => {
    let lastSeq: number | null = null;
    let pending = [3, 1, 4, 2, 2, 5];
    const handled: number[] = [];
    for (let i = 0; i < 20 && pending.length > 0; i++) {
      const step = nextThreadStep(input({ lastSeq, pendingSeqs: pending }));
      if (step.kind !== 'handle') throw new Error(`unexpected ${step.kind}`);
      handled.push(step.seq);
      lastSeq = Math.max(lastSeq ?? step.seq, step.seq);
      pending = pending.filter((s) => s !== step.seq);
    }
    expect(handled).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('consecutiveRun', () => {
  it.each([
    [[3, 4, 5, 7], 3, 10, [3, 4, 5]],
    [[5, 4, 3], 3, 10, [3, 4, 5]],
    [[3, 4, 5], 3, 2, [3, 4]],
    [[3, 5], 3, 10, [3]],
    [[4, 5], 3, 10, []],
  ])('pending %j from %i, at most %i → %j', (pending, from, max, expected) => {
    expect(consecutiveRun(pending, from, max)).toEqual(expected);
  });
});
