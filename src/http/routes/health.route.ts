// GET /healthz (the process is up) and GET /readyz (Redis and MongoDB answer), for load
// balancers and orchestrators.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';

export function registerHealthRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      Object.entries(deps.healthChecks).map(async ([name, check]) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : 'failed'] as const;
        }
      }),
    );
    const ok = results.every(([, status]) => status === 'ok');
    return reply.status(ok ? 200 : 503).send({ ok, checks: Object.fromEntries(results) });
  });
}
