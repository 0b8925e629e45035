// conversations.info / list / members / open / history / replies, with Slack's visibility rules
// for bot tokens, per-type scopes, cursor pagination and the 2025 history limits (Tier 1, 15/page).

import { fail } from '../errors.ts';
import type { MethodContext, MethodTable, Params } from '../method-types.ts';
import { addMember } from '../membership.ts';
import { apiMessage } from '../message-format.ts';
import { pageOf, pageOfSortedIds, readLimit } from '../pagination.ts';
import { bool, str } from '../params.ts';
import { channelType, findMessage, openIm, teamIndex } from '../state.ts';
import type { ConversationKind } from '../state.ts';
import type { StoredMessage } from '../types.ts';
import { conversationObject } from './conversation-format.ts';
import { canSee, HISTORY_SCOPE, requireReadScope, visibleChannel } from './visibility.ts';

/** Since 2025, apps outside the Marketplace get at most 15 messages a page from history/replies. */
export const HISTORY_MAX_PAGE = 15;

const TYPE_SCOPE: Record<string, string> = {
  public_channel: 'channels:read',
  private_channel: 'groups:read',
  im: 'im:read',
  mpim: 'mpim:read',
};

function info(ctx: MethodContext, params: Params): Record<string, unknown> {
  const ch = visibleChannel(ctx, str(params, 'channel'));
  requireReadScope(ctx, ch);
  return { ok: true, channel: conversationObject(ctx, ch, bool(params, 'include_num_members')) };
}

