// The app joining a public channel an admin chose: inside the shared budget, recorded in the
// directory with the app in it, and nothing asked of Slack when the budget is spent.
import { describe, expect, it } from 'vitest';
import { createChannelJoiner } from '../../src/directory/channel-join.ts';
import { DirectoryRateLimitedError, SlackApiError } from '../../src/errors/index.ts';
import type { DirectoryChange } from '../../src/store/index.ts';
import type { SlackCallBudget } from '../../src/slack/tiered-call-budget.ts';

function world(options: { waitMs: number; refuse?: string }) {
  const taken: string[] = [];
  const joins: Array<{ token: string; channel: string }> = [];
  const recorded: Array<{ teamId: string; change: DirectoryChange }> = [];
  const budget: SlackCallBudget = {
    async take(_team, method) {
      if (options.waitMs === 0) taken.push(method);
      return options.waitMs;
    },
    async settle() {},
  };
  const joiner = createChannelJoiner({
    installations: { botToken: async (teamId) => (teamId === 'T1' ? 'xoxb-1' : null) },
    slack: {
      async joinChannel(token, channel) {
        joins.push({ token, channel });
        if (options.refuse) throw new SlackApiError('conversations.join', options.refuse, false);
        return { id: channel, name: 'leads', isPrivate: false, isArchived: false, isMember: true, memberCount: 4 };
      },
    },
    callBudget: budget,
    maxBudgetWaitMs: 100,
    recordChange: async (teamId, change) => void recorded.push({ teamId, change }),
  });
  return { joiner, taken, joins, recorded };
}

describe('createChannelJoiner', () => {
  it('joins within the conversations.join budget and records the channel with the app in it', async () => {
    const w = world({ waitMs: 0 });
    expect(await w.joiner.join('T1', 'C1')).toMatchObject({ id: 'C1', isMember: true });
    expect(w.taken).toEqual(['conversations.join']);
    expect(w.joins).toEqual([{ token: 'xoxb-1', channel: 'C1' }]);
    expect(w.recorded).toEqual([{ teamId: 'T1', change: { op: 'put', kind: 'channels', entity: expect.objectContaining({ id: 'C1', isMember: true }) } }]);
  });

  it('a spent budget: DirectoryRateLimitedError with the wait, and no call to Slack', async () => {
    const w = world({ waitMs: 30_000 });
    const error = await w.joiner.join('T1', 'C1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryRateLimitedError);
    expect(error).toMatchObject({ method: 'conversations.join', retryAfterMs: 30_000 });
    expect(w.joins).toEqual([]);
    expect(w.recorded).toEqual([]);
  });

  it('Slack’s refusal is thrown with its code, and nothing is recorded', async () => {
    const w = world({ waitMs: 0, refuse: 'missing_scope' });
    await expect(w.joiner.join('T1', 'C1')).rejects.toMatchObject({ code: 'missing_scope' });
    expect(w.recorded).toEqual([]);
  });
});
