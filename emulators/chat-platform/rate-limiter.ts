// The contract's "50 requests per second per org": a fixed one-second window per org on the emulator clock.
// Pure apart from its counters, with the clock passed in, so tests drive it without waiting.

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until the window resets, for Retry-After; at least 1. */
  retryAfterSeconds: number;
}

export function createRateLimiter(limitPerSecond: number) {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    take(orgId: string, nowMs: number): RateDecision {
      const start = Math.floor(nowMs / 1000) * 1000;
      let w = windows.get(orgId);
      if (!w || w.start !== start) {
        w = { start, count: 0 };
        windows.set(orgId, w);
      }
      w.count += 1;
      const retryAfterSeconds = Math.max(1, Math.ceil((start + 1000 - nowMs) / 1000));
      return { allowed: w.count <= limitPerSecond, retryAfterSeconds };
    },
  };
}
