// The shared per-minute budgets of Slack's tiered methods: a sliding window, so no 60-second
// span ever sees more calls than the tier allows, whichever process makes them.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createSlackCallBudget, takeWhenAllowed } from '../../src/slack/slack-call-budget.ts';
import { redisUrl, uniquePrefix } from '../support/services.ts';

const redis = new Redis(redisUrl());
afterAll(() => redis.disconnect());

describe('Slack tiered-method budget', () => {
  it('allows the tier per window across processes, then says how long until the oldest call leaves it', async () => {
    const prefix = uniquePrefix('calls');
    const one = createSlackCallBudget(redis, prefix, 600);
    const two = createSlackCallBudget(redis, prefix, 600);
    for (let i = 0; i < 10; i++) expect(await one.take('T1', 'conversations.list', 20)).toBe(0);
    for (let i = 0; i < 10; i++) expect(await two.take('T1', 'conversations.list', 20)).toBe(0);
    const wait = await one.take('T1', 'conversations.list', 20);
    // The window counted is a little longer than Slack's (610 ms for 600).
    expect(wait).toBeGreaterThan(500);
    expect(wait).toBeLessThanOrEqual(611);
    // Other methods and other workspaces have budgets of their own.
    expect(await two.take('T1', 'users.list', 20)).toBe(0);
    expect(await two.take('T2', 'conversations.list', 20)).toBe(0);
  });

  it('a refused call is not counted: once the window moves on, the tier is available again', async () => {
    const budget = createSlackCallBudget(redis, uniquePrefix('calls'), 300);
    for (let i = 0; i < 3; i++) expect(await budget.take('T1', 'm', 3)).toBe(0);
    for (let i = 0; i < 5; i++) expect(await budget.take('T1', 'm', 3)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 320));
    for (let i = 0; i < 3; i++) expect(await budget.take('T1', 'm', 3)).toBe(0);
    expect(await budget.take('T1', 'm', 3)).toBeGreaterThan(0);
  });

  it('takeWhenAllowed waits for the budget, or gives up with the wait when it would be too long', async () => {
    const budget = createSlackCallBudget(redis, uniquePrefix('calls'), 300);
    for (let i = 0; i < 50; i++) await budget.take('T1', 'conversations.info', 50);
    expect(await takeWhenAllowed(budget, 'T1', 'conversations.info', { maxWaitMs: 10 })).toMatchObject({ ok: false, retryAfterMs: expect.any(Number) });
    const started = Date.now();
    expect(await takeWhenAllowed(budget, 'T1', 'conversations.info', { maxWaitMs: 2000 })).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThan(100);
  });
});
