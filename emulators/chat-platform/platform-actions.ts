// What happens on the platform's side of a conversation: orgs and agents set up, visitors and agents talking.
// Each action changes the store and emits the webhook event the real platform would send for it.

import { ChatPlatformError } from './errors.ts';
import { newId } from './ids.ts';
import { appendMessage, getConversation, getOrg, newConversationState, requireAgent, requireOpen, type ConversationState, type Store } from './store.ts';
import type {
  Account,
  Agent,
  AgentStatus,
  Attachment,
  Conversation,
  ConversationSource,
  EndedBy,
  Message,
  MessageAuthor,
  MessageOrigin,
  Org,
  RoutingGroup,
  Visitor,
  WebhookEventDataByType,
  WebhookEventType,
} from './types.ts';

export type Emit = <T extends WebhookEventType>(orgId: string, type: T, data: WebhookEventDataByType[T]) => Promise<void>;

export interface ActionDeps {
  store: Store;
  now: () => number;
  emit: Emit;
}

export interface StartConversationInput {
  id?: string;
  routingGroupId?: string | null;
  source?: ConversationSource;
  pageUrl?: string | null;
  visitor?: Partial<Visitor>;
  account?: Account | null;
}

export interface ConversationPatch {
  routingGroupId?: string | null;
  pageUrl?: string | null;
  visitor?: Partial<Omit<Visitor, 'id'>>;
  account?: Account | null;
}

const BOT_AUTHOR: MessageAuthor = { type: 'bot', id: 'bot', name: 'Chat bot', avatarUrl: null };
const SYSTEM_AUTHOR: MessageAuthor = { type: 'system', id: 'system', name: 'System', avatarUrl: null };

export function agentAuthor(agent: Agent): MessageAuthor {
  return { type: 'agent', id: agent.id, name: agent.name, avatarUrl: agent.avatarUrl };
}

