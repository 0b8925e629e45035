// What GET /metrics reads of the deployment at each scrape: MongoDB's undeliverable chats (by reason) and the
// queues' jobs (web-metrics.ts turns them into gauges).
import type { Queue } from 'bullmq';
import type { ConversationsRepository } from '../store/index.ts';
import { DEAD_LETTER_QUEUE } from '../queues/dead-letters.ts';
import type { DeploymentReadings } from './web-metrics.ts';
import { undeliverableCode, type UndeliverableCode } from '../routing/undeliverable-reasons.ts';

export function deploymentReadings(conversations: ConversationsRepository, queues: Queue[], now: () => number = Date.now): () => Promise<DeploymentReadings> {
  return async () => {
    const [undeliverable, perQueue] = await Promise.all([
      conversations.countUndeliverableByReason(),
      Promise.all(
        queues.map(async (q) => {
          const [counts, [oldest]] = await Promise.all([q.getJobCounts('waiting', 'active', 'delayed', 'failed'), q.getJobs(['wait'], 0, 0, true)]);
          const oldestWaitingAgeSeconds = oldest ? Math.max(0, (now() - oldest.timestamp) / 1000) : 0;
          return { queue: q.name, counts, oldestWaitingAgeSeconds };
        }),
      ),
    ]);
    // A dead letter is parked as a failed job of its queue; one still on its way there is waiting or active.
    const deadLetters = perQueue.find((c) => c.queue === DEAD_LETTER_QUEUE);
    const undeliverableByReason: Partial<Record<UndeliverableCode, number>> = {};
    for (const { reason, chats } of undeliverable) {
      const code = undeliverableCode(reason);
      undeliverableByReason[code] = (undeliverableByReason[code] ?? 0) + chats;
    }
    const undeliverableChats = undeliverable.reduce((sum, r) => sum + r.chats, 0);
    return {
      undeliverableChats,
      undeliverableByReason,
      deadLetters: deadLetters ? Object.values(deadLetters.counts).reduce((a, b) => a + b, 0) : 0,
      queues: perQueue,
    };
  };
}
