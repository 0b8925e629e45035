// Bull Board behind Basic auth: operators see the queues; nobody else sees job payloads. Read-only
// unless BULL_BOARD_READ_ONLY=false: every write route Bull Board has answers 403 and changes
// nothing. Failed sign-ins are limited per client before the password is checked.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { appRoutes } from '@bull-board/api/dist/routes.js';
import { buildTestApp, newSecrets, type TestApp } from '../support/test-app.ts';
import { NO_SLACK, testAppPerFile } from '../support/http-test-app.ts';
import { createQueues, queueNames } from '../../src/queues/queues.ts';
import { FAILED_LOGIN_LIMITS } from '../../src/http/failed-logins.ts';
import { redisUrl, uniquePrefix } from '../support/services.ts';

const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
const secrets = newSecrets();
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const OPERATOR = basic('ops', 'correct horse battery');
/** A board over queues of its own (their own prefix), so that one test's jobs are not another's. */
const boardOver = (name: string, readOnly: boolean) => {
  const queues = createQueues(redis, uniquePrefix(name));
  return { queues, options: { queues: Object.values(queues), user: 'ops', password: 'correct horse battery', readOnly } };
};
const readOnlyBoard = boardOver('board', true);
const extraApps: TestApp[] = [];
const allQueues = [readOnlyBoard.queues];

async function appWith(name: string, overrides: Parameters<typeof buildTestApp>[0]['overrides']): Promise<TestApp> {
  const built = await buildTestApp({ name, secrets, ...NO_SLACK, overrides });
  extraApps.push(built);
  return built;
}

// Registered before the app's afterAll, so that it runs after it (after hooks run last first).
afterAll(async () => {
  await Promise.all(extraApps.map((a) => a.close()));
  const queues = allQueues.flatMap((q) => Object.values(q));
  await Promise.all(queues.map((q) => q.obliterate({ force: true }).catch(() => undefined)));
  await Promise.all(queues.map((q) => q.close()));
  redis.disconnect();
});
const t = testAppPerFile({ name: 'bull-board', secrets, ...NO_SLACK, overrides: { bullBoard: readOnlyBoard.options } });

describe('Bull Board at /admin/queues', () => {
  it.each([
    ['no credentials', undefined],
    ['a wrong password', basic('ops', 'wrong')],
    ['a wrong user', basic('admin', 'correct horse battery')],
  ])('answers 401 with a Basic challenge to %s', async (_name, authorization) => {
    const res = await t.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: authorization ? { authorization } : {} });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(res.json()).toEqual({ error: { code: 'unauthorized', message: 'Queue dashboard credentials required' } });
  });

  it('lists every queue to an operator with the right credentials, each read-only (the page offers no write action)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { authorization: OPERATOR } });
    expect(res.statusCode).toBe(200);
    const queues = (res.json() as { queues: Array<{ name: string; readOnlyMode: boolean }> }).queues;
    expect(queues.map((q) => q.name).sort()).toEqual(Object.values(queueNames).sort());
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
  });
});

/** Bull Board's routes that change something: everything it serves but GET (its own list, so a new one is covered). */
const writeRoutes = appRoutes.api
  .filter((route) => route.method !== 'get')
  .map((route) => ({ method: String(route.method).toUpperCase(), route: String(route.route) }));

describe('read-only (BULL_BOARD_READ_ONLY, true by default)', () => {
  afterEach(async () => {
    await readOnlyBoard.queues.transcripts.obliterate({ force: true });
  });

  it('Bull Board has the write routes this covers', () => {
    // Clean, empty, obliterate, retry, promote, add a job, edit its data, pause…: listed so that a reader sees what is refused.
    expect(writeRoutes.map((r) => `${r.method} ${r.route}`).sort()).toEqual(
      expect.arrayContaining([
        'POST /api/queues/:queueName/add',
        'PUT /api/queues/:queueName/clean/:queueStatus',
        'PUT /api/queues/:queueName/empty',
        'PUT /api/queues/:queueName/obliterate',
        'PUT /api/queues/:queueName/retry/:queueStatus',
        'PUT /api/queues/:queueName/promote',
        'PUT /api/queues/:queueName/:jobId/retry',
        'PUT /api/queues/:queueName/:jobId/clean',
        'PUT /api/queues/:queueName/:jobId/promote',
        'PATCH /api/queues/:queueName/:jobId/update-data',
        'PATCH /api/queues/:queueName/:jobId/delay',
        'PATCH /api/queues/:queueName/:jobId/priority',
        'PUT /api/queues/pause',
        'PUT /api/queues/resume',
        'PUT /api/queues/:queueName/pause',
      ]),
    );
    expect(writeRoutes.length).toBeGreaterThanOrEqual(20);
  });

  it.each(writeRoutes)('$method $route answers 403 queue_dashboard_read_only and changes nothing', async ({ method, route }) => {
    const queue = readOnlyBoard.queues.transcripts;
    const job = await queue.add('probe', { text: 'a visitor’s message' } as never, { delay: 60_000 });
    const url = `/admin/queues${route}`
      .replace(':queueName', queue.name)
      .replace(':jobId', job.id!)
      .replace(':queueStatus', 'delayed')
      .replace(':schedulerId', 'any');
    const body = {
      name: 'injected',
      data: { text: 'changed' },
      jobData: { text: 'changed' },
      runAt: Date.now(),
      priority: 1,
      concurrency: 1,
      max: 1,
      duration: 1000,
      force: true,
    };
    const res = await t.app.inject({ method: method as 'PUT', url, headers: { authorization: OPERATOR }, payload: body });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: { code: 'queue_dashboard_read_only', message: expect.stringContaining('BULL_BOARD_READ_ONLY=false') } });
    const after = await queue.getJob(job.id!);
    expect(after?.data).toEqual({ text: 'a visitor’s message' });
    expect(await after?.getState()).toBe('delayed');
    expect(await queue.isPaused()).toBe(false);
    expect(await queue.getJobCountByTypes('delayed', 'waiting', 'completed', 'failed')).toBe(1);
  });

  it('refuses a write without credentials as unauthorized, not as read-only (nothing said to a stranger)', async () => {
    const res = await t.app.inject({ method: 'PUT', url: `/admin/queues/api/queues/${queueNames.transcripts}/empty`, payload: {} });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });
});

