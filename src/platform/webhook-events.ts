// The chat platform's webhook envelope and event payloads (../shared/chat-platform-api.md),
// as zod schemas: the one place platform input is validated and typed. Nullable fields also
// accept absence, read as null, so that a sender omitting a null does not lose an event.
import { z } from 'zod';

const id = z.string().min(1).max(200);
const isoTime = z.string().datetime({ offset: true });
// `.default(null)` rather than `.optional().transform(v => v ?? null)`: the same input and output,
// without a pipe per field (zod ran a transform on every nullable field of every webhook).
const nullableString = z.string().nullable().default(null);

export const visitorSchema = z.object({
  id,
  name: nullableString,
  email: nullableString,
  company: nullableString,
});

export const accountSchema = z.object({
  id,
  name: z.string(),
  ownerAgentId: z.string().min(1).nullable().default(null),
});

export const conversationSchema = z.object({
  id,
  orgId: id,
  routingGroupId: z.string().min(1).nullable().default(null),
  source: z.enum(['web', 'mobile_app']),
  pageUrl: nullableString,
  startedAt: isoTime,
  visitor: visitorSchema,
  account: accountSchema.nullable().default(null),
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
  attachments: z.array(attachmentSchema).default(() => []),
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
    agentId: z.string().min(1).nullable().default(null),
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

// Each type's whole event, the envelope with that type's data, as one schema: an event of a known
// type is walked once, rather than its data once as the envelope's record and again by its type.
const eventSchemas = Object.fromEntries(
  chatEventTypes.map((type) => [type, envelopeSchema.extend({ type: z.literal(type), data: eventDataSchemas[type] })]),
) as unknown as Record<ChatEventType, z.ZodType<ChatEvent>>;

/** Validates an already JSON-parsed webhook body. */
export function parseChatEvent(body: unknown): ParsedChatEvent {
  const type = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && isChatEventType(type)) {
    const event = eventSchemas[type].safeParse(body);
    if (event.success) return { ok: true, event: event.data };
  }
  return parseInTwoSteps(body);
}

/**
 * The envelope, then its type, then the data by type: what a refused body is told, the envelope's
 * problems before the data's, and an unknown type before its data is looked at.
 */
function parseInTwoSteps(body: unknown): ParsedChatEvent {
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
