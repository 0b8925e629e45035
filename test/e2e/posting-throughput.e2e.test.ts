// End-to-end: 30 busy conversations in one channel. Slack allows about one post per second per
// channel; Threadbridge must pace every worker's posts to that, never draw a 429, deliver every
// message in order, and combine what queued up behind the limit into single posts.
// Time runs ten times faster for the Slack emulator, and the product's budget is set to ten
// posts a second to match: the same ratio as production, a tenth of the wall-clock time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const SCALE = 10;
const started = Date.now();
const fastClock = () => started + (Date.now() - started) * SCALE;

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    runtime: 'node',
    name: 'throughput',
    workers: 2,
    slackNow: fastClock,
    workerEnv: { SLACK_CHANNEL_POSTS_PER_SECOND: String(SCALE), SLACK_WORKSPACE_POSTS_PER_SECOND: String(8 * SCALE) },
  });
  await h.store.orgSettings.save(
    { orgId: h.orgId, channelIdMode: false, globalChannelEnabled: true, globalChannelId: h.channelId, answerTimeMs: null },
    new Date(),
  );
}, 120_000);

afterAll(async () => h?.stop());

describe('posting 30 busy conversations into one channel', () => {
  it('never draws a 429, delivers every message in order, and combines queued messages', async () => {
    const conversations = await Promise.all(Array.from({ length: 30 }, (_, i) => h.platform.startConversation(h.orgId, { visitor: { name: `Visitor ${i}` } })));
    const perConversation = 4;
    for (let n = 1; n <= perConversation; n++) {
      await Promise.all(conversations.map((c, i) => h.platform.visitorSays(h.orgId, c.id, `message ${n} from ${i}`)));
    }

    const threads = await waitFor(
      () => Promise.all(conversations.map((c) => h.store.conversations.get(h.orgId, c.id))),
      (records) => records.every((r) => r?.thread),
      { what: 'all 30 threads', timeoutMs: 60_000 },
    );
    const linesOf = (threadTs: string) =>
      h.slack
        .messages(h.channelId)
        .filter((m) => m.thread_ts === threadTs && m.ts !== threadTs)
        .flatMap((m) => m.text.split('\n'));
    await waitFor(
      () => threads.map((r) => linesOf(r!.thread!.threadTs).length),
      (counts) => counts.every((n) => n === perConversation),
      { what: 'every message in its thread', timeoutMs: 90_000, intervalMs: 200 },
    );

    threads.forEach((record, i) => {
      expect(linesOf(record!.thread!.threadTs)).toEqual(
        Array.from({ length: perConversation }, (_, k) => `Visitor ${i} (visitor): message ${k + 1} from ${i}`),
      );
    });
    const posts = h.slack.calls({ method: 'chat.postMessage' });
    expect(posts.filter((c) => c.httpStatus === 429)).toEqual([]);
    const threadPosts = posts.filter((c) => c.params.thread_ts);
    // Fewer posts than messages: what queued up behind the channel's limit went out together.
    expect(threadPosts.length).toBeLessThan(30 * perConversation);
    expect(threadPosts.some((c) => String(c.params.text).split('\n').length > 1)).toBe(true);
  }, 180_000);
});
