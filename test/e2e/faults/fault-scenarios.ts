// The faults Threadbridge must survive, each run against a fault world of its own and measured
// by what the emulators received: every message sent, delivered once, lost, duplicated, out of
// order, and how long after the fault ended the last one arrived. The fault tests assert 0 lost,
// 0 duplicated, 0 out of order; `npm run faults` prints the rows and writes them to
// bench-results/faults.json.
import { startFaultWorld, type FaultWorld } from './fault-world.ts';
import { slackFaults } from '../../../emulators/slack/fault-injection.ts';
import type { Runtime } from '../../../sandbox/processes.ts';

export interface FaultRow {
  fault: string;
  runtime: Runtime;
  sent: number;
  deliveredOnce: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** From the end of the fault to the last message delivered (null: not all delivered in time). */
  secondsToRecover: number | null;
  /** Anything else the scenario checks (a chat's parent posted more than once, dead letters…). */
  notes: string[];
}

/** Durations, so a quick run can shorten what the full runs use (60 s outages). */
export interface FaultOptions {
  outageMs?: number;
  /** The longest a scenario waits for everything to arrive after its fault. */
  recoveryTimeoutMs?: number;
}

interface Chat {
  id: string;
  visitor: string;
  texts: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What Slack shows of the chats: per chat its parents in the channel and the lines of its thread. */
function slackReport(w: FaultWorld, chats: Chat[]) {
  const messages = w.emulators.slack.messages(w.channelId);
  let sent = 0;
  let deliveredOnce = 0;
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  const notes: string[] = [];
  for (const chat of chats) {
    const parents = messages.filter((m) => (!m.thread_ts || m.thread_ts === m.ts) && m.text === `New chat from ${chat.visitor}`);
    if (parents.length > 1) notes.push(`${chat.visitor}: ${parents.length} parent messages`);
    duplicated += Math.max(0, parents.length - 1);
    const lines = parents.flatMap((p) => messages.filter((m) => m.thread_ts === p.ts && m.ts !== p.ts)).flatMap((m) => m.text.split('\n'));
    let lastAt = -1;
    for (const text of chat.texts) {
      sent++;
      const line = `${chat.visitor} (visitor): ${text}`;
      const count = lines.filter((l) => l === line).length;
      if (count === 0) lost++;
      else if (count === 1) deliveredOnce++;
      else duplicated++;
      const at = lines.indexOf(line);
      if (at !== -1) {
        if (at < lastAt) outOfOrder++;
        lastAt = Math.max(lastAt, at);
      }
    }
  }
  return { sent, deliveredOnce, lost, duplicated, outOfOrder, notes };
}

/** What the platform has of the reps' replies from Slack, per chat in its order. */
function platformReport(w: FaultWorld, replies: Array<{ conversationId: string; texts: string[] }>) {
  let sent = 0;
  let deliveredOnce = 0;
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  for (const chat of replies) {
    const got = w.emulators.platform
      .conversation(w.orgId, chat.conversationId)
      .messages.filter((m) => m.origin === 'slack')
      .map((m) => m.text);
    let lastAt = -1;
    for (const text of chat.texts) {
      sent++;
      const count = got.filter((t) => t === text).length;
      if (count === 0) lost++;
      else if (count === 1) deliveredOnce++;
      else duplicated++;
      const at = got.indexOf(text);
      if (at !== -1) {
        if (at < lastAt) outOfOrder++;
        lastAt = Math.max(lastAt, at);
      }
    }
  }
  return { sent, deliveredOnce, lost, duplicated, outOfOrder, notes: [] as string[] };
}

type Report = ReturnType<typeof slackReport>;

/** Polls `report` until nothing is lost or the deadline passes; the seconds since `faultEndedAt`, or null. */
async function recovery(report: () => Report, faultEndedAt: number, timeoutMs: number): Promise<{ last: Report; seconds: number | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = report();
    if (last.lost === 0) {
      // A moment more: a duplicate or a late message would show now.
      const at = Date.now();
      await sleep(2000);
      return { last: report(), seconds: Math.round((at - faultEndedAt) / 100) / 10 };
    }
    if (Date.now() > deadline) return { last, seconds: null };
    await sleep(250);
  }
}

async function startChats(w: FaultWorld, count: number, tag: string): Promise<Chat[]> {
  const chats: Chat[] = [];
  for (let i = 0; i < count; i++) {
    const visitor = `${tag} visitor ${i + 1}`;
    const conversation = await w.emulators.platform.startConversation(w.orgId, { visitor: { name: visitor } });
    chats.push({ id: conversation.id, visitor, texts: [] });
  }
  return chats;
}

async function say(w: FaultWorld, chat: Chat, text: string): Promise<void> {
  chat.texts.push(text);
  await w.emulators.platform.visitorSays(w.orgId, chat.id, text);
}

