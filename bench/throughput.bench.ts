// `npm run bench` (throughput part): how many chats a second one worker process starts and how
// many visitor messages a second it gets into their Slack threads, through the public HTTP
// surface (the platform emulator's webhooks in, the Slack emulator's chat.postMessage out),
// with Slack's limits out of the way: the emulators' rate limits off and the worker's own Slack
// pacing raised to 1,000 posts a second, so the figures are Threadbridge's and its store's.
//
// 200 chats across 50 routing groups, each with its own channel; every chat's parent posted
// first (the chat-start figure), then every chat's visitor writes MESSAGES times, all chats at
// once (the message figure: first message sent → last one seen in its thread). Before each
// store's measured rounds, an unmeasured one of WARMUP_CHATS chats, as a worker in service would long
// since have run: cold (just started, or idle through the seed's minutes), the first chat starts
// ran in V8's interpreter, which cost ~40 % more CPU per start (13–15.25 ms against 9–10.35,
// alternated, 2026-12-07) and decided the seeded round's ratio more than the store did. Then
// BENCH_THROUGHPUT_ROUNDS (3) measured rounds, each figure the median round's. The anchor,
// measured in the same run on the same Redis, is BullMQ's own add + process rate with a
// processor that does nothing: the ratio says how much of the queue's speed the product keeps.
// The one-worker run then fills the store with months of data (100,000 more chats holding
// 2,000,000 messages, bench/seed-store.ts) and runs the same round again: the "flat" figure.
// Run with one worker process (the targets) and with three (the scale-out figure, which says
// whether the worker's CPU or the store is what saturates).
//
// CPU per visitor message and per chat start, in ms, for each of the product's processes (web,
// worker(s) summed, FerretDB, PostgreSQL, Redis) and for all of them together (web + worker +
// store), apart from this process (the bench's client and the emulators it runs), which the
// product's total leaves out. Next to it, measured in the same run on the same servers, the
// pipeline anchor (bench/pipeline-anchor.ts): a signed Fastify route → BullMQ → a worker doing one
// insert and one chat.postMessage, driven the same way; issue 29's target is the product's CPU
// per message within 3× of the anchor's. Writes bench-results/throughput.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { launchProduct, type Launched } from '../sandbox/launch.ts';
import { freePort } from '../local-services/index.ts';
import { ratioOf, round } from './stats.ts';
import { BENCH_KIND, PRODUCT_KINDS, cpuBetween, cpuMsPer, sampleCpu, sumOf } from './cpu-usage.ts';
import { seedStore } from './seed-store.ts';
import { ANCHOR_KINDS, runPipelineAnchor, type PipelineAnchorFigures } from './pipeline-anchor-run.ts';

const CHATS = Number(process.env.BENCH_THROUGHPUT_CHATS ?? 200);
const CHANNELS = Number(process.env.BENCH_THROUGHPUT_CHANNELS ?? 50);
const MESSAGES = Number(process.env.BENCH_THROUGHPUT_MESSAGES ?? 10);
const SEED_CONVERSATIONS = Number(process.env.BENCH_SEED_CONVERSATIONS ?? 100_000);
const SEED_MESSAGES_PER_CHAT = Number(process.env.BENCH_SEED_MESSAGES_PER_CHAT ?? 20);
const ANCHOR_JOBS = Number(process.env.BENCH_ANCHOR_JOBS ?? 5000);
/** Chats (each with MESSAGES messages) through the product before the measured rounds: see runThroughput. */
const WARMUP_CHATS = Number(process.env.BENCH_THROUGHPUT_WARMUP_CHATS ?? 100);
/** Measured rounds on each store, the median one reported (odd, so that it is one of them). */
const ROUNDS = Number(process.env.BENCH_THROUGHPUT_ROUNDS ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS % 2 === 0) throw new Error(`BENCH_THROUGHPUT_ROUNDS must be an odd number, not ${ROUNDS}`);
/** Worker processes per run: one (the targets), then three (the scale-out figure). */
const WORKER_COUNTS = (process.env.BENCH_THROUGHPUT_WORKERS ?? '1,3').split(',').map(Number);
/** The product's worker concurrency (src/config.ts's default unless set), which the pipeline anchor's worker uses too. */
const WORKER_CONCURRENCY = Number(process.env.WORKER_CONCURRENCY ?? 16);

