// Operations on the emulated workspaces that tests and the sandbox drive directly: teams, users,
// channels, installs, humans posting. Each mutates state and raises the events Slack would.

import { createHash, randomUUID } from 'node:crypto';
import { randomHex, slackId } from './ids.ts';
import type { createAppEvents } from './app-events.ts';
import type { AppManifestConfig } from './manifest.ts';
import { messagesTabRefusal } from './manifest.ts';
import { addMember } from './membership.ts';
import { richTextBlocks } from './message-format.ts';
import { attachReply, channelByName, channelMessages, dropChannel, findMessage, inTeam, nextTs, putChannel, putUser, teamIndex } from './state.ts';
import type { EmulatorState } from './state.ts';
import type { Channel, ChannelInput, Enterprise, Installation, StoredMessage, Team, User, UserChanges, UserInput } from './types.ts';

export { DEFAULT_BOT_SCOPES } from './manifest.ts';

export interface WorldDeps {
  state: EmulatorState;
  appId: string;
  appName: string;
  tokenRotation: boolean;
  tokenExpiresInSec: number;
  now: () => number;
  events: ReturnType<typeof createAppEvents>;
  /** The app's manifest: default install scopes, whether people may write in the app's DM. */
  app: AppManifestConfig;
}

function checkId(id: string | undefined, prefix: string, what: string): string | undefined {
  if (id !== undefined && !new RegExp(`^${prefix}[A-Z0-9]{2,}$`).test(id)) {
    throw new Error(`${what} id must look like ${prefix}XXXXXXXX, got ${JSON.stringify(id)}`);
  }
  return id;
}

/** Longest channel name Slack accepts (conversations.create / conversations.rename). */
export const MAX_CHANNEL_NAME = 80;
/** Lowercase letters (any script), digits, hyphens and underscores. */
const CHANNEL_NAME = /^[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]+$/u;

/**
 * Slack's channel-name rules, as conversations.create and conversations.rename apply them; throws
 * naming the error Slack would answer.
 */
export function checkChannelName(name: string): string {
  if (typeof name !== 'string' || name === '') badName(name, 'invalid_name_required', 'a name is required');
  // Code units bound code points from above, so only long names need counting.
  if (name.length > MAX_CHANNEL_NAME && [...name].length > MAX_CHANNEL_NAME) {
    badName(name, 'invalid_name_maxlength', `at most ${MAX_CHANNEL_NAME} characters`);
  }
  if (!CHANNEL_NAME.test(name)) badName(name, 'invalid_name_specials', 'only lowercase letters, digits, hyphens and underscores');
  if (/^[-_]+$/.test(name)) badName(name, 'invalid_name_punctuation', 'not only hyphens and underscores');
  return name;
}

