// The chat platform's REST API failing, as one typed error: the platform's own error code, the
// HTTP status (0 for a network failure) and any Retry-After, so callers branch on them.

export class PlatformApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null,
  ) {
    super(`Chat platform answered ${status} ${code}: ${message}`);
    this.name = 'PlatformApiError';
  }

  /** 429, 5xx and network failures may succeed later; 4xx will not. */
  get transient(): boolean {
    return this.status === 429 || this.status >= 500 || this.status === 0;
  }
}
