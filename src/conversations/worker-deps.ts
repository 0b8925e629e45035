// What processors need from the outside world, passed in (never imported as singletons) so
// that tests build the same workers against real Redis, FerretDB and the emulators.
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import type { SlackApi } from '../slack/slack-api.ts';
import type { PlatformApi } from '../platform/platform-api.ts';
import type { JobProducer } from '../queues/queues.ts';
import type { Locks } from '../locks/redis-locks.ts';
import type { DirectoryCache } from '../directory/directory-cache.ts';
import type { DirectoryKind } from '../store/index.ts';
import type { SlackCallBudget } from '../slack/slack-call-budget.ts';
import type { ReminderBatches } from './reminder-batches.ts';
import type { ThreadCursors } from './thread-cursors.ts';

export interface WorkerDeps {
  store: Store;
  slack: SlackApi;
  platform: PlatformApi;
  producer: JobProducer;
  locks: Locks;
  logger: Logger;
  now: () => Date;
  /** How long a thread waits for a missing seq before asking the platform. */
  threadGapWaitMs: number;
  directoryCache: DirectoryCache;
  /** Per-minute budgets of Slack's tiered methods, shared with every process. */
  callBudget: SlackCallBudget;
  /** A full directory sync at least this often, to repair missed events. */
  directoryResyncHours: number;
  /** Reminders due in one channel, gathered to go out as one post. */
  reminderBatches: ReminderBatches;
  /** Each thread's cursor, copied in Redis so the writer need not derive it before every post. */
  threadCursors: ThreadCursors;
  /** What the processors report for the worker's /metrics (src/jobs/worker-metrics.ts); none in most tests. */
  observe?: WorkerObservations;
}

/** Domain events counted by the worker's metrics. */
export interface WorkerObservations {
  /** Several chat messages went into one Slack post (they had queued behind the channel's limit). */
  combinedPost(messages: number): void;
  /** A directory sync stored one more page of `items` channels or users. */
  directorySyncPage(kind: DirectoryKind, items: number): void;
  /** A directory sync run completed and became the workspace's current directory. */
  directorySyncCompleted(kind: DirectoryKind): void;
}
