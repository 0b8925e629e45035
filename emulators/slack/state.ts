// The emulator's in-memory world: workspaces, users, channels, messages, tokens, codes, views.
// Pure data plus small lookups; HTTP, rate limiting and event delivery live elsewhere.

import { slackId } from './ids.ts';
import { SortedIds } from './sorted-ids.ts';
import type { Channel, Enterprise, Installation, RecordedCall, RecordedDelivery, StoredMessage, Team, User } from './types.ts';

export interface TokenRecord {
  token: string;
  teamId: string;
  kind: 'bot';
  revoked: boolean;
  /** Epoch ms after which the token answers token_expired (token rotation only). */
  expiresAt?: number;
}

export interface OAuthCode {
  code: string;
  teamId: string;
  userId: string;
  scopes: string[];
  redirectUri: string | null;
  issuedAt: number;
  used: boolean;
}

export interface TriggerRecord {
  id: string;
  teamId: string;
  userId: string;
  issuedAt: number;
  used: boolean;
}

export interface ViewRecord {
  id: string;
  teamId: string;
  userId: string;
  hash: string;
  externalId: string | null;
  view: Record<string, unknown>;
  rootViewId: string;
  previousViewId: string | null;
  /**
   * What the person has entered or picked in the view so far, as Slack's state values
   * (block_id → action_id → {type, …}); kept while the view is open, across submissions refused
   * with errors and across updates that keep the block_id and action_id.
   */
  entered?: Record<string, Record<string, Record<string, unknown>>>;
}

/** conversations.list's `types`, one sorted id list each. */
export type ConversationKind = 'public_channel' | 'private_channel' | 'im';

/** One workspace's lookups, kept in step with `users` and `channels` by putUser/putChannel/dropChannel. */
export interface TeamIndex {
  conversations: Record<ConversationKind, SortedIds>;
  users: SortedIds;
  /** Channel name → id (channels only: names are unique in a workspace, DMs have none). */
  channelNames: Map<string, string>;
  /** Human user id → the app's DM with them. */
  ims: Map<string, string>;
}

export interface EmulatorState {
  /** Enterprise Grid organizations (E…). */
  enterprises: Map<string, Enterprise>;
  teams: Map<string, Team>;
  /** Add through putUser, so the team's index stays in step. */
  users: Map<string, User>;
  /** Add and remove through putChannel / dropChannel, so the team's index stays in step. */
  channels: Map<string, Channel>;
  index: Map<string, TeamIndex>;
  /** Channel id → messages in ts order (replies included). */
  messages: Map<string, StoredMessage[]>;
  /** Keyed by workspace id (T…), or by enterprise id (E…) for an org-wide install. */
  installations: Map<string, Installation>;
  tokens: Map<string, TokenRecord>;
  refreshTokens: Map<string, string>; // refresh token → teamId
  codes: Map<string, OAuthCode>;
  triggers: Map<string, TriggerRecord>;
  /** Open and published views; a modal's views leave when it closes. */
  views: Map<string, ViewRecord>;
  /** `${teamId}:${userId}` → the ids of the person's open modal views, bottom first (at most 3). */
  modalStacks: Map<string, string[]>;
  calls: RecordedCall[];
  deliveries: RecordedDelivery[];
  lastTsMicros: number;
  seq: { call: number; delivery: number };
}

export function createState(): EmulatorState {
  return {
    enterprises: new Map(),
    teams: new Map(),
    users: new Map(),
    channels: new Map(),
    index: new Map(),
    messages: new Map(),
    installations: new Map(),
    tokens: new Map(),
    refreshTokens: new Map(),
    codes: new Map(),
    triggers: new Map(),
    views: new Map(),
    modalStacks: new Map(),
    calls: [],
    deliveries: [],
    lastTsMicros: 0,
    seq: { call: 0, delivery: 0 },
  };
}

/**
 * Message timestamps: seconds.micros, strictly increasing across the emulator (so also per
 * channel), derived from the injected clock like Slack's are from its own.
 */
export function nextTs(state: EmulatorState, nowMs: number): string {
  const micros = Math.max(nowMs * 1000, state.lastTsMicros + 1);
  state.lastTsMicros = micros;
  const sec = Math.floor(micros / 1_000_000);
  const frac = String(micros % 1_000_000).padStart(6, '0');
  return `${sec}.${frac}`;
}

export function channelMessages(state: EmulatorState, channelId: string): StoredMessage[] {
  let list = state.messages.get(channelId);
  if (!list) {
    list = [];
    state.messages.set(channelId, list);
  }
  return list;
}

export function findMessage(state: EmulatorState, channelId: string, ts: string): StoredMessage | undefined {
  return state.messages.get(channelId)?.find((m) => m.ts === ts && !m.deleted);
}

export function teamIndex(state: EmulatorState, teamId: string): TeamIndex {
  let ix = state.index.get(teamId);
  if (!ix) {
    ix = {
      conversations: { public_channel: new SortedIds(), private_channel: new SortedIds(), im: new SortedIds() },
      users: new SortedIds(),
      channelNames: new Map(),
      ims: new Map(),
    };
    state.index.set(teamId, ix);
  }
  return ix;
}

export function conversationKind(ch: Channel): ConversationKind {
  if (ch.isIm) return 'im';
  return ch.isPrivate ? 'private_channel' : 'public_channel';
}

