// Bull Board behind Basic auth: operators see the queues; nobody else sees job payloads.
import { afterAll, describe, expect, it } from 'vitest';
import { newSecrets } from '../support/test-app.ts';
import { NO_SLACK, testAppPerFile } from '../support/http-test-app.ts';
import { createQueues, queueNames } from '../../src/jobs/queues.ts';
import { Redis } from 'ioredis';
import { redisUrl, uniquePrefix } from '../support/services.ts';

const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
const queues = createQueues(redis, uniquePrefix('board'));
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

// Registered before the app's afterAll, so that it runs after it (after hooks run last first).
afterAll(async () => {
  await Promise.all(Object.values(queues).map((q) => q.close()));
  redis.disconnect();
});
const t = testAppPerFile({
  name: 'bull-board',
  secrets: newSecrets(),
  ...NO_SLACK,
  overrides: { bullBoard: { queues: Object.values(queues), user: 'ops', password: 'correct horse battery' } },
});

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

  it('lists every queue to an operator with the right credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { authorization: basic('ops', 'correct horse battery') } });
    expect(res.statusCode).toBe(200);
    const names = (res.json() as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort();
    expect(names).toEqual(Object.values(queueNames).sort());
  });
});
