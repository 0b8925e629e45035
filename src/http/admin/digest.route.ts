// Admin API: the org's weekly digest (src/conversations/weekly-digest.ts): last week's activity
// figures posted in a channel on a weekday, from 09:00 in the org's time zone; null turns it off.
// The channel is resolved, checked and joined like the settings' channels (chosen-channel.ts), in
// the org's channel-ID mode; each refusal names its field. A route of its own, beside the settings.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { AdminDeps } from './admin-deps.ts';
import { appError } from '../../errors/index.ts';
import { apiDoc, connectedTeam, orgParams, paramSchemas, recordChange, type OrgScope } from './admin-org.ts';
import { resolveChannel, storedChannel, withAppIn, chosenChannelView } from './chosen-channel.ts';
import { WEEKDAYS, type Weekday } from '../../routing/org-calendar.ts';
import type { DigestSetting, OrgSettings } from '../../store/index.ts';

const digestBody = {
  type: 'object',
  additionalProperties: false,
  required: ['digest'],
  properties: {
    digest: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['channel', 'weekday'],
      description: 'Where and when: a channel (by name, or by ID in channel-ID mode) and a weekday; null turns the digest off',
      properties: {
        channel: paramSchemas.channelChoice,
        weekday: { type: 'string', description: WEEKDAYS.map((d) => `"${d}"`).join(', ') },
      },
    },
  },
} as const;

interface DigestBody {
  digest: { channel: string; weekday: string } | null;
}

const isWeekday = (value: string): value is Weekday => (WEEKDAYS as readonly string[]).includes(value);

export function registerAdminDigestRoutes(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps, orgScope: OrgScope): void {
  orgScope(app, (scope) => {
    scope.get<{ Params: { orgId: string } }>(
      '/api/orgs/:orgId/digest',
      { schema: { ...apiDoc('The org’s weekly digest: its channel and weekday, or null when off'), params: orgParams } },
      async (request) => {
        const { orgId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const digest = (await admin.orgSettings.get(orgId))?.digest ?? null;
        return { digest: digest ? { channel: await storedChannel(admin, teamId, digest.channelId), weekday: digest.weekday } : null };
      },
    );

    scope.put<{ Params: { orgId: string }; Body: DigestBody }>(
      '/api/orgs/:orgId/digest',
      { schema: { ...apiDoc('Turn the weekly digest on (a channel and a weekday) or off (null)'), params: orgParams, body: digestBody } },
      async (request) => {
        const { orgId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const wanted = request.body.digest;
        if (wanted && !isWeekday(wanted.weekday)) {
          throw appError('setting_invalid', `"${wanted.weekday}": one of ${WEEKDAYS.map((d) => `"${d}"`).join(', ')}`, 'digest.weekday');
        }
        const current = await admin.orgSettings.get(orgId);
        let digest: DigestSetting | null = null;
        let shown: ReturnType<typeof chosenChannelView> | null = null;
        if (wanted) {
          const typed = wanted.channel.trim();
          const channel = await withAppIn(
            admin,
            teamId,
            await resolveChannel(admin, teamId, typed, current?.channelIdMode ?? false, 'digest.channel'),
            'digest.channel',
          );
          digest = { channelId: channel.id, weekday: wanted.weekday as Weekday };
          shown = chosenChannelView(channel, null);
        }
        const next: Omit<OrgSettings, 'updatedAt'> = {
          ...(current ?? { channelIdMode: false, globalChannelEnabled: false, globalChannelId: null }),
          orgId,
          digest,
        };
        await admin.orgSettings.save(next, deps.now());
        await recordChange(deps, admin, request, { orgId, section: 'digest', action: digest ? 'digest.saved' : 'digest.turned-off' });
        return { digest: digest && shown ? { channel: shown, weekday: digest.weekday } : null };
      },
    );
  });
}
