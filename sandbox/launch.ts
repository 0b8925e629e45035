// Runs the whole product on this machine against its emulators: Redis and the MongoDB-compatible
// server (or REDIS_URL / MONGODB_URL), both emulators, the web process and worker processes as
// the Procfile runs them, and the seeded demo world. Used by the sandbox and the benchmarks.
import { ensureServices } from '../local-services/index.ts';
import { connectMongo, ensureIndexes, createStore, type Store } from '../src/store/index.ts';
import { Redis } from 'ioredis';
import { createTokenCipher } from '../src/crypto/token-cipher.ts';
import { orgFactVersions, withOrgFactBumps } from '../src/store/org-facts-memo.ts';
import { seedWorld, type SeededWorld, type WorldIds } from './seed.ts';
import { newSecrets, productEnv, startEmulators, type Emulators, type ProductSecrets } from './product-env.ts';
import { startProductProcess, type ProductProcess, type Runtime } from './processes.ts';

export interface LaunchOptions {
  webPort: number;
  slackPort?: number;
  platformPort?: number;
  workerRuntime: Runtime;
  workers?: number;
  /** Where processes write; without it they print to this terminal, prefixed. */
  logDir?: string;
  env?: Record<string, string>;
  /** The Slack emulator's clock (its rate limits run on it); real time by default. */
  slackNow?: () => number;
  /** Benchmarks only: the emulators' rate limits off (Slack's) or raised (the platform's per-org requests a second). */
  emulatorLimits?: { slackRateLimits: boolean; platformRequestsPerSecondPerOrg: number };
  /** The sandbox's, the same on every run; fresh random ones by default. */
  secrets?: ProductSecrets;
  /** The seeded world's ids, the same on every run (the sandbox's); fresh ones by default. */
  worldIds?: WorldIds;
  /** How long stop() gives the web and worker processes before SIGKILL; 10 s by default. */
  stopGraceMs?: number;
  /** Aborted while starting: what was started is stopped, and launchProduct rejects. */
  abort?: AbortSignal;
}

export interface Launched {
  webUrl: string;
  secrets: ProductSecrets;
  emulators: Emulators;
  world: SeededWorld;
  store: Store;
  redisUrl: string;
  mongoUrl: string;
  /** The PostgreSQL under a FerretDB that local-services started; undefined for MONGODB_URL or MongoDB. */
  postgresqlUrl: string | undefined;
  dbName: string;
  queuePrefix: string;
  processes: ProductProcess[];
  /** Settles, saying what happened, when a Redis, FerretDB or PostgreSQL started here goes away. */
  servicesEnded: Promise<string>;
  /** `graceMs`: the web and worker processes' before SIGKILL, instead of `stopGraceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export async function launchProduct(options: LaunchOptions): Promise<Launched> {
  // What is started so far, stopped (newest first) when a later step fails or the start is aborted,
  // so that a failed start leaves no server running and no temporary directory behind.
  const started: Array<() => Promise<unknown>> = [];
  try {
    return await launch(options, started);
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

async function launch(options: LaunchOptions, started: Array<() => Promise<unknown>>): Promise<Launched> {
  const aborted = () => options.abort?.throwIfAborted();
  const services = await ensureServices();
  started.push(() => services.stop());
  aborted();
  const secrets = options.secrets ?? newSecrets();
  const webUrl = `http://127.0.0.1:${options.webPort}`;
  const emulators = await startEmulators(secrets, {
    slack: {
      ...(options.slackPort ? { port: options.slackPort } : {}),
      ...(options.slackNow ? { now: options.slackNow } : {}),
      ...(options.emulatorLimits ? { rateLimits: options.emulatorLimits.slackRateLimits } : {}),
      eventsUrl: `${webUrl}/slack/events`,
      interactivityUrl: `${webUrl}/slack/interactions`,
    },
    // The platform's Setup button sends an org's admin to Threadbridge's settings page.
    platform: {
      ...(options.platformPort ? { port: options.platformPort } : {}),
      ...(options.emulatorLimits ? { requestsPerSecondPerOrg: options.emulatorLimits.platformRequestsPerSecondPerOrg } : {}),
      webhookUrl: `${webUrl}/webhooks/chat`,
      threadbridgeUrl: webUrl,
    },
  });
  started.push(() => emulators.close());
  aborted();
  const dbName = `threadbridge_sandbox_${Date.now()}`;
  const queuePrefix = `threadbridge-${Date.now()}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...productEnv({ secrets, emulators, publicUrl: webUrl, redisUrl: services.redis.url, mongoUrl: services.mongo.url, mongoDb: dbName, queuePrefix }),
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    PORT: String(options.webPort),
    HOST: '127.0.0.1',
    ...options.env,
  };
  const log = (name: string) => (options.logDir ? { logFile: `${options.logDir}/${name}.log` } : {});
  const processes = [
    startProductProcess({ kind: 'web', runtime: 'node', env, ...log('web') }),
    ...Array.from({ length: options.workers ?? 1 }, (_, i) =>
      startProductProcess({ kind: 'worker', runtime: options.workerRuntime, env, ...log(`worker-${i + 1}`) }),
    ),
  ];
  started.push(() => Promise.allSettled(processes.map((p) => p.stop(options.stopGraceMs))));
  await waitUntil(() => processes.every((p) => p.ready), 60_000, 'the web and worker processes', options.abort);

  const mongo = await connectMongo(services.mongo.url, dbName);
  started.push(async () => {
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
  });
  aborted();
  await ensureIndexes(mongo.db);
  // Its writes of org facts (the seed, the demo org, a bench's settings) tell the workers' memos, as
  // the product's own processes' do (src/store/org-facts-memo.ts).
  const factsRedis = new Redis(services.redis.url);
  started.push(async () => factsRedis.disconnect());
  const store = withOrgFactBumps(
    createStore(mongo.db, createTokenCipher(Buffer.from(secrets.encryptionKeyHex, 'hex'))),
    orgFactVersions(factsRedis, queuePrefix),
  );
  const world = await seedWorld({
    slack: emulators.slack,
    platform: emulators.platform,
    store,
    webUrl,
    adminToken: secrets.adminApiToken,
    ...(options.worldIds ? { ids: options.worldIds } : {}),
  });

  return {
    webUrl,
    secrets,
    emulators,
    world,
    store,
    redisUrl: services.redis.url,
    mongoUrl: services.mongo.url,
    postgresqlUrl: services.mongo.postgresqlUrl,
    dbName,
    queuePrefix,
    processes,
    servicesEnded: services.ended,
    async stop(graceMs = options.stopGraceMs) {
      await Promise.allSettled(processes.map((p) => p.stop(graceMs)));
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close();
      factsRedis.disconnect();
      await emulators.close();
      await services.stop();
    },
  };
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string, abort?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    abort?.throwIfAborted();
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
