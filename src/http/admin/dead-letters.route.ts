// The operator's view of the dead-letter queue (src/queues/dead-letters.ts): the jobs that failed
// for good, and replaying them onto their queue once whatever made them fail is fixed. Operators
// only (ADMIN_API_TOKEN as a Bearer token): dead letters hold every org's chats. The same as
// `npm run replay`, for operators who reach the web process rather than Redis.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { FailedLogins } from '../failed-logins.ts';
import { adminScope } from './admin-auth.ts';
import { queueNames } from '../../queues/queues.ts';
import { DEAD_LETTER_QUEUE } from '../../queues/dead-letters.ts';

const workQueues = Object.values(queueNames).filter((name) => name !== DEAD_LETTER_QUEUE);
const doc = (summary: string) => ({ tags: ['admin'], summary, security: [{ operatorToken: [] }] });

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    queue: { type: 'string', enum: workQueues },
    since: { type: 'string', format: 'date-time' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

const replayBody = {
  type: 'object',
  additionalProperties: false,
  required: ['queue'],
  properties: {
    queue: { type: 'string', enum: workQueues },
    since: { type: 'string', format: 'date-time' },
    ids: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 300 }, minItems: 1, maxItems: 10_000 },
  },
} as const;

export function registerDeadLetterRoutes(app: FastifyInstance, deps: HttpDeps, failedLogins: FailedLogins): void {
  if (!deps.admin) return;
  const deadLetters = deps.producer.deadLetters;
  adminScope(app, { operatorToken: deps.admin.token, failedLogins }, (scope) => {
    scope.get<{ Querystring: { queue?: string; since?: string; limit: number } }>(
      '/api/dead-letters',
      { schema: { ...doc('Jobs that failed for good, oldest first (kept 30 days)'), querystring: listQuery } },
      async (request) => {
        const { queue, since, limit } = request.query;
        const entries = await deadLetters.list({ ...(queue ? { queue } : {}), ...(since ? { sinceMs: Date.parse(since) } : {}) });
        return {
          total: entries.length,
          deadLetters: entries.slice(0, limit).map((e) => ({
            id: e.id,
            queue: e.queue,
            jobId: e.jobId,
            name: e.name,
            failedReason: e.failedReason,
            attemptsMade: e.attemptsMade,
            failedAt: new Date(e.failedAt).toISOString(),
            outageSince: e.outageSince === null ? null : new Date(e.outageSince).toISOString(),
          })),
        };
      },
    );
    scope.post<{ Body: { queue: string; since?: string; ids?: string[] } }>(
      '/api/dead-letters/replay',
      { schema: { ...doc('Put dead letters back on their queue (all of the queue’s, those since a time, or those named)'), body: replayBody } },
      async (request) => {
        const { queue, since, ids } = request.body;
        const replayed = await deadLetters.replay({ queue, ...(since ? { sinceMs: Date.parse(since) } : {}), ...(ids ? { ids } : {}) });
        request.log.warn({ queue, replayed: replayed.length }, 'dead letters replayed by an operator');
        return { queue, replayed };
      },
    );
  });
}
