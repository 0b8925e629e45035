// Queue names, typed job payloads and the producer the HTTP ingress and the workers use to add
// jobs. Every add is deduplicated by the id of what caused it, so a webhook or event delivered
// twice queues one job (BullMQ keeps a dedup key for its ttl, also after the job completed).
import { Job, Queue, type ConnectionOptions, type JobsOptions, type WorkerOptions } from 'bullmq';
import type { ChatEvent } from '../platform/webhook-events.ts';
import { WORKSPACES_CHECK_EVENT, type SlackEventJob } from '../slack/slack-events.ts';
import type { SlackInteractionJob } from '../slack/slack-interactions.ts';
import { createStatusOrder, type StatusOrder } from './status-order.ts';
import type { RedisClient } from '../redis-connection.ts';
import { createDeadLetters, DEAD_LETTER_QUEUE, DEAD_LETTER_RETENTION, type DeadLetter, type DeadLetters } from './dead-letters.ts';
import type { OrgProblemKey } from '../store/index.ts';

export const queueNames = {
  chatEvents: 'chat-events',
  /**
   * conversation.started: a queue of its own, so a new chat's notification never waits behind
   * the backlog of other chats' messages (whose jobs keep coming back while their channel is busy).
   * agent.status_changed too (one quick write each): a chat start waits for the status changes
   * accepted before it (src/queues/status-order.ts), and they must not wait behind that backlog either.
   */
  chatStarts: 'chat-starts',
  slackEvents: 'slack-events',
  threadSync: 'thread-sync',
  reminders: 'reminders',
  orgChanges: 'org-changes',
  /** Button clicks and shortcuts: a queue of their own so they never wait behind bulk work. */
  slackInteractions: 'slack-interactions',
  transcripts: 'transcripts',
  /** Full syncs of the Slack channel and user directory, and the periodic sweep that plans them. */
  directory: 'directory',
  /** Problems the workers met after setup: recorded for the health section, and told to the installer by DM. */
  orgProblems: 'org-problems',
  /** The weekly digest's sweep (a scheduled job): posts each org's digest that is due. */
  digests: 'digests',
  /** Rolling up an org's activity facts into its per-day counts (src/activity/activity-rollup.ts). */
  activity: 'activity',
  /** Jobs that failed for good, kept 30 days to be looked at and replayed (src/queues/dead-letters.ts). */
  deadLetters: DEAD_LETTER_QUEUE,
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/**
 * A chat event as queued. `statusOrder` (src/queues/status-order.ts): on an agent.status_changed,
 * its number in the org's order of status changes; on a conversation.started, the number of the
 * latest status change accepted before it and not yet stored (0: none), which its routing waits for. Absent on other events.
 */
export type ChatEventJob = ChatEvent & { statusOrder?: number };

export interface ThreadSyncJob {
  orgId: string;
  conversationId: string;
  /** Why the sync was scheduled, for Bull Board and the logs. */
  /** 'route-again': an admin asked for an undeliverable chat to be routed again (the health check's Route again). */
  cause: 'gap-wait' | 'conversation-unknown' | 'retry' | 'thread-busy' | 'route-again';
}

/** Something about an org changed (its settings, its Slack connection): retry its undeliverable chats. */
export interface OrgChangedJob {
  orgId: string;
  /** 'answer-time-shortened': the org's pending reminders are due sooner, so they run now and re-delay themselves. */
  /** 'workspaces-granted': an org-wide install was added to workspaces, where chats may now be posted. */
  cause: 'settings-changed' | 'slack-connected' | 'answer-time-shortened' | 'workspaces-granted';
}

/** Push a conversation's transcript to the platform (again): at the end, and on later changes. */
export interface TranscriptJob {
  orgId: string;
  conversationId: string;
}

/** Sync one kind of a workspace's directory in full (or resume its run); or sweep all workspaces. */
export type DirectoryJob = { kind: 'sync'; teamId: string; what: 'channels' | 'users'; requestedAt: number } | { kind: 'sweep' };

/** Look for the orgs whose weekly digest is due, and post it (src/conversations/weekly-digest.ts). */
export interface DigestJob {
  kind: 'sweep';
}

/** A worker met a problem with the org's integration (src/store/org-problems.repository.ts). */
export interface OrgProblemJob extends OrgProblemKey {
  detail: string | null;
}

/** Roll up the days of the org whose chats' facts changed since its last roll-up. */
export interface ActivityRollupJob {
  orgId: string;
}

export interface ReminderJob {
  orgId: string;
  conversationId: string;
  /** 1: remind the targets in the thread; 2: escalate to the next target of the fallback chain. */
  stage: 1 | 2;
  /**
   * When the stage's wait began (ms): it falls due the org's answer time after, as the answer time
   * is when the job runs. A job queued before there was this field runs when it was delayed to
   * (or at once when hastened).
   */
  clockFrom?: number;
}

/** Send the reminders due in one channel, together (src/conversations/reminder-batches.ts). */
export interface ChannelRemindersJob {
  kind: 'channel-reminders';
  teamId: string;
  channelId: string;
}

export type RemindersQueueJob = ReminderJob | ChannelRemindersJob;

// The platform redelivers for about an hour and Slack for about five minutes; the dedup keys
// outlive both with a wide margin. Each key is ~100 bytes of Redis memory.
const CHAT_EVENT_DEDUP_TTL_MS = 24 * 60 * 60 * 1000;
const SLACK_EVENT_DEDUP_TTL_MS = 2 * 60 * 60 * 1000;
/**
 * Sightings of one problem within this are one job: a channel refusing every chat of a busy
 * group costs one Redis key check per chat, not a MongoDB write. Short, so a problem seen again
 * soon after it was resolved is recorded again.
 */
const ORG_PROBLEM_DEDUP_TTL_MS = 60_000;

/** Reminders falling due within this of each other in one channel are sent as one post. */
const REMINDER_FOLD_MS = 5000;
/** Delayed reminders read per page when an org's are hastened. */
const REMINDER_SCAN_PAGE = 500;
/** How soon a sync handed over by a job that found the thread busy runs (the holder usually ends sooner). */
const THREAD_BUSY_SYNC_DELAY_MS = 250;

/**
 * A chat message's job is named by its chat and seq, so that the job of an earlier message can
 * ask whether this one waits behind it (JobProducer.messageWaiting). Each part URI-encoded: BullMQ
 * refuses a ':' in an id, and no two chats' ids may meet in one name.
 */
export function messageJobId(orgId: string, conversationId: string, seq: number): string {
  return `message/${encodeURIComponent(orgId)}/${encodeURIComponent(conversationId)}/${seq}`;
}

// A small attempt budget, for failures nobody foresaw (a bug, an unknown error): 1, 2, 4, 8 s
// apart, then the job is dead-lettered. Outages and rate limits do not use it (job-errors.ts).
const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
};

