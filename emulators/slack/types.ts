// Shared data shapes of the Slack emulator: workspaces, users, channels, messages, records.
// Kept free of logic so every module (and the public index) can import them without cycles.

import type { SlackAppManifest } from './manifest.ts';

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
  /**
   * The app's configuration: the parsed Slack app manifest (readManifestFile reads manifest.yml).
   * Without one, DEFAULT_MANIFEST: every emulated event subscribed, DEFAULT_BOT_SCOPES, both App
   * Home tabs on with the Messages tab writable, interactivity on, shortcuts unchecked.
   */
  manifest?: SlackAppManifest;
  now?: () => number;
  /**
   * Slack's rate limits (tiers, chat.postMessage's per-channel and workspace limits); default on.
   * Off only for benchmarks that measure Threadbridge's own throughput with Slack out of the way;
   * no test turns them off.
   */
  rateLimits?: boolean;
}

/** An Enterprise Grid organization (E…): its workspaces are teams with `enterpriseId`. */
export interface Enterprise {
  id: string;
  name: string;
  domain: string;
}

export interface Team {
  id: string;
  name: string;
  domain: string;
  deleted: boolean;
  /** The Grid organization the workspace belongs to (absent for a standalone workspace). */
  enterpriseId?: string;
}

export interface User {
  id: string;
  /** The workspace the person was created in (users.info's team_id). */
  teamId: string;
  /** Grid only: every workspace of the organization the person is in, `teamId` first. */
  teamIds?: string[];
  /** Grid only: the organization (org-wide W… ids). */
  enterpriseId?: string;
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
  /** Slack Connect: the other companies' workspaces the channel is shared with (shareChannel). */
  sharedTeamIds?: string[];
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
  /** Slack Connect: the author's workspace, on messages in channels shared with other companies. */
  user_team?: string;
  source_team?: string;
  /** channel_join / group_join: who added the member, when it was someone else. */
  inviter?: string;
  edited?: { user: string; ts: string };
  /** Replaced (never mutated in place) on every reactions.add/remove, so snapshots stay as they were. */
  reactions?: Reaction[];
  /** Not a Slack field: whether the emulator saw it as deleted (kept for inspection). */
  deleted?: boolean;
}

