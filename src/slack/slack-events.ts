// The Slack Events API envelope (what POST /slack/events receives) and the job the ingress
// queues for one event. Only the envelope is validated here; inner events are classified by
// the worker, since Slack adds fields and subtypes over time.
import { z } from 'zod';

export const slackEnvelopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url_verification'), challenge: z.string().min(1), token: z.string().optional() }),
  z.object({
    type: z.literal('event_callback'),
    team_id: z.string().min(1),
    api_app_id: z.string().optional(),
    event_id: z.string().min(1),
    event_time: z.number().optional(),
    event: z.object({ type: z.string().min(1) }).passthrough(),
  }),
  z.object({ type: z.literal('app_rate_limited'), team_id: z.string().min(1), minute_rate_limited: z.number().optional() }),
]);

export type SlackEnvelope = z.infer<typeof slackEnvelopeSchema>;

/** Events that keep the channel and user directory current (src/directory-sync/directory-events.ts). */
export const directoryEventTypes: ReadonlySet<string> = new Set([
  'channel_created', 'channel_rename', 'channel_archive', 'channel_unarchive', 'channel_deleted', 'channel_left',
  'group_rename', 'group_archive', 'group_unarchive', 'group_deleted', 'group_left',
  'member_joined_channel', 'member_left_channel', 'team_join', 'user_change',
]);

/** Inner event types the workers act on; others are acknowledged and dropped at the ingress. */
export const handledSlackEventTypes: ReadonlySet<string> = new Set(['message', 'app_home_opened', 'app_uninstalled', 'tokens_revoked', ...directoryEventTypes]);

/**
 * Whether the ingress should queue this inner event. Every message Threadbridge posts comes back
 * as a `message` event with a bot_id; dropping those here halves the jobs without deciding
 * anything the worker would decide differently.
 */
export function worthQueueing(event: { type: string; bot_id?: unknown; subtype?: unknown }): boolean {
  if (!handledSlackEventTypes.has(event.type)) return false;
  return !(event.type === 'message' && (event.bot_id || event.subtype === 'bot_message'));
}

export interface SlackEventJob {
  teamId: string;
  eventId: string;
  eventTime: number | null;
  /** The inner event as Slack sent it. */
  event: { type: string; [key: string]: unknown };
}
