// What recording and rolling up activity need (the worker's deps hold it all; the conversation
// domain passes its own down), declared here so that activity/ depends on no domain module.
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import type { JobProducer } from '../queues/queues.ts';
import type { Locks } from '../locks/redis-locks.ts';

export interface ActivityOptions {
  /** ACTIVITY_RETENTION_DAYS: how long each chat's facts are kept. */
  retentionDays: number;
  /** ACTIVITY_ROLLUP_DELAY_MS: how long an org's facts gather before a roll-up. */
  rollupDelayMs: number;
}

/** Counted once per chat, by the write that recorded the step (the worker's /metrics). */
export interface ActivityObservations {
  /** A chat's first agent message came this long after it started. */
  firstResponse?(seconds: number): void;
  /** A chat ended with no agent message. */
  chatMissed?(): void;
}

export interface ActivityDeps {
  store: Store;
  producer: JobProducer;
  locks: Locks;
  logger: Logger;
  now: () => Date;
  activity: ActivityOptions;
  observe?: ActivityObservations;
}
