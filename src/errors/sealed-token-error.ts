// A sealed Slack token that does not open: why, and for which workspace, never the sealed value
// or the token (a log line must not carry either). Callers branch on `reason`.

export type SealedTokenFailure =
  /** Sealed with a key no longer (or not yet) in TOKEN_ENCRYPTION_KEYS. */
  | 'unknown_key'
  /** Sealed for another workspace or kind of token, or altered: the authentication failed. */
  | 'not_for_this_workspace'
  /** Not a sealed value of any format this release reads. */
  | 'malformed';

export class SealedTokenError extends Error {
  constructor(
    readonly reason: SealedTokenFailure,
    readonly teamId: string,
    detail: string,
  ) {
    super(`The sealed Slack token of workspace ${teamId} does not open: ${detail}`);
    this.name = 'SealedTokenError';
  }
}
