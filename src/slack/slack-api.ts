// The Slack Web API as Threadbridge uses it: a small interface (so tests and callers depend on
// the shape, not on @slack/web-api) and its implementation over one shared WebClient, except the
// two calls made for every chat message (chat.postMessage, chat.update), which go out through
// src/slack/slack-http.ts: the same request and outcomes at a fraction of the client's CPU.
import { WebClient, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIHTTPError, WebAPIRequestError, LogLevel } from '@slack/web-api';
import type { KnownBlock, Block, View } from '@slack/web-api';
import { SlackApiError, SlackRateLimitedError, isTransientSlackCode, contentRefusalCodes } from '../errors/index.ts';
import { fitMessage, fitView } from './format/slack-limits.ts';
import { createSlackPost } from './slack-http.ts';

export type SlackBlock = KnownBlock | Block;
export type SlackView = View;

/** The order in which a busy channel's posts get its shared budget (src/slack/chat-post-budget.ts). */
export type PostPriority = 'parent' | 'thread' | 'reminder';

export interface PostMessageArgs {
  channel: string;
  text: string;
  blocks?: SlackBlock[];
  threadTs?: string;
  username?: string;
  iconUrl?: string;
  /** For the shared posting budget only, never sent to Slack: 'thread' when left out. */
  priority?: PostPriority;
  /** For the shared posting budget only: names one post across its retries. */
  waiterId?: string;
  /**
   * When Slack refuses the blocks (invalid_blocks, msg_too_long), post `text` alone instead
   * (default true). A combined post of several chat messages turns it off: its text is a summary,
   * so its messages are posted one at a time instead (src/conversations/thread-writer.ts).
   */
  plainFallback?: boolean;
}

/** A post Slack accepted; `plainText` when only its text went out, as Slack refused its blocks. */
export interface PostedMessage {
  channel: string;
  ts: string;
  plainText?: true;
}

export interface OAuthAccessResult {
  /**
   * 'enterprise': installed org-wide on an Enterprise Grid organization (Slack's
   * `is_enterprise_install`, `team: null`): `teamId` and `teamName` are then the organization's.
   */
  kind: 'workspace' | 'enterprise';
  teamId: string;
  teamName: string;
  enterpriseId: string | null;
  appId: string;
  botUserId: string;
  botToken: string;
  scopes: string[];
  installerUserId: string | null;
  refreshToken: string | null;
  expiresInSeconds: number | null;
}

export interface DirectoryChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  /** Whether the app's bot user is in it: a private channel is offered only then. */
  isMember: boolean;
  memberCount: number | null;
  /**
   * The workspace it belongs to (Slack's `context_team_id`, or the workspace it was listed in):
   * what an org-wide install's pickers name and its calls pass as `team_id`. Absent: the
   * installation's own workspace.
   */
  workspaceId?: string;
  /** Slack Connect: shared with people of another company (Slack's `is_ext_shared`). Absent: false. */
  isExtShared?: boolean;
}

export interface DirectoryUser {
  id: string;
  username: string;
  displayName: string;
  realName: string;
  email: string | null;
  deleted: boolean;
  isBot: boolean;
}

export interface Page<T> {
  items: T[];
  /** null at the end. */
  nextCursor: string | null;
}

export interface SlackApi {
  /**
   * One page of conversations.list (public and private channels the app can see). `teamId`: the
   * workspace to list, which Slack requires with an org-wide install's token (`team_id`); each
   * channel's `workspaceId` is then that workspace unless Slack names another.
   */
  listChannels(token: string, args: { cursor: string | null; limit: number; teamId?: string }): Promise<Page<DirectoryChannel>>;
  /** One channel (conversations.info), e.g. a private one the app was just added to. */
  channelInfo(token: string, channelId: string): Promise<DirectoryChannel>;
  /** One user (users.info), as the directory keeps users. */
  userInfo(token: string, slackUserId: string): Promise<DirectoryUser>;
  /** One page of users.list; `teamId` as for listChannels (Grid user ids are org-wide: one person appears in each workspace's list). */
  listUsers(token: string, args: { cursor: string | null; limit: number; teamId?: string }): Promise<Page<DirectoryUser>>;
  postMessage(token: string, args: PostMessageArgs): Promise<PostedMessage>;
  updateMessage(token: string, args: { channel: string; ts: string; text: string; blocks?: SlackBlock[] }): Promise<void>;
  postEphemeral(token: string, args: { channel: string; user: string; text: string; threadTs?: string }): Promise<void>;
  getPermalink(token: string, args: { channel: string; ts: string }): Promise<string>;
  /** The name Slack shows for a user: display name, else real name, else username. */
  userDisplayName(token: string, slackUserId: string): Promise<string>;
  addReaction(token: string, args: { channel: string; ts: string; name: string }): Promise<void>;
  /** Whether a user is in a channel (conversations.members, paged until found). */
  isChannelMember(token: string, args: { channel: string; user: string }): Promise<boolean>;
  /**
   * The app's bot user joins a public channel (conversations.join; already being in it is no
   * error). Slack sends message events only from channels the app is in.
   */
  joinChannel(token: string, channelId: string): Promise<DirectoryChannel>;
  /** The app's DM channel with one user (conversations.open). */
  openDm(token: string, slackUserId: string): Promise<string>;
  /** Opens a modal for the person who clicked (views.open; the trigger is valid 3 s, once). */
  openView(token: string, args: { triggerId: string; view: SlackView }): Promise<void>;
  /** Shows a person the app's Home tab (views.publish). */
  publishHome(token: string, args: { userId: string; view: SlackView }): Promise<void>;
  oauthAccess(args: { code: string; redirectUri: string }): Promise<OAuthAccessResult>;
  /**
   * The workspaces an org-wide install's token may act in (auth.teams.list, every page): the ones
   * the organization's admins added the app to. With a workspace token, that workspace.
   */
  listGrantedWorkspaces(token: string): Promise<Array<{ id: string; name: string }>>;
  /** Token rotation: a new bot token for the refresh token (oauth.v2.access, grant_type=refresh_token). */
  refreshBotToken(refreshToken: string): Promise<RefreshedToken>;
}

