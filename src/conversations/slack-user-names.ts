// Display names of the Slack users a rep @mentions, so the visitor reads "@Alice", not "@U024BE7LH".
// Cached for a day in MongoDB (users.info is Tier 4, and names rarely change); a user Slack will
// not describe keeps the id.
import type { ConversationDeps } from './conversation-deps.ts';
import { SlackApiError } from '../errors/index.ts';

export type SlackUserNamesDeps = Pick<ConversationDeps, 'store' | 'slack' | 'now'>;

const NAME_TTL_MS = 24 * 60 * 60 * 1000;

/** The ids of the users a Slack message mentions (`<@U…>` or `<@U…|label>`). */
export function mentionedUserIds(text: string): string[] {
  return [...new Set([...text.matchAll(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]!))];
}

export async function slackUserNames(deps: SlackUserNamesDeps, teamId: string, token: string, userIds: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const now = deps.now();
  const freshAfter = new Date(now.getTime() - NAME_TTL_MS);
  for (const id of userIds) {
    let name = await deps.store.slackRouting.userName(teamId, id, freshAfter);
    if (!name) {
      try {
        name = await deps.slack.userDisplayName(token, id);
        await deps.store.slackRouting.saveUserName(teamId, id, name, now);
      } catch (error) {
        if (!(error instanceof SlackApiError) || error.transient) throw error;
        continue;
      }
    }
    names.set(id, name);
  }
  return names;
}
