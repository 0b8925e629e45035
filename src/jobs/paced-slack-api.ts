// The Slack API as workers use it: chat.postMessage draws on the shared per-channel and
// per-workspace budgets first, and a 429 pauses that channel for every worker. A post that would
// exceed a budget is not sent: SlackBudgetExhaustedError makes the job wait and try again, by
// which time more of the conversation may be pending and go out as one combined message.
import { createHash } from 'node:crypto';
import type { SlackApi } from '../slack/slack-api.ts';
import { SlackRateLimitedError } from '../slack/slack-errors.ts';
import type { SlackBudget } from './slack-budget.ts';

export class SlackBudgetExhaustedError extends Error {
  constructor(
    readonly channel: string,
    readonly waitMs: number,
  ) {
    super(`Posting budget of ${channel} exhausted for ${waitMs} ms`);
    this.name = 'SlackBudgetExhaustedError';
  }
}

/** One bot token per workspace, so its hash names the workspace without storing the token. */
function workspaceKeyOf(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

export function pacedSlackApi(slack: SlackApi, budget: SlackBudget): SlackApi {
  return {
    ...slack,
    async postMessage(token, args) {
      const workspace = workspaceKeyOf(token);
      const wait = await budget.take(workspace, args.channel);
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
