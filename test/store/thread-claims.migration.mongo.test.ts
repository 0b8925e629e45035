// Upgrading from the release that claimed a chat's thread in conversation_claims and then wrote
// its facts: a chat whose job died between the two has its thread recorded from the claim, as that
// job's successor would have, so no second parent message is posted; threads recorded the old way
// stay as they are, and a second run (or two processes at once) writes nothing twice.
import { describe, expect, it } from 'vitest';
import { useTestStore } from '../support/test-store.ts';
import { recordClaimedThreads } from '../../src/store/index.ts';
import { compoundKey } from '../../src/store/compound-key.ts';
import type { Conversation } from '../../src/platform/webhook-events.ts';
import type { NotificationRecord, PlannedThread } from '../../src/store/index.ts';

const t = useTestStore('thread_claims');
const now = new Date('2026-12-01T10:00:00Z');
const notification: NotificationRecord = {
  rule: 'group-channel',
  reason: 'routing group Sales',
  targetKind: 'channel',
  mentionSlackUserIds: ['U1'],
  unmappedMemberNames: [],
  groupName: 'Sales',
  dmSlackUserIds: [],
};
const planned: PlannedThread[] = [{ target: { kind: 'dm', slackUserId: 'U2' }, notification, opened: 'notification' }];

function conversation(id: string): Conversation {
  return {
    id,
    orgId: 'org_m',
    routingGroupId: null,
    source: 'web',
    pageUrl: null,
    startedAt: now.toISOString(),
    visitor: { id: `v_${id}`, name: 'Vera', email: null, company: null },
    account: null,
  };
}

/** What the release before wrote when it claimed a chat's thread (and, unless it died, the facts after). */
async function claimTheOldWay(conversationId: string, threadTs: string, options: { died: boolean }) {
  const thread = { teamId: 'T1', channelId: 'C1', threadTs };
  await t.store.conversations.recordSnapshot(conversation(conversationId), now);
  await t.mongo.db
    .collection<{ _id: string; at: Date; by: unknown }>('conversation_claims')
    .insertOne({ _id: compoundKey('org_m', conversationId, 'thread'), at: now, by: { thread, notification, planned } });
  if (!options.died) {
    const facts = t.mongo.db.collection<{ _id: string }>('conversation_facts');
    for (const [field, value] of Object.entries({ undeliverableReason: null, notification, plannedThreads: [], thread })) {
      await facts.updateOne(
        { _id: compoundKey('org_m', conversationId, field) },
        { $set: { conv: compoundKey('org_m', conversationId), orgId: 'org_m', conversationId, field, value } },
        { upsert: true },
      );
    }
  }
  return thread;
}

describe('recording the threads claimed by the release before', () => {
  it('records a claimed thread whose job died, leaves recorded ones alone, and runs once', async () => {
    const orphaned = await claimTheOldWay('conv_died', '1700000000.000100', { died: true });
    const finished = await claimTheOldWay('conv_done', '1700000000.000200', { died: false });
    expect((await t.store.conversations.get('org_m', 'conv_died'))?.thread).toBeNull();

    expect(await recordClaimedThreads(t.mongo.db)).toEqual({ recorded: 1 });

    const died = (await t.store.conversations.get('org_m', 'conv_died'))!;
    expect(died).toMatchObject({ thread: orphaned, notification, plannedThreads: planned });
    // Its thread is taken: a retried chat start cannot record a second one.
    expect(await t.store.conversations.attachThread('org_m', 'conv_died', { ...orphaned, threadTs: '1700000009.000100' }, notification, [], now)).toBe(false);
    // The one its job finished: as it was, the plan already carried out.
    expect(await t.store.conversations.get('org_m', 'conv_done')).toMatchObject({ thread: finished, notification, plannedThreads: [] });

    // Done once per database.
    await claimTheOldWay('conv_later', '1700000000.000300', { died: true });
    expect(await recordClaimedThreads(t.mongo.db)).toEqual({ recorded: 0 });
  });
});
