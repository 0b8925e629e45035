// `npm run bench` (shortcut part): the time from a rep's click on a message shortcut to the
// modal's views.open at Slack, while 5,000 visitor messages wait in the queues behind it. Slack
// drops a trigger_id after 3 seconds, so this is the figure that decides whether modals open
// on a busy day. Prints the figures and writes them to bench-results/shortcuts.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { launchProduct } from '../sandbox/launch.ts';
import { freePort } from '../local-services/index.ts';
import { createQueues } from '../src/queues/queues.ts';
import type { ChatEvent } from '../src/platform/webhook-events.ts';
import { summary } from './stats.ts';

const QUEUED = Number(process.env.BENCH_SHORTCUT_QUEUED ?? 5000);
const SAMPLES = Number(process.env.BENCH_SHORTCUT_SAMPLES ?? 100);

async function main(): Promise<void> {
  const logDir = `${process.cwd()}/bench-results/logs`;
  mkdirSync(logDir, { recursive: true });
  const product = await launchProduct({ webPort: await freePort(), workerRuntime: 'node', workers: 1, logDir });
  const { platform, slack } = product.emulators;
  const { orgId, teamId, channelId, agents } = product.world;
  const redis = new Redis(product.redisUrl, { maxRetriesPerRequest: null });
  const queues = createQueues(redis, product.queuePrefix);
  try {
    // A chat with its thread, for the shortcut to be used on.
    const conversation = await platform.startConversation(orgId, { visitor: { name: 'Bench Visitor' } });
    let threadTs: string | undefined;
    for (let i = 0; i < 300 && !threadTs; i++) {
      threadTs = (await product.store.conversations.get(orgId, conversation.id))?.thread?.threadTs;
      if (!threadTs) await new Promise((r) => setTimeout(r, 100));
    }
    if (!threadTs) throw new Error('the chat got no thread');

    // 5,000 visitor messages queued at once (as a burst of webhooks would leave them), spread
    // over 100 other chats so they are real work for the workers.
    const now = new Date().toISOString();
    const events: ChatEvent[] = Array.from(
      { length: QUEUED },
      (_, i) =>
        ({
          id: `evt_backlog_${i}`,
          type: 'message.created',
          orgId,
          occurredAt: now,
          data: {
            conversationId: `conv_backlog_${i % 100}`,
            message: {
              id: `msg_backlog_${i}`,
              seq: Math.floor(i / 100) + 1,
              createdAt: now,
              text: `backlog ${i}`,
              author: { type: 'visitor', id: 'v', name: 'Backlog', avatarUrl: null },
              origin: 'web',
              attachments: [],
              clientMessageId: null,
            },
          },
        }) as ChatEvent,
    );
    await queues.chatEvents.addBulk(events.map((e) => ({ name: e.type, data: e })));

    const latencies: number[] = [];
    const waitingAtClick: number[] = [];
    for (let n = 0; n < SAMPLES; n++) {
      const before = slack.calls({ method: 'views.open' }).length;
      waitingAtClick.push(await queues.chatEvents.getWaitingCount());
      const t0 = performance.now();
      const clicked = await slack.messageShortcut({
        teamId,
        userId: agents.alice.slackUserId,
        channel: channelId,
        messageTs: threadTs,
        callbackId: n % 2 ? 'collect_info' : 'book_meeting',
      });
      if (clicked.status !== 200) throw new Error(`the shortcut was answered ${clicked.status}`);
      for (;;) {
        const opened = slack.calls({ method: 'views.open' }).slice(before);
        if (opened.length > 0) {
          if (opened[0]!.response['ok'] !== true) throw new Error(`views.open failed: ${JSON.stringify(opened[0]!.response)}`);
          break;
        }
        if (performance.now() - t0 > 10_000) throw new Error('no views.open within 10 s');
        await new Promise((r) => setTimeout(r, 5));
      }
      latencies.push(performance.now() - t0);
      // The rep closes the modal before the next click.
      await new Promise((r) => setTimeout(r, 100));
    }
    const results = {
      queuedMessages: QUEUED,
      chatEventsStillWaiting: { first: waitingAtClick[0], last: waitingAtClick.at(-1) },
      shortcutToViewsOpen: summary(latencies),
      samplesMs: latencies.map((l) => Math.round(l)),
      slackTriggerLifetimeMs: 3000,
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/shortcuts.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      `shortcut click → views.open with ${QUEUED} messages queued: p50 ${results.shortcutToViewsOpen.p50Ms} ms, p99 ${results.shortcutToViewsOpen.p99Ms} ms, max ${results.shortcutToViewsOpen.maxMs} ms (${results.chatEventsStillWaiting.first} → ${results.chatEventsStillWaiting.last} still waiting)`,
    );
    console.log('written to bench-results/shortcuts.json');
  } finally {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    redis.disconnect();
    await product.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
