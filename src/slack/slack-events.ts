// The Slack Events API envelope (what POST /slack/events receives), the job the ingress
// queues for one event, and the shapes of the inner events the worker acts on. The ingress
// validates only the envelope; the worker parses an inner event with its type's schema below,
// once, when it takes the job. The schemas hold only the fields Threadbridge reads (Slack's
// documented ones) and let every other field through: Slack adds fields over time. `message`
// events are read by src/routing/slack-message-classifier.ts, leniently, field by field.
import { z } from 'zod';

const optionalId = z.string().min(1).nullable().optional();

/**
 * The installation Slack delivers an event for (Slack's `authorizations`, one entry): on an
 * org-wide install `team_id` is null and `is_enterprise_install` true. Read by src/slack/slack-source.ts.
 */
const authorizationSchema = z
  .object({ enterprise_id: optionalId, team_id: optionalId, is_enterprise_install: z.boolean().nullable().optional() })
  .passthrough();

export const slackEnvelopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url_verification'), challenge: z.string().min(1), token: z.string().optional() }),
  z.object({
    type: z.literal('event_callback'),
    // Absent or null on some org-wide events (team_access_granted): the installation is then named
    // by `authorizations` or `enterprise_id` (src/slack/slack-source.ts), and the ingress refuses an
    // event that names none.
    team_id: optionalId,
    enterprise_id: optionalId,
    context_team_id: optionalId,
    context_enterprise_id: optionalId,
    is_ext_shared_channel: z.boolean().optional(),
    is_enterprise_install: z.boolean().nullable().optional(),
    authorizations: z.array(authorizationSchema).nullable().optional(),
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
  'channel_created',
  'channel_rename',
  'channel_archive',
  'channel_unarchive',
  'channel_deleted',
  'channel_left',
  // Slack Connect: shared with another company, or no longer.
  'channel_shared',
  'channel_unshared',
  'group_rename',
  'group_archive',
  'group_unarchive',
  'group_deleted',
  'group_left',
  'member_joined_channel',
  'member_left_channel',
  'team_join',
  'user_change',
]);

/** Inner event types the workers act on; others are acknowledged and dropped at the ingress. */
export const handledSlackEventTypes: ReadonlySet<string> = new Set([
  'message',
  'app_home_opened',
  'app_uninstalled',
  'tokens_revoked',
  // An org-wide install's workspaces: an org admin added the app to workspaces, or took it out of them.
  'team_access_granted',
  'team_access_revoked',
  ...directoryEventTypes,
]);

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
  /** The installation key (src/slack/slack-source.ts): a workspace's T… id, or an org-wide install's E… id. */
  teamId: string;
  /** The workspace the event happened in (the envelope's team_id); null when it names none. Absent on jobs queued before org-wide installs. */
  workspaceId?: string | null;
  eventId: string;
  eventTime: number | null;
  /** The inner event as Slack sent it. */
  event: { type: string; [key: string]: unknown };
}

/**
 * Threadbridge's own event, never Slack's (the ingress does not queue it): read an org-wide
 * install's granted workspaces again, as a grant would. Queued right after an org-wide install,
 * whose organization's admins may have granted workspaces before (a reinstall).
 */
export const WORKSPACES_CHECK_EVENT = 'threadbridge_workspaces_check';

/** app_home_opened: `tab` is 'home' or 'messages' (absent from older clients); `view` only once a Home tab was published. */
export const appHomeOpenedSchema = z
  .object({ type: z.literal('app_home_opened'), user: z.string().min(1), channel: z.string().optional(), tab: z.string().optional() })
  .passthrough();

export type AppHomeOpenedEvent = z.infer<typeof appHomeOpenedSchema>;

// The directory events' fields: a channel by id (archive, unarchive, deleted, left, member
// joined or left), a channel object (created, renamed), a user by id (member joined or left),
// a user object (team_join, user_change). What an object holds is read further where it is
// stored (toDirectoryChannel, toDirectoryUser in slack-api.ts).
const channelId = z.string().min(1);
const channelObject = z.object({ id: z.string().min(1), name: z.string() }).passthrough();
const userId = z.string().min(1);
const userObject = z.object({ id: z.string().min(1) }).passthrough();
const byChannelId = z.object({ type: z.string(), channel: channelId }).passthrough();
const byChannelObject = z.object({ type: z.string(), channel: channelObject }).passthrough();
const byMember = z.object({ type: z.string(), channel: channelId, user: userId }).passthrough();
const byUserObject = z.object({ type: z.string(), user: userObject }).passthrough();

/** Each directory event type's schema (its fields as Slack's Events API reference gives them). */
export const directoryEventSchemas: Readonly<Record<string, z.ZodType<DirectoryEvent>>> = {
  channel_created: byChannelObject,
  channel_rename: byChannelObject,
  group_rename: byChannelObject,
  channel_archive: byChannelId,
  channel_unarchive: byChannelId,
  channel_deleted: byChannelId,
  channel_left: byChannelId,
  channel_shared: byChannelId,
  channel_unshared: byChannelId,
  group_archive: byChannelId,
  group_unarchive: byChannelId,
  group_deleted: byChannelId,
  group_left: byChannelId,
  member_joined_channel: byMember,
  member_left_channel: byMember,
  team_join: byUserObject,
  user_change: byUserObject,
};

/** A directory event as parsed: the channel and the user by id or as an object, whichever the type carries. */
export interface DirectoryEvent {
  type: string;
  channel?: string | { id: string; name: string; [key: string]: unknown };
  user?: string | { id: string; [key: string]: unknown };
  [key: string]: unknown;
}