export interface ThroughputFigures {
  workers: number;
  chats: number;
  channels: number;
  /** Each measured round's rates; the figures below are the median round's (MeasuredRounds). */
  rounds: RoundRates[];
  chatStartsPerSecond: number;
  messages: number;
  messagesPerSecond: number;
  bullmqJobsPerSecond: number;
  /** % of one core per kind of process during the message phase (what saturates). */
  cpuDuringMessages: Record<string, number>;
  /** ms of CPU per visitor message, by kind of process (workers summed), during the message phase. */
  cpuPerMessageMs: Record<string, number>;
  /** web + worker + FerretDB + PostgreSQL + Redis, per message (the bench and its emulators left out). */
  cpuPerMessageMsProduct: number;
  /** ms of CPU per chat start, by kind of process, from the first webhook to the last parent in Slack. */
  cpuPerChatStartMs: Record<string, number>;
  cpuPerChatStartMsProduct: number;
  /** The minimal pipeline with the same parts, in the same run (bench/pipeline-anchor.ts). */
  pipelineAnchor: PipelineAnchorFigures;
  /** The product's CPU per message as a multiple of the pipeline anchor's (target: ≤ 3). */
  cpuPerMessageVsAnchor: number;
  /** The same round again after the store was filled with months of data (one-worker run only). */
  seeded: null | {
    seconds: number;
    documents: Record<string, number>;
    rounds: RoundRates[];
    chatStartsPerSecond: number;
    messagesPerSecond: number;
    messagesRatio: number;
    chatStartsRatio: number;
    /** Where a seeded round's time goes, next to the empty round's figures above. */
    cpuPerMessageMs: Record<string, number>;
    cpuPerChatStartMs: Record<string, number>;
  };
}

/** BullMQ alone: jobs added (50 at a time, as many producers would) and processed by a worker doing nothing. */
export async function bullmqAnchor(redisUrl: string, jobs = ANCHOR_JOBS): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const prefix = `bench-anchor-${Date.now()}`;
  const queue = new Queue('anchor', { connection, prefix });
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker('anchor', async () => undefined, { connection: workerConnection, prefix, concurrency: 16 });
  worker.on('completed', () => {
    if (++done === jobs) resolveAll();
  });
  await worker.waitUntilReady();
  const started = performance.now();
  for (let i = 0; i < jobs; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, jobs - i) }, (_, k) => queue.add('noop', { n: i + k }, { removeOnComplete: true })));
  }
  await all;
  const perSecond = jobs / ((performance.now() - started) / 1000);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  workerConnection.disconnect();
  return round(perSecond);
}

/**
 * 50 routing groups with a channel each, picked through the admin API as an admin does (which
 * joins the app to each channel and tells the directory), so chat starts measure the start path,
 * not Slack's Tier 3 pace for conversations.join (50 a minute).
 */
async function routingGroups(product: Launched, channels: number): Promise<{ groupIds: string[]; channelIds: Set<string> }> {
  const { platform, slack } = product.emulators;
  const { orgId, teamId, agents } = product.world;
  await product.store.orgSettings.save({ orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null, answerTimeMs: null }, new Date());
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${product.webUrl}/api/orgs/${encodeURIComponent(orgId)}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${product.secrets.adminApiToken}`, 'content-type': 'application/json' },
    });
  const groupIds: string[] = [];
  const channelIds = new Set<string>();
  for (let i = 0; i < channels; i++) {
    groupIds.push(platform.addRoutingGroup(orgId, { name: `Bench group ${i}`, memberAgentIds: [agents.alice.agentId, agents.bob.agentId] }).id);
    channelIds.add(slack.createChannel(teamId, { name: `bench-${i}`, memberIds: [agents.alice.slackUserId, agents.bob.slackUserId] }).id);
  }
  // The directory hears of new channels by Slack's events.
  const deadline = Date.now() + 120_000;
  const known = async (i: number) => (await api(`/directory/channels/by-name/bench-${i}`)).status === 200;
  while (!(await Promise.all(groupIds.map((_, i) => known(i)))).every(Boolean)) {
    if (Date.now() > deadline) throw new Error('the directory did not learn the bench channels within 2 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
  await Promise.all(
    groupIds.map(async (groupId, i) => {
      for (;;) {
        const res = await api(`/routing-groups/${groupId}/slack-channel`, { method: 'PUT', body: JSON.stringify({ channel: `bench-${i}` }) });
        if (res.status === 200) return;
        if (res.status !== 502 && res.status !== 503) throw new Error(`PUT slack-channel answered ${res.status}: ${await res.text()}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }),
  );
  return { groupIds, channelIds };
}

