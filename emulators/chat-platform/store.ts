// In-memory state of the emulated platform: orgs, their agents, routing groups and conversations.
// Lookups throw coded ChatPlatformErrors so the REST layer and the control surface answer alike.

import { ChatPlatformError } from './errors.ts';
import type { Agent, Conversation, EndedBy, FormRequest, MeetingRequest, Message, Org, Qualification, RoutingGroup, Transcript } from './types.ts';

export interface ConversationState {
  conversation: Conversation;
  messages: Message[];
  /** Messages delivered through the API, by the clientMessageId Threadbridge gave them. */
  byClientMessageId: Map<string, Message>;
  ended: boolean;
  endedBy: EndedBy | null;
  assignedAgentId: string | null;
  transcript: Transcript | undefined;
  qualification: Qualification | undefined;
  meetingRequestIds: string[];
  formRequestIds: string[];
}

export interface OrgState {
  org: Org;
  agents: Map<string, Agent>;
  routingGroups: Map<string, RoutingGroup>;
  conversations: Map<string, ConversationState>;
  meetingRequests: Map<string, MeetingRequest>;
  formRequests: Map<string, FormRequest>;
}

export type Store = Map<string, OrgState>;

export function createStore(): Store {
  return new Map();
}

export function getOrg(store: Store, orgId: string): OrgState {
  const org = store.get(orgId);
  if (!org) throw new ChatPlatformError('unknown_org', `No org ${orgId}`);
  return org;
}

export function getConversation(store: Store, orgId: string, conversationId: string): ConversationState {
  const conv = getOrg(store, orgId).conversations.get(conversationId);
  if (!conv) throw new ChatPlatformError('unknown_conversation', `No conversation ${conversationId} in org ${orgId}`);
  return conv;
}

/** For bodies naming an agent: an unknown agent is a bad field value (400), not a missing path resource. */
export function requireAgent(org: OrgState, agentId: string, field = 'agentId'): Agent {
  const agent = org.agents.get(agentId);
  if (!agent) throw new ChatPlatformError('invalid_request', `${field}: no agent ${agentId} in org ${org.org.id}`);
  return agent;
}

export function requireOpen(conv: ConversationState): void {
  if (conv.ended) {
    throw new ChatPlatformError('conversation_ended', `Conversation ${conv.conversation.id} has ended`);
  }
}

/** Appends with the next `seq`: one counter per conversation, over every origin. */
export function appendMessage(conv: ConversationState, message: Omit<Message, 'seq'>): Message {
  const last = conv.messages[conv.messages.length - 1];
  const { id, ...rest } = message;
  const stored: Message = { id, seq: (last?.seq ?? 0) + 1, ...rest };
  conv.messages.push(stored);
  if (stored.clientMessageId !== null) conv.byClientMessageId.set(stored.clientMessageId, stored);
  return stored;
}

export function newConversationState(conversation: Conversation): ConversationState {
  return {
    conversation,
    messages: [],
    byClientMessageId: new Map(),
    ended: false,
    endedBy: null,
    assignedAgentId: null,
    transcript: undefined,
    qualification: undefined,
    meetingRequestIds: [],
    formRequestIds: [],
  };
}
