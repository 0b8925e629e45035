// How the web process is put together from its connections: the repositories, the queues' producer,
// the Slack and platform clients, the directory's lookups and the admin API's parts that buildApp
// takes. web-main.ts composes it from the environment and the tests (test/support/test-app.ts)
// from theirs, so a test runs the composition that ships.
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { RedisClient } from '../redis-connection.ts';
import { createTokenCipher, deriveKey } from '../crypto/token-cipher.ts';
import { createStore, type Store } from '../store/index.ts';
import { createSlackApi } from '../slack/slack-api.ts';
import { createSlackCallBudget } from '../slack/tiered-call-budget.ts';
import { createPlatformApi } from '../platform/platform-api.ts';
import { createQueues, createJobProducer, type JobProducer, type Queues } from '../queues/queues.ts';
import { createLocks } from '../locks/redis-locks.ts';
import { installationVersions, withVersionBumps } from '../installations/bot-token-memo.ts';
import { orgFactVersions, withOrgFactBumps } from '../store/org-facts-memo.ts';
import { renewingSlackApi, rotatingInstallations } from '../installations/token-rotation.ts';
import { createDirectoryCache } from '../directory/directory-cache.ts';
import { createDirectoryLookup } from '../directory/directory-lookup.ts';
import { createChannelJoiner } from '../directory/channel-join.ts';
import { recordDirectoryChange } from '../directory/directory-changes.ts';
import { deploymentReadings } from './deployment-metrics.ts';
import { createWebMetrics } from './web-metrics.ts';
import { redisKeyValueStore } from './kv-store.ts';
import { createAdminSessions } from './admin/admin-sessions.ts';
import { slackTokenRevoker } from './admin/slack-revoke.ts';
import type { HttpDeps } from './http-deps.ts';
import { FAILED_LOGIN_LIMITS } from './failed-logins.ts';
import type { MetricsAccess } from '../metrics-access.ts';

export interface WebParts {
  logger: Logger;
  db: Db;
  /** The queues, locks, Slack call budgets, the directory cache and the token memos' versions. */
  redis: RedisClient;
  /** Admin sessions and single-use nonces: the same connection unless given. */
  kvRedis?: RedisClient;
  /** QUEUE_PREFIX: the start of every Redis key. */
  prefix: string;
  /**
   * TOKEN_ENCRYPTION_KEYS, newest first: they open Slack tokens, the newest seals them and also
   * signs OAuth state and install tickets (a rotation voids those in flight).
   */
  tokenEncryptionKeys: readonly Buffer[];
  /** PUBLIC_URL, read per request (a test learns it once the app listens). */
  publicUrl: () => string;
  slack: { apiUrl: string; authorizeUrl: string; clientId: string; clientSecret: string; signingSecret: string; rateWindowMs: number };
  platform: { apiUrl: string; token: string; webhookSecret: string };
  /** The settings page and the admin API are served when the launch secret is set. */
  admin: { launchSecret: string | undefined; operatorToken: string | undefined };
  trustProxy: number | false;
  webhookBodyLimitBytes: number;
  metricsAccess: MetricsAccess;
  bullBoard?: { user: string; password: string; readOnly: boolean } | undefined;
  healthChecks: Record<string, () => Promise<void>>;
}

export interface ComposedWeb {
  deps: HttpDeps;
  store: Store;
  queues: Queues;
  producer: JobProducer;
}

export function composeWeb(parts: WebParts): ComposedWeb {
  const { redis, prefix, logger } = parts;
  const now = () => new Date();
  const queues = createQueues(redis, prefix);
  const producer = createJobProducer(queues);
  const createdStore = createStore(parts.db, createTokenCipher(parts.tokenEncryptionKeys));
  const newestKey = parts.tokenEncryptionKeys[0]!;
  // Every write of an installation tells the workers' token memos (src/installations/bot-token-memo.ts).
  // …and every write of an org's routing facts, the workers' memos of those (src/store/org-facts-memo.ts).
  const store = withOrgFactBumps(
    { ...createdStore, installations: withVersionBumps(createdStore.installations, installationVersions(redis, prefix)) },
    orgFactVersions(redis, prefix),
  );

  const slack = createSlackApi({ apiUrl: parts.slack.apiUrl, clientId: parts.slack.clientId, clientSecret: parts.slack.clientSecret });
  // The directory's lookups by ID may call Slack: with the bot token renewed when it rotates.
  const locks = createLocks(redis, prefix);
  const installations = rotatingInstallations(store.installations, {
    slack,
    locks,
    logger,
    now,
    onRefreshRefused: ({ orgId, teamId, reason }) => producer.orgProblem({ orgId, kind: 'connection_lost', subject: teamId, detail: reason }),
  });
  const directoryCache = createDirectoryCache(redis, prefix);
  const callBudget = createSlackCallBudget(redis, prefix, parts.slack.rateWindowMs);
  const renewingSlack = renewingSlackApi(slack, installations);
  const directory = createDirectoryLookup({
    cache: directoryCache,
    directory: store.slackDirectory,
    installations,
    slack: renewingSlack,
    callBudget,
    now,
    maxBudgetWaitMs: 2000,
    onCacheLost: () => producer.sweepDirectoriesNow(),
  });
  // The admin API joins the public channels an admin chooses (the admin waits on it).
  const channelJoiner = createChannelJoiner({
    installations,
    slack: renewingSlack,
    callBudget,
    maxBudgetWaitMs: 2000,
    recordChange: (teamId, change) => recordDirectoryChange({ locks, directoryCache, store, now }, teamId, change),
  });
  const kv = redisKeyValueStore(parts.kvRedis ?? redis, prefix);
  const { launchSecret, operatorToken } = parts.admin;

  const deps: HttpDeps = {
    logger,
    producer,
    installations: store.installations,
    slack,
    kv,
    trustProxy: parts.trustProxy,
    ...(launchSecret
      ? {
          admin: {
            token: operatorToken,
            launchSecret,
            sessions: createAdminSessions(kv, now),
            changes: store.adminChanges,
            // Renewed first when it rotates, so that Slack revokes the token it would accept.
            botToken: (teamId: string, orgId: string) => installations.botToken(teamId, orgId),
            revoker: slackTokenRevoker(parts.slack.apiUrl),
            directory,
            channelJoiner,
            orgSettings: store.orgSettings,
            agentMappings: store.agentMappings,
            slackRouting: store.slackRouting,
            healthStore: store,
            chatActivity: store.chatActivity,
            platform: createPlatformApi({ baseUrl: parts.platform.apiUrl, token: parts.platform.token }),
          },
        }
      : {}),
    metricsAccess: parts.metricsAccess,
    failedLoginLimits: FAILED_LOGIN_LIMITS,
    now,
    get publicUrl() {
      return parts.publicUrl();
    },
    slackSigningSecret: parts.slack.signingSecret,
    slackClientId: parts.slack.clientId,
    slackAuthorizeUrl: parts.slack.authorizeUrl,
    chatWebhookSecret: parts.platform.webhookSecret,
    oauthStateKey: deriveKey(newestKey, 'oauth-state'),
    installTicketKey: deriveKey(newestKey, 'install-ticket'),
    webhookBodyLimitBytes: parts.webhookBodyLimitBytes,
    enqueueTimeoutMs: 2000,
    ...(parts.bullBoard ? { bullBoard: { queues: Object.values(queues), ...parts.bullBoard } } : {}),
    metrics: createWebMetrics(deploymentReadings(store.conversations, Object.values(queues))),
    healthChecks: parts.healthChecks,
  };
  return { deps, store, queues, producer };
}
