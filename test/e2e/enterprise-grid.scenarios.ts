// End-to-end, once per worker runtime (Node.js, Deno): Enterprise Grid org-wide installs and Slack
// Connect channels (issue 27). Globex connects its whole Grid organization and grants East and
// West (the steps before, and a rival org refused, are org-wide-install.scenarios.ts's): the directory
// lists both workspaces' channels, agents map to people of either, a chat routed to West's channel
// is answered there, a Join click and a shortcut from West work. A Slack Connect channel is refused
// without the admin's confirmation and accepted with it; a partner company's person who writes in
// a chat's thread reaches nobody and is told why. Initech, a second org on its own Grid
// organization, never sees or reaches Globex's workspaces, people or chats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type WorkerRuntime } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { adminApi, lastDeliverySeq, queuesSettled, threadOf, type AdminApi } from './tenant-boundary-world.ts';
import { grantBoth, nameOf, seedGridOrg, usernameOf, type GridOrg } from './enterprise-grid-world.ts';

export function enterpriseGridScenarios(runtime: WorkerRuntime): void {
  describe(`Enterprise Grid and Slack Connect with a ${runtime} worker`, () => {
    let h: Harness;
    let api: AdminApi;
    let G: GridOrg;
    let I: GridOrg;

    beforeAll(async () => {
      h = await startHarness({ runtime, name: `enterprise-grid-${runtime}` });
      G = await seedGridOrg(h, 'Globex');
      api = adminApi(h, G.orgId);
      I = await seedGridOrg(h, 'Initech');
    }, 120_000);

    afterAll(async () => h?.stop());

    const ephemeralsTo = (user: string, afterSeq: number) =>
      h.slack
        .calls({ method: 'chat.postEphemeral' })
        .filter((c) => c.seq > afterSeq && c.params['user'] === user)
        .map((c) => String(c.params['text']));
    const slackSeq = () => h.slack.calls().at(-1)?.seq ?? 0;

    it('granted both workspaces: the directory lists both workspaces’ channels, naming each one’s workspace, and people once', async () => {
      await grantBoth(h, api, G);
      const slack = await api.expectStatus(G.orgId, 200, 'GET', '/slack');
      expect(slack.body.workspaces.map((w: { id: string }) => w.id).sort()).toEqual([G.east.id, G.west.id].sort());
      const east = await api.expectStatus(G.orgId, 200, 'GET', `/directory/channels/by-name/${nameOf(G, 'east')}`);
      const west = await api.expectStatus(G.orgId, 200, 'GET', `/directory/channels/by-name/${nameOf(G, 'west')}`);
      expect(east.body.channel).toMatchObject({ id: G.east.channelId, workspace: { id: G.east.id, name: G.east.name } });
      expect(west.body.channel).toMatchObject({ id: G.west.channelId, workspace: { id: G.west.id, name: G.west.name } });
      const partners = await api.expectStatus(G.orgId, 200, 'GET', `/directory/channels/by-name/${nameOf(G, 'partners')}`);
      expect(partners.body.channel).toMatchObject({ id: G.west.sharedChannelId, sharedExternally: true, workspace: { id: G.west.id } });
      // The whole directory, both workspaces' channels in one list.
      const all = await api.expectStatus(G.orgId, 200, 'GET', '/directory/channels?q=globex');
      const listed = all.body.channels.map((c: { id: string; workspace: { id: string } }) => [c.id, c.workspace.id]);
      expect(listed).toEqual(
        expect.arrayContaining([
          [G.east.channelId, G.east.id],
          [G.west.channelId, G.west.id],
        ]),
      );

      // Gina is in both workspaces under one org-wide id: one person in the directory, and her
      // agent's suggestion by email.
      const agents = await api.expectStatus(G.orgId, 200, 'GET', '/agents');
      const gina = agents.body.agents.find((a: { agentId: string }) => a.agentId === G.gina.agentId);
      expect(gina.suggestion).toMatchObject({ id: G.gina.slackUserId });
      const users = await api.expectStatus(G.orgId, 200, 'GET', `/directory/users?q=${usernameOf(G, 'gina')}`);
      expect(users.body.users.filter((u: { id: string }) => u.id === G.gina.slackUserId)).toHaveLength(1);
      await api.expectStatus(G.orgId, 200, 'PUT', `/agents/${G.gina.agentId}/slack-user`, { username: usernameOf(G, 'gina') });
      await api.expectStatus(G.orgId, 200, 'PUT', `/agents/${G.walt.agentId}/slack-user`, { username: usernameOf(G, 'walt') });
    });

    let westThread = { conversationId: '', threadTs: '' };

    it('a chat routed to West’s channel opens its thread there; Walt’s reply in West reaches the visitor', async () => {
      const chosen = await api.expectStatus(G.orgId, 200, 'PUT', `/routing-groups/${G.groupId}/slack-channel`, { channel: nameOf(G, 'west') });
      expect(chosen.body.channel).toMatchObject({ id: G.west.channelId, workspace: { id: G.west.id, name: G.west.name } });
      const conversation = await h.platform.startConversation(G.orgId, { routingGroupId: G.groupId, visitor: { name: 'Vic West' } });
      await h.platform.visitorSays(G.orgId, conversation.id, 'Hello from the pricing page');
      const thread = await threadOf(h, G.orgId, conversation.id);
      expect(thread).toMatchObject({ teamId: G.enterpriseId, channelId: G.west.channelId });
      westThread = { conversationId: conversation.id, threadTs: thread.threadTs };

      await h.slack.postAsUser({
        teamId: G.west.id,
        channel: G.west.channelId,
        user: G.walt.slackUserId,
        threadTs: thread.threadTs,
        text: 'Hi Vic, Walt here',
      });
      const relayed = await waitFor(
        () => h.platform.conversation(G.orgId, conversation.id).messages.filter((m) => m.origin === 'slack'),
        (m) => m.length === 1,
        { what: 'Walt’s reply at the visitor' },
      );
      expect(relayed[0]).toMatchObject({ text: 'Hi Vic, Walt here', author: { type: 'agent', id: G.walt.agentId } });
    });

    it('a Join click and a shortcut from West act on the chat', async () => {
      await h.slack.clickButton({
        teamId: G.west.id,
        userId: G.gina.slackUserId,
        channel: G.west.channelId,
        messageTs: westThread.threadTs,
        actionId: 'claim_chat',
      });
      await waitFor(
        () => h.store.conversations.get(G.orgId, westThread.conversationId),
        (r) => r?.claimedBy?.slackUserId === G.gina.slackUserId,
        { what: 'Gina’s Join of the chat' },
      );

      const answer = await h.slack.messageShortcut({
        teamId: G.west.id,
        userId: G.gina.slackUserId,
        channel: G.west.channelId,
        messageTs: westThread.threadTs,
        callbackId: 'collect_info',
      });
      expect(answer.status).toBe(200);
      const modal = await waitFor(
        () => h.slack.openViews(G.west.id, G.gina.slackUserId).at(-1) as { id: string; callback_id: string } | undefined,
        (v) => v?.callback_id === 'collect_info_modal',
        { what: 'the Collect info modal in West' },
      );
      await h.slack.submitView({ teamId: G.west.id, userId: G.gina.slackUserId, viewId: modal!.id, values: { fields: { fields: ['phone'] } } });
      const requests = await waitFor(
        () => h.platform.conversation(G.orgId, westThread.conversationId).formRequests,
        (r) => r.length === 1,
        { what: 'the form request at the platform' },
      );
      expect(requests[0]).toMatchObject({ agentId: G.gina.agentId, fields: ['phone'] });
    });

    it('a Slack Connect channel is refused without the admin’s confirmation, accepted with it, and the confirmation is in the change history', async () => {
      const refused = await api.call(G.orgId, 'PUT', `/routing-groups/${G.groupId}/slack-channel`, { channel: nameOf(G, 'partners') });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'channel_shared_externally', field: 'channel' });
      expect(refused.body.error.message).toContain(nameOf(G, 'partners'));

      await api.expectStatus(G.orgId, 200, 'PUT', `/routing-groups/${G.groupId}/slack-channel`, {
        channel: nameOf(G, 'partners'),
        confirmSharedChannel: true,
      });
      const changes = await api.expectStatus(G.orgId, 200, 'GET', '/changes');
      expect(JSON.stringify(changes.body)).toContain(G.west.sharedChannelId);
    });

    it('a partner company’s person answering in a chat thread reaches nobody and is told that people outside the workspace cannot answer chats', async () => {
      const conversation = await h.platform.startConversation(G.orgId, { routingGroupId: G.groupId, visitor: { name: 'Pia Partnerpage' } });
      await h.platform.visitorSays(G.orgId, conversation.id, 'Is anyone there?');
      const thread = await threadOf(h, G.orgId, conversation.id);
      expect(thread.channelId).toBe(G.west.sharedChannelId);
      const seq = slackSeq();
      const mark = lastDeliverySeq(h);

      await h.slack.postAsUser({
        teamId: G.partner.teamId,
        channel: G.west.sharedChannelId,
        user: G.partner.userId,
        threadTs: thread.threadTs,
        text: 'I can take this one',
      });
      const told = await waitFor(
        () => ephemeralsTo(G.partner.userId, seq),
        (t) => t.length === 1,
        { what: 'the explanation to the partner' },
      );
      expect(told[0]).toMatch(/outside/i);
      expect(told[0]).not.toMatch(/isn't linked to a chat agent/);
      expect(h.slack.deliveries().some((d) => d.seq > mark && d.kind === 'event')).toBe(true);
      await queuesSettled(h);
      expect(h.platform.conversation(G.orgId, conversation.id).messages.filter((m) => m.origin === 'slack')).toEqual([]);
    });

    it('two orgs on Grid installs: Initech sees and maps none of Globex’s workspaces, people or channels, and each one’s replies reach only its own chats', async () => {
      await grantBoth(h, api, I);
      const iApi = adminApi(h, I.orgId);
      for (const path of [
        `/directory/channels/by-name/${nameOf(G, 'west')}`,
        `/directory/channels/${G.west.channelId}`,
        `/directory/users/by-username/${usernameOf(G, 'walt')}`,
        `/directory/users/${G.gina.slackUserId}`,
      ]) {
        const answer = await iApi.call(I.orgId, 'GET', path);
        expect.soft(answer.status, path).toBe(404);
        expect.soft(answer.text, path).not.toContain(G.orgId);
      }
      const mapped = await iApi.call(I.orgId, 'PUT', `/agents/${I.walt.agentId}/slack-user`, { username: usernameOf(G, 'walt') });
      expect(mapped.status).toBeGreaterThanOrEqual(400);
      const routed = await iApi.call(I.orgId, 'PUT', `/routing-groups/${I.groupId}/slack-channel`, { channel: nameOf(G, 'west') });
      expect(routed.status).toBeGreaterThanOrEqual(400);
      for (const answer of [mapped, routed]) expect(answer.text).not.toContain(G.orgId);

      // Globex's people acting in Initech's threads, and the other way round, reach nobody.
      await api.expectStatus(I.orgId, 200, 'PUT', `/agents/${I.walt.agentId}/slack-user`, { username: usernameOf(I, 'walt') });
      await api.expectStatus(I.orgId, 200, 'PUT', `/routing-groups/${I.groupId}/slack-channel`, { channel: nameOf(I, 'west') });
      const iChat = await h.platform.startConversation(I.orgId, { routingGroupId: I.groupId, visitor: { name: 'Ivo Initech' } });
      const iThread = await threadOf(h, I.orgId, iChat.id);
      expect(iThread).toMatchObject({ teamId: I.enterpriseId, channelId: I.west.channelId });
      const gChats = h.platform.conversation(G.orgId, westThread.conversationId).messages.length;
      await h.slack.postAsUser({
        teamId: I.west.id,
        channel: I.west.channelId,
        user: I.walt.slackUserId,
        threadTs: iThread.threadTs,
        text: 'Initech answering',
      });
      await waitFor(
        () => h.platform.conversation(I.orgId, iChat.id).messages.filter((m) => m.origin === 'slack'),
        (m) => m.length === 1,
        { what: 'Initech’s own reply at its visitor' },
      );
      expect(h.platform.conversation(G.orgId, westThread.conversationId).messages).toHaveLength(gChats);

      expect(await h.store.installations.findByTeam(G.enterpriseId)).toMatchObject({ orgId: G.orgId, status: 'active' });
    });
  });
}
