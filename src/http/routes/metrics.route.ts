// GET /metrics: the web process's Prometheus metrics (web-metrics.ts): its ingress, and the
// deployment's state read from shared stores, so any web process answers for the whole
// deployment. With METRICS_TOKEN set, only with it as a Bearer token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import { appError } from '../../errors/index.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function registerMetricsRoute(app: FastifyInstance, deps: HttpDeps): void {
  const expected = deps.metricsToken ? digest(`Bearer ${deps.metricsToken}`) : null;
  app.get('/metrics', async (request, reply) => {
    // Hashing both sides makes the comparison constant-time whatever the lengths.
    if (expected && !timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
      reply.header('www-authenticate', 'Bearer realm="Threadbridge metrics"');
      throw appError('metrics_unauthorized');
    }
    const { registry } = deps.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