function list(ctx: MethodContext, params: Params): Record<string, unknown> {
  const types = [
    ...new Set(
      (str(params, 'types') || 'public_channel')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  for (const t of types) if (!Object.hasOwn(TYPE_SCOPE, t)) fail('invalid_types');
  for (const t of types) ctx.requireScope(TYPE_SCOPE[t]!);
  // One id-sorted list per type (group DMs are not modelled, so mpim has none), merged by id: a
  // page is a binary search per list, never a sort of the workspace.
  // An org-wide token lists one workspace at a time (team_id).
  const index = teamIndex(ctx.state, ctx.workspaceParam(params).id).conversations;
  const lists = types.filter((t): t is ConversationKind => t in index).map((t) => index[t as ConversationKind].view());
  const total = lists.reduce((n, l) => n + l.length, 0);
  // Docs default to 100; platform-facts (stricter) says large teams must pass `limit`.
  const limit = readLimit(params, { total, defaultLimit: 100, requiredIfLarge: true });
  const { ids, nextCursor } = pageOfSortedIds(lists, 'team', params, limit);
  const excludeArchived = bool(params, 'exclude_archived');
  // Filtering after the page is cut is what makes Slack's pages come back short.
  const channels: Record<string, unknown>[] = [];
  for (const id of ids) {
    const c = ctx.state.channels.get(id)!;
    if (canSee(ctx, c) && !(excludeArchived && c.isArchived)) channels.push(conversationObject(ctx, c, true));
  }
  return { ok: true, channels, response_metadata: { next_cursor: nextCursor } };
}

function members(ctx: MethodContext, params: Params): Record<string, unknown> {
  const ch = visibleChannel(ctx, str(params, 'channel'));
  requireReadScope(ctx, ch);
  const ids = [...ch.members].sort();
  const limit = readLimit(params, { total: ids.length, defaultLimit: 100, requiredIfLarge: false });
  const { page, nextCursor } = pageOf(ids, (id) => id, 'member', params, limit);
  return { ok: true, members: page, response_metadata: { next_cursor: nextCursor } };
}

function open(ctx: MethodContext, params: Params): Record<string, unknown> {
  const channelParam = str(params, 'channel');
  const users = (str(params, 'users') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (channelParam) {
    const ch = visibleChannel(ctx, channelParam);
    if (!ch.isIm) fail('channel_not_found');
    return { ok: true, no_op: true, already_open: true, channel: bool(params, 'return_im') ? conversationObject(ctx, ch) : { id: ch.id } };
  }
  if (users.length === 0) fail('users_list_not_supplied');
  if (users.length > 1) {
    // Group DMs (mpim) are not modelled: Threadbridge never opens them.
    ctx.requireScope('mpim:write');
    fail('not_supported');
  }
  const user = ctx.state.users.get(users[0]!);
  const workspace = user ? ctx.workspaceOf(user) : undefined;
  if (!user || !workspace) fail('user_not_found');
  if (user.deleted) fail('user_disabled');
  const { channel, existed } = openIm(ctx.state, workspace, user.id, ctx.install.botUserId, ctx.config.now());
  const body: Record<string, unknown> = { ok: true };
  if (existed) Object.assign(body, { no_op: true, already_open: true });
  body['channel'] = bool(params, 'return_im') ? conversationObject(ctx, channel) : { id: channel.id };
  return body;
}

function historyLimit(params: Params): number {
  const n = readLimit(params, { total: 0, defaultLimit: 100, requiredIfLarge: false });
  return Math.min(n, HISTORY_MAX_PAGE);
}

function live(list: StoredMessage[] | undefined): StoredMessage[] {
  return (list ?? []).filter((m) => !m.deleted);
}

function tsWindow(params: Params): (m: StoredMessage) => boolean {
  const latest = str(params, 'latest');
  const oldest = str(params, 'oldest');
  const inclusive = bool(params, 'inclusive');
  return (m) => {
    const t = Number(m.ts);
    if (latest !== undefined && (inclusive ? t > Number(latest) : t >= Number(latest))) return false;
    if (oldest !== undefined && (inclusive ? t < Number(oldest) : t <= Number(oldest))) return false;
    return true;
  };
}

/** ts strings are fixed-width digits, so complementing each digit reverses their order. */
function descendingKey(ts: string): string {
  return ts.replace(/\d/g, (d) => String(9 - Number(d)));
}

function history(ctx: MethodContext, params: Params): Record<string, unknown> {
  const ch = visibleChannel(ctx, str(params, 'channel'));
  ctx.requireScope(HISTORY_SCOPE[channelType(ch)]);
  const inRange = tsWindow(params);
  // Newest first; thread replies only appear when broadcast to the channel.
  const top = live(ctx.state.messages.get(ch.id))
    .filter((m) => (!m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast') && inRange(m))
    .sort((a, b) => Number(b.ts) - Number(a.ts));
  const limit = historyLimit(params);
  const { page, nextCursor } = pageOf(top, (m) => descendingKey(m.ts), 'next_ts', params, limit);
  return {
    ok: true,
    messages: page.map((m) => apiMessage(ctx.state, m)),
    has_more: nextCursor !== '',
    pin_count: 0,
    channel_actions_ts: null,
    channel_actions_count: 0,
    response_metadata: { next_cursor: nextCursor },
  };
}

function replies(ctx: MethodContext, params: Params): Record<string, unknown> {
  const ch = visibleChannel(ctx, str(params, 'channel'));
  ctx.requireScope(HISTORY_SCOPE[channelType(ch)]);
  const ts = str(params, 'ts');
  const root = ts ? findMessage(ctx.state, ch.id, ts) : undefined;
  if (!root) fail('thread_not_found');
  const threadTs = root.thread_ts ?? root.ts;
  const inRange = tsWindow(params);
  const thread = live(ctx.state.messages.get(ch.id))
    .filter((m) => (m.ts === threadTs || m.thread_ts === threadTs) && inRange(m))
    .sort((a, b) => Number(a.ts) - Number(b.ts));
  const limit = historyLimit(params);
  const { page, nextCursor } = pageOf(thread, (m) => m.ts, 'next_ts', params, limit);
  return {
    ok: true,
    messages: page.map((m) => apiMessage(ctx.state, m)),
    has_more: nextCursor !== '',
    response_metadata: { next_cursor: nextCursor },
  };
}

/**
 * conversations.join (docs.slack.dev: Tier 3, bot scope channels:join): the app's bot user joins a
 * public channel. Private channels and DMs cannot be joined: channel_not_found when the bot cannot
 * see them, method_not_supported_for_channel_type when it can (it is already in them).
 */
function join(ctx: MethodContext, params: Params): Record<string, unknown> {
  const id = str(params, 'channel');
  const ch = id ? ctx.state.channels.get(id) : undefined;
  if (!ch || !canSee(ctx, ch)) fail('channel_not_found');
  if (ch.isIm || ch.isPrivate) fail('method_not_supported_for_channel_type');
  if (ch.isArchived) fail('is_archived');
  const joined = addMember(ctx.state, ctx.events, ch, ctx.install.botUserId, ctx.config.now());
  const body: Record<string, unknown> = { ok: true, channel: conversationObject(ctx, ch) };
  // Docs: "If the calling token has already joined, it'll warn you about it too."
  if (!joined) Object.assign(body, { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } });
  return body;
}

const READ_SCOPES = ['channels:read', 'groups:read', 'im:read', 'mpim:read'];
const HISTORY_SCOPES = ['channels:history', 'groups:history', 'im:history', 'mpim:history'];

export const conversationsMethods: MethodTable = {
  'conversations.info': { tier: 3, scopes: [], acceptedScopes: READ_SCOPES, handler: info },
  'conversations.list': { tier: 2, scopes: [], acceptedScopes: READ_SCOPES, handler: list },
  'conversations.members': { tier: 4, scopes: [], acceptedScopes: READ_SCOPES, handler: members },
  'conversations.open': { tier: 3, scopes: ['im:write'], handler: open },
  'conversations.join': { tier: 3, scopes: ['channels:join'], handler: join },
  'conversations.history': { tier: 1, scopes: [], acceptedScopes: HISTORY_SCOPES, handler: history },
  'conversations.replies': { tier: 1, scopes: [], acceptedScopes: HISTORY_SCOPES, handler: replies },
};
