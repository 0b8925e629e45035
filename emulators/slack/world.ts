// Operations on the emulated workspaces that tests and the sandbox drive directly: teams, users,
// channels, installs, humans posting. Each mutates state and raises the events Slack would.

import { randomUUID } from 'node:crypto';
import { randomHex, slackId } from './ids.ts';
import type { createAppEvents } from './app-events.ts';
import { richTextBlocks } from './message-format.ts';
import { attachReply, channelMessages, findMessage, nextTs } from './state.ts';
import type { EmulatorState } from './state.ts';
import type { Channel, Installation, StoredMessage, Team, User } from './types.ts';

export const DEFAULT_BOT_SCOPES = [
  'app_mentions:read', 'channels:history', 'channels:read', 'chat:write', 'chat:write.customize', 'commands',
  'groups:history', 'groups:read', 'im:history', 'im:read', 'im:write', 'reactions:write', 'users:read',
  'users:read.email',
];

export interface WorldDeps {
  state: EmulatorState;
  appId: string;
  appName: string;
  tokenRotation: boolean;
  tokenExpiresInSec: number;
  now: () => number;
  events: ReturnType<typeof createAppEvents>;
}

function checkId(id: string | undefined, prefix: string, what: string): string | undefined {
  if (id !== undefined && !new RegExp(`^${prefix}[A-Z0-9]{2,}$`).test(id)) {
    throw new Error(`${what} id must look like ${prefix}XXXXXXXX, got ${JSON.stringify(id)}`);
  }
  return id;
}