/** Calls to chat.postMessage that Slack accepted, read incrementally (the log only grows). */
function acceptedPosts(product: Launched) {
  let seen = 0;
  return () => {
    const calls = product.emulators.slack.calls({ method: 'chat.postMessage' });
    const fresh = calls.slice(seen).filter((c) => c.response.ok === true);
    seen = calls.length;
    return fresh;
  };
}

interface RoundFigures {
  chatStartsPerSecond: number;
  messagesPerSecond: number;
  cpuDuringMessages: Record<string, number>;
  cpuPerMessageMs: Record<string, number>;
  cpuPerChatStartMs: Record<string, number>;
  conversationIds: string[];
}

interface RoundRates {
  chatStartsPerSecond: number;
  messagesPerSecond: number;
}

type MeasuredRounds = RoundFigures & { rounds: RoundRates[] };

/**
 * The chat-start figures of the round with the median chat-start rate and the message figures of
 * the round with the median message rate (an odd number of rounds: the middle one's), each set
 * whole, so that a figure's per-process parts add up.
 */
function medianRound(rounds: RoundFigures[]): MeasuredRounds {
  const middle = (rate: (r: RoundFigures) => number) => [...rounds].sort((a, b) => rate(a) - rate(b))[Math.floor((rounds.length - 1) / 2)]!;
  const starts = middle((r) => r.chatStartsPerSecond);
  const messages = middle((r) => r.messagesPerSecond);
  return {
    chatStartsPerSecond: starts.chatStartsPerSecond,
    cpuPerChatStartMs: starts.cpuPerChatStartMs,
    messagesPerSecond: messages.messagesPerSecond,
    cpuDuringMessages: messages.cpuDuringMessages,
    cpuPerMessageMs: messages.cpuPerMessageMs,
    conversationIds: rounds[0]!.conversationIds,
    rounds: rounds.map((r) => ({ chatStartsPerSecond: r.chatStartsPerSecond, messagesPerSecond: r.messagesPerSecond })),
  };
}

