// What the platform does when Threadbridge calls its REST API: take Slack-written messages, offer meetings and forms,
// store qualification and transcript. Inputs arrive validated; these check the org's state and emit webhooks.

import { newId } from './ids.ts';
import { agentAuthor, type ActionDeps } from './platform-actions.ts';
import { appendMessage, getConversation, getOrg, requireAgent, requireOpen } from './store.ts';
import type { Attachment, Conversation, FormField, Message, Qualification, Transcript } from './types.ts';

export function createApiActions(deps: ActionDeps) {
  const { store, now, emit } = deps;

  /** Resolves the conversation and the agent in the order the API reports them: org, conversation, agent. */
  function target(orgId: string, conversationId: string, agentId?: string) {
    const org = getOrg(store, orgId);
    const conv = getConversation(store, orgId, conversationId);
    const agent = agentId === undefined ? undefined : requireAgent(org, agentId);
    return { org, conv, agent };
  }

  return {
    /**
     * A message an agent wrote in Slack. A repeated clientMessageId returns the first message unchanged
     * (even after the conversation ended, so a retry after a lost answer still succeeds) and emits nothing.
     */
    async postSlackMessage(
      orgId: string,
      conversationId: string,
      body: { agentId: string; text: string; clientMessageId: string; attachments?: Attachment[] | undefined },
    ): Promise<{ message: Message; created: boolean }> {
      const conv = getConversation(store, orgId, conversationId);
      const earlier = conv.byClientMessageId.get(body.clientMessageId);
      if (earlier) return { message: structuredClone(earlier), created: false };
      const { agent } = target(orgId, conversationId, body.agentId);
      requireOpen(conv);
      const message = appendMessage(conv, {
        id: newId('msg', now()),
        createdAt: new Date(now()).toISOString(),
        text: body.text,
        author: agentAuthor(agent!),
        origin: 'slack',
        attachments: body.attachments ?? [],
        clientMessageId: body.clientMessageId,
      });
      // Not awaited: the API answers at once; delivery of the echo runs on its own, as on the real platform.
      void emit(orgId, 'message.created', { conversationId, message });
      return { message: structuredClone(message), created: true };
    },

    offerMeeting(orgId: string, conversationId: string, body: { agentId: string; durationMinutes?: number | undefined }) {
      const { org, conv } = target(orgId, conversationId, body.agentId);
      requireOpen(conv);
      const id = newId('mtg', now());
      org.meetingRequests.set(id, {
        id,
        conversationId,
        agentId: body.agentId,
        durationMinutes: body.durationMinutes ?? null,
        status: 'offered',
        startsAt: null,
      });
      conv.meetingRequestIds.push(id);
      return { id, status: 'offered' as const };
    },

    requestForm(orgId: string, conversationId: string, body: { agentId: string; fields: FormField[] }) {
      const { org, conv } = target(orgId, conversationId, body.agentId);
      requireOpen(conv);
      const id = newId('form', now());
      org.formRequests.set(id, { id, conversationId, agentId: body.agentId, fields: [...body.fields], values: null });
      conv.formRequestIds.push(id);
      return { id };
    },

    qualify(orgId: string, conversationId: string, body: Qualification): void {
      const { conv } = target(orgId, conversationId, body.agentId);
      conv.qualification = structuredClone(body);
    },

    saveTranscript(orgId: string, conversationId: string, body: Transcript): void {
      const { conv } = target(orgId, conversationId);
      conv.transcript = structuredClone(body);
    },

    read(orgId: string, conversationId: string): { conversation: Conversation; messages: Message[] } {
      const { conv } = target(orgId, conversationId);
      return structuredClone({ conversation: conv.conversation, messages: conv.messages });
    },

    agents(orgId: string) {
      return [...getOrg(store, orgId).agents.values()].map(({ id, name, email, status }) => ({ id, name, email, status }));
    },

    routingGroups(orgId: string) {
      return [...getOrg(store, orgId).routingGroups.values()].map((g) => structuredClone(g));
    },
  };
}

export type ApiActions = ReturnType<typeof createApiActions>;
