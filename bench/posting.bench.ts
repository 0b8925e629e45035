// `npm run bench` (latency part): how long a visitor's message takes to appear in its Slack
// thread, and a rep's reply in the thread to reach the platform, on an idle product against the
// emulators on this machine: one chat, one message at a time, paced under Slack's per-channel
// limit (one post a second), so the figures are Threadbridge's own latency, not a queue's.
// (Ingress throughput is bench/ingress.bench.ts; the worker's throughput bench/throughput.bench.ts.)
// Writes bench-results/posting.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { launchProduct } from '../sandbox/launch.ts';
import { freePort } from '../local-services/index.ts';
import { summary } from './stats.ts';

const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 20);

async function main(): Promise<void> {
  const logDir = `${process.cwd()}/bench-results/logs`;
  mkdirSync(logDir, { recursive: true });
  const product = await launchProduct({ webPort: await freePort(), workerRuntime: 'node', workers: 1, logDir });
  const { platform, slack } = product.emulators;
  const { orgId, teamId, agents } = product.world;
  try {
    const conversation = await platform.startConversation(orgId, { visitor: { name: 'Latency' } });
    const thread = await waitFor(async () => (await product.store.conversations.get(orgId, conversation.id))?.thread ?? undefined);
    // The first message warms the paths (the org's agents and groups, the thread writer).
    await platform.visitorSays(orgId, conversation.id, 'warm-up');
    await waitFor(() =>
      slack.calls({ method: 'chat.postMessage' }).find((c) => c.params.thread_ts === thread.threadTs && String(c.params.text).includes('warm-up')),
    );
    await new Promise((r) => setTimeout(r, 1200));

    // 1. Webhook sent → chat.postMessage received by Slack, one message every 1.2 s.
    const toThread: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const text = `latency sample ${i}`;
      const sent = Date.now();
      await platform.visitorSays(orgId, conversation.id, text);
      const post = await waitFor(() =>
        slack
          .calls({ method: 'chat.postMessage' })
          .find((c) => c.params.thread_ts === thread.threadTs && String(c.params.text).includes(text) && c.response.ok === true),
      );
      toThread.push(post.at - sent);
      await new Promise((r) => setTimeout(r, 1200));
    }

    // 2. A rep's reply in the thread (Slack's event) → the platform's POST …/messages.
    const toPlatform: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const text = `reply sample ${i}`;
      const sent = Date.now();
      await slack.postAsUser({ teamId, channel: thread.channelId, user: agents.alice.slackUserId, text, threadTs: thread.threadTs });
      const call = await waitFor(() => platform.calls({ method: 'POST', path: /\/messages$/ }).find((c) => JSON.stringify(c.body).includes(text)));
      toPlatform.push(call.at - sent);
      await new Promise((r) => setTimeout(r, 300));
    }

    const results = {
      when: new Date().toISOString(),
      machine: { cores: (await import('node:os')).cpus().length, node: process.version },
      webhookToSlackThread: summary(toThread),
      repReplyToPlatform: summary(toPlatform),
      slack429s: slack.calls().filter((c) => c.httpStatus === 429).length,
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/posting.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      `visitor message webhook → Slack chat.postMessage: p50 ${results.webhookToSlackThread.p50Ms} ms, p99 ${results.webhookToSlackThread.p99Ms} ms over ${results.webhookToSlackThread.count} messages`,
    );
    console.log(
      `rep reply in Slack → platform POST …/messages: p50 ${results.repReplyToPlatform.p50Ms} ms, p99 ${results.repReplyToPlatform.p99Ms} ms over ${results.repReplyToPlatform.count} replies`,
    );
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
