// The conversation object of conversations.info/list/open, in Slack's field layout
// (public and private channels share one shape; DMs have their own short one).

import type { MethodContext } from '../method-types.ts';
import type { Channel } from '../types.ts';
import { normalizedName } from './users.ts';

/**
 * `withNumMembers`: conversations.list always carries num_members for channels; conversations.info
 * only with include_num_members=true (docs).
 */
export function conversationObject(ctx: MethodContext, ch: Channel, withNumMembers = false): Record<string, unknown> {
  if (ch.isIm) {
    const user = ch.imUser ? ctx.state.users.get(ch.imUser) : undefined;
    return {
      id: ch.id,
      created: ch.created,
      is_archived: false,
      is_im: true,
      is_org_shared: false,
      context_team_id: ch.teamId,
      updated: ch.created * 1000,
      user: ch.imUser,
      is_user_deleted: user?.deleted ?? false,
      priority: 0,
    };
  }
  const empty = { value: '', creator: '', last_set: 0 };
  // Slack Connect: shared with other companies' workspaces (shareChannel).
  const shared = ch.sharedTeamIds?.length ? ch.sharedTeamIds : null;
  return {
    id: ch.id,
    name: ch.name,
    is_channel: true,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: ch.isPrivate,
    created: ch.created,
    is_archived: ch.isArchived,
    is_general: false,
    unlinked: 0,
    name_normalized: normalizedName(ch.name),
    is_shared: shared !== null,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: ch.teamId,
    updated: ch.updated ?? ch.created * 1000,
    parent_conversation: null,
    creator: ch.creator,
    is_ext_shared: shared !== null,
    shared_team_ids: [ch.teamId, ...(shared ?? [])],
    ...(shared ? { conversation_host_id: ch.teamId } : {}),
    pending_connected_team_ids: [],
    is_member: ch.members.has(ctx.install.botUserId),
    topic: empty,
    purpose: empty,
    previous_names: [...(ch.previousNames ?? [])],
    ...(withNumMembers ? { num_members: ch.members.size } : {}),
  };
}
