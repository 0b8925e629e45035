// A worker keeps the org facts a chat routes by in memory (src/store/org-facts-memo.ts), and
// never routes by one that another process changed once that write completed: the "processes"
// here are compositions of the same store, each with its own memo, as web-deps and worker-main
// compose them. Each change is one an admin (or the platform) makes between two chats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandStartedEvent } from 'mongodb';
import { startJobWorld, runJob, type JobWorld } from '../support/job-world.ts';
import { processChatEvent } from '../../src/jobs/processors/chat-event.processor.ts';
import { parseChatEvent } from '../../src/platform/webhook-events.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import type { Store } from '../../src/store/index.ts';
import { installationVersions, memoizedTokens, withVersionBumps } from '../../src/installations/bot-token-memo.ts';
import { memoizedOrgFacts, orgFactVersions, withOrgFactBumps } from '../../src/store/org-facts-memo.ts';

describe('the org facts memo', () => {
  let w: JobWorld;
  let web: Store;
  let worker: WorkerDeps;
  let otherWorker: WorkerDeps;
  let groupId: string;
  const channels: Record<'first' | 'second' | 'global', string> = { first: '', second: '', global: '' };
  const reads: string[] = [];
  const count = (e: CommandStartedEvent) => {
    if (e.commandName === 'find') reads.push(String((e.command as { find?: string }).find));
  };

  beforeAll(async () => {
    w = await startJobWorld('org-facts-memo', { monitorCommands: true });
    groupId = w.platform.addRoutingGroup(w.orgId, { name: 'Sales', memberAgentIds: [w.agents.alice.agentId, w.agents.bob.agentId] }).id;
    for (const name of ['first', 'second', 'global'] as const) channels[name] = await w.freshChannel(`memo-${name}`, { withBob: true });
    const versions = orgFactVersions(w.redis, w.prefix);
    const tokenVersions = installationVersions(w.redis, w.prefix);
    const bumping = withOrgFactBumps({ ...w.store, installations: withVersionBumps(w.store.installations, tokenVersions) }, versions);
    web = bumping;
    const workerProcess = () => {
      const store = memoizedOrgFacts(bumping, versions, { ttlMs: 60_000, now: () => Date.now() });
      const installations = memoizedTokens(store.installations, tokenVersions, { ttlMs: 60_000, now: () => Date.now() });
      return { ...w.deps(), store: { ...store, installations } };
    };
    worker = workerProcess();
    otherWorker = workerProcess();
    await web.orgSettings.save({ orgId: w.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null, answerTimeMs: null }, new Date());
    await web.slackRouting.setGroupChannel(w.orgId, groupId, channels.first, new Date());
    w.mongo.client.on('commandStarted', count);
  }, 60_000);
  afterAll(async () => {
    w?.mongo.client.off('commandStarted', count);
    await w?.close();
  });

  /** A new chat of the Sales group started, its conversation.started run by the worker; its record after. */
  async function chatStart() {
    const conversation = await w.platform.startConversation(w.orgId, { visitor: { name: 'Vera' }, routingGroupId: groupId });
    for (const event of w.events(conversation.id, 'conversation.started')) await runJob(() => processChatEvent(worker, event));
    return (await w.store.conversations.get(w.orgId, conversation.id))!;
  }

  it('routes each chat by what another process changed before it started', async () => {
    const first = await chatStart();
    expect(first.thread?.channelId).toBe(channels.first);
    expect(first.notification).toMatchObject({ rule: 'group-channel', mentionSlackUserIds: [w.agents.alice.slackUserId, w.agents.bob.slackUserId] });

    // Nothing changed: the next chat routes from memory.
    reads.length = 0;
    expect((await chatStart()).thread?.channelId).toBe(channels.first);
    for (const collection of [
      'org_settings',
      'platform_agents',
      'platform_groups',
      'platform_directory_meta',
      'agent_mappings',
      'routing_group_channels',
      'installations',
    ]) {
      expect(reads, collection).not.toContain(collection);
    }

    // An admin gives the group another channel.
    await web.slackRouting.setGroupChannel(w.orgId, groupId, channels.second, new Date());
    expect((await chatStart()).thread?.channelId).toBe(channels.second);

    // Alice goes on Do Not Disturb, as another worker hears from the platform: Bob alone is asked, in his DM.
    await w.platform.setAgentStatus(w.orgId, w.agents.alice.agentId, 'dnd');
    const statusEvent = w.platform
      .events()
      .map((raw) => parseChatEvent(JSON.parse(JSON.stringify(raw))))
      .flatMap((parsed) => (parsed.ok && parsed.event.type === 'agent.status_changed' ? [parsed.event] : []))
      .at(-1)!;
    await runJob(() => processChatEvent(otherWorker, statusEvent));
    const dnd = await chatStart();
    expect(dnd.notification).toMatchObject({ rule: 'only-member-not-on-dnd', dmSlackUserIds: [w.agents.bob.slackUserId] });

    // An admin unmaps Bob: the group's channel again, Bob named as someone without Slack.
    await web.agentMappings.unmap(w.orgId, w.agents.bob.agentId);
    const unmapped = await chatStart();
    expect(unmapped.thread?.channelId).toBe(channels.second);
    expect(unmapped.notification).toMatchObject({
      rule: 'group-channel',
      mentionSlackUserIds: [w.agents.alice.slackUserId],
      unmappedMemberNames: ['Bob Agent'],
    });

    // An admin turns the global channel on.
    await web.orgSettings.save(
      { orgId: w.orgId, channelIdMode: false, globalChannelEnabled: true, globalChannelId: channels.global, answerTimeMs: null },
      new Date(),
    );
    expect((await chatStart()).thread?.channelId).toBe(channels.global);

    // An admin disconnects Slack: the next chat is not posted anywhere, and says why.
    await web.installations.markDisconnected(w.teamId, 'disconnected_by_admin', new Date());
    const disconnected = await chatStart();
    expect(disconnected.thread).toBeNull();
    expect(disconnected.undeliverableReason).toBe('Slack is not connected for this org');
  });

  it('lets a memo lapse after its time, and trusts none whose version Redis lost', async () => {
    let clock = Date.now();
    const versions = orgFactVersions(w.redis, w.prefix);
    const memo = memoizedOrgFacts(w.store, versions, { ttlMs: 1000, now: () => clock });
    const settings = (await memo.orgSettings.get(w.orgId))!;
    // Written around this code (no version bumped), as an operator editing the collection would.
    await w.store.orgSettings.save({ ...settings, internalNotePrefix: 'aside:' }, new Date());
    expect((await memo.orgSettings.get(w.orgId))?.internalNotePrefix).toBe(settings.internalNotePrefix);
    clock += 1001;
    expect((await memo.orgSettings.get(w.orgId))?.internalNotePrefix).toBe('aside:');

    // Redis restarted (the version gone): the next read does not trust the memo.
    await w.store.orgSettings.save({ ...settings, internalNotePrefix: 'psst:' }, new Date());
    await w.redis.del(`${w.prefix}:org-facts-version:settings:${w.orgId}`);
    expect((await memo.orgSettings.get(w.orgId))?.internalNotePrefix).toBe('psst:');
  });
});
