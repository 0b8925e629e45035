// Admin API: the org's settings (channel-ID mode, the global channel; how chats are handled:
// the answer time, where unanswered chats escalate, alerts-only mode, the internal-note prefix; the
// time zone its activity figures are counted in) and
// its routing groups' Slack channels. A field left out of a save keeps its value. Every channel typed in is resolved and checked (a name
// from the directory, or in channel-ID mode an ID, asked of Slack when the directory lacks it;
// not archived; a private one only with the app in it), a public one the app is not in is
// joined before it is saved, and each error names the field it concerns. Every channel shown
// says whether the app is in it (`appInChannel`). A save routes the org's undeliverable chats again.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { AdminDeps } from './admin-deps.ts';
import type { DirectoryChannel } from '../../slack/slack-api.ts';
import { appError } from '../../errors/index.ts';
import { apiDoc, connectedTeam, orgParams, orgParamsWith, paramSchemas, platformCall, recordChange, type OrgScope } from './admin-org.ts';
import { workspaceField } from './directory.route.ts';
import { chosenChannelView, resolveChannel as resolveChannelOf, storedChannel as storedChannelOf, withAppIn as withAppInOf } from './chosen-channel.ts';
import { CONFIRM_FIELD, checkSharedChannel, confirmFieldSchema, keepSharedChannelConfirmation, sharingConfirmation } from './shared-channel.ts';
import {
  answerTimeOf,
  DEFAULT_INTERNAL_NOTE_PREFIX,
  ESCALATION_TARGETS,
  type EscalationTarget,
  type OrgSettings,
  timeZoneOf,
} from '../../store/org-settings.repository.ts';
import { isTimeZone } from '../../routing/activity-dates.ts';

const ANSWER_TIME_SECONDS = { min: 30, max: 3600 };
const NOTE_PREFIX_MAX = 20;

// Values and ranges are checked by the route (chatHandlingProblem), so each refusal names its field.
const settingsBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    channelIdMode: { type: 'boolean' },
    globalChannel: {
      type: 'object',
      additionalProperties: false,
      required: ['enabled'],
      properties: {
        enabled: { type: 'boolean' },
        channel: { type: ['string', 'null'], maxLength: paramSchemas.channelChoice.maxLength },
        [CONFIRM_FIELD]: confirmFieldSchema,
      },
    },
    answerTimeSeconds: {
      type: ['number', 'null'],
      description: `Seconds a new chat waits for an answer before its reminder (escalation after twice it): a whole number, ${ANSWER_TIME_SECONDS.min} to ${ANSWER_TIME_SECONDS.max}; null: no reminders or escalation`,
    },
    escalation: {
      type: ['string', 'null'],
      description: `Where an unanswered chat escalates: ${ESCALATION_TARGETS.map((t) => `"${t}"`).join(', ')}; null: the global channel while it is on, else online members`,
    },
    bridgeMode: { type: 'string', description: '"two-way" (default), or "alerts-only": nothing written in Slack reaches visitors' },
    timeZone: {
      type: ['string', 'null'],
      maxLength: 100,
      description: 'The org’s calendar for its activity figures: an IANA time zone name such as "Europe/Berlin"; null: UTC (the default)',
    },
    internalNotePrefix: {
      type: 'string',
      description: `A reply starting with it stays in Slack (default "${DEFAULT_INTERNAL_NOTE_PREFIX}"): 1 to ${NOTE_PREFIX_MAX} characters, not blank`,
    },
  },
} as const;

interface SettingsBody {
  channelIdMode?: boolean;
  globalChannel?: { enabled: boolean; channel?: string | null; confirmSharedChannel?: boolean };
  answerTimeSeconds?: number | null;
  escalation?: string | null;
  bridgeMode?: string;
  internalNotePrefix?: string;
  timeZone?: string | null;
}

const BRIDGE_MODES = ['two-way', 'alerts-only'] as const;