function badName(name: unknown, code: string, why: string): never {
  throw new Error(`invalid channel name ${JSON.stringify(name)}: ${why} (Slack: ${code})`);
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

  function domainOf(name: string): string {
    return name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-|-$/g, '');
  }

  function enterprise(enterpriseId: string): Enterprise {
    const e = state.enterprises.get(enterpriseId);
    if (!e) throw new Error(`unknown enterprise ${enterpriseId}`);
    return e;
  }

  function createEnterprise(input: { name: string; id?: string; domain?: string }): Enterprise {
    if (typeof input?.name !== 'string' || input.name === '') throw new Error('enterprise "name" (string) is required');
    const id = checkId(input.id, 'E', 'enterprise') ?? slackId('E');
    if (state.enterprises.has(id)) throw new Error(`enterprise ${id} exists`);
    const e: Enterprise = { id, name: input.name, domain: input.domain ?? domainOf(input.name) };
    state.enterprises.set(id, e);
    return e;
  }

  function createTeam(input: { name: string; domain?: string; id?: string; enterpriseId?: string }): Team {
    if (typeof input?.name !== 'string' || input.name === '') throw new Error('team "name" (string) is required');
    const id = checkId(input.id, 'T', 'team') ?? slackId('T');
    if (state.teams.has(id)) throw new Error(`team ${id} exists`);
    if (input.enterpriseId !== undefined) enterprise(input.enterpriseId);
    const t: Team = { id, name: input.name, domain: input.domain ?? domainOf(input.name), deleted: false };
    if (input.enterpriseId !== undefined) t.enterpriseId = input.enterpriseId;
    state.teams.set(id, t);
    return t;
  }

  /** A user from its input; `taken` holds ids already claimed by the same batch. */
  function buildUser(teamId: string, input: UserInput, taken?: Set<string>): User {
    if (typeof input?.name !== 'string' || input.name === '') throw new Error('user "name" (string) is required');
    let id = checkId(input.id, '[UW]', 'user');
    if (id !== undefined && (state.users.has(id) || taken?.has(id))) throw new Error(`user ${id} exists`);
    // Grid: people are the organization's, with org-wide W… ids (docs: "user IDs … begin with W").
    const enterpriseId = state.teams.get(teamId)?.enterpriseId;
    while (id === undefined || state.users.has(id) || taken?.has(id)) id = slackId(enterpriseId ? 'W' : 'U');
    taken?.add(id);
    const isBot = input.isBot ?? false;
    const u: User = {
      id,
      teamId,
      name: input.name,
      realName: input.realName ?? input.name,
      displayName: input.displayName ?? (isBot ? '' : input.name),
      email: input.email ?? null,
      isBot,
      deleted: input.deleted ?? false,
      updated: d.now(),
    };
    if (enterpriseId) Object.assign(u, { teamIds: [teamId], enterpriseId });
    return u;
  }

  function createUser(teamId: string, input: UserInput): User {
    team(teamId);
    const u = buildUser(teamId, input);
    putUser(state, u);
    d.events.userJoined(teamId, u.id);
    return u;
  }

  /**
   * Grid: an organization's person joins another of its workspaces (Slack: team_join there; the
   * W… id stays the same across the organization).
   */
  function addUserToTeam(userId: string, teamId: string): User {
    const u = state.users.get(userId);
    if (!u) throw new Error(`unknown user ${userId}`);
    const t = team(teamId);
    if (!u.enterpriseId) throw new Error(`user ${userId} is not an Enterprise Grid user: only an organization's people can be in several of its workspaces`);
    if (t.enterpriseId !== u.enterpriseId) throw new Error(`team ${teamId} is not a workspace of ${u.enterpriseId}, the organization of ${userId}`);
    if (inTeam(u, teamId)) return u;
    u.teamIds = [...(u.teamIds ?? [u.teamId]), teamId];
    teamIndex(state, teamId).users.add(u.id);
    d.events.userJoined(teamId, u.id);
    return u;
  }

  /** Users who were in the workspace before the app: no events, O(1) each. All or nothing. */
  function seedUsers(teamId: string, inputs: UserInput[]): User[] {
    team(teamId);
    if (!Array.isArray(inputs)) throw new Error('seedUsers: expected an array of users');
    const taken = new Set<string>();
    const users = inputs.map((input, i) => {
      try {
        return buildUser(teamId, input, taken);
      } catch (e) {
        throw new Error(`seedUsers[${i}]: ${(e as Error).message}`);
      }
    });
    for (const u of users) putUser(state, u, true);
    return users;
  }

  function updateUser(userId: string, changes: UserChanges): User {
    const u = state.users.get(userId);
    if (!u) throw new Error(`unknown user ${userId}`);
    let changed = false;
    const text = (key: 'name' | 'realName' | 'displayName', allowEmpty: boolean): void => {
      const v = changes[key];
      if (v === undefined) return;
      if (typeof v !== 'string' || (!allowEmpty && v === '')) throw new Error(`updateUser: "${key}" must be a${allowEmpty ? '' : ' non-empty'} string`);
      if (u[key] !== v) {
        u[key] = v;
        changed = true;
      }
    };
    text('name', false);
    text('realName', true);
    text('displayName', true);
    if (changes.email !== undefined) {
      if (changes.email !== null && typeof changes.email !== 'string') throw new Error('updateUser: "email" must be a string or null');
      const email = changes.email === '' ? null : changes.email;
      if (u.email !== email) {
        u.email = email;
        changed = true;
      }
    }
    if (changes.deleted !== undefined) {
      if (typeof changes.deleted !== 'boolean') throw new Error('updateUser: "deleted" must be a boolean');
      if (u.deleted !== changes.deleted) {
        u.deleted = changes.deleted;
        changed = true;
      }
    }
    if (changed) {
      u.updated = d.now();
      d.events.userChanged(u.teamId, u.id);
    }
    return u;
  }

  /** A channel from its input; `takenNames`/`takenIds` hold what the same batch already claimed. */
  function buildChannel(teamId: string, input: ChannelInput, takenNames?: Set<string>, takenIds?: Set<string>): Channel {
    if (typeof input?.name !== 'string') throw new Error('channel "name" (string) is required');
    const name = checkChannelName(input.name);
    if (channelByName(state, teamId, name) || takenNames?.has(name)) {
      throw new Error(`channel name "${name}" is taken in ${teamId} (Slack: name_taken)`);
    }
    takenNames?.add(name);
    let id = checkId(input.id, '[CG]', 'channel');
    if (id !== undefined && (state.channels.has(id) || takenIds?.has(id))) throw new Error(`channel ${id} exists`);
    while (id === undefined || state.channels.has(id) || takenIds?.has(id)) id = slackId('C');
    takenIds?.add(id);
    const memberIds = input.memberIds ?? [];
    return {
      id,
      teamId,
      name,
      isPrivate: input.isPrivate ?? false,
      isIm: false,
      isArchived: input.isArchived ?? false,
      members: new Set(memberIds),
      created: input.created ?? Math.floor(d.now() / 1000),
      creator: input.creatorId ?? memberIds[0] ?? '',
    };
  }

  /** A public channel raises channel_created; a private one nothing (the app cannot see it). */
  function createChannel(teamId: string, input: ChannelInput): Channel {
    team(teamId);
    const c = buildChannel(teamId, input);
    putChannel(state, c);
    d.events.channelCreated(teamId, c.id);
    return c;
  }

  /** Channels that existed before the install: no events, O(1) each (sorted once on the next list). */
  function seedChannels(teamId: string, inputs: ChannelInput[]): Channel[] {
    team(teamId);
    if (!Array.isArray(inputs)) throw new Error('seedChannels: expected an array of channels');
    const names = new Set<string>();
    const ids = new Set<string>();
    const channels = inputs.map((input, i) => {
      try {
        return buildChannel(teamId, input, names, ids);
      } catch (e) {
        throw new Error(`seedChannels[${i}]: ${(e as Error).message}`);
      }
    });
    for (const c of channels) putChannel(state, c, true);
    return channels;
  }

  /** A public or private channel (not a DM), for the operations Slack only allows on those. */
  function namedChannel(channelId: string, what: string): Channel {
    const c = channel(channelId);
    if (c.isIm) throw new Error(`cannot ${what} ${channelId}: it is a DM`);
    return c;
  }

  function renameChannel(channelId: string, newName: string): void {
    const c = namedChannel(channelId, 'rename');
    const name = checkChannelName(newName);
    if (name === c.name) return;
    const holder = channelByName(state, c.teamId, name);
    if (holder && holder.id !== c.id) throw new Error(`channel name "${name}" is taken by ${holder.id} (Slack: name_taken)`);
    const names = teamIndex(state, c.teamId).channelNames;
    names.delete(c.name);
    names.set(name, c.id);
    c.previousNames = [...(c.previousNames ?? []), c.name];
    c.name = name;
    c.updated = d.now();
    d.events.channelRenamed(c.teamId, c.id);
  }

  /** The channel's workspace, then (Slack Connect) the workspaces it is shared with. */
  function channelTeams(c: Channel): string[] {
    return [c.teamId, ...(c.sharedTeamIds ?? [])];
  }

  /** Someone who may be in the channel: a person of its workspace or of one it is shared with. */
  function mayJoin(c: Channel, userId: string): boolean {
    const u = state.users.get(userId);
    return !!u && channelTeams(c).some((t) => inTeam(u, t));
  }

  function addToChannel(channelId: string, userId: string, byUserId?: string): void {
    const c = namedChannel(channelId, 'add members to');
    const where = channelTeams(c).join(' or ');
    if (!mayJoin(c, userId)) throw new Error(`unknown user ${userId} in ${where}`);
    if (byUserId !== undefined && !mayJoin(c, byUserId)) throw new Error(`unknown user ${byUserId} in ${where}`);
    addMember(state, d.events, c, userId, d.now(), byUserId);
  }

  /**
   * Slack Connect: the channel is shared with another company's workspace (an ordinary workspace
   * or one of another Grid organization), as when that company accepts an invitation. Its people
   * can then be added and post; channel_shared goes to the app.
   */
  function shareChannel(channelId: string, otherTeamId: string): Channel {
    const c = namedChannel(channelId, 'share');
    const other = team(otherTeamId);
    const host = team(c.teamId);
    if (other.id === host.id) throw new Error(`channel ${channelId} is already in ${otherTeamId}`);
    if (host.enterpriseId && other.enterpriseId === host.enterpriseId) {
      throw new Error(`${otherTeamId} is in the same Grid organization as ${host.id}: that is an org-shared channel, not Slack Connect (not modelled)`);
    }
    if (c.isArchived) throw new Error(`channel ${channelId} is archived`);
    if (c.sharedTeamIds?.includes(other.id)) return c;
    c.sharedTeamIds = [...(c.sharedTeamIds ?? []), other.id];
    c.updated = d.now();
    d.events.channelShared(c, other.enterpriseId ?? other.id);
    return c;
  }

  /** A member leaves or is removed (by `byUserId`); no-op when not a member. */
  function removeFromChannel(channelId: string, userId: string, byUserId?: string): void {
    const c = namedChannel(channelId, 'remove members from');
    if (!c.members.has(userId)) return;
    c.members.delete(userId);
    d.events.memberLeft(c.teamId, channelId, userId, byUserId);
  }

  function archiveChannel(channelId: string, byUserId?: string): void {
    const c = channel(channelId);
    if (c.isArchived) return;
    c.isArchived = true;
    c.updated = d.now();
    d.events.channelArchived(c.teamId, channelId, byUserId ?? c.creator);
  }

  function unarchiveChannel(channelId: string, byUserId?: string): void {
    const c = namedChannel(channelId, 'unarchive');
    if (!c.isArchived) return;
    c.isArchived = false;
    c.updated = d.now();
    d.events.channelUnarchived(c.teamId, channelId, byUserId ?? c.creator);
  }

  /** The channel, its members and messages are gone; its name is free again. */
  function deleteChannel(channelId: string, byUserId?: string): void {
    const c = namedChannel(channelId, 'delete');
    // Who gets told depends on membership, so the event is decided before the channel goes.
    d.events.channelDeleted(c, byUserId ?? c.creator);
    dropChannel(state, c);
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
    if (state.enterprises.has(teamId)) throw new Error(`${teamId} is an Enterprise Grid organization: installOrg installs the app org-wide`);
    const t = team(teamId);
    if (t.deleted) throw new Error(`team ${teamId} is deleted`);
    // Without explicit scopes: what the app's manifest asks for (oauth_config.scopes.bot).
    const scopes = [...new Set(input.scopes ?? d.app.botScopes)].sort();
    const installer =
      input.installerUserId ??
      [...state.users.values()].find((u) => u.teamId === teamId && !u.isBot && !u.deleted)?.id ??
      createUser(teamId, { name: 'installer' }).id;
    const prev = state.installations.get(teamId);
    const prevToken = prev ? state.tokens.get(prev.botToken) : undefined;
    let botUserId = prev?.botUserId;
    let botId = prev?.botId;
    if (!botUserId || !botId) {
      botId = slackId('B');
      const stableId = t.enterpriseId ? undefined : botUserIdFor(teamId);
      const bot = createUser(teamId, {
        name: d.appName.toLowerCase().replace(/[^a-z0-9_-]+/g, '_'),
        realName: d.appName,
        isBot: true,
        ...(stableId ? { id: stableId } : {}),
      });
      bot.botId = botId;
      botUserId = bot.id;
    }
    // Reinstalling keeps a live bot token (Slack hands the same one back) but takes the new scopes.
    const tok = prevToken && !prevToken.revoked && !d.tokenRotation ? { token: prevToken.token } : issueBotToken(teamId);
    const inst: Installation = {
      teamId,
      botToken: tok.token,
      botUserId,
      botId,
      scopes,
      appId: d.appId,
      installerUserId: installer,
      ...(tok.refreshToken ? { refreshToken: tok.refreshToken } : {}),
      ...(tok.expiresAt ? { expiresAt: tok.expiresAt } : {}),
    };
    state.installations.set(teamId, inst);
    return inst;
  }

  /**
   * The app's bot user id in a workspace: the same for the same app and workspace on every run, as
   * a real workspace's stays across reinstalls (so ids a sandbox prints still hold next time);
   * undefined when that id is taken.
   */
  function botUserIdFor(teamId: string): string | undefined {
    const id = `U${createHash('sha256').update(`${d.appId}:${teamId}`).digest('hex').slice(0, 10).toUpperCase()}`;
    return state.users.has(id) ? undefined : id;
  }

  /** A person of the organization who may install the app org-wide (an admin, in Slack). */
  function orgInstaller(enterpriseId: string, userId: string | undefined): string {
    const workspaces = [...state.teams.values()].filter((t) => t.enterpriseId === enterpriseId && !t.deleted);
    if (userId !== undefined) {
      const u = state.users.get(userId);
      if (!u || u.enterpriseId !== enterpriseId || u.isBot || u.deleted) throw new Error(`user ${userId} is not a person of ${enterpriseId}`);
      return userId;
    }
    const found = [...state.users.values()].find((u) => u.enterpriseId === enterpriseId && !u.isBot && !u.deleted);
    if (found) return found.id;
    if (!workspaces[0]) throw new Error(`enterprise ${enterpriseId} has no workspace: createTeam({ enterpriseId }) first`);
    return createUser(workspaces[0].id, { name: 'installer' }).id;
  }

  function installOrg(enterpriseId: string, input: { scopes?: string[]; installerUserId?: string } = {}): Installation {
    const e = enterprise(enterpriseId);
    // Docs (Enterprise org-ready apps): only an app with org-wide deployment turned on can be installed on an organization.
    if (!d.app.orgDeployEnabled) throw new Error(`the app is not org-ready (settings.org_deploy_enabled is not true), so it cannot be installed on ${e.id}`);
    const scopes = [...new Set(input.scopes ?? d.app.botScopes)].sort();
    const installer = orgInstaller(e.id, input.installerUserId);
    const prev = state.installations.get(e.id);
    const prevToken = prev ? state.tokens.get(prev.botToken) : undefined;
    let botUserId = prev?.botUserId;
    let botId = prev?.botId;
    if (!botUserId || !botId) {
      // The org-wide app's bot user belongs to the organization, in no workspace until granted one.
      botId = slackId('B');
      let id = slackId('W');
      while (state.users.has(id)) id = slackId('W');
      const name = d.appName.toLowerCase().replace(/[^a-z0-9_-]+/g, '_');
      const bot: User = {
        id,
        teamId: e.id,
        teamIds: [],
        enterpriseId: e.id,
        name,
        realName: d.appName,
        displayName: '',
        email: null,
        isBot: true,
        deleted: false,
        botId,
        updated: d.now(),
      };
      state.users.set(id, bot);
      botUserId = id;
    }
    const live = prevToken && !prevToken.revoked;
    const tok = live && !d.tokenRotation ? { token: prevToken.token } : issueBotToken(e.id);
    const inst: Installation = {
      teamId: e.id,
      botToken: tok.token,
      botUserId,
      botId,
      scopes,
      appId: d.appId,
      installerUserId: installer,
      ...(tok.refreshToken ? { refreshToken: tok.refreshToken } : {}),
      ...(tok.expiresAt ? { expiresAt: tok.expiresAt } : {}),
      enterpriseId: e.id,
      isEnterpriseInstall: true,
      // A reinstall keeps the workspaces admins granted; after an uninstall the app starts with none.
      grantedTeamIds: live && prev ? [...(prev.grantedTeamIds ?? [])] : [],
    };
    state.installations.set(e.id, inst);
    return inst;
  }

  function liveOrgInstall(enterpriseId: string): Installation {
    enterprise(enterpriseId);
    const inst = state.installations.get(enterpriseId);
    if (!inst || state.tokens.get(inst.botToken)?.revoked !== false) throw new Error(`app is not installed org-wide on ${enterpriseId}`);
    return inst;
  }

  function grantTeams(enterpriseId: string, teamIds: unknown): string[] {
    if (!Array.isArray(teamIds) || teamIds.length === 0 || teamIds.some((t) => typeof t !== 'string')) {
      throw new Error('teamIds must be a non-empty array of workspace ids');
    }
    for (const id of teamIds as string[]) {
      const t = team(id);
      if (t.enterpriseId !== enterpriseId) throw new Error(`team ${id} is not a workspace of ${enterpriseId}`);
    }
    return [...new Set(teamIds as string[])];
  }

  /** An admin adds the org-wide app to workspaces: team_access_granted with the newly granted ones. */
  function grantTeamAccess(enterpriseId: string, teamIds: string[]): Installation {
    const inst = liveOrgInstall(enterpriseId);
    const added = grantTeams(enterpriseId, teamIds).filter((id) => !inst.grantedTeamIds!.includes(id));
    if (!added.length) return inst;
    inst.grantedTeamIds = [...inst.grantedTeamIds!, ...added];
    // The bot user is listed in the workspaces the app is added to.
    const bot = state.users.get(inst.botUserId);
    if (bot) {
      bot.teamIds = [...new Set([...(bot.teamIds ?? []), ...added])];
      for (const id of added) teamIndex(state, id).users.add(bot.id);
    }
    d.events.teamAccessChanged(enterpriseId, 'team_access_granted', added);
    return inst;
  }

  /** An admin removes the org-wide app from workspaces: team_access_revoked with the ones it lost. */
  function revokeTeamAccess(enterpriseId: string, teamIds: string[]): Installation {
    const inst = liveOrgInstall(enterpriseId);
    const removed = grantTeams(enterpriseId, teamIds).filter((id) => inst.grantedTeamIds!.includes(id));
    if (!removed.length) return inst;
    inst.grantedTeamIds = inst.grantedTeamIds!.filter((id) => !removed.includes(id));
    const bot = state.users.get(inst.botUserId);
    if (bot) {
      bot.teamIds = (bot.teamIds ?? []).filter((id) => !removed.includes(id));
      for (const id of removed) teamIndex(state, id).users.remove(bot.id);
    }
    d.events.teamAccessChanged(enterpriseId, 'team_access_revoked', removed);
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

  /**
   * Slack Connect: messages in a channel shared with other companies carry the author's workspace
   * as user_team and source_team (docs' shared-channel message examples); elsewhere they do not.
   */
  function connectFields(c: Channel, authorTeamId: string): Partial<StoredMessage> {
    return c.sharedTeamIds?.length ? { user_team: authorTeamId, source_team: authorTeamId } : {};
  }

  function postAsUser(input: { teamId: string; channel: string; user: string; text: string; threadTs?: string; subtype?: string }): string {
    const c = channel(input.channel);
    const u = state.users.get(input.user);
    if (!u || !inTeam(u, input.teamId)) throw new Error(`unknown user ${input.user} in ${input.teamId}`);
    if (!channelTeams(c).includes(input.teamId)) throw new Error(`channel ${c.id} is not in ${input.teamId} (nor shared with it)`);
    if (input.teamId !== c.teamId && !c.members.has(u.id)) {
      throw new Error(`${u.id} of ${input.teamId} is not a member of the shared channel ${c.id}: add them with addToChannel first`);
    }
    if (c.isArchived) throw new Error(`channel ${c.id} is archived`);
    if (c.isIm && u.id === c.imUser) {
      // The app's DM is its App Home Messages tab: the manifest decides whether people may write there.
      const refusal = messagesTabRefusal(d.app);
      if (refusal) throw new Error(`${u.id} cannot write in the app's DM ${c.id}${input.threadTs ? ` (thread ${input.threadTs})` : ''}: ${refusal}`);
    }
    const parent = resolveThreadParent(c.id, input.threadTs);
    const ts = nextTs(state, d.now());
    const m: StoredMessage = {
      type: 'message',
      ts,
      channel: c.id,
      team: input.teamId,
      text: input.text,
      user: u.id,
      client_msg_id: randomUUID(),
      blocks: richTextBlocks(input.text, randomHex(3)),
      ...(input.subtype ? { subtype: input.subtype } : {}),
      ...connectFields(c, input.teamId),
    };
    if (parent) attachReply(parent, m);
    channelMessages(state, c.id).push(m);
    // The app hears the channel through the install of the channel's own workspace.
    d.events.messagePosted(c.teamId, c.id, ts);
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
    d.events.messageChanged(channel(input.channel).teamId, input.channel, before as unknown as Record<string, unknown>, m.ts);
  }

  function deleteAsUser(input: { teamId: string; channel: string; user: string; ts: string }): void {
    const m = findMessage(state, input.channel, input.ts);
    if (!m) throw new Error(`no message ${input.ts} in ${input.channel}`);
    const before = { ...m };
    m.deleted = true;
    d.events.messageDeleted(channel(input.channel).teamId, input.channel, before as unknown as Record<string, unknown>);
  }

  return {
    createEnterprise,
    createTeam,
    addUserToTeam,
    createUser,
    seedUsers,
    updateUser,
    createChannel,
    seedChannels,
    renameChannel,
    addToChannel,
    removeFromChannel,
    archiveChannel,
    unarchiveChannel,
    deleteChannel,
    install,
    installOrg,
    grantTeamAccess,
    revokeTeamAccess,
    shareChannel,
    uninstall,
    issueBotToken,
    postAsUser,
    editAsUser,
    deleteAsUser,
  };
}

export type World = ReturnType<typeof createWorld>;
