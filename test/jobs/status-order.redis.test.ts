// A chat is routed with every agent status change the ingress accepted before it, although the
// status job and the chat start are separate jobs that two workers may take in either order
// (src/queues/status-order.ts). Jobs are queued as the ingress queues them (the producer) and run
// one by one as a worker runs them, so the tests choose the order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { startJobWorld, runJob, type JobWorld } from '../support/job-world.ts';
import { processOrderedChatEvent, STATUS_WAIT_MAX_MS } from '../../src/jobs/processors/ordered-chat-event.processor.ts';
import { createJobProducer, type ChatEventJob, type JobProducer } from '../../src/queues/queues.ts';
import { parseChatEvent, type ChatEvent } from '../../src/platform/webhook-events.ts';
import { freshDirectory } from '../../src/conversations/notification-delivery.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';

describe('status changes before a chat starts', () => {
  let w: JobWorld;
  let deps: WorkerDeps;
  let producer: JobProducer;
  let pairGroupId: string;

  beforeAll(async () => {
    w = await startJobWorld('status-order');
    deps = w.deps();
    producer = createJobProducer(w.queues);
    // No global channel: the group's members are notified by their status (the group has no channel).
    await w.store.orgSettings.save({ orgId: w.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null }, w.clock.now());
    pairGroupId = w.platform.addRoutingGroup(w.orgId, { name: 'Pair', memberAgentIds: [w.agents.alice.agentId, w.agents.bob.agentId] }).id;
    // The directory is fetched (both online) before the status change, as it is in a running org:
    // routing then knows of the change only through its webhook.
    await freshDirectory(deps, w.orgId);
  }, 60_000);
  afterAll(async () => w?.close());

  /** The platform's latest agent.status_changed, as the ingress validated it. */
  function latestStatusEvent(): ChatEvent {
    const raw = w.platform
      .events()
      .filter((e) => e.type === 'agent.status_changed')
      .at(-1);
    const parsed = parseChatEvent(JSON.parse(JSON.stringify(raw)));
    if (!parsed.ok) throw new Error(parsed.detail);
    return parsed.event;
  }

  /** The queued job of a chat event, whichever queue it went to. */
  async function queuedJob(event: ChatEvent): Promise<Job<ChatEventJob>> {
    const jobs = [...(await w.queues.chatEvents.getJobs(['waiting', 'prioritized'])), ...(await w.queues.chatStarts.getJobs(['waiting', 'prioritized']))];
    const job = jobs.find((j) => j?.data.id === event.id);
    if (!job) throw new Error(`${event.type} ${event.id} was not queued`);
    await job.remove();
    return job;
  }

  const run = (job: Job<ChatEventJob>) => runJob(() => processOrderedChatEvent(deps, job.data, job.timestamp), { maxRuns: 500, maxDelayMs: 50 });

  async function startChat(visitor: string) {
    const conversation = await w.platform.startConversation(w.orgId, { routingGroupId: pairGroupId, visitor: { name: visitor } });
    const [started] = w.events(conversation.id, 'conversation.started');
    await producer.addChatEvent(started!);
    return { conversation, job: await queuedJob(started!) };
  }

  async function postedTo(conversationId: string) {
    const record = await w.store.conversations.get(w.orgId, conversationId);
    return record?.thread?.channelId ?? null;
  }

  /** Why the chat's notification went where it went, as its parent message says. */
  async function sentBecause(conversationId: string): Promise<string> {
    const thread = (await w.store.conversations.get(w.orgId, conversationId))?.thread;
    const parent = w.slack
      .calls({ method: 'chat.postMessage' })
      .find((c) => c.response.ok === true && c.response.channel === thread?.channelId && c.response.ts === thread?.threadTs && !c.params.thread_ts);
    return /Sent here because: ([^."]*)/.exec(JSON.stringify(parent?.params.blocks ?? null))?.[1] ?? 'no parent message';
  }

  const allOnline = /^fallback to each online member/;

  it('a chat started right after a status change waits for it, though its job runs first', async () => {
    await w.platform.setAgentStatus(w.orgId, w.agents.alice.agentId, 'dnd');
    const status = latestStatusEvent();
    await producer.addChatEvent(status);
    const statusJob = await queuedJob(status);
    const { conversation, job: startJob } = await startChat('Dina');

    // The start's worker takes it first; the status job's worker only a moment later.
    const started = run(startJob);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await postedTo(conversation.id)).toBeNull();
    await run(statusJob);
    const runs = await started;

    // Alice is on Do Not Disturb: the chat goes to Bob alone.
    expect(runs).toBeGreaterThan(1);
    expect(await sentBecause(conversation.id)).toMatch(/^all other members on Do Not Disturb/);
  });

  it('a chat start with every status change stored runs at once, also after a redelivered status change', async () => {
    await w.platform.setAgentStatus(w.orgId, w.agents.alice.agentId, 'online');
    const status = latestStatusEvent();
    await producer.addChatEvent(status);
    const statusJob = await queuedJob(status);
    await run(statusJob);
    // Delivered again (at-least-once): the same place in the order, already stored; its job runs again too.
    await producer.addChatEvent(status);
    await run(statusJob);

    const { conversation, job } = await startChat('Omar');
    expect(await run(job)).toBe(1);
    expect(await sentBecause(conversation.id)).toMatch(allOnline);
  });

  it('a status change never stored holds chat starts back only so long, and only once', async () => {
    await w.platform.setAgentStatus(w.orgId, w.agents.bob.agentId, 'dnd');
    const status = latestStatusEvent();
    await producer.addChatEvent(status);
    // Its job fails for good and is never run.
    await queuedJob(status);

    const first = await startChat('Pia');
    await expect(processOrderedChatEvent(deps, first.job.data, first.job.timestamp)).rejects.toThrow(/not all applied/);
    w.clock.advance(STATUS_WAIT_MAX_MS);
    expect(await run(first.job)).toBe(1);
    expect(await sentBecause(first.conversation.id)).toMatch(allOnline);

    const second = await startChat('Quinn');
    expect(await run(second.job)).toBe(1);
    expect(await sentBecause(second.conversation.id)).toMatch(allOnline);
  });
});