async function deadLetterNote(w: FaultWorld): Promise<string[]> {
  const count = await w.producer.deadLetters.count();
  return count > 0 ? [`${count} dead letter(s)`] : [];
}

function row(fault: string, w: FaultWorld, report: Report, seconds: number | null, extra: string[] = []): FaultRow {
  return {
    fault,
    runtime: w.runtime,
    sent: report.sent,
    deliveredOnce: report.deliveredOnce,
    lost: report.lost,
    duplicated: report.duplicated,
    outOfOrder: report.outOfOrder,
    secondsToRecover: seconds,
    notes: [...report.notes, ...extra],
  };
}

/**
 * A worker SIGKILLed mid-burst, two workers: its jobs come back as stalled (after their 30 s
 * lock) and its thread locks lapse; the other worker delivers everything, once, in order. The
 * kill lands between two posts (half a posting slot after one), not inside the one window no
 * design closes (between Slack taking a post and the worker recording it: see
 * test/jobs/crash-safety.redis.test.ts).
 */
export async function workerKilled(runtime: Runtime, options: FaultOptions = {}): Promise<FaultRow> {
  const w = await startFaultWorld({ name: `kill-${runtime}`, runtime, workers: 2 });
  try {
    const chats = await startChats(w, 6, `Kill ${runtime}`);
    for (let n = 1; n <= 5; n++) await Promise.all(chats.map((c) => say(w, c, `message ${n} of ${c.visitor}`)));
    // Mid-burst: once a third is out, half a slot after a post.
    const calls = () => w.emulators.slack.calls({ method: 'chat.postMessage' }).filter((c) => c.response.ok === true);
    for (const deadline = Date.now() + 60_000; slackReport(w, chats).deliveredOnce < 10 && Date.now() < deadline; ) await sleep(50);
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(10)) {
      const since = Date.now() - (calls().at(-1)?.at ?? 0);
      if (since >= 400 && since <= 600) break;
    }
    await w.workers[0]!.kill();
    const killedAt = Date.now();
    const { last, seconds } = await recovery(() => slackReport(w, chats), killedAt, options.recoveryTimeoutMs ?? 120_000);
    return row('worker SIGKILLed mid-burst (2 workers)', w, last, seconds, await deadLetterNote(w));
  } finally {
    await w.close();
  }
}

/**
 * A worker sent SIGTERM mid-burst, two workers, as Heroku stops a dyno: it takes no new jobs,
 * finishes or hands back those it holds, and exits by itself within 25 s; the other worker
 * delivers the rest. Every message once, in order.
 */
export async function workerTerminated(runtime: Runtime, options: FaultOptions = {}): Promise<FaultRow & { exitCode: number | null; exitSeconds: number }> {
  const w = await startFaultWorld({ name: `sigterm-${runtime}`, runtime, workers: 2 });
  try {
    const chats = await startChats(w, 6, `Stop ${runtime}`);
    for (let n = 1; n <= 5; n++) await Promise.all(chats.map((c) => say(w, c, `message ${n} of ${c.visitor}`)));
    for (const deadline = Date.now() + 60_000; slackReport(w, chats).deliveredOnce < 10 && Date.now() < deadline; ) await sleep(50);
    const stoppedAt = Date.now();
    const exitCode = await w.workers[0]!.terminate();
    const exitSeconds = Math.round((Date.now() - stoppedAt) / 100) / 10;
    const { last, seconds } = await recovery(() => slackReport(w, chats), stoppedAt, options.recoveryTimeoutMs ?? 120_000);
    return { ...row('worker sent SIGTERM mid-burst (2 workers)', w, last, seconds, await deadLetterNote(w)), exitCode, exitSeconds };
  } finally {
    await w.close();
  }
}

/**
 * Redis restarted mid-burst, AOF on: webhooks the web answered 2xx are in the AOF and come back
 * with Redis; those it refused with 503 meanwhile the platform delivers again.
 */
export async function redisRestarted(runtime: Runtime, options: FaultOptions = {}): Promise<FaultRow> {
  const w = await startFaultWorld({ name: `redis-${runtime}`, runtime });
  try {
    const chats = await startChats(w, 5, `Redis ${runtime}`);
    let restartedAt = 0;
    const sending = (async () => {
      for (let n = 1; n <= 8; n++) {
        for (const chat of chats) {
          await say(w, chat, `message ${n} of ${chat.visitor}`);
          await sleep(60);
        }
      }
    })();
    await sleep(1500);
    await w.redis.stop();
    await sleep(options.outageMs ?? 3000);
    await w.redis.start();
    restartedAt = Date.now();
    await sending;
    const { last, seconds } = await recovery(() => slackReport(w, chats), restartedAt, options.recoveryTimeoutMs ?? 120_000);
    const undelivered = w.emulators.platform
      .events()
      .filter((e) => !w.emulators.platform.deliveries().some((d) => d.eventId === e.id && d.status !== null && d.status >= 200 && d.status < 300)).length;
    return row('Redis restarted mid-burst (AOF on)', w, last, seconds, [
      ...(undelivered ? [`${undelivered} webhook(s) never answered 2xx`] : []),
      ...(await deadLetterNote(w)),
    ]);
  } finally {
    await w.close();
  }
}

