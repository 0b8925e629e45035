// Builds the real web app for tests: real BullMQ queues on the test Redis (own prefix), real
// repositories on the test MongoDB (own database), the Slack API pointed at an emulator, and
// a logger whose output the test can read (to prove that no secret reaches the logs).
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { deploymentReadings } from '../../src/http/deployment-metrics.ts';
import { createWebMetrics } from '../../src/http/web-metrics.ts';
import type { HttpDeps } from '../../src/http/http-deps.ts';
import { createLogger } from '../../src/logger.ts';
import { createTokenCipher, deriveKey } from '../../src/crypto/token-cipher.ts';
import { connectMongo, ensureIndexes, createStore, type Mongo, type Store } from '../../src/store/index.ts';
import { installationVersions, withVersionBumps } from '../../src/installations/bot-token-memo.ts';
import { createSlackApi } from '../../src/slack/slack-api.ts';
import { createPlatformApi } from '../../src/platform/platform-api.ts';
import { createDirectoryCache } from '../../src/directory/directory-cache.ts';
import { createDirectoryLookup } from '../../src/directory/directory-lookup.ts';
import { createChannelJoiner } from '../../src/directory/channel-join.ts';
import { recordDirectoryChange } from '../../src/directory-sync/directory-changes.ts';
import { createSlackCallBudget } from '../../src/slack/slack-call-budget.ts';
import { renewingSlackApi, rotatingInstallations } from '../../src/installations/token-rotation.ts';
import { createLocks } from '../../src/locks/redis-locks.ts';
import { createQueues, createJobProducer, type Queues } from '../../src/jobs/queues.ts';
import { mongoUrl, redisUrl, uniqueDbName, uniquePrefix } from './services.ts';
import { newSecrets, type ProductSecrets } from '../../sandbox/product-env.ts';
import { redisKeyValueStore } from '../../src/http/kv-store.ts';
import { createAdminSessions } from '../../src/http/admin/admin-sessions.ts';
import { slackTokenRevoker } from '../../src/http/admin/slack-revoke.ts';

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
  const redis = input.producerRedis ?? new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  const createdStore = createStore(mongo.db, createTokenCipher(key));
  // As web-main composes it: every write of an installation tells the workers' token memos.
  const store = { ...createdStore, installations: withVersionBumps(createdStore.installations, installationVersions(redis, prefix)) };
  const queues = createQueues(redis, prefix);
  // Sessions and nonces on the test Redis even when the producer's Redis plays an outage.
  const sessionRedis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  const kv = redisKeyValueStore(sessionRedis, prefix);

  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  let publicUrl = 'http://threadbridge.test';
  const slack = createSlackApi({ apiUrl: input.slackApiUrl, clientId: input.secrets.slackClientId, clientSecret: input.secrets.slackClientSecret });
  const logger = createLogger({ level: 'debug', name: 'web', destination });
  const locks = createLocks(redis, prefix);
  const installations = rotatingInstallations(store.installations, { slack, locks, logger, now: () => new Date() });
  const directoryCache = createDirectoryCache(redis, prefix);
  const callBudget = createSlackCallBudget(redis, prefix, input.slackRateWindowMs);
  const renewingSlack = renewingSlackApi(slack, installations);
  const directory = createDirectoryLookup({
    cache: directoryCache,
    directory: store.slackDirectory,
    installations,
    slack: renewingSlack,
    callBudget,
    now: () => new Date(),
    maxBudgetWaitMs: 2000,
    onCacheLost: () => createJobProducer(queues).sweepDirectoriesNow(),
  });
  const channelJoiner = createChannelJoiner({
    installations, slack: renewingSlack, callBudget, maxBudgetWaitMs: 2000,
    recordChange: (teamId, change) => recordDirectoryChange({ locks, directoryCache, store, now: () => new Date() }, teamId, change),
  });
  const deps: HttpDeps = {
    logger,
    producer: createJobProducer(queues),
    installations: store.installations,
    slack,
    kv,
    trustProxy: input.trustProxy ?? false,
    admin: {
      token: input.secrets.adminApiToken,
      launchSecret: input.secrets.adminLaunchSecret,
      sessions: createAdminSessions(kv, () => new Date()),
      changes: store.adminChanges,
      botToken: (teamId) => installations.botToken(teamId),
      revoker: slackTokenRevoker(input.slackApiUrl),
      directory, channelJoiner, orgSettings: store.orgSettings, agentMappings: store.agentMappings, slackRouting: store.slackRouting,
      platform: createPlatformApi({ baseUrl: input.chatApiUrl ?? 'http://127.0.0.1:9/', token: input.secrets.chatApiToken }),
    },
    now: () => new Date(),
    get publicUrl() {
      return publicUrl;
    },
    slackSigningSecret: input.secrets.slackSigningSecret,
    slackClientId: input.secrets.slackClientId,
    slackAuthorizeUrl: input.slackAuthorizeUrl,
    chatWebhookSecret: input.secrets.chatWebhookSecret,
    oauthStateKey: deriveKey(key, 'oauth-state'),
    installTicketKey: deriveKey(key, 'install-ticket'),
    webhookBodyLimitBytes: 256 * 1024,
    enqueueTimeoutMs: 2000,
    metrics: createWebMetrics(deploymentReadings(store.conversations, Object.values(queues))),
    healthChecks: {},
    ...input.overrides,
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
