// What the processors need from the outside world, assembled once by the worker
// (src/jobs/worker-main.ts; tests build the same against real Redis, FerretDB and the emulators)
// and handed down: each domain module takes the Pick of it that it uses.
import type { ConversationDeps, ConversationObservations } from '../conversations/conversation-deps.ts';
import type { DirectorySyncDeps, DirectorySyncObservations } from '../directory-sync/directory-sync-deps.ts';
import type { StatusOrder } from '../queues/status-order.ts';

/** Domain events counted by the worker's metrics. */
export type WorkerObservations = ConversationObservations & DirectorySyncObservations;

export interface WorkerDeps extends ConversationDeps, DirectorySyncDeps {
  /** Which of an org's status changes are stored, so its chat starts are routed after them. */
  statusOrder: StatusOrder;
  /** PUBLIC_URL: links to the settings page in what the app posts (the installer's problem DMs). */
  publicUrl: string;
  /** What the processors report for the worker's /metrics (src/jobs/worker-metrics.ts); none in most tests. */
  observe?: WorkerObservations;
}
