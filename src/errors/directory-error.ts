// A directory lookup or channel join that found Slack's shared per-minute budget used up: the
// admin API answers it as slack_rate_limited with when to try again; a worker waits it out.

/** Slack's per-minute budget for a single lookup is used up; try again after `retryAfterMs`. */
export class DirectoryRateLimitedError extends Error {
  constructor(
    readonly method: string,
    readonly retryAfterMs: number,
  ) {
    super(`Slack's rate limit for ${method} is used up for this workspace; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = 'DirectoryRateLimitedError';
  }
}
