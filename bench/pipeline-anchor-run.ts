// Runs the pipeline anchor (bench/pipeline-anchor.ts) beside a launched product, on its Redis,
// FerretDB and Slack emulator, and drives it as bench/throughput.bench.ts drives the product's
// message phase: a platform emulator of its own (same code, same signed webhooks) sends the
// anchor's web process CHATS chats' starts, then every chat's visitor writes MESSAGES times, all
// chats at once; measured from the first message sent to the last one seen in Slack.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { startChatPlatformEmulator } from '../emulators/chat-platform/index.ts';
import { freePort } from '../local-services/index.ts';
import { repoRoot } from '../sandbox/processes.ts';
import type { Launched } from '../sandbox/launch.ts';
import { cpuMsPer, sampleCpu, sumOf } from './cpu-usage.ts';
import { round } from './stats.ts';

/** The anchor's processes and the store's: what its "total" adds up, as the product's total does. */
export const ANCHOR_KINDS = ['anchor web', 'anchor worker', 'ferretdb', 'postgres', 'redis'] as const;

export interface PipelineAnchorFigures {
  messages: number;
  messagesPerSecond: number;
  /** ms of CPU per message by kind of process during the message phase (every kind seen, the product's idle ones too). */
  cpuPerMessageMs: Record<string, number>;
  /** anchor web + anchor worker + FerretDB + PostgreSQL + Redis. */
  cpuPerMessageMsTotal: number;
}

function startRole(role: 'web' | 'worker', env: NodeJS.ProcessEnv, readyLine: RegExp): { child: ChildProcess; ready: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pipeline-anchor.ts', role], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.on('exit', () => process.off('exit', killOnExit));
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the pipeline anchor's ${role} did not start within 60 s: ${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = readyLine.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? '');
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/failed/.test(chunk.toString())) console.error(`  pipeline anchor ${role}: ${chunk.toString().trim()}`);
    });
    child.on('exit', (code) => reject(new Error(`the pipeline anchor's ${role} exited (${code}) before it was ready: ${output}`)));
  });
  return { child, ready };
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

export async function runPipelineAnchor(
  product: Launched,
  input: { channelIds: string[]; chats: number; messages: number; concurrency: number },
): Promise<PipelineAnchorFigures> {
  const secret = randomBytes(16).toString('hex');
  const prefix = `pipeline-anchor-${Date.now()}`;
  const dbName = `pipeline_anchor_${Date.now()}`;
  const token = await product.store.installations.botToken(product.world.teamId, product.world.orgId);
  if (!token) throw new Error('the pipeline anchor needs the seeded installation’s bot token');
  const env = {
    ...process.env,
    REDIS_URL: product.redisUrl,
    MONGODB_URL: product.mongoUrl,
    QUEUE_PREFIX: prefix,
    ANCHOR_DB: dbName,
    ANCHOR_SECRET: secret,
    ANCHOR_SLACK_TOKEN: token,
    ANCHOR_CHANNELS: input.channelIds.join(','),
    ANCHOR_CONCURRENCY: String(input.concurrency),
    SLACK_API_URL: product.emulators.slack.apiUrl,
    PORT: String(await freePort()),
  };
  const web = startRole('web', env, /anchor web listening (\d+)/);
  const worker = startRole('worker', env, /anchor worker ready()/);
  const platform = await startChatPlatformEmulator({ webhookSecret: secret, apiToken: randomBytes(16).toString('hex'), requestsPerSecondPerOrg: 100_000 });
  try {
    const port = await web.ready;
    await worker.ready;
    platform.setWebhookUrl(`http://127.0.0.1:${port}/webhooks/chat`);
    const org = platform.createOrg({ name: 'Pipeline anchor' });
    const slack = product.emulators.slack;
    let seen = slack.calls({ method: 'chat.postMessage' }).length;
    const fresh = () => {
      const calls = slack.calls({ method: 'chat.postMessage' });
      const out = calls.slice(seen).filter((c) => c.response.ok === true);
      seen = calls.length;
      return out;
    };

    // The chats start first, as in the product's round; their posts are not counted.
    const conversations = await Promise.all(
      Array.from({ length: input.chats }, (_, i) => platform.startConversation(org.id, { visitor: { name: `Anchor visitor ${i}` } })),
    );
    let starts = 0;
    await until(
      () => {
        for (const call of fresh()) if (String(call.params.text).startsWith('conversation.started')) starts++;
        return starts >= input.chats;
      },
      () => `${starts} of ${input.chats} anchor chat starts`,
    );

    const expected = new Set<string>();
    const total = input.chats * input.messages;
    const before = sampleCpu();
    const started = performance.now();
    const sending = (async () => {
      for (let n = 1; n <= input.messages; n++) {
        await Promise.all(
          conversations.map((c, i) => {
            const text = `anchor message ${n} of chat ${i}.`;
            expected.add(text);
            return platform.visitorSays(org.id, c.id, text);
          }),
        );
      }
    })();
    let found = 0;
    await until(
      () => {
        for (const call of fresh()) if (expected.delete(String(call.params.text))) found++;
        return found >= total;
      },
      () => `${found} of ${total} anchor messages`,
    );
    await sending;
    const seconds = (performance.now() - started) / 1000;
    const cpuPerMessageMs = cpuMsPer(before, sampleCpu(), total);
    return { messages: total, messagesPerSecond: round(total / seconds), cpuPerMessageMs, cpuPerMessageMsTotal: sumOf(cpuPerMessageMs, ANCHOR_KINDS) };
  } finally {
    await platform.close();
    await Promise.all([stop(web.child), stop(worker.child)]);
    const mongo = await MongoClient.connect(product.mongoUrl);
    await mongo
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
  }
}

async function until(done: () => boolean, progress: () => string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`the pipeline anchor timed out: ${progress()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
