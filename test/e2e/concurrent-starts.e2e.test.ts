// End-to-end: an org with 50 routing groups, each with its channel set through the admin API
// (the platform answering some of those calls 429), and 50 chats started at once on two
// workers: every chat gets its parent message. Concurrent refreshes of the org's agents and
// groups must neither collide nor retry forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const GROUPS = 50;
let h: Harness;
const groupIds: string[] = [];

beforeAll(async () => {
  h = await startHarness({ runtime: 'node', name: 'concurrent-starts', workers: 2 });
  await h.store.orgSettings.save({ orgId: h.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null, answerTimeMs: null }, new Date());
  const { alice, bob } = h.agents;
  for (let i = 0; i < GROUPS; i++) {
    groupIds.push(h.platform.addRoutingGroup(h.orgId, { name: `Group ${i}`, memberAgentIds: [alice.agentId, bob.agentId] }).id);
    h.slack.createChannel(h.teamId, { name: `group-${i}`, memberIds: [alice.slackUserId, bob.slackUserId] });
  }
  // The channels are picked through the admin API, as fast as a script would: the platform
  // answers some of the admin API's own calls 429, which a retry gets past.
  // The channels were created after the install: the directory hears of them by events.
  const known = async (i: number) =>
    (await fetch(`${h.webUrl}/api/orgs/${h.orgId}/directory/channels/by-name/group-${i}`, { headers: { authorization: `Bearer ${h.secrets.adminApiToken}` } }))
      .status === 200;
  await waitFor(
    async () => (await Promise.all(groupIds.map((_, i) => known(i)))).every(Boolean),
    (all) => all,
    { what: 'the directory to know the channels', timeoutMs: 60_000 },
  );
  await Promise.all(
    groupIds.map(async (groupId, i) => {
      for (;;) {
        const res = await fetch(`${h.webUrl}/api/orgs/${h.orgId}/routing-groups/${groupId}/slack-channel`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${h.secrets.adminApiToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ channel: `group-${i}` }),
        });
        if (res.status === 200) return;
        if (res.status !== 502 && res.status !== 503) throw new Error(`PUT slack-channel answered ${res.status}: ${await res.text()}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }),
  );
}, 180_000);

afterAll(async () => h?.stop());

describe('many chats starting at once in an org with many routing groups', () => {
  it('posts every chat’s parent message', async () => {
    const conversations = await Promise.all(
      groupIds.map((groupId, i) => h.platform.startConversation(h.orgId, { routingGroupId: groupId, visitor: { name: `Visitor ${i}` } })),
    );
    const records = await waitFor(
      () => Promise.all(conversations.map((c) => h.store.conversations.get(h.orgId, c.id))),
      (rs) => rs.every((r) => r?.thread),
      { what: 'every parent message', timeoutMs: 90_000, intervalMs: 500 },
    );
    for (const [i, r] of records.entries())
      expect(r!.thread!.channelId).toBe(
        h.slack.calls({ method: 'conversations.join' }).find((c) => c.response.ok === true && (c.response.channel as { name?: string }).name === `group-${i}`)!
          .params.channel,
      );
  }, 120_000);
});
