// The gauges of GET /metrics, read from MongoDB and the queues.
import type { Queue } from 'bullmq';
import type { ConversationsRepository } from '../store/index.ts';
import { DEAD_LETTER_QUEUE } from '../jobs/dead-letters.ts';
import type { Gauge } from './metrics-format.ts';

export function deploymentMetrics(conversations: ConversationsRepository, queues: Queue[]): () => Promise<Gauge[]> {
  return async () => {
    const [undeliverable, counts] = await Promise.all([
      conversations.countUndeliverable(),
      Promise.all(queues.map(async (q) => ({ queue: q.name, counts: await q.getJobCounts('waiting', 'active', 'delayed', 'failed') }))),
    ]);
    // A dead letter is parked as a failed job of its queue; one still on its way there is waiting or active.
    const deadLetters = counts.find((c) => c.queue === DEAD_LETTER_QUEUE);
    return [
      { name: 'threadbridge_undeliverable_chats', help: 'Open chats whose notification found no usable Slack target', samples: [{ value: undeliverable }] },
      {
        name: 'threadbridge_dead_letters',
        help: 'Jobs that failed for good, kept 30 days in the dead-letter queue (npm run replay puts them back)',
        samples: [{ value: deadLetters ? Object.values(deadLetters.counts).reduce((a, b) => a + b, 0) : 0 }],
      },
      {
        name: 'threadbridge_queue_jobs',
        help: 'Jobs per queue and state',
        samples: counts.flatMap(({ queue, counts: c }) => Object.entries(c).map(([state, value]) => ({ labels: { queue, state }, value }))),
      },
    ];
  };
}