/** The first chat-handling field the body gets wrong, with what it takes. */
function chatHandlingProblem(body: SettingsBody): { field: string; detail: string } | null {
  const { answerTimeSeconds: seconds, escalation, bridgeMode, internalNotePrefix: prefix, timeZone } = body;
  if (seconds !== undefined && seconds !== null && (!Number.isInteger(seconds) || seconds < ANSWER_TIME_SECONDS.min || seconds > ANSWER_TIME_SECONDS.max)) {
    return {
      field: 'answerTimeSeconds',
      detail: `${seconds}: a whole number of seconds from ${ANSWER_TIME_SECONDS.min} to ${ANSWER_TIME_SECONDS.max}, or null for no reminders`,
    };
  }
  if (escalation !== undefined && escalation !== null && !(ESCALATION_TARGETS as readonly string[]).includes(escalation)) {
    return { field: 'escalation', detail: `"${escalation}": one of ${ESCALATION_TARGETS.map((t) => `"${t}"`).join(', ')}, or null for the default` };
  }
  if (bridgeMode !== undefined && !(BRIDGE_MODES as readonly string[]).includes(bridgeMode)) {
    return { field: 'bridgeMode', detail: `"${bridgeMode}": "two-way" or "alerts-only"` };
  }
  if (prefix !== undefined && (prefix.trim() === '' || [...prefix].length > NOTE_PREFIX_MAX)) {
    return { field: 'internalNotePrefix', detail: `1 to ${NOTE_PREFIX_MAX} characters, not only spaces` };
  }
  if (typeof timeZone === 'string' && !isTimeZone(timeZone)) {
    return { field: 'timeZone', detail: `"${timeZone}": an IANA time zone name such as "Europe/Berlin" or "America/New_York", or null for UTC` };
  }
  return null;
}

/** The chat-handling settings as the API shows them, each with its default when never set. */
type SavedSettings = Omit<OrgSettings, 'updatedAt'>;

function chatHandlingView(settings: SavedSettings | null) {
  const answerTimeMs = answerTimeOf(settings);
  return {
    answerTimeSeconds: answerTimeMs === null ? null : Math.round(answerTimeMs / 1000),
    escalation: settings?.escalation ?? null,
    bridgeMode: settings?.bridgeMode ?? 'two-way',
    internalNotePrefix: settings?.internalNotePrefix ?? DEFAULT_INTERNAL_NOTE_PREFIX,
  };
}

/** Whether the body changes a chat-handling setting from what is stored. */
function chatHandlingChanged(before: SavedSettings | null, after: SavedSettings): boolean {
  const a = chatHandlingView(before);
  const b = chatHandlingView(after);
  return (Object.keys(a) as Array<keyof typeof a>).some((k) => a[k] !== b[k]);
}

const groupParams = orgParamsWith('groupId', paramSchemas.id);

const groupChannelBody = {
  type: 'object',
  additionalProperties: false,
  required: ['channel'],
  properties: { channel: paramSchemas.channelChoice, [CONFIRM_FIELD]: confirmFieldSchema },
} as const;

