// The gauges of GET /metrics, read from MongoDB and the queues.
import type { Queue } from 'bullmq';
import type { ConversationsRepository } from '../store/index.ts';
import type { Gauge } from './metrics-format.ts';

export function deploymentMetrics(conversations: ConversationsRepository, queues: Queue[]): () => Promise<Gauge[]> {
  return async () => {
    const [undeliverable, counts] = await Promise.all([
      conversations.countUndeliverable(),
      Promise.all(queues.map(async (q) => ({ queue: q.name, counts: await q.getJobCounts('waiting', 'active', 'delayed', 'failed') }))),
    ]);
    return [
      { name: 'threadbridge_undeliverable_chats', help: 'Open chats whose notification found no usable Slack target', samples: [{ value: undeliverable }] },
      {
        name: 'threadbridge_queue_jobs',
        help: 'Jobs per queue and state',
        samples: counts.flatMap(({ queue, counts: c }) => Object.entries(c).map(([state, value]) => ({ labels: { queue, state }, value }))),
      },
    ];
  };
}
