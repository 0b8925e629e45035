// The app joins a public channel once, not once per chat: a join is remembered (while the
// directory has no copy of the channel), and forgotten when Slack says the app left, so the next
// thread there joins again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorld, type JobWorld } from '../support/job-world.ts';
import { ensureAppInChannel } from '../../src/directory/channel-membership.ts';
import { applyDirectoryEvent } from '../../src/directory-sync/directory-events.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';

describe('joining the channels threads open in', () => {
  let w: JobWorld;
  let deps: WorkerDeps;
  beforeAll(async () => {
    w = await startJobWorld('app-in-channel');
    deps = w.deps();
  }, 60_000);
  afterAll(async () => w?.close());

  it('joins once for many chats, and again after the app was removed', async () => {
    const channel = w.slack.createChannel(w.teamId, { name: 'walk-ins', memberIds: [w.agents.alice.slackUserId] }).id;
    const joins = () => w.slack.calls({ method: 'conversations.join' }).filter((c) => c.params.channel === channel && c.response.ok === true).length;
    expect(await deps.directoryCache.currentRun(w.teamId, 'channels')).toBeNull(); // the premise: no directory copy

    for (let chat = 0; chat < 3; chat++) await ensureAppInChannel(deps, w.teamId, channel);
    expect(joins()).toBe(1);

    w.slack.removeFromChannel(channel, w.botUserId, w.agents.alice.slackUserId);
    await applyDirectoryEvent(deps, w.teamId, w.botUserId, { type: 'channel_left', channel });
    await ensureAppInChannel(deps, w.teamId, channel);
    expect(joins()).toBe(2);
  });
});