export function createWorld(d: WorldDeps) {
  const { state } = d;

  function team(teamId: string): Team {
    const t = state.teams.get(teamId);
    if (!t) throw new Error(`unknown team ${teamId}`);
    return t;
  }
  function channel(channelId: string): Channel {
    const c = state.channels.get(channelId);
    if (!c) throw new Error(`unknown channel ${channelId}`);
    return c;
  }

  function createTeam(input: { name: string; domain?: string; id?: string }): Team {
    const id = checkId(input.id, 'T', 'team') ?? slackId('T');
    if (state.teams.has(id)) throw new Error(`team ${id} exists`);
    const domain = input.domain ?? input.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-|-$/g, '');
    const t: Team = { id, name: input.name, domain, deleted: false };
    state.teams.set(id, t);
    return t;
  }

  function createUser(teamId: string, input: { name: string; realName?: string; email?: string; isBot?: boolean; deleted?: boolean; id?: string }): User {
    team(teamId);
    const id = checkId(input.id, '[UW]', 'user') ?? slackId('U');
    if (state.users.has(id)) throw new Error(`user ${id} exists`);
    const u: User = {
      id, teamId, name: input.name, realName: input.realName ?? input.name, email: input.email ?? null,
      isBot: input.isBot ?? false, deleted: input.deleted ?? false, updated: d.now(),
    };
    state.users.set(id, u);
    return u;
  }

  function createChannel(teamId: string, input: { name: string; isPrivate?: boolean; memberIds?: string[]; isArchived?: boolean; id?: string }): Channel {
    team(teamId);
    const id = checkId(input.id, '[CG]', 'channel') ?? slackId('C');
    if (state.channels.has(id)) throw new Error(`channel ${id} exists`);
    const members = new Set(input.memberIds ?? []);
    const creator = input.memberIds?.[0] ?? '';
    const c: Channel = {
      id, teamId, name: input.name, isPrivate: input.isPrivate ?? false, isIm: false, isArchived: input.isArchived ?? false,
      members, created: Math.floor(d.now() / 1000), creator,
    };
    state.channels.set(id, c);
    return c;
  }

  function addToChannel(channelId: string, userId: string): void {
    const c = channel(channelId);
    if (!state.users.has(userId)) throw new Error(`unknown user ${userId}`);
    if (c.members.has(userId)) return;
    c.members.add(userId);
    d.events.memberJoined(c.teamId, channelId, userId);
  }

  function archiveChannel(channelId: string, byUserId?: string): void {
    const c = channel(channelId);
    if (c.isArchived) return;
    c.isArchived = true;
    d.events.channelArchived(c.teamId, channelId, byUserId ?? c.creator);
  }

  function issueBotToken(teamId: string): { token: string; refreshToken?: string; expiresAt?: number } {
    const teamNum = parseInt(randomHex(4), 16);
    if (!d.tokenRotation) {
      const token = `xoxb-${teamNum}-${parseInt(randomHex(4), 16)}-${randomHex(12)}`;
      state.tokens.set(token, { token, teamId, kind: 'bot', revoked: false });
      return { token };
    }
    const token = `xoxe.xoxb-1-${randomHex(40)}`;
    const expiresAt = d.now() + d.tokenExpiresInSec * 1000;
    state.tokens.set(token, { token, teamId, kind: 'bot', revoked: false, expiresAt });
    const refreshToken = `xoxe-1-${randomHex(40)}`;
    state.refreshTokens.set(refreshToken, teamId);
    return { token, refreshToken, expiresAt };
  }

  function install(teamId: string, input: { scopes?: string[]; installerUserId?: string } = {}): Installation {
    const t = team(teamId);
    if (t.deleted) throw new Error(`team ${teamId} is deleted`);
    const scopes = [...new Set(input.scopes ?? DEFAULT_BOT_SCOPES)].sort();
    const installer = input.installerUserId
      ?? [...state.users.values()].find((u) => u.teamId === teamId && !u.isBot && !u.deleted)?.id
      ?? createUser(teamId, { name: 'installer' }).id;
    const prev = state.installations.get(teamId);
    const prevToken = prev ? state.tokens.get(prev.botToken) : undefined;
    let botUserId = prev?.botUserId;
    let botId = prev?.botId;
    if (!botUserId || !botId) {
      botId = slackId('B');
      const bot = createUser(teamId, { name: d.appName.toLowerCase().replace(/[^a-z0-9_-]+/g, '_'), realName: d.appName, isBot: true });
      bot.botId = botId;
      botUserId = bot.id;
    }
    // Reinstalling keeps a live bot token (Slack hands the same one back) but takes the new scopes.
    const tok = prevToken && !prevToken.revoked && !d.tokenRotation
      ? { token: prevToken.token }
      : issueBotToken(teamId);
    const inst: Installation = {
      teamId, botToken: tok.token, botUserId, botId, scopes, appId: d.appId, installerUserId: installer,
      ...(tok.refreshToken ? { refreshToken: tok.refreshToken } : {}),
      ...(tok.expiresAt ? { expiresAt: tok.expiresAt } : {}),
    };
    state.installations.set(teamId, inst);
    return inst;
  }

  function uninstall(teamId: string): void {
    const inst = state.installations.get(teamId);
    if (!inst) throw new Error(`app is not installed on ${teamId}`);
    for (const tok of state.tokens.values()) if (tok.teamId === teamId) tok.revoked = true;
    for (const [rt, tid] of state.refreshTokens) if (tid === teamId) state.refreshTokens.delete(rt);
    d.events.uninstalled(teamId, inst);
  }

  function resolveThreadParent(channelId: string, threadTs: string | undefined): StoredMessage | undefined {
    if (!threadTs) return undefined;
    const parent = findMessage(state, channelId, threadTs);
    if (!parent) throw new Error(`no message ${threadTs} in ${channelId}`);
    return parent.thread_ts && parent.thread_ts !== parent.ts ? findMessage(state, channelId, parent.thread_ts) : parent;
  }

  function postAsUser(input: { teamId: string; channel: string; user: string; text: string; threadTs?: string; subtype?: string }): string {
    const c = channel(input.channel);
    const u = state.users.get(input.user);
    if (!u || u.teamId !== input.teamId) throw new Error(`unknown user ${input.user} in ${input.teamId}`);
    if (c.isArchived) throw new Error(`channel ${c.id} is archived`);
    const parent = resolveThreadParent(c.id, input.threadTs);
    const ts = nextTs(state, d.now());
    const m: StoredMessage = {
      type: 'message', ts, channel: c.id, team: input.teamId, text: input.text, user: u.id,
      client_msg_id: randomUUID(), blocks: richTextBlocks(input.text, randomHex(3)),
      ...(input.subtype ? { subtype: input.subtype } : {}),
    };
    if (parent) attachReply(parent, m);
    channelMessages(state, c.id).push(m);
    d.events.messagePosted(input.teamId, c.id, ts);
    return ts;
  }

  function editAsUser(input: { teamId: string; channel: string; user: string; ts: string; text: string }): void {
    const m = findMessage(state, input.channel, input.ts);
    if (!m || m.user !== input.user) throw new Error(`no message ${input.ts} by ${input.user} in ${input.channel}`);
    const before = { ...m };
    delete before.deleted;
    m.text = input.text;
    m.blocks = richTextBlocks(input.text, randomHex(3));
    m.edited = { user: input.user, ts: nextTs(state, d.now()) };
    d.events.messageChanged(input.teamId, input.channel, before as unknown as Record<string, unknown>, m.ts);
  }

  function deleteAsUser(input: { teamId: string; channel: string; user: string; ts: string }): void {
    const m = findMessage(state, input.channel, input.ts);
    if (!m) throw new Error(`no message ${input.ts} in ${input.channel}`);
    const before = { ...m };
    m.deleted = true;
    d.events.messageDeleted(input.teamId, input.channel, before as unknown as Record<string, unknown>);
  }

  return {
    createTeam, createUser, createChannel, addToChannel, archiveChannel, install, uninstall,
    issueBotToken, postAsUser, editAsUser, deleteAsUser,
  };
}

export type World = ReturnType<typeof createWorld>;
