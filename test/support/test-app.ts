// Builds the real web app for tests, composed as web-main composes it (src/http/web-deps.ts):
// real BullMQ queues on the test Redis (own prefix), real repositories on the test MongoDB (own
// database), the Slack API pointed at an emulator, and a logger whose output the test can read
// (to prove that no secret reaches the logs).
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { composeWeb } from '../../src/http/web-deps.ts';
import type { HttpDeps } from '../../src/http/http-deps.ts';
import { createLogger } from '../../src/logger.ts';
import { createRedisClient } from '../../src/redis-connection.ts';
import { metricsAccess } from '../../src/metrics-access.ts';
import { connectMongo, ensureIndexes, type Mongo, type Store } from '../../src/store/index.ts';
import type { Queues } from '../../src/queues/queues.ts';
import { mongoUrl, redisUrl, uniqueDbName, uniquePrefix } from './services.ts';
import { newSecrets, type ProductSecrets } from '../../sandbox/product-env.ts';

export type TestSecrets = ProductSecrets;
export { newSecrets };

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  mongo: Mongo;
  queues: Queues;
  prefix: string;
  dbName: string;
  /** Everything the app logged, as text. */
  logs(): string;
  /** Sets the public URL once the app listens (it is the OAuth redirect base). */
  setPublicUrl(url: string): void;
  close(): Promise<void>;
}

export async function buildTestApp(input: {
  name: string;
  secrets: TestSecrets;
  slackApiUrl: string;
  slackAuthorizeUrl: string;
  overrides?: Partial<HttpDeps>;
  /** A Redis for the producer other than the test server (to simulate an outage). */
  producerRedis?: Redis;
  /** Slack's rate-limit minute, shortened together with the emulator's clock. */
  slackRateWindowMs?: number;
  /** The chat platform's API (the emulator's), for the admin API's agents and routing groups. */
  chatApiUrl?: string;
  /** TRUST_PROXY (hops); off by default. */
  trustProxy?: number;
}): Promise<TestApp> {
  const prefix = uniquePrefix(input.name);
  const dbName = uniqueDbName(input.name);
  const mongo = await connectMongo(mongoUrl(), dbName);
  await ensureIndexes(mongo.db);
  const key = Buffer.from(input.secrets.encryptionKeyHex, 'hex');
  // Made as web-main's is (its writes coalesced per turn of the event loop).
  const redis = input.producerRedis ?? (createRedisClient({ REDIS_URL: redisUrl(), REDIS_TLS_SKIP_VERIFY: false }, { maxRetriesPerRequest: 1 }) as Redis);
  // Sessions and nonces on the test Redis even when the producer's Redis plays an outage.
  const sessionRedis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });

  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  let publicUrl = 'http://threadbridge.test';
  const logger = createLogger({ level: 'debug', name: 'web', destination });
  // As web-main composes it (src/http/web-deps.ts), from the test's secrets and emulators.
  const composed = composeWeb({
    logger,
    db: mongo.db,
    redis,
    kvRedis: sessionRedis,
    prefix,
    tokenEncryptionKeys: [key],
    publicUrl: () => publicUrl,
    slack: {
      apiUrl: input.slackApiUrl,
      authorizeUrl: input.slackAuthorizeUrl,
      clientId: input.secrets.slackClientId,
      clientSecret: input.secrets.slackClientSecret,
      signingSecret: input.secrets.slackSigningSecret,
      rateWindowMs: input.slackRateWindowMs ?? 60_000,
    },
    platform: { apiUrl: input.chatApiUrl ?? 'http://127.0.0.1:9/', token: input.secrets.chatApiToken, webhookSecret: input.secrets.chatWebhookSecret },
    admin: { launchSecret: input.secrets.adminLaunchSecret, operatorToken: input.secrets.adminApiToken },
    trustProxy: input.trustProxy ?? false,
    webhookBodyLimitBytes: 256 * 1024,
    // As the test processes are (NODE_ENV=test): open; a test of production's gate overrides it.
    metricsAccess: metricsAccess({ NODE_ENV: 'test' }),
    healthChecks: {},
  });
  const { store, queues } = composed;
  const deps: HttpDeps = {
    ...composed.deps,
    ...input.overrides,
    get publicUrl() {
      return publicUrl;
    },
  };
  const app = await buildApp(deps);

  return {
    app,
    store,
    mongo,
    queues,
    prefix,
    dbName,
    logs: () => chunks.join(''),
    setPublicUrl(url) {
      publicUrl = url;
    },
    async close() {
      await app.close();
      await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true }).catch(() => undefined)));
      await Promise.all(Object.values(queues).map((q) => q.close()));
      redis.disconnect();
      sessionRedis.disconnect();
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close();
    },
  };
}
