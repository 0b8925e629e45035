// Every error class Threadbridge throws, in one folder (after BullMQ's src/classes/errors/ and
// Fastify's lib/errors.js), so callers branch with instanceof on a type they import from here.
// The classes depend on nothing else in src/ (layer 0); what to do about an error lives with
// its callers (src/queues/job-errors.ts turns job errors into BullMQ outcomes, the HTTP error
// handler answers AppError).

/** The HTTP catalogue (keyed by code), AppError and appError(code). */
export { errors, AppError, appError, type AppErrorDefinition, type ErrorCode } from './http-errors.ts';
/** Exhaustive switches. */
export { assertNever } from './assert-never.ts';
/** Job outcomes: a busy thread, claim or lock, a lost lock, a reply that waits its turn. */
export {
  ThreadBusyError,
  ThreadLockLostError,
  ClaimBusyError,
  ReplyOrderError,
  LockBusyError,
  StatusChangesPendingError,
  NotDueYetError,
} from './job-outcome-errors.ts';
/** Slack's failures and what its codes mean. */
export {
  SlackApiError,
  SlackRateLimitedError,
  SlackBudgetExhaustedError,
  isTransientSlackCode,
  contentRefusalCodes,
  connectionLostCodes,
} from './slack-errors.ts';
/** The chat platform's API failing. */
export { PlatformApiError } from './platform-error.ts';
/** The configuration refused at start. */
export { ConfigError } from './config-error.ts';
/** A sealed Slack token that does not open (another workspace's, an unknown key, altered). */
export { SealedTokenError, type SealedTokenFailure } from './sealed-token-error.ts';
/** A directory lookup or join out of Slack's per-minute budget. */
export { DirectoryRateLimitedError } from './directory-error.ts';
