// End-to-end: a problem that appears after setup reaches the person who connected Slack. Things
// break in the Slack emulator (a routing group's channel archived, the app removed from a
// private one) or a chat finds nowhere to go; the worker hears it as Slack or the platform tells
// it, and the installer (Alice, who connected the workspace) gets one DM from the app naming the
// channel, with the settings page's Health link; the org's problems list holds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';

let h: Harness;
let installerDm: string;
const ids = { support: '', supportChannel: '', vip: '', vipChannel: '', nobody: '' };

beforeAll(async () => {
  h = await startHarness({ runtime: 'node', name: 'problem-notices' });
  const { alice, bob } = h.agents;
  ids.support = h.platform.addRoutingGroup(h.orgId, { name: 'Support', memberAgentIds: [alice.agentId, bob.agentId] }).id;
  ids.vip = h.platform.addRoutingGroup(h.orgId, { name: 'VIP', memberAgentIds: [alice.agentId] }).id;
  const unmapped = h.platform.addAgent(h.orgId, { name: 'Nora Unmapped', email: 'nora@acme.test', status: 'online' });
  ids.nobody = h.platform.addRoutingGroup(h.orgId, { name: 'Nobody Mapped', memberAgentIds: [unmapped.id] }).id;
  ids.supportChannel = h.slack.createChannel(h.teamId, { name: 'support-desk', memberIds: [alice.slackUserId, h.botUserId] }).id;
  ids.vipChannel = h.slack.createChannel(h.teamId, { name: 'vip-deals', isPrivate: true, memberIds: [alice.slackUserId, h.botUserId] }).id;
  const now = new Date();
  await h.store.slackRouting.setGroupChannel(h.orgId, ids.support, ids.supportChannel, now);
  await h.store.slackRouting.setGroupChannel(h.orgId, ids.vip, ids.vipChannel, now);
  // No global channel to fall back to: a chat of a group with no channel and nobody mapped goes nowhere.
  await h.store.orgSettings.save({ orgId: h.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: h.channelId, answerTimeMs: null }, now);
  installerDm = h.slack.openAppDm(h.teamId, alice.slackUserId).id;
}, 120_000);

afterAll(async () => h?.stop());

const healthLink = () => `<${h.webUrl}/settings/${h.orgId}#health|Settings → Health>`;
const dmsAbout = (text: string) => h.slack.messages(installerDm).filter((m) => m.text.includes(text));

async function oneDmAbout(text: string) {
  await waitFor(
    async () => dmsAbout(text),
    (found) => found.length > 0,
    { what: `the installer's DM about ${text}` },
  );
  return dmsAbout(text);
}

describe('problems after setup reach the installer', () => {
  it('a routing group’s channel archived in Slack: one DM naming it, with the Health link, and the problem listed', async () => {
    h.slack.archiveChannel(ids.supportChannel, h.agents.bob.slackUserId);
    const dms = await oneDmAbout('was archived');
    expect(dms).toHaveLength(1);
    expect(dms[0]!.text).toContain(`The Slack channel #support-desk, where chats of routing group *Support* are announced, was archived`);
    expect(dms[0]!.text).toContain(healthLink());
    expect(dms[0]!.text).toContain('from your chat platform');
    const problems = await h.store.orgProblems.list(h.orgId);
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'channel_archived', subject: ids.supportChannel, notifiedAt: expect.any(Date) }));

    // Unarchived: the problem is resolved, and nobody is messaged about that.
    h.slack.unarchiveChannel(ids.supportChannel, h.agents.bob.slackUserId);
    await waitFor(
      () => h.store.orgProblems.list(h.orgId),
      (list) => !list.some((p) => p.kind === 'channel_archived'),
      { what: 'the archive problem resolved by the unarchive' },
    );
    expect(dmsAbout('was archived')).toHaveLength(1);
  });

  it('the app removed from a private routing-group channel: one DM saying to add it back', async () => {
    h.slack.removeFromChannel(ids.vipChannel, h.botUserId, h.agents.alice.slackUserId);
    const dms = await oneDmAbout('The app was removed from');
    expect(dms).toHaveLength(1);
    expect(dms[0]!.text).toContain('routing group *VIP*');
    expect(dms[0]!.text).toContain('Add the app back');
    expect(dms[0]!.text).toContain(healthLink());
    expect(await h.store.orgProblems.list(h.orgId)).toContainEqual(expect.objectContaining({ kind: 'app_removed_from_channel', subject: ids.vipChannel }));
  });

  it('chats becoming undeliverable for one cause: one DM, one problem', async () => {
    for (const name of ['Una', 'Ulla']) {
      const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: ids.nobody, visitor: { name } });
      await waitFor(
        () => h.store.conversations.get(h.orgId, conversation.id),
        (r) => Boolean(r?.undeliverableReason),
        { what: `${name}'s chat marked undeliverable` },
      );
    }
    const dms = await oneDmAbout('could not be delivered');
    expect(dms[0]!.text).toContain('*Route again*');
    expect(dms[0]!.text).toContain(healthLink());
    const undeliverable = (await h.store.orgProblems.list(h.orgId)).filter((p) => p.kind === 'chats_undeliverable');
    expect(undeliverable).toEqual([expect.objectContaining({ subject: 'no_target', notifiedAt: expect.any(Date) })]);
    // The second chat's sighting was seen in the same day: still one DM.
    await new Promise((r) => setTimeout(r, 500));
    expect(dmsAbout('could not be delivered')).toHaveLength(1);
  });
});
