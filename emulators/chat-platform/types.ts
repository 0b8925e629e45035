// The chat platform's contract types (shared/chat-platform-api.md) as plain TypeScript.
// The emulator speaks these; the product keeps its own validated schemas and never imports this file.

export type ConversationSource = 'web' | 'mobile_app';
export type AgentStatus = 'online' | 'dnd' | 'offline';
export type AuthorType = 'visitor' | 'agent' | 'bot' | 'system';
export type MessageOrigin = 'web' | 'mobile_app' | 'console' | 'slack' | 'bot';
export type EndedBy = 'visitor' | 'agent' | 'timeout';
export type QualificationRating = 'hot' | 'warm' | 'cold' | 'not_a_lead';
export type FormField = 'email' | 'phone' | 'name' | 'company' | 'title';

export interface Visitor {
  id: string;
  name: string | null;
  email: string | null;
  company: string | null;
}

export interface Account {
  id: string;
  name: string;
  ownerAgentId: string | null;
}

export interface Conversation {
  id: string;
  orgId: string;
  routingGroupId: string | null;
  source: ConversationSource;
  pageUrl: string | null;
  startedAt: string;
  visitor: Visitor;
  account: Account | null;
}

export interface Attachment {
  name: string;
  url: string;
  mimeType: string;
  size: number;
}

export interface MessageAuthor {
  type: AuthorType;
  id: string;
  name: string;
  avatarUrl: string | null;
}

export interface Message {
  id: string;
  seq: number;
  createdAt: string;
  text: string;
  author: MessageAuthor;
  origin: MessageOrigin;
  attachments: Attachment[];
  clientMessageId: string | null;
}

/** A transcript line: a platform message, or a rep's internal note from the Slack thread. */
export type TranscriptMessage = Message & { internal?: boolean };

export interface SlackThreadRef {
  teamId: string;
  channelId: string;
  threadTs: string;
  permalink: string;
}

export interface Transcript {
  messages: TranscriptMessage[];
  slack: SlackThreadRef;
}

export interface Qualification {
  agentId: string;
  rating: QualificationRating;
  note?: string;
}

export interface Org {
  id: string;
  name: string;
}

/** An agent as the emulator holds it; GET /agents answers only id, name, email, status. */
export interface Agent {
  id: string;
  name: string;
  email: string;
  status: AgentStatus;
  avatarUrl: string | null;
}

export interface RoutingGroup {
  id: string;
  name: string;
  memberAgentIds: string[];
}

export interface MeetingRequest {
  id: string;
  conversationId: string;
  agentId: string;
  durationMinutes: number | null;
  status: 'offered' | 'booked';
  startsAt: string | null;
}

export interface FormRequest {
  id: string;
  conversationId: string;
  agentId: string;
  fields: FormField[];
  values: Record<string, string> | null;
}

/** `data` of each webhook event type, exactly as the contract's table. */
export interface WebhookEventDataByType {
  'conversation.started': { conversation: Conversation };
  'conversation.updated': { conversation: Conversation };
  'message.created': { conversationId: string; message: Message };
  'conversation.assigned': { conversationId: string; agentId: string };
  'conversation.ended': { conversationId: string; endedBy: EndedBy; agentId: string | null };
  'agent.status_changed': { agentId: string; status: AgentStatus };
  'meeting.booked': { conversationId: string; meetingRequestId: string; agentId: string; startsAt: string };
  'form.submitted': { conversationId: string; formRequestId: string; values: Record<string, string> };
}

export type WebhookEventType = keyof WebhookEventDataByType;

/** The webhook envelope; a union discriminated on `type` so `data` narrows with it. */
export type WebhookEvent<T extends WebhookEventType = WebhookEventType> = {
  [K in T]: { id: string; type: K; orgId: string; occurredAt: string; data: WebhookEventDataByType[K] };
}[T];

export interface ApiErrorBody {
  error: { code: string; message: string };
}
