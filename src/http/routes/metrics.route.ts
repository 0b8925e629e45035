// GET /metrics: the web process's Prometheus metrics (web-metrics.ts): its ingress, and the
// deployment's state read from shared stores, so any web process answers for the whole
// deployment. Who may read them is decided once from the configuration (src/metrics-access.ts):
// in production only with METRICS_TOKEN as a Bearer token, unless METRICS_PUBLIC=true.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import { appError } from '../../errors/index.ts';
import { METRICS_CHALLENGE, metricsGate } from '../../metrics-access.ts';

export function registerMetricsRoute(app: FastifyInstance, deps: HttpDeps): void {
  const refusalOf = metricsGate(deps.metricsAccess);
  app.get('/metrics', async (request, reply) => {
    const refusal = refusalOf(request.headers.authorization);
    if (refusal) {
      reply.header('www-authenticate', METRICS_CHALLENGE);
      throw appError('metrics_unauthorized', refusal.detail);
    }
    const { registry } = deps.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
