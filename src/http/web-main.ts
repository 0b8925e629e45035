// Entry point of the web process (`web` in the Procfile): the ingress for Slack and the chat
// platform, and the install flow. It queues work; the workers do it.
import { createRedisClient } from '../redis-connection.ts';
import { stopOnSignals } from '../shutdown.ts';
import { ConfigError } from '../errors/index.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { connectMongo, ensureIndexes, migrateLegacyKeys, resealInstallationTokens, logResealReport, storeTimeouts } from '../store/index.ts';
import { createTokenCipher } from '../crypto/token-cipher.ts';
import { buildApp } from './app.ts';
import { composeWeb } from './web-deps.ts';
import { metricsAccess, metricsAccessNotice } from '../metrics-access.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'web' });

  const timeouts = storeTimeouts(config);
  // Index builds and migrations on a client without the socket timeout (src/store/mongo.ts), closed once done.
  const upkeep = await connectMongo(config.MONGODB_URL, config.MONGODB_DB, { profile: 'upkeep', timeouts });
  try {
    await ensureIndexes(upkeep.db);
    const migrated = await migrateLegacyKeys(upkeep.db);
    if (migrated.moved > 0) logger.info({ moved: migrated.moved }, 'store: documents moved from the legacy key format');
    logResealReport(logger, await resealInstallationTokens(upkeep.db, createTokenCipher(config.TOKEN_ENCRYPTION_KEYS)));
  } finally {
    await upkeep.close();
  }
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB, { profile: 'serving', timeouts });
  // Producers fail fast while Redis is away: the sender gets a 503 and delivers again later,
  // instead of a request that hangs past its 3-second patience.
  const redis = createRedisClient(config, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('error', reject);
  });
  const { deps, producer } = composeWeb({
    logger,
    db: mongo.db,
    redis,
    prefix: config.QUEUE_PREFIX,
    tokenEncryptionKeys: config.TOKEN_ENCRYPTION_KEYS,
    publicUrl: () => config.PUBLIC_URL,
    slack: {
      apiUrl: config.SLACK_API_URL,
      authorizeUrl: config.SLACK_AUTHORIZE_URL,
      clientId: config.SLACK_CLIENT_ID,
      clientSecret: config.SLACK_CLIENT_SECRET,
      signingSecret: config.SLACK_SIGNING_SECRET,
      rateWindowMs: config.SLACK_RATE_WINDOW_MS,
    },
    platform: { apiUrl: config.CHAT_API_URL, token: config.CHAT_API_TOKEN, webhookSecret: config.CHAT_WEBHOOK_SECRET },
    admin: { launchSecret: config.CHAT_ADMIN_LAUNCH_SECRET, operatorToken: config.ADMIN_API_TOKEN },
    trustProxy: config.TRUST_PROXY || false,
    webhookBodyLimitBytes: config.WEBHOOK_BODY_LIMIT_BYTES,
    metricsAccess: metricsAccess(config),
    bullBoard:
      config.BULL_BOARD_USER && config.BULL_BOARD_PASSWORD
        ? { user: config.BULL_BOARD_USER, password: config.BULL_BOARD_PASSWORD, readOnly: config.BULL_BOARD_READ_ONLY }
        : undefined,
    healthChecks: {
      redis: async () => void (await redis.ping()),
      mongodb: async () => void (await mongo.db.command({ ping: 1 })),
    },
  });
  const app = await buildApp(deps);
  await app.listen({ port: config.PORT, host: config.HOST });
  if (!config.CHAT_ADMIN_LAUNCH_SECRET)
    logger.info('The settings page and the admin API are off: set CHAT_ADMIN_LAUNCH_SECRET (shared with the chat platform) to serve them');
  else if (!config.ADMIN_API_TOKEN) logger.info('The admin API has no operator access: set ADMIN_API_TOKEN for scripts and support across orgs');
  if (!config.BULL_BOARD_USER) logger.info('Bull Board is off: set BULL_BOARD_USER and BULL_BOARD_PASSWORD to inspect queues at /admin/queues');
  else if (!config.BULL_BOARD_READ_ONLY) logger.warn('Bull Board may change jobs (BULL_BOARD_READ_ONLY=false): retry, clean, empty, edit');
  const notice = metricsAccessNotice(deps.metricsAccess);
  if (notice) logger.warn(notice);

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
