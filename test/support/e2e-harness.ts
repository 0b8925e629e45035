// The whole product for end-to-end tests: Slack and chat-platform emulators, the web app on a
// real port, and a worker process on Node.js or Deno, all against the shared test Redis and
// FerretDB with a fresh queue prefix and database. Seeds one org, one workspace installed
// through the real OAuth flow, two agents mapped to Slack users, and a notification channel.
import type { FastifyInstance } from 'fastify';
import type { SlackEmulator } from '../../emulators/slack/index.ts';
import type { ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import type { Mongo, Store } from '../../src/store/index.ts';
import type { Queues } from '../../src/queues/queues.ts';
import { mongoUrl, redisUrl } from './services.ts';
import { buildTestApp } from './test-app.ts';
import { newSecrets, productEnv, startEmulators } from '../../sandbox/product-env.ts';
import { waitFor } from './wait-for.ts';
import { seedWorld, type SeededWorld } from '../../sandbox/seed.ts';
import { startProductProcess, repoRoot, type ProductProcess, type Runtime } from '../../sandbox/processes.ts';

export type WorkerRuntime = Runtime;

export interface Harness extends SeededWorld {
  slack: SlackEmulator;
  platform: ChatPlatformEmulator;
  app: FastifyInstance;
  webUrl: string;
  store: Store;
  mongo: Mongo;
  queues: Queues;
  /** The product's Redis key prefix (QUEUE_PREFIX). */
  prefix: string;
  secrets: { slackSigningSecret: string; chatWebhookSecret: string; adminApiToken: string };
  /** The worker processes running now. */
  workers: ProductProcess[];
  /** Starts one more worker process (as after a crash) and waits until it is ready. */
  startWorker(): Promise<ProductProcess>;
  /**
   * What the platform's Setup button opens for an org admin: the settings page with a fresh launch
   * token from the chat-platform emulator (the seeded org and its admin by default).
   */
  launchLink(orgId?: string, adminId?: string): string;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  runtime: WorkerRuntime;
  name: string;
  gapWaitMs?: number;
  workers?: number;
  /** The Slack emulator's clock (its rate limits run on it); real time by default. */
  slackNow?: () => number;
  /** Extra environment for the worker processes. */
  workerEnv?: Record<string, string>;
  /** Slack's token rotation for the app (tokens that expire and are renewed). */
  slackTokenRotation?: { expiresInSec: number };
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const secrets = newSecrets();
  const emulators = await startEmulators(secrets, {
    slack: {
      eventRetryDelaysMs: [0, 200, 400],
      ...(options.slackNow ? { now: options.slackNow } : {}),
      ...(options.slackTokenRotation ? { tokenRotation: true, tokenExpiresInSec: options.slackTokenRotation.expiresInSec } : {}),
    },
    platform: { webhookRetryDelaysMs: [100, 200, 400, 800] },
  });
  const { slack, platform } = emulators;

  // The web app listens first: its URL is the redirect URL and the emulators' delivery target.
  const rateWindow = options.workerEnv?.['SLACK_RATE_WINDOW_MS'];
  const web = await buildTestApp({
    name: options.name,
    secrets,
    slackApiUrl: slack.apiUrl,
    slackAuthorizeUrl: slack.authorizeUrl,
    chatApiUrl: platform.url,
    ...(rateWindow ? { slackRateWindowMs: Number(rateWindow) } : {}),
  });
  const { app, store, mongo, queues } = web;
  const webUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  web.setPublicUrl(webUrl);
  slack.setEventsUrl(`${webUrl}/slack/events`);
  slack.setInteractivityUrl(`${webUrl}/slack/interactions`);
  platform.setWebhookUrl(`${webUrl}/webhooks/chat`);

  const world = await seedWorld({ slack, platform, store, webUrl, adminToken: secrets.adminApiToken });

  const env = {
    ...process.env,
    ...productEnv({ secrets, emulators, publicUrl: webUrl, redisUrl: redisUrl(), mongoUrl: mongoUrl(), mongoDb: web.dbName, queuePrefix: web.prefix }),
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
    WORKER_CONCURRENCY: '8',
    THREAD_GAP_WAIT_MS: String(options.gapWaitMs ?? 1500),
    ...options.workerEnv,
  };

  let started = 0;
  const spawnWorker = () =>
    startProductProcess({ kind: 'worker', runtime: options.runtime, env, logFile: `${repoRoot}test-artifacts/${options.name}-worker-${++started}.log` });
  const workers = Array.from({ length: options.workers ?? 1 }, spawnWorker);
  await waitFor(
    () => workers.every((w) => w.ready),
    (ready) => ready,
    { timeoutMs: 60_000, what: `${options.runtime} workers to be ready` },
  );

  return {
    slack,
    platform,
    app,
    webUrl,
    store,
    mongo,
    queues,
    prefix: web.prefix,
    ...world,
    secrets: { slackSigningSecret: secrets.slackSigningSecret, chatWebhookSecret: secrets.chatWebhookSecret, adminApiToken: secrets.adminApiToken },
    workers,
    launchLink(orgId = world.orgId, adminId = world.adminUserId) {
      return `${webUrl}/settings/${encodeURIComponent(orgId)}?launch=${encodeURIComponent(platform.launchToken(orgId, adminId))}`;
    },
    async startWorker() {
      const worker = spawnWorker();
      workers.push(worker);
      await waitFor(
        () => worker.ready,
        (ready) => ready,
        { timeoutMs: 60_000, what: 'the new worker to be ready' },
      );
      return worker;
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await web.close();
      await emulators.close();
    },
  };
}
