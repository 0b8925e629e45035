// classifyFailure: how a processor's failure becomes a BullMQ outcome (delay without using an
// attempt, wait out an outage, retry with backoff, or fail at once). Pure; jitter is passed in.
// settleFailure: what the worker then does with the job (a fake job records it).
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { MongoBulkWriteError, MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import {
  ClaimBusyError,
  NotDueYetError,
  LockBusyError,
  StatusChangesPendingError,
  ThreadBusyError,
  ThreadLockLostError,
  PlatformApiError,
  SlackApiError,
  SlackRateLimitedError,
} from '../../src/errors/index.ts';
import { OUTAGE_MAX_DELAY_MS, OUTAGE_RETRY_FOR_MS, classifyFailure, outageDelayMs, settleFailure } from '../../src/queues/job-errors.ts';
import type { DeadLetter } from '../../src/queues/dead-letters.ts';
import type { Outcome } from '../../src/queues/job-errors.ts';

const retry: Outcome = { kind: 'retry' };

describe('classifyFailure', () => {
  it.each<{ name: string; error: unknown; out: Outcome }>([
    // Slack rate limits: delay by Retry-After, at least one second.
    {
      name: 'Slack 429, Retry-After 30 s',
      error: new SlackRateLimitedError('chat.postMessage', 30),
      out: { kind: 'delay', ms: 30_000, why: 'Slack chat.postMessage rate limited' },
    },
    {
      name: 'Slack 429, Retry-After 1 s',
      error: new SlackRateLimitedError('chat.update', 1),
      out: { kind: 'delay', ms: 1000, why: 'Slack chat.update rate limited' },
    },
    {
      name: 'Slack 429, Retry-After 0 s → 1 s',
      error: new SlackRateLimitedError('chat.postMessage', 0),
      out: { kind: 'delay', ms: 1000, why: 'Slack chat.postMessage rate limited' },
    },

    // Chat platform.
    {
      name: 'platform 429 with Retry-After 5 s',
      error: new PlatformApiError(429, 'rate_limited', 'slow down', 5),
      out: { kind: 'delay', ms: 5000, why: 'chat platform rate limited' },
    },
    {
      name: 'platform 429 without Retry-After → 1 s',
      error: new PlatformApiError(429, 'rate_limited', 'slow down', null),
      out: { kind: 'delay', ms: 1000, why: 'chat platform rate limited' },
    },
    {
      name: 'platform 429 with Retry-After 0 → 1 s',
      error: new PlatformApiError(429, 'rate_limited', 'slow down', 0),
      out: { kind: 'delay', ms: 1000, why: 'chat platform rate limited' },
    },
    // The platform down: an outage, waited out without using an attempt.
    { name: 'platform 500', error: new PlatformApiError(500, 'internal', 'boom', null), out: { kind: 'outage', why: 'chat platform 500 internal' } },
    { name: 'platform 502', error: new PlatformApiError(502, 'bad_gateway', 'boom', null), out: { kind: 'outage', why: 'chat platform 502 bad_gateway' } },
    {
      name: 'platform 503 with Retry-After is an outage too',
      error: new PlatformApiError(503, 'unavailable', 'later', 10),
      out: { kind: 'outage', why: 'chat platform 503 unavailable' },
    },
    {
      name: 'platform network failure (status 0)',
      error: new PlatformApiError(0, 'network_error', 'ECONNREFUSED', null),
      out: { kind: 'outage', why: 'chat platform unreachable network_error' },
    },
    { name: 'platform 400', error: new PlatformApiError(400, 'invalid_request', 'bad', null), out: { kind: 'fail', why: '400 invalid_request' } },
    { name: 'platform 401', error: new PlatformApiError(401, 'unauthorized', 'bad token', null), out: { kind: 'fail', why: '401 unauthorized' } },
    { name: 'platform 404', error: new PlatformApiError(404, 'unknown_conversation', 'gone', null), out: { kind: 'fail', why: '404 unknown_conversation' } },
    { name: 'platform 409', error: new PlatformApiError(409, 'conversation_ended', 'ended', null), out: { kind: 'fail', why: '409 conversation_ended' } },

    // Slack API errors by code.
    {
      name: 'Slack permanent channel_not_found',
      error: new SlackApiError('chat.postMessage', 'channel_not_found', false),
      out: { kind: 'fail', why: 'Slack chat.postMessage: channel_not_found' },
    },
    {
      name: 'Slack permanent invalid_auth',
      error: new SlackApiError('conversations.info', 'invalid_auth', false),
      out: { kind: 'fail', why: 'Slack conversations.info: invalid_auth' },
    },
    {
      name: 'Slack transient internal_error',
      error: new SlackApiError('chat.postMessage', 'internal_error', true),
      out: { kind: 'outage', why: 'Slack chat.postMessage: internal_error' },
    },
    {
      name: 'Slack transient service_unavailable',
      error: new SlackApiError('chat.update', 'service_unavailable', true),
      out: { kind: 'outage', why: 'Slack chat.update: service_unavailable' },
    },
    {
      name: 'Slack HTTP 503',
      error: new SlackApiError('chat.postMessage', 'http_503', true),
      out: { kind: 'outage', why: 'Slack chat.postMessage: http_503' },
    },
    {
      name: 'Slack unreachable',
      error: new SlackApiError('chat.postMessage', 'request_failed', true),
      out: { kind: 'outage', why: 'Slack chat.postMessage: request_failed' },
    },

    // Thread lock: it lapsed because Redis was away.
    { name: 'thread lock lost', error: new ThreadLockLostError('org:conv'), out: { kind: 'outage', why: 'lock on org:conv lost' } },

    // MongoDB and Redis down.
    {
      name: 'MongoDB unreachable (server selection)',
      error: new MongoServerSelectionError('connect ECONNREFUSED', { error: null, servers: new Map(), type: 'Unknown' } as never),
      out: { kind: 'outage', why: 'MongoDB unavailable (MongoServerSelectionError)' },
    },
    {
      name: 'MongoDB connection dropped',
      error: new MongoNetworkError('socket closed'),
      out: { kind: 'outage', why: 'MongoDB unavailable (MongoNetworkError)' },
    },
    // What a bulk write throws when the server goes away under it (seen in the FerretDB-outage fault test).
    {
      name: 'MongoDB gone during a bulk write',
      error: new MongoBulkWriteError(new MongoNetworkError('connect ECONNREFUSED'), {} as never),
      out: { kind: 'outage', why: 'MongoDB unavailable (MongoBulkWriteError)' },
    },
    { name: 'a bulk write refused (duplicate key)', error: new MongoBulkWriteError({ message: 'E11000 duplicate key', code: 11000 }, {} as never), out: retry },
    { name: 'Redis connection closed', error: new Error('Connection is closed.'), out: { kind: 'outage', why: 'Redis unavailable (Connection is closed.)' } },
    {
      name: 'Redis loading its data after a restart',
      error: Object.assign(new Error('LOADING Redis is loading the dataset in memory'), { name: 'ReplyError' }),
      out: { kind: 'outage', why: 'Redis unavailable (LOADING Redis is loading the dataset in memory)' },
    },
    {
      name: 'a cluster failing over a slot',
      error: Object.assign(new Error('CLUSTERDOWN The cluster is down'), { name: 'ReplyError' }),
      out: { kind: 'outage', why: 'Redis unavailable (CLUSTERDOWN The cluster is down)' },
    },
    {
      name: 'no cluster node reachable',
      error: Object.assign(new Error('Failed to refresh slots cache.'), { name: 'ClusterAllFailedError' }),
      out: { kind: 'outage', why: 'Redis unavailable (Failed to refresh slots cache.)' },
    },
    {
      name: 'a refused connection',
      error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
      out: { kind: 'outage', why: 'Redis unavailable (connect ECONNREFUSED 127.0.0.1:6379)' },
    },

    // Already final.
    { name: 'UnrecoverableError', error: new UnrecoverableError('bad job data'), out: { kind: 'fail', why: 'bad job data' } },

    // Anything else retries.
    { name: 'plain Error', error: new Error('boom'), out: retry },
    { name: 'TypeError', error: new TypeError('x is undefined'), out: retry },
    { name: 'a thrown string', error: 'boom', out: retry },
    { name: 'undefined', error: undefined, out: retry },
    { name: 'null', error: null, out: retry },
  ])('$name', ({ error, out }) => {
    expect(classifyFailure(error, 0.5)).toEqual(out);
  });

  it.each([
    { jitter: 0, ms: 100 },
    { jitter: 0.25, ms: 200 },
    { jitter: 0.5, ms: 300 },
    { jitter: 0.999_999, ms: 499 },
  ])('thread busy, jitter $jitter → delay $ms ms', ({ jitter, ms }) => {
    expect(classifyFailure(new ThreadBusyError('org:conv'), jitter)).toEqual({ kind: 'delay', ms, why: 'thread busy' });
  });

  it.each([
    { jitter: 0, ms: 1000 },
    { jitter: 0.5, ms: 1500 },
    { jitter: 0.999_999, ms: 1999 },
  ])('a directory sync lock held elsewhere, jitter $jitter → delay $ms ms (its lease runs out if its process died)', ({ jitter, ms }) => {
    expect(classifyFailure(new LockBusyError('directory-sync:T1:channels'), jitter)).toEqual({ kind: 'delay', ms, why: 'directory-sync:T1:channels busy' });
  });

  it.each([
    { jitter: 0, ms: 100 },
    { jitter: 0.999_999, ms: 299 },
  ])('a chat start waiting for earlier status changes, jitter $jitter → delay $ms ms without using an attempt', ({ jitter, ms }) => {
    expect(classifyFailure(new StatusChangesPendingError('org_1', 3), jitter)).toEqual({ kind: 'delay', ms, why: 'earlier status changes go first' });
  });

  it('thread busy delays stay within [100, 500) ms across jitter in [0, 1)', () => {
    for (let i = 0; i < 1000; i++) {
      const out = classifyFailure(new ThreadBusyError('k'), i / 1000);
      expect(out.kind).toBe('delay');
      if (out.kind === 'delay') {
        expect(out.ms).toBeGreaterThanOrEqual(100);
        expect(out.ms).toBeLessThan(500);
      }
    }
  });

  it('jitter does not affect anything but a busy thread', () => {
    const error = new SlackRateLimitedError('chat.postMessage', 3);
    expect(classifyFailure(error, 0)).toEqual(classifyFailure(error, 0.99));
  });
});

describe('claims held by another job', () => {
  it('delay 5 to 10 s (the holder finishes, or its lease runs out)', () => {
    expect(classifyFailure(new ClaimBusyError('notice x'), 0)).toEqual({ kind: 'delay', ms: 5000, why: 'notice x held by another job' });
    expect(classifyFailure(new ClaimBusyError('notice x'), 0.5)).toEqual({ kind: 'delay', ms: 7500, why: 'notice x held by another job' });
    // A reminder whose org made its answer time longer waits out exactly the rest, without jitter.
    expect(classifyFailure(new NotDueYetError('reminder stage 1 of c1', 42_000), 0.9)).toEqual({
      kind: 'delay',
      ms: 42_000,
      why: 'reminder stage 1 of c1 not due yet',
    });
  });
});

describe('outageDelayMs', () => {
  it.each([
    { tries: 0, jitter: 1, ms: 1000 },
    { tries: 1, jitter: 1, ms: 2000 },
    { tries: 4, jitter: 1, ms: 16_000 },
    { tries: 5, jitter: 1, ms: 30_000 },
    { tries: 500, jitter: 1, ms: 30_000 },
    { tries: 3, jitter: 0, ms: 4000 },
  ])('try $tries, jitter $jitter → $ms ms', ({ tries, jitter, ms }) => {
    expect(outageDelayMs(tries, jitter)).toBe(ms);
  });

  it('24 hours of outage stay far below the start limit (one try every 15–30 s at worst)', () => {
    let elapsed = 0;
    let tries = 0;
    while (elapsed < OUTAGE_RETRY_FOR_MS) elapsed += outageDelayMs(tries++, 0);
    expect(tries).toBeLessThan(OUTAGE_RETRY_FOR_MS / (OUTAGE_MAX_DELAY_MS / 2) + 20);
  });
});

/** A job as settleFailure sees it, recording what it is asked to do. */
function fakeJob(over: { data?: unknown; attemptsMade?: number; attempts?: number } = {}) {
  const seen: { delayedUntil: number | null; data: unknown } = { delayedUntil: null, data: over.data ?? { orgId: 'o' } };
  const job = {
    id: '42',
    name: 'message.created',
    queueName: 'chat-events',
    attemptsMade: over.attemptsMade ?? 0,
    opts: { attempts: over.attempts ?? 5 },
    get data() {
      return seen.data;
    },
    async updateData(data: unknown) {
      seen.data = data;
    },
    async moveToDelayed(until: number) {
      seen.delayedUntil = until;
    },
  };
  return { job: job as unknown as Job, seen };
}

describe('settleFailure', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const outage = new PlatformApiError(503, 'unavailable', 'down', null);

  it('an outage: delayed with backoff, no attempt used, its start kept in the job (not shown to processors)', async () => {
    const { job, seen } = fakeJob();
    const letters: DeadLetter[] = [];
    await expect(settleFailure(job, 'tok', outage, async (l) => void letters.push(l), now)).rejects.toBeInstanceOf(DelayedError);
    expect(seen.data).toEqual({ orgId: 'o', _outage: { since: now, tries: 1 } });
    expect(seen.delayedUntil).toBeGreaterThanOrEqual(now + 500);
    expect(seen.delayedUntil).toBeLessThanOrEqual(now + 1000);
    await expect(settleFailure(job, 'tok', outage, async (l) => void letters.push(l), now + 60_000)).rejects.toBeInstanceOf(DelayedError);
    expect(seen.data).toEqual({ orgId: 'o', _outage: { since: now, tries: 2 } });
    expect(letters).toEqual([]);
  });

  it('an outage past 24 hours: dead-lettered with why, and final', async () => {
    const { job } = fakeJob({ data: { orgId: 'o', _outage: { since: now - OUTAGE_RETRY_FOR_MS, tries: 3000 } } });
    const letters: DeadLetter[] = [];
    await expect(settleFailure(job, 'tok', outage, async (l) => void letters.push(l), now)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(letters).toEqual([
      {
        queue: 'chat-events',
        jobId: '42',
        name: 'message.created',
        data: { orgId: 'o' },
        attemptsMade: 1,
        failedAt: now,
        outageSince: now - OUTAGE_RETRY_FOR_MS,
        failedReason: 'chat platform 503 unavailable, for 24 h (Chat platform answered 503 unavailable: down)',
      },
    ]);
  });

  it('a failure that will never succeed: dead-lettered at once', async () => {
    const { job } = fakeJob();
    const letters: DeadLetter[] = [];
    await expect(
      settleFailure(job, 'tok', new PlatformApiError(400, 'invalid_request', 'bad', null), async (l) => void letters.push(l), now),
    ).rejects.toBeInstanceOf(UnrecoverableError);
    expect(letters.map((l) => l.failedReason)).toEqual(['400 invalid_request (Chat platform answered 400 invalid_request: bad)']);
  });

  it('an unknown error: retried within the attempt budget, dead-lettered on its last attempt', async () => {
    const letters: DeadLetter[] = [];
    const bug = new TypeError('x is undefined');
    await expect(settleFailure(fakeJob({ attemptsMade: 3 }).job, 'tok', bug, async (l) => void letters.push(l), now)).rejects.toBe(bug);
    expect(letters).toEqual([]);
    await expect(settleFailure(fakeJob({ attemptsMade: 4 }).job, 'tok', bug, async (l) => void letters.push(l), now)).rejects.toBe(bug);
    expect(letters.map((l) => [l.failedReason, l.attemptsMade])).toEqual([['x is undefined', 5]]);
  });
});
