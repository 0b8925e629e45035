// A store that accepts connections and never answers (test/support/wedging-proxy.ts) hangs no
// job. The web's and the workers' client (src/store/mongo.ts, 'serving', its timeouts from the
// configuration, short here) fails the store call, the real BullMQ worker sends the job down the
// outage path (delayed, its lock given back, no attempt used) instead of leaving it active, and
// the message reaches Slack once the store answers again. The store is wedged mostly the way only
// a socket timeout ends: it still answers the driver's heartbeats, so the driver's monitoring sees
// a healthy server. /readyz says MongoDB is down instead of hanging; the client still closes (a
// stopping process is not held up); the release phase's client waits. Nothing here times the
// store: each wait is long next to the configured timeouts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { startJobWorld, type JobWorld } from '../support/job-world.ts';
import { startWedgingProxy, type WedgingProxy } from '../support/wedging-proxy.ts';
import { buildTestApp, newSecrets, type TestApp } from '../support/test-app.ts';
import { NO_SLACK } from '../support/http-test-app.ts';
import { mongoUrl, uniqueDbName } from '../support/services.ts';
import { waitFor } from '../support/wait-for.ts';
import { loadStoreConfig } from '../../src/config.ts';
import { connectMongo, isStoreUnavailable, storeTimeouts, type Mongo } from '../../src/store/index.ts';
import { startWorkers, type RunningWorkers } from '../../src/jobs/workers.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import type { ChatEventJob } from '../../src/queues/queues.ts';
import { classifyFailure } from '../../src/queues/job-errors.ts';

// Short enough for a test, long next to what the shared store takes for one operation on a busy CI machine.
const config = (url: string) =>
  loadStoreConfig({
    MONGODB_URL: url,
    MONGODB_SOCKET_TIMEOUT_MS: '5000',
    MONGODB_SERVER_SELECTION_TIMEOUT_MS: '5000',
    MONGODB_CONNECT_TIMEOUT_MS: '5000',
  });

