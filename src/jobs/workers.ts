// The BullMQ workers, one per queue, each handing its jobs to a processor and turning failures
// into BullMQ outcomes (delay, wait out an outage, retry, fail and dead-letter). Built from
// passed-in dependencies so the worker entry point and the tests start exactly the same thing.
// A job's data may carry Threadbridge's own bookkeeping (`_outage`: an outage being waited out;
// `_replayOf`: the id of the job a replay stands for); processors never see it.
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { SlackEventJob } from '../slack/slack-events.ts';
import {
  finishedJobRetention,
  queueNames,
  type ChatEventJob,
  type DigestJob,
  type DirectoryJob,
  type ActivityRollupJob,
  type OrgChangedJob,
  type OrgProblemJob,
  type RemindersQueueJob,
  type ThreadSyncJob,
  type TranscriptJob,
} from '../queues/queues.ts';
import type { SlackInteractionJob } from '../slack/slack-interactions.ts';
import type { WorkerDeps } from './worker-deps.ts';
import { classifyFailure, deadLetterOf, settleFailure } from '../queues/job-errors.ts';
import { processDeadLetter, withoutBookkeeping, type DeadLetter } from '../queues/dead-letters.ts';
import { processOrderedChatEvent } from './processors/ordered-chat-event.processor.ts';
import { jobLogContext } from './job-log-context.ts';
import { lazyChild } from '../logger.ts';
import type { JobOutcome, WorkerMetrics } from './worker-metrics.ts';
import { processSlackEvent } from './processors/slack-event.processor.ts';
import { processThreadSync } from './processors/thread-sync.processor.ts';
import { processRemindersJob } from './processors/reminders.processor.ts';
import { processOrgChanged } from './processors/org-changed.processor.ts';
import { processSlackInteraction } from './processors/slack-interaction.processor.ts';
import { pushTranscript } from './processors/transcript.processor.ts';
import { processDirectoryJob } from './processors/directory.processor.ts';
import { processOrgProblem } from './processors/org-problem.processor.ts';
import { processDigestJob } from './processors/digest.processor.ts';
import { rollUpActivity } from '../activity/activity-rollup.ts';

