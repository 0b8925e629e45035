// What keeping directories in step with Slack is given (never imported as singletons). Each
// module takes the Pick of it that it uses; the worker assembles the whole (src/jobs/worker-deps.ts).
import type { Logger } from 'pino';
import type { Store, DirectoryKind } from '../store/index.ts';
import type { SlackApi } from '../slack/slack-api.ts';
import type { JobProducer } from '../queues/queues.ts';
import type { Locks } from '../locks/redis-locks.ts';
import type { DirectoryCache } from '../directory/directory-cache.ts';
import type { SlackCallBudget } from '../slack/tiered-call-budget.ts';

export interface DirectorySyncDeps {
  store: Store;
  slack: SlackApi;
  producer: JobProducer;
  locks: Locks;
  logger: Logger;
  now: () => Date;
  directoryCache: DirectoryCache;
  /** Per-minute budgets of Slack's tiered methods, shared with every process. */
  callBudget: SlackCallBudget;
  /** A full directory sync at least this often, to repair missed events. */
  directoryResyncHours: number;
  /** What a sync reports for the worker's /metrics (src/jobs/worker-metrics.ts); none in most tests. */
  observe?: DirectorySyncObservations;
}

/** Directory events counted by the worker's metrics. */
export interface DirectorySyncObservations {
  /** A directory sync stored one more page of `items` channels or users. */
  directorySyncPage(kind: DirectoryKind, items: number): void;
  /** A directory sync run completed and became the workspace's current directory. */
  directorySyncCompleted(kind: DirectoryKind): void;
}
