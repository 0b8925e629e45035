// users.info / users.list / users.lookupByEmail with Slack's user object; email is only
// visible with users:read.email, deleted users stay listed with deleted: true.

import { fail } from '../errors.ts';
import type { MethodContext, MethodTable, Params } from '../method-types.ts';
import { pageOfSortedIds, readLimit } from '../pagination.ts';
import { str } from '../params.ts';
import { teamIndex } from '../state.ts';
import type { User } from '../types.ts';

/** Slack's *_normalized fields: the name with accents stripped ("Zoë" → "Zoe"). */
export function normalizedName(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '');
}

/**
 * The user object of users.info / users.list and of the team_join / user_change events, as one
 * install sees it: `profile.email` only with users:read.email.
 */
export function userJson(u: User, view: { withEmail: boolean; appId: string }): Record<string, unknown> {
  const showEmail = view.withEmail && u.email && !u.isBot;
  return {
    id: u.id,
    team_id: u.teamId,
    name: u.name,
    deleted: u.deleted,
    color: '9f69e7',
    real_name: u.realName,
    tz: 'Europe/London',
    tz_label: 'Greenwich Mean Time',
    tz_offset: 0,
    profile: {
      title: '',
      phone: '',
      skype: '',
      real_name: u.realName,
      real_name_normalized: normalizedName(u.realName),
      display_name: u.displayName,
      display_name_normalized: normalizedName(u.displayName),
      status_text: '',
      status_emoji: '',
      avatar_hash: 'g0000000000',
      ...(showEmail ? { email: u.email } : {}),
      ...(u.botId ? { bot_id: u.botId, api_app_id: view.appId, always_active: true } : {}),
      image_24: 'https://secure.gravatar.com/avatar/0.jpg?s=24',
      image_48: 'https://secure.gravatar.com/avatar/0.jpg?s=48',
      image_72: 'https://secure.gravatar.com/avatar/0.jpg?s=72',
      team: u.teamId,
    },
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: u.isBot,
    is_app_user: false,
    updated: Math.floor(u.updated / 1000),
    is_email_confirmed: !u.isBot,
    who_can_share_contact_card: 'EVERYONE',
  };
}

export function userObject(ctx: MethodContext, u: User): Record<string, unknown> {
  return userJson(u, { withEmail: ctx.hasScope('users:read.email'), appId: ctx.config.appId });
}

/**
 * Whom the token may look up: people of the workspaces it reaches (on Grid org-wide, W… ids work
 * across the organization), and (Slack Connect) people of other companies in a shared channel of
 * those workspaces.
 */
function canSeeUser(ctx: MethodContext, u: User): boolean {
  if (ctx.workspaceOf(u)) return true;
  for (const ch of ctx.state.channels.values()) {
    if (ch.sharedTeamIds?.length && ch.members.has(u.id) && ctx.reaches(ch.teamId)) return true;
  }
  return false;
}

function info(ctx: MethodContext, params: Params): Record<string, unknown> {
  const id = str(params, 'user');
  const u = id ? ctx.state.users.get(id) : undefined;
  if (!u || !canSeeUser(ctx, u)) fail('user_not_found');
  return { ok: true, user: userObject(ctx, u) };
}

function list(ctx: MethodContext, params: Params): Record<string, unknown> {
  // The team's user ids are kept sorted, so a page is a binary search and a slice.
  // An org-wide token lists one workspace at a time (team_id); Grid people appear in each of theirs.
  const ids = teamIndex(ctx.state, ctx.workspaceParam(params).id).users.view();
  // Docs: without `limit` Slack tries to return everything; large teams get limit_required.
  const limit = readLimit(params, { total: ids.length, defaultLimit: Infinity, requiredIfLarge: true });
  const { ids: page, nextCursor } = pageOfSortedIds([ids], 'user', params, limit);
  return {
    ok: true,
    members: page.map((id) => userObject(ctx, ctx.state.users.get(id)!)),
    cache_ts: Math.floor(ctx.config.now() / 1000),
    response_metadata: { next_cursor: nextCursor },
  };
}

function lookupByEmail(ctx: MethodContext, params: Params): Record<string, unknown> {
  const email = str(params, 'email')?.toLowerCase();
  if (!email) fail('invalid_arguments');
  const u = [...ctx.state.users.values()].find((x) => !x.deleted && x.email?.toLowerCase() === email && ctx.workspaceOf(x) !== undefined);
  if (!u) fail('users_not_found');
  return { ok: true, user: userObject(ctx, u) };
}

export const usersMethods: MethodTable = {
  'users.info': { tier: 4, scopes: ['users:read'], handler: info },
  'users.list': { tier: 2, scopes: ['users:read'], handler: list },
  'users.lookupByEmail': { tier: 3, scopes: ['users:read.email'], handler: lookupByEmail },
};
