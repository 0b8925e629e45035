// What the app's bot token can see and do in a conversation, shared by chat.* and conversations.*:
// private channels and DMs it is not in do not exist for it (channel_not_found), as in Slack.

import { fail } from '../errors.ts';
import type { MethodContext } from '../method-types.ts';
import { channelType } from '../state.ts';
import type { Channel } from '../types.ts';

export const READ_SCOPE = { channel: 'channels:read', group: 'groups:read', im: 'im:read' } as const;
export const HISTORY_SCOPE = { channel: 'channels:history', group: 'groups:history', im: 'im:history' } as const;

export function canSee(ctx: MethodContext, ch: Channel): boolean {
  if (!ctx.reaches(ch.teamId)) return false;
  if (ch.isIm || ch.isPrivate) return ch.members.has(ctx.install.botUserId);
  return true;
}

export function visibleChannel(ctx: MethodContext, id: string | undefined): Channel {
  if (!id) fail('channel_not_found');
  const ch = ctx.state.channels.get(id);
  if (!ch || !canSee(ctx, ch)) fail('channel_not_found');
  return ch;
}

export function requireReadScope(ctx: MethodContext, ch: Channel): void {
  ctx.requireScope(READ_SCOPE[channelType(ch)]);
}
