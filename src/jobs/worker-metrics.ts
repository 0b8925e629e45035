// A worker process's Prometheus metrics (prom-client), served on METRICS_PORT when it is set:
// jobs by queue and outcome with their durations, and Slack Web API calls by method and outcome
// (ok, Slack's error code, ratelimited) with the waits its 429s asked for, and the chat platform's
// API calls by operation and outcome, posts that combined several chat messages, and directory
// sync progress (pages and items stored, runs completed), and chats' first-response times and
// missed chats (no org label: thousands of orgs would be thousands of series). Each worker process serves its own;
// Prometheus sums them. Read as the web's /metrics is (src/metrics-access.ts): in production only
// with METRICS_TOKEN, unless METRICS_PUBLIC=true.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WorkerObservations } from './worker-deps.ts';
import { errors } from '../errors/index.ts';
import { METRICS_CHALLENGE, metricsGate, type MetricsAccess } from '../metrics-access.ts';

/**
 * How a job run ended: done; put off without using an attempt (a lock, Slack's budget or 429);
 * waiting out an outage; to be retried (an attempt used); failed for good (dead-lettered).
 */
export type JobOutcome = 'completed' | 'delayed' | 'outage' | 'retried' | 'failed';

export interface WorkerMetrics {
  registry: Registry;
  job(queue: string, outcome: JobOutcome, seconds: number): void;
  slackCall(method: string, outcome: string, retryAfterSeconds?: number): void;
  platformCall(operation: string, outcome: string): void;
  /** The processors' domain events (WorkerDeps.observe). */
  observations: WorkerObservations;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const jobs = new Counter({
    name: 'threadbridge_jobs_total',
    help: 'Job runs, by queue and outcome (completed, delayed without using an attempt, outage, retried, failed for good)',
    labelNames: ['queue', 'outcome'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'threadbridge_job_duration_seconds',
    help: 'How long a job ran, by queue',
    labelNames: ['queue'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const slackCalls = new Counter({
    name: 'threadbridge_slack_calls_total',
    help: 'Slack Web API calls, by method and outcome (ok, Slack’s error code, ratelimited)',
    labelNames: ['method', 'outcome'],
    registers: [registry],
  });
  const platformCalls = new Counter({
    name: 'threadbridge_platform_calls_total',
    help: 'Chat platform API calls, by operation (method and path template) and outcome (ok, or the error code)',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const slackWaits = new Counter({
    name: 'threadbridge_slack_retry_after_seconds_total',
    help: 'Seconds Slack’s 429 answers asked to wait, by method',
    labelNames: ['method'],
    registers: [registry],
  });
  const combinedPosts = new Counter({
    name: 'threadbridge_posts_combined_total',
    help: 'Slack posts that carried several chat messages at once (queued behind the channel’s posting limit)',
    registers: [registry],
  });
  const combinedMessages = new Counter({
    name: 'threadbridge_posts_combined_messages_total',
    help: 'Chat messages that went out in a combined post',
    registers: [registry],
  });
  const syncPages = new Counter({
    name: 'threadbridge_directory_sync_pages_total',
    help: 'Pages of channels or users a directory sync stored, by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const syncItems = new Counter({
    name: 'threadbridge_directory_sync_items_total',
    help: 'Channels or users a directory sync stored, by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const syncsCompleted = new Counter({
    name: 'threadbridge_directory_syncs_completed_total',
    help: 'Directory sync runs completed (each becomes its workspace’s directory), by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const firstResponses = new Histogram({
    name: 'threadbridge_first_response_seconds',
    help: 'Time from a chat’s start to its first agent message (from Slack or the console), once per chat',
    buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600],
    registers: [registry],
  });
  const missedChats = new Counter({
    name: 'threadbridge_chats_missed_total',
    help: 'Chats that ended with no agent message, once per chat',
    registers: [registry],
  });
  return {
    registry,
    observations: {
      firstResponse(seconds) {
        firstResponses.observe(seconds);
      },
      chatMissed() {
        missedChats.inc();
      },
      combinedPost(messages) {
        combinedPosts.inc();
        combinedMessages.inc(messages);
      },
      directorySyncPage(kind, items) {
        syncPages.inc({ kind });
        syncItems.inc({ kind }, items);
      },
      directorySyncCompleted(kind) {
        syncsCompleted.inc({ kind });
      },
    },
    job(queue, outcome, seconds) {
      jobs.inc({ queue, outcome });
      durations.observe({ queue }, seconds);
    },
    slackCall(method, outcome, retryAfterSeconds) {
      slackCalls.inc({ method, outcome });
      if (retryAfterSeconds !== undefined) slackWaits.inc({ method }, retryAfterSeconds);
    },
    platformCall(operation, outcome) {
      platformCalls.inc({ operation, outcome });
    },
  };
}

const sendJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

/** GET /metrics on its own port (no other path), for those `access` lets in; close() when the worker stops. */
export function serveMetrics(registry: Registry, port: number, access: MetricsAccess, host = '0.0.0.0'): Promise<Server> {
  const refusalOf = metricsGate(access);
  const { metrics_unauthorized: unauthorized } = errors;
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      sendJson(response, 404, { error: { code: 'not_found', message: 'Only GET /metrics here' } });
      return;
    }
    const refusal = refusalOf(request.headers.authorization);
    if (refusal) {
      const message = refusal.detail ? `${unauthorized.message}: ${refusal.detail}` : unauthorized.message;
      sendJson(response, unauthorized.statusCode, { error: { code: unauthorized.code, message } }, { 'www-authenticate': METRICS_CHALLENGE });
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => sendJson(response, 500, { error: { code: 'internal', message: 'Metrics could not be read' } }),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