describe('a store that accepts connections and never answers', () => {
  let proxy: WedgingProxy;
  let w: JobWorld;
  let deps: WorkerDeps;
  let workers: RunningWorkers;

  beforeAll(async () => {
    proxy = await startWedgingProxy(mongoUrl());
    const store = config(proxy.url);
    w = await startJobWorld('wedged-store', { mongoUrl: store.MONGODB_URL, profile: 'serving', timeouts: storeTimeouts(store) });
    deps = w.deps();
    workers = startWorkers(deps, { connection: w.redis.duplicate({ maxRetriesPerRequest: null }), prefix: w.prefix, concurrency: 4 });
    await Promise.all(workers.workers.map((x) => x.waitUntilReady()));
  }, 60_000);
  afterAll(async () => {
    proxy?.unwedge();
    await workers?.close(5000);
    await w?.close();
    await proxy?.close();
  });

  const jobOf = async (event: ChatEventJob): Promise<Job> => {
    await deps.producer.addChatEvent(event);
    const queue = event.type === 'conversation.started' ? w.queues.chatStarts : w.queues.chatEvents;
    const [job] = await waitFor(
      async () => (await queue.getJobs()).filter((j) => (j.data as ChatEventJob).id === event.id),
      (jobs) => jobs.length === 1,
      { what: `the ${event.type} job queued` },
    );
    return job!;
  };

  it('a visitor’s message waits the outage out instead of staying active, and reaches Slack once the store answers', async () => {
    const channel = await w.freshChannel('wedged-store', { withBob: true });
    const conversation = await w.platform.startConversation(w.orgId, { visitor: { name: 'Wanda' } });
    const start = await jobOf(w.events(conversation.id, 'conversation.started')[0]!);
    await waitFor(
      () => start.isCompleted(),
      (done) => done,
      { timeoutMs: 30_000, what: 'the chat start to complete' },
    );

    // The heartbeats are answered: the driver sees a healthy server, and only the socket timeout ends the call.
    proxy.wedge('commands');
    await w.platform.visitorSays(w.orgId, conversation.id, 'Is anyone there?');
    const message = await jobOf(w.events(conversation.id, 'message.created')[0]!);
    // The store call failed as an outage: the job went back to wait, without using an attempt.
    const waiting = await waitFor(
      () => w.queues.chatEvents.getJob(message.id!),
      (j) => (j?.data as { _outage?: unknown } | undefined)?._outage !== undefined,
      { timeoutMs: 60_000, what: 'the message job to meet the outage' },
    );
    expect(waiting!.attemptsMade).toBe(0);
    expect(await waiting!.isCompleted()).toBe(false);
    expect(w.slack.messages(channel).map((m) => m.text)).not.toContainEqual(expect.stringContaining('Is anyone there?'));

    proxy.unwedge();
    const done = await waitFor(
      () => w.queues.chatEvents.getJob(message.id!),
      (j) => Boolean(j?.finishedOn),
      { timeoutMs: 60_000, what: 'the message job to finish' },
    );
    expect(await done!.isCompleted()).toBe(true);
    expect(done!.attemptsMade).toBe(1);
    expect(w.slack.messages(channel).map((m) => m.text)).toContainEqual(expect.stringContaining('Is anyone there?'));
  }, 180_000);

  it.each(['commands', 'silent'] as const)(
    'a store call a job makes fails as an outage of the store (wedged: %s)',
    async (how) => {
      // One read to have connections open before the wedge.
      await w.store.orgSettings.get(w.orgId);
      proxy.wedge(how);
      try {
        const results = await Promise.allSettled([w.store.orgSettings.get(w.orgId), w.store.orgSettings.get(w.orgId)]);
        for (const result of results) {
          expect(result.status).toBe('rejected');
          const error = (result as PromiseRejectedResult).reason;
          expect(isStoreUnavailable(error)).toBe(true);
          expect(classifyFailure(error, 0)).toEqual({ kind: 'outage', why: expect.stringMatching(/^MongoDB unavailable/) });
        }
      } finally {
        proxy.unwedge();
      }
    },
    120_000,
  );

  it('the release phase’s client has no socket timeout: its long operation outlasts what fails a serving one', async () => {
    const upkeep = await connectMongo(proxy.url, w.mongo.db.databaseName, { profile: 'upkeep', timeouts: storeTimeouts(config(proxy.url)) });
    try {
      await upkeep.db.command({ ping: 1 });
      proxy.wedge('commands');
      let settled = false;
      const long = upkeep.db.command({ ping: 1 }).finally(() => {
        settled = true;
      });
      long.catch(() => undefined);
      await expect(w.mongo.db.command({ ping: 1 })).rejects.toSatisfy(isStoreUnavailable);
      expect(settled).toBe(false);
    } finally {
      proxy.unwedge();
      await upkeep.close();
    }
  }, 120_000);
});

describe('the web and a stopping process, with the store wedged', () => {
  let proxy: WedgingProxy;
  let mongo: Mongo;
  let web: TestApp;

  beforeAll(async () => {
    proxy = await startWedgingProxy(mongoUrl());
    const store = config(proxy.url);
    mongo = await connectMongo(store.MONGODB_URL, uniqueDbName('wedged_readiness'), { profile: 'serving', timeouts: storeTimeouts(store) });
    await mongo.db.command({ ping: 1 });
    // The readiness check as web-main wires it, on the wedged client.
    web = await buildTestApp({
      name: 'wedged-readiness',
      secrets: newSecrets(),
      ...NO_SLACK,
      overrides: { healthChecks: { mongodb: async () => void (await mongo.db.command({ ping: 1 })) } },
    });
  }, 60_000);
  afterAll(async () => {
    await web?.close();
    await proxy?.close();
  });

  it('/readyz answers 503 naming mongodb instead of hanging, and the client still closes', async () => {
    proxy.wedge('commands');
    const res = await web.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ok: false, checks: { mongodb: 'down' } });
    // What the shutdown's last step does: the driver's monitoring stops, nothing waits on the wedged server.
    await mongo.close();
  }, 120_000);
});
