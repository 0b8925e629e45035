// Shared budgets for Slack's tiered Web API methods (per method, per workspace, per minute),
// kept in Redis so every process draws on the same ones. Slack counts calls in one-minute
// windows, so this is a sliding window log (a sorted set of call times), not a token bucket:
// a bucket's refill would allow more calls in some 60-second window than the tier does.
//
// A call is counted from a moment after it is sent (the arrival margin) and re-stamped when its
// answer arrives. Slack times a call on arrival, which lies between the two; counting from the
// answer means two calls a window apart here are at least a window apart there, however the
// latencies differ. A call whose answer never comes (its process was killed while it was in
// flight) keeps the first stamp: the margin makes it count as if it reached Slack a while after it
// left, so the next window's first call, from another process, does not arrive within Slack's
// window of it (a 429 seen when a worker was killed mid-sync).
// Hand-written for the same reason as src/slack/chat-post-budget.ts: BullMQ's open-source limiter is per queue.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis-connection.ts';
import { luaScript } from '../redis-script.ts';

export interface SlackCallBudget {
  /** 0 when the call `callId` may go now (and is counted), else how many ms until one may. */
  take(workspaceKey: string, method: string, perWindow: number, callId: string): Promise<number>;
  /** The call's answer arrived: it counts from now. */
  settle(workspaceKey: string, method: string, callId: string): Promise<void>;
}

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

// KEYS: the window's sorted set. ARGV: window ms, limit, call id, arrival margin ms.
const takeScript = luaScript(`${NOW}
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], count - tonumber(ARGV[2]), count - tonumber(ARGV[2]), 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now + 1)
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], window * 2 + tonumber(ARGV[4]))
return 0
`);

// KEYS: the window's sorted set. ARGV: call id. Only a call still counted is re-stamped.
const settleScript = luaScript(`${NOW}
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 0
`);

/** How long after it was sent an unanswered call counts as having reached Slack. */
const ARRIVAL_MARGIN_MS = 1000;

/** `windowMs` is Slack's minute; tests shorten it together with the emulator's clock. */
export function createSlackCallBudget(redis: RedisClient, prefix: string, windowMs = 60_000, arrivalMarginMs = ARRIVAL_MARGIN_MS): SlackCallBudget {
  const keyOf = (workspaceKey: string, method: string) => `${prefix}:budget:call:${workspaceKey}:${method}`;
  return {
    async take(workspaceKey, method, perWindow, callId) {
      return Number(await takeScript.run(redis, [keyOf(workspaceKey, method)], [windowMs, perWindow, callId, arrivalMarginMs]));
    },
    async settle(workspaceKey, method, callId) {
      await settleScript.run(redis, [keyOf(workspaceKey, method)], [callId]);
    },
  };
}

/** Slack's published floors of the tiers, per minute. */
export const TIER_PER_MINUTE = { tier1: 1, tier2: 20, tier3: 50, tier4: 100 } as const;

/**
 * The tiered methods called within a shared budget (the directory's, joining channels, marks on
 * reminded threads), at their tier's floor (platform-facts: Tier 3 "or 4"
 * methods are treated as 50 a minute).
 */
export const METHOD_PER_MINUTE = {
  'conversations.list': TIER_PER_MINUTE.tier2,
  'users.list': TIER_PER_MINUTE.tier2,
  'conversations.info': TIER_PER_MINUTE.tier3,
  'users.info': TIER_PER_MINUTE.tier3,
  'conversations.join': TIER_PER_MINUTE.tier3,
  'reactions.add': TIER_PER_MINUTE.tier3,
} as const;
export type BudgetedMethod = keyof typeof METHOD_PER_MINUTE;

export type BudgetedCall<T> = { ok: true; value: T } | { ok: false; retryAfterMs: number };

/**
 * Makes `call` once the budget allows, waiting (in steps no longer than `stepMs`, so the caller
 * can renew a lease between them) at most `maxWaitMs`; otherwise gives up with the wait still
 * needed. The call counts from its answer (or failure).
 */
export async function callWithinBudget<T>(
  budget: SlackCallBudget,
  workspaceKey: string,
  method: BudgetedMethod,
  options: { maxWaitMs: number; stepMs?: number; beforeStep?: () => Promise<void> },
  call: () => Promise<T>,
): Promise<BudgetedCall<T>> {
  const started = Date.now();
  const callId = randomUUID();
  for (;;) {
    const wait = await budget.take(workspaceKey, method, METHOD_PER_MINUTE[method], callId);
    if (wait === 0) break;
    if (Date.now() - started + wait > options.maxWaitMs) return { ok: false, retryAfterMs: wait };
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, options.stepMs ?? wait)));
    await options.beforeStep?.();
  }
  try {
    return { ok: true, value: await call() };
  } finally {
    await budget.settle(workspaceKey, method, callId);
  }
}