/**
 * How long a finished job stays in its queue: a completed one an hour, at most 10,000 of them; a
 * failed one a week, at most 5,000 (its copy in the dead-letter queue stays 30 days). Given to
 * the workers (src/jobs/workers.ts), which apply it to each job whose own options name none,
 * rather than written into every job's options: the web process packed both objects into each
 * webhook's job, and Redis stored them in each job's hash.
 */
export const finishedJobRetention = {
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
} as const satisfies Pick<WorkerOptions, 'removeOnComplete' | 'removeOnFail'>;

/** A dead letter is parked as a failed job of its queue, where BullMQ's removeOnFail keeps the last 30 days, at most 10,000. */
const deadLetterJobOptions: JobsOptions = { attempts: 1, removeOnComplete: true, removeOnFail: DEAD_LETTER_RETENTION };

export interface JobProducer {
  addChatEvent(event: ChatEvent): Promise<void>;
  /**
   * Whether the job of the chat's message `seq` waits in the queue, not yet taken by a worker (a
   * job that failed, runs or ran is not waiting): src/jobs/processors/chat-event.processor.ts.
   */
  messageWaiting(orgId: string, conversationId: string, seq: number): Promise<boolean>;
  addSlackEvent(job: SlackEventJob): Promise<void>;
  addSlackInteraction(job: SlackInteractionJob): Promise<void>;
  /**
   * Read an org-wide install's granted workspaces again (auth.teams.list): after an org-wide install
   * and on team_access_granted / team_access_revoked. One pending per installation, and one running:
   * a check asked for while one runs runs after it.
   */
  checkWorkspaces(input: { teamId: string }): Promise<void>;
  /** Debounced: changes within a couple of seconds produce one push. */
  pushTranscript(job: TranscriptJob): Promise<void>;
  scheduleThreadSync(job: ThreadSyncJob, runAtMs: number, nowMs: number): Promise<void>;
  /**
   * One more sync of the conversation's thread soon, for work another job is doing under its lock:
   * at most one waits and one runs per conversation, however many jobs hand theirs over.
   */
  syncThreadAfterHolder(orgId: string, conversationId: string): Promise<void>;
  scheduleReminder(job: ReminderJob, runAtMs: number, nowMs: number): Promise<void>;
  /**
   * Every pending reminder of the org runs now: each re-reads the answer time and waits out what
   * is left of it (the org shortened it). Returns how many were moved.
   */
  hastenReminders(orgId: string): Promise<number>;
  /** Debounced per channel: reminders due within a moment of each other go out as one post. */
  flushChannelReminders(job: Omit<ChannelRemindersJob, 'kind'>): Promise<void>;
  /** Called wherever org settings or the connection change, so undeliverable chats get another try. */
  orgChanged(job: OrgChangedJob): Promise<void>;
  /** One pending or running sync per workspace and kind; both kinds when `kind` is left out. */
  syncDirectory(input: { teamId: string; kind?: 'channels' | 'users' }): Promise<void>;
  /**
   * A problem with the org's integration was seen (a channel archived, a post refused, the
   * connection lost, a chat undeliverable): recorded, and the installer told (at most once a day).
   */
  orgProblem(job: OrgProblemJob): Promise<void>;
  /**
   * The org's activity facts changed: one roll-up of the days they touched within `delayMs`, however
   * many facts are recorded meanwhile (each is written before this is called, so the roll-up reads it).
   */
  rollUpActivity(job: ActivityRollupJob, delayMs: number): Promise<void>;
  /** Runs the directory sweep now (it rebuilds a Redis copy that was lost); one at a time. */
  sweepDirectoriesNow(): Promise<void>;
  /** Jobs that failed for good: list, count, replay (npm run replay, the operator's admin route). */
  deadLetters: DeadLetters;
  close(): Promise<void>;
}

