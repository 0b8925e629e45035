// Which Slack events make a problem of the org's (queued for the installer's DM), and which settle
// one: job by job, each event as the Slack emulator would send it after the change was made there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorld, type JobWorld } from '../support/job-world.ts';
import { processSlackEvent } from '../../src/jobs/processors/slack-event.processor.ts';
import { processOrgChanged } from '../../src/jobs/processors/org-changed.processor.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import type { OrgProblemJob } from '../../src/queues/queues.ts';

let w: JobWorld;
let deps: WorkerDeps;
let groupId: string;
let eventNo = 0;

beforeAll(async () => {
  w = await startJobWorld('channel-problems');
  deps = w.deps();
  groupId = w.platform.addRoutingGroup(w.orgId, { name: 'Support', memberAgentIds: [w.agents.alice.agentId] }).id;
}, 60_000);

afterAll(async () => w?.close());

const event = (e: { type: string; [key: string]: unknown }) =>
  processSlackEvent(deps, { teamId: w.teamId, eventId: `Ev${++eventNo}`, eventTime: Math.floor(Date.now() / 1000), event: e });

async function queuedProblems(subject: string): Promise<OrgProblemJob[]> {
  const jobs = await w.queues.orgProblems.getJobs(['waiting', 'delayed', 'active', 'completed']);
  return jobs.map((j) => j.data).filter((d) => d.subject === subject);
}

/** A public channel with the app in it; the group's channel when `inUse`. */
async function channel(name: string, inUse: boolean, isPrivate = false): Promise<string> {
  const id = w.slack.createChannel(w.teamId, { name, isPrivate, memberIds: [w.botUserId, w.agents.alice.slackUserId] }).id;
  if (inUse) await w.store.slackRouting.setGroupChannel(w.orgId, groupId, id, w.clock.now());
  return id;
}

describe('channel problems from Slack events', () => {
  it('an archived channel the org does not notify in is no problem; the group’s channel is', async () => {
    const unused = await channel('random-talk', false);
    w.slack.archiveChannel(unused);
    await event({ type: 'channel_archive', channel: unused, user: w.agents.alice.slackUserId });
    expect(await queuedProblems(unused)).toEqual([]);

    const used = await channel('support-one', true);
    w.slack.archiveChannel(used);
    await event({ type: 'channel_archive', channel: used, user: w.agents.alice.slackUserId });
    expect(await queuedProblems(used)).toEqual([{ orgId: w.orgId, kind: 'channel_archived', subject: used, detail: null }]);
  });

  it('the app removed from a public channel in use joins it again: no problem', async () => {
    const used = await channel('support-two', true);
    w.slack.removeFromChannel(used, w.botUserId, w.agents.alice.slackUserId);
    await event({ type: 'channel_left', channel: used, actor_id: w.agents.alice.slackUserId });
    expect(w.slack.calls({ method: 'conversations.join' }).some((c) => c.params.channel === used && c.response.ok === true)).toBe(true);
    expect(await queuedProblems(used)).toEqual([]);
  });

  it('the app removed from a private channel in use is a problem, settled when the app is added back', async () => {
    const used = await channel('support-private', true, true);
    w.slack.removeFromChannel(used, w.botUserId, w.agents.alice.slackUserId);
    await event({ type: 'group_left', channel: used, actor_id: w.agents.alice.slackUserId });
    expect(await queuedProblems(used)).toEqual([{ orgId: w.orgId, kind: 'app_removed_from_channel', subject: used, detail: null }]);

    await w.store.orgProblems.record({ orgId: w.orgId, kind: 'app_removed_from_channel', subject: used, detail: null }, w.clock.now());
    w.slack.addToChannel(used, w.botUserId, w.agents.alice.slackUserId);
    await event({ type: 'member_joined_channel', user: w.botUserId, channel: used, channel_type: 'G', team: w.teamId });
    expect((await w.store.orgProblems.list(w.orgId)).filter((p) => p.subject === used)).toEqual([]);
  });

  it('a channel problem is resolved once the group has another channel (the settings change’s job)', async () => {
    const old = await channel('support-old', true);
    await w.store.orgProblems.record({ orgId: w.orgId, kind: 'channel_refused', subject: old, detail: 'is_archived' }, w.clock.now());
    await processOrgChanged(deps, { orgId: w.orgId, cause: 'settings-changed' });
    expect((await w.store.orgProblems.list(w.orgId)).filter((p) => p.subject === old)).toHaveLength(1);

    await channel('support-new', true);
    await processOrgChanged(deps, { orgId: w.orgId, cause: 'settings-changed' });
    expect((await w.store.orgProblems.list(w.orgId)).filter((p) => p.subject === old)).toEqual([]);
  });

  it('tokens revoked: the connection is lost (queued for the Health section); connected again, it is resolved', async () => {
    await event({ type: 'tokens_revoked', tokens: { bot: [w.botUserId] } });
    expect(await queuedProblems(w.teamId)).toEqual([{ orgId: w.orgId, kind: 'connection_lost', subject: w.teamId, detail: 'tokens_revoked' }]);

    await w.store.orgProblems.record({ orgId: w.orgId, kind: 'connection_lost', subject: w.teamId, detail: 'tokens_revoked' }, w.clock.now());
    await w.mongo.db.collection<{ _id: string }>('installations').updateOne({ _id: w.teamId }, { $set: { status: 'active' } });
    await processOrgChanged(deps, { orgId: w.orgId, cause: 'slack-connected' });
    expect((await w.store.orgProblems.list(w.orgId)).filter((p) => p.kind === 'connection_lost')).toEqual([]);
  });
});
