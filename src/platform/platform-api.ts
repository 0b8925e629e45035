// The chat platform's REST API as Threadbridge uses it (../shared/chat-platform-api.md):
// an interface for callers and tests, and its fetch implementation. Failures become
// PlatformApiError with the platform's own error code and any Retry-After.
import { z } from 'zod';
import { conversationSchema, messageSchema, describeIssues, type Attachment, type Conversation, type Message } from './webhook-events.ts';
import { parseJson } from '../parse-json.ts';
import { PlatformApiError } from '../errors/index.ts';

export interface SendAgentMessageArgs {
  orgId: string;
  conversationId: string;
  agentId: string;
  text: string;
  clientMessageId: string;
  attachments?: Attachment[];
}

export interface PlatformAgent {
  id: string;
  name: string;
  email: string;
  status: 'online' | 'dnd' | 'offline';
}

export interface PlatformRoutingGroup {
  id: string;
  name: string;
  memberAgentIds: string[];
}

export type QualificationRating = 'hot' | 'warm' | 'cold' | 'not_a_lead';

/** A transcript entry: a chat message, or a reps' internal note from the Slack thread. */
export type TranscriptMessage = Message & { internal?: true };

export interface TranscriptSlackRef {
  teamId: string;
  channelId: string;
  threadTs: string;
  permalink: string;
}

export interface PlatformApi {
  putQualification(args: { orgId: string; conversationId: string; agentId: string; rating: QualificationRating; note?: string }): Promise<void>;
  putTranscript(args: { orgId: string; conversationId: string; messages: TranscriptMessage[]; slack: TranscriptSlackRef }): Promise<void>;
  sendAgentMessage(args: SendAgentMessageArgs): Promise<Message>;
  listAgents(orgId: string): Promise<PlatformAgent[]>;
  listRoutingGroups(orgId: string): Promise<PlatformRoutingGroup[]>;
  getConversation(orgId: string, conversationId: string): Promise<{ conversation: Conversation; messages: Message[] }>;
  /**
   * Shows the visitor the agent's booking calendar; `meeting.booked` follows when they book. A
   * repeat of `clientRequestId` answers with the same request and shows the visitor nothing new.
   */
  requestMeeting(args: { orgId: string; conversationId: string; agentId: string; durationMinutes: number; clientRequestId: string }): Promise<{ id: string }>;
  /** Shows the visitor a form for these fields; `form.submitted` follows with the answers. Idempotent by `clientRequestId`. */
  requestForm(args: { orgId: string; conversationId: string; agentId: string; fields: FormField[]; clientRequestId: string }): Promise<{ id: string }>;
}

export const FORM_FIELDS = ['email', 'phone', 'name', 'company', 'title'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

export interface PlatformApiOptions {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Told of every call's outcome ('ok', or the error code), by `METHOD /path/{template}`. For metrics. */
  onCall?: (operation: string, outcome: string) => void;
}

/** A call's path with its ids left out, so calls of one kind count together: `/orgs/{orgId}/conversations/{id}/messages`. */
export function pathTemplate(path: string): string {
  return path.replace(/^\/orgs\/[^/]+/, '/orgs/{orgId}').replace(/\/conversations\/[^/]+/, '/conversations/{id}');
}

const messageResponse = z.object({ message: messageSchema });
const conversationResponse = z.object({ conversation: conversationSchema, messages: z.array(messageSchema) });
const anyResponse = z.unknown();
const meetingRequestResponse = z.object({ meetingRequest: z.object({ id: z.string() }).passthrough() });
const formRequestResponse = z.object({ formRequest: z.object({ id: z.string() }).passthrough() });
const agentsResponse = z.object({
  agents: z.array(z.object({ id: z.string(), name: z.string(), email: z.string(), status: z.enum(['online', 'dnd', 'offline']) })),
});
const groupsResponse = z.object({
  routingGroups: z.array(z.object({ id: z.string(), name: z.string(), memberAgentIds: z.array(z.string()) })),
});

export function createPlatformApi(options: PlatformApiOptions): PlatformApi {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');

  async function request<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    if (!options.onCall) return send(method, path, schema, body);
    const operation = `${method} ${pathTemplate(path)}`;
    try {
      const result = await send(method, path, schema, body);
      options.onCall(operation, 'ok');
      return result;
    } catch (error) {
      options.onCall(operation, error instanceof PlatformApiError ? error.code : 'error');
      throw error;
    }
  }

  async function send<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new PlatformApiError(0, 'request_failed', error instanceof Error ? error.message : String(error), null);
    }
    const text = await response.text();
    const json = safeJson(text);
    if (!response.ok) {
      const err = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new PlatformApiError(
        response.status,
        typeof err?.code === 'string' ? err.code : `http_${response.status}`,
        typeof err?.message === 'string' ? err.message : text.slice(0, 200),
        Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new PlatformApiError(response.status, 'unexpected_response', describeIssues(parsed.error), null);
    }
    return parsed.data;
  }

  const conversationPath = (orgId: string, conversationId: string) => `/orgs/${encodeURIComponent(orgId)}/conversations/${encodeURIComponent(conversationId)}`;

  return {
    async sendAgentMessage(args) {
      const result = await request('POST', `${conversationPath(args.orgId, args.conversationId)}/messages`, messageResponse, {
        agentId: args.agentId,
        text: args.text,
        clientMessageId: args.clientMessageId,
        ...(args.attachments?.length ? { attachments: args.attachments } : {}),
      });
      return result.message;
    },
    async putQualification({ orgId, conversationId, agentId, rating, note }) {
      await request('PUT', `${conversationPath(orgId, conversationId)}/qualification`, anyResponse, { agentId, rating, ...(note ? { note } : {}) });
    },
    async requestMeeting({ orgId, conversationId, agentId, durationMinutes, clientRequestId }) {
      return (
        await request('POST', `${conversationPath(orgId, conversationId)}/meeting-requests`, meetingRequestResponse, {
          agentId,
          durationMinutes,
          clientRequestId,
        })
      ).meetingRequest;
    },
    async requestForm({ orgId, conversationId, agentId, fields, clientRequestId }) {
      return (await request('POST', `${conversationPath(orgId, conversationId)}/form-requests`, formRequestResponse, { agentId, fields, clientRequestId }))
        .formRequest;
    },
    async putTranscript({ orgId, conversationId, messages, slack }) {
      await request('PUT', `${conversationPath(orgId, conversationId)}/transcript`, anyResponse, { messages, slack });
    },
    async listAgents(orgId) {
      return (await request('GET', `/orgs/${encodeURIComponent(orgId)}/agents`, agentsResponse)).agents;
    },
    async listRoutingGroups(orgId) {
      return (await request('GET', `/orgs/${encodeURIComponent(orgId)}/routing-groups`, groupsResponse)).routingGroups;
    },
    async getConversation(orgId, conversationId) {
      return request('GET', conversationPath(orgId, conversationId), conversationResponse);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return parseJson(text);
  } catch {
    return null;
  }
}
