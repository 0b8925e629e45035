// `npm run bench` (latency under load): how long a visitor's message takes to reach its Slack
// thread when many workspaces are busy at once, with Slack's rate limits on (the emulator's
// defaults, as Slack documents them) and one worker process.
//
// 1. Spread load: LOADED_ORGS workspaces, each with LOADED_CHATS_PER_ORG chats in channels of
//    their own (a routing group each), visitors writing LOADED_RATE messages a second in total
//    for LOADED_SECONDS, after LOADED_WARMUP_SECONDS of the same load unmeasured. Webhook sent →
//    chat.postMessage received, per message (a combined post counts for each message it carries).
// 2. A flood next to a quiet org: one org's chats write LOADED_FLOOD_RATE messages a second
//    while another org's visitor writes one a second: the quiet org's latency.
// Messages not in Slack two minutes after the last was sent count as lost. For the spread load it
// also says where the time went (the chat-events queue's own timestamps: waiting in the queue,
// then the job) and what each process spent per message, so a p99 over its target names its
// cause: a queue that grows because the machine's cores are spent, or slow jobs. Writes
// bench-results/loaded-latency.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { launchProduct, type Launched } from '../sandbox/launch.ts';
import { freePort } from '../local-services/index.ts';
import { Queue } from 'bullmq';
import { round, summary } from './stats.ts';
import { BENCH_KIND, PRODUCT_KINDS, cpuMsPer, sampleCpu, sumOf } from './cpu-usage.ts';
import { queueNames } from '../src/queues/queues.ts';

const ORGS = Number(process.env.BENCH_LOADED_ORGS ?? 100);
const CHATS_PER_ORG = Number(process.env.BENCH_LOADED_CHATS_PER_ORG ?? 10);
const RATE = Number(process.env.BENCH_LOADED_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_LOADED_SECONDS ?? 10);
/** The same load, unmeasured, before the measured seconds: see main. */
const WARMUP_SECONDS = Number(process.env.BENCH_LOADED_WARMUP_SECONDS ?? 3);
const FLOOD_RATE = Number(process.env.BENCH_LOADED_FLOOD_RATE ?? 100);
const DRAIN_MS = 120_000;

interface BenchOrg {
  orgId: string;
  conversationIds: string[];
  channelIds: string[];
}

/** A connected workspace and its org, with a routing group and channel per chat, and its chats started. */
async function connectOrg(product: Launched, n: number): Promise<BenchOrg> {
  const { slack, platform } = product.emulators;
  const team = slack.createTeam({ name: `Load ${n}`, domain: `load-${n}` });
  const rep = slack.createUser(team.id, { name: `rep${n}`, realName: `Rep ${n}`, email: `rep${n}@load.test` });
  const org = platform.createOrg({ name: `Load ${n}` });
  const agent = platform.addAgent(org.id, { name: `Rep ${n}`, email: `rep${n}@load.test`, status: 'online' });
  // Two members a group: a group of one is notified by DM, not in its channel.
  const peer = slack.createUser(team.id, { name: `peer${n}`, realName: `Peer ${n}`, email: `peer${n}@load.test` });
  const peerAgent = platform.addAgent(org.id, { name: `Peer ${n}`, email: `peer${n}@load.test`, status: 'online' });
  // Stored as the OAuth callback stores it: a hundred installs from one address would meet the
  // install page's rate limit (the OAuth path has its own tests and the other benches).
  const install = slack.install(team.id);
  const saved = await product.store.installations.save(
    {
      teamId: team.id,
      teamName: `Load ${n}`,
      enterpriseId: null,
      orgId: org.id,
      appId: install.appId,
      botUserId: install.botUserId,
      scopes: install.scopes,
      installerUserId: rep.id,
      botToken: install.botToken,
      refreshToken: null,
      tokenExpiresAt: null,
    },
    new Date(),
  );
  if (!saved.ok) throw new Error(`could not store the installation: ${saved.reason}`);
  const now = new Date();
  await product.store.orgSettings.save({ orgId: org.id, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null, answerTimeMs: null }, now);
  await product.store.agentMappings.map({ orgId: org.id, agentId: agent.id, teamId: team.id, slackUserId: rep.id }, now);
  await product.store.agentMappings.map({ orgId: org.id, agentId: peerAgent.id, teamId: team.id, slackUserId: peer.id }, now);
  const channelIds: string[] = [];
  const groupIds: string[] = [];
  for (let i = 0; i < CHATS_PER_ORG; i++) {
    const group = platform.addRoutingGroup(org.id, { name: `Group ${i}`, memberAgentIds: [agent.id, peerAgent.id] });
    const channel = slack.createChannel(team.id, { name: `load-${n}-${i}`, memberIds: [rep.id, peer.id] });
    // Recorded as the admin API records a choice; the app joins the channel with its first thread.
    await product.store.slackRouting.setGroupChannel(org.id, group.id, channel.id, now);
    channelIds.push(channel.id);
    groupIds.push(group.id);
  }
  const conversations = await Promise.all(
    groupIds.map((routingGroupId, i) => platform.startConversation(org.id, { routingGroupId, visitor: { name: `Visitor ${n}-${i}` } })),
  );
  return { orgId: org.id, conversationIds: conversations.map((c) => c.id), channelIds };
}

