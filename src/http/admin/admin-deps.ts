// What the admin API needs: who may use it (org admins' sessions from launch tokens, operators'
// token), the directory (and joining the public channels an admin chooses), the org's stored
// settings, mappings and change history, the Slack connection's token (to revoke it on
// Disconnect), and the chat platform's agents and routing groups (read live: an admin waits on them).
import type { DirectoryLookup } from '../../directory/directory-lookup.ts';
import type { ChannelJoiner } from '../../directory/channel-join.ts';
import type { OrgHealthDeps } from '../../health/org-health.ts';
import type {
  AdminChangesRepository,
  AgentMappingsRepository,
  ChatActivityRepository,
  OrgSettingsRepository,
  SlackRoutingRepository,
} from '../../store/index.ts';
import type { PlatformApi } from '../../platform/platform-api.ts';
import type { AdminSessions } from './admin-sessions.ts';
import type { SlackTokenRevoker } from './slack-revoke.ts';

export interface AdminDeps {
  /** ADMIN_API_TOKEN: operators' Bearer token, across orgs; undefined, operators have no access. */
  token: string | undefined;
  /** CHAT_ADMIN_LAUNCH_SECRET: verifies the launch tokens the platform hands its org admins. */
  launchSecret: string;
  sessions: AdminSessions;
  changes: AdminChangesRepository;
  /** The workspace's bot token (renewed first when it rotates), or null when not connected. */
  botToken(teamId: string, orgId: string): Promise<string | null>;
  revoker: SlackTokenRevoker;
  directory: DirectoryLookup;
  channelJoiner: ChannelJoiner;
  orgSettings: OrgSettingsRepository;
  agentMappings: AgentMappingsRepository;
  slackRouting: SlackRoutingRepository;
  /** The per-day activity counts the workers roll up (the activity API reads them). */
  chatActivity: ChatActivityRepository;
  platform: Pick<PlatformApi, 'listAgents' | 'listRoutingGroups'>;
  /** What the health check reads of the store (and Route again, the chat it routes). */
  healthStore: OrgHealthDeps['store'];
}
