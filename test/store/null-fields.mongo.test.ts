// Repositories read back the nulls they wrote, on the test server too: FerretDB leaves out fields
// whose $setOnInsert value is null, which once made `thread` read as undefined instead of null.
import { describe, expect, it } from 'vitest';
import { useTestStore } from '../support/test-store.ts';

const now = new Date('2026-11-25T12:00:00Z');

const t = useTestStore('nulls');

describe('fields created null by an upsert', () => {
  it('read back as null on a new conversation', async () => {
    const record = await t.store.conversations.ensure('org_n', 'conv_n', now);
    expect(record).toMatchObject({
      conversation: null,
      thread: null,
      gapSince: null,
      undeliverableReason: null,
      notification: null,
      answeredBy: null,
      assignedAgentId: null,
    });
    expect(await t.store.conversations.get('org_n', 'conv_n')).toEqual(record);
  });

  it('read back as null on a new relayed reply', async () => {
    const claimed = await t.store.relayedReplies.claim(
      {
        clientMessageId: 'slack-n1',
        orgId: 'org_n',
        conversationId: 'conv_n',
        teamId: 'T1',
        channelId: 'C1',
        slackTs: '1.2',
        slackUserId: 'U1',
        agentId: null,
      },
      now,
    );
    expect(claimed).toMatchObject({ state: 'sending', agentId: null, refusal: null, platformMessageId: null });
  });

  it('read back as null on a new thread message', async () => {
    await t.store.threadMessages.add(
      'org_n',
      'conv_n',
      {
        id: 'm1',
        seq: 1,
        createdAt: now.toISOString(),
        text: 'hi',
        author: { type: 'visitor', id: 'v', name: 'V', avatarUrl: null },
        origin: 'web',
        attachments: [],
        clientMessageId: null,
      },
      now,
    );
    const [message] = await t.store.threadMessages.pending('org_n', 'conv_n', 10);
    expect(message).toMatchObject({ state: 'pending', slackTs: null, skipReason: null });
  });

  it('are still found by a query on null (the undeliverable list)', async () => {
    await t.store.conversations.recordSnapshot(
      {
        id: 'conv_u',
        orgId: 'org_n',
        routingGroupId: null,
        source: 'web',
        pageUrl: null,
        startedAt: now.toISOString(),
        visitor: { id: 'v', name: null, email: null, company: null },
        account: null,
      },
      now,
    );
    await t.store.conversations.markUndeliverable('org_n', 'conv_u', 'nowhere', now);
    expect((await t.store.conversations.listUndeliverable('org_n', 10)).map((r) => r.conversationId)).toEqual(['conv_u']);
  });
});
