// classifyFailure: how a processor's failure becomes a BullMQ outcome (delay without using an
// attempt, retry with backoff, or fail at once). Pure; jitter is passed in.
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { LockBusyError, ThreadBusyError, ThreadLockLostError, classifyFailure } from '../../src/jobs/job-errors.ts';
import type { Outcome } from '../../src/jobs/job-errors.ts';
import { PlatformApiError } from '../../src/platform/platform-api.ts';
import { SlackApiError, SlackRateLimitedError } from '../../src/slack/slack-errors.ts';

const retry: Outcome = { kind: 'retry' };

describe('classifyFailure', () => {
  it.each<{ name: string; error: unknown; out: Outcome }>([
    // Slack rate limits: delay by Retry-After, at least one second.
    { name: 'Slack 429, Retry-After 30 s', error: new SlackRateLimitedError('chat.postMessage', 30), out: { kind: 'delay', ms: 30_000, why: 'Slack chat.postMessage rate limited' } },
    { name: 'Slack 429, Retry-After 1 s', error: new SlackRateLimitedError('chat.update', 1), out: { kind: 'delay', ms: 1000, why: 'Slack chat.update rate limited' } },
    { name: 'Slack 429, Retry-After 0 s → 1 s', error: new SlackRateLimitedError('chat.postMessage', 0), out: { kind: 'delay', ms: 1000, why: 'Slack chat.postMessage rate limited' } },

    // Chat platform.
    { name: 'platform 429 with Retry-After 5 s', error: new PlatformApiError(429, 'rate_limited', 'slow down', 5), out: { kind: 'delay', ms: 5000, why: 'chat platform rate limited' } },
    { name: 'platform 429 without Retry-After → 1 s', error: new PlatformApiError(429, 'rate_limited', 'slow down', null), out: { kind: 'delay', ms: 1000, why: 'chat platform rate limited' } },
    { name: 'platform 429 with Retry-After 0 → 1 s', error: new PlatformApiError(429, 'rate_limited', 'slow down', 0), out: { kind: 'delay', ms: 1000, why: 'chat platform rate limited' } },
    { name: 'platform 500', error: new PlatformApiError(500, 'internal', 'boom', null), out: retry },
    { name: 'platform 502', error: new PlatformApiError(502, 'bad_gateway', 'boom', null), out: retry },
    { name: 'platform 503 with Retry-After is still a retry', error: new PlatformApiError(503, 'unavailable', 'later', 10), out: retry },
    { name: 'platform network failure (status 0)', error: new PlatformApiError(0, 'network_error', 'ECONNREFUSED', null), out: retry },
    { name: 'platform 400', error: new PlatformApiError(400, 'invalid_request', 'bad', null), out: { kind: 'fail', why: '400 invalid_request' } },
    { name: 'platform 401', error: new PlatformApiError(401, 'unauthorized', 'bad token', null), out: { kind: 'fail', why: '401 unauthorized' } },
    { name: 'platform 404', error: new PlatformApiError(404, 'unknown_conversation', 'gone', null), out: { kind: 'fail', why: '404 unknown_conversation' } },
    { name: 'platform 409', error: new PlatformApiError(409, 'conversation_ended', 'ended', null), out: { kind: 'fail', why: '409 conversation_ended' } },

    // Slack API errors by code.
    { name: 'Slack permanent channel_not_found', error: new SlackApiError('chat.postMessage', 'channel_not_found', false), out: { kind: 'fail', why: 'Slack chat.postMessage: channel_not_found' } },
    { name: 'Slack permanent invalid_auth', error: new SlackApiError('conversations.info', 'invalid_auth', false), out: { kind: 'fail', why: 'Slack conversations.info: invalid_auth' } },
    { name: 'Slack transient internal_error', error: new SlackApiError('chat.postMessage', 'internal_error', true), out: retry },
    { name: 'Slack transient service_unavailable', error: new SlackApiError('chat.update', 'service_unavailable', true), out: retry },

    // Thread lock.
    { name: 'thread lock lost', error: new ThreadLockLostError('org:conv'), out: retry },

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
