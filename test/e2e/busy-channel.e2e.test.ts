// End-to-end, at Slack's real pace (one post a second per channel): a channel busy with 30 chats
// and their queued messages still shows a new chat's parent message within 2 seconds, because the
// channel's budget serves new chats first, then the backlog, then reminders. Everything queued
// still arrives, in order, without a 429.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ runtime: 'node', name: 'busy-channel', workers: 2 });
  await h.store.orgSettings.save(
    { orgId: h.orgId, channelIdMode: false, globalChannelEnabled: true, globalChannelId: h.channelId, answerTimeMs: null },
    new Date(),
  );
}, 120_000);

afterAll(async () => h?.stop());

describe('a new chat in a busy channel', () => {
  it('gets its parent message within 2 s while 30 chats’ messages wait for the channel', async () => {
    const chats = 30;
    const perChat = 4;
    const conversations = await Promise.all(
      Array.from({ length: chats }, (_, i) => h.platform.startConversation(h.orgId, { visitor: { name: `Visitor ${i}` } })),
    );
    for (let n = 1; n <= perChat; n++) {
      await Promise.all(conversations.map((c, i) => h.platform.visitorSays(h.orgId, c.id, `message ${n} from ${i}`)));
    }
    const records = await waitFor(
      () => Promise.all(conversations.map((c) => h.store.conversations.get(h.orgId, c.id))),
      (rs) => rs.every((r) => r?.thread),
      { what: 'the 30 threads', timeoutMs: 90_000, intervalMs: 250 },
    );
    // The premise: the channel is busy, most of the chats' messages still wait for it.
    const pending = (await Promise.all(conversations.map((c) => h.store.threadMessages.pending(h.orgId, c.id, 100)))).flat().length;
    expect(pending).toBeGreaterThanOrEqual(60);

    const startedAt = Date.now();
    const fresh = await h.platform.startConversation(h.orgId, { visitor: { name: 'Newcomer' } });
    const record = await waitFor(
      () => h.store.conversations.get(h.orgId, fresh.id),
      (r) => Boolean(r?.thread),
      { what: 'the new chat’s thread', timeoutMs: 60_000, intervalMs: 50 },
    );
    const parent = h.slack.calls({ method: 'chat.postMessage' }).find((c) => c.response.ok === true && c.response.ts === record!.thread!.threadTs)!;
    const latencyMs = parent.at - startedAt;
    expect(latencyMs).toBeLessThanOrEqual(2_000);

    // The backlog still drains completely, in order, with no 429.
    const linesOf = (threadTs: string) =>
      h.slack
        .messages(h.channelId)
        .filter((m) => m.thread_ts === threadTs && m.ts !== threadTs)
        .flatMap((m) => m.text.split('\n'));
    await waitFor(
      () => records.map((r) => linesOf(r!.thread!.threadTs).length),
      (counts) => counts.every((n) => n === perChat),
      { what: 'every message in its thread', timeoutMs: 120_000, intervalMs: 500 },
    );
    for (const [i, r] of records.entries())
      expect(linesOf(r!.thread!.threadTs)).toEqual(Array.from({ length: perChat }, (_, k) => `Visitor ${i} (visitor): message ${k + 1} from ${i}`));
    expect(h.slack.calls({ method: 'chat.postMessage' }).filter((c) => c.httpStatus === 429)).toEqual([]);
  }, 300_000);
});