/** One round: CHATS chats started at once until every parent is in Slack, then MESSAGES from each, all at once. */
async function runRound(product: Launched, groupIds: string[], channelIds: Set<string>, tag: string, chats = CHATS): Promise<RoundFigures> {
  const { platform } = product.emulators;
  const { orgId } = product.world;
  const posts = acceptedPosts(product);
  posts();

  // 1. Chat starts: every chat's webhook at once, until every parent is in Slack.
  const cpuBeforeStarts = sampleCpu();
  const startedAt = performance.now();
  const wallStart = Date.now();
  const conversations = await Promise.all(
    Array.from({ length: chats }, (_, i) =>
      platform.startConversation(orgId, { routingGroupId: groupIds[i % groupIds.length]!, visitor: { name: `Visitor ${tag}-${i}` } }),
    ),
  );
  // The parents are the only top-level posts in the bench's channels.
  let parents = 0;
  await waitFor(
    () => {
      for (const call of posts()) if (call.params.thread_ts === undefined && channelIds.has(String(call.response.channel))) parents++;
      return parents >= chats ? true : undefined;
    },
    300_000,
    () => `${parents} of ${chats} parents`,
  );
  const chatStartSeconds = (performance.now() - startedAt) / 1000;
  const cpuPerChatStartMs = cpuMsPer(cpuBeforeStarts, sampleCpu(), chats);
  // A webhook the web process did not take on the first attempt waits for the platform's retry (10 s).
  const failedDeliveries = platform.deliveries().filter((d) => !d.ok && d.type === 'conversation.started' && d.at >= wallStart);
  if (failedDeliveries.length > 0)
    console.log(
      `  ${tag}: ${failedDeliveries.length} conversation.started deliveries failed first: ${failedDeliveries.map((d) => d.error ?? d.status).join(', ')}`,
    );

  // 2. Messages: every chat's visitor writes MESSAGES times, all chats at once.
  const expected = new Set<string>();
  const messageStarted = performance.now();
  const cpuBefore = sampleCpu();
  const sending = (async () => {
    for (let n = 1; n <= MESSAGES; n++) {
      await Promise.all(
        conversations.map((c, i) => {
          const text = `bench message ${n} of chat ${tag}-${i}.`;
          expected.add(text);
          return platform.visitorSays(orgId, c.id, text);
        }),
      );
    }
  })();
  const total = chats * MESSAGES;
  await waitForMessages(posts, expected, total);
  await sending;
  const messageSeconds = (performance.now() - messageStarted) / 1000;
  const cpuAfter = sampleCpu();
  return {
    chatStartsPerSecond: round(chats / chatStartSeconds),
    messagesPerSecond: round(total / messageSeconds),
    cpuDuringMessages: cpuBetween(cpuBefore, cpuAfter),
    cpuPerMessageMs: cpuMsPer(cpuBefore, cpuAfter, total),
    cpuPerChatStartMs,
    conversationIds: conversations.map((c) => c.id),
  };
}

/** Until every text in `expected` was seen in a thread post (combined posts carry several). */
async function waitForMessages(posts: ReturnType<typeof acceptedPosts>, expected: Set<string>, total: number): Promise<void> {
  let found = 0;
  await waitFor(
    () => {
      for (const call of posts()) {
        if (call.params.thread_ts === undefined) continue;
        const text = JSON.stringify(call.params);
        for (const m of text.matchAll(/bench message \d+ of chat [\w-]+\./g)) if (expected.delete(m[0])) found++;
      }
      return found >= total ? true : undefined;
    },
    600_000,
    () => `${found} of ${total} messages`,
  );
}

/**
 * Fills the store with SEED_CONVERSATIONS copies of one chat of the first round, given
 * SEED_MESSAGES_PER_CHAT messages first (100,000 × 20 = 2,000,000 messages), as months of use
 * would have: bench/seed-store.ts says how.
 */
async function seedMonths(product: Launched, templateId: string): Promise<{ seconds: number; documents: Record<string, number> }> {
  if (!product.postgresqlUrl) throw new Error('seeding needs the embedded FerretDB on PostgreSQL (no MONGODB_URL)');
  const { platform } = product.emulators;
  const { orgId } = product.world;
  const posts = acceptedPosts(product);
  posts();
  const expected = new Set<string>();
  for (let n = MESSAGES + 1; n <= SEED_MESSAGES_PER_CHAT; n++) {
    const text = `bench message ${n} of chat template-0.`;
    expected.add(text);
    await platform.visitorSays(orgId, templateId, text);
  }
  await waitForMessages(posts, expected, expected.size);
  const thread = (await product.store.conversations.get(orgId, templateId))?.thread;
  if (!thread) throw new Error('the template chat has no thread');
  return seedStore({
    postgresqlUrl: product.postgresqlUrl,
    dbName: product.dbName,
    conversationId: templateId,
    threadTs: thread.threadTs,
    conversations: SEED_CONVERSATIONS,
  });
}

