// Slack Web API rate limits: per method, per workspace, per app, in sliding one-minute windows,
// plus chat.postMessage's per-channel bucket and workspace-wide cap. Pure: the clock is passed in.

/**
 * Tiers, from https://docs.slack.dev/apis/web-api/rate-limits ("Tier 1: 1+ per minute",
 * "Tier 2: 20+", "Tier 3: 50+", "Tier 4: 100+"). The emulator enforces the floor of each tier.
 */
export const TIER_LIMITS_PER_MINUTE = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;
export type Tier = keyof typeof TIER_LIMITS_PER_MINUTE;
export const WINDOW_MS = 60_000;

/**
 * chat.postMessage (docs: "Special: 1 per second per channel, short bursts allowed") — modelled
 * as a token bucket per channel: CAPACITY tokens, refilled at REFILL_PER_SEC.
 */
export const POST_MESSAGE_CHANNEL_BUCKET_CAPACITY = 3;
export const POST_MESSAGE_CHANNEL_REFILL_PER_SEC = 1;
/** chat.postMessage's workspace-wide limit (docs mention one without a number; ours is explicit). */
export const POST_MESSAGE_WORKSPACE_PER_MINUTE = 600;

export type Admission = { ok: true } | { ok: false; retryAfterSec: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface RateLimiter {
  /** Admit (and count) one call of `method` for `teamId`, or say how long to wait. */
  admit(teamId: string, method: string, tier: Tier | 'post_message', channelKey: string | null): Admission;
  reset(): void;
}

export function createRateLimiter(now: () => number): RateLimiter {
  const windows = new Map<string, number[]>();
  const buckets = new Map<string, Bucket>();

  /** Checks a sliding window without recording; returns seconds to wait or 0. */
  function windowWait(key: string, limit: number, t: number): number {
    const hits = (windows.get(key) ?? []).filter((at) => at > t - WINDOW_MS);
    windows.set(key, hits);
    if (hits.length < limit) return 0;
    // The call is admitted once the oldest hit that keeps us at the limit leaves the window.
    const freeAt = hits[hits.length - limit]! + WINDOW_MS;
    return Math.max(1, Math.ceil((freeAt - t) / 1000));
  }

  function record(key: string, t: number): void {
    windows.get(key)!.push(t);
  }

  function refill(key: string, t: number): Bucket {
    const b = buckets.get(key) ?? { tokens: POST_MESSAGE_CHANNEL_BUCKET_CAPACITY, updatedAt: t };
    const elapsedSec = Math.max(0, t - b.updatedAt) / 1000;
    b.tokens = Math.min(POST_MESSAGE_CHANNEL_BUCKET_CAPACITY, b.tokens + elapsedSec * POST_MESSAGE_CHANNEL_REFILL_PER_SEC);
    b.updatedAt = t;
    buckets.set(key, b);
    return b;
  }

  return {
    admit(teamId, method, tier, channelKey) {
      const t = now();
      if (tier === 'post_message') {
        const wsKey = `${teamId}|${method}`;
        const wsWait = windowWait(wsKey, POST_MESSAGE_WORKSPACE_PER_MINUTE, t);
        const bucketKey = `${teamId}|${method}|${channelKey ?? ''}`;
        const bucket = refill(bucketKey, t);
        const chWait = bucket.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / POST_MESSAGE_CHANNEL_REFILL_PER_SEC));
        if (wsWait > 0 || chWait > 0) return { ok: false, retryAfterSec: Math.max(wsWait, chWait) };
        bucket.tokens -= 1;
        record(wsKey, t);
        return { ok: true };
      }
      const key = `${teamId}|${method}`;
      const wait = windowWait(key, TIER_LIMITS_PER_MINUTE[tier], t);
      if (wait > 0) return { ok: false, retryAfterSec: wait };
      record(key, t);
      return { ok: true };
    },
    reset() {
      windows.clear();
      buckets.clear();
    },
  };
}
