// The chat platform's webhook envelope and event payloads (../shared/chat-platform-api.md),
// as zod schemas: the one place platform input is validated and typed. Nullable fields also
// accept absence, read as null, so that a sender omitting a null does not lose an event.
import { z } from 'zod';

const id = z.string().min(1).max(200);
const isoTime = z.string().datetime({ offset: true });
const nullableString = z
  .string()
  .nullable()
  .optional()
  .transform((v) => v ?? null);

export const visitorSchema = z.object({
  id,
  name: nullableString,
  email: nullableString,
  company: nullableString,
});

export const accountSchema = z.object({
  id,
  name: z.string(),
  ownerAgentId: z
    .string()
    .min(1)
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});

export const conversationSchema = z.object({
  id,
  orgId: id,
  routingGroupId: z
    .string()
    .min(1)
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  source: z.enum(['web', 'mobile_app']),
  pageUrl: nullableString,
  startedAt: isoTime,
  visitor: visitorSchema,
  account: accountSchema
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});

export const attachmentSchema = z.object({
  name: z.string(),
  url: z.string().url(),
  mimeType: z.string(),
  size: z.number().int().nonnegative(),
});

export const messageSchema = z.object({
  id,
  seq: z.number().int().nonnegative(),
  createdAt: isoTime,
  text: z.string(),
  author: z.object({
    type: z.enum(['visitor', 'agent', 'bot', 'system']),
    id: z.string(),
    name: z.string(),
    avatarUrl: nullableString,
  }),
  origin: z.enum(['web', 'mobile_app', 'console', 'slack', 'bot']),
  attachments: z
    .array(attachmentSchema)
    .optional()
    .transform((v) => v ?? []),
  clientMessageId: nullableString,
});

const agentStatus = z.enum(['online', 'dnd', 'offline']);

export const eventDataSchemas = {
  'conversation.started': z.object({ conversation: conversationSchema }),
  'conversation.updated': z.object({ conversation: conversationSchema }),
  'message.created': z.object({ conversationId: id, message: messageSchema }),
  'conversation.assigned': z.object({ conversationId: id, agentId: id }),
  'conversation.ended': z.object({
    conversationId: id,
    endedBy: z.enum(['visitor', 'agent', 'timeout']),
    agentId: z
      .string()
      .min(1)
      .nullable()
      .optional()
      .transform((v) => v ?? null),
  }),
  'agent.status_changed': z.object({ agentId: id, status: agentStatus }),
  'meeting.booked': z.object({ conversationId: id, meetingRequestId: id, agentId: id, startsAt: isoTime }),
  'form.submitted': z.object({ conversationId: id, formRequestId: id, values: z.record(z.string(), z.string()) }),
} as const;

export type ChatEventType = keyof typeof eventDataSchemas;
export const chatEventTypes = Object.keys(eventDataSchemas) as ChatEventType[];

export const envelopeSchema = z.object({
  id,
  type: z.string().min(1),
  orgId: id,
  occurredAt: isoTime,
  data: z.record(z.string(), z.unknown()),
});

export type Conversation = z.infer<typeof conversationSchema>;
export type Message = z.infer<typeof messageSchema>;
export type Attachment = z.infer<typeof attachmentSchema>;
export type AgentStatus = z.infer<typeof agentStatus>;

/** A validated event: a discriminated union over `type`, so processors switch exhaustively. */
export type ChatEvent = {
  [T in ChatEventType]: { id: string; type: T; orgId: string; occurredAt: string; data: z.infer<(typeof eventDataSchemas)[T]> };
}[ChatEventType];

export function isChatEventType(type: string): type is ChatEventType {
  return Object.hasOwn(eventDataSchemas, type);
}

export type ParsedChatEvent = { ok: true; event: ChatEvent } | { ok: false; reason: 'invalid_payload' | 'unknown_event_type'; detail: string };

/** Validates an already JSON-parsed webhook body. */
export function parseChatEvent(body: unknown): ParsedChatEvent {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, reason: 'invalid_payload', detail: describeIssues(envelope.error) };
  const { type } = envelope.data;
  if (!isChatEventType(type)) {
    return { ok: false, reason: 'unknown_event_type', detail: `"${type}" is not one of ${chatEventTypes.join(', ')}` };
  }
  const data = eventDataSchemas[type].safeParse(envelope.data.data);
  if (!data.success) return { ok: false, reason: 'invalid_payload', detail: describeIssues(data.error, 'data') };
  return { ok: true, event: { ...envelope.data, type, data: data.data } as ChatEvent };
}

export function describeIssues(error: z.ZodError, prefix?: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${path || '(body)'}: ${issue.message}`;
    })
    .join('; ');
}
