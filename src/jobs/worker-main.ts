// Entry point of the worker process (`worker` in the Procfile). Runs unchanged on Node.js and
// on Deno: `node --import tsx src/jobs/worker-main.ts` or `deno run -A src/jobs/worker-main.ts`.
import { createRedisClient } from '../redis-connection.ts';
import { stopOnSignals } from '../shutdown.ts';
import { createWorkerMetrics, serveMetrics } from './worker-metrics.ts';
import { metricsAccess, metricsAccessNotice } from '../metrics-access.ts';
import { ConfigError } from '../errors/index.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createTokenCipher } from '../crypto/token-cipher.ts';
import {
  connectMongo,
  ensureIndexes,
  createStore,
  migrateLegacyKeys,
  recordClaimedThreads,
  resealInstallationTokens,
  logResealReport,
  storeTimeouts,
} from '../store/index.ts';
import { createSlackApi } from '../slack/slack-api.ts';
import { createPlatformApi } from '../platform/platform-api.ts';
import { createQueues, createJobProducer } from '../queues/queues.ts';
import { createLocks } from '../locks/redis-locks.ts';
import { createStatusOrder } from '../queues/status-order.ts';
import { createThreadCursors } from '../conversations/thread-cursors.ts';
import { startWorkers } from './workers.ts';
import { pacedSlackApi } from '../slack/post-pacing.ts';
import { createSlackBudget } from '../slack/chat-post-budget.ts';
import { createSlackCallBudget } from '../slack/tiered-call-budget.ts';
import { createDirectoryCache } from '../directory/directory-cache.ts';
import { renewingSlackApi, rotatingInstallations } from '../installations/token-rotation.ts';
import { installationVersions, memoizedTokens, withVersionBumps } from '../installations/bot-token-memo.ts';
import { memoizedOrgFacts, orgFactVersions, withOrgFactBumps } from '../store/org-facts-memo.ts';
import { createReminderBatches } from '../conversations/reminder-batches.ts';
import { activityReport } from '../activity/activity-report.ts';

