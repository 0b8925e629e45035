// `npm run bench`: how fast the ingress answers the chat platform, and how long a visitor's
// message takes to appear in its Slack thread, against the emulators on this machine. Prints the
// figures and writes them to bench-results/posting.json. Messages are paced under Slack's
// per-channel limit so the second figure is Threadbridge's own latency, not Slack's queue.
import { mkdirSync, writeFileSync } from 'node:fs';
import { signedHeaders } from '../emulators/chat-platform/index.ts';
import { launchProduct } from '../sandbox/launch.ts';
import { freePort } from '../local-services/index.ts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { queueNames } from '../src/jobs/queues.ts';
import { round, summary } from './stats.ts';

const INGRESS_REQUESTS = Number(process.env.BENCH_INGRESS_REQUESTS ?? 2000);
const INGRESS_CONCURRENCY = 20;
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 20);


async function main(): Promise<void> {
  const logDir = `${process.cwd()}/bench-results/logs`;
  mkdirSync(logDir, { recursive: true });
  const product = await launchProduct({ webPort: await freePort(), workerRuntime: 'node', workers: 1, logDir });
  const { platform, slack } = product.emulators;
  const { orgId, channelId } = product.world;
  try {
    // 1. Ingress: signed message.created webhooks, as fast as 20 concurrent senders go.
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: INGRESS_CONCURRENCY }, async () => {
        while (next < INGRESS_REQUESTS) {
          const i = next++;
          const body = JSON.stringify({
            id: `evt_bench_${i}`,
            type: 'message.created',
            orgId,
            occurredAt: new Date().toISOString(),
            data: {
              conversationId: `conv_bench_${i % 50}`,
              message: { id: `msg_bench_${i}`, seq: Math.floor(i / 50) + 1, createdAt: new Date().toISOString(), text: `bench ${i}`, author: { type: 'visitor', id: 'v', name: 'Bench', avatarUrl: null }, origin: 'web', attachments: [], clientMessageId: null },
            },
          });
          const t0 = performance.now();
          const res = await fetch(`${product.webUrl}/webhooks/chat`, { method: 'POST', headers: signedHeaders(product.secrets.chatWebhookSecret, body, Date.now()), body });
          await res.arrayBuffer();
          if (res.status !== 202) throw new Error(`ingress answered ${res.status}`);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const ingressSeconds = (performance.now() - started) / 1000;

    // How long the worker takes to work through what the ingress queued.
    const redis = new Redis(product.redisUrl, { maxRetriesPerRequest: null });
    const chatEvents = new Queue(queueNames.chatEvents, { connection: redis, prefix: product.queuePrefix });
    await waitFor(async () => {
      const counts = await chatEvents.getJobCounts('waiting', 'active', 'prioritized');
      return (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0) === 0 ? true : undefined;
    }, 300_000);
    const drainedSeconds = (performance.now() - started) / 1000;
    await chatEvents.close();
    redis.disconnect();

    // 2. Webhook to Slack thread: one chat, one visitor message every 1.2 s (under 1 post/s per channel).
    const conversation = await platform.startConversation(orgId, { visitor: { name: 'Latency' } });
    const threadTs = await waitFor(async () => (await product.store.conversations.get(orgId, conversation.id))?.thread?.threadTs);
    const toThread: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const text = `latency sample ${i}`;
      const sent = Date.now();
      await platform.visitorSays(orgId, conversation.id, text);
      const post = await waitFor(() => slack.calls({ method: 'chat.postMessage' }).find((c) => c.params.thread_ts === threadTs && String(c.params.text).includes(text) && c.response.ok === true));
      toThread.push(post.at - sent);
      await new Promise((r) => setTimeout(r, 1200));
    }

    const results = {
      when: new Date().toISOString(),
      machine: { cores: (await import('node:os')).cpus().length, node: process.version },
      ingress: { ...summary(latencies), requestsPerSecond: round(INGRESS_REQUESTS / ingressSeconds), concurrency: INGRESS_CONCURRENCY },
      workerDrain: { jobs: INGRESS_REQUESTS, seconds: round(drainedSeconds), jobsPerSecond: round(INGRESS_REQUESTS / drainedSeconds) },
      webhookToSlackThread: summary(toThread),
      slack429s: slack.calls().filter((c) => c.httpStatus === 429).length,
      channel: channelId,
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/posting.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log(`ingress (POST /webhooks/chat → 202): p50 ${results.ingress.p50Ms} ms, p99 ${results.ingress.p99Ms} ms, ${results.ingress.requestsPerSecond} req/s at ${INGRESS_CONCURRENCY} concurrent`);
    console.log(`worker: ${INGRESS_REQUESTS} queued events processed in ${results.workerDrain.seconds} s (${results.workerDrain.jobsPerSecond} jobs/s, one worker process)`);
    console.log(`visitor message → Slack thread: p50 ${results.webhookToSlackThread.p50Ms} ms, p99 ${results.webhookToSlackThread.p99Ms} ms over ${results.webhookToSlackThread.count} messages`);
    console.log(`Slack 429s: ${results.slack429s}`);
    console.log('written to bench-results/posting.json');
  } finally {
    await product.stop();
  }
}

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('benchmark timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

main().catch((error) => {
  console.error('benchmark failed:', error);
  process.exit(1);
});
