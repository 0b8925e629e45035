// The shared chat.postMessage budgets in Redis: posts to one channel are spaced by its interval,
// the workspace allows its burst and then its rate, a 429 pauses the channel for everyone, and
// nothing is spent when a post is refused.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createSlackBudget } from '../../src/slack/chat-post-budget.ts';
import { redisUrl, uniquePrefix } from '../support/services.ts';

const redis = new Redis(redisUrl());
afterAll(() => redis.disconnect());

describe('Slack posting budget', () => {
  it('lets one post a second into a channel, and says how long the next must wait', async () => {
    const budget = createSlackBudget(redis, uniquePrefix('budget'), { channelPostsPerSecond: 1, workspacePostsPerSecond: 100, workspaceBurst: 100 });
    expect(await budget.take('W1', 'C1')).toBe(0);
    const wait = await budget.take('W1', 'C1');
    expect(wait).toBeGreaterThan(900);
    expect(wait).toBeLessThanOrEqual(1000);
    // Another channel of the same workspace is not held up.
    expect(await budget.take('W1', 'C2')).toBe(0);
  });

  it('allows a workspace its burst across channels, then refuses without spending any channel budget', async () => {
    const budget = createSlackBudget(redis, uniquePrefix('budget'), { channelPostsPerSecond: 1, workspacePostsPerSecond: 2, workspaceBurst: 3 });
    expect(await budget.take('W1', 'A')).toBe(0);
    expect(await budget.take('W1', 'B')).toBe(0);
    expect(await budget.take('W1', 'C')).toBe(0);
    expect(await budget.take('W1', 'D')).toBeGreaterThan(0);
    // D was refused by the workspace: its own channel budget is untouched.
    const other = createSlackBudget(redis, uniquePrefix('budget'), { channelPostsPerSecond: 1, workspacePostsPerSecond: 2, workspaceBurst: 3 });
    expect(await other.take('W2', 'D')).toBe(0);
  });

  it('pauses a channel after a 429 for every caller, and only that channel', async () => {
    const prefix = uniquePrefix('budget');
    const options = { channelPostsPerSecond: 1000, workspacePostsPerSecond: 1000, workspaceBurst: 1000 };
    const one = createSlackBudget(redis, prefix, options);
    const two = createSlackBudget(redis, prefix, options);
    await one.pause('W1', 'C1', 5000);
    const wait = await two.take('W1', 'C1');
    expect(wait).toBeGreaterThan(4000);
    expect(await two.take('W1', 'C9')).toBe(0);
  });

  it("keeps a busy channel's next slot for a waiting parent message, then thread messages, then reminders", async () => {
    const budget = createSlackBudget(redis, uniquePrefix('budget'), { channelPostsPerSecond: 5, workspacePostsPerSecond: 1000, workspaceBurst: 1000 });
    expect(await budget.take('W1', 'C1', 'thread', 'msg-1')).toBe(0);
    // The channel is busy: a new chat's parent must wait for the next slot, and says so.
    const parentWait = await budget.take('W1', 'C1', 'parent', 'parent-1');
    expect(parentWait).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, parentWait + 20));
    // The slot is free now, but the parent is waiting for it: a thread message is refused…
    expect(await budget.take('W1', 'C1', 'thread', 'msg-2')).toBeGreaterThan(0);
    // …and the parent gets it.
    expect(await budget.take('W1', 'C1', 'parent', 'parent-1')).toBe(0);
    // A reminder yields to the thread message that registered as waiting.
    await new Promise((r) => setTimeout(r, 220));
    expect(await budget.take('W1', 'C1', 'reminder', 'reminder-1')).toBeGreaterThan(0);
    expect(await budget.take('W1', 'C1', 'thread', 'msg-2')).toBe(0);
    await new Promise((r) => setTimeout(r, 220));
    expect(await budget.take('W1', 'C1', 'reminder', 'reminder-1')).toBe(0);
    // Another channel is not held up by this one's waiters.
    expect(await budget.take('W1', 'C2', 'reminder', 'reminder-2')).toBe(0);
  });

  it('forgets a waiter that never came back, so lower priorities are held up for a moment only', async () => {
    const budget = createSlackBudget(redis, uniquePrefix('budget'), { channelPostsPerSecond: 10, workspacePostsPerSecond: 1000, workspaceBurst: 1000 });
    expect(await budget.take('W1', 'C1', 'thread', 'msg-1')).toBe(0);
    expect(await budget.take('W1', 'C1', 'parent', 'gone')).toBeGreaterThan(0);
    // The parent's job died: after its named wait and the grace period, the slot is anyone's.
    await new Promise((r) => setTimeout(r, 2_300));
    expect(await budget.take('W1', 'C1', 'thread', 'msg-2')).toBe(0);
  });

  it('tells each waiting thread its turn, and keeps it across retries of its job', async () => {
    const budget = createSlackBudget(redis, uniquePrefix('budget'), { channelPostsPerSecond: 10, workspacePostsPerSecond: 1000, workspaceBurst: 1000 });
    expect(await budget.take('W1', 'C1', 'thread', 'T0')).toBe(0);
    // Sent together, so Redis runs the three scripts back to back. Each answers its wait from its
    // own clock reading, so time passing between two scripts (at most the whole round trip, measured
    // here) shortens the gap between their answers by as much; CI once saw 88 for 100 on a loaded run.
    const sentAt = performance.now();
    const waits = await Promise.all([
      budget.take('W1', 'C1', 'thread', 'T1'),
      budget.take('W1', 'C1', 'thread', 'T2'),
      budget.take('W1', 'C1', 'thread', 'T3'),
    ]);
    const between = Math.ceil(performance.now() - sentAt);
    // One slot each, in the order they first waited: 100 ms apart, less the time between their scripts.
    expect(waits[1]! - waits[0]!).toBeGreaterThanOrEqual(95 - between);
    expect(waits[2]! - waits[1]!).toBeGreaterThanOrEqual(95 - between);
    expect(waits[2]! - waits[0]!).toBeGreaterThanOrEqual(195 - between);
    // Whatever the load, a later slot answers a longer wait; a shared slot would answer a shorter one.
    expect(waits[1]!).toBeGreaterThan(waits[0]!);
    expect(waits[2]!).toBeGreaterThan(waits[1]!);
    // T3's job comes back early: it is still third, T1 goes first.
    expect(await budget.take('W1', 'C1', 'thread', 'T3')).toBeGreaterThan(150);
    await new Promise((r) => setTimeout(r, waits[0]! + 5));
    expect(await budget.take('W1', 'C1', 'thread', 'T2')).toBeGreaterThan(0);
    expect(await budget.take('W1', 'C1', 'thread', 'T1')).toBe(0);
  });
});
