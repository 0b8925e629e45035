// The org's open chats as the health check lists them (conversations.listOpen): a chat is listed
// from its start to its end, answered once someone answered, whatever the order its jobs ran in,
// and never twice. Also the org's last activity, written at most once a minute per process.
import { describe, expect, it } from 'vitest';
import { useTestStore } from '../support/test-store.ts';
import type { Conversation } from '../../src/platform/webhook-events.ts';
import { createOrgActivityRepository } from '../../src/store/org-activity.repository.ts';

const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 9, 0, s));
const chat = (orgId: string, id: string, s: number, visitor: string | null = 'Vera Visitor'): Conversation => ({
  id,
  orgId,
  routingGroupId: 'g_sales',
  source: 'web',
  pageUrl: null,
  startedAt: at(s).toISOString(),
  visitor: { id: `v_${id}`, name: visitor, email: null, company: null },
  account: null,
});

const t = useTestStore('open-chats');

describe('open chats', () => {
  it('lists a started chat, oldest first, with its visitor and routing group', async () => {
    const c = t.store.conversations;
    await c.recordSnapshot(chat('org_a', 'c2', 2, 'Bea'), at(3));
    await c.recordSnapshot(chat('org_a', 'c1', 1, null), at(3));
    expect(await c.listOpen('org_a', 10)).toEqual([
      { orgId: 'org_a', conversationId: 'c1', routingGroupId: 'g_sales', visitorName: null, startedAt: at(1), answered: false },
      { orgId: 'org_a', conversationId: 'c2', routingGroupId: 'g_sales', visitorName: 'Bea', startedAt: at(2), answered: false },
    ]);
    expect(await c.listOpen('org_a', 1)).toHaveLength(1);
    expect(await c.listOpen('org_other', 10)).toEqual([]);
  });

  it('does not list a retried start twice, and keeps the visitor name the platform gave last', async () => {
    const c = t.store.conversations;
    await c.recordSnapshot(chat('org_b', 'c1', 1), at(2));
    await c.recordSnapshot(chat('org_b', 'c1', 1), at(3));
    await c.recordSnapshot(chat('org_b', 'c1', 1, 'Vera Identified'), at(4));
    expect((await c.listOpen('org_b', 10)).map((o) => [o.conversationId, o.visitorName])).toEqual([['c1', 'Vera Identified']]);
  });

  it('says answered once the first answer is recorded, and a second answer changes nothing', async () => {
    const c = t.store.conversations;
    await c.recordSnapshot(chat('org_c', 'c1', 1), at(2));
    await c.markAnswered('org_c', 'c1', { agentId: 'a1', name: 'Alice' }, at(5));
    await c.markAnswered('org_c', 'c1', { agentId: 'a2', name: 'Bob' }, at(6));
    expect((await c.listOpen('org_c', 10)).map((o) => [o.conversationId, o.answered])).toEqual([['c1', true]]);
  });

  it('drops an ended chat, also when a late snapshot lists it again, and the end repeated is harmless', async () => {
    const c = t.store.conversations;
    await c.recordSnapshot(chat('org_d', 'c1', 1), at(2));
    await c.recordSnapshot(chat('org_d', 'c2', 2), at(2));
    await c.markEnded('org_d', 'c1', 'visitor', at(3));
    await c.markEnded('org_d', 'c1', 'visitor', at(4));
    expect((await c.listOpen('org_d', 10)).map((o) => o.conversationId)).toEqual(['c2']);
    // A conversation.updated delivered after the end.
    await c.recordSnapshot(chat('org_d', 'c1', 1), at(5));
    expect((await c.listOpen('org_d', 10)).map((o) => o.conversationId)).toEqual(['c2']);
    expect(await t.mongo.db.collection('conversation_facts').countDocuments({ orgId: 'org_d', field: 'openChat' })).toBe(1);
  });

  it('lists a chat whose end came before its start (different queues) never', async () => {
    const c = t.store.conversations;
    await c.markEnded('org_e', 'c1', 'timeout', at(3));
    await c.recordSnapshot(chat('org_e', 'c1', 1), at(4));
    expect(await c.listOpen('org_e', 10)).toEqual([]);
  });
});

describe('org activity', () => {
  it('keeps the latest time, written at most once a minute per org by one process', async () => {
    const process1 = createOrgActivityRepository(t.mongo.db);
    const process2 = createOrgActivityRepository(t.mongo.db);
    expect(await process1.get('org_f')).toEqual({ lastSlackEventAt: null, lastPlatformWebhookAt: null });
    await process1.noteSlackEvent('org_f', at(0));
    await process1.noteSlackEvent('org_f', at(30)); // within the minute: not written
    await process1.notePlatformWebhook('org_f', at(10));
    expect(await process1.get('org_f')).toEqual({ lastSlackEventAt: at(0), lastPlatformWebhookAt: at(10) });
    await process1.noteSlackEvent('org_f', at(61));
    // Another process's older time does not move it back.
    await process2.noteSlackEvent('org_f', at(40));
    expect(await process2.get('org_f')).toEqual({ lastSlackEventAt: at(61), lastPlatformWebhookAt: at(10) });
    expect(await process2.get('org_g')).toEqual({ lastSlackEventAt: null, lastPlatformWebhookAt: null });
  });
});