export async function runThroughput(options: { workers: number; seeded: boolean }): Promise<ThroughputFigures> {
  const logDir = `${process.cwd()}/bench-results/logs`;
  mkdirSync(logDir, { recursive: true });
  const product = await launchProduct({
    webPort: await freePort(),
    workerRuntime: 'node',
    workers: options.workers,
    logDir,
    env: { SLACK_CHANNEL_POSTS_PER_SECOND: '1000', SLACK_WORKSPACE_POSTS_PER_SECOND: '1000' },
    emulatorLimits: { slackRateLimits: false, platformRequestsPerSecondPerOrg: 100_000 },
  });
  try {
    const { groupIds, channelIds } = await routingGroups(product, CHANNELS);
    const bullmqJobsPerSecond = await bullmqAnchor(product.redisUrl);
    // Before the product's round, so that nothing the product left to do afterwards runs beside it.
    const pipelineAnchor = await runPipelineAnchor(product, {
      channelIds: [...channelIds],
      chats: CHATS,
      messages: MESSAGES,
      concurrency: WORKER_CONCURRENCY,
    });
    // A worker in service has long since compiled its hot paths; one just started runs its first
    // chats in V8's interpreter, and one left idle for the seed's minutes has had code flushed.
    // Unmeasured, before each store's rounds, so that they compare the store, not the JIT.
    // Then ROUNDS rounds, and the median round's figures: this VM's speed drifts by a third
    // between minutes, and one round (~10 s) fell in a slow minute or a fast one.
    const measured = async (tag: string): Promise<MeasuredRounds> => {
      if (WARMUP_CHATS > 0) await runRound(product, groupIds, channelIds, `warm-up-${tag}`, WARMUP_CHATS);
      const rounds: RoundFigures[] = [];
      for (let n = 1; n <= ROUNDS; n++) rounds.push(await runRound(product, groupIds, channelIds, `${tag}-${n}`));
      return medianRound(rounds);
    };
    const empty = await measured('empty');
    let seeded: ThroughputFigures['seeded'] = null;
    if (options.seeded) {
      const seed = await seedMonths(product, empty.conversationIds[0]!);
      const after = await measured('seeded');
      seeded = {
        ...seed,
        rounds: after.rounds,
        chatStartsPerSecond: after.chatStartsPerSecond,
        messagesPerSecond: after.messagesPerSecond,
        messagesRatio: Math.round((after.messagesPerSecond / empty.messagesPerSecond) * 100) / 100,
        chatStartsRatio: Math.round((after.chatStartsPerSecond / empty.chatStartsPerSecond) * 100) / 100,
        cpuPerMessageMs: after.cpuPerMessageMs,
        cpuPerChatStartMs: after.cpuPerChatStartMs,
      };
    }
    const cpuPerMessageMsProduct = sumOf(empty.cpuPerMessageMs, PRODUCT_KINDS);
    return {
      workers: options.workers,
      chats: CHATS,
      channels: CHANNELS,
      rounds: empty.rounds,
      chatStartsPerSecond: empty.chatStartsPerSecond,
      messages: CHATS * MESSAGES,
      messagesPerSecond: empty.messagesPerSecond,
      bullmqJobsPerSecond,
      cpuDuringMessages: empty.cpuDuringMessages,
      cpuPerMessageMs: empty.cpuPerMessageMs,
      cpuPerMessageMsProduct,
      cpuPerChatStartMs: empty.cpuPerChatStartMs,
      cpuPerChatStartMsProduct: sumOf(empty.cpuPerChatStartMs, PRODUCT_KINDS),
      pipelineAnchor,
      cpuPerMessageVsAnchor: ratioOf(cpuPerMessageMsProduct, pipelineAnchor.cpuPerMessageMsTotal),
      seeded,
    };
  } finally {
    await product.stop();
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, progress: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`benchmark timed out waiting: ${progress()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const perKind = (figures: Record<string, number>, kinds: readonly string[]) => kinds.map((k) => `${k} ${figures[k] ?? 0}`).join(', ');

async function main(): Promise<void> {
  const runs: ThroughputFigures[] = [];
  for (const workers of WORKER_COUNTS) {
    // The flat figure needs one run only: the one-worker run, which the targets are about.
    const figures = await runThroughput({ workers, seeded: workers === 1 && SEED_CONVERSATIONS > 0 });
    runs.push(figures);
    console.log(`${workers} worker process(es): BullMQ alone (anchor) ${figures.bullmqJobsPerSecond} jobs/s added and processed`);
    const rates = (rounds: RoundRates[]) =>
      `chats/s ${rounds.map((r) => r.chatStartsPerSecond).join(', ')}; messages/s ${rounds.map((r) => r.messagesPerSecond).join(', ')}`;
    console.log(`  chat start → parent message: ${figures.chatStartsPerSecond} chats/s (${figures.chats} chats, ${figures.channels} channels)`);
    console.log(
      `  visitor message → thread: ${figures.messagesPerSecond} messages/s (${figures.messages} messages), ×${(figures.messagesPerSecond / figures.bullmqJobsPerSecond).toFixed(3)} of BullMQ's rate`,
    );
    console.log(`  the rounds (the median reported): ${rates(figures.rounds)}`);
    if (figures.seeded) {
      const s = figures.seeded;
      console.log(
        `  with ${Object.entries(s.documents)
          .map(([k, v]) => `${v} ${k}`)
          .join(
            ', ',
          )} more stored (seeded in ${s.seconds} s): ${s.chatStartsPerSecond} chats/s (×${s.chatStartsRatio} of the empty store's), ${s.messagesPerSecond} messages/s (×${s.messagesRatio})`,
      );
      console.log(`  seeded store's rounds (the median reported): ${rates(s.rounds)}`);
      console.log(
        `  seeded store, CPU per visitor message: ${sumOf(s.cpuPerMessageMs, PRODUCT_KINDS)} ms (${perKind(s.cpuPerMessageMs, PRODUCT_KINDS)}); per chat start: ${sumOf(s.cpuPerChatStartMs, PRODUCT_KINDS)} ms (${perKind(s.cpuPerChatStartMs, PRODUCT_KINDS)})`,
      );
    }
    console.log(
      `  CPU while messages flowed (% of one core; ${cpus().length} cores): ${Object.entries(figures.cpuDuringMessages)
        .map(([k, v]) => `${k} ${v}%`)
        .join(', ')}`,
    );
    const anchor = figures.pipelineAnchor;
    console.log(
      `  pipeline anchor (signed Fastify route → BullMQ → worker: 1 insert + 1 chat.postMessage): ${anchor.messagesPerSecond} messages/s (×${ratioOf(figures.messagesPerSecond, anchor.messagesPerSecond)} the product's rate is of it)`,
    );
    console.log(
      `  CPU per visitor message, product: ${figures.cpuPerMessageMsProduct} ms (${perKind(figures.cpuPerMessageMs, PRODUCT_KINDS)}); ` +
        `anchor: ${anchor.cpuPerMessageMsTotal} ms (${perKind(anchor.cpuPerMessageMs, ANCHOR_KINDS)}); ` +
        `product ×${figures.cpuPerMessageVsAnchor} of the anchor (target ≤ ×3); bench + emulators ${figures.cpuPerMessageMs[BENCH_KIND] ?? 0} ms, left out`,
    );
    console.log(
      `  CPU per chat start, product: ${figures.cpuPerChatStartMsProduct} ms (${perKind(figures.cpuPerChatStartMs, PRODUCT_KINDS)}); bench + emulators ${figures.cpuPerChatStartMs[BENCH_KIND] ?? 0} ms, left out`,
    );
  }
  const one = runs.find((r) => r.workers === 1);
  const most = runs.at(-1);
  const scaleOut =
    one && most && most.workers > 1
      ? {
          workers: most.workers,
          messagesRatio: ratioOf(most.messagesPerSecond, one.messagesPerSecond),
          chatStartsRatio: ratioOf(most.chatStartsPerSecond, one.chatStartsPerSecond),
        }
      : null;
  if (scaleOut)
    console.log(
      `scale-out: ${scaleOut.workers} workers give ×${scaleOut.messagesRatio} the messages/s and ×${scaleOut.chatStartsRatio} the chat starts/s of one`,
    );
  const results = { when: new Date().toISOString(), machine: { cores: cpus().length, node: process.version }, runs, scaleOut };
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/throughput.json', `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error) => {
  console.error('benchmark failed:', error);
  process.exit(1);
});
