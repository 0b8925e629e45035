// Shared budgets for Slack's tiered Web API methods (per method, per workspace, per minute),
// kept in Redis so every process draws on the same ones. Slack counts calls in one-minute
// windows, so this is a sliding window log (a sorted set of call times), not a token bucket:
// a bucket's refill would allow more calls in some 60-second window than the tier does.
// Hand-written for the same reason as src/jobs/slack-budget.ts: BullMQ's open-source limiter is per queue.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface SlackCallBudget {
  /** 0 when a call may go now (and is counted), else how many ms until one may. */
  take(workspaceKey: string, method: string, perWindow: number): Promise<number>;
}

// KEYS: the window's sorted set. ARGV: window ms, limit, member id.
const takeScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], count - tonumber(ARGV[2]), count - tonumber(ARGV[2]), 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now + 1)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window + 1000)
return 0
`;

/**
 * `windowMs` is Slack's minute; tests shorten it together with the emulator's clock. The window
 * counted is a little longer (250 ms, or a sixtieth of a short test window): a call is timed
 * here before it leaves and Slack times it on arrival, so two calls a window apart here may
 * arrive closer there by the difference of their latencies.
 */
export function createSlackCallBudget(redis: Redis, prefix: string, windowMs = 60_000): SlackCallBudget {
  const countedWindowMs = Math.ceil(windowMs + Math.min(250, windowMs / 60));
  return {
    async take(workspaceKey, method, perWindow) {
      const key = `${prefix}:budget:call:${workspaceKey}:${method}`;
      return Number(await redis.eval(takeScript, 1, key, countedWindowMs, perWindow, randomUUID()));
    },
  };
}

/** Slack's published floors of the tiers, per minute. */
export const TIER_PER_MINUTE = { tier1: 1, tier2: 20, tier3: 50, tier4: 100 } as const;

/**
 * The tiered methods the directory calls, at their tier's floor (platform-facts: Tier 3 "or 4"
 * methods are treated as 50 a minute).
 */
export const METHOD_PER_MINUTE = {
  'conversations.list': TIER_PER_MINUTE.tier2,
  'users.list': TIER_PER_MINUTE.tier2,
  'conversations.info': TIER_PER_MINUTE.tier3,
  'users.info': TIER_PER_MINUTE.tier3,
} as const;
export type BudgetedMethod = keyof typeof METHOD_PER_MINUTE;

/**
 * Waits (sleeping, in steps no longer than `stepMs` so the caller can renew a lease between
 * them) until a call of `method` may go, then counts it. Gives up with the wait still needed
 * once waiting longer than `maxWaitMs` would be required.
 */
export async function takeWhenAllowed(
  budget: SlackCallBudget,
  workspaceKey: string,
  method: BudgetedMethod,
  options: { maxWaitMs: number; stepMs?: number; beforeStep?: () => Promise<void> },
): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
  const started = Date.now();
  for (;;) {
    const wait = await budget.take(workspaceKey, method, METHOD_PER_MINUTE[method]);
    if (wait === 0) return { ok: true };
    if (Date.now() - started + wait > options.maxWaitMs) return { ok: false, retryAfterMs: wait };
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, options.stepMs ?? wait)));
    await options.beforeStep?.();
  }
}