/** How often the directory sweep looks for workspaces to sync, resume or rebuild. */
const DIRECTORY_SWEEP_EVERY_MS = 10 * 60_000;
/** How often the digest sweep looks for weekly digests due: one goes out within this of 09:00. */
const DIGEST_SWEEP_EVERY_MS = 15 * 60_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker' });
  const runtime = 'Deno' in globalThis ? 'deno' : 'node';

  const timeouts = storeTimeouts(config);
  const cipher = createTokenCipher(config.TOKEN_ENCRYPTION_KEYS);
  // Index builds and migrations on a client without the socket timeout (src/store/mongo.ts), closed once done.
  const upkeep = await connectMongo(config.MONGODB_URL, config.MONGODB_DB, { profile: 'upkeep', timeouts });
  try {
    await ensureIndexes(upkeep.db);
    const migrated = await migrateLegacyKeys(upkeep.db);
    if (migrated.moved > 0) logger.info({ moved: migrated.moved }, 'store: documents moved from the legacy key format');
    // Before any thread is opened: this release no longer reads the thread claims of releases before.
    const claimed = await recordClaimedThreads(upkeep.db);
    if (claimed.recorded > 0) logger.info({ recorded: claimed.recorded }, 'store: threads claimed by a release before recorded');
    logResealReport(logger, await resealInstallationTokens(upkeep.db, cipher));
  } finally {
    await upkeep.close();
  }
  // Jobs' operations fail within the timeouts when the store hangs, and wait the outage out (src/queues/job-errors.ts).
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB, { profile: 'serving', timeouts });
  // Workers block on Redis and must wait out outages rather than fail commands (BullMQ requires it).
  const redis = createRedisClient(config, { maxRetriesPerRequest: null });
  const connection = redis;
  const queues = createQueues(connection, config.QUEUE_PREFIX);
  const producer = createJobProducer(queues);

  const locks = createLocks(redis, config.QUEUE_PREFIX);
  const versions = installationVersions(redis, config.QUEUE_PREFIX);
  const createdStore = createStore(mongo.db, cipher);
  // The org facts a chat routes by are kept in memory while no process changed them (src/store/org-facts-memo.ts).
  const factVersions = orgFactVersions(redis, config.QUEUE_PREFIX);
  const rawStore = memoizedOrgFacts(
    withOrgFactBumps({ ...createdStore, installations: withVersionBumps(createdStore.installations, versions) }, factVersions),
    factVersions,
    { ttlMs: 60_000, now: () => Date.now() },
  );
  const metrics = createWorkerMetrics();
  const rawSlack = createSlackApi({
    apiUrl: config.SLACK_API_URL,
    clientId: config.SLACK_CLIENT_ID,
    clientSecret: config.SLACK_CLIENT_SECRET,
    onCall: metrics.slackCall,
  });
  // Bot tokens renewed when the app has token rotation on (src/installations/token-rotation.ts), and kept
  // in memory while no process changed the installation (src/installations/bot-token-memo.ts).
  const installations = rotatingInstallations(memoizedTokens(rawStore.installations, versions, { ttlMs: 60_000, now: () => Date.now() }), {
    slack: rawSlack,
    locks,
    logger,
    now: () => new Date(),
    onRefreshRefused: ({ orgId, teamId, reason }) => producer.orgProblem({ orgId, kind: 'connection_lost', subject: teamId, detail: reason }),
  });
  const workers = startWorkers(
    {
      store: { ...rawStore, installations },
      slack: renewingSlackApi(
        pacedSlackApi(
          rawSlack,
          createSlackBudget(redis, config.QUEUE_PREFIX, {
            channelPostsPerSecond: config.SLACK_CHANNEL_POSTS_PER_SECOND,
            workspacePostsPerSecond: config.SLACK_WORKSPACE_POSTS_PER_SECOND,
            workspaceBurst: config.SLACK_WORKSPACE_POSTS_PER_SECOND,
          }),
        ),
        installations,
      ),
      platform: createPlatformApi({ baseUrl: config.CHAT_API_URL, token: config.CHAT_API_TOKEN, onCall: metrics.platformCall }),
      producer,
      locks,
      logger,
      now: () => new Date(),
      threadGapWaitMs: config.THREAD_GAP_WAIT_MS,
      directoryCache: createDirectoryCache(redis, config.QUEUE_PREFIX),
      callBudget: createSlackCallBudget(redis, config.QUEUE_PREFIX, config.SLACK_RATE_WINDOW_MS),
      directoryResyncHours: config.DIRECTORY_RESYNC_HOURS,
      reminderBatches: createReminderBatches(redis, config.QUEUE_PREFIX),
      threadCursors: createThreadCursors(redis, config.QUEUE_PREFIX),
      statusOrder: createStatusOrder(redis, config.QUEUE_PREFIX),
      publicUrl: config.PUBLIC_URL,
      activity: { retentionDays: config.ACTIVITY_RETENTION_DAYS, rollupDelayMs: config.ACTIVITY_ROLLUP_DELAY_MS },
      activityFigures: { report: (orgId, range) => activityReport(createdStore, orgId, range) },
      observe: metrics.observations,
    },
    { connection, prefix: config.QUEUE_PREFIX, concurrency: config.WORKER_CONCURRENCY, metrics },
  );
  await Promise.all(workers.workers.map((w) => w.waitUntilReady()));
  // One scheduler for all processes (upsert by id): the sweep plans resyncs and resumes runs.
  await queues.directory.upsertJobScheduler('directory-sweep', { every: DIRECTORY_SWEEP_EVERY_MS }, { name: 'sweep', data: { kind: 'sweep' } });
  // The same for the weekly digests: each is claimed per org and week, so a sweep run twice posts once.
  await queues.digests.upsertJobScheduler('digest-sweep', { every: DIGEST_SWEEP_EVERY_MS }, { name: 'sweep', data: { kind: 'sweep' } });
  const access = metricsAccess(config);
  const metricsServer = config.METRICS_PORT === undefined ? null : await serveMetrics(metrics.registry, config.METRICS_PORT, access);
  logger.info({ runtime, concurrency: config.WORKER_CONCURRENCY, metricsPort: config.METRICS_PORT ?? null, metricsAccess: access.kind }, 'worker ready');
  const notice = metricsAccessNotice(access);
  if (metricsServer && notice) logger.warn(notice);

  stopOnSignals({
    logger,
    steps: [
      // Takes no new jobs and waits for the active ones (their locks lapse and another worker
      // takes them over if this is cut short by the deadline).
      { name: 'workers', run: () => workers.close() },
      { name: 'producer', run: () => producer.close() },
      { name: 'metrics', run: async () => metricsServer?.close() },
      { name: 'redis', run: async () => redis.disconnect() },
      { name: 'mongodb', run: () => mongo.close() },
    ],
  });
}

main().catch((error) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('worker failed to start:', error);
  process.exit(1);
});
