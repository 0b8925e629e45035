// How long finished jobs stay in their queue (where Bull Board shows them): a completed one an
// hour, a failed one a week. The workers apply it (src/queues/queues.ts finishedJobRetention),
// not each job's own options: a job added as the web and the workers add them carries none. The
// real BullMQ workers in process, against the emulators; an older job is made by moving its
// finishing time back, as BullMQ reads it when the next job of the queue finishes.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Job, Queue } from 'bullmq';
import type { JobWorld } from '../support/job-world.ts';
import { useRealWorkers } from '../support/real-workers.ts';
import { waitFor } from '../support/wait-for.ts';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

describe('finished jobs kept by the workers', () => {
  const world = useRealWorkers('job-retention');
  const { chatWithThread } = world;
  let w: JobWorld;
  beforeAll(() => {
    ({ w } = world);
  });

  /** Pushes the chat's transcript through the workers; `failing`: the platform refuses it for good. */
  async function finishedTranscriptJob(conversationId: string, failing: boolean): Promise<Job> {
    if (failing) w.platform.failNextApiCalls({ method: 'PUT', pathPattern: new RegExp(`${conversationId}/transcript$`), status: 400, times: 1 });
    const job = await w.queues.transcripts.add('push', { orgId: w.orgId, conversationId });
    expect(job.opts.removeOnComplete).toBeUndefined();
    expect(job.opts.removeOnFail).toBeUndefined();
    const done = await waitFor(
      () => w.queues.transcripts.getJob(job.id!),
      (j) => Boolean(j?.finishedOn),
      { timeoutMs: 15_000, what: 'the transcript job to finish' },
    );
    expect(await done!.getState()).toBe(failing ? 'failed' : 'completed');
    return done!;
  }

  /** Moves the job's finishing time `ms` back, in the set BullMQ ages its finished jobs by. */
  async function finishedAgo(queue: Queue, job: Job, state: 'completed' | 'failed', ms: number) {
    await w.redis.zadd(`${w.prefix}:${queue.name}:${state}`, 'XX', Date.now() - ms, job.id!);
  }

  it('a completed job stays an hour', async () => {
    const conversationId = await chatWithThread('Rita');
    const hourOld = await finishedTranscriptJob(conversationId, false);
    await finishedAgo(w.queues.transcripts, hourOld, 'completed', HOUR_MS + 60_000);
    const halfHourOld = await finishedTranscriptJob(conversationId, false);
    await finishedAgo(w.queues.transcripts, halfHourOld, 'completed', HOUR_MS / 2);
    const latest = await finishedTranscriptJob(conversationId, false);
    expect(await w.queues.transcripts.getJob(hourOld.id!)).toBeUndefined();
    expect(await w.queues.transcripts.getJob(halfHourOld.id!)).toBeDefined();
    expect(await w.queues.transcripts.getJob(latest.id!)).toBeDefined();
  }, 45_000);

  it('a failed job stays a week', async () => {
    const conversationId = await chatWithThread('Sven');
    const weekOld = await finishedTranscriptJob(conversationId, true);
    await finishedAgo(w.queues.transcripts, weekOld, 'failed', 7 * DAY_MS + 60_000);
    const sixDaysOld = await finishedTranscriptJob(conversationId, true);
    await finishedAgo(w.queues.transcripts, sixDaysOld, 'failed', 6 * DAY_MS);
    const latest = await finishedTranscriptJob(conversationId, true);
    expect(await w.queues.transcripts.getJob(weekOld.id!)).toBeUndefined();
    expect(await w.queues.transcripts.getJob(sixDaysOld.id!)).toBeDefined();
    expect(await w.queues.transcripts.getJob(latest.id!)).toBeDefined();
  }, 45_000);
});
