// The fields every log line of a job carries: its queue and id, and the org, conversation and
// workspace it is about when its payload names them, so an operator can follow one chat or one
// job through the logs. Pure: reads the payload, whatever its queue, without trusting its shape.

export interface JobLogContext {
  queue: string;
  jobId: string | undefined;
  orgId?: string;
  conversationId?: string;
  teamId?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const field = (value: unknown, key: string): unknown => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined);

export function jobLogContext(queue: string, jobId: string | undefined, data: unknown): JobLogContext {
  const eventData = field(data, 'data');
  // A chat event names its conversation in data.conversationId, or data.conversation.id (started, updated).
  const conversationId = text(field(data, 'conversationId')) ?? text(field(eventData, 'conversationId')) ?? text(field(field(eventData, 'conversation'), 'id'));
  const context: JobLogContext = { queue, jobId };
  const orgId = text(field(data, 'orgId'));
  const teamId = text(field(data, 'teamId'));
  if (orgId) context.orgId = orgId;
  if (conversationId) context.conversationId = conversationId;
  if (teamId) context.teamId = teamId;
  return context;
}