/** FerretDB (MongoDB) stopped for a minute and started again: every chat is delivered afterwards, none dead-lettered. */
export async function mongoStopped(runtime: Runtime, options: FaultOptions = {}): Promise<FaultRow> {
  const w = await startFaultWorld({ name: `mongo-${runtime}`, runtime });
  try {
    const before = await startChats(w, 3, `Mongo ${runtime}`);
    for (const chat of before) await say(w, chat, `before the outage, ${chat.visitor}`);
    for (const deadline = Date.now() + 30_000; slackReport(w, before).lost > 0 && Date.now() < deadline; ) await sleep(100);
    await w.mongo.stop();
    const during = await startChats(w, 2, `Mongo ${runtime} new`);
    const chats = [...before, ...during];
    for (let n = 1; n <= 3; n++) for (const chat of chats) await say(w, chat, `during the outage ${n}, ${chat.visitor}`);
    await sleep(options.outageMs ?? 60_000);
    await w.mongo.start();
    const startedAt = Date.now();
    const { last, seconds } = await recovery(() => slackReport(w, chats), startedAt, options.recoveryTimeoutMs ?? 120_000);
    return row('FerretDB stopped for a minute', w, last, seconds, await deadLetterNote(w));
  } finally {
    await w.close();
  }
}

/** Slack answering 500s, then a storm of 429s with Retry-After, on every post: delivered, never twice. */
export async function slackStorms(runtime: Runtime, options: FaultOptions = {}): Promise<FaultRow> {
  const w = await startFaultWorld({ name: `slack-${runtime}`, runtime });
  try {
    const faults = slackFaults(w.emulators.slack.url);
    const chats = await startChats(w, 4, `Storm ${runtime}`);
    for (
      const deadline = Date.now() + 30_000;
      w.emulators.slack.messages(w.channelId).filter((m) => !m.thread_ts).length < chats.length && Date.now() < deadline;
    )
      await sleep(100);
    const storm = options.outageMs ?? 8000;
    await faults.add({ method: 'chat.postMessage', status: 500, forMs: storm / 2 });
    const sending = (async () => {
      for (let n = 1; n <= 4; n++) for (const chat of chats) await say(w, chat, `message ${n} of ${chat.visitor}`);
    })();
    await sleep(storm / 2);
    await faults.add({ method: '*', status: 429, retryAfterSeconds: 2, forMs: storm / 2 });
    await sleep(storm / 2);
    await sending;
    const { last, seconds } = await recovery(() => slackReport(w, chats), Date.now(), options.recoveryTimeoutMs ?? 90_000);
    const refused = w.emulators.slack.calls().filter((c) => c.httpStatus === 500 || c.httpStatus === 429).length;
    return row('Slack 500s, then 429 storms with Retry-After', w, last, seconds, [`${refused} calls refused by Slack`, ...(await deadLetterNote(w))]);
  } finally {
    await w.close();
  }
}

/** The platform down for a minute while reps answer in Slack: their replies reach the visitor afterwards, once each, in order. */
export async function platformDown(runtime: Runtime, options: FaultOptions = {}): Promise<FaultRow> {
  const w = await startFaultWorld({ name: `platform-${runtime}`, runtime });
  try {
    const chats = await startChats(w, 3, `Down ${runtime}`);
    const threadOf = async (chat: Chat) => {
      for (;;) {
        const parent = w.emulators.slack.messages(w.channelId).find((m) => m.text === `New chat from ${chat.visitor}`);
        if (parent) return parent.ts;
        await sleep(100);
      }
    };
    const threads = await Promise.all(chats.map(threadOf));
    const outage = options.outageMs ?? 60_000;
    w.emulators.platform.failNextApiCalls({ method: 'POST', pathPattern: /\/messages$/, status: 503, times: 1, forMs: outage });
    const downAt = Date.now();
    const replies = chats.map((c) => ({ conversationId: c.id, texts: [] as string[] }));
    for (let n = 1; n <= 3; n++) {
      for (const [i, chat] of chats.entries()) {
        const text = `reply ${n} to ${chat.visitor}`;
        replies[i]!.texts.push(text);
        await w.emulators.slack.postAsUser({ teamId: w.teamId, channel: w.channelId, user: w.agents.alice.slackUserId, text, threadTs: threads[i]! });
        await sleep(300);
      }
    }
    await sleep(Math.max(0, outage - (Date.now() - downAt)));
    const { last, seconds } = await recovery(() => platformReport(w, replies), Date.now(), options.recoveryTimeoutMs ?? 90_000);
    return row('the platform down for a minute (replies from Slack)', w, last, seconds, await deadLetterNote(w));
  } finally {
    await w.close();
  }
}
