// Entry point of the web process (`web` in the Procfile): the ingress for Slack and the chat
// platform, and the install flow. It queues work; the workers do it.
import { createRedisClient } from '../redis-connection.ts';
import { stopOnSignals } from '../shutdown.ts';
import { installationVersions, withVersionBumps } from '../installations/bot-token-memo.ts';
import { ConfigError } from '../errors/index.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createTokenCipher, deriveKey } from '../crypto/token-cipher.ts';
import { connectMongo, ensureIndexes, createStore, migrateLegacyKeys } from '../store/index.ts';
import { createSlackApi } from '../slack/slack-api.ts';
import { createPlatformApi } from '../platform/platform-api.ts';
import { createQueues, createJobProducer } from '../jobs/queues.ts';
import { buildApp } from './app.ts';
import { deploymentReadings } from './deployment-metrics.ts';
import { createWebMetrics } from './web-metrics.ts';
import { createDirectoryCache } from '../directory/directory-cache.ts';
import { createDirectoryLookup } from '../directory/directory-lookup.ts';
import { createChannelJoiner } from '../directory/channel-join.ts';
import { recordDirectoryChange } from '../directory-sync/directory-changes.ts';
import { createSlackCallBudget } from '../slack/slack-call-budget.ts';
import { renewingSlackApi, rotatingInstallations } from '../installations/token-rotation.ts';
import { createLocks } from '../locks/redis-locks.ts';
import { redisKeyValueStore } from './kv-store.ts';
import { createAdminSessions } from './admin/admin-sessions.ts';
import { slackTokenRevoker } from './admin/slack-revoke.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'web' });

  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  await ensureIndexes(mongo.db);
  const migrated = await migrateLegacyKeys(mongo.db);
  if (migrated.moved > 0) logger.info({ moved: migrated.moved }, 'store: documents moved from the legacy key format');
  // Producers fail fast while Redis is away: the sender gets a 503 and delivers again later,
  // instead of a request that hangs past its 3-second patience.
  const redis = createRedisClient(config, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('error', reject);
  });
  const queues = createQueues(redis, config.QUEUE_PREFIX);
  const producer = createJobProducer(queues);
  const createdStore = createStore(mongo.db, createTokenCipher(config.TOKEN_ENCRYPTION_KEY));
  // Every write of an installation tells the workers' token memos (src/installations/bot-token-memo.ts).
  const store = { ...createdStore, installations: withVersionBumps(createdStore.installations, installationVersions(redis, config.QUEUE_PREFIX)) };

  const slack = createSlackApi({ apiUrl: config.SLACK_API_URL, clientId: config.SLACK_CLIENT_ID, clientSecret: config.SLACK_CLIENT_SECRET });
  // The directory's lookups by ID may call Slack: with the bot token renewed when it rotates.
  const locks = createLocks(redis, config.QUEUE_PREFIX);
  const installations = rotatingInstallations(store.installations, { slack, locks, logger, now: () => new Date() });
  const directoryCache = createDirectoryCache(redis, config.QUEUE_PREFIX);
  const callBudget = createSlackCallBudget(redis, config.QUEUE_PREFIX, config.SLACK_RATE_WINDOW_MS);
  const renewingSlack = renewingSlackApi(slack, installations);
  const directory = createDirectoryLookup({
    cache: directoryCache,
    directory: store.slackDirectory,
    installations,
    slack: renewingSlack,
    callBudget,
    now: () => new Date(),
    maxBudgetWaitMs: 2000,
    onCacheLost: () => producer.sweepDirectoriesNow(),
  });
  // The admin API joins the public channels an admin chooses (the admin waits on it).
  const channelJoiner = createChannelJoiner({
    installations, slack: renewingSlack, callBudget, maxBudgetWaitMs: 2000,
    recordChange: (teamId, change) => recordDirectoryChange({ locks, directoryCache, store, now: () => new Date() }, teamId, change),
  });

  // Admin sessions and single-use nonces share the queues' Redis connection, under their own keys.
  const kv = redisKeyValueStore(redis, config.QUEUE_PREFIX);
  const app = await buildApp({
    logger,
    producer,
    installations: store.installations,
    slack,
    kv,
    trustProxy: config.TRUST_PROXY || false,
    ...(config.CHAT_ADMIN_LAUNCH_SECRET
      ? {
          admin: {
            token: config.ADMIN_API_TOKEN,
            launchSecret: config.CHAT_ADMIN_LAUNCH_SECRET,
            sessions: createAdminSessions(kv, () => new Date()),
            changes: store.adminChanges,
            // Renewed first when it rotates, so that Slack revokes the token it would accept.
            botToken: (teamId) => installations.botToken(teamId),
            revoker: slackTokenRevoker(config.SLACK_API_URL),
            directory, channelJoiner, orgSettings: store.orgSettings, agentMappings: store.agentMappings, slackRouting: store.slackRouting,
            platform: createPlatformApi({ baseUrl: config.CHAT_API_URL, token: config.CHAT_API_TOKEN }),
          },
        }
      : {}),
    ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
    now: () => new Date(),
    publicUrl: config.PUBLIC_URL,
    slackSigningSecret: config.SLACK_SIGNING_SECRET,
    slackClientId: config.SLACK_CLIENT_ID,
    slackAuthorizeUrl: config.SLACK_AUTHORIZE_URL,
    chatWebhookSecret: config.CHAT_WEBHOOK_SECRET,
    oauthStateKey: deriveKey(config.TOKEN_ENCRYPTION_KEY, 'oauth-state'),
    installTicketKey: deriveKey(config.TOKEN_ENCRYPTION_KEY, 'install-ticket'),
    webhookBodyLimitBytes: config.WEBHOOK_BODY_LIMIT_BYTES,
    enqueueTimeoutMs: 2000,
    ...(config.BULL_BOARD_USER && config.BULL_BOARD_PASSWORD
      ? { bullBoard: { queues: Object.values(queues), user: config.BULL_BOARD_USER, password: config.BULL_BOARD_PASSWORD } }
      : {}),
    metrics: createWebMetrics(deploymentReadings(store.conversations, Object.values(queues))),
    healthChecks: {
      redis: async () => void (await redis.ping()),
      mongodb: async () => void (await mongo.db.command({ ping: 1 })),
    },
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  if (!config.CHAT_ADMIN_LAUNCH_SECRET) logger.info('The settings page and the admin API are off: set CHAT_ADMIN_LAUNCH_SECRET (shared with the chat platform) to serve them');
  else if (!config.ADMIN_API_TOKEN) logger.info('The admin API has no operator access: set ADMIN_API_TOKEN for scripts and support across orgs');
  if (!config.BULL_BOARD_USER) logger.info('Bull Board is off: set BULL_BOARD_USER and BULL_BOARD_PASSWORD to inspect queues at /admin/queues');

  stopOnSignals({
    logger,
    steps: [
      // Stops accepting and answers the requests it holds (each is queued or refused in 3 s).
      { name: 'http', run: () => app.close() },
      { name: 'producer', run: () => producer.close() },
      { name: 'redis', run: async () => redis.disconnect() },
      { name: 'mongodb', run: () => mongo.close() },
    ],
  });
}

main().catch((error) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('web failed to start:', error);
  process.exit(1);
});