export function createPlatformActions(deps: ActionDeps) {
  const { store, now, emit } = deps;
  const iso = () => new Date(now()).toISOString();

  function checkRoutingGroup(orgId: string, routingGroupId: string | null | undefined): void {
    if (routingGroupId != null && !getOrg(store, orgId).routingGroups.has(routingGroupId)) {
      throw new ChatPlatformError('invalid_request', `routingGroupId: no routing group ${routingGroupId} in org ${orgId}`);
    }
  }

  async function say(
    orgId: string,
    conv: ConversationState,
    input: { text: string; author: MessageAuthor; origin: MessageOrigin; attachments?: Attachment[] },
  ): Promise<Message> {
    requireOpen(conv);
    const message = appendMessage(conv, {
      id: newId('msg', now()),
      createdAt: iso(),
      text: input.text,
      author: input.author,
      origin: input.origin,
      attachments: input.attachments ?? [],
      clientMessageId: null,
    });
    await emit(orgId, 'message.created', { conversationId: conv.conversation.id, message });
    return structuredClone(message);
  }

  return {
    createOrg(input: { id?: string; name?: string } = {}): Org {
      const id = input.id ?? newId('org', now());
      if (store.has(id)) throw new ChatPlatformError('invalid_request', `id: org ${id} already exists`);
      const org: Org = { id, name: input.name ?? `Org ${id}` };
      store.set(id, {
        org,
        agents: new Map(),
        routingGroups: new Map(),
        conversations: new Map(),
        meetingRequests: new Map(),
        formRequests: new Map(),
      });
      return { ...org };
    },

    addAgent(orgId: string, input: { id?: string; name: string; email: string; status?: AgentStatus; avatarUrl?: string | null }): Agent {
      const org = getOrg(store, orgId);
      const id = input.id ?? newId('agt', now());
      if (org.agents.has(id)) throw new ChatPlatformError('invalid_request', `id: agent ${id} already exists`);
      const agent: Agent = {
        id,
        name: input.name,
        email: input.email,
        status: input.status ?? 'online',
        avatarUrl: input.avatarUrl ?? null,
      };
      org.agents.set(id, agent);
      return { ...agent };
    },

    async setAgentStatus(orgId: string, agentId: string, status: AgentStatus): Promise<void> {
      const agent = requireAgent(getOrg(store, orgId), agentId);
      agent.status = status;
      // Emitted even when unchanged: receivers must cope with repeats anyway (at-least-once).
      await emit(orgId, 'agent.status_changed', { agentId, status });
    },

    addRoutingGroup(orgId: string, input: { id?: string; name: string; memberAgentIds: string[] }): RoutingGroup {
      const org = getOrg(store, orgId);
      const id = input.id ?? newId('rg', now());
      if (org.routingGroups.has(id)) throw new ChatPlatformError('invalid_request', `id: routing group ${id} already exists`);
      input.memberAgentIds.forEach((agentId, i) => {
        requireAgent(org, agentId, `memberAgentIds[${i}]`);
      });
      const group: RoutingGroup = { id, name: input.name, memberAgentIds: [...input.memberAgentIds] };
      org.routingGroups.set(id, group);
      return structuredClone(group);
    },

    async startConversation(orgId: string, input: StartConversationInput = {}): Promise<Conversation> {
      const org = getOrg(store, orgId);
      checkRoutingGroup(orgId, input.routingGroupId);
      const id = input.id ?? newId('conv', now());
      if (org.conversations.has(id)) throw new ChatPlatformError('invalid_request', `id: conversation ${id} already exists`);
      const conversation: Conversation = {
        id,
        orgId,
        routingGroupId: input.routingGroupId ?? null,
        source: input.source ?? 'web',
        pageUrl: input.pageUrl ?? null,
        startedAt: iso(),
        visitor: {
          id: input.visitor?.id ?? newId('vis', now()),
          name: input.visitor?.name ?? null,
          email: input.visitor?.email ?? null,
          company: input.visitor?.company ?? null,
        },
        account: input.account ? { ...input.account } : null,
      };
      org.conversations.set(id, newConversationState(conversation));
      await emit(orgId, 'conversation.started', { conversation });
      return structuredClone(conversation);
    },

    async updateConversation(orgId: string, conversationId: string, patch: ConversationPatch): Promise<Conversation> {
      const conv = getConversation(store, orgId, conversationId);
      if (patch.routingGroupId !== undefined) checkRoutingGroup(orgId, patch.routingGroupId);
      const c = conv.conversation;
      if (patch.routingGroupId !== undefined) c.routingGroupId = patch.routingGroupId;
      if (patch.pageUrl !== undefined) c.pageUrl = patch.pageUrl;
      if (patch.visitor) c.visitor = { ...c.visitor, ...patch.visitor, id: c.visitor.id };
      if (patch.account !== undefined) c.account = patch.account ? { ...patch.account } : null;
      await emit(orgId, 'conversation.updated', { conversation: c });
      return structuredClone(c);
    },

    visitorSays(orgId: string, conversationId: string, text: string, opts: { origin?: ConversationSource; attachments?: Attachment[] } = {}): Promise<Message> {
      const conv = getConversation(store, orgId, conversationId);
      const v = conv.conversation.visitor;
      const author: MessageAuthor = { type: 'visitor', id: v.id, name: v.name ?? 'Visitor', avatarUrl: null };
      const origin = opts.origin ?? conv.conversation.source;
      return say(orgId, conv, { text, author, origin, ...(opts.attachments ? { attachments: opts.attachments } : {}) });
    },

    agentSays(orgId: string, conversationId: string, agentId: string, text: string): Promise<Message> {
      const conv = getConversation(store, orgId, conversationId);
      const agent = requireAgent(getOrg(store, orgId), agentId);
      return say(orgId, conv, { text, author: agentAuthor(agent), origin: 'console' });
    },

    botSays(orgId: string, conversationId: string, text: string): Promise<Message> {
      return say(orgId, getConversation(store, orgId, conversationId), { text, author: BOT_AUTHOR, origin: 'bot' });
    },

    /** Platform notices ("Dana joined"); the contract has no 'system' origin, so they go out as 'bot'. */
    systemSays(orgId: string, conversationId: string, text: string): Promise<Message> {
      return say(orgId, getConversation(store, orgId, conversationId), { text, author: SYSTEM_AUTHOR, origin: 'bot' });
    },

    async assign(orgId: string, conversationId: string, agentId: string): Promise<void> {
      const conv = getConversation(store, orgId, conversationId);
      requireAgent(getOrg(store, orgId), agentId);
      requireOpen(conv);
      conv.assignedAgentId = agentId;
      await emit(orgId, 'conversation.assigned', { conversationId, agentId });
    },

    async end(orgId: string, conversationId: string, endedBy: EndedBy, agentId: string | null = null): Promise<void> {
      const conv = getConversation(store, orgId, conversationId);
      if (agentId !== null) requireAgent(getOrg(store, orgId), agentId);
      requireOpen(conv);
      conv.ended = true;
      conv.endedBy = endedBy;
      await emit(orgId, 'conversation.ended', { conversationId, endedBy, agentId });
    },

    async bookMeeting(orgId: string, meetingRequestId: string, startsAt: string): Promise<void> {
      const request = getOrg(store, orgId).meetingRequests.get(meetingRequestId);
      if (!request) throw new ChatPlatformError('not_found', `No meeting request ${meetingRequestId} in org ${orgId}`);
      if (Number.isNaN(Date.parse(startsAt))) throw new ChatPlatformError('invalid_request', 'startsAt: must be an ISO time');
      request.status = 'booked';
      request.startsAt = startsAt;
      await emit(orgId, 'meeting.booked', {
        conversationId: request.conversationId,
        meetingRequestId,
        agentId: request.agentId,
        startsAt,
      });
    },

    async submitForm(orgId: string, formRequestId: string, values: Record<string, string>): Promise<void> {
      const request = getOrg(store, orgId).formRequests.get(formRequestId);
      if (!request) throw new ChatPlatformError('not_found', `No form request ${formRequestId} in org ${orgId}`);
      for (const key of Object.keys(values)) {
        if (!(request.fields as string[]).includes(key)) {
          throw new ChatPlatformError('invalid_request', `values.${key}: the form asked only for ${request.fields.join(', ')}`);
        }
      }
      request.values = { ...values };
      await emit(orgId, 'form.submitted', { conversationId: request.conversationId, formRequestId, values: { ...values } });
    },
  };
}

export type PlatformActions = ReturnType<typeof createPlatformActions>;
