// npm run replay -- --queue <name> [--since 1h | --since 2026-12-01T10:00:00Z] [--id <id> …] [--dry-run]
// Puts jobs that failed for good (the dead-letter queue, src/queues/dead-letters.ts) back on their
// queue, fresh, once whatever made them fail is fixed. Without --since or --id, every dead letter
// of the queue. --dry-run lists what would be replayed. Reads REDIS_URL (or REDIS_CLUSTER_NODES),
// REDIS_TLS_SKIP_VERIFY and QUEUE_PREFIX (the worker's), nothing else.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRedisConfig } from '../src/config.ts';
import { createRedisClient } from '../src/redis-connection.ts';
import { createJobProducer, createQueues, queueNames } from '../src/queues/queues.ts';
import { DEAD_LETTER_QUEUE, type DeadLetterEntry } from '../src/queues/dead-letters.ts';

const USAGE = 'usage: npm run replay -- --queue <name> [--since 1h|30m|2d|<ISO time>] [--id <dead letter id> ...] [--dry-run]';
const workQueues = Object.values(queueNames).filter((n) => n !== DEAD_LETTER_QUEUE) as string[];

export interface ReplayArgs {
  queue: string;
  sinceMs: number | undefined;
  ids: string[] | undefined;
  dryRun: boolean;
}

/** Parses the command line; throws with what is wrong (and the usage). Pure: `now` is passed in. */
export function parseReplayArgs(argv: string[], now: number): ReplayArgs {
  let queue: string | undefined;
  let since: string | undefined;
  const ids: string[] = [];
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--queue') queue = value();
    else if (arg === '--since') since = value();
    else if (arg === '--id') ids.push(...value().split(',').filter(Boolean));
    else if (arg === '--dry-run') dryRun = true;
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (!queue) throw new Error(`--queue is required (one of ${workQueues.join(', ')})\n${USAGE}`);
  if (!workQueues.includes(queue)) throw new Error(`--queue ${queue} is not a queue (one of ${workQueues.join(', ')})`);
  return { queue, sinceMs: since === undefined ? undefined : sinceOf(since, now), ids: ids.length ? ids : undefined, dryRun };
}

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function sinceOf(text: string, now: number): number {
  const duration = /^(\d+)([smhd])$/.exec(text);
  if (duration) return now - Number(duration[1]) * units[duration[2]!]!;
  const at = Date.parse(text);
  if (!Number.isFinite(at) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) throw new Error(`--since ${text}: give a duration (30m, 1h, 2d) or an ISO time`);
  return at;
}

function line(e: DeadLetterEntry): string {
  return `${e.id}  ${new Date(e.failedAt).toISOString()}  ${e.name}  ${e.failedReason.slice(0, 160)}`;
}

async function main(): Promise<void> {
  const args = parseReplayArgs(process.argv.slice(2), Date.now());
  // The deployment's Redis and prefix, as its processes read them (REDIS_URL or REDIS_CLUSTER_NODES).
  const config = loadRedisConfig(process.env);
  const prefix = config.QUEUE_PREFIX;
  const redis = createRedisClient(config, { maxRetriesPerRequest: 3 });
  const producer = createJobProducer(createQueues(redis, prefix));
  try {
    const filter = { queue: args.queue, ...(args.sinceMs !== undefined ? { sinceMs: args.sinceMs } : {}), ...(args.ids ? { ids: args.ids } : {}) };
    const entries = await producer.deadLetters.list(filter);
    if (args.dryRun) {
      for (const e of entries) console.log(line(e));
      console.log(`${entries.length} dead letter(s) of ${args.queue} would be replayed`);
      return;
    }
    const replayed = await producer.deadLetters.replay(filter);
    for (const e of entries.filter((x) => replayed.includes(x.id))) console.log(`replayed ${line(e)}`);
    console.log(`${replayed.length} dead letter(s) of ${args.queue} replayed onto ${prefix}:${args.queue}`);
  } finally {
    await producer.close();
    redis.disconnect();
  }
}

// Run as a command (not when a test imports parseReplayArgs).
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
