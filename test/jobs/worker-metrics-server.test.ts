// A worker's metrics server (METRICS_PORT) is gated as the web's /metrics is: in production only
// with METRICS_TOKEN as a Bearer token, public only with METRICS_PUBLIC=true (or outside
// production). Each case starts the server on a free port, as worker-main does, and asks it over HTTP.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerMetrics, serveMetrics } from '../../src/jobs/worker-metrics.ts';
import { metricsAccess } from '../../src/metrics-access.ts';
import type { Config } from '../../src/config.ts';

const TOKEN = 'w'.repeat(32);
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A worker's metrics server for this configuration, and a GET of its /metrics with these headers. */
async function workerMetrics(config: Pick<Config, 'NODE_ENV' | 'METRICS_TOKEN' | 'METRICS_PUBLIC'>) {
  const metrics = createWorkerMetrics();
  metrics.job('chat-events', 'completed', 0.01);
  const server = await serveMetrics(metrics.registry, 0, metricsAccess(config), '127.0.0.1');
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  return (headers: Record<string, string> = {}) => fetch(url, { headers });
}

describe('a worker’s METRICS_PORT', () => {
  it('in production with METRICS_TOKEN: 401 with a Bearer challenge without it or with another, 200 with it', async () => {
    const get = await workerMetrics({ NODE_ENV: 'production', METRICS_TOKEN: TOKEN });
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }] as Array<
      Record<string, string>
    >) {
      const refused = await get(headers);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
      expect(await refused.json()).toEqual({ error: { code: 'metrics_unauthorized', message: 'The metrics need the metrics token as a Bearer token' } });
    }
    const ok = await get({ authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('threadbridge_jobs_total{queue="chat-events",outcome="completed"} 1');
  });

  it('in production with neither METRICS_TOKEN nor METRICS_PUBLIC: 401 to everyone, naming both variables', async () => {
    const get = await workerMetrics({ NODE_ENV: 'production' });
    const refused = await get({ authorization: `Bearer ${TOKEN}` });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('metrics_unauthorized');
    expect(body.error.message).toContain('set METRICS_TOKEN, or METRICS_PUBLIC=true');
  });

  it('in production with METRICS_PUBLIC=true: served without a token', async () => {
    const get = await workerMetrics({ NODE_ENV: 'production', METRICS_PUBLIC: true });
    const ok = await get();
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('threadbridge_jobs_total');
  });

  it('outside production without a token: served, as before', async () => {
    expect((await (await workerMetrics({ NODE_ENV: 'development' }))()).status).toBe(200);
  });

  it('anything but GET /metrics is not_found, asked with the token or not', async () => {
    const get = await workerMetrics({ NODE_ENV: 'production', METRICS_TOKEN: TOKEN });
    const other = await fetch((await get()).url.replace('/metrics', '/other'), { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('how fast chats get answered, on a worker’s /metrics', () => {
  it('first-response seconds as a histogram and missed chats as a counter, with no org label', async () => {
    const metrics = createWorkerMetrics();
    metrics.observations.firstResponse?.(2.5);
    metrics.observations.firstResponse?.(90);
    metrics.observations.chatMissed?.();
    const text = await metrics.registry.metrics();
    expect(text).toContain('threadbridge_first_response_seconds_bucket{le="5"} 1');
    expect(text).toContain('threadbridge_first_response_seconds_bucket{le="120"} 2');
    expect(text).toContain('threadbridge_first_response_seconds_count 2');
    expect(text).toContain('threadbridge_chats_missed_total 1');
    expect(text).not.toMatch(/threadbridge_(first_response_seconds|chats_missed_total)[^\n]*org/);
  });
});
