// The operator's admin route for dead letters (GET /api/dead-letters, POST /api/dead-letters/replay)
// through app.inject, and the replay command's arguments. Operators only: the operator token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, newSecrets, type TestApp } from '../support/test-app.ts';
import { createJobProducer, type JobProducer } from '../../src/queues/queues.ts';
import type { DeadLetter } from '../../src/queues/dead-letters.ts';
import { parseReplayArgs } from '../../scripts/replay.ts';

describe('GET /api/dead-letters and POST /api/dead-letters/replay', () => {
  let t: TestApp;
  let producer: JobProducer;
  const secrets = newSecrets();
  const operator = { authorization: `Bearer ${secrets.adminApiToken}` };
  const failedAt = Date.parse('2026-12-01T10:00:00.000Z');
  const letter = (jobId: string, at: number): DeadLetter => ({
    queue: 'chat-events',
    jobId,
    name: 'message.created',
    data: { id: `evt_${jobId}`, type: 'message.created' },
    failedReason: '400 invalid_request (bad)',
    attemptsMade: 1,
    failedAt: at,
    outageSince: null,
  });

  beforeAll(async () => {
    t = await buildTestApp({ name: 'dead-letter-route', secrets, slackApiUrl: 'http://127.0.0.1:9/api/', slackAuthorizeUrl: 'http://127.0.0.1:9/oauth' });
    producer = createJobProducer(t.queues);
    await producer.deadLetters.add(letter('1', failedAt));
    await producer.deadLetters.add(letter('2', failedAt + 3600_000));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists the dead letters, oldest first, for the operator', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/dead-letters?queue=chat-events', headers: operator });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      total: 2,
      deadLetters: [
        {
          id: 'dl-chat-events-1',
          queue: 'chat-events',
          jobId: '1',
          name: 'message.created',
          failedReason: '400 invalid_request (bad)',
          attemptsMade: 1,
          failedAt: '2026-12-01T10:00:00.000Z',
          outageSince: null,
        },
        {
          id: 'dl-chat-events-2',
          queue: 'chat-events',
          jobId: '2',
          name: 'message.created',
          failedReason: '400 invalid_request (bad)',
          attemptsMade: 1,
          failedAt: '2026-12-01T11:00:00.000Z',
          outageSince: null,
        },
      ],
    });
  });

  it.each([
    { why: 'no token', headers: {} },
    { why: 'a wrong token', headers: { authorization: 'Bearer not-the-operator-token-at-all' } },
  ])('refuses $why (401)', async ({ headers }) => {
    const res = await t.app.inject({ method: 'GET', url: '/api/dead-letters', headers });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('admin_unauthorized');
  });

  it('refuses an unknown queue (400)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/dead-letters/replay',
      headers: { ...operator, 'content-type': 'application/json' },
      payload: { queue: 'nope' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_payload');
  });

  it('refuses an unknown field or query parameter with invalid_payload naming it, replaying nothing', async () => {
    const replay = await t.app.inject({
      method: 'POST',
      url: '/api/dead-letters/replay',
      headers: { ...operator, 'content-type': 'application/json' },
      payload: { queue: 'chat-events', ids: ['dl-chat-events-1'], dryRun: true },
    });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().error).toMatchObject({
      code: 'invalid_payload',
      field: 'dryRun',
      message: expect.stringContaining('unknown field dryRun (the body takes queue, since, ids)'),
    });
    expect((await producer.deadLetters.list()).map((e) => e.jobId)).toEqual(['1', '2']);
    const list = await t.app.inject({ method: 'GET', url: '/api/dead-letters?queue=chat-events&order=newest', headers: operator });
    expect(list.statusCode).toBe(400);
    expect(list.json().error).toMatchObject({ code: 'invalid_payload', field: 'order', message: expect.stringContaining('unknown query parameter order') });
  });

  it('replays those since a time onto their queue, fresh, and takes them out', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/dead-letters/replay',
      headers: { ...operator, 'content-type': 'application/json' },
      payload: { queue: 'chat-events', since: '2026-12-01T10:30:00.000Z' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ queue: 'chat-events', replayed: ['dl-chat-events-2'] });
    const replayed = await t.queues.chatEvents.getJob('replay-dl-chat-events-2');
    expect(replayed?.data).toEqual({ id: 'evt_2', type: 'message.created', _replayOf: '2' });
    expect((await producer.deadLetters.list()).map((e) => e.jobId)).toEqual(['1']);
  });
});

describe('npm run replay: its arguments', () => {
  const now = Date.parse('2026-12-01T12:00:00.000Z');
  it.each([
    { argv: ['--queue', 'chat-events'], out: { queue: 'chat-events', sinceMs: undefined, ids: undefined, dryRun: false } },
    { argv: ['--queue', 'chat-events', '--since', '1h'], out: { queue: 'chat-events', sinceMs: now - 3600_000, ids: undefined, dryRun: false } },
    { argv: ['--queue', 'reminders', '--since', '30m', '--dry-run'], out: { queue: 'reminders', sinceMs: now - 1_800_000, ids: undefined, dryRun: true } },
    {
      argv: ['--queue', 'transcripts', '--since', '2026-12-01T00:00:00Z'],
      out: { queue: 'transcripts', sinceMs: Date.parse('2026-12-01T00:00:00Z'), ids: undefined, dryRun: false },
    },
    { argv: ['--queue', 'chat-events', '--id', 'a', '--id', 'b,c'], out: { queue: 'chat-events', sinceMs: undefined, ids: ['a', 'b', 'c'], dryRun: false } },
  ])('$argv', ({ argv, out }) => {
    expect(parseReplayArgs(argv, now)).toEqual(out);
  });

  it.each([
    { argv: [], error: '--queue is required' },
    { argv: ['--queue', 'dead-letters'], error: 'is not a queue' },
    { argv: ['--queue', 'x'], error: 'is not a queue' },
    { argv: ['--queue', 'chat-events', '--since', 'yesterday'], error: 'give a duration' },
    { argv: ['--queue', 'chat-events', '--since'], error: '--since needs a value' },
    { argv: ['--queue', 'chat-events', '--force'], error: 'unknown argument --force' },
  ])('refuses $argv', ({ argv, error }) => {
    expect(() => parseReplayArgs(argv, now)).toThrow(error);
  });
});