export interface Installation {
  /** The workspace (T…), or for an org-wide install the Grid organization (E…). */
  teamId: string;
  botToken: string;
  botUserId: string;
  botId: string;
  scopes: string[];
  appId: string;
  refreshToken?: string;
  expiresAt?: number;
  installerUserId: string;
  /** Org-wide installs only: the organization, and the workspaces an admin granted it (grantTeamAccess). */
  enterpriseId?: string;
  isEnterpriseInstall?: true;
  grantedTeamIds?: string[];
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
export type DeliveryReason = 'ok' | 'http_timeout' | 'http_error' | 'connection_failed' | 'too_many_redirects' | 'ssl_error' | 'unknown_error';

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

/**
 * What a person enters into a view: block_id → action_id → value. By element type:
 * plain_text_input / email_text_input / url_text_input: a string; number_input: a string or number;
 * static_select / radio_buttons: an option's `value`; multi_static_select / checkboxes: option values;
 * users_select / conversations_select / channels_select: an id; their multi_ forms: ids;
 * datepicker: "YYYY-MM-DD"; timepicker: "HH:mm"; datetimepicker: epoch seconds; null clears.
 */
export type ViewValuesInput = Record<string, Record<string, string | number | string[] | null>>;

/** A person presses Submit on the modal view they see (the top of their stack). */
export interface SubmitViewInput {
  teamId: string;
  userId: string;
  viewId: string;
  /** Entered before pressing Submit; merged over what they entered earlier in this view. */
  values?: ViewValuesInput;
}

/** A person presses Cancel (the view's `close` button) or × on the modal view they see. */
export interface CloseViewInput {
  teamId: string;
  userId: string;
  viewId: string;
  /** Entered before closing (shown in view_closed's state). */
  values?: ViewValuesInput;
}

/** A person opens the app's App Home (the Home tab unless `tab` says otherwise). */
export interface OpenAppHomeInput {
  teamId: string;
  userId: string;
  tab?: 'home' | 'messages';
}

/** Why Slack showed the person an error instead of acting on the app's answer to a submission. */
export type ViewSubmissionFailure = Exclude<DeliveryReason, 'ok'> | 'not_delivered' | 'invalid_response';

/** What the person sees after pressing Submit; `openViewIds` is their modal stack after it, top last. */
export type ViewSubmissionOutcome =
  /** Empty 200 (or a JSON object without response_action): the submitted view closed. */
  | { action: 'closed'; closedViewIds: string[]; openViewIds: string[] }
  /** response_action "clear": every view of the modal closed. */
  | { action: 'cleared'; closedViewIds: string[]; openViewIds: string[] }
  /** response_action "errors": the view stays open, each message under its input block. */
  | { action: 'errors'; errors: Record<string, string>; openViewIds: string[] }
  /** response_action "update": the submitted view (same id, new hash) shows the app's view. */
  | { action: 'updated'; view: Record<string, unknown>; openViewIds: string[] }
  /** response_action "push": the app's view is pushed on top of the submitted one. */
  | { action: 'pushed'; view: Record<string, unknown>; openViewIds: string[] }
  /**
   * Not 200 in time, no interactivity URL, or an answer Slack cannot use: Slack shows an error in
   * the modal and it stays open as it was.
   */
  | { action: 'error_shown'; reason: ViewSubmissionFailure; detail: string; openViewIds: string[] };

export interface SubmitViewResult {
  /** The app's HTTP answer (0 when it never answered). */
  status: number;
  body: string;
  outcome: ViewSubmissionOutcome;
}

export interface CloseViewResult {
  closedViewIds: string[];
  openViewIds: string[];
  /** Whether view_closed was delivered (notify_on_close), and the app's answer to it. */
  notified: boolean;
  status: number | null;
  body: string | null;
}

export interface AppHomeOpenedResult {
  /** The person's DM with the app (D…), created if it did not exist. */
  channel: string;
  /** The Home tab the person sees (null when none was published, or for the Messages tab). */
  view: Record<string, unknown> | null;
  /** The app_home_opened event sent, or null when the install cannot hear it. */
  event: Record<string, unknown> | null;
}

/** The emulator's programmatic control surface (also served as JSON under /_emulator/). */
export interface SlackEmulator {
  url: string;
  apiUrl: string;
  authorizeUrl: string;
  setEventsUrl(url: string): void;
  setInteractivityUrl(url: string): void;
  /** An Enterprise Grid organization; its workspaces are createTeam({ enterpriseId }). */
  createEnterprise(input: { name: string; id?: string; domain?: string }): Enterprise;
  createTeam(input: { name: string; domain?: string; id?: string; enterpriseId?: string }): Team;
  /** Grid: puts an org user (W…) in another workspace of the same organization (team_join there). */
  addUserToTeam(userId: string, teamId: string): User;
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
  /**
   * A person (`byUserId`, the inviter) adds `userId`, or `userId` joins by themselves: the channel_join
   * (group_join in a private channel) message, and member_joined_channel to an install whose bot is in
   * the channel (so also for the bot's own join). Throws for a DM or an archived channel.
   */
  addToChannel(channelId: string, userId: string, byUserId?: string): void;
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
  /**
   * The app installed org-wide on a Grid organization (`teamId` = the enterprise id); it reaches
   * no workspace until grantTeamAccess.
   */
  installOrg(enterpriseId: string, input?: { scopes?: string[]; installerUserId?: string }): Installation;
  /** An admin approves the install: `teamId` for a workspace, `enterpriseId` for org-wide. */
  approveInstall(authorizeRedirect: string, input: { teamId: string; userId: string } | { enterpriseId: string; userId: string }): string;
  /** An admin adds the org-wide app to workspaces: team_access_granted {team_ids}. */
  grantTeamAccess(enterpriseId: string, teamIds: string[]): Installation;
  /** An admin removes the org-wide app from workspaces: team_access_revoked {team_ids}. */
  revokeTeamAccess(enterpriseId: string, teamIds: string[]): Installation;
  /** Slack Connect: the channel is shared with another company's workspace; channel_shared to the app. */
  shareChannel(channelId: string, otherTeamId: string): Channel;
  /** `teamId`: a workspace id, or an enterprise id for an org-wide install. */
  uninstall(teamId: string): void;
  /** Marks the workspace deleted: its tokens answer account_inactive. */
  deleteTeam(teamId: string): void;
  /**
   * A person posts. In the app's DM (the App Home Messages tab) it throws when the manifest turns
   * the Messages tab off or makes it read-only: Slack shows "Sending messages to this app has been
   * turned off." instead of the message box.
   */
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
  /**
   * A person presses Submit on their visible modal view: checks what they entered as Slack's
   * client would (block/action exist, options, required inputs), delivers `view_submission` and
   * acts on the app's answer (close, errors, update, push, clear; error shown on a failure).
   */
  submitView(input: SubmitViewInput): Promise<SubmitViewResult>;
  /** A person presses Cancel/× on their visible modal view; view_closed when notify_on_close. */
  closeView(input: CloseViewInput): Promise<CloseViewResult>;
  /** A person opens the app's App Home: app_home_opened to the live install. */
  openAppHome(input: OpenAppHomeInput): AppHomeOpenedResult;
  /** The Home tab currently published for the person (as views.publish returned it), or null. */
  homeView(teamId: string, userId: string): Record<string, unknown> | null;
  /** The person's open modal views, bottom first, the visible one last, with what they entered. */
  openViews(teamId: string, userId: string): Record<string, unknown>[];
  sendUrlVerification(): Promise<{ ok: boolean; status: number; body: string }>;
  /** The app's DM with a user (the App Home Messages tab), created if needed, for postAsUser. */
  openAppDm(teamId: string, userId: string): Channel;
  /** A fresh trigger_id for views.open, as a slash command or button click would carry. */
  issueTriggerId(teamId: string, userId: string): string;
  calls(filter?: { method?: string; teamId?: string }): RecordedCall[];
  deliveries(): RecordedDelivery[];
  messages(channelId: string): StoredMessage[];
  /** A workspace's people and conversations (channels shared into it and DMs included), as copies: what a Slack client lists. */
  workspace(teamId: string): { users: User[]; channels: Channel[] };
  /** Forgets rate-limit windows (for tests that reuse one emulator). */
  resetRateLimits(): void;
  idle(): Promise<void>;
  close(): Promise<void>;
}
