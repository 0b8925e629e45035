// Slack Connect channels chosen for a setting: a channel shared with another company shows that
// company's people every visitor's name, email, company and messages, so choosing one takes an
// admin's explicit confirmation (the request's confirm field). The confirmation is kept for that
// channel id (choosing another shared channel asks again) and recorded in the change history.
import type { FastifyRequest } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { AdminDeps } from './admin-deps.ts';
import type { AdminChangeSection } from '../../store/index.ts';
import type { DirectoryChannel } from '../../slack/slack-api.ts';
import type { OrgSettings } from '../../store/org-settings.repository.ts';
import { appError } from '../../errors/index.ts';
import { actorOf } from './admin-auth.ts';
import { recordChange } from './admin-org.ts';

/** The body field that confirms a shared channel, in each channel setting's body. */
export const CONFIRM_FIELD = 'confirmSharedChannel';

export const confirmFieldSchema = {
  type: 'boolean',
  description:
    'true: the admin confirms that visitor details (name, email, company, messages) will be visible to the other company of a Slack Connect channel; needed to choose a channel shared with another company',
} as const;

/**
 * Whether the channel may be chosen: not shared with another company, confirmed before, or
 * confirmed by this request. Refused with `channel_shared_externally` (naming the channel and
 * the confirm field) otherwise. Checked before anything is joined or saved.
 */
export function checkSharedChannel(
  settings: Pick<OrgSettings, 'sharedChannelConfirmations'> | null,
  channel: DirectoryChannel,
  confirmed: boolean | undefined,
  fields: { channel: string; confirm: string },
): void {
  if (!channel.isExtShared || confirmed === true || settings?.sharedChannelConfirmations?.[channel.id]) return;
  throw appError(
    'channel_shared_externally',
    `#${channel.name} (${channel.id}); to choose it, send "${fields.confirm}": true with the channel`,
    fields.channel,
  );
}

/** Keeps this request's confirmation of a shared channel, once the channel is saved, and records it in the change history. */
export async function keepSharedChannelConfirmation(
  deps: Pick<HttpDeps, 'now'>,
  admin: Pick<AdminDeps, 'orgSettings' | 'changes'>,
  request: FastifyRequest,
  change: { orgId: string; section: AdminChangeSection; channel: DirectoryChannel; confirmed: boolean | undefined },
): Promise<void> {
  if (!change.channel.isExtShared || change.confirmed !== true) return;
  await admin.orgSettings.confirmSharedChannel(change.orgId, change.channel.id, { by: actorOf(request), at: deps.now() });
  await recordChange(deps, admin, request, { orgId: change.orgId, section: change.section, action: 'shared-channel.confirmed', subject: change.channel.id });
}

/** Who confirmed the shared channel and when, as the admin API shows it; null when never confirmed. */
export function sharingConfirmation(settings: Pick<OrgSettings, 'sharedChannelConfirmations'> | null, channelId: string | null | undefined) {
  const confirmation = channelId ? settings?.sharedChannelConfirmations?.[channelId] : undefined;
  return confirmation ? { by: confirmation.by, at: new Date(confirmation.at).toISOString() } : null;
}
