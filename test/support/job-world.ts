// An in-process world for testing jobs one by one: both emulators, a store on its own database
// of the test MongoDB-compatible server, the test Redis under a fresh prefix, a connected
// workspace and org, and WorkerDeps built exactly as src/jobs/worker-main.ts builds them. The
// Slack emulator runs on a clock that moves a second further at every Web API call, so its
// per-channel bucket never throttles a test that is not about pacing (the product's own budget
// is what the pacing tests look at). `runJob` runs a processor the way a BullMQ worker would:
// a delay or retry outcome runs it again, until it completes or fails for good.
import { Redis } from 'ioredis';
import pino from 'pino';
import type { SlackEmulator } from '../../emulators/slack/index.ts';
import type { ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import { newSecrets, startEmulators } from '../../sandbox/product-env.ts';
import { connectMongo, createStore, ensureIndexes, type ConnectOptions, type Mongo, type Store } from '../../src/store/index.ts';
import { createTokenCipher } from '../../src/crypto/token-cipher.ts';
import { createSlackApi } from '../../src/slack/slack-api.ts';
import { createPlatformApi } from '../../src/platform/platform-api.ts';
import { createJobProducer, createQueues, type Queues } from '../../src/queues/queues.ts';
import { createLocks } from '../../src/locks/redis-locks.ts';
import { createStatusOrder } from '../../src/queues/status-order.ts';
import { pacedSlackApi } from '../../src/slack/post-pacing.ts';
import { createSlackBudget } from '../../src/slack/chat-post-budget.ts';
import { createDirectoryCache } from '../../src/directory/directory-cache.ts';
import { createSlackCallBudget } from '../../src/slack/tiered-call-budget.ts';
import { createThreadCursors } from '../../src/conversations/thread-cursors.ts';
import { createReminderBatches } from '../../src/conversations/reminder-batches.ts';
import { classifyFailure } from '../../src/queues/job-errors.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import { parseChatEvent, type ChatEvent } from '../../src/platform/webhook-events.ts';
import { mongoUrl, redisUrl, uniqueDbName, uniquePrefix } from './services.ts';

export interface DepsOptions {
  /** The thread lock's lease (30 s in production). */
  lockLeaseMs?: number;
  /** The shared posting budget per channel (1 in production; high where pacing is not under test). */
  channelPostsPerSecond?: number;
  /** A Redis connection of its own (a "process" that can die: see crash-safety tests). */
  redis?: Redis;
}

export interface JobWorld {
  slack: SlackEmulator;
  platform: ChatPlatformEmulator;
  store: Store;
  mongo: Mongo;
  redis: Redis;
  queues: Queues;
  prefix: string;
  orgId: string;
  teamId: string;
  botUserId: string;
  agents: { alice: { agentId: string; slackUserId: string }; bob: { agentId: string; slackUserId: string } };
  unmappedSlackUserId: string;
  /** The workers' clock (claims and reminders read it); `advance` moves it, and the Slack emulator's, on. */
  clock: { now(): Date; advance(ms: number): void };
  deps(options?: DepsOptions): WorkerDeps;
  /** A fresh channel with the app in it (and alice; bob only when `withBob`), made the org's global channel. */
  freshChannel(name: string, options?: { withBob?: boolean }): Promise<string>;
  /** The webhook events the platform generated for a conversation, validated as the ingress validates them. */
  events(conversationId: string, type?: ChatEvent['type']): ChatEvent[];
  close(): Promise<void>;
}

/** `mongoUrl`: another way to the test store than the shared URL (a proxy); the rest as connectMongo takes them. */
export async function startJobWorld(name: string, options: ConnectOptions & { mongoUrl?: string } = {}): Promise<JobWorld> {
  const secrets = newSecrets();
  let slackTime = Date.now();
  const emulators = await startEmulators(secrets, {
    slack: { now: () => slackTime },
    platform: { requestsPerSecondPerOrg: 10_000 },
  });
  const { slack, platform } = emulators;
  const prefix = uniquePrefix(name);
  const mongo = await connectMongo(options.mongoUrl ?? mongoUrl(), uniqueDbName(name), options);
  await ensureIndexes(mongo.db);
  const store = createStore(mongo.db, createTokenCipher(Buffer.from(secrets.encryptionKeyHex, 'hex')));
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const queues = createQueues(redis, prefix);

  const team = slack.createTeam({ name: 'Acme', domain: `acme-${prefix.slice(-8)}` });
  const alice = slack.createUser(team.id, { name: 'alice', realName: 'Alice Agent', email: 'alice@acme.test' });
  const bob = slack.createUser(team.id, { name: 'bob', realName: 'Bob Agent', email: 'bob@acme.test' });
  const carol = slack.createUser(team.id, { name: 'carol', realName: 'Carol Unmapped' });
  const install = slack.install(team.id);
  const org = platform.createOrg({ name: 'Acme' });
  const aliceAgent = platform.addAgent(org.id, { name: 'Alice Agent', email: 'alice@acme.test', status: 'online' });
  const bobAgent = platform.addAgent(org.id, { name: 'Bob Agent', email: 'bob@acme.test', status: 'online' });
  const now0 = new Date();
  const saved = await store.installations.save(
    {
      teamId: team.id,
      teamName: 'Acme',
      enterpriseId: null,
      orgId: org.id,
      appId: install.appId,
      botUserId: install.botUserId,
      scopes: install.scopes,
      installerUserId: alice.id,
      botToken: install.botToken,
      refreshToken: null,
      tokenExpiresAt: null,
    },
    now0,
  );
  if (!saved.ok) throw new Error(`could not store the installation: ${saved.reason}`);
  await store.agentMappings.map({ orgId: org.id, agentId: aliceAgent.id, teamId: team.id, slackUserId: alice.id }, now0);
  await store.agentMappings.map({ orgId: org.id, agentId: bobAgent.id, teamId: team.id, slackUserId: bob.id }, now0);

  let offset = 0;
  const clock = {
    now: () => new Date(Date.now() + offset),
    advance: (ms: number) => {
      offset += ms;
      // One clock: the Slack emulator's moves on with the workers'.
      slackTime += ms;
    },
  };
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const rawSlack = createSlackApi({ apiUrl: slack.apiUrl, clientId: secrets.slackClientId, clientSecret: secrets.slackClientSecret });
  // Every Web API call finds the emulator's per-channel bucket refilled (see the header).
  const ticking: typeof rawSlack = Object.fromEntries(
    Object.entries(rawSlack).map(([k, fn]) => [
      k,
      (...args: unknown[]) => {
        slackTime = Math.max(slackTime, Date.now()) + 1100;
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as typeof rawSlack;
  const platformApi = createPlatformApi({ baseUrl: platform.url, token: secrets.chatApiToken });
  const producer = createJobProducer(queues);
  const extraRedis: Redis[] = [];

  return {
    slack,
    platform,
    store,
    mongo,
    redis,
    queues,
    prefix,
    orgId: org.id,
    teamId: team.id,
    botUserId: install.botUserId,
    agents: { alice: { agentId: aliceAgent.id, slackUserId: alice.id }, bob: { agentId: bobAgent.id, slackUserId: bob.id } },
    unmappedSlackUserId: carol.id,
    clock,
    deps(options = {}) {
      const r = options.redis ?? redis;
      if (options.redis) extraRedis.push(options.redis);
      const perSecond = options.channelPostsPerSecond ?? 1000;
      return {
        store,
        slack: pacedSlackApi(
          ticking,
          createSlackBudget(r, prefix, {
            channelPostsPerSecond: perSecond,
            workspacePostsPerSecond: Math.max(8, perSecond),
            workspaceBurst: Math.max(8, perSecond),
          }),
        ),
        platform: platformApi,
        producer,
        locks: createLocks(r, prefix, options.lockLeaseMs ?? 30_000),
        logger,
        now: clock.now,
        threadGapWaitMs: 1000,
        directoryCache: createDirectoryCache(r, prefix),
        callBudget: createSlackCallBudget(r, prefix, 1000),
        directoryResyncHours: 6,
        reminderBatches: createReminderBatches(r, prefix),
        threadCursors: createThreadCursors(r, prefix),
        statusOrder: createStatusOrder(r, prefix),
        publicUrl: 'https://threadbridge.test',
        activity: { retentionDays: 90, rollupDelayMs: 50 },
      };
    },
    async freshChannel(channelName, options = {}) {
      const members = [install.botUserId, alice.id, ...(options.withBob ? [bob.id] : [])];
      const channel = slack.createChannel(team.id, { name: channelName, memberIds: members });
      await store.orgSettings.save({ orgId: org.id, channelIdMode: false, globalChannelEnabled: true, globalChannelId: channel.id }, clock.now());
      return channel.id;
    },
    events(conversationId, type) {
      return platform.events().flatMap((raw) => {
        const parsed = parseChatEvent(JSON.parse(JSON.stringify(raw)));
        if (!parsed.ok) throw new Error(`the platform generated an event the ingress refuses: ${parsed.detail}`);
        const data = parsed.event.data as { conversationId?: string; conversation?: { id: string } };
        const about = data.conversationId ?? data.conversation?.id;
        return about === conversationId && (!type || parsed.event.type === type) ? [parsed.event] : [];
      });
    },
    async close() {
      await emulators.close();
      await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true }).catch(() => undefined)));
      await Promise.all(Object.values(queues).map((q) => q.close()));
      for (const r of extraRedis) r.disconnect();
      redis.disconnect();
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close();
    },
  };
}

/**
 * Runs `job` as a BullMQ worker would, until it completes: a delay outcome waits (at most
 * `maxDelayMs`, the test's clock being real) and runs it again, a retry runs it again, a final
 * failure throws. Returns how many runs it took.
 */
export async function runJob(job: () => Promise<unknown>, options: { maxRuns?: number; maxDelayMs?: number; onRetry?: () => void } = {}): Promise<number> {
  const maxRuns = options.maxRuns ?? 60;
  for (let run = 1; ; run++) {
    try {
      await job();
      return run;
    } catch (error) {
      const outcome = classifyFailure(error, Math.random());
      if (outcome.kind === 'fail' || run >= maxRuns) throw error;
      options.onRetry?.();
      const wait = outcome.kind === 'delay' ? Math.min(outcome.ms, options.maxDelayMs ?? 300) : 20;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
