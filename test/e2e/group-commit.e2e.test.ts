// End-to-end, webhooks in and Slack out: messages that arrive while their chat's thread is being
// written (here a slow answer from Slack to the post before them) go out together, in order, once
// each, as one post that names each message's author; a message arriving to an idle thread goes
// out alone, at once, under its author's name (docs/posting-design.md, "Combining instead of queueing").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { slackFaults } from '../../emulators/slack/fault-injection.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ runtime: 'node', name: 'group-commit' });
}, 90_000);

afterAll(async () => {
  await slackFaults(h?.slack.url ?? '')
    .clear()
    .catch(() => undefined);
  await h?.stop();
});

describe('messages that wait for a busy thread', () => {
  it('go out in order, once each, as one combined post; a message to an idle thread goes out alone', async () => {
    const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: 'Vale' } });
    const threadTs = (await waitFor(
      () => h.store.conversations.get(h.orgId, conversation.id),
      (r) => Boolean(r?.thread),
      { what: 'the chat’s thread' },
    ))!.thread!.threadTs;
    const posts = () =>
      h.slack
        .calls({ method: 'chat.postMessage', teamId: h.teamId })
        .filter((c) => c.response.ok === true && c.params.channel === h.channelId && c.params.thread_ts === threadTs);
    const lines = () => posts().flatMap((c) => String(c.params.text).split('\n'));

    // Slack takes two seconds to answer the post of the first message: meanwhile the thread is busy.
    await slackFaults(h.slack.url).add({ method: 'chat.postMessage', paramsContaining: 'the first words', delayMs: 2000, times: 1 });
    const texts = ['the first words', 'second', 'third', 'fourth'];
    for (const text of texts) await h.platform.visitorSays(h.orgId, conversation.id, text);
    await waitFor(lines, (l) => l.length >= texts.length, { what: 'the four messages in the thread', timeoutMs: 30_000 });

    expect(lines()).toEqual(texts.map((t) => `Vale (visitor): ${t}`));
    // Whichever job took the thread first, what waited behind it went out in one post: two posts at most.
    const busy = posts();
    expect(busy.length).toBeLessThanOrEqual(2);
    const combined = busy.filter((c) => String(c.params.text).includes('\n'));
    expect(combined.length).toBeGreaterThanOrEqual(1);
    // Posted as the app, each message keeping its author line.
    for (const { params } of combined) {
      expect(params.username).toBeUndefined();
      const authorLines = JSON.stringify(params.blocks).match(/\*Vale\* \(visitor, website\)/g) ?? [];
      expect(authorLines).toHaveLength(String(params.text).split('\n').length);
    }

    // The thread idle again, a message goes out alone, under its author's name.
    await h.platform.visitorSays(h.orgId, conversation.id, 'one more thing');
    await waitFor(lines, (l) => l.length >= texts.length + 1, { what: 'the fifth message in the thread', timeoutMs: 30_000 });
    const last = posts().at(-1)!;
    expect([last.params.username, last.params.text]).toEqual(['Vale (visitor)', 'Vale (visitor): one more thing']);
    expect(lines()).toEqual([...texts, 'one more thing'].map((t) => `Vale (visitor): ${t}`));
  }, 60_000);
});
