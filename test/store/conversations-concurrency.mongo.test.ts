// Many jobs write one conversation at once. On the test server (FerretDB) concurrent updates of
// one document lose all but one, which once dropped `endedBy` when a chat ended while its answer
// was being recorded. These tests pin what the repository guarantees on both servers.
import { describe, expect, it } from 'vitest';
import { channelNotification, useTestStore } from '../support/test-store.ts';

const now = new Date('2026-11-25T12:00:00Z');

const t = useTestStore('concurrency');

describe('a conversation written by many jobs at once', () => {
  it('keeps every fact when different facts are written concurrently', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `conv_${round}`;
      await t.store.conversations.ensure('org_c', id, now);
      await Promise.all([
        t.store.conversations.markEnded('org_c', id, 'visitor', now),
        t.store.conversations.markAnswered('org_c', id, { agentId: 'a1', name: 'Alice' }, now),
        t.store.conversations.setAssigned('org_c', id, 'a2', now),
        t.store.conversations.setQualification('org_c', id, { rating: 'hot', agentId: 'a1', slackUserId: 'U1' }, now),
        t.store.conversations.setGapSince('org_c', id, now, now),
        t.store.conversations.setBacklogged('org_c', id, true, now),
      ]);
      expect(await t.store.conversations.get('org_c', id)).toMatchObject({
        status: 'ended',
        endedBy: 'visitor',
        answeredBy: { agentId: 'a1', name: 'Alice' },
        assignedAgentId: 'a2',
        qualification: { rating: 'hot' },
        gapSince: now,
        backlogged: true,
      });
    }
  });

  it('lets exactly one of many concurrent claims win', async () => {
    await t.store.conversations.ensure('org_c', 'conv_claims', now);
    const stage = await Promise.all(Array.from({ length: 10 }, () => t.store.conversations.claimReminderStage('org_c', 'conv_claims', 1, now)));
    expect(stage.filter(Boolean)).toHaveLength(1);
    const answered = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.store.conversations.markAnswered('org_c', 'conv_claims', { agentId: `a${i}`, name: `A${i}` }, now)),
    );
    expect(answered.filter(Boolean)).toHaveLength(1);
    const thread = { teamId: 'T1', channelId: 'C1', threadTs: '1.1' };
    const notification = channelNotification('global-channel', null);
    const attached = await Promise.all(
      Array.from({ length: 5 }, () => t.store.conversations.attachThread('org_c', 'conv_claims', thread, notification, [], now)),
    );
    expect(attached.filter(Boolean)).toHaveLength(1);
  });

  it('gives a released claim back', async () => {
    await t.store.conversations.ensure('org_c', 'conv_release', now);
    expect(await t.store.conversations.claimEndPrompt('org_c', 'conv_release', now)).toBe(true);
    expect(await t.store.conversations.claimEndPrompt('org_c', 'conv_release', now)).toBe(false);
    await t.store.conversations.settleEndPrompt('org_c', 'conv_release', null, now);
    expect(await t.store.conversations.claimEndPrompt('org_c', 'conv_release', now)).toBe(true);
    await t.store.conversations.settleEndPrompt('org_c', 'conv_release', '9.9', now);
    expect((await t.store.conversations.get('org_c', 'conv_release'))!.endPrompt).toEqual({ state: 'posted', ts: '9.9' });
  });
});