/** Whether the person is in the workspace (their own, or on Grid one they were added to). */
export function inTeam(u: User, teamId: string): boolean {
  return u.teamId === teamId || (u.teamIds?.includes(teamId) ?? false);
}

/**
 * The installation that acts in a workspace: the app's install on the workspace itself, else its
 * org-wide install on the workspace's Grid organization once an admin granted it the workspace.
 * A live install is preferred; callers still check liveness (only revoked ones may be left).
 */
export function installFor(state: EmulatorState, teamId: string): Installation | undefined {
  const own = state.installations.get(teamId);
  if (own && !state.tokens.get(own.botToken)?.revoked) return own;
  const enterpriseId = state.teams.get(teamId)?.enterpriseId;
  const org = enterpriseId ? state.installations.get(enterpriseId) : undefined;
  // A workspace uninstalled on its own is still reached by the org-wide install granted it.
  if (org?.grantedTeamIds?.includes(teamId) && !state.tokens.get(org.botToken)?.revoked) return org;
  return own;
}

/** Stores a new user; `bulk` defers sorting the team's user list to the next read. */
export function putUser(state: EmulatorState, u: User, bulk = false): void {
  state.users.set(u.id, u);
  const ids = teamIndex(state, u.teamId).users;
  if (bulk) ids.addMany([u.id]);
  else ids.add(u.id);
}

/** Stores a new conversation; `bulk` defers sorting the team's list to the next read. */
export function putChannel(state: EmulatorState, ch: Channel, bulk = false): void {
  state.channels.set(ch.id, ch);
  const ix = teamIndex(state, ch.teamId);
  const ids = ix.conversations[conversationKind(ch)];
  if (bulk) ids.addMany([ch.id]);
  else ids.add(ch.id);
  if (ch.isIm) {
    if (ch.imUser) ix.ims.set(ch.imUser, ch.id);
  } else {
    ix.channelNames.set(ch.name, ch.id);
  }
}

/** Forgets a conversation and its messages (a deleted channel). */
export function dropChannel(state: EmulatorState, ch: Channel): void {
  state.channels.delete(ch.id);
  state.messages.delete(ch.id);
  const ix = teamIndex(state, ch.teamId);
  ix.conversations[conversationKind(ch)].remove(ch.id);
  if (ch.isIm) {
    if (ch.imUser && ix.ims.get(ch.imUser) === ch.id) ix.ims.delete(ch.imUser);
  } else if (ix.channelNames.get(ch.name) === ch.id) {
    ix.channelNames.delete(ch.name);
  }
}

/** The channel (not DM) called `name` in the workspace. */
export function channelByName(state: EmulatorState, teamId: string, name: string): Channel | undefined {
  const id = state.index.get(teamId)?.channelNames.get(name);
  return id ? state.channels.get(id) : undefined;
}

/** The app's DM with a user, created on first use (conversations.open / chat.postMessage to U…). */
export function findIm(state: EmulatorState, teamId: string, userId: string): Channel | undefined {
  const id = state.index.get(teamId)?.ims.get(userId);
  return id ? state.channels.get(id) : undefined;
}

export function channelType(ch: Channel): 'channel' | 'group' | 'im' {
  if (ch.isIm) return 'im';
  return ch.isPrivate ? 'group' : 'channel';
}

/** The app's DM with a user (Slack's App Home "Messages" tab), created on first need. */
export function openIm(state: EmulatorState, teamId: string, userId: string, botUserId: string, nowMs: number): { channel: Channel; existed: boolean } {
  const found = findIm(state, teamId, userId);
  if (found) return { channel: found, existed: true };
  const c: Channel = {
    id: slackId('D'),
    teamId,
    name: userId,
    isPrivate: true,
    isIm: true,
    imUser: userId,
    isArchived: false,
    members: new Set([userId, botUserId]),
    created: Math.floor(nowMs / 1000),
    creator: botUserId,
  };
  putChannel(state, c);
  return { channel: c, existed: false };
}

/** Links a reply to its thread parent and keeps the parent's reply summary as Slack shows it. */
export function attachReply(parent: StoredMessage, reply: StoredMessage): void {
  reply.thread_ts = parent.ts;
  const author = reply.user ?? '';
  reply.parent_user_id = parent.user ?? '';
  parent.thread_ts = parent.ts;
  parent.reply_count = (parent.reply_count ?? 0) + 1;
  const users = new Set(parent.reply_users ?? []);
  if (author) users.add(author);
  parent.reply_users = [...users];
  parent.reply_users_count = users.size;
  parent.latest_reply = reply.ts;
}

/** The person's open modal: its view ids, bottom (the root) first, top (the visible one) last. */
export function modalStack(state: EmulatorState, teamId: string, userId: string): string[] {
  const key = `${teamId}:${userId}`;
  let stack = state.modalStacks.get(key);
  if (!stack) {
    stack = [];
    state.modalStacks.set(key, stack);
  }
  return stack;
}

/** Closes the top `count` views of the person's modal (all of it when count ≥ its size); returns their ids. */
export function popModalViews(state: EmulatorState, teamId: string, userId: string, count: number): string[] {
  const stack = modalStack(state, teamId, userId);
  const closed = stack.splice(Math.max(0, stack.length - count), count);
  for (const id of closed) state.views.delete(id);
  return closed;
}
