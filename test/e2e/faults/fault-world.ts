// The whole product for fault tests, on servers of its own (never the shared test servers,
// which other test files use): a Redis with AOF on and a FerretDB, each in a data directory kept
// across restarts so a test can stop and start them again; both emulators; the web process and
// worker processes as the Procfile runs them; the seeded world (one org, two mapped reps, the
// global channel). Used by the fault tests (test/e2e/faults-*.e2e.test.ts) and `npm run faults`.
import { mkdtemp, rm } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startFerretDb, startRedis, type StartedService } from '../../../local-services/index.ts';
import { newSecrets, productEnv, startEmulators, type Emulators, type ProductSecrets } from '../../../sandbox/product-env.ts';
import { seedWorld, type SeededWorld } from '../../../sandbox/seed.ts';
import { repoRoot, startProductProcess, type ProductProcess, type Runtime } from '../../../sandbox/processes.ts';
import { connectMongo, createStore, ensureIndexes, type Mongo, type Store } from '../../../src/store/index.ts';
import { createTokenCipher } from '../../../src/crypto/token-cipher.ts';
import { orgFactVersions, withOrgFactBumps } from '../../../src/store/org-facts-memo.ts';
import { createJobProducer, createQueues, type JobProducer } from '../../../src/queues/queues.ts';

export interface RestartableService {
  readonly url: string;
  readonly running: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface FaultWorld extends SeededWorld {
  name: string;
  runtime: Runtime;
  emulators: Emulators;
  webUrl: string;
  secrets: ProductSecrets;
  redis: RestartableService;
  mongo: RestartableService;
  /** The test's own view of the store (do not use it while MongoDB is stopped). */
  store: Store;
  /** The dead letters, through a Redis client of the test's own. */
  producer: JobProducer;
  workers: ProductProcess[];
  web: ProductProcess;
  startWorker(): Promise<ProductProcess>;
  close(): Promise<void>;
}

async function restartable(start: () => Promise<StartedService>): Promise<RestartableService> {
  let current: StartedService | null = await start();
  const url = current.url;
  return {
    url,
    get running() {
      return current !== null;
    },
    async stop() {
      await current?.stop();
      current = null;
    },
    async start() {
      if (!current) current = await start();
    },
  };
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startFaultWorld(options: { name: string; runtime: Runtime; workers?: number }): Promise<FaultWorld> {
  const dataDir = await mkdtemp(join(tmpdir(), `threadbridge-faults-${options.name}-`));
  const redisPort = await freePort();
  const mongoPort = await freePort();
  for (const sub of ['redis', 'ferretdb']) mkdirSync(join(dataDir, sub), { recursive: true });
  const redis = await restartable(() => startRedis({ port: redisPort, appendOnly: true, dir: join(dataDir, 'redis') }));
  const mongo = await restartable(() => startFerretDb({ port: mongoPort, dir: join(dataDir, 'ferretdb') }));

  const secrets = newSecrets();
  const webPort = await freePort();
  const webUrl = `http://127.0.0.1:${webPort}`;
  const emulators = await startEmulators(secrets, {
    // Slack retries a failed event delivery a few times, the platform up to 8 times over ~70 s:
    // shorter than the real hour, long enough to outlast the outages these tests make.
    slack: { eventRetryDelaysMs: [0, 5000, 20_000], eventsUrl: `${webUrl}/slack/events`, interactivityUrl: `${webUrl}/slack/interactions` },
    platform: { webhookRetryDelaysMs: [300, 600, 1200, 2500, 5000, 10_000, 20_000, 30_000], webhookUrl: `${webUrl}/webhooks/chat` },
  });
  const dbName = `faults_${options.name.replace(/\W/g, '_')}`;
  const queuePrefix = `faults-${options.name}`;
  const logDir = `${repoRoot}test-artifacts`;
  mkdirSync(logDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...productEnv({ secrets, emulators, publicUrl: webUrl, redisUrl: redis.url, mongoUrl: mongo.url, mongoDb: dbName, queuePrefix }),
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
    PORT: String(webPort),
    HOST: '127.0.0.1',
    WORKER_CONCURRENCY: '8',
    THREAD_GAP_WAIT_MS: '1500',
  };
  const web = startProductProcess({ kind: 'web', runtime: 'node', env, logFile: `${logDir}/faults-${options.name}-web.log` });
  let started = 0;
  const spawnWorker = () =>
    startProductProcess({ kind: 'worker', runtime: options.runtime, env, logFile: `${logDir}/faults-${options.name}-worker-${++started}.log` });
  const workers = Array.from({ length: options.workers ?? 1 }, spawnWorker);
  await waitUntil(() => web.ready && workers.every((w) => w.ready), 90_000, `the web and ${options.runtime} worker processes`);

  const client: Mongo = await connectMongo(mongo.url, dbName);
  await ensureIndexes(client.db);
  const producerRedis = new Redis(redis.url, { maxRetriesPerRequest: null });
  // Its writes of org facts tell the workers' memos, as the product's own processes' do.
  const store = withOrgFactBumps(
    createStore(client.db, createTokenCipher(Buffer.from(secrets.encryptionKeyHex, 'hex'))),
    orgFactVersions(producerRedis, queuePrefix),
  );
  const world = await seedWorld({ slack: emulators.slack, platform: emulators.platform, store, webUrl, adminToken: secrets.adminApiToken });
  // No reminders: the counts are of the chats' messages only.
  await store.orgSettings.save(
    { orgId: world.orgId, channelIdMode: false, globalChannelEnabled: true, globalChannelId: world.channelId, answerTimeMs: null },
    new Date(),
  );
  const producer = createJobProducer(createQueues(producerRedis, queuePrefix));

  return {
    ...world,
    name: options.name,
    runtime: options.runtime,
    emulators,
    webUrl,
    secrets,
    redis,
    mongo,
    store,
    producer,
    workers,
    web,
    async startWorker() {
      const worker = spawnWorker();
      workers.push(worker);
      await waitUntil(() => worker.ready, 60_000, 'the new worker');
      return worker;
    },
    async close() {
      await Promise.allSettled([...workers, web].map((p) => p.stop()));
      await producer.close().catch(() => undefined);
      producerRedis.disconnect();
      await client.close().catch(() => undefined);
      await emulators.close();
      await Promise.allSettled([redis.stop(), mongo.stop()]);
      await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
