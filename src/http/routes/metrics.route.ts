// GET /metrics: a few gauges in Prometheus' text format, for alerting: chats waiting with no
// usable notification target, and the queues' backlog. Read from shared state, so any web
// process answers for the whole deployment.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import { renderPrometheus } from '../metrics-format.ts';

export function registerMetricsRoute(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/metrics', async (_request, reply) => {
    const gauges = await deps.metrics();
    return reply.type('text/plain; version=0.0.4').send(renderPrometheus(gauges));
  });
}