export function createQueues(connection: ConnectionOptions, prefix: string) {
  const options = { connection, prefix, defaultJobOptions };
  return {
    chatEvents: new Queue<ChatEventJob>(queueNames.chatEvents, options),
    chatStarts: new Queue<ChatEventJob>(queueNames.chatStarts, options),
    slackEvents: new Queue<SlackEventJob>(queueNames.slackEvents, options),
    threadSync: new Queue<ThreadSyncJob>(queueNames.threadSync, options),
    reminders: new Queue<RemindersQueueJob>(queueNames.reminders, options),
    orgChanges: new Queue<OrgChangedJob>(queueNames.orgChanges, options),
    slackInteractions: new Queue<SlackInteractionJob>(queueNames.slackInteractions, options),
    transcripts: new Queue<TranscriptJob>(queueNames.transcripts, options),
    directory: new Queue<DirectoryJob>(queueNames.directory, options),
    orgProblems: new Queue<OrgProblemJob>(queueNames.orgProblems, options),
    digests: new Queue<DigestJob>(queueNames.digests, options),
    activity: new Queue<ActivityRollupJob>(queueNames.activity, options),
    deadLetters: new Queue<DeadLetter>(queueNames.deadLetters, { connection, prefix, defaultJobOptions: deadLetterJobOptions }),
  };
}

