// Admin API: the org's settings (channel-ID mode, the global channel) and
// its routing groups' Slack channels. Every channel typed in is resolved and checked (a name
// from the directory, or in channel-ID mode an ID, asked of Slack when the directory lacks it;
// not archived; a private one only with the app in it), a public one the app is not in is
// joined before it is saved, and each error names the field it concerns. Every channel shown
// says whether the app is in it (`appInChannel`). A save routes the org's undeliverable chats again.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { AdminDeps } from './admin-deps.ts';
import type { DirectoryChannel } from '../../slack/slack-api.ts';
import { appError, SlackApiError, SlackRateLimitedError, errors } from '../../errors/index.ts';
import { connectedTeam, orgParams, orgParamsWith, paramSchemas, platformCall, recordChange, rowLookup, slackLookup, type OrgScope } from './admin-org.ts';
import { apiDoc } from './admin-org.ts';
import { channelProblem, chooseChannel } from '../../directory/channel-choice.ts';
import { channelView } from './directory.route.ts';

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

/** A chosen channel as the admin API shows it: whether the app is in it, and what stops posting there. */
function chosenChannelView(channel: DirectoryChannel, warning: string | null) {
  return { ...channelView(channel), appInChannel: channel.isMember, warning };
}

/** What to do about Slack's refusal to let the app join, by Slack's code. */
const JOIN_REFUSAL_HINTS: Record<string, string> = {
  missing_scope: 'the connection predates the permission to join channels (channels:join): connect Slack again to grant it, then save again',
  is_archived: 'the channel is archived: choose another',
  channel_not_found: 'the channel no longer exists: choose another',
  method_not_supported_for_channel_type: 'it is a private channel: in Slack, type @Threadbridge in the channel and click "Add to Channel", then save again',
};

/** Slack's refusal of a join as the catalogue answers it; anything else as it is. */
function joinRefusal(error: unknown, channel: DirectoryChannel, field: string): unknown {
  if (error instanceof SlackRateLimitedError) return appError('slack_rate_limited', `conversations.join, again in ${error.retryAfterSeconds} s`, field);
  if (error instanceof SlackApiError) {
    const hint = JOIN_REFUSAL_HINTS[error.code];
    return appError('channel_join_failed', `#${channel.name}: Slack answered ${error.code}${hint ? `; ${hint}` : ''}`, field);
  }
  return error;
}

