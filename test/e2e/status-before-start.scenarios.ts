// A chat is routed with the agent status changes the platform sent before it, run once per worker
// runtime (Node.js, Deno): through the webhook endpoint, the queues and real worker processes,
// against the emulators. The platform emulator resolves a status change once its webhook was
// answered, so each change below was accepted by the ingress before the chat's webhook arrived.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type WorkerRuntime } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';

export function statusBeforeStartScenarios(runtime: WorkerRuntime): void {
  describe(`status changes before a chat starts, with ${runtime} workers`, () => {
    let h: Harness;
    let pairGroupId = '';

    beforeAll(async () => {
      h = await startHarness({ runtime, name: `status-order-${runtime}`, workers: 2 });
      pairGroupId = h.platform.addRoutingGroup(h.orgId, { name: 'Pair', memberAgentIds: [h.agents.alice.agentId, h.agents.bob.agentId] }).id;
      // No global channel, and the group has none: its members are notified by their status.
      await h.store.orgSettings.save({ orgId: h.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null }, new Date());
      // A first chat fetches the org's agents (both online); later changes reach routing only by webhook.
      expect(await sentBecause(await startChat('Ana'))).toMatch(/^fallback to each online member/);
    }, 120_000);

    afterAll(async () => h?.stop());

    async function startChat(visitor: string): Promise<string> {
      return (await h.platform.startConversation(h.orgId, { routingGroupId: pairGroupId, visitor: { name: visitor } })).id;
    }

    /** Why the chat's notification went where it went, as its parent message says. */
    async function sentBecause(conversationId: string): Promise<string> {
      const record = await waitFor(
        () => h.store.conversations.get(h.orgId, conversationId),
        (r) => Boolean(r?.thread),
        { what: `the notification of ${conversationId}` },
      );
      const { channelId, threadTs } = record!.thread!;
      const parent = h.slack
        .calls({ method: 'chat.postMessage' })
        .find((c) => c.response.ok === true && c.response.channel === channelId && c.response.ts === threadTs && !c.params.thread_ts);
      return /Sent here because: ([^."]*)/.exec(JSON.stringify(parent?.params.blocks ?? null))?.[1] ?? 'no parent message';
    }

    it('routes a chat started right after a status change by the new status, also while other chats’ messages are backed up', async () => {
      // Paused, the chat-events queue stands for a backlog of other chats' messages.
      await h.queues.chatEvents.pause();
      try {
        await h.platform.setAgentStatus(h.orgId, h.agents.alice.agentId, 'dnd');
        const conversation = await startChat('Dina');
        expect(await sentBecause(conversation)).toMatch(/^all other members on Do Not Disturb/);
      } finally {
        await h.queues.chatEvents.resume();
      }
    });

    it('follows each of a quick series of status changes', async () => {
      await h.platform.setAgentStatus(h.orgId, h.agents.alice.agentId, 'online');
      expect(await sentBecause(await startChat('Omar'))).toMatch(/^fallback to each online member/);
      await h.platform.setAgentStatus(h.orgId, h.agents.bob.agentId, 'dnd');
      expect(await sentBecause(await startChat('Pia'))).toMatch(/^all other members on Do Not Disturb/);
      await h.platform.setAgentStatus(h.orgId, h.agents.bob.agentId, 'online');
      expect(await sentBecause(await startChat('Quinn'))).toMatch(/^fallback to each online member/);
    });
  });
}
