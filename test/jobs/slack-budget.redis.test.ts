// The shared chat.postMessage budgets in Redis: posts to one channel are spaced by its interval,
// the workspace allows its burst and then its rate, a 429 pauses the channel for everyone, and
// nothing is spent when a post is refused.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createSlackBudget } from '../../src/jobs/slack-budget.ts';
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
});
