// The web process's Prometheus metrics (prom-client), served at GET /metrics: the webhooks it
// accepted and refused (by route and reason) with their latency, and the deployment's state read
// at each scrape from shared stores, so any web process answers for the whole deployment: chats
// with no usable notification target (in all and by reason), dead letters, each queue's jobs by state and the age of its
// oldest waiting job. Plus Node's process metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UndeliverableCode } from '../routing/undeliverable-reasons.ts';

export interface DeploymentReadings {
  undeliverableChats: number;
  undeliverableByReason: Partial<Record<UndeliverableCode, number>>;
  deadLetters: number;
  queues: Array<{ queue: string; counts: Record<string, number>; oldestWaitingAgeSeconds: number }>;
}

export interface WebMetrics {
  registry: Registry;
  /** One signed ingress request answered: 'accepted', or the error code it was refused with. */
  ingress(route: string, outcome: string, seconds: number): void;
}

export function createWebMetrics(read: () => Promise<DeploymentReadings>): WebMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // One read serves the gauges of one scrape (prom-client collects them side by side); the next
  // scrape reads again, so a value is never older than its scrape.
  let pending: Promise<DeploymentReadings> | null = null;
  const readings = () => {
    pending ??= read().finally(() => {
      pending = null;
    });
    return pending;
  };

  const webhooks = new Counter({
    name: 'threadbridge_webhooks_total',
    help: 'Signed ingress requests answered, by route and outcome (accepted, or the error code of the refusal)',
    labelNames: ['route', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'threadbridge_ingress_duration_seconds',
    help: 'Time from a signed ingress request to its answer (queued or refused)',
    labelNames: ['route'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
    registers: [registry],
  });
  new Gauge({
    name: 'threadbridge_undeliverable_chats',
    help: 'Open chats whose notification found no usable Slack target',
    registers: [registry],
    async collect() {
      this.set((await readings()).undeliverableChats);
    },
  });
  new Gauge({
    name: 'threadbridge_undeliverable_chats_by_reason',
    help: 'Open undeliverable chats by reason: slack_not_connected, slack_connection_lost, no_target (the routing rules found no usable target), slack_refused, channel_shared_unconfirmed (held: a channel shared with another company, not confirmed), other',
    labelNames: ['reason'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [reason, chats] of Object.entries((await readings()).undeliverableByReason)) this.set({ reason }, chats);
    },
  });
  new Gauge({
    name: 'threadbridge_dead_letters',
    help: 'Jobs that failed for good, kept 30 days in the dead-letter queue (npm run replay puts them back)',
    registers: [registry],
    async collect() {
      this.set((await readings()).deadLetters);
    },
  });
  new Gauge({
    name: 'threadbridge_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { queue, counts } of (await readings()).queues) for (const [state, value] of Object.entries(counts)) this.set({ queue, state }, value);
    },
  });
  new Gauge({
    name: 'threadbridge_queue_oldest_waiting_seconds',
    help: 'Age of the oldest job waiting to run, per queue (0 when none waits)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { queue, oldestWaitingAgeSeconds } of (await readings()).queues) this.set({ queue }, oldestWaitingAgeSeconds);
    },
  });

  return {
    registry,
    ingress(route, outcome, seconds) {
      webhooks.inc({ route, outcome });
      latency.observe({ route }, seconds);
    },
  };
}
