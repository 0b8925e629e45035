// How a processor's failure becomes a BullMQ outcome. A rate limit or a busy thread delays the
// job without using an attempt. A dependency being down (MongoDB, Redis, Slack 5xx or network,
// the platform 5xx or network) is an outage: the job is delayed with capped backoff, without
// using an attempt, for at least 24 hours before it is given up. A failure that will never
// succeed fails it at once (UnrecoverableError). Anything else (a bug, an unknown error) is
// retried with backoff within a small attempt budget. A job that fails for good is copied to the
// dead-letter queue first (src/queues/dead-letters.ts), from where it can be replayed. The error
// classes themselves are in src/errors/.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import {
  ClaimBusyError,
  LockBusyError,
  NotDueYetError,
  PlatformApiError,
  ReplyOrderError,
  SlackApiError,
  SlackBudgetExhaustedError,
  SlackRateLimitedError,
  StatusChangesPendingError,
  ThreadBusyError,
  ThreadLockLostError,
} from '../errors/index.ts';
import { isStoreUnavailable } from '../store/index.ts';
import { withoutBookkeeping, type DeadLetter } from './dead-letters.ts';

export type Outcome = { kind: 'delay'; ms: number; why: string } | { kind: 'outage'; why: string } | { kind: 'retry' } | { kind: 'fail'; why: string };

/** Outages are waited out this long, at least, before a job is given up. */
export const OUTAGE_RETRY_FOR_MS = 24 * 3600 * 1000;
/** The longest wait between two tries during an outage. */
export const OUTAGE_MAX_DELAY_MS = 30_000;

/** The wait before try `tries` (0-based) of an outage: doubling from 1 s, capped, jittered in [½, 1]. */
export function outageDelayMs(tries: number, jitter: number): number {
  const base = Math.min(OUTAGE_MAX_DELAY_MS, 1000 * 2 ** Math.min(tries, 20));
  return Math.round(base * (0.5 + jitter / 2));
}

// Redis replies meaning "not now" (a restart loading its data, a failover), and socket errors.
const redisBusyReplies = /^(LOADING|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|BUSY)\b/;
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** Whether `error` is Redis (or the network to it) being away: what ioredis throws while it reconnects. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // ClusterAllFailedError: no node of a Redis Cluster answered the slots query.
  if (error.name === 'MaxRetriesPerRequestError' || error.name === 'ClusterAllFailedError') return true;
  if (error.message === 'Connection is closed.' || error.message.startsWith("Stream isn't writeable")) return true;
  if (error.name === 'ReplyError' && redisBusyReplies.test(error.message)) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && networkCodes.has(code);
}

