// The contract between the Web API HTTP layer and each method handler.
// A method declares its rate tier and scopes; its handler gets a context and the parsed params.

import type { EmulatorState } from './state.ts';
import type { Enterprise, Installation, Team, User } from './types.ts';
import type { Tier } from './rate-limits.ts';

export interface AppConfig {
  appId: string;
  appName: string;
  clientId: string;
  clientSecret: string;
  tokenRotation: boolean;
  tokenExpiresInSec: number;
  now: () => number;
  /** Base URL of the emulator, used to build permalinks-free things like response_url. */
  baseUrl: () => string;
}

/** Side effects a method may cause beyond the state: Events API deliveries. */
export interface AppEvents {
  /** A message landed in a channel (human or bot): deliver `message` (and app_mention) events. */
  messagePosted(teamId: string, channelId: string, ts: string): void;
  messageChanged(teamId: string, channelId: string, before: Record<string, unknown>, ts: string): void;
  messageDeleted(teamId: string, channelId: string, before: Record<string, unknown>): void;
  /** `userId` joined (added by `inviterId` when someone else added them): member_joined_channel. */
  memberJoined(teamId: string, channelId: string, userId: string, inviterId?: string): void;
  /** `userId` added (or removed) the emoji `name` on the message `ts`: reaction_added / reaction_removed. */
  reactionAdded(teamId: string, channelId: string, ts: string, userId: string, name: string): void;
  reactionRemoved(teamId: string, channelId: string, ts: string, userId: string, name: string): void;
}

export interface MethodContext {
  state: EmulatorState;
  config: AppConfig;
  events: AppEvents;
  /**
   * The token's workspace; for an org-wide install a stand-in for the organization (id E…), which
   * no channel or user belongs to: methods decide the workspace through `reaches` / `workspaceParam`.
   */
  team: Team;
  install: Installation;
  /** The Grid organization of an org-wide install's token, else null. */
  enterprise: Enterprise | null;
  /** Whether the token acts in the workspace: its own, or one granted to the org-wide install. */
  reaches(teamId: string): boolean;
  /** The workspace the token acts in for a user: the first of theirs it reaches (their own first). */
  workspaceOf(u: User): string | undefined;
  /**
   * The workspace a method that needs one acts on: the token's own for a workspace token (Slack
   * ignores team_id then); for an org-wide token `team_id` is required (missing_argument) and must
   * be a granted workspace (team_access_not_granted).
   */
  workspaceParam(params: Params): Team;
  /** Throws missing_scope (with needed/provided) unless the token has `scope`. */
  requireScope(scope: string): void;
  hasScope(scope: string): boolean;
}

export type Params = Record<string, unknown>;

export interface MethodSpec {
  /** Rate tier, or the special chat.postMessage limiter. */
  tier: Tier | 'post_message';
  /** Scopes checked before the handler (any one suffices is not Slack's rule: all listed are needed). */
  scopes: string[];
  /** Scopes advertised in X-Accepted-OAuth-Scopes when they depend on the arguments. */
  acceptedScopes?: string[];
  handler(ctx: MethodContext, params: Params): Record<string, unknown>;
}

export type MethodTable = Record<string, MethodSpec>;
