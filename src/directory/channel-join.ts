// The app joining a public channel an admin chose for notifications (conversations.join, Tier 3,
// inside the same shared per-minute budget as the directory's single lookups), and the directory
// recording at once that the app is in it. Slack sends an app a channel's message events only
// where it is a member, so a channel it merely posts to (chat:write.public) never hears replies.
import type { DirectoryChannel, SlackApi } from '../slack/slack-api.ts';
import type { InstallationsRepository } from '../store/index.ts';
import { SlackApiError, DirectoryRateLimitedError } from '../errors/index.ts';
import { callWithinBudget, type SlackCallBudget } from '../slack/tiered-call-budget.ts';
import type { DirectoryChange } from '../store/index.ts';

export interface ChannelJoinDeps {
  installations: Pick<InstallationsRepository, 'botToken'>;
  slack: Pick<SlackApi, 'joinChannel'>;
  callBudget: SlackCallBudget;
  /** How long a join may wait for Slack's budget before giving up (an admin is waiting). */
  maxBudgetWaitMs: number;
  /** Writes the change into the directory (./directory-changes.ts's recordDirectoryChange). */
  recordChange: (teamId: string, change: DirectoryChange) => Promise<void>;
}

export interface ChannelJoiner {
  /**
   * Joins the public channel and returns it as it now is, with the app in it. Throws
   * DirectoryRateLimitedError when the budget is used up, SlackApiError when Slack refuses.
   */
  join(teamId: string, channelId: string): Promise<DirectoryChannel>;
}

export function createChannelJoiner(deps: ChannelJoinDeps): ChannelJoiner {
  return {
    async join(teamId, channelId) {
      const token = await deps.installations.botToken(teamId, null); // the workspace's upkeep, for whichever org it serves
      if (!token) throw new SlackApiError('conversations.join', 'not_authed', false);
      const joined = await callWithinBudget(deps.callBudget, teamId, 'conversations.join', { maxWaitMs: deps.maxBudgetWaitMs }, () =>
        deps.slack.joinChannel(token, channelId),
      );
      if (!joined.ok) throw new DirectoryRateLimitedError('conversations.join', joined.retryAfterMs);
      await deps.recordChange(teamId, { op: 'put', kind: 'channels', entity: joined.value });
      return joined.value;
    },
  };
}
