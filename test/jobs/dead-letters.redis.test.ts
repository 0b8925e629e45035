// Outages don't kill work, and what fails for good is kept and can be replayed: the real BullMQ
// workers (src/jobs/workers.ts) in process, against the emulators. The platform down for a while
// is waited out without using an attempt; a failure that will never succeed goes to the
// dead-letter queue with why, counted in /metrics, and comes back on replay (the command's code
// path, and Retry in Bull Board).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import type { JobWorld } from '../support/job-world.ts';
import { useRealWorkers } from '../support/real-workers.ts';
import { deploymentReadings } from '../../src/http/deployment-metrics.ts';
import { createWebMetrics } from '../../src/http/web-metrics.ts';
import { waitFor } from '../support/wait-for.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import type { DeadLetter } from '../../src/queues/dead-letters.ts';

describe('outages and dead letters, with the real workers', () => {
  const world = useRealWorkers('dead-letters');
  const { chatWithThread } = world;
  let w: JobWorld;
  let deps: WorkerDeps;
  beforeAll(() => {
    ({ w, deps } = world);
  });

  const transcriptOf = (conversationId: string) => w.platform.conversation(w.orgId, conversationId).transcript;
  const metric = async () => createWebMetrics(deploymentReadings(w.store.conversations, Object.values(w.queues))).registry.metrics();

  it('the platform answering 503 for a while: the job waits it out without using an attempt, then succeeds', async () => {
    const conversationId = await chatWithThread('Olga');
    w.platform.failNextApiCalls({ method: 'PUT', pathPattern: new RegExp(`${conversationId}/transcript$`), status: 503, times: 3 });
    const job = await w.queues.transcripts.add('push', { orgId: w.orgId, conversationId });
    const done = await waitFor(
      () => w.queues.transcripts.getJob(job.id!),
      (j) => Boolean(j?.finishedOn),
      { timeoutMs: 20_000, what: 'the transcript job to finish' },
    );
    expect(await done!.isCompleted()).toBe(true);
    // Four runs, of which only the one that succeeded counts as an attempt (BullMQ counts a finished one).
    expect(done!.attemptsStarted).toBe(4);
    expect(done!.attemptsMade).toBe(1);
    expect(transcriptOf(conversationId)).toBeDefined();
    expect(await deps.producer.deadLetters.list({ queue: 'transcripts' })).toEqual([]);
  }, 30_000);

  it('a failure that will never succeed: dead-lettered with why, counted in /metrics; replayed, it runs again and succeeds', async () => {
    const conversationId = await chatWithThread('Pia');
    w.platform.failNextApiCalls({ method: 'PUT', pathPattern: new RegExp(`${conversationId}/transcript$`), status: 400, times: 1 });
    const job = await w.queues.transcripts.add('push', { orgId: w.orgId, conversationId });
    const [entry] = await waitFor(
      () => deps.producer.deadLetters.list({ queue: 'transcripts' }),
      (l) => l.some((e) => e.jobId === job.id),
      { timeoutMs: 15_000, what: 'the dead letter' },
    );
    expect(entry).toMatchObject({
      queue: 'transcripts',
      jobId: job.id,
      name: 'push',
      data: { orgId: w.orgId, conversationId },
      attemptsMade: 1,
      outageSince: null,
    });
    expect(entry!.failedReason).toMatch(/^400 invalid_request/);
    // Parked: a failed job of the dead-letter queue, where Bull Board shows it with its reason.
    await waitFor(
      () => w.queues.deadLetters.getJob(entry!.id),
      (j) => Boolean(j?.failedReason),
      { what: 'the entry parked' },
    );
    expect(await metric()).toContain('threadbridge_dead_letters 1\n');
    expect(transcriptOf(conversationId)).toBeUndefined();

    expect(await deps.producer.deadLetters.replay({ queue: 'transcripts', ids: [entry!.id] })).toEqual([entry!.id]);
    await waitFor(
      () => transcriptOf(conversationId),
      (t) => t !== undefined,
      { timeoutMs: 15_000, what: 'the replayed job to push the transcript' },
    );
    expect(await deps.producer.deadLetters.list()).toEqual([]);
    expect(await metric()).toContain('threadbridge_dead_letters 0\n');
    // A second replay of the same entry finds nothing to replay.
    expect(await deps.producer.deadLetters.replay({ queue: 'transcripts', ids: [entry!.id] })).toEqual([]);
  }, 30_000);

  it('Retry on a dead letter in Bull Board replays it', async () => {
    const conversationId = await chatWithThread('Quinn');
    w.platform.failNextApiCalls({
      method: 'PUT',
      pathPattern: new RegExp(`${conversationId}/transcript$`),
      status: 404,
      times: 1,
      code: 'unknown_conversation',
    });
    const job = await w.queues.transcripts.add('push', { orgId: w.orgId, conversationId });
    const [entry] = await waitFor(
      () => deps.producer.deadLetters.list({ queue: 'transcripts' }),
      (l) => l.some((e) => e.jobId === job.id),
      { timeoutMs: 15_000, what: 'the dead letter' },
    );
    const parked = (await waitFor(
      () => w.queues.deadLetters.getJob(entry!.id),
      (j) => Boolean(j?.failedReason),
      { what: 'the entry parked' },
    )) as Job<DeadLetter>;
    await parked.retry();
    await waitFor(
      () => transcriptOf(conversationId),
      (t) => t !== undefined,
      { timeoutMs: 15_000, what: 'the retried dead letter to replay the job' },
    );
    await waitFor(
      () => deps.producer.deadLetters.list(),
      (l) => l.length === 0,
      { what: 'the entry gone' },
    );
  }, 30_000);

  it('the since and id filters pick what replay puts back', async () => {
    const now = Date.now();
    const letter = (jobId: string, failedAt: number): DeadLetter => ({
      queue: 'org-changes',
      jobId,
      name: 'settings-changed',
      data: { orgId: 'org_none', cause: 'settings-changed' },
      failedReason: 'x',
      attemptsMade: 5,
      failedAt,
      outageSince: null,
    });
    await deps.producer.deadLetters.add(letter('old', now - 3 * 3600_000));
    await deps.producer.deadLetters.add(letter('new', now - 60_000));
    await deps.producer.deadLetters.add(letter('new', now - 60_000)); // the same failure twice: one entry
    await waitFor(
      () => deps.producer.deadLetters.list({ queue: 'org-changes' }),
      (l) => l.length === 2,
      { what: 'two entries' },
    );
    const recent = await deps.producer.deadLetters.list({ queue: 'org-changes', sinceMs: now - 3600_000 });
    expect(recent.map((e) => e.jobId)).toEqual(['new']);
    expect(await deps.producer.deadLetters.replay({ queue: 'org-changes', sinceMs: now - 3600_000 })).toEqual([recent[0]!.id]);
    expect((await deps.producer.deadLetters.list({ queue: 'org-changes' })).map((e) => e.jobId)).toEqual(['old']);
    await expect(deps.producer.deadLetters.replay({ queue: 'no-such-queue' })).rejects.toThrow('no queue named no-such-queue');
  });
});