/** Pure: what to do with the job after `error`. `jitter` in [0,1) spreads retries of busy threads. */
export function classifyFailure(error: unknown, jitter: number): Outcome {
  if (error instanceof SlackRateLimitedError)
    return { kind: 'delay', ms: Math.max(1, error.retryAfterSeconds) * 1000, why: `Slack ${error.method} rate limited` };
  if (error instanceof SlackBudgetExhaustedError) return { kind: 'delay', ms: error.waitMs + Math.floor(jitter * 100), why: 'Slack posting budget exhausted' };
  if (error instanceof ThreadBusyError) return { kind: 'delay', ms: 100 + Math.floor(jitter * 400), why: 'thread busy' };
  if (error instanceof LockBusyError) return { kind: 'delay', ms: 1000 + Math.floor(jitter * 1000), why: `${error.lockName} busy` };
  // A status change is one quick write on the same queue: it is usually stored within a moment.
  if (error instanceof StatusChangesPendingError) return { kind: 'delay', ms: 100 + Math.floor(jitter * 200), why: 'earlier status changes go first' };
  if (error instanceof ReplyOrderError) return { kind: 'delay', ms: 2000 + Math.floor(jitter * 2000), why: 'an earlier reply goes first' };
  if (error instanceof NotDueYetError) return { kind: 'delay', ms: error.waitMs, why: `${error.what} not due yet` };
  if (error instanceof ClaimBusyError) return { kind: 'delay', ms: 5000 + Math.floor(jitter * 5000), why: `${error.claim} held by another job` };
  // The lock lapsed under the job: Redis was away, or a renewal could not reach it.
  if (error instanceof ThreadLockLostError) return { kind: 'outage', why: `lock on ${error.key} lost` };
  if (error instanceof PlatformApiError) {
    if (error.status === 429) return { kind: 'delay', ms: Math.max(1, error.retryAfterSeconds ?? 1) * 1000, why: 'chat platform rate limited' };
    return error.transient
      ? { kind: 'outage', why: `chat platform ${error.status || 'unreachable'} ${error.code}` }
      : { kind: 'fail', why: `${error.status} ${error.code}` };
  }
  if (error instanceof SlackApiError)
    return error.transient ? { kind: 'outage', why: `Slack ${error.method}: ${error.code}` } : { kind: 'fail', why: `Slack ${error.method}: ${error.code}` };
  if (error instanceof UnrecoverableError) return { kind: 'fail', why: error.message };
  if (isStoreUnavailable(error)) return { kind: 'outage', why: `MongoDB unavailable (${(error as Error).name})` };
  if (isRedisUnavailable(error)) return { kind: 'outage', why: `Redis unavailable (${(error as Error).message.slice(0, 80)})` };
  return { kind: 'retry' };
}

/** What the worker keeps in a job's data while it waits out an outage (stripped before its processor sees the data). */
interface OutageState {
  since: number;
  tries: number;
}

function outageOf(data: unknown): OutageState | null {
  const state = (data as { _outage?: OutageState } | null)?._outage;
  return state && Number.isFinite(state.since) && Number.isFinite(state.tries) ? state : null;
}

/** Where settleFailure sends a job that failed for good. */
export type DeadLetterSink = (letter: DeadLetter) => Promise<void>;

export function deadLetterOf(job: Job, failedReason: string, now: number, attemptsMade = job.attemptsMade + 1): DeadLetter {
  return {
    queue: job.queueName,
    jobId: job.id ?? '',
    name: job.name,
    data: withoutBookkeeping(job.data),
    failedReason,
    attemptsMade,
    failedAt: now,
    outageSince: outageOf(job.data)?.since ?? null,
  };
}

/** Applies the outcome inside a BullMQ processor; always throws. A final failure is dead-lettered first. */
export async function settleFailure(job: Job, token: string | undefined, error: unknown, deadLetter: DeadLetterSink, now = Date.now()): Promise<never> {
  const outcome = classifyFailure(error, Math.random());
  const detail = error instanceof Error ? error.message : String(error);
  switch (outcome.kind) {
    case 'delay':
      await job.moveToDelayed(now + outcome.ms, token);
      throw new DelayedError(outcome.why);
    case 'outage': {
      const state = outageOf(job.data) ?? { since: now, tries: 0 };
      if (now - state.since >= OUTAGE_RETRY_FOR_MS) {
        const why = `${outcome.why}, for ${Math.round((now - state.since) / 3600_000)} h (${detail})`;
        await deadLetter(deadLetterOf(job, why, now));
        throw new UnrecoverableError(why);
      }
      await job.updateData({ ...(job.data as object), _outage: { since: state.since, tries: state.tries + 1 } });
      await job.moveToDelayed(now + outageDelayMs(state.tries, Math.random()), token);
      throw new DelayedError(`${outcome.why}: waiting it out`);
    }
    case 'fail': {
      const why = `${outcome.why} (${detail})`;
      await deadLetter(deadLetterOf(job, why, now));
      throw new UnrecoverableError(why);
    }
    case 'retry':
      // The last attempt of the budget: dead-lettered before BullMQ moves the job to failed.
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await deadLetter(deadLetterOf(job, detail, now));
      throw error;
  }
}
