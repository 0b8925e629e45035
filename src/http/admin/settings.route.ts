// Admin API: the org's Slack connection, its settings (channel-ID mode, the global channel) and
// its routing groups' Slack channels. Every channel typed in is resolved and checked (a name
// from the directory, or in channel-ID mode an ID, asked of Slack when the directory lacks it;
// not archived; a private one only with the app in it), and each error names the field it
// concerns. A save routes the org's undeliverable chats again.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { AdminDeps } from './admin-deps.ts';
import type { DirectoryChannel } from '../../slack/slack-api.ts';
import { appError } from '../../errors.ts';
import { adminScope } from './admin-auth.ts';
import { connectedTeam, orgParams, orgParamsWith, paramSchemas, platformCall, rowLookup, slackLookup } from './admin-org.ts';
import { apiDoc } from './admin-org.ts';
import { channelProblem, chooseChannel } from '../../directory/channel-choice.ts';
import { channelView } from './directory.route.ts';
import { errors } from '../../errors.ts';
import { installLinkFor } from '../routes/slack-oauth.route.ts';

const settingsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['channelIdMode', 'globalChannel'],
  properties: {
    channelIdMode: { type: 'boolean' },
    globalChannel: {
      type: 'object',
      additionalProperties: false,
      required: ['enabled'],
      properties: { enabled: { type: 'boolean' }, channel: { type: ['string', 'null'], maxLength: 81 } },
    },
  },
} as const;

interface SettingsBody {
  channelIdMode: boolean;
  globalChannel: { enabled: boolean; channel?: string | null };
}

const groupParams = orgParamsWith('groupId', paramSchemas.id);

const groupChannelBody = {
  type: 'object',
  additionalProperties: false,
  required: ['channel'],
  properties: { channel: { type: 'string', minLength: 1, maxLength: 81 } },
} as const;

/** A warning for a channel notifications cannot be posted to (archived, deleted, app not in it). */
function channelWarning(channel: DirectoryChannel | null, channelId: string): string | null {
  if (!channel) return `Channel ${channelId} no longer exists or the app cannot see it: notifications for this group go to the fallbacks.`;
  const problem = channelProblem(channel);
  return problem ? `${errors[problem].message}.` : null;
}

