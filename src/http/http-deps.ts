// What the web process's routes need, passed in so tests build the same app with app.inject.
import type { Logger } from 'pino';
import type { AdminDeps } from './admin/admin-deps.ts';
import type { JobProducer } from '../queues/queues.ts';
import type { InstallationsRepository } from '../store/index.ts';
import type { SlackApi } from '../slack/slack-api.ts';
import type { WebMetrics } from './web-metrics.ts';
import type { KeyValueStore } from './kv-store.ts';
import type { BullBoardOptions } from './bull-board.ts';
import type { FailedLoginLimit, SignInSurface } from './failed-logins.ts';
import type { MetricsAccess } from '../metrics-access.ts';

export interface HttpDeps {
  logger: Logger;
  producer: JobProducer;
  installations: InstallationsRepository;
  /** Only for the OAuth code exchange, which the admin's browser waits on. */
  slack: Pick<SlackApi, 'oauthAccess'>;
  now: () => Date;
  publicUrl: string;
  slackSigningSecret: string;
  slackClientId: string;
  slackAuthorizeUrl: string;
  chatWebhookSecret: string;
  oauthStateKey: Buffer;
  /** Signs the install links the admin API hands out; /slack/install accepts only those. */
  installTicketKey: Buffer;
  /** Redis: admin sessions and the nonces that make launch tokens and OAuth states single-use. */
  kv: KeyValueStore;
  /** Fastify's trustProxy: the number of proxy hops whose X-Forwarded-For is believed, or false. */
  trustProxy: number | false;
  webhookBodyLimitBytes: number;
  enqueueTimeoutMs: number;
  /** Bull Board: the queues to show, who may see them and whether they may change them; absent, the board is not mounted. */
  bullBoard?: BullBoardOptions;
  /** Failed sign-ins a client may have (Bull Board, the admin API) before it is refused for the rest of the window. */
  failedLoginLimits: Readonly<Record<SignInSurface, FailedLoginLimit>>;
  /** The admin API (JSON under /api) and the settings page: who may use them and what they read; absent, not mounted. */
  admin?: AdminDeps;
  /** What GET /metrics shows (prom-client), and where the ingress routes count their answers. */
  metrics: WebMetrics;
  /** Who may read GET /metrics (src/metrics-access.ts). */
  metricsAccess: MetricsAccess;
  /** Readiness: each resolves when its dependency answers. */
  healthChecks: Record<string, () => Promise<void>>;
}
