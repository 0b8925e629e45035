// Who may read GET /metrics: the web's (src/http/routes/metrics.route.ts) and each worker's on
// METRICS_PORT (src/jobs/worker-metrics.ts) decide alike, from one reading of the configuration.
// The metrics name queues, Slack's errors and the deployment's load: in production they are
// closed unless METRICS_TOKEN is set or METRICS_PUBLIC=true says they are public on purpose.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from './config.ts';
import { assertNever } from './errors/index.ts';

/**
 * token: only with it as a Bearer token. public: anyone. closed: production with neither
 * variable set, where everyone is answered 401 naming METRICS_TOKEN. A closed /metrics rather
 * than a process that refuses to start: the bridge carries visitors' chats, and stopping it (on an
 * upgrade that used to serve metrics openly) over how its metrics are read would cost far more
 * than a scrape that fails, with an answer that says what to set.
 */
export type MetricsAccess = { kind: 'token'; token: string } | { kind: 'public' } | { kind: 'closed' };

export function metricsAccess(config: Pick<Config, 'NODE_ENV' | 'METRICS_TOKEN' | 'METRICS_PUBLIC'>): MetricsAccess {
  if (config.METRICS_TOKEN) return { kind: 'token', token: config.METRICS_TOKEN };
  // Unset, public outside production (a developer's machine, the tests' processes).
  const isPublic = config.METRICS_PUBLIC ?? config.NODE_ENV !== 'production';
  return isPublic ? { kind: 'public' } : { kind: 'closed' };
}

/** What to say at start-up about how /metrics is served: only when it is closed to everyone. */
export function metricsAccessNotice(access: MetricsAccess): string | null {
  return access.kind === 'closed'
    ? 'GET /metrics answers 401 to everyone: set METRICS_TOKEN (scrape with it as a Bearer token), or METRICS_PUBLIC=true to serve the metrics without one'
    : null;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** A refusal's detail for metrics_unauthorized's message (none when the token was wrong or missing). */
export interface MetricsRefusal {
  detail: string | undefined;
}

/**
 * Whether a request with this Authorization header may read the metrics: null when it may.
 * The token is compared as digests, so in constant time whatever the header's length.
 */
export function metricsGate(access: MetricsAccess): (authorization: string | undefined) => MetricsRefusal | null {
  switch (access.kind) {
    case 'public':
      return () => null;
    case 'closed':
      return () => ({ detail: 'none is set on this deployment (set METRICS_TOKEN, or METRICS_PUBLIC=true to serve them without one)' });
    case 'token': {
      const expected = digest(`Bearer ${access.token}`);
      return (authorization) => (timingSafeEqual(digest(authorization ?? ''), expected) ? null : { detail: undefined });
    }
    default:
      return assertNever(access);
  }
}

/** The challenge a refusal carries (RFC 6750). */
export const METRICS_CHALLENGE = 'Bearer realm="Threadbridge metrics"';
