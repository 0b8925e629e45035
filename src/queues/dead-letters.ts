// The dead-letter queue: every job that failed for good (a failure that will never succeed, a
// small attempt budget spent on an unknown error, an outage past its 24 hours, a job stalled or
// started too often) is copied here with why, kept 30 days and at most 10,000 (BullMQ's own
// removeOnFail on this queue: an entry is "parked" as a failed job of it, so Bull Board shows
// each one with its reason). Replaying puts the original job back on its queue, fresh (new id,
// no deduplication key, a full attempt budget), and takes the entry out; Retry on an entry in
// Bull Board does the same. `npm run replay` and POST /api/dead-letters/replay call replay().
import { UnrecoverableError, type Job, type JobsOptions, type Queue } from 'bullmq';

export const DEAD_LETTER_QUEUE = 'dead-letters';
export const DEAD_LETTER_RETENTION = { age: 30 * 24 * 3600, count: 10_000 } as const;

/** What a dead letter keeps of the job that failed, and why. */
export interface DeadLetter {
  queue: string;
  jobId: string;
  name: string;
  /** The job's data as its processor saw it (without Threadbridge's bookkeeping fields). */
  data: unknown;
  failedReason: string;
  attemptsMade: number;
  failedAt: number;
  /** When an outage began for this job, if one is why it failed. */
  outageSince: number | null;
}

export interface DeadLetterEntry extends DeadLetter {
  /** The entry's id in the dead-letter queue (what --id and `ids` name). */
  id: string;
}

export interface DeadLetterFilter {
  queue?: string;
  /** Only entries that failed at or after this time (ms since the epoch). */
  sinceMs?: number;
  ids?: string[];
  limit?: number;
}

export interface DeadLetters {
  /** Records a final failure; one entry per job, whatever how often it is called for it. */
  add(letter: DeadLetter): Promise<void>;
  list(filter?: DeadLetterFilter): Promise<DeadLetterEntry[]>;
  count(): Promise<number>;
  /** Puts the entries back on their queue (which `queue` must name) and removes them; returns their ids. */
  replay(filter: DeadLetterFilter & { queue: string }): Promise<string[]>;
}

/** Job data fields Threadbridge keeps for itself (see src/jobs/workers.ts): never a processor's input. */
export const BOOKKEEPING_FIELDS = ['_outage', '_replayOf'] as const;

export function withoutBookkeeping(data: unknown): unknown {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return data;
  const copy = { ...(data as Record<string, unknown>) };
  for (const field of BOOKKEEPING_FIELDS) delete copy[field];
  return copy;
}

/** BullMQ refuses ':' in custom job ids. */
const safeId = (value: string) => value.replace(/:/g, '-');

export function createDeadLetters(deadLetterQueue: Queue<DeadLetter>, queues: Queue[]): DeadLetters {
  const queueNamed = (name: string) => queues.find((q) => q.name === name);
  const entryOf = (job: Job<DeadLetter>): DeadLetterEntry => ({ ...job.data, id: job.id ?? '' });

  async function all(): Promise<Job<DeadLetter>[]> {
    const jobs = await deadLetterQueue.getJobs(['failed', 'waiting', 'active', 'delayed', 'prioritized'], 0, DEAD_LETTER_RETENTION.count);
    return jobs.filter((j): j is Job<DeadLetter> => Boolean(j?.data?.queue));
  }

  async function list(filter: DeadLetterFilter = {}): Promise<DeadLetterEntry[]> {
    const ids = filter.ids ? new Set(filter.ids) : null;
    return (await all())
      .map(entryOf)
      .filter((e) => (!filter.queue || e.queue === filter.queue) && (filter.sinceMs === undefined || e.failedAt >= filter.sinceMs) && (!ids || ids.has(e.id)))
      .sort((a, b) => a.failedAt - b.failedAt)
      .slice(0, filter.limit ?? DEAD_LETTER_RETENTION.count);
  }

  return {
    async add(letter) {
      // The job id makes a second add for the same failure (processor and 'failed' event) a no-op.
      await deadLetterQueue.add(`${letter.queue}/${letter.name}`, letter, { jobId: safeId(`dl-${letter.queue}-${letter.jobId}`) });
    },
    list,
    async count() {
      const counts = await deadLetterQueue.getJobCounts('failed', 'waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async replay(filter) {
      const target = queueNamed(filter.queue);
      if (!target) throw new Error(`no queue named ${filter.queue}`);
      const replayed: string[] = [];
      for (const entry of await list(filter)) {
        const data = { ...(withoutBookkeeping(entry.data) as Record<string, unknown>), _replayOf: entry.jobId };
        // A fixed id: replaying the same entry twice (two operators, a retried command) queues it once.
        const options: JobsOptions = { jobId: safeId(`replay-${entry.id}`) };
        await target.add(entry.name, data, options);
        const job = await deadLetterQueue.getJob(entry.id);
        await job?.remove().catch(() => undefined);
        replayed.push(entry.id);
      }
      return replayed;
    },
  };
}

/**
 * The dead-letter queue's processor: an entry is parked as a failed job of the queue (where
 * removeOnFail keeps it 30 days, at most 10,000); an entry retried from Bull Board (it failed
 * once already) is replayed instead.
 */
export async function processDeadLetter(job: Job<DeadLetter>, deadLetters: DeadLetters): Promise<void> {
  if (job.attemptsMade > 0) {
    await deadLetters.replay({ queue: job.data.queue, ids: [job.id ?? ''] }).catch(() => undefined);
    return;
  }
  throw new UnrecoverableError(`${job.data.queue} job ${job.data.jobId} failed for good: ${job.data.failedReason}`);
}
