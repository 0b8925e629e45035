// Admin API: the org's Slack channel and user directory, for the channel pickers and the user
// mapping. Search (prefix and word matches, best first, limited; private channels only where
// the app is a member), a channel by name and a user by username (from the directory), one
// channel or user by ID (asked of Slack when the directory does not have it, within Slack's
// shared budget), and the sync's progress and age. On an org-wide install (Enterprise Grid) the
// directory covers every workspace granted to the app, and each channel names its workspace.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { DirectoryChannel, DirectoryUser } from '../../slack/slack-api.ts';
import type { InstalledWorkspace } from '../../store/index.ts';
import { appError } from '../../errors/index.ts';
import { channelNamed, inGrantedWorkspace, workspaceOf } from '../../directory/channel-choice.ts';
import { connectedTeam, orgParams, orgParamsWith, paramSchemas, slackLookup, type OrgScope } from './admin-org.ts';
import { apiDoc } from './admin-org.ts';
import type { AdminDeps } from './admin-deps.ts';

const searchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: 100, default: '' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    includeInactive: { type: 'boolean', default: false },
  },
} as const;

interface SearchQuery {
  q: string;
  limit: number;
  includeInactive: boolean;
}

export function channelView(c: DirectoryChannel) {
  return {
    id: c.id,
    name: c.name,
    isPrivate: c.isPrivate,
    isArchived: c.isArchived,
    appIsMember: c.isMember,
    memberCount: c.memberCount,
    // Slack Connect: shared with people of another company (pickers mark it; choosing it takes a confirmation).
    sharedExternally: c.isExtShared === true,
  };
}

export function userView(u: DirectoryUser) {
  return { id: u.id, username: u.username, displayName: u.displayName, realName: u.realName, email: u.email, deleted: u.deleted, isBot: u.isBot };
}

/** On an org-wide install (`workspaces`): the workspace the channel is in, as pickers name it (two may each have a #sales); nothing on a workspace install. */
export function workspaceField(c: DirectoryChannel, workspaces: InstalledWorkspace[] | null) {
  return workspaces ? { workspace: workspaceOf(c, workspaces) } : {};
}

/** A channel as the directory API shows it: naming its workspace on an org-wide install. */
function directoryChannelView(c: DirectoryChannel, workspaces: InstalledWorkspace[] | null) {
  return { ...channelView(c), ...workspaceField(c, workspaces) };
}

export function registerAdminDirectoryRoutes(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps, orgScope: OrgScope): void {
  const { directory } = admin;

  orgScope(app, (scope) => {
    scope.get<{ Params: { orgId: string } }>(
      '/api/orgs/:orgId/directory',
      { schema: { ...apiDoc('The directory’s sync state per kind: progress, items, age'), params: orgParams } },
      async (request) => {
        const teamId = await connectedTeam(deps, request.params.orgId);
        return { teamId, ...(await directory.status(teamId)) };
      },
    );

    scope.get<{ Params: { orgId: string }; Querystring: SearchQuery }>(
      '/api/orgs/:orgId/directory/channels',
      { schema: { ...apiDoc('Search channels: exact name, then name prefixes, then word prefixes'), params: orgParams, querystring: searchQuery } },
      async (request) => {
        const teamId = await connectedTeam(deps, request.params.orgId);
        const { q, limit, includeInactive } = request.query;
        const [channels, status, workspaces] = await Promise.all([
          directory.searchChannels(teamId, q, { limit, includeInactive }),
          directory.status(teamId),
          directory.orgWorkspaces(teamId),
        ]);
        return {
          channels: channels.filter((c) => inGrantedWorkspace(c, workspaces)).map((c) => directoryChannelView(c, workspaces)),
          directory: status.channels,
          hint: 'Private channels appear once the app is a member: in Slack, type @Threadbridge in the channel and click "Add to channel".',
        };
      },
    );

    scope.get<{ Params: { orgId: string; name: string } }>(
      '/api/orgs/:orgId/directory/channels/by-name/:name',
      { schema: { ...apiDoc('One channel by name'), params: orgParamsWith('name', paramSchemas.channelChoice) } },
      async (request) => {
        const teamId = await connectedTeam(deps, request.params.orgId);
        const workspaces = await directory.orgWorkspaces(teamId);
        const named = await channelNamed(directory, teamId, request.params.name, workspaces);
        if (!named.ok) throw named.error === 'channel_unknown' ? appError('channel_name_not_found', named.detail) : appError(named.error, named.detail);
        return { channel: directoryChannelView(named.channel, workspaces) };
      },
    );

    scope.get<{ Params: { orgId: string; username: string } }>(
      '/api/orgs/:orgId/directory/users/by-username/:username',
      { schema: { ...apiDoc('One user by username'), params: orgParamsWith('username', paramSchemas.slackName) } },
      async (request) => {
        const teamId = await connectedTeam(deps, request.params.orgId);
        const user = await directory.userByUsername(teamId, request.params.username);
        if (!user) throw appError('username_not_found', `@${request.params.username.replace(/^@/, '')}`);
        return { user: userView(user) };
      },
    );

    scope.get<{ Params: { orgId: string; channelId: string } }>(
      '/api/orgs/:orgId/directory/channels/:channelId',
      { schema: { ...apiDoc('One channel by ID (asks Slack when the directory lacks it)'), params: orgParamsWith('channelId', paramSchemas.channelId) } },
      async (request) => {
        const teamId = await connectedTeam(deps, request.params.orgId);
        const channel = await slackLookup(() => directory.channel(teamId, request.params.channelId));
        if (!channel) throw appError('channel_not_found', `${request.params.channelId} (a private channel is visible only once the app is a member)`);
        return { channel: directoryChannelView(channel, await directory.orgWorkspaces(teamId)) };
      },
    );

    scope.get<{ Params: { orgId: string }; Querystring: SearchQuery }>(
      '/api/orgs/:orgId/directory/users',
      { schema: { ...apiDoc('Search users by username, display and real name'), params: orgParams, querystring: searchQuery } },
      async (request) => {
        const teamId = await connectedTeam(deps, request.params.orgId);
        const { q, limit, includeInactive } = request.query;
        const [users, status] = await Promise.all([directory.searchUsers(teamId, q, { limit, includeInactive }), directory.status(teamId)]);
        return { users: users.map(userView), directory: status.users };
      },
    );

    scope.get<{ Params: { orgId: string; userId: string } }>(
      '/api/orgs/:orgId/directory/users/:userId',
      { schema: { ...apiDoc('One user by ID (asks Slack when the directory lacks it)'), params: orgParamsWith('userId', paramSchemas.userId) } },
      async (request) => {
        const teamId = await connectedTeam(deps, request.params.orgId);
        const user = await slackLookup(() => directory.user(teamId, request.params.userId));
        if (!user) throw appError('user_not_found', request.params.userId);
        return { user: userView(user) };
      },
    );
  });
}
