// `npm run bench` (busy-channel part): how long a new chat's parent message takes to appear in a
// channel that is busy with other chats, at Slack's real pace (one post a second per channel).
// The anchor, measured in the same run, is a new chat's parent in the same channel while it is
// idle. Prints both and writes them to bench-results/busy-channel.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { launchProduct } from '../sandbox/launch.ts';
import { freePort } from '../local-services/index.ts';
import { summary } from './stats.ts';

const CHATS = Number(process.env.BENCH_BUSY_CHATS ?? 30);
const PER_CHAT = Number(process.env.BENCH_BUSY_MESSAGES ?? 4);
const SAMPLES = Number(process.env.BENCH_BUSY_SAMPLES ?? 5);

async function main(): Promise<void> {
  const logDir = `${process.cwd()}/bench-results/logs`;
  mkdirSync(logDir, { recursive: true });
  const product = await launchProduct({ webPort: await freePort(), workerRuntime: 'node', workers: 1, logDir });
  const { platform, slack } = product.emulators;
  const { orgId } = product.world;
  const threadOf = async (conversationId: string) => {
    for (;;) {
      const thread = (await product.store.conversations.get(orgId, conversationId))?.thread;
      if (thread) return thread;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  /** From the webhook to Slack recording the parent post, for a new chat. */
  const newChatLatency = async (name: string) => {
    const sent = Date.now();
    const conversation = await platform.startConversation(orgId, { visitor: { name } });
    const thread = await threadOf(conversation.id);
    const parent = slack.calls({ method: 'chat.postMessage' }).find((c) => c.response.ok === true && c.response.ts === thread.threadTs)!;
    return parent.at - sent;
  };
  try {
    await product.store.orgSettings.save(
      { orgId, channelIdMode: false, globalChannelEnabled: true, globalChannelId: product.world.channelId, answerTimeMs: null },
      new Date(),
    );
    const idle: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      idle.push(await newChatLatency(`Idle ${i}`));
      await new Promise((r) => setTimeout(r, 1200));
    }

    const conversations = await Promise.all(Array.from({ length: CHATS }, (_, i) => platform.startConversation(orgId, { visitor: { name: `Busy ${i}` } })));
    for (let n = 1; n <= PER_CHAT; n++) await Promise.all(conversations.map((c, i) => platform.visitorSays(orgId, c.id, `message ${n} from ${i}`)));
    await Promise.all(conversations.map((c) => threadOf(c.id)));
    const waiting = (await Promise.all(conversations.map((c) => product.store.threadMessages.pending(orgId, c.id, 100)))).flat().length;
    const busy: number[] = [];
    for (let i = 0; i < SAMPLES; i++) busy.push(await newChatLatency(`Newcomer ${i}`));

    const results = {
      when: new Date().toISOString(),
      machine: { cores: (await import('node:os')).cpus().length, node: process.version },
      backlog: { chats: CHATS, messagesPerChat: PER_CHAT, messagesWaitingAtFirstSample: waiting },
      newChatParentIdleChannel: summary(idle),
      newChatParentBusyChannel: summary(busy),
      slack429s: slack.calls().filter((c) => c.httpStatus === 429).length,
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/busy-channel.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      `new chat → parent message, idle channel (anchor): p50 ${results.newChatParentIdleChannel.p50Ms} ms, max ${results.newChatParentIdleChannel.maxMs} ms`,
    );
    console.log(
      `new chat → parent message, channel with ${waiting} messages of ${CHATS} chats waiting: p50 ${results.newChatParentBusyChannel.p50Ms} ms, max ${results.newChatParentBusyChannel.maxMs} ms`,
    );
    console.log(`Slack 429s: ${results.slack429s}`);
    console.log('written to bench-results/busy-channel.json');
  } finally {
    await product.stop();
  }
}

main().catch((error) => {
  console.error('benchmark failed:', error);
  process.exit(1);
});