/** When each bench message reached Slack, read incrementally from the emulator's call log. */
function arrivals(product: Launched) {
  let seen = 0;
  const at = new Map<string, number>();
  return {
    read() {
      const calls = product.emulators.slack.calls({ method: 'chat.postMessage' });
      for (const call of calls.slice(seen)) {
        if (call.response.ok !== true || call.params.thread_ts === undefined) continue;
        for (const m of JSON.stringify(call.params).matchAll(/lm-\d+-\d+\b/g)) if (!at.has(m[0])) at.set(m[0], call.at);
      }
      seen = calls.length;
      return at;
    },
  };
}

interface Sent {
  id: string;
  orgId: string;
  at: number;
}

/** Sends `perSecond` messages a second for `seconds`, round-robin over `chats`, in 50 ms ticks. */
async function sendAtRate(
  product: Launched,
  chats: Array<{ orgId: string; conversationId: string }>,
  perSecond: number,
  seconds: number,
  tag: number,
  sent: Sent[],
): Promise<void> {
  const { platform } = product.emulators;
  const tickMs = 50;
  const start = Date.now();
  let count = 0;
  const inFlight: Promise<unknown>[] = [];
  while (Date.now() - start < seconds * 1000) {
    const due = Math.floor(((Date.now() - start) / 1000) * perSecond);
    for (; count < due; count++) {
      const chat = chats[count % chats.length]!;
      const id = `lm-${tag}-${count}`;
      sent.push({ id, orgId: chat.orgId, at: Date.now() });
      inFlight.push(platform.visitorSays(chat.orgId, chat.conversationId, `Question ${id} about pricing.`));
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(inFlight);
}

async function drain(seen: ReturnType<typeof arrivals>, sent: Sent[]): Promise<void> {
  const deadline = Date.now() + DRAIN_MS;
  while (Date.now() < deadline) {
    const at = seen.read();
    if (sent.every((s) => at.has(s.id))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Where the spread load's time went, from the chat-events queue's completed jobs (kept for an
 * hour): from the job's enqueueing to its start, and from its start to its end.
 */
async function stages(product: Launched, sent: Sent[]) {
  const queue = new Queue(queueNames.chatEvents, { connection: { url: product.redisUrl }, prefix: product.queuePrefix });
  try {
    const ids = new Set(sent.map((s) => s.id));
    const waits: number[] = [];
    const runs: number[] = [];
    for (const job of await queue.getJobs(['completed'], 0, -1)) {
      const tag = /lm-\d+-\d+\b/.exec(JSON.stringify(job.data))?.[0];
      if (!tag || !ids.has(tag) || !job.processedOn || !job.finishedOn) continue;
      waits.push(job.processedOn - job.timestamp);
      runs.push(job.finishedOn - job.processedOn);
    }
    return { queueWait: summary(waits), job: summary(runs) };
  } finally {
    await queue.close();
  }
}

function latencies(seen: ReturnType<typeof arrivals>, sent: Sent[]) {
  const at = seen.read();
  const posted = sent.filter((s) => at.has(s.id));
  return { ...summary(posted.map((s) => at.get(s.id)! - s.at)), lost: sent.length - posted.length };
}

async function main(): Promise<void> {
  const logDir = `${process.cwd()}/bench-results/logs`;
  mkdirSync(logDir, { recursive: true });
  const product = await launchProduct({ webPort: await freePort(), workerRuntime: 'node', workers: 1, logDir });
  try {
    const setupStarted = Date.now();
    const orgs: BenchOrg[] = [];
    for (let n = 0; n < ORGS; n++) orgs.push(await connectOrg(product, n));
    const parents = new Set(orgs.flatMap((o) => o.channelIds));
    const deadline = Date.now() + 600_000;
    for (;;) {
      const opened = new Set(
        product.emulators.slack
          .calls({ method: 'chat.postMessage' })
          .filter((c) => c.response.ok === true && c.params.thread_ts === undefined)
          .map((c) => String(c.response.channel)),
      );
      const missing = [...parents].filter((c) => !opened.has(c)).length;
      if (missing === 0) break;
      if (Date.now() > deadline) throw new Error(`${missing} of ${parents.size} chats have no parent message after 10 minutes`);
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`loaded latency: ${ORGS} workspaces, ${ORGS * CHATS_PER_ORG} chats open in ${round((Date.now() - setupStarted) / 1000)} s (Slack's limits on)`);

    // 1. Spread load.
    const seen = arrivals(product);
    seen.read();
    const chats = orgs.flatMap((o) => o.conversationIds.map((conversationId) => ({ orgId: o.orgId, conversationId })));
    // The worker has started every chat but written no message yet: its message path would run its
    // first second in V8's interpreter, and at this load (most of the two cores) the backlog of that
    // second drains slowly enough to decide the p99. A deployment's workers run for days.
    if (WARMUP_SECONDS > 0) {
      const warmUp: Sent[] = [];
      await sendAtRate(product, chats, RATE, WARMUP_SECONDS, 0, warmUp);
      await drain(seen, warmUp);
    }
    const spread: Sent[] = [];
    const cpuBefore = sampleCpu();
    await sendAtRate(product, chats, RATE, SECONDS, 1, spread);
    await drain(seen, spread);
    const cpuPerMessageMs = cpuMsPer(cpuBefore, sampleCpu(), spread.length);
    const spreadFigures = latencies(seen, spread);
    const spreadStages = await stages(product, spread);
    console.log(
      `  ${RATE} messages/s over ${chats.length} chats for ${SECONDS} s: p50 ${spreadFigures.p50Ms} ms, p99 ${spreadFigures.p99Ms} ms, max ${spreadFigures.maxMs} ms, lost ${spreadFigures.lost} (target p99 < 1000 ms)`,
    );
    console.log(
      `    in the queue p50 ${spreadStages.queueWait.p50Ms} ms, p99 ${spreadStages.queueWait.p99Ms} ms; the job p50 ${spreadStages.job.p50Ms} ms, p99 ${spreadStages.job.p99Ms} ms`,
    );
    console.log(
      `    CPU per message: product ${round(sumOf(cpuPerMessageMs, PRODUCT_KINDS))} ms (${PRODUCT_KINDS.map((k) => `${k} ${cpuPerMessageMs[k] ?? 0}`).join(', ')}), ${BENCH_KIND} ${cpuPerMessageMs[BENCH_KIND] ?? 0} ms; ${cpus().length} cores`,
    );

    // 2. One org floods, another stays quiet.
    const [flooder, quiet] = [orgs[0]!, orgs[1]!];
    const flood: Sent[] = [];
    const calm: Sent[] = [];
    await Promise.all([
      sendAtRate(
        product,
        flooder.conversationIds.map((conversationId) => ({ orgId: flooder.orgId, conversationId })),
        FLOOD_RATE,
        SECONDS,
        2,
        flood,
      ),
      sendAtRate(product, [{ orgId: quiet.orgId, conversationId: quiet.conversationIds[0]! }], 1, SECONDS, 3, calm),
    ]);
    await drain(seen, [...flood, ...calm]);
    const floodFigures = latencies(seen, flood);
    const quietFigures = latencies(seen, calm);
    console.log(
      `  one org flooding at ${FLOOD_RATE} messages/s: its p99 ${floodFigures.p99Ms} ms; the quiet org next to it: p50 ${quietFigures.p50Ms} ms, p99 ${quietFigures.p99Ms} ms, lost ${quietFigures.lost} (target p99 < 1000 ms)`,
    );

    const results = {
      when: new Date().toISOString(),
      machine: { cores: cpus().length, node: process.version },
      setup: { workspaces: ORGS, chats: chats.length, messagesPerSecond: RATE, seconds: SECONDS, floodMessagesPerSecond: FLOOD_RATE },
      spread: { ...spreadFigures, stages: spreadStages, cpuPerMessageMs, cpuPerMessageMsProduct: round(sumOf(cpuPerMessageMs, PRODUCT_KINDS)) },
      flood: floodFigures,
      quietNextToFlood: quietFigures,
      slack429s: product.emulators.slack.calls().filter((c) => c.httpStatus === 429).length,
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/loaded-latency.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log('written to bench-results/loaded-latency.json');
  } finally {
    await product.stop();
  }
}

main().catch((error) => {
  console.error('benchmark failed:', error);
  process.exit(1);
});
