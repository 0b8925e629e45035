// The product on Redis Cluster: the web and a worker process started as the Procfile starts them,
// with REDIS_CLUSTER_NODES naming a local three-master cluster (TEST_REDIS_CLUSTER_NODES names
// another one). A chat reaches its Slack thread, a rep's reply reaches the visitor, the channel
// directory is read and written, and every key the product wrote is in the one slot of its
// prefix's hash tag: BullMQ's and Threadbridge's scripts never cross slots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedisCluster, type StartedCluster } from '../../local-services/redis-cluster.ts';
import { freePort } from '../../local-services/index.ts';
import { newSecrets, productEnv, startEmulators, type Emulators } from '../../sandbox/product-env.ts';
import { startProductProcess, repoRoot, type ProductProcess } from '../../sandbox/processes.ts';
import { seedWorld, type SeededWorld } from '../../sandbox/seed.ts';
import { connectMongo, createStore, type Mongo, type Store } from '../../src/store/index.ts';
import { createTokenCipher } from '../../src/crypto/token-cipher.ts';
import { createRedisClient, type RedisClient } from '../../src/redis-connection.ts';
import { orgFactVersions, withOrgFactBumps } from '../../src/store/org-facts-memo.ts';
import { mongoUrl, uniqueDbName } from '../support/services.ts';
import { waitFor } from '../support/wait-for.ts';

describe('on a three-master Redis Cluster', () => {
  const secrets = newSecrets();
  const tag = `threadbridge-cluster-${Date.now()}`;
  const prefix = `{${tag}}`;
  const dbName = uniqueDbName('cluster');
  let cluster: StartedCluster | undefined;
  let nodes: string;
  let emulators: Emulators;
  let mongo: Mongo;
  let store: Store;
  let factsRedis: RedisClient | undefined;
  let world: SeededWorld;
  let webUrl: string;
  const processes: ProductProcess[] = [];

  beforeAll(async () => {
    if (process.env.TEST_REDIS_CLUSTER_NODES) nodes = process.env.TEST_REDIS_CLUSTER_NODES;
    else {
      cluster = await startRedisCluster(3);
      nodes = cluster.nodes;
    }
    emulators = await startEmulators(secrets, { platform: { webhookRetryDelaysMs: [100, 200, 400, 800] } });
    const port = await freePort();
    webUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...productEnv({ secrets, emulators, publicUrl: webUrl, redisUrl: '', mongoUrl: mongoUrl(), mongoDb: dbName, queuePrefix: prefix }),
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: nodes,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      THREAD_GAP_WAIT_MS: '1500',
    };
    const logs = `${repoRoot}test-artifacts/redis-cluster`;
    processes.push(startProductProcess({ kind: 'web', runtime: 'node', env, logFile: `${logs}/web.log` }));
    processes.push(startProductProcess({ kind: 'worker', runtime: 'node', env, logFile: `${logs}/worker.log` }));
    await waitFor(
      () => processes.every((p) => p.ready || p.exited),
      (done) => done,
      { timeoutMs: 60_000, what: 'the web and worker processes to be ready' },
    );
    if (processes.some((p) => p.exited)) throw new Error(`a process exited at start: see ${logs}`);
    emulators.slack.setEventsUrl(`${webUrl}/slack/events`);
    emulators.slack.setInteractivityUrl(`${webUrl}/slack/interactions`);
    emulators.platform.setWebhookUrl(`${webUrl}/webhooks/chat`);

    mongo = await connectMongo(mongoUrl(), dbName);
    // Its writes of org facts tell the workers' memos, as the product's own processes' do.
    factsRedis = createRedisClient({ REDIS_CLUSTER_NODES: nodes.split(','), REDIS_TLS_SKIP_VERIFY: false }, {});
    store = withOrgFactBumps(createStore(mongo.db, createTokenCipher(Buffer.from(secrets.encryptionKeyHex, 'hex'))), orgFactVersions(factsRedis, prefix));
    world = await seedWorld({ slack: emulators.slack, platform: emulators.platform, store, webUrl, adminToken: secrets.adminApiToken });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    factsRedis?.disconnect();
    await mongo?.db.dropDatabase().catch(() => undefined);
    await mongo?.close();
    await emulators?.close();
    await cluster?.stop();
  });

  it('opens a thread for a chat, posts its messages in order, and relays a rep’s reply to the visitor', async () => {
    const { slack, platform } = emulators;
    const conversation = await platform.startConversation(world.orgId, { visitor: { name: 'Vera Visitor' } });
    await platform.visitorSays(world.orgId, conversation.id, 'Hello from a cluster');
    await platform.visitorSays(world.orgId, conversation.id, 'Second message');

    const record = await waitFor(
      () => store.conversations.get(world.orgId, conversation.id),
      (r) => Boolean(r?.thread),
      { what: 'the thread' },
    );
    const threadTs = record!.thread!.threadTs;
    const lines = () =>
      slack
        .messages(world.channelId)
        .filter((m) => !m.deleted && m.thread_ts === threadTs && m.ts !== threadTs)
        .flatMap((m) => m.text.split('\n'));
    await waitFor(lines, (l) => l.length >= 2, { what: 'both messages in the thread' });
    expect(lines()).toEqual(['Vera Visitor (visitor): Hello from a cluster', 'Vera Visitor (visitor): Second message']);

    await slack.postAsUser({ teamId: world.teamId, channel: world.channelId, user: world.agents.alice.slackUserId, threadTs, text: 'Happy to help' });
    const relayed = await waitFor(
      () => platform.conversation(world.orgId, conversation.id).messages.filter((m) => m.origin === 'slack'),
      (m) => m.length === 1,
      { what: 'the reply at the platform' },
    );
    expect(relayed[0]).toMatchObject({ text: 'Happy to help', author: { type: 'agent', id: world.agents.alice.agentId } });
  }, 60_000);

  it('finds a channel by name through the admin API once the directory synced (the directory cache’s scripts on the cluster)', async () => {
    const search = async () => {
      const res = await fetch(`${webUrl}/api/orgs/${encodeURIComponent(world.orgId)}/directory/channels?q=website`, {
        headers: { authorization: `Bearer ${secrets.adminApiToken}` },
      });
      return { status: res.status, names: ((await res.json()) as { channels?: Array<{ name: string }> }).channels?.map((c) => c.name) ?? [] };
    };
    const found = await waitFor(search, (r) => r.names.includes('website-chats'), { timeoutMs: 30_000, what: 'website-chats in the directory' });
    expect(found.status).toBe(200);
  }, 60_000);

  it('keeps every key it wrote in its prefix’s slot, on one master', async () => {
    const perNode = await Promise.all(
      nodes.split(',').map(async (node) => {
        const r = new Redis(node, { maxRetriesPerRequest: 1 });
        try {
          const keys: string[] = [];
          let cursor = '0';
          do {
            const [next, batch] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
            keys.push(...batch);
            cursor = next;
          } while (cursor !== '0');
          return keys;
        } finally {
          r.disconnect();
        }
      }),
    );
    const all = perNode.flat();
    // BullMQ's queues (under their names) and the directory cache were written.
    expect(all.some((k) => k.startsWith(`${prefix}:chat-events:`))).toBe(true);
    expect(all.some((k) => k.startsWith(`${prefix}:chat-starts:`))).toBe(true);
    expect(all.some((k) => k.startsWith(`${prefix}:dir:`))).toBe(true);
    expect(perNode.filter((keys) => keys.length > 0)).toHaveLength(1);
  }, 30_000);
});
