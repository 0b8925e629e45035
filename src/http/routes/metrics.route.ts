// GET /metrics: a few gauges in Prometheus' text format, for alerting: chats waiting with no
// usable notification target, and the queues' backlog. Read from shared state, so any web
// process answers for the whole deployment.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';

export interface Gauge {
  name: string;
  help: string;
  samples: Array<{ labels?: Record<string, string>; value: number }>;
}

export function renderPrometheus(gauges: Gauge[]): string {
  const lines: string[] = [];
  for (const gauge of gauges) {
    lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`);
    for (const sample of gauge.samples) {
      const labels = sample.labels ? `{${Object.entries(sample.labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}` : '';
      lines.push(`${gauge.name}${labels} ${sample.value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerMetricsRoute(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/metrics', async (_request, reply) => {
    const gauges = await deps.metrics();
    return reply.type('text/plain; version=0.0.4').send(renderPrometheus(gauges));
  });
}
