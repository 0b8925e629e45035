// Shared data shapes of the Slack emulator: workspaces, users, channels, messages, records.
// Kept free of logic so every module (and the public index) can import them without cycles.

export interface SlackEmulatorOptions {
  host?: string;
  port?: number;
  signingSecret: string;
  clientId: string;
  clientSecret: string;
  appId?: string;
  /** Name of the app's bot user (shown in bot_profile and users.list). */
  appName?: string;
  /** The legacy verification token Slack still puts in event envelopes. */
  verificationToken?: string;
  eventsUrl?: string;
  interactivityUrl?: string;
  eventRetryDelaysMs?: number[];
  eventResponseTimeoutMs?: number;
  tokenRotation?: boolean;
  /** Seconds a rotated access token lives (Slack: 43,200 = 12 h). */
  tokenExpiresInSec?: number;
  now?: () => number;
}

export interface Team {
  id: string;
  name: string;
  domain: string;
  deleted: boolean;
}

export interface User {
  id: string;
  teamId: string;
  name: string;
  realName: string;
  /** profile.display_name; defaults to `name` for people and '' for bots. */
  displayName: string;
  email: string | null;
  isBot: boolean;
  deleted: boolean;
  /** Set on the app's own bot user. */
  botId?: string;
  updated: number;
}

export interface Channel {
  id: string;
  teamId: string;
  name: string;
  isPrivate: boolean;
  isIm: boolean;
  /** For a DM: the human on the other side of the app's bot user. */
  imUser?: string;
  isArchived: boolean;
  members: Set<string>;
  /** Epoch seconds. */
  created: number;
  creator: string;
  /** Names the channel had before renames, oldest first (conversations' `previous_names`). */
  previousNames?: string[];
  /** Epoch ms of the last rename/archive/unarchive (conversations' `updated`); `created` until then. */
  updated?: number;
}

/** A channel to create: createChannel (raises channel_created) or seedChannels (silent). */
export interface ChannelInput {
  /** Slack's rules: lowercase letters, digits, `-` and `_`, at most 80 characters, unique in the team. */
  name: string;
  isPrivate?: boolean;
  /** Members from the start (no member_joined_channel for them; use addToChannel for a later join). */
  memberIds?: string[];
  isArchived?: boolean;
  id?: string;
  /** Defaults to the first of `memberIds`, else ''. */
  creatorId?: string;
  /** Epoch seconds; defaults to now. */
  created?: number;
}

/** A person (or bot) to add: createUser (raises team_join) or seedUsers (silent). */
export interface UserInput {
  name: string;
  realName?: string;
  /** Defaults to `name` for people and '' for bots. */
  displayName?: string;
  email?: string;
  isBot?: boolean;
  deleted?: boolean;
  id?: string;
}

/** What updateUser may change; each raises one user_change with the whole user. */
export interface UserChanges {
  name?: string;
  realName?: string;
  displayName?: string;
  email?: string | null;
  /** true deactivates the account, false reactivates it. */
  deleted?: boolean;
}

/** One emoji on a message, as conversations.history shows it: who reacted, in order, and how many. */
export interface Reaction {
  name: string;
  users: string[];
  count: number;
}

export interface StoredMessage {
  type: 'message';
  ts: string;
  channel: string;
  team: string;
  text: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  subtype?: string;
  thread_ts?: string;
  parent_user_id?: string;
  reply_count?: number;
  reply_users?: string[];
  reply_users_count?: number;
  latest_reply?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  username?: string;
  icon_url?: string;
  icon_emoji?: string;
  client_msg_id?: string;
  edited?: { user: string; ts: string };
  /** Replaced (never mutated in place) on every reactions.add/remove, so snapshots stay as they were. */
  reactions?: Reaction[];
  /** Not a Slack field: whether the emulator saw it as deleted (kept for inspection). */
  deleted?: boolean;
}

export interface Installation {
  teamId: string;
  botToken: string;
  botUserId: string;
  botId: string;
  scopes: string[];
  appId: string;
  refreshToken?: string;
  expiresAt?: number;
  installerUserId: string;
}

export interface RecordedCall {
  seq: number;
  at: number;
  method: string;
  teamId: string | null;
  params: Record<string, unknown>;
  httpStatus: number;
  response: Record<string, unknown>;
}

export type DeliveryKind = 'event' | 'interaction' | 'url_verification';

/** Slack's X-Slack-Retry-Reason values, plus 'ok' for an accepted attempt. */
export type DeliveryReason =
  | 'ok'
  | 'http_timeout'
  | 'http_error'
  | 'connection_failed'
  | 'too_many_redirects'
  | 'ssl_error'
  | 'unknown_error';

export interface RecordedDelivery {
  seq: number;
  at: number;
  kind: DeliveryKind;
  url: string;
  teamId: string | null;
  eventId: string | null;
  eventType: string | null;
  attempt: number;
  retryNum: number;
  /** Reason sent in X-Slack-Retry-Reason on this attempt (the previous attempt's failure). */
  retryReason: DeliveryReason | null;
  status: number | null;
  reason: DeliveryReason;
  noRetry: boolean;
  body: unknown;
  responseBody: string;
}

