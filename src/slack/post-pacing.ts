// The Slack API as workers use it: chat.postMessage draws on the shared per-channel and
// per-workspace budgets first, and a 429 pauses that channel for every worker. A post that would
// exceed a budget is not sent: SlackBudgetExhaustedError makes the job wait and try again, by
// which time more of the conversation may be pending and go out as one combined message.
import { createHash, randomUUID } from 'node:crypto';
import type { PostMessageArgs, PostedMessage, SlackApi } from './slack-api.ts';
import { SlackBudgetExhaustedError, SlackRateLimitedError } from '../errors/index.ts';
import type { SlackBudget } from './chat-post-budget.ts';

/** One bot token per workspace, so its hash names the workspace without storing the token. */
function workspaceKeyOf(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/**
 * Who waits for a post's turn, across retries of its job: the thread it goes to (one writer per
 * thread at a time); a post outside any thread waits on its own.
 */
function waiterOf(args: PostMessageArgs): string {
  return args.threadTs ? `thread:${args.channel}:${args.threadTs}` : randomUUID();
}

export function pacedSlackApi(slack: SlackApi, budget: SlackBudget): SlackApi {
  return {
    ...slack,
    async postMessage(token, args) {
      const workspace = workspaceKeyOf(token);
      const wait = await budget.take(workspace, args.channel, args.priority, args.waiterId ?? waiterOf(args));
      if (wait > 0) throw new SlackBudgetExhaustedError(args.channel, wait);
      try {
        return await slack.postMessage(token, args);
      } catch (error) {
        if (error instanceof SlackRateLimitedError) await budget.pause(workspace, args.channel, error.retryAfterSeconds * 1000);
        throw error;
      }
    },
  };
}

/**
 * For jobs that send several posts in a row (reminders, escalations, DMs to several people),
 * where retrying the whole job after a refusal half-way would repeat the posts already sent, and
 * for a lone post whose wait is shorter than a trip through the queue (thread-writer.ts):
 * waits for the budget, up to `maxWaitMs` in all, instead of failing.
 */
export async function postWhenBudgetAllows(
  slack: SlackApi,
  token: string,
  args: PostMessageArgs,
  maxWaitMs = 10_000,
  beforeEachTry?: () => Promise<void>,
): Promise<PostedMessage> {
  const deadline = Date.now() + maxWaitMs;
  // One waiter across the tries, so its place among the channel's waiting posts is kept.
  const post = { ...args, waiterId: args.waiterId ?? waiterOf(args) };
  for (;;) {
    // Under a lock, the caller checks it still holds it before each try: a wait may outlast a lease.
    await beforeEachTry?.();
    try {
      return await slack.postMessage(token, post);
    } catch (error) {
      if (!(error instanceof SlackBudgetExhaustedError) || Date.now() + error.waitMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, error.waitMs));
    }
  }
}