describe('with BULL_BOARD_READ_ONLY=false', () => {
  it('the write actions work: add a job, edit its data, promote, clean, empty, pause, obliterate', async () => {
    const board = boardOver('board-rw', false);
    allQueues.push(board.queues);
    const writable = await appWith('bull-board-rw', { bullBoard: board.options });
    const send = (method: 'POST' | 'PUT' | 'PATCH', path: string, payload: object = {}) =>
      writable.app.inject({ method, url: `/admin/queues/api/queues/${path}`, headers: { authorization: OPERATOR }, payload });
    const queue = board.queues.transcripts;

    const added = await send('POST', `${queue.name}/add`, { name: 'by-hand', data: { text: 'added' }, options: { delay: 60_000 } });
    expect(added.statusCode).toBe(200);
    const [job] = await queue.getJobs(['delayed']);
    expect(job).toMatchObject({ name: 'by-hand', data: { text: 'added' } });

    expect((await send('PATCH', `${queue.name}/${job!.id}/update-data`, { jobData: { text: 'edited' } })).statusCode).toBe(200);
    expect((await queue.getJob(job!.id!))?.data).toEqual({ text: 'edited' });

    expect((await send('PUT', `${queue.name}/${job!.id}/promote`)).statusCode).toBe(204);
    expect(await (await queue.getJob(job!.id!))?.getState()).toBe('waiting');

    const delayed = await queue.add('later', { text: 'later' } as never, { delay: 60_000 });
    // (Cleaning a whole status spares jobs younger than Bull Board's 5 s grace: one job is cleaned instead.)
    expect((await send('PUT', `${queue.name}/${delayed.id}/clean`)).statusCode).toBe(204);
    expect(await queue.getJob(delayed.id!)).toBeUndefined();

    expect((await send('PUT', `${queue.name}/empty`)).statusCode).toBe(200);
    expect(await queue.getJobCountByTypes('waiting', 'delayed')).toBe(0);

    const other = board.queues.reminders;
    await other.add('probe', { text: 'x' } as never);
    // Bull Board obliterates only a paused queue.
    expect((await send('PUT', `${other.name}/pause`)).statusCode).toBe(200);
    expect(await other.isPaused()).toBe(true);
    expect((await send('PUT', `${other.name}/obliterate`, { force: true })).statusCode).toBe(200);
    expect(await other.getJobCountByTypes('waiting')).toBe(0);

    const listed = await writable.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { authorization: OPERATOR } });
    expect((listed.json() as { queues: Array<{ readOnlyMode: boolean }> }).queues.every((q) => !q.readOnlyMode)).toBe(true);
  });
});

describe('failed sign-ins', () => {
  const { max, windowMs } = FAILED_LOGIN_LIMITS.queues;
  const from = (target: TestApp, remoteAddress: string, headers: Record<string, string> = {}) =>
    target.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers, remoteAddress });

  it(`after ${max} wrong passwords from one client it is refused (429, Retry-After), the right password included; another client is not`, async () => {
    // Successful requests and requests without credentials (a browser's first) are not counted.
    for (let i = 0; i < 3; i++) expect((await from(t, '203.0.113.30', { authorization: OPERATOR })).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) expect((await from(t, '203.0.113.30')).statusCode).toBe(401);
    // A forged X-Forwarded-For does not make each guess another client's (no TRUST_PROXY).
    for (let i = 0; i < max; i++)
      expect((await from(t, '203.0.113.30', { authorization: basic('ops', `guess ${i}`), 'x-forwarded-for': `198.51.100.${i}` })).statusCode).toBe(401);
    const locked = await from(t, '203.0.113.30', { authorization: OPERATOR });
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toEqual({
      error: { code: 'too_many_failed_attempts', message: 'Too many failed sign-in attempts from this address; try again after the time in Retry-After' },
    });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(windowMs / 1000);
    expect((await from(t, '203.0.113.31', { authorization: OPERATOR })).statusCode).toBe(200);
  });

  it('once the window has passed, the client gets in again', async () => {
    const brief = await appWith('bull-board-window', {
      bullBoard: boardOver('board-window', true).options,
      failedLoginLimits: { ...FAILED_LOGIN_LIMITS, queues: { max: 2, windowMs: 1000 } },
    });
    for (let i = 0; i < 2; i++) expect((await from(brief, '203.0.113.40', { authorization: basic('ops', 'nope') })).statusCode).toBe(401);
    const locked = await from(brief, '203.0.113.40', { authorization: OPERATOR });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('1');
    // The configured window (1 s here, 15 minutes in production) passes.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await from(brief, '203.0.113.40', { authorization: OPERATOR })).statusCode).toBe(200);
  });
});
