// The programmatic face of the chat-platform emulator: its options and the handle tests and the sandbox drive.
// Kept apart from index.ts so the control surface can depend on it without an import cycle.

import type { CallFilter, RecordedCall } from './call-log.ts';
import type { LaunchTokenOptions, OrgAdmin } from './admin-launch.ts';
import type { FaultInput } from './fault-injection.ts';
import type { ConversationPatch, StartConversationInput } from './platform-actions.ts';
import type {
  Agent,
  AgentStatus,
  Attachment,
  Conversation,
  ConversationSource,
  EndedBy,
  FormRequest,
  MeetingRequest,
  Message,
  Org,
  Qualification,
  RoutingGroup,
  Transcript,
  WebhookEvent,
} from './types.ts';
import type { RecordedDelivery, ReleaseOptions } from './webhook-delivery.ts';

export interface ChatPlatformEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Threadbridge's POST /webhooks/chat; events wait (undelivered) until it is set. */
  webhookUrl?: string;
  /** HMAC key for X-Chat-Signature. */
  webhookSecret: string;
  /** The bearer token Threadbridge must send. */
  apiToken: string;
  /** Delay before each retry of a failed delivery; at most 8 (the contract's "up to 8 times"). */
  webhookRetryDelaysMs?: number[];
  /** No 2xx within this = a failed attempt. Default 3000 (the contract's 3 s). */
  webhookTimeoutMs?: number;
  /** Default 50 (the contract). Over it in one second: 429 + Retry-After. */
  requestsPerSecondPerOrg?: number;
  /** Clock for timestamps, signatures and rate windows. Retry delays are real (short) timers. */
  now?: () => number;
  /** The admin launch secret shared with Threadbridge (not the webhook secret); launch tokens need it. */
  adminLaunchSecret?: string;
  /** Threadbridge's public URL, where the Setup button sends an org's admin (or setThreadbridgeUrl). */
  threadbridgeUrl?: string;
}

export interface ConversationSnapshot {
  conversation: Conversation;
  messages: Message[];
  transcript?: Transcript;
  qualification?: Qualification;
  meetingRequests: MeetingRequest[];
  formRequests: FormRequest[];
  ended: boolean;
  endedBy: EndedBy | null;
  assignedAgentId: string | null;
}

export interface ChatPlatformEmulator {
  /** Base URL of the REST API (Threadbridge's CHAT_API_URL). */
  url: string;
  setWebhookUrl(url: string): void;
  /** Threadbridge's public URL, for the Setup button's link. */
  setThreadbridgeUrl(url: string): void;
  createOrg(input?: { id?: string; name?: string }): Org;
  addAgent(orgId: string, input: { id?: string; name: string; email: string; status?: AgentStatus; avatarUrl?: string | null }): Agent;
  setAgentStatus(orgId: string, agentId: string, status: AgentStatus): Promise<void>;
  addRoutingGroup(orgId: string, input: { id?: string; name: string; memberAgentIds: string[] }): RoutingGroup;
  /** An admin of the org: who the platform shows the integrations page's Setup button to. */
  addAdmin(orgId: string, input: { id?: string; name: string; email: string }): OrgAdmin;
  admins(orgId: string): OrgAdmin[];
  /**
   * A fresh launch token for the admin (the contract's Admin handoff), living ttlSeconds (≤ 300,
   * 300 by default), naming the org and the admin (orgName, userName) unless names is false.
   */
  launchToken(orgId: string, adminId: string, opts?: LaunchTokenOptions): string;
  /** What the Setup button opens: Threadbridge's settings page with a fresh launch token. */
  setupUrl(orgId: string, adminId: string): string;
  startConversation(orgId: string, input?: StartConversationInput): Promise<Conversation>;
  updateConversation(orgId: string, conversationId: string, patch: ConversationPatch): Promise<Conversation>;
  visitorSays(orgId: string, conversationId: string, text: string, opts?: { origin?: ConversationSource; attachments?: Attachment[] }): Promise<Message>;
  agentSays(orgId: string, conversationId: string, agentId: string, text: string): Promise<Message>;
  botSays(orgId: string, conversationId: string, text: string): Promise<Message>;
  systemSays(orgId: string, conversationId: string, text: string): Promise<Message>;
  assign(orgId: string, conversationId: string, agentId: string): Promise<void>;
  end(orgId: string, conversationId: string, endedBy: EndedBy, agentId?: string | null): Promise<void>;
  bookMeeting(orgId: string, meetingRequestId: string, startsAt: string): Promise<void>;
  submitForm(orgId: string, formRequestId: string, values: Record<string, string>): Promise<void>;
  holdDeliveries(): void;
  releaseDeliveries(opts?: ReleaseOptions): Promise<void>;
  /** Sends an event again (same id, fresh signature); the HTTP status, or 0 when no answer came. */
  redeliver(eventId: string): Promise<number>;
  failNextApiCalls(input: FaultInput): void;
  events(): WebhookEvent[];
  deliveries(): RecordedDelivery[];
  calls(filter?: CallFilter): RecordedCall[];
  conversation(orgId: string, id: string): ConversationSnapshot;
  idle(): Promise<void>;
  close(): Promise<void>;
}