export function registerAdminSettingsRoutes(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps): void {
  const { directory } = admin;

  /**
   * A stored channel id as the page shows it: with its name, and a warning when posting would
   * fail. Shown as its bare id when Slack's budget did not allow checking it (a page of many
   * groups before the first directory sync).
   */
  async function storedChannel(teamId: string, channelId: string | null) {
    if (!channelId) return null;
    const { value: channel, verified } = await rowLookup(() => directory.channel(teamId, channelId));
    return { ...(channel ? channelView(channel) : { id: channelId, name: null }), warning: verified ? channelWarning(channel, channelId) : null };
  }

  async function resolveChannel(teamId: string, typed: string, channelIdMode: boolean, field: string): Promise<DirectoryChannel> {
    const choice = await slackLookup(() => chooseChannel(directory, teamId, typed, channelIdMode));
    if (!choice.ok) throw appError(choice.error, choice.detail, field);
    return choice.channel;
  }

  adminScope(app, admin.token, (scope) => {
    scope.get<{ Params: { orgId: string } }>('/api/orgs/:orgId/slack', { schema: { ...apiDoc('The org’s Slack connection'), params: orgParams } }, async (request) => {
      const { orgId } = request.params;
      const installation = await deps.installations.findByOrg(orgId);
      const installUrl = installLinkFor(deps, orgId);
      if (!installation) return { status: 'not-connected', installUrl };
      return {
        status: installation.status === 'active' ? 'connected' : 'disconnected',
        workspace: { id: installation.teamId, name: installation.teamName },
        installedAt: installation.installedAt,
        scopes: installation.scopes,
        installUrl,
      };
    });

    scope.get<{ Params: { orgId: string } }>('/api/orgs/:orgId/settings', { schema: { ...apiDoc('The org’s Slack settings'), params: orgParams } }, async (request) => {
      const { orgId } = request.params;
      const teamId = await connectedTeam(deps, orgId);
      const settings = await admin.orgSettings.get(orgId);
      return {
        channelIdMode: settings?.channelIdMode ?? false,
        globalChannel: { enabled: settings?.globalChannelEnabled ?? false, channel: await storedChannel(teamId, settings?.globalChannelId ?? null) },
      };
    });

    scope.put<{ Params: { orgId: string }; Body: SettingsBody }>(
      '/api/orgs/:orgId/settings',
      { schema: { ...apiDoc('Save the org’s Slack settings'), params: orgParams, body: settingsBody } },
      async (request) => {
        const { orgId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const { channelIdMode, globalChannel } = request.body;
        const typed = globalChannel.channel?.trim() || null;
        if (globalChannel.enabled && !typed) throw appError('GLOBAL_CHANNEL_REQUIRED', undefined, 'globalChannel.channel');
        const channel = typed ? await resolveChannel(teamId, typed, channelIdMode, 'globalChannel.channel') : null;
        const current = await admin.orgSettings.get(orgId);
        await admin.orgSettings.save(
          { ...(current ?? {}), orgId, channelIdMode, globalChannelEnabled: globalChannel.enabled, globalChannelId: channel?.id ?? null },
          deps.now(),
        );
        await deps.producer.orgChanged({ orgId, cause: 'settings-changed' });
        return { channelIdMode, globalChannel: { enabled: globalChannel.enabled, channel: channel ? { ...channelView(channel), warning: null } : null } };
      },
    );

    scope.get<{ Params: { orgId: string } }>('/api/orgs/:orgId/routing-groups', { schema: { ...apiDoc('Routing groups with their Slack channel and warnings'), params: orgParams } }, async (request) => {
      const { orgId } = request.params;
      const teamId = await connectedTeam(deps, orgId);
      const groups = await platformCall(() => admin.platform.listRoutingGroups(orgId));
      return {
        routingGroups: await Promise.all(
          groups.map(async (g) => ({
            groupId: g.id, name: g.name, memberAgentIds: g.memberAgentIds,
            channel: await storedChannel(teamId, await admin.slackRouting.groupChannel(orgId, g.id)),
          })),
        ),
      };
    });

    scope.put<{ Params: { orgId: string; groupId: string }; Body: { channel: string } }>(
      '/api/orgs/:orgId/routing-groups/:groupId/slack-channel',
      { schema: { ...apiDoc('Set a routing group’s Slack channel (by name, or by ID in channel-ID mode)'), params: groupParams, body: groupChannelBody } },
      async (request) => {
        const { orgId, groupId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const groups = await platformCall(() => admin.platform.listRoutingGroups(orgId));
        if (!groups.some((g) => g.id === groupId)) throw appError('UNKNOWN_ROUTING_GROUP', groupId);
        const settings = await admin.orgSettings.get(orgId);
        const channel = await resolveChannel(teamId, request.body.channel, settings?.channelIdMode ?? false, 'channel');
        await admin.slackRouting.setGroupChannel(orgId, groupId, channel.id, deps.now());
        await deps.producer.orgChanged({ orgId, cause: 'settings-changed' });
        return { groupId, channel: { ...channelView(channel), warning: null } };
      },
    );

    scope.delete<{ Params: { orgId: string; groupId: string } }>(
      '/api/orgs/:orgId/routing-groups/:groupId/slack-channel',
      { schema: { ...apiDoc('Clear a routing group’s Slack channel'), params: groupParams } },
      async (request, reply) => {
        const { orgId, groupId } = request.params;
        await connectedTeam(deps, orgId);
        const groups = await platformCall(() => admin.platform.listRoutingGroups(orgId));
        if (!groups.some((g) => g.id === groupId)) throw appError('UNKNOWN_ROUTING_GROUP', groupId);
        await admin.slackRouting.setGroupChannel(orgId, groupId, null, deps.now());
        await deps.producer.orgChanged({ orgId, cause: 'settings-changed' });
        return reply.status(204).send();
      },
    );
  });
}
