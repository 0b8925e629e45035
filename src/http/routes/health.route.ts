// GET /healthz (the process is up) and GET /readyz (Redis and MongoDB answer), for load
// balancers and orchestrators. /readyz names the dependency that is down, never its error text
// (hosts, ports, driver messages): that goes to the log.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';

export function registerHealthRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (request, reply) => {
    const results = await Promise.all(
      Object.entries(deps.healthChecks).map(async ([name, check]) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (error) {
          request.log.warn({ dependency: name, err: error }, 'readiness check failed');
          return [name, 'down'] as const;
        }
      }),
    );
    const ok = results.every(([, status]) => status === 'ok');
    return reply.status(ok ? 200 : 503).send({ ok, checks: Object.fromEntries(results) });
  });
}
