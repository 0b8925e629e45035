// `npm run bench` (directory part): a workspace of 100,000 channels and 20,000 users synced in
// full through the Slack emulator, then, from the admin HTTP API, the p50 and p99 of a channel
// lookup by name and of a channel search, and the memory the directory holds for the workspace
// (Redis, where lookups are served, and MongoDB, its durable copy). Prints the figures and writes
// them to bench-results/directory.json.
//
// The emulator's clock runs SCALE times faster and the product's rate window is shortened to
// match, so the sync keeps Slack's Tier 2 ratio in a fraction of the time; the sync time is
// reported in Slack minutes next to the least Tier 2 allows.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { launchProduct } from '../sandbox/launch.ts';
import { freePort } from '../local-services/index.ts';
import { connectMongo } from '../src/store/index.ts';
import { createQueues, createJobProducer } from '../src/queues/queues.ts';
import { createDirectoryCache } from '../src/directory/directory-cache.ts';
import { summary } from './stats.ts';

const CHANNELS = Number(process.env.BENCH_DIRECTORY_CHANNELS ?? 100_000);
const USERS = Number(process.env.BENCH_DIRECTORY_USERS ?? 20_000);
const SAMPLES = Number(process.env.BENCH_DIRECTORY_SAMPLES ?? 2000);
const SCALE = 20;
const WINDOW_MS = 60_000 / SCALE;
const PAGE = 999;
const TIER2 = 20;

const words = ['sales', 'support', 'leads', 'emea', 'apac', 'us', 'deals', 'team', 'ops', 'vip', 'accounts', 'alerts'];
/** Names shaped like a big company's: `sales-emea-leads-01234`. */
const channelName = (i: number) => `${words[i % 12]}-${words[Math.floor(i / 12) % 12]}-${words[Math.floor(i / 144) % 12]}-${String(i).padStart(5, '0')}`;

async function main(): Promise<void> {
  const logDir = `${process.cwd()}/bench-results/logs`;
  mkdirSync(logDir, { recursive: true });
  const started = Date.now();
  const product = await launchProduct({
    webPort: await freePort(),
    workerRuntime: 'node',
    workers: 1,
    logDir,
    slackNow: () => started + (Date.now() - started) * SCALE,
    env: { SLACK_RATE_WINDOW_MS: String(WINDOW_MS) },
  });
  const { slack } = product.emulators;
  const { teamId, orgId } = product.world;
  const redis = new Redis(product.redisUrl);
  const queueRedis = redis.duplicate({ maxRetriesPerRequest: null });
  const queues = createQueues(queueRedis, product.queuePrefix);
  const api = async (path: string) => {
    const res = await fetch(`${product.webUrl}/api/orgs/${orgId}${path}`, { headers: { authorization: `Bearer ${product.secrets.adminApiToken}` } });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<Record<string, any>>;
  };
  try {
    slack.seedChannels(
      teamId,
      Array.from({ length: CHANNELS }, (_, i) => ({ name: channelName(i) })),
    );
    slack.seedUsers(
      teamId,
      Array.from({ length: USERS }, (_, i) => ({ name: `user${i}`, realName: `Person ${i}` })),
    );

    const syncStarted = Date.now();
    await createJobProducer(queues).syncDirectory({ teamId });
    for (;;) {
      const s = await api('/directory');
      const done = (k: 'channels' | 'users') => s[k].lastCompletedAt && Date.parse(s[k].lastCompletedAt) > syncStarted;
      if (done('channels') && done('users')) break;
      if (Date.now() - syncStarted > 20 * 60_000) throw new Error('the sync did not complete in 20 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
    const status = await api('/directory');
    const calls = slack.calls({ method: 'conversations.list' }).filter((c) => c.at >= started + (syncStarted - started) * SCALE);
    const leastSlackMinutes = Math.ceil(Math.ceil(CHANNELS / PAGE) / TIER2) - 1;

    // Lookups and searches, one at a time, as an admin's browser would make them.
    const lookups: number[] = [];
    for (let n = 0; n < SAMPLES; n++) {
      const name = channelName(Math.floor(Math.random() * CHANNELS));
      const t0 = performance.now();
      const body = await api(`/directory/channels/by-name/${name}`);
      lookups.push(performance.now() - t0);
      if (body['channel'].name !== name) throw new Error(`looked up ${name}, got ${body['channel'].name}`);
    }
    const queries = ['s', 'sa', 'sales', 'sales-e', 'emea', 'lead', 'vip-ac', 'alerts-us', 'deals-team-o', 'zzz'];
    const searches: number[] = [];
    for (let n = 0; n < SAMPLES; n++) {
      const q = queries[n % queries.length]!;
      const t0 = performance.now();
      await api(`/directory/channels?q=${encodeURIComponent(q)}&limit=20`);
      searches.push(performance.now() - t0);
    }

    const cache = createDirectoryCache(redis, product.queuePrefix);
    const channelRun = (await cache.currentRun(teamId, 'channels'))!;
    const userRun = (await cache.currentRun(teamId, 'users'))!;
    const redisChannels = await cache.memoryBytes(teamId, 'channels', channelRun);
    const redisUsers = await cache.memoryBytes(teamId, 'users', userRun);
    const mongo = await connectMongo(product.mongoUrl, product.dbName);
    let mongoBytes = 0;
    for await (const doc of mongo.db.collection('slack_directory_pages').find({ teamId })) mongoBytes += (doc['entities'] as { length(): number }).length();
    await mongo.close();

    const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
    const results = {
      workspace: { channels: CHANNELS, users: USERS },
      sync: {
        channelsTookSlackMinutes: Math.round(((status['channels'].lastSyncTookMs * SCALE) / 60_000) * 100) / 100,
        usersTookSlackMinutes: Math.round(((status['users'].lastSyncTookMs * SCALE) / 60_000) * 100) / 100,
        leastTier2AllowsSlackMinutes: leastSlackMinutes,
        conversationsListCalls: calls.length,
        slack429s: slack
          .calls()
          .filter((c) => c.httpStatus === 429)
          .map((c) => c.method),
      },
      channelLookupByName: summary(lookups),
      channelSearch: summary(searches),
      memoryPerWorkspace: {
        redisMB: mb(redisChannels + redisUsers),
        redisChannelsMB: mb(redisChannels),
        redisUsersMB: mb(redisUsers),
        mongoStoredMB: mb(mongoBytes),
      },
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/directory.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      `directory sync of ${CHANNELS} channels: ${results.sync.channelsTookSlackMinutes} Slack minutes (least Tier 2 allows: ${leastSlackMinutes}), ${results.sync.conversationsListCalls} conversations.list calls, 429s: ${results.sync.slack429s.join(', ') || 'none'}`,
    );
    console.log(
      `channel lookup by name (GET …/directory/channels/by-name/:name): p50 ${results.channelLookupByName.p50Ms} ms, p99 ${results.channelLookupByName.p99Ms} ms`,
    );
    console.log(`channel search (GET …/directory/channels?q=): p50 ${results.channelSearch.p50Ms} ms, p99 ${results.channelSearch.p99Ms} ms`);
    console.log(
      `directory memory per workspace: Redis ${results.memoryPerWorkspace.redisMB} MB (channels ${results.memoryPerWorkspace.redisChannelsMB}, users ${results.memoryPerWorkspace.redisUsersMB}), MongoDB ${results.memoryPerWorkspace.mongoStoredMB} MB compressed`,
    );
    console.log('written to bench-results/directory.json');
  } finally {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    queueRedis.disconnect();
    redis.disconnect();
    await product.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