export interface RunningWorkers {
  workers: Worker[];
  /** Stops taking jobs and waits for running ones, at most `timeoutMs` (worker.close() has no timeout). */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * A job stalled this often (its worker died, or Redis restarted under it) fails; restarts are
 * waited out, so the limit is well above BullMQ's default of one.
 */
const MAX_STALLED = 10;
/**
 * A job started this often fails for good, whatever why it kept coming back: no job is run
 * forever. Far above what a day's outage (one try every 30 s at most) or a busy channel's waits
 * add up to.
 */
const MAX_STARTS = 20_000;

/** A failed run's outcome as the metrics name it, by how settleFailure handles it. */
const failureOutcomes: Record<ReturnType<typeof classifyFailure>['kind'], JobOutcome> = {
  delay: 'delayed',
  outage: 'outage',
  retry: 'retried',
  fail: 'failed',
};

export function startWorkers(
  deps: WorkerDeps,
  options: { connection: ConnectionOptions; prefix: string; concurrency: number; metrics?: Pick<WorkerMetrics, 'job'> },
): RunningWorkers {
  const deadLetter = (letter: DeadLetter) => deps.producer.deadLetters.add(letter);
  function wrap<T>(queue: string, run: (data: T, jobId: string, jobDeps: WorkerDeps, queuedAt: number) => Promise<void>) {
    return async (job: Job<T>, token?: string) => {
      // A replayed job stands for the one that failed: its id names the same work (a reminder batch, say).
      const replayOf = (job.data as { _replayOf?: unknown } | null)?._replayOf;
      const data = withoutBookkeeping(job.data) as T;
      // Every line the job logs says which job, queue, org and conversation it came from (a
      // logger made only if the job logs; most log nothing).
      const jobDeps = { ...deps, logger: lazyChild(deps.logger, jobLogContext(queue, job.id, data)) };
      const started = performance.now();
      try {
        await run(data, typeof replayOf === 'string' ? replayOf : (job.id ?? ''), jobDeps, job.timestamp);
        options.metrics?.job(queue, 'completed', (performance.now() - started) / 1000);
      } catch (error) {
        options.metrics?.job(queue, failureOutcomes[classifyFailure(error, 0).kind], (performance.now() - started) / 1000);
        await settleFailure(job, token, error, deadLetter);
      }
    };
  }

  const common = {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    maxStalledCount: MAX_STALLED,
    maxStartedAttempts: MAX_STARTS,
    ...finishedJobRetention,
  };
  const workers = [
    new Worker<ChatEventJob>(
      queueNames.chatEvents,
      wrap(queueNames.chatEvents, (event, _jobId, jobDeps, queuedAt) => processOrderedChatEvent(jobDeps, event, queuedAt)),
      common,
    ),
    new Worker<ChatEventJob>(
      queueNames.chatStarts,
      wrap(queueNames.chatStarts, (event, _jobId, jobDeps, queuedAt) => processOrderedChatEvent(jobDeps, event, queuedAt)),
      common,
    ),
    new Worker<SlackEventJob>(
      queueNames.slackEvents,
      wrap(queueNames.slackEvents, (job, _jobId, jobDeps) => processSlackEvent(jobDeps, job)),
      common,
    ),
    new Worker<ThreadSyncJob>(
      queueNames.threadSync,
      wrap(queueNames.threadSync, (job, _jobId, jobDeps) => processThreadSync(jobDeps, job)),
      common,
    ),
    new Worker<RemindersQueueJob>(
      queueNames.reminders,
      wrap(queueNames.reminders, (job, jobId, jobDeps) => processRemindersJob(jobDeps, job, jobId)),
      common,
    ),
    new Worker<OrgChangedJob>(
      queueNames.orgChanges,
      wrap(queueNames.orgChanges, (job, _jobId, jobDeps) => processOrgChanged(jobDeps, job)),
      common,
    ),
    new Worker<SlackInteractionJob>(
      queueNames.slackInteractions,
      wrap(queueNames.slackInteractions, (job, _jobId, jobDeps) => processSlackInteraction(jobDeps, job)),
      common,
    ),
    new Worker<TranscriptJob>(
      queueNames.transcripts,
      wrap(queueNames.transcripts, (job, _jobId, jobDeps) => pushTranscript(jobDeps, job)),
      common,
    ),
    // Syncs mostly wait on Slack's budget, so a few run side by side whatever the concurrency.
    // A short lock (renewed every 7.5 s while the process lives) lets another worker take over a
    // run within seconds when its process dies; it resumes from the run's saved cursor.
    new Worker<DirectoryJob>(
      queueNames.directory,
      wrap(queueNames.directory, (job, _jobId, jobDeps) => processDirectoryJob(jobDeps, job)),
      {
        ...common,
        concurrency: Math.max(4, options.concurrency),
        lockDuration: 15_000,
        stalledInterval: 5_000,
      },
    ),
    new Worker<OrgProblemJob>(
      queueNames.orgProblems,
      wrap(queueNames.orgProblems, (job, _jobId, jobDeps) => processOrgProblem(jobDeps, job)),
      common,
    ),
    new Worker<DigestJob>(
      queueNames.digests,
      wrap(queueNames.digests, (job, _jobId, jobDeps) => processDigestJob(jobDeps, job)),
      common,
    ),
    new Worker<ActivityRollupJob>(
      queueNames.activity,
      wrap(queueNames.activity, (job, _jobId, jobDeps) => rollUpActivity(jobDeps, job.orgId)),
      common,
    ),
    // Parks each dead letter as a failed job of its queue (kept 30 days); a Retry from Bull Board replays it.
    new Worker<DeadLetter>(queueNames.deadLetters, (job) => processDeadLetter(job, deps.producer.deadLetters), { ...common, concurrency: 1 }),
  ];
  for (const worker of workers) {
    worker.on('failed', (job, error) => {
      if (!job || worker.name === queueNames.deadLetters) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError || /allowable limit/.test(error.message);
      deps.logger[final ? 'error' : 'warn'](
        { queue: worker.name, jobId: job.id, attempt: job.attemptsMade, err: error },
        final ? 'job failed for good' : 'job failed; will retry',
      );
      // Failures BullMQ decides outside the processor (stalled or started too often) are dead-lettered
      // here; the processor's own are already (the dead letter's id makes a second add a no-op).
      if (final) {
        deadLetter(deadLetterOf(job, error.message, Date.now(), job.attemptsMade)).catch((err: unknown) =>
          deps.logger.error({ queue: worker.name, jobId: job.id, err }, 'could not dead-letter a failed job'),
        );
      }
    });
    worker.on('error', (error) => deps.logger.error({ queue: worker.name, err: error }, 'worker error'));
  }

  return {
    workers,
    async close(timeoutMs = 20_000) {
      const closing = Promise.all(workers.map((w) => w.close()));
      const timedOut = new Promise<'timeout'>((resolve) => setTimeout(resolve, timeoutMs, 'timeout').unref?.());
      if ((await Promise.race([closing, timedOut])) === 'timeout') {
        deps.logger.warn('workers did not finish in time; forcing close (their jobs will be retried as stalled)');
        await Promise.all(workers.map((w) => w.close(true)));
      }
    },
  };
}