export interface RefreshedToken {
  botToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

export interface SlackApiOptions {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** Per-request timeout; Slack answers well within it or the call is treated as failed. */
  timeoutMs?: number;
  /** Told of every call's outcome: 'ok', or Slack's error code ('ratelimited' for a 429). For metrics. */
  onCall?: (method: string, outcome: string, retryAfterSeconds?: number) => void;
}

export function createSlackApi(options: SlackApiOptions): SlackApi {
  // No retries inside the client: a retry of chat.postMessage after a timeout could post twice,
  // and a 429 must become a delayed job rather than a sleeping worker. The job layer decides.
  const client = new WebClient(undefined, {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
    logLevel: LogLevel.ERROR,
  });
  const post = createSlackPost({ apiUrl: options.apiUrl, timeoutMs: options.timeoutMs ?? 10_000 });

  async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      options.onCall?.(method, 'ok');
      return result;
    } catch (error) {
      const failure = toSlackError(method, error);
      if (failure instanceof SlackRateLimitedError) options.onCall?.(method, failure.code, failure.retryAfterSeconds);
      else options.onCall?.(method, failure instanceof SlackApiError ? failure.code : 'error');
      throw failure;
    }
  }

  /**
   * Runs `send` with the payload's blocks and, when Slack refuses them as content (a Slack change
   * of limits, a block the guard does not know), once more with its text alone: Slack posted
   * nothing the first time, so the second post cannot be a duplicate.
   */
  async function withPlainFallback<T>(
    method: string,
    blocks: unknown[] | undefined,
    fallback: boolean,
    send: (withBlocks: boolean) => Promise<T>,
  ): Promise<{ result: T; plainText: boolean }> {
    try {
      return { result: await call(method, () => send(true)), plainText: false };
    } catch (error) {
      if (!(fallback && blocks?.length && error instanceof SlackApiError && contentRefusalCodes.has(error.code))) throw error;
      return { result: await call(method, () => send(false)), plainText: true };
    }
  }

  return {
    async postMessage(token, raw) {
      // Every message goes out within Slack's limits, whoever built it (src/slack/format/slack-limits.ts).
      const args = fitMessage(raw);
      const { result, plainText } = await withPlainFallback('chat.postMessage', args.blocks, args.plainFallback ?? true, (withBlocks) =>
        post('chat.postMessage', token, {
          channel: args.channel,
          text: args.text,
          ...(withBlocks && args.blocks ? { blocks: args.blocks } : {}),
          ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
          ...(args.username ? { username: args.username } : {}),
          ...(args.iconUrl ? { icon_url: args.iconUrl } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      const { ts, channel } = result;
      if (typeof ts !== 'string' || !ts || typeof channel !== 'string' || !channel)
        throw new SlackApiError('chat.postMessage', 'missing_ts_in_response', false);
      return { channel, ts, ...(plainText ? { plainText: true as const } : {}) };
    },
    async updateMessage(token, raw) {
      const args = fitMessage(raw);
      await withPlainFallback('chat.update', args.blocks, true, (withBlocks) =>
        post('chat.update', token, { channel: args.channel, ts: args.ts, text: args.text, ...(withBlocks && args.blocks ? { blocks: args.blocks } : {}) }),
      );
    },
    async postEphemeral(token, raw) {
      const args = fitMessage(raw);
      await call('chat.postEphemeral', () =>
        client.chat.postEphemeral({
          token,
          channel: args.channel,
          user: args.user,
          text: args.text,
          ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
        }),
      );
    },
    async getPermalink(token, args) {
      const result = await call('chat.getPermalink', () => client.chat.getPermalink({ token, channel: args.channel, message_ts: args.ts }));
      if (!result.permalink) throw new SlackApiError('chat.getPermalink', 'missing_permalink_in_response', false);
      return result.permalink;
    },
    async listChannels(token, args) {
      const result = await call('conversations.list', () =>
        client.conversations.list({
          token,
          types: 'public_channel,private_channel',
          limit: args.limit,
          ...(args.cursor ? { cursor: args.cursor } : {}),
          ...(args.teamId ? { team_id: args.teamId } : {}),
        }),
      );
      return {
        items: (result.channels ?? []).flatMap((c) => {
          const channel = toDirectoryChannel(c);
          if (!channel) return [];
          return args.teamId && !channel.workspaceId ? { ...channel, workspaceId: args.teamId } : channel;
        }),
        nextCursor: result.response_metadata?.next_cursor || null,
      };
    },
    async channelInfo(token, channelId) {
      const result = await call('conversations.info', () => client.conversations.info({ token, channel: channelId, include_num_members: true }));
      const channel = result.channel ? toDirectoryChannel(result.channel) : null;
      if (!channel) throw new SlackApiError('conversations.info', 'missing_channel_in_response', false);
      return channel;
    },
    async listUsers(token, args) {
      const result = await call('users.list', () =>
        client.users.list({ token, limit: args.limit, ...(args.cursor ? { cursor: args.cursor } : {}), ...(args.teamId ? { team_id: args.teamId } : {}) }),
      );
      return {
        items: (result.members ?? []).flatMap((u) => toDirectoryUser(u) ?? []),
        nextCursor: result.response_metadata?.next_cursor || null,
      };
    },
    async userInfo(token, slackUserId) {
      const result = await call('users.info', () => client.users.info({ token, user: slackUserId }));
      const user = result.user ? toDirectoryUser(result.user) : null;
      if (!user) throw new SlackApiError('users.info', 'missing_user_in_response', false);
      return user;
    },
    async userDisplayName(token, slackUserId) {
      const result = await call('users.info', () => client.users.info({ token, user: slackUserId }));
      const user = result.user;
      return user?.profile?.display_name || user?.real_name || user?.profile?.real_name || user?.name || slackUserId;
    },
    async addReaction(token, args) {
      try {
        await call('reactions.add', () => client.reactions.add({ token, channel: args.channel, timestamp: args.ts, name: args.name }));
      } catch (error) {
        // Already there (a retried job): the mark is what matters.
        if (!(error instanceof SlackApiError && error.code === 'already_reacted')) throw error;
      }
    },
    async isChannelMember(token, args) {
      let cursor: string | undefined;
      do {
        const page = await call('conversations.members', () =>
          client.conversations.members({ token, channel: args.channel, limit: 1000, ...(cursor ? { cursor } : {}) }),
        );
        if (page.members?.includes(args.user)) return true;
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return false;
    },
    async joinChannel(token, channelId) {
      const result = await call('conversations.join', () => client.conversations.join({ token, channel: channelId }));
      const channel = result.channel ? toDirectoryChannel(result.channel) : null;
      if (!channel) throw new SlackApiError('conversations.join', 'missing_channel_in_response', false);
      // The answer is the channel as it is now, with the app in it.
      return { ...channel, isMember: true };
    },
    async openDm(token, slackUserId) {
      const result = await call('conversations.open', () => client.conversations.open({ token, users: slackUserId }));
      const id = result.channel?.id;
      if (!id) throw new SlackApiError('conversations.open', 'missing_channel_in_response', false);
      return id;
    },
    async oauthAccess(args) {
      const result = await call('oauth.v2.access', () =>
        client.oauth.v2.access({
          client_id: options.clientId,
          client_secret: options.clientSecret,
          code: args.code,
          redirect_uri: args.redirectUri,
        }),
      );
      // An org-wide install names no team (team: null): it is the organization's, keyed by its id.
      const enterpriseInstall = result.is_enterprise_install === true;
      const installed = enterpriseInstall ? result.enterprise : result.team;
      if (!result.access_token || !installed?.id || !result.bot_user_id) {
        throw new SlackApiError('oauth.v2.access', 'incomplete_oauth_response', false);
      }
      return {
        kind: enterpriseInstall ? 'enterprise' : 'workspace',
        teamId: installed.id,
        teamName: installed.name ?? installed.id,
        enterpriseId: result.enterprise?.id ?? null,
        appId: result.app_id ?? '',
        botUserId: result.bot_user_id,
        botToken: result.access_token,
        scopes: (result.scope ?? '').split(',').filter(Boolean),
        installerUserId: result.authed_user?.id ?? null,
        refreshToken: result.refresh_token ?? null,
        expiresInSeconds: result.expires_in ?? null,
      };
    },
    async listGrantedWorkspaces(token) {
      const workspaces: Array<{ id: string; name: string }> = [];
      let cursor: string | undefined;
      do {
        const page = await call('auth.teams.list', () => client.auth.teams.list({ token, limit: 100, ...(cursor ? { cursor } : {}) }));
        for (const team of page.teams ?? []) if (team.id) workspaces.push({ id: team.id, name: team.name ?? team.id });
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return workspaces;
    },
    async openView(token, args) {
      const view = fitView(args.view as unknown as Record<string, unknown>) as unknown as SlackView;
      await call('views.open', () => client.views.open({ token, trigger_id: args.triggerId, view }));
    },
    async publishHome(token, args) {
      const view = fitView(args.view as unknown as Record<string, unknown>) as unknown as SlackView;
      await call('views.publish', () => client.views.publish({ token, user_id: args.userId, view }));
    },
    async refreshBotToken(refreshToken) {
      const result = await call('oauth.v2.access', () =>
        client.oauth.v2.access({ client_id: options.clientId, client_secret: options.clientSecret, grant_type: 'refresh_token', refresh_token: refreshToken }),
      );
      if (!result.access_token || !result.expires_in) throw new SlackApiError('oauth.v2.access', 'incomplete_refresh_response', false);
      // Slack may hand back the same refresh token or a new one; keep whichever it gives.
      return { botToken: result.access_token, refreshToken: result.refresh_token ?? refreshToken, expiresInSeconds: result.expires_in };
    },
  };
}

function toSlackError(method: string, error: unknown): Error {
  if (error instanceof WebAPIRateLimitedError) return new SlackRateLimitedError(method, error.retryAfter);
  if (error instanceof WebAPIPlatformError) {
    const code = String(error.data.error);
    return new SlackApiError(method, code, isTransientSlackCode(code));
  }
  if (error instanceof WebAPIHTTPError) {
    return new SlackApiError(method, `http_${error.statusCode}`, error.statusCode >= 500);
  }
  if (error instanceof WebAPIRequestError) return new SlackApiError(method, 'request_failed', true);
  // The client could not even encode the request (a lone UTF-16 surrogate in an argument, from a
  // hostile but signed event): Slack's answer to malformed arguments, and no retry would change it.
  if (error instanceof URIError) return new SlackApiError(method, 'invalid_arguments', false);
  return error instanceof Error ? error : new Error(String(error));
}

// Slack's objects as read here: every field may be anything (events are outside input).
interface SlackChannelObject {
  id?: unknown;
  name?: unknown;
  is_private?: unknown;
  is_archived?: unknown;
  is_member?: unknown;
  num_members?: unknown;
  context_team_id?: unknown;
  is_ext_shared?: unknown;
}

interface SlackUserObject {
  id?: unknown;
  name?: unknown;
  real_name?: unknown;
  deleted?: unknown;
  is_bot?: unknown;
  profile?: { display_name?: unknown; real_name?: unknown; email?: unknown } | null;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Slack's channel object (conversations.list/info, channel events) as the directory keeps it.
 * Events are outside input and what is read here is stored: each field is taken only with its type.
 */
export function toDirectoryChannel(c: SlackChannelObject): DirectoryChannel | null {
  const id = text(c.id);
  const name = text(c.name);
  if (!id || !name) return null;
  const members = typeof c.num_members === 'number' && Number.isFinite(c.num_members) ? c.num_members : null;
  const workspaceId = text(c.context_team_id);
  return {
    id,
    name,
    isPrivate: c.is_private === true,
    isArchived: c.is_archived === true,
    isMember: c.is_member === true,
    memberCount: members,
    ...(workspaceId ? { workspaceId } : {}),
    ...(c.is_ext_shared === true ? { isExtShared: true } : {}),
  };
}

/** Slack's user object (users.list, team_join, user_change) as the directory keeps it (fields of the wrong type left out). */
export function toDirectoryUser(u: SlackUserObject): DirectoryUser | null {
  const id = text(u.id);
  const username = text(u.name);
  if (!id || !username) return null;
  const profile = typeof u.profile === 'object' && u.profile !== null ? u.profile : {};
  return {
    id,
    username,
    displayName: text(profile.display_name) ?? '',
    realName: text(u.real_name) ?? text(profile.real_name) ?? '',
    email: text(profile.email) ?? null,
    deleted: u.deleted === true,
    isBot: u.is_bot === true,
  };
}
