// The one way the conversation domain posts into Slack: a chat's parent message, the messages
// and notices in its threads, reminders, escalation notes, the end-of-chat prompt, answers in the
// app's DM. Every post waits for the shared budgets (src/slack/post-pacing.ts), and a public
// channel the app is not in (Slack says `not_in_channel`) is joined and the post tried once more,
// so the reps' replies there are heard (src/directory/channel-membership.ts).
import type { PostMessageArgs, PostedMessage, SlackApi } from '../slack/slack-api.ts';
import { SlackApiError } from '../errors/index.ts';
import { postWhenBudgetAllows } from '../slack/post-pacing.ts';
import { ensureAppInChannel, type ChannelMembershipDeps } from '../directory/channel-membership.ts';

export type PostingDeps = ChannelMembershipDeps & { slack: SlackApi };

/**
 * Posts into a channel (waiting for the budget up to `maxWaitMs`); on `not_in_channel` the app
 * joins the channel and the post is tried once more.
 */
export async function postJoiningIfNeeded(
  deps: PostingDeps,
  teamId: string,
  token: string,
  args: PostMessageArgs,
  maxWaitMs?: number,
  beforeEachTry?: () => Promise<void>,
): Promise<PostedMessage> {
  try {
    return await postWhenBudgetAllows(deps.slack, token, args, maxWaitMs, beforeEachTry);
  } catch (error) {
    if (!(error instanceof SlackApiError && error.code === 'not_in_channel')) throw error;
    await ensureAppInChannel(deps, teamId, args.channel, { force: true });
    return postWhenBudgetAllows(deps.slack, token, args, maxWaitMs, beforeEachTry);
  }
}
