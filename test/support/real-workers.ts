// A job world with the real BullMQ workers (src/jobs/workers.ts) running in process against it,
// for tests that watch jobs go through their queues (outages, dead letters, retention), and a
// chat started there with its thread open in a channel of its own.
import { afterAll, beforeAll } from 'vitest';
import { startJobWorld, runJob, type JobWorld } from './job-world.ts';
import { startWorkers, type RunningWorkers } from '../../src/jobs/workers.ts';
import { processChatEvent } from '../../src/jobs/processors/chat-event.processor.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';

export function useRealWorkers(name: string): { readonly w: JobWorld; readonly deps: WorkerDeps; chatWithThread(visitorName: string): Promise<string> } {
  let w: JobWorld | undefined;
  let deps: WorkerDeps | undefined;
  let workers: RunningWorkers | undefined;
  beforeAll(async () => {
    w = await startJobWorld(name);
    deps = w.deps();
    workers = startWorkers(deps, { connection: w.redis.duplicate({ maxRetriesPerRequest: null }), prefix: w.prefix, concurrency: 4 });
    await Promise.all(workers.workers.map((x) => x.waitUntilReady()));
  }, 60_000);
  afterAll(async () => {
    await workers?.close(5000);
    await w?.close();
  });
  return {
    get w() {
      return w!;
    },
    get deps() {
      return deps!;
    },
    async chatWithThread(visitorName) {
      await w!.freshChannel(`${name}-${visitorName.toLowerCase()}-${Math.random().toString(36).slice(2, 7)}`, { withBob: true });
      const conversation = await w!.platform.startConversation(w!.orgId, { visitor: { name: visitorName } });
      await runJob(() => processChatEvent(deps!, w!.events(conversation.id, 'conversation.started')[0]!));
      return conversation.id;
    },
  };
}
