// The emulator's in-memory world: workspaces, users, channels, messages, tokens, codes, views.
// Pure data plus small lookups; HTTP, rate limiting and event delivery live elsewhere.

import { slackId } from './ids.ts';
import type { Channel, Installation, RecordedCall, RecordedDelivery, StoredMessage, Team, User } from './types.ts';

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
}

export interface EmulatorState {
  teams: Map<string, Team>;
  users: Map<string, User>;
  channels: Map<string, Channel>;
  /** Channel id → messages in ts order (replies included). */
  messages: Map<string, StoredMessage[]>;
  installations: Map<string, Installation>;
  tokens: Map<string, TokenRecord>;
  refreshTokens: Map<string, string>; // refresh token → teamId
  codes: Map<string, OAuthCode>;
  triggers: Map<string, TriggerRecord>;
  views: Map<string, ViewRecord>;
  calls: RecordedCall[];
  deliveries: RecordedDelivery[];
  lastTsMicros: number;
  seq: { call: number; delivery: number };
}

export function createState(): EmulatorState {
  return {
    teams: new Map(),
    users: new Map(),
    channels: new Map(),
    messages: new Map(),
    installations: new Map(),
    tokens: new Map(),
    refreshTokens: new Map(),
    codes: new Map(),
    triggers: new Map(),
    views: new Map(),
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

/** The app's DM with a user, created on first use (conversations.open / chat.postMessage to U…). */
export function findIm(state: EmulatorState, teamId: string, userId: string): Channel | undefined {
  for (const ch of state.channels.values()) {
    if (ch.teamId === teamId && ch.isIm && ch.imUser === userId) return ch;
  }
  return undefined;
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
    id: slackId('D'), teamId, name: userId, isPrivate: true, isIm: true, imUser: userId, isArchived: false,
    members: new Set([userId, botUserId]), created: Math.floor(nowMs / 1000), creator: botUserId,
  };
  state.channels.set(c.id, c);
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

