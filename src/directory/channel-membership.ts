// Keeping the app in the public channels its threads live in. `chat:write.public` lets the app
// post into a public channel it never joined, but Slack then sends it none of the channel's
// message events: the reps' replies would never reach the visitor. So before a chat's thread is
// opened in a public channel the app is not in, and whenever Slack says `not_in_channel`, the app
// joins it (conversations.join, Tier 3, inside the shared per-minute budget). A private channel
// cannot be joined: the app must be added by a member, which the settings page explains.
import type { Logger } from 'pino';
import { SlackApiError, DirectoryRateLimitedError, SlackBudgetExhaustedError } from '../errors/index.ts';
import type { Store } from '../store/index.ts';
import { createChannelJoiner, type ChannelJoinDeps } from './channel-join.ts';
import { recordDirectoryChange, type DirectoryWriteDeps } from './directory-changes.ts';

/** What joining needs: the join itself, the directory it is recorded in, and a log line. */
export type ChannelMembershipDeps = Pick<ChannelJoinDeps, 'slack' | 'callBudget'> &
  Omit<DirectoryWriteDeps, 'store'> & { store: Pick<Store, 'installations' | 'slackDirectory'>; logger: Logger };

const JOIN_BUDGET_WAIT_MS = 10_000;

/** What the directory's Redis copy knows of the channel, without asking Slack. */
export async function knownChannel(deps: Pick<ChannelMembershipDeps, 'directoryCache'>, teamId: string, channelId: string) {
  const cache = deps.directoryCache;
  const { current, building } = await cache.runs(teamId, 'channels');
  for (const run of [current, building]) {
    if (!run) continue;
    const found = await cache.get(teamId, 'channels', run, channelId);
    if (found) return found as { isMember: boolean; isPrivate: boolean };
  }
  return null;
}

/**
 * Makes sure the app is in a public channel before it opens a thread there. Known members and
 * private channels return at once (the post decides for a private one); otherwise the app joins,
 * and the directory records it. Slack's refusals (`channel_not_found`, `is_archived`) are thrown
 * as they are, for the caller's routing to treat the channel as unusable.
 */
export async function ensureAppInChannel(deps: ChannelMembershipDeps, teamId: string, channelId: string, options: { force?: boolean } = {}): Promise<void> {
  if (!/^C/.test(channelId)) return; // DMs (D…) and legacy private channels (G…) cannot be joined
  if (!options.force) {
    const known = await knownChannel(deps, teamId, channelId);
    if (known && (known.isMember || known.isPrivate)) return;
    // A channel the directory has no copy of: a join made lately still holds.
    if (!known && (await deps.directoryCache.appInChannelRemembered(teamId, channelId))) return;
  }
  const joiner = createChannelJoiner({
    installations: deps.store.installations,
    slack: deps.slack,
    callBudget: deps.callBudget,
    maxBudgetWaitMs: JOIN_BUDGET_WAIT_MS,
    recordChange: (team, change) => recordDirectoryChange(deps, team, change),
  });
  try {
    await joiner.join(teamId, channelId);
  } catch (error) {
    // A private channel with a C id (most are, nowadays): only a member can add the app.
    if (error instanceof SlackApiError && error.code === 'method_not_supported_for_channel_type') return;
    if (error instanceof DirectoryRateLimitedError) throw new SlackBudgetExhaustedError(`conversations.join:${channelId}`, error.retryAfterMs);
    throw error;
  }
  await deps.directoryCache.rememberAppInChannel(teamId, channelId);
  deps.logger.info({ teamId, channel: channelId }, 'joined the channel, so replies in its threads are heard');
}
