// What the conversation domain is given (never imported as singletons), so that tests build the
// same workers against real Redis, FerretDB and the emulators. Each module takes the Pick of it
// that it uses; the worker assembles the whole (src/jobs/worker-deps.ts).
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import type { SlackApi } from '../slack/slack-api.ts';
import type { PlatformApi } from '../platform/platform-api.ts';
import type { JobProducer } from '../queues/queues.ts';
import type { Locks } from '../locks/redis-locks.ts';
import type { DirectoryCache } from '../directory/directory-cache.ts';
import type { SlackCallBudget } from '../slack/tiered-call-budget.ts';
import type { ReminderBatches } from './reminder-batches.ts';
import type { ThreadCursors } from './thread-cursors.ts';
import type { ActivitySource } from './activity-source.ts';
import type { ActivityObservations, ActivityOptions } from '../activity/activity-deps.ts';

export interface ConversationDeps {
  store: Store;
  slack: SlackApi;
  platform: PlatformApi;
  producer: JobProducer;
  locks: Locks;
  logger: Logger;
  now: () => Date;
  /** How long a thread waits for a missing seq before asking the platform. */
  threadGapWaitMs: number;
  /** The channel directory: whether the app is in a channel, and the joins it records. */
  directoryCache: DirectoryCache;
  /** Per-minute budgets of Slack's tiered methods, shared with every process. */
  callBudget: SlackCallBudget;
  /** Reminders due in one channel, gathered to go out as one post. */
  reminderBatches: ReminderBatches;
  /** Each thread's cursor, copied in Redis so the writer need not derive it before every post. */
  threadCursors: ThreadCursors;
  /** How long a chat's activity facts are kept, and how long facts gather before a roll-up (src/activity/). */
  activity: ActivityOptions;
  /** What the domain reports for the worker's /metrics (src/jobs/worker-metrics.ts); none in most tests. */
  observe?: ConversationObservations;
  /** The org's activity figures, for App Home's last 7 days and the weekly digest; none: neither shows figures. */
  activityFigures?: ActivitySource;
}

/** Domain events counted by the worker's metrics. */
export interface ConversationObservations extends ActivityObservations {
  /** Several chat messages went into one Slack post (they had queued behind the channel's limit). */
  combinedPost(messages: number): void;
}