export type Queues = ReturnType<typeof createQueues>;

export function createJobProducer(queues: Queues): JobProducer {
  const { deadLetters: deadLetterQueue, ...work } = queues;
  let statusOrder: StatusOrder | undefined;
  const order = async () => {
    // The queue's own connection (ioredis, typed by BullMQ as its narrower interface) and prefix: the workers' keys.
    statusOrder ??= createStatusOrder((await queues.chatStarts.client) as unknown as RedisClient, queues.chatStarts.opts.prefix ?? 'bull');
    return statusOrder;
  };
  return {
    deadLetters: createDeadLetters(deadLetterQueue, Object.values(work)),
    async addChatEvent(event) {
      const queue = event.type === 'conversation.started' || event.type === 'agent.status_changed' ? queues.chatStarts : queues.chatEvents;
      const job: ChatEventJob =
        event.type === 'agent.status_changed'
          ? { ...event, statusOrder: await (await order()).accept(event.orgId, event.id) }
          : event.type === 'conversation.started'
            ? { ...event, statusOrder: await (await order()).pendingThrough(event.orgId) }
            : event;
      await queue.add(event.type, job, {
        deduplication: { id: `chat:${event.orgId}:${event.id}`, ttl: CHAT_EVENT_DEDUP_TTL_MS },
        ...(event.type === 'message.created' ? { jobId: messageJobId(event.orgId, event.data.conversationId, event.data.message.seq) } : {}),
      });
    },
    async messageWaiting(orgId, conversationId, seq) {
      // The job read by its id (one HGETALL, nothing if there is none) rather than asked for its
      // state (getJobState looks for it through the whole waiting list, as long as the backlog):
      // one no worker has taken yet has no processedOn, which BullMQ sets as it hands a job to a
      // worker, in the same script.
      const job = await Job.fromId(queues.chatEvents, messageJobId(orgId, conversationId, seq));
      return job !== undefined && !job.processedOn && !job.finishedOn;
    },
    async addSlackEvent(job) {
      await queues.slackEvents.add(job.event.type, job, {
        deduplication: { id: `slack:${job.eventId}`, ttl: SLACK_EVENT_DEDUP_TTL_MS },
      });
    },
    async checkWorkspaces({ teamId }) {
      const job: SlackEventJob = {
        teamId,
        workspaceId: null,
        eventId: `${WORKSPACES_CHECK_EVENT}:${teamId}`,
        eventTime: null,
        event: { type: WORKSPACES_CHECK_EVENT },
      };
      await queues.slackEvents.add(WORKSPACES_CHECK_EVENT, job, { deduplication: { id: `workspaces-check:${teamId}`, keepLastIfActive: true } });
    },
    async addSlackInteraction(job) {
      const p = job.payload as { trigger_id?: string; actions?: Array<{ action_ts?: string }>; action_ts?: string };
      const id = p.trigger_id ?? p.actions?.[0]?.action_ts ?? p.action_ts;
      await queues.slackInteractions.add(job.payload.type, job, {
        priority: 1,
        ...(id ? { deduplication: { id: `interaction:${job.teamId}:${id}`, ttl: SLACK_EVENT_DEDUP_TTL_MS } } : {}),
      });
    },
    async pushTranscript(job) {
      // Pending: later changes fold into it (it reads the state when it runs). Running: one more
      // push is kept for after it, so a change made meanwhile is not lost.
      await queues.transcripts.add('push', job, {
        delay: 2000,
        deduplication: { id: `transcript:${job.orgId}:${job.conversationId}`, keepLastIfActive: true },
      });
    },
    async scheduleThreadSync(job, runAtMs, nowMs) {
      const delay = Math.max(0, runAtMs - nowMs);
      // One pending sync per conversation and cause is enough: a later one would find the same state.
      await queues.threadSync.add(job.cause, job, {
        delay,
        deduplication: { id: `sync:${job.cause}:${job.orgId}:${job.conversationId}`, ttl: delay + 1000 },
      });
    },
    async syncThreadAfterHolder(orgId, conversationId) {
      const job: ThreadSyncJob = { orgId, conversationId, cause: 'thread-busy' };
      // keepLastIfActive: a sync already running may have read the pending messages before the
      // caller stored its own, so one more is kept for after it.
      await queues.threadSync.add(job.cause, job, {
        delay: THREAD_BUSY_SYNC_DELAY_MS,
        deduplication: { id: `sync:${job.cause}:${orgId}:${conversationId}`, keepLastIfActive: true },
      });
    },
    async scheduleReminder(job, runAtMs, nowMs) {
      const delay = Math.max(0, runAtMs - nowMs);
      await queues.reminders.add(`stage-${job.stage}`, job, {
        delay,
        deduplication: { id: `reminder:${job.stage}:${job.orgId}:${job.conversationId}`, ttl: delay + 60_000 },
      });
    },
    async hastenReminders(orgId) {
      // Delayed reminders are those of chats still waiting for an answer, across all orgs: few
      // enough to page through on the rare save that shortens an org's answer time.
      let moved = 0;
      let start = 0;
      for (;;) {
        const page = await queues.reminders.getDelayed(start, start + REMINDER_SCAN_PAGE - 1);
        let promotedHere = 0;
        for (const job of page) {
          if ('kind' in job.data || job.data.orgId !== orgId) continue;
          // Ran or moved meanwhile: it read the settings then, or will.
          const promoted = await job.promote().then(
            () => true,
            () => false,
          );
          if (promoted) promotedHere++;
        }
        moved += promotedHere;
        if (page.length < REMINDER_SCAN_PAGE) return moved;
        // Promoted jobs left the delayed set: the next page starts that much earlier.
        start += page.length - promotedHere;
      }
    },
    async flushChannelReminders({ teamId, channelId }) {
      // Pending: reminders added meanwhile fold into it. Running: one more flush is kept for after it.
      await queues.reminders.add(
        'channel-reminders',
        { kind: 'channel-reminders', teamId, channelId },
        {
          delay: REMINDER_FOLD_MS,
          deduplication: { id: `channel-reminders:${teamId}:${channelId}`, keepLastIfActive: true },
        },
      );
    },
    async rollUpActivity(job, delayMs) {
      await queues.activity.add('roll-up', job, { delay: delayMs, deduplication: { id: `activity:${job.orgId}`, ttl: delayMs } });
    },
    async orgChanged(job) {
      if (job.cause === 'answer-time-shortened') {
        // Never folded into a job that already read the settings: a pending one takes this save
        // too (it reads them when it runs), and while one runs, one more is kept for after it.
        await queues.orgChanges.add(job.cause, job, { delay: 500, deduplication: { id: `org-changed:${job.cause}:${job.orgId}`, keepLastIfActive: true } });
        return;
      }
      // A short window folds a burst of saves into one retry.
      await queues.orgChanges.add(job.cause, job, { delay: 500, deduplication: { id: `org-changed:${job.orgId}`, ttl: 500 } });
    },
    async syncDirectory({ teamId, kind }) {
      for (const what of kind ? [kind] : (['channels', 'users'] as const)) {
        // One pending job per workspace and kind; while one runs, one more is kept for after it
        // (it starts a new run only if asked for after the running one completed).
        await queues.directory.add(
          `sync-${what}`,
          { kind: 'sync', teamId, what, requestedAt: Date.now() },
          {
            deduplication: { id: `directory:${teamId}:${what}`, keepLastIfActive: true },
          },
        );
      }
    },
    async orgProblem(job) {
      await queues.orgProblems.add(job.kind, job, {
        deduplication: { id: `problem:${job.orgId}:${job.kind}:${job.subject}`, ttl: ORG_PROBLEM_DEDUP_TTL_MS },
      });
    },
    async sweepDirectoriesNow() {
      await queues.directory.add('sweep', { kind: 'sweep' }, { deduplication: { id: 'directory-sweep-now', ttl: 30_000 } });
    },
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
