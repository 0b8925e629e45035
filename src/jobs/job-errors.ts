// How a processor's failure becomes a BullMQ outcome: a rate limit or a busy thread delays the
// job without using an attempt; a permanent failure fails it at once (UnrecoverableError); a
// transient one is thrown so BullMQ retries it with backoff.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { SlackApiError, SlackRateLimitedError } from '../slack/slack-errors.ts';
import { PlatformApiError } from '../platform/platform-api.ts';
import { SlackBudgetExhaustedError } from './paced-slack-api.ts';

/** Another worker holds the conversation's thread; try again shortly. */
export class ThreadBusyError extends Error {
  constructor(readonly key: string) {
    super(`Thread ${key} is being written by another worker`);
    this.name = 'ThreadBusyError';
  }
}

/** The job's lock on the thread expired while it worked; what it did is recorded, so it starts over. */
export class ThreadLockLostError extends Error {
  constructor(readonly key: string) {
    super(`Lost the lock on thread ${key}`);
    this.name = 'ThreadLockLostError';
  }
}

/**
 * Another job holds the claim on something to be done once (a notice, a reminder, the end
 * prompt); try again later: it finishes, or its lease runs out (it died) and this job takes over.
 */
export class ClaimBusyError extends Error {
  constructor(readonly claim: string) {
    super(`${claim} is being done by another job`);
    this.name = 'ClaimBusyError';
  }
}

/** Another process holds the lock this job needs (a directory sync, a directory write); try again shortly. */
export class LockBusyError extends Error {
  constructor(readonly lockName: string) {
    super(`${lockName} is held by another process`);
    this.name = 'LockBusyError';
  }
}

export type Outcome = { kind: 'delay'; ms: number; why: string } | { kind: 'retry' } | { kind: 'fail'; why: string };

/** Pure: what to do with the job after `error`. `jitter` in [0,1) spreads retries of busy threads. */
export function classifyFailure(error: unknown, jitter: number): Outcome {
  if (error instanceof SlackRateLimitedError) return { kind: 'delay', ms: Math.max(1, error.retryAfterSeconds) * 1000, why: `Slack ${error.method} rate limited` };
  if (error instanceof SlackBudgetExhaustedError) return { kind: 'delay', ms: error.waitMs + Math.floor(jitter * 100), why: 'Slack posting budget exhausted' };
  if (error instanceof ThreadBusyError) return { kind: 'delay', ms: 100 + Math.floor(jitter * 400), why: 'thread busy' };
  if (error instanceof LockBusyError) return { kind: 'delay', ms: 1000 + Math.floor(jitter * 1000), why: `${error.lockName} busy` };
  if (error instanceof ClaimBusyError) return { kind: 'delay', ms: 5000 + Math.floor(jitter * 5000), why: `${error.claim} held by another job` };
  if (error instanceof ThreadLockLostError) return { kind: 'retry' };
  if (error instanceof PlatformApiError) {
    if (error.status === 429) return { kind: 'delay', ms: Math.max(1, error.retryAfterSeconds ?? 1) * 1000, why: 'chat platform rate limited' };
    return error.transient ? { kind: 'retry' } : { kind: 'fail', why: `${error.status} ${error.code}` };
  }
  if (error instanceof SlackApiError) return error.transient ? { kind: 'retry' } : { kind: 'fail', why: `Slack ${error.method}: ${error.code}` };
  if (error instanceof UnrecoverableError) return { kind: 'fail', why: error.message };
  return { kind: 'retry' };
}

/** Applies the outcome inside a BullMQ processor; always throws. */
export async function settleFailure(job: Job, token: string | undefined, error: unknown): Promise<never> {
  const outcome = classifyFailure(error, Math.random());
  switch (outcome.kind) {
    case 'delay':
      await job.moveToDelayed(Date.now() + outcome.ms, token);
      throw new DelayedError(outcome.why);
    case 'fail':
      throw new UnrecoverableError(`${outcome.why} (${error instanceof Error ? error.message : String(error)})`);
    case 'retry':
      throw error;
  }
}
