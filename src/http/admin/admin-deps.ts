// What the admin API needs: its bearer token, the directory (and joining the public channels an
// admin chooses), the org's stored settings and mappings, and the chat platform's agents and
// routing groups (read live: an admin waits on them).
import type { DirectoryLookup } from '../../directory/directory-lookup.ts';
import type { ChannelJoiner } from '../../directory/channel-join.ts';
import type { AgentMappingsRepository, OrgSettingsRepository, SlackRoutingRepository } from '../../store/index.ts';
import type { PlatformApi } from '../../platform/platform-api.ts';

export interface AdminDeps {
  token: string;
  directory: DirectoryLookup;
  channelJoiner: ChannelJoiner;
  orgSettings: OrgSettingsRepository;
  agentMappings: AgentMappingsRepository;
  slackRouting: SlackRoutingRepository;
  platform: Pick<PlatformApi, 'listAgents' | 'listRoutingGroups'>;
}
