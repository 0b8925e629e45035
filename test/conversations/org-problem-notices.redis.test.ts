// The installer's DM about a problem met after setup, job by job against the Slack emulator, with
// one clock for the workers and the emulator: one DM per problem per day, none without an
// installer, and a transient Slack failure gives the day's claim back so the retry sends exactly one.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runJob, startJobWorld, type JobWorld } from '../support/job-world.ts';
import { slackFaults } from '../../emulators/slack/fault-injection.ts';
import { processOrgProblem } from '../../src/jobs/processors/org-problem.processor.ts';
import { processChatEvent } from '../../src/jobs/processors/chat-event.processor.ts';
import { freshDirectory } from '../../src/conversations/notification-delivery.ts';
import type { OrgProblemJob } from '../../src/queues/queues.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';

const DAY_MS = 24 * 3600 * 1000;

let w: JobWorld;
let deps: WorkerDeps;
let faults: ReturnType<typeof slackFaults>;
let channelId: string;
let installerDm: string;

beforeAll(async () => {
  w = await startJobWorld('org-problem-notices');
  deps = w.deps();
  faults = slackFaults(w.slack.url);
  const group = w.platform.addRoutingGroup(w.orgId, { name: 'Sales EMEA', memberAgentIds: [w.agents.alice.agentId] });
  channelId = w.slack.createChannel(w.teamId, { name: 'sales-emea', memberIds: [w.botUserId, w.agents.alice.slackUserId] }).id;
  await w.store.slackRouting.setGroupChannel(w.orgId, group.id, channelId, w.clock.now());
  await freshDirectory(deps, w.orgId, { force: true });
  installerDm = w.slack.openAppDm(w.teamId, w.agents.alice.slackUserId).id;
}, 60_000);

afterAll(async () => w?.close());

afterEach(async () => faults.clear());

beforeEach(async () => {
  // Each test starts with no problem recorded (one problem is one document).
  await w.mongo.db.collection('org_problems').deleteMany({});
});

const archived = (): OrgProblemJob => ({ orgId: w.orgId, kind: 'channel_archived', subject: channelId, detail: null });
const dms = () => w.slack.messages(installerDm);

describe('the installer is told of a problem by DM', () => {
  it('once a day per problem: a second sighting the same day sends none, one a day later sends one more', async () => {
    const before = dms().length;
    await runJob(() => processOrgProblem(deps, archived()));
    expect(dms()).toHaveLength(before + 1);
    const dm = dms().at(-1)!;
    // No directory synced here: the channel is named by a mention, which Slack shows as its name.
    expect(dm.text).toContain(`The Slack channel <#${channelId}>, where chats of routing group *Sales EMEA* are announced, was archived`);
    expect(dm.text).toContain('*Sales EMEA*');
    expect(dm.text).toContain('archived');
    expect(dm.text).toContain(`<https://threadbridge.test/settings/${w.orgId}#health|Settings → Health>`);
    expect(dm.text).toContain('from your chat platform');

    w.clock.advance(23 * 3600 * 1000);
    await runJob(() => processOrgProblem(deps, archived()));
    expect(dms()).toHaveLength(before + 1);

    w.clock.advance(3600 * 1000 + 1);
    await runJob(() => processOrgProblem(deps, archived()));
    expect(dms()).toHaveLength(before + 2);
    const [problem] = await w.store.orgProblems.list(w.orgId);
    expect(problem).toMatchObject({ kind: 'channel_archived', subject: channelId });
    expect(problem!.notifiedAt!.getTime() - problem!.firstSeenAt.getTime()).toBeGreaterThanOrEqual(DAY_MS);
  });

  it('two different problems are two DMs', async () => {
    const before = dms().length;
    await runJob(() => processOrgProblem(deps, archived()));
    await runJob(() =>
      processOrgProblem(deps, {
        orgId: w.orgId,
        kind: 'chats_undeliverable',
        subject: 'no_target',
        detail: 'nowhere to notify: routing group Sales EMEA has no channel',
      }),
    );
    expect(dms()).toHaveLength(before + 2);
    expect(dms().at(-1)!.text).toContain('nowhere to notify: routing group Sales EMEA has no channel');
    expect(dms().at(-1)!.text).toContain('*Route again*');
    expect((await w.store.orgProblems.list(w.orgId)).map((p) => p.kind).sort()).toEqual(['channel_archived', 'chats_undeliverable']);
  });

  it('a lost connection is recorded for the Health section and told to nobody', async () => {
    const before = dms().length;
    await runJob(() => processOrgProblem(deps, { orgId: w.orgId, kind: 'connection_lost', subject: w.teamId, detail: 'tokens_revoked' }));
    expect(dms()).toHaveLength(before);
    expect(await w.store.orgProblems.list(w.orgId)).toMatchObject([{ kind: 'connection_lost', detail: 'tokens_revoked', notifiedAt: null }]);
  });

  it('with no installer known, the problem is recorded and nobody is messaged', async () => {
    const installations = w.mongo.db.collection<{ _id: string }>('installations');
    await installations.updateOne({ _id: w.teamId }, { $set: { installerUserId: null } });
    try {
      const opens = w.slack.calls({ method: 'conversations.open' }).length;
      const posts = w.slack.calls({ method: 'chat.postMessage' }).length;
      await runJob(() => processOrgProblem(deps, archived()));
      expect(w.slack.calls({ method: 'conversations.open' })).toHaveLength(opens);
      expect(w.slack.calls({ method: 'chat.postMessage' })).toHaveLength(posts);
      expect(await w.store.orgProblems.list(w.orgId)).toMatchObject([{ kind: 'channel_archived', notifiedAt: null }]);
    } finally {
      await installations.updateOne({ _id: w.teamId }, { $set: { installerUserId: w.agents.alice.slackUserId } });
    }
  });

  it('a transient Slack failure gives the claim back, and the retry sends exactly one DM', async () => {
    const before = dms().length;
    await faults.add({ method: 'chat.postMessage', status: 503, times: 1 });
    await expect(processOrgProblem(deps, archived())).rejects.toMatchObject({ code: 'http_503', transient: true });
    expect(dms()).toHaveLength(before);
    expect(await w.store.orgProblems.list(w.orgId)).toMatchObject([{ kind: 'channel_archived', notifiedAt: null }]);

    // The job's retry: exactly one DM.
    await runJob(() => processOrgProblem(deps, archived()));
    expect(dms()).toHaveLength(before + 1);

    // Run again (a job retried after its post went out): the day's claim is held, nothing more is sent.
    await runJob(() => processOrgProblem(deps, archived()));
    expect(dms()).toHaveLength(before + 1);
  });
});

