// Typed Slack failures, after BullMQ's error classes: callers branch with instanceof and on
// Slack's own `error` code, never on message text. The code sets below say what a code means
// (worth retrying, the content refused, the connection gone); the Slack client
// (src/slack/slack-api.ts) turns Slack's answers into these errors.

/** Slack answered ok:false (or an HTTP error). `code` is Slack's `error` string, e.g. "channel_not_found". */
export class SlackApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    /** True when the same call may succeed later (Slack-side or network trouble). */
    readonly transient: boolean,
  ) {
    super(`Slack ${method} failed: ${code}`);
    this.name = 'SlackApiError';
  }
}

/** HTTP 429 from Slack: wait `retryAfterSeconds` before calling this method for this workspace again. */
export class SlackRateLimitedError extends SlackApiError {
  constructor(
    method: string,
    readonly retryAfterSeconds: number,
  ) {
    super(method, 'ratelimited', true);
    this.name = 'SlackRateLimitedError';
  }
}

/**
 * A Slack call would exceed a shared budget, so it was not made (a post's per-channel or
 * per-workspace posting budget, src/slack/post-pacing.ts; a channel join's per-minute one):
 * the job waits `waitMs` and tries again.
 */
export class SlackBudgetExhaustedError extends Error {
  constructor(
    readonly channel: string,
    readonly waitMs: number,
  ) {
    super(`Posting budget of ${channel} exhausted for ${waitMs} ms`);
    this.name = 'SlackBudgetExhaustedError';
  }
}

// Slack's documented transient error codes; everything else will fail the same way again.
const transientCodes = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

export function isTransientSlackCode(code: string): boolean {
  return transientCodes.has(code);
}

/** Slack refusing a message's content (not the target, not the connection): the same post fails again. */
export const contentRefusalCodes: ReadonlySet<string> = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'no_text', 'invalid_arguments']);

/** Codes meaning the workspace connection itself is gone: stop sending for the org, do not retry. */
export const connectionLostCodes = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'team_not_found']);