export function registerAdminSettingsRoutes(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps, orgScope: OrgScope): void {
  // A channel typed into a setting is resolved, checked and joined as every channel setting's is (chosen-channel.ts).
  const storedChannel = (teamId: string, channelId: string | null) => storedChannelOf(admin, teamId, channelId);
  const resolveChannel = (teamId: string, typed: string, channelIdMode: boolean, field: string) => resolveChannelOf(admin, teamId, typed, channelIdMode, field);
  const withAppIn = (teamId: string, channel: DirectoryChannel, field: string) => withAppInOf(admin, teamId, channel, field);

  orgScope(app, (scope) => {
    scope.get<{ Params: { orgId: string } }>(
      '/api/orgs/:orgId/settings',
      { schema: { ...apiDoc('The org’s Slack settings'), params: orgParams } },
      async (request) => {
        const { orgId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const settings = await admin.orgSettings.get(orgId);
        const globalChannelId = settings?.globalChannelId ?? null;
        return {
          channelIdMode: settings?.channelIdMode ?? false,
          globalChannel: {
            enabled: settings?.globalChannelEnabled ?? false,
            channel: await storedChannel(teamId, globalChannelId),
            sharingConfirmed: sharingConfirmation(settings, globalChannelId),
          },
          ...chatHandlingView(settings),
          timeZone: timeZoneOf(settings),
        };
      },
    );

    scope.put<{ Params: { orgId: string }; Body: SettingsBody }>(
      '/api/orgs/:orgId/settings',
      { schema: { ...apiDoc('Save the org’s Slack settings'), params: orgParams, body: settingsBody } },
      async (request) => {
        const { orgId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const body = request.body;
        const problem = chatHandlingProblem(body);
        if (problem) throw appError('setting_invalid', problem.detail, problem.field);
        const current = await admin.orgSettings.get(orgId);
        const channelIdMode = body.channelIdMode ?? current?.channelIdMode ?? false;
        let globalChannelEnabled = current?.globalChannelEnabled ?? false;
        let globalChannelId = current?.globalChannelId ?? null;
        let shownChannel: Awaited<ReturnType<typeof storedChannel>> = null;
        let savedGlobal: DirectoryChannel | null = null;
        if (body.globalChannel) {
          const { globalChannel } = body;
          const typed = globalChannel.channel?.trim() || null;
          if (globalChannel.enabled && !typed) throw appError('global_channel_required', undefined, 'globalChannel.channel');
          const resolved = typed ? await resolveChannel(teamId, typed, channelIdMode, 'globalChannel.channel') : null;
          // A shared channel kept with its toggle off shows nobody anything; turning it on sends it again.
          if (resolved && globalChannel.enabled)
            checkSharedChannel(current, resolved, globalChannel.confirmSharedChannel, {
              channel: 'globalChannel.channel',
              confirm: `globalChannel.${CONFIRM_FIELD}`,
            });
          // Only a channel that is on gets joined: one kept with its toggle off is never used.
          const channel = resolved && globalChannel.enabled ? await withAppIn(teamId, resolved, 'globalChannel.channel') : resolved;
          globalChannelEnabled = globalChannel.enabled;
          globalChannelId = channel?.id ?? null;
          // The workspace as checked (the join's answer may not name it), on an org-wide install.
          shownChannel =
            channel && resolved ? { ...chosenChannelView(channel, null), ...workspaceField(resolved, await admin.directory.orgWorkspaces(teamId)) } : null;
          // As checked (the directory's copy), whatever the join read back.
          savedGlobal = resolved;
        } else {
          shownChannel = await storedChannel(teamId, globalChannelId);
        }
        const escalation = body.escalation === undefined ? (current?.escalation ?? null) : (body.escalation as EscalationTarget | null);
        // Checked against the settings as they will be, so turning the channel off is refused too while escalation goes there.
        if (escalation === 'global-channel' && !globalChannelEnabled) {
          throw appError('escalation_needs_global_channel', undefined, body.escalation === undefined ? 'globalChannel.enabled' : 'escalation');
        }
        // The shared-channel confirmations are written on their own (keepSharedChannelConfirmation), never from this read.
        const { sharedChannelConfirmations: _confirmations, ...kept } = current ?? {};
        const next: SavedSettings = {
          ...kept,
          orgId,
          channelIdMode,
          globalChannelEnabled,
          globalChannelId,
          escalation,
          ...(body.answerTimeSeconds !== undefined ? { answerTimeMs: body.answerTimeSeconds === null ? null : body.answerTimeSeconds * 1000 } : {}),
          ...(body.bridgeMode !== undefined ? { bridgeMode: body.bridgeMode as OrgSettings['bridgeMode'] } : {}),
          ...(body.internalNotePrefix !== undefined ? { internalNotePrefix: body.internalNotePrefix } : {}),
          ...(body.timeZone !== undefined ? { timeZone: body.timeZone ?? 'UTC' } : {}),
        };
        await admin.orgSettings.save(next, deps.now());
        if (body.channelIdMode !== undefined || body.globalChannel)
          await recordChange(deps, admin, request, { orgId, section: 'settings', action: 'settings.saved' });
        if (savedGlobal && globalChannelEnabled)
          await keepSharedChannelConfirmation(deps, admin, request, {
            orgId,
            section: 'settings',
            channel: savedGlobal,
            confirmed: body.globalChannel?.confirmSharedChannel,
          });
        const saved = await admin.orgSettings.get(orgId);
        if (chatHandlingChanged(current, next)) await recordChange(deps, admin, request, { orgId, section: 'chatHandling', action: 'chat-handling.saved' });
        const before = answerTimeOf(current);
        const after = answerTimeOf(next);
        // A shorter answer time makes the org's pending reminders due sooner: they run and re-delay themselves.
        const shortened = after !== null && (before === null || after < before);
        await deps.producer.orgChanged({ orgId, cause: shortened ? 'answer-time-shortened' : 'settings-changed' });
        return {
          channelIdMode,
          globalChannel: { enabled: globalChannelEnabled, channel: shownChannel, sharingConfirmed: sharingConfirmation(saved, globalChannelId) },
          ...chatHandlingView(next),
          timeZone: timeZoneOf(next),
        };
      },
    );

    scope.get<{ Params: { orgId: string } }>(
      '/api/orgs/:orgId/routing-groups',
      { schema: { ...apiDoc('Routing groups with their Slack channel and warnings'), params: orgParams } },
      async (request) => {
        const { orgId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const [groups, settings] = await Promise.all([platformCall(() => admin.platform.listRoutingGroups(orgId)), admin.orgSettings.get(orgId)]);
        return {
          routingGroups: await Promise.all(
            groups.map(async (g) => {
              const channelId = await admin.slackRouting.groupChannel(orgId, g.id);
              return {
                groupId: g.id,
                name: g.name,
                memberAgentIds: g.memberAgentIds,
                channel: await storedChannel(teamId, channelId),
                sharingConfirmed: sharingConfirmation(settings, channelId),
              };
            }),
          ),
        };
      },
    );

    scope.put<{ Params: { orgId: string; groupId: string }; Body: { channel: string; confirmSharedChannel?: boolean } }>(
      '/api/orgs/:orgId/routing-groups/:groupId/slack-channel',
      { schema: { ...apiDoc('Set a routing group’s Slack channel (by name, or by ID in channel-ID mode)'), params: groupParams, body: groupChannelBody } },
      async (request) => {
        const { orgId, groupId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const groups = await platformCall(() => admin.platform.listRoutingGroups(orgId));
        if (!groups.some((g) => g.id === groupId)) throw appError('routing_group_not_found', groupId);
        const settings = await admin.orgSettings.get(orgId);
        const { confirmSharedChannel: confirmed } = request.body;
        const resolved = await resolveChannel(teamId, request.body.channel, settings?.channelIdMode ?? false, 'channel');
        checkSharedChannel(settings, resolved, confirmed, { channel: 'channel', confirm: CONFIRM_FIELD });
        const channel = await withAppIn(teamId, resolved, 'channel');
        await admin.slackRouting.setGroupChannel(orgId, groupId, channel.id, deps.now());
        await recordChange(deps, admin, request, { orgId, section: 'routingGroups', action: 'routing-group.channel-set', subject: groupId });
        await keepSharedChannelConfirmation(deps, admin, request, { orgId, section: 'routingGroups', channel: resolved, confirmed });
        await deps.producer.orgChanged({ orgId, cause: 'settings-changed' });
        const confirmation =
          confirmed === true && resolved.isExtShared
            ? sharingConfirmation(await admin.orgSettings.get(orgId), channel.id)
            : sharingConfirmation(settings, channel.id);
        const shown = { ...chosenChannelView(channel, null), ...workspaceField(resolved, await admin.directory.orgWorkspaces(teamId)) };
        return { groupId, channel: shown, sharingConfirmed: confirmation };
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