export interface DeliveryResult {
  eventId: string;
  ok: boolean;
  attempts: number;
  reason: DeliveryReason | 'not_delivered';
}

export interface PostAsUserInput {
  teamId: string;
  channel: string;
  user: string;
  text: string;
  threadTs?: string;
  subtype?: string;
}

/** A person clicks a button (in an `actions` block or a section accessory) on a stored message. */
export interface ClickButtonInput {
  teamId: string;
  userId: string;
  channel: string;
  messageTs: string;
  actionId: string;
  /** Picks among buttons sharing the action_id (in different blocks); must equal the button's value. */
  value?: string;
}

/** A person uses the app's message shortcut on a stored message. */
export interface MessageShortcutInput {
  teamId: string;
  userId: string;
  channel: string;
  messageTs: string;
  callbackId: string;
}

/** A person uses the app's global shortcut (from the composer or search). */
export interface GlobalShortcutInput {
  teamId: string;
  userId: string;
  callbackId: string;
}

/** The emulator's programmatic control surface (also served as JSON under /_emulator/). */
export interface SlackEmulator {
  url: string;
  apiUrl: string;
  authorizeUrl: string;
  setEventsUrl(url: string): void;
  setInteractivityUrl(url: string): void;
  createTeam(input: { name: string; domain?: string; id?: string }): Team;
  /** Raises team_join (full user object) to an install holding users:read. */
  createUser(teamId: string, input: UserInput): User;
  /** Users who were there before the app: no events; fast for tens of thousands. All or nothing. */
  seedUsers(teamId: string, inputs: UserInput[]): User[];
  /** Raises user_change (full user object) to an install holding users:read, when anything changed. */
  updateUser(userId: string, changes: UserChanges): User;
  /** A public channel raises channel_created to an install holding channels:read; a private one raises nothing. */
  createChannel(teamId: string, input: ChannelInput): Channel;
  /** Channels that existed before the install: no events; fast for 100,000. All or nothing. */
  seedChannels(teamId: string, inputs: ChannelInput[]): Channel[];
  /** channel_rename (public, every install with channels:read) / group_rename (private, only if the bot is in it). */
  renameChannel(channelId: string, name: string): void;
  addToChannel(channelId: string, userId: string): void;
  /**
   * member_left_channel to an install whose bot is still in the channel; when `userId` is the app's
   * bot user, channel_left / group_left (actor_id = byUserId) instead.
   */
  removeFromChannel(channelId: string, userId: string, byUserId?: string): void;
  archiveChannel(channelId: string, byUserId?: string): void;
  /** channel_unarchive {user} / group_unarchive {actor_id} (private only if the bot is in it). */
  unarchiveChannel(channelId: string, byUserId?: string): void;
  /** channel_deleted / group_deleted (private only if the bot is in it); then conversations answer channel_not_found. */
  deleteChannel(channelId: string, byUserId?: string): void;
  install(teamId: string, input?: { scopes?: string[]; installerUserId?: string }): Installation;
  approveInstall(authorizeRedirect: string, input: { teamId: string; userId: string }): string;
  uninstall(teamId: string): void;
  /** Marks the workspace deleted: its tokens answer account_inactive. */
  deleteTeam(teamId: string): void;
  postAsUser(input: PostAsUserInput): Promise<string>;
  editAsUser(input: { teamId: string; channel: string; user: string; ts: string; text: string }): Promise<void>;
  deleteAsUser(input: { teamId: string; channel: string; user: string; ts: string }): Promise<void>;
  deliverEvent(teamId: string, event: object): Promise<DeliveryResult>;
  deliverInteraction(teamId: string, payload: object): Promise<{ status: number; body: string }>;
  /**
   * A person clicks a button on a message: delivers Slack's `block_actions` payload (container,
   * channel, message, state, response_url, actions[…], a trigger_id views.open accepts for 3 s).
   * Throws when the message, the button or the user's access to the channel is missing.
   */
  clickButton(input: ClickButtonInput): Promise<{ status: number; body: string }>;
  /** A person uses a message shortcut: delivers Slack's `message_action` payload. */
  messageShortcut(input: MessageShortcutInput): Promise<{ status: number; body: string }>;
  /** A person uses a global shortcut: delivers Slack's `shortcut` payload (no channel, no response_url). */
  globalShortcut(input: GlobalShortcutInput): Promise<{ status: number; body: string }>;
  sendUrlVerification(): Promise<{ ok: boolean; status: number; body: string }>;
  /** The app's DM with a user (the App Home Messages tab), created if needed, for postAsUser. */
  openAppDm(teamId: string, userId: string): Channel;
  /** A fresh trigger_id for views.open, as a slash command or button click would carry. */
  issueTriggerId(teamId: string, userId: string): string;
  calls(filter?: { method?: string; teamId?: string }): RecordedCall[];
  deliveries(): RecordedDelivery[];
  messages(channelId: string): StoredMessage[];
  /** Forgets rate-limit windows (for tests that reuse one emulator). */
  resetRateLimits(): void;
  idle(): Promise<void>;
  close(): Promise<void>;
}