describe('problems are reported where a chat meets them', () => {
  const queued = async (kind: OrgProblemJob['kind']) =>
    (await w.queues.orgProblems.getJobs(['waiting', 'delayed', 'active', 'completed'])).map((j) => j.data).filter((d) => d.kind === kind);

  async function startChat(routingGroupId: string, visitor: string) {
    const conversation = await w.platform.startConversation(w.orgId, { routingGroupId, visitor: { name: visitor } });
    for (const event of w.events(conversation.id, 'conversation.started')) await runJob(() => processChatEvent(deps, event));
    return (await w.store.conversations.get(w.orgId, conversation.id))!;
  }

  it('Slack refusing a group’s archived channel: channel_refused with Slack’s code; the chat goes to the members’ DMs', async () => {
    const group = w.platform.addRoutingGroup(w.orgId, { name: 'Old Desk', memberAgentIds: [w.agents.alice.agentId, w.agents.bob.agentId] });
    const archivedChannel = w.slack.createChannel(w.teamId, { name: 'old-desk', memberIds: [w.agents.alice.slackUserId] }).id;
    w.slack.archiveChannel(archivedChannel);
    await w.store.slackRouting.setGroupChannel(w.orgId, group.id, archivedChannel, w.clock.now());
    await freshDirectory(deps, w.orgId, { force: true });
    const record = await startChat(group.id, 'Vera');
    expect(record.thread).not.toBeNull();
    expect(await queued('channel_refused')).toEqual([{ orgId: w.orgId, kind: 'channel_refused', subject: archivedChannel, detail: 'is_archived' }]);
  });

  it('a chat with nowhere to go: chats_undeliverable, its subject the cause’s code', async () => {
    const nora = w.platform.addAgent(w.orgId, { name: 'Nora Unmapped', email: 'nora@acme.test', status: 'online' });
    const group = w.platform.addRoutingGroup(w.orgId, { name: 'Nobody Mapped', memberAgentIds: [nora.id] });
    await freshDirectory(deps, w.orgId, { force: true });
    const record = await startChat(group.id, 'Uma');
    expect(record.undeliverableReason).toMatch(/^nowhere to notify: /);
    expect(await queued('chats_undeliverable')).toEqual([
      { orgId: w.orgId, kind: 'chats_undeliverable', subject: 'no_target', detail: record.undeliverableReason },
    ]);
  });
});
