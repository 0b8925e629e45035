// The shared per-minute budgets of Slack's tiered methods: a sliding window, so no 60-second
// span ever sees more calls than the tier allows, whichever process makes them; a call counts
// from its answer, so slow answers never let the next window's calls arrive early.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { callWithinBudget, createSlackCallBudget } from '../../src/slack/tiered-call-budget.ts';
import { redisUrl, uniquePrefix } from '../support/services.ts';

const redis = new Redis(redisUrl());
afterAll(() => redis.disconnect());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let ids = 0;
const id = () => `call-${++ids}`;

describe('Slack tiered-method budget', () => {
  it('allows the tier per window across processes, then says how long until the oldest call leaves it', async () => {
    const prefix = uniquePrefix('calls');
    const one = createSlackCallBudget(redis, prefix, 600);
    const two = createSlackCallBudget(redis, prefix, 600);
    // Each call answered at once, as Slack's are (an unanswered one counts a while later: below).
    const answered = async (budget: typeof one, workspace: string, method: string, perWindow: number) => {
      const callId = id();
      const wait = await budget.take(workspace, method, perWindow, callId);
      if (wait === 0) await budget.settle(workspace, method, callId);
      return wait;
    };
    for (let i = 0; i < 10; i++) expect(await answered(one, 'T1', 'conversations.list', 20)).toBe(0);
    for (let i = 0; i < 10; i++) expect(await answered(two, 'T1', 'conversations.list', 20)).toBe(0);
    const wait = await one.take('T1', 'conversations.list', 20, id());
    expect(wait).toBeGreaterThan(500);
    expect(wait).toBeLessThanOrEqual(601);
    // Other methods and other workspaces have budgets of their own.
    expect(await two.take('T1', 'users.list', 20, id())).toBe(0);
    expect(await two.take('T2', 'conversations.list', 20, id())).toBe(0);
  });

  it('a refused call is not counted: once the window moves on, the tier is available again', async () => {
    const budget = createSlackCallBudget(redis, uniquePrefix('calls'), 300);
    for (let i = 0; i < 3; i++) {
      const callId = id();
      expect(await budget.take('T1', 'm', 3, callId)).toBe(0);
      await budget.settle('T1', 'm', callId);
    }
    for (let i = 0; i < 5; i++) expect(await budget.take('T1', 'm', 3, id())).toBeGreaterThan(0);
    await sleep(320);
    for (let i = 0; i < 3; i++) expect(await budget.take('T1', 'm', 3, id())).toBe(0);
    expect(await budget.take('T1', 'm', 3, id())).toBeGreaterThan(0);
  });

  it('a call counts from its answer: a slow one holds its place in the window until it is answered', async () => {
    const budget = createSlackCallBudget(redis, uniquePrefix('calls'), 300);
    const slow = id();
    expect(await budget.take('T1', 'm', 1, slow)).toBe(0);
    await sleep(250);
    await budget.settle('T1', 'm', slow);
    await sleep(100);
    // 350 ms after it was sent, but only 100 ms after its answer: the next call waits ~200 ms more.
    const wait = await budget.take('T1', 'm', 1, id());
    expect(wait).toBeGreaterThan(150);
    expect(wait).toBeLessThanOrEqual(301);
  });

  it('a call never answered (its process was killed) counts from a margin after it was sent', async () => {
    const budget = createSlackCallBudget(redis, uniquePrefix('calls'), 300, 200);
    expect(await budget.take('T1', 'm', 1, id())).toBe(0); // sent; no answer ever comes
    await sleep(320);
    // A window after it was sent, but Slack may have seen it up to the margin later: wait for that.
    const wait = await budget.take('T1', 'm', 1, id());
    expect(wait).toBeGreaterThan(100);
    expect(wait).toBeLessThanOrEqual(201);
    await sleep(wait);
    expect(await budget.take('T1', 'm', 1, id())).toBe(0);
  });

  it('callWithinBudget waits for the budget and makes the call, or gives up with the wait when it would be too long', async () => {
    const budget = createSlackCallBudget(redis, uniquePrefix('calls'), 300);
    for (let i = 0; i < 50; i++) await budget.take('T1', 'conversations.info', 50, id());
    let calls = 0;
    const call = async () => ++calls;
    expect(await callWithinBudget(budget, 'T1', 'conversations.info', { maxWaitMs: 10 }, call)).toMatchObject({ ok: false, retryAfterMs: expect.any(Number) });
    expect(calls).toBe(0);
    expect(await callWithinBudget(budget, 'T1', 'conversations.info', { maxWaitMs: 2000 }, call)).toEqual({ ok: true, value: 1 });
    // A failed call still counts: Slack saw it.
    await expect(callWithinBudget(budget, 'T2', 'users.info', { maxWaitMs: 0 }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    for (let i = 0; i < 49; i++) expect(await budget.take('T2', 'users.info', 50, id())).toBe(0);
    expect(await budget.take('T2', 'users.info', 50, id())).toBeGreaterThan(0);
  });
});
