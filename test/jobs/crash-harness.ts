// Runs a job the way a crash test needs: counting its outside calls (Slack, the platform, the
// store's writes, the queue producer, the reminder batches), and killing the "process" right
// after the k-th of them: that call took effect, and from then on nothing of that attempt
// reaches the outside world (every wrapped call throws, and the attempt's own Redis connection,
// which carries its locks and budgets, is cut, so its locks lapse as a dead worker's do).
// Then the job is run again, as BullMQ would after the stalled lock, and what Slack and the
// platform received is compared with a run that never failed.
import type { Redis } from 'ioredis';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import type { JobWorld } from '../support/job-world.ts';
import type { RecordedCall } from '../../emulators/slack/index.ts';

export class InjectedCrash extends Error {
  constructor(readonly after: string) {
    super(`the worker died after ${after}`);
    this.name = 'InjectedCrash';
  }
}

export interface OutsideCall {
  what: string;
  args: unknown[];
  ok: boolean;
}

/** Store reads change nothing: a crash after one is the same as a crash after the write before it. */
const storeRead =
  /^(get|find|list|count|pending|last|handled|load|botToken|tokens|openState|chatClaim|relayedFrom|internalNotes|dmChannel|groupChannel|userName|active|first|is)/;

export interface Instrumented {
  deps: WorkerDeps;
  calls: OutsideCall[];
  dead(): boolean;
  /** The call after which the attempt died, if it did. */
  fatal(): OutsideCall | null;
}

export function instrument(base: WorkerDeps, crashAfter: number | null, attemptRedis: Redis | null): Instrumented {
  const calls: OutsideCall[] = [];
  let dead = false;
  let fatal: OutsideCall | null = null;
  const wrap = <T extends object>(target: T, name: string, counts: (method: string) => boolean): T => {
    const out: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(target)) {
      if (typeof fn !== 'function') {
        out[method] = fn;
        continue;
      }
      out[method] = async (...args: unknown[]) => {
        if (dead) throw new Error(`${name}.${method}: the worker is dead`);
        let result: unknown;
        let failure: unknown = null;
        try {
          result = await (fn as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          failure = error;
        }
        if (counts(method)) {
          const call = { what: `${name}.${method}`, args, ok: failure === null };
          calls.push(call);
          if (crashAfter !== null && calls.length === crashAfter) {
            dead = true;
            fatal = call;
            attemptRedis?.disconnect();
            throw new InjectedCrash(call.what);
          }
        }
        if (failure !== null) throw failure;
        return result;
      };
    }
    return out as T;
  };
  const all = () => true;
  const store = Object.fromEntries(
    Object.entries(base.store).map(([repo, r]) => [repo, wrap(r as object, `store.${repo}`, (m) => !storeRead.test(m))]),
  ) as unknown as WorkerDeps['store'];
  const deps: WorkerDeps = {
    ...base,
    store,
    slack: wrap(base.slack, 'slack', all),
    platform: wrap(base.platform, 'platform', all),
    producer: wrap(base.producer, 'producer', (m) => m !== 'messageWaiting'),
    reminderBatches: wrap(base.reminderBatches, 'reminderBatches', (m) => m !== 'isPosted'),
    threadCursors: wrap(base.threadCursors, 'threadCursors', (m) => m !== 'read'),
  };
  return { deps, calls, dead: () => dead, fatal: () => fatal };
}

/** What Slack and the platform received since `mark`, as sorted lines a test can compare. */
export interface Marks {
  slack: number;
  platform: number;
}

export function mark(w: JobWorld): Marks {
  return { slack: w.slack.calls().length, platform: w.platform.calls().length };
}

const minutes = (text: string) => text.replace(/\d+ min\b/g, 'N min').replace(/<!date\^\d+\^/g, '<!date^T^');

/** The effect a successful Slack call had, as a line; null for calls that change nothing (reads, redraws of the same state). */
export function slackEffect(c: Pick<RecordedCall, 'method' | 'params' | 'response'>, channelOf: (id: string) => string): string | null {
  if (c.response.ok !== true) return null;
  const p = c.params as Record<string, unknown>;
  switch (c.method) {
    case 'chat.postMessage':
      return `post ${channelOf(String(p['channel']))} ${p['thread_ts'] ? 'reply' : 'top'}: ${minutes(String(p['text']))}`;
    case 'chat.postEphemeral':
      return `ephemeral ${channelOf(String(p['channel']))}: ${minutes(String(p['text']))}`;
    case 'reactions.add':
      return `reaction ${String(p['name'])}`;
    case 'views.open':
      return 'modal opened';
    default:
      return null;
  }
}

export function slackEffects(w: JobWorld, since: Marks, channelOf: (id: string) => string): string[] {
  return w.slack
    .calls()
    .slice(since.slack)
    .flatMap((c) => slackEffect(c, channelOf) ?? [])
    .sort();
}

/** What the platform keeps about a conversation, as lines: Slack-written messages, requests, rating, transcript. */
export function platformEffects(w: JobWorld, conversationId: string): string[] {
  const snapshot = w.platform.conversation(w.orgId, conversationId);
  return [
    ...snapshot.messages.filter((m) => m.origin === 'slack').map((m) => `message from Slack: ${m.text}`),
    ...snapshot.meetingRequests.map((r) => `meeting request ${r.agentId} ${r.durationMinutes}`),
    ...snapshot.formRequests.map((r) => `form request ${r.fields.join(',')}`),
    ...(snapshot.qualification ? [`rated ${snapshot.qualification.rating}`] : []),
    ...(snapshot.transcript ? [`transcript of ${snapshot.transcript.messages.length}`] : []),
  ].sort();
}

/** The lines of `actual` beyond `expected` (multiset difference), and those missing. */
export function compare(expected: string[], actual: string[]): { extra: string[]; missing: string[] } {
  const left = [...expected];
  const extra: string[] = [];
  for (const line of actual) {
    const i = left.indexOf(line);
    if (i === -1) extra.push(line);
    else left.splice(i, 1);
  }
  return { extra, missing: left };
}
