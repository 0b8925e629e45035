// mayLeaveForNext: when a chat message's job asks whether the chat's next message waits behind it
// in the queue (group commit under load), so that unloaded a message goes out at once, and a
// visitor writing on into a backlog has a post at least every GROUP_SPAN messages.
import { describe, expect, it } from 'vitest';
import { BACKLOG_WAIT_MS, GROUP_SPAN, mayLeaveForNext } from '../../src/routing/message-grouping.ts';

const cases: Array<{ name: string; seq: number; waitedMs: number; out: boolean }> = [
  { name: 'a job taken at once (unloaded) posts its message', seq: 3, waitedMs: 0, out: false },
  { name: 'a job taken just under the backlog wait posts its message', seq: 3, waitedMs: BACKLOG_WAIT_MS - 1, out: false },
  { name: 'a job that waited the backlog wait may leave its message for the next', seq: 3, waitedMs: BACKLOG_WAIT_MS, out: true },
  { name: 'a job that waited long may leave its message for the next', seq: 1, waitedMs: 60_000, out: true },
  { name: 'the chat’s GROUP_SPAN-th message posts what waits, however long it waited', seq: GROUP_SPAN, waitedMs: 60_000, out: false },
  { name: 'and every GROUP_SPAN-th after it', seq: 7 * GROUP_SPAN, waitedMs: 60_000, out: false },
  { name: 'the one after a GROUP_SPAN-th may be left again', seq: GROUP_SPAN + 1, waitedMs: 60_000, out: true },
  { name: 'a first message numbered 0 (accepted as a chat’s start) posts, as a GROUP_SPAN-th', seq: 0, waitedMs: 60_000, out: false },
  { name: 'a clock that went back (negative wait) posts', seq: 3, waitedMs: -5000, out: false },
];

describe('mayLeaveForNext', () => {
  it.each(cases)('$name', ({ seq, waitedMs, out }) => {
    expect(mayLeaveForNext(seq, waitedMs)).toBe(out);
  });
});