export function registerAdminSettingsRoutes(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps, orgScope: OrgScope): void {
  const { directory } = admin;

  /**
   * A stored channel id as the page shows it: with its name, and a warning when posting would
   * fail. Shown as its bare id when Slack's budget did not allow checking it (a page of many
   * groups before the first directory sync).
   */
  async function storedChannel(teamId: string, channelId: string | null) {
    if (!channelId) return null;
    const { value: channel, verified } = await rowLookup(() => directory.channel(teamId, channelId));
    if (channel) return chosenChannelView(channel, channelWarning(channel, channelId));
    // Unverified: whether the app is in it is not known (null), nor whether it still exists.
    return { id: channelId, name: null, appInChannel: verified ? false : null, warning: verified ? channelWarning(null, channelId) : null };
  }

  async function resolveChannel(teamId: string, typed: string, channelIdMode: boolean, field: string): Promise<DirectoryChannel> {
    const choice = await slackLookup(() => chooseChannel(directory, teamId, typed, channelIdMode), field);
    if (!choice.ok) throw appError(choice.error, choice.detail, field);
    return choice.channel;
  }

  /**
   * A public channel the app is not in is joined before the choice is saved: Slack sends an app
   * a channel's messages only where it is a member, and replies posted there must reach visitors.
   * The admin's browser waits on this answer, which is why the web process calls Slack here (as
   * for the OAuth code exchange), within the per-minute budget every process shares.
   */
  async function withAppIn(teamId: string, channel: DirectoryChannel, field: string): Promise<DirectoryChannel> {
    if (channel.isMember || channel.isPrivate) return channel; // a private one without the app was refused already
    try {
      return await slackLookup(() => admin.channelJoiner.join(teamId, channel.id), field);
    } catch (error) {
      throw joinRefusal(error, channel, field);
    }
  }

  orgScope(app, (scope) => {
    scope.get<{ Params: { orgId: string } }>(
      '/api/orgs/:orgId/settings',
      { schema: { ...apiDoc('The org’s Slack settings'), params: orgParams } },
      async (request) => {
        const { orgId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const settings = await admin.orgSettings.get(orgId);
        return {
          channelIdMode: settings?.channelIdMode ?? false,
          globalChannel: { enabled: settings?.globalChannelEnabled ?? false, channel: await storedChannel(teamId, settings?.globalChannelId ?? null) },
        };
      },
    );

    scope.put<{ Params: { orgId: string }; Body: SettingsBody }>(
      '/api/orgs/:orgId/settings',
      { schema: { ...apiDoc('Save the org’s Slack settings'), params: orgParams, body: settingsBody } },
      async (request) => {
        const { orgId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const { channelIdMode, globalChannel } = request.body;
        const typed = globalChannel.channel?.trim() || null;
        if (globalChannel.enabled && !typed) throw appError('global_channel_required', undefined, 'globalChannel.channel');
        const resolved = typed ? await resolveChannel(teamId, typed, channelIdMode, 'globalChannel.channel') : null;
        // Only a channel that is on gets joined: one kept with its toggle off is never used.
        const channel = resolved && globalChannel.enabled ? await withAppIn(teamId, resolved, 'globalChannel.channel') : resolved;
        const current = await admin.orgSettings.get(orgId);
        await admin.orgSettings.save(
          { ...(current ?? {}), orgId, channelIdMode, globalChannelEnabled: globalChannel.enabled, globalChannelId: channel?.id ?? null },
          deps.now(),
        );
        await recordChange(deps, admin, request, { orgId, section: 'settings', action: 'settings.saved' });
        await deps.producer.orgChanged({ orgId, cause: 'settings-changed' });
        return { channelIdMode, globalChannel: { enabled: globalChannel.enabled, channel: channel ? chosenChannelView(channel, null) : null } };
      },
    );

    scope.get<{ Params: { orgId: string } }>(
      '/api/orgs/:orgId/routing-groups',
      { schema: { ...apiDoc('Routing groups with their Slack channel and warnings'), params: orgParams } },
      async (request) => {
        const { orgId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const groups = await platformCall(() => admin.platform.listRoutingGroups(orgId));
        return {
          routingGroups: await Promise.all(
            groups.map(async (g) => ({
              groupId: g.id,
              name: g.name,
              memberAgentIds: g.memberAgentIds,
              channel: await storedChannel(teamId, await admin.slackRouting.groupChannel(orgId, g.id)),
            })),
          ),
        };
      },
    );

    scope.put<{ Params: { orgId: string; groupId: string }; Body: { channel: string } }>(
      '/api/orgs/:orgId/routing-groups/:groupId/slack-channel',
      { schema: { ...apiDoc('Set a routing group’s Slack channel (by name, or by ID in channel-ID mode)'), params: groupParams, body: groupChannelBody } },
      async (request) => {
        const { orgId, groupId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const groups = await platformCall(() => admin.platform.listRoutingGroups(orgId));
        if (!groups.some((g) => g.id === groupId)) throw appError('routing_group_not_found', groupId);
        const settings = await admin.orgSettings.get(orgId);
        const channel = await withAppIn(teamId, await resolveChannel(teamId, request.body.channel, settings?.channelIdMode ?? false, 'channel'), 'channel');
        await admin.slackRouting.setGroupChannel(orgId, groupId, channel.id, deps.now());
        await recordChange(deps, admin, request, { orgId, section: 'routingGroups', action: 'routing-group.channel-set', subject: groupId });
        await deps.producer.orgChanged({ orgId, cause: 'settings-changed' });
        return { groupId, channel: chosenChannelView(channel, null) };
      },
    );

    scope.delete<{ Params: { orgId: string; groupId: string } }>(
      '/api/orgs/:orgId/routing-groups/:groupId/slack-channel',
      { schema: { ...apiDoc('Clear a routing group’s Slack channel'), params: groupParams } },
      async (request, reply) => {
        const { orgId, groupId } = request.params;
        await connectedTeam(deps, orgId);
        const groups = await platformCall(() => admin.platform.listRoutingGroups(orgId));
        if (!groups.some((g) => g.id === groupId)) throw appError('routing_group_not_found', groupId);
        await admin.slackRouting.setGroupChannel(orgId, groupId, null, deps.now());
        await recordChange(deps, admin, request, { orgId, section: 'routingGroups', action: 'routing-group.channel-cleared', subject: groupId });
        await deps.producer.orgChanged({ orgId, cause: 'settings-changed' });
        return reply.status(204).send();
      },
    );
  });
}
