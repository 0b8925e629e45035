// End to end: Slack Connect channels (shared with another company) chosen through the admin API,
// against the emulators: refused without the confirmation that visitor details will be visible to
// the other company (naming the channel and the field that confirms it, nothing saved),
// accepted with it, the confirmation kept for that channel only and recorded in the change
// history with who made it; a channel shared after it was chosen holds its group's new chats (the
// health says why and what to do) until it is confirmed; another org's admin reaches none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookiesOf } from '../../sandbox/seed.ts';
import { waitFor } from '../support/wait-for.ts';
import { h, groupId, soloGroupId, api, startAdminApiHarness, stopAdminApiHarness } from './admin-api-fixture.ts';

const shared: Record<string, string> = {};

let partnerTeam: string;

/** A channel shared with another company in Slack (the emulator's Slack Connect), once the directory knows it so. */
async function sharedChannel(name: string): Promise<string> {
  const id = h.slack.createChannel(h.teamId, { name }).id;
  await waitFor(
    () => api('GET', `/directory/channels/by-name/${name}`),
    (r) => r.status === 200,
    { what: `the directory to know #${name}`, timeoutMs: 60_000 },
  );
  h.slack.shareChannel(id, partnerTeam);
  await knownShared(name);
  return id;
}

/** The directory has Slack's channel_shared event applied. */
async function knownShared(name: string): Promise<void> {
  await waitFor(
    () => api('GET', `/directory/channels/by-name/${name}`),
    (r) => r.body?.channel?.sharedExternally === true,
    { what: `the directory to know #${name} is shared`, timeoutMs: 30_000 },
  );
}

beforeAll(async () => {
  await startAdminApiHarness('admin-api-slack-connect');
  partnerTeam = h.slack.createTeam({ name: 'Partner Co', domain: 'partner' }).id;
  shared['partner'] = await sharedChannel('partner-leads');
  shared['other'] = await sharedChannel('other-partner');
}, 180_000);
afterAll(async () => {
  await stopAdminApiHarness();
});

const recentChanges = async () =>
  (await api('GET', '/changes')).body.recent as Array<{ section: string; action: string; subject: string | null; actor: unknown }>;

describe('a routing group’s channel shared with another company', () => {
  it('is refused without the confirmation, naming the channel and the field that confirms it: nothing is saved', async () => {
    const answer = await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'partner-leads' });
    expect(answer).toEqual({
      status: 409,
      body: {
        error: {
          code: 'channel_shared_externally',
          field: 'channel',
          message: `This channel is shared with another company (Slack Connect): visitor details (name, email, company, messages) would be visible to their people; confirm it to choose the channel: #partner-leads (${shared['partner']}); to choose it, send "confirmSharedChannel": true with the channel`,
        },
      },
    });
    // false is no confirmation either.
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'partner-leads', confirmSharedChannel: false })).toMatchObject({
      status: 409,
      body: { error: { code: 'channel_shared_externally' } },
    });
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBeNull();
    expect((await h.store.orgSettings.get(h.orgId))?.sharedChannelConfirmations?.[shared['partner']!]).toBeUndefined();
  });

  it('is accepted with the confirmation, which is kept for the channel and recorded with who and when', async () => {
    const before = Date.now();
    const saved = await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'partner-leads', confirmSharedChannel: true });
    expect(saved).toMatchObject({
      status: 200,
      body: {
        groupId,
        channel: { id: shared['partner'], name: 'partner-leads', sharedExternally: true, appInChannel: true },
        sharingConfirmed: { by: { kind: 'operator' }, at: expect.any(String) },
      },
    });
    expect(Date.parse(saved.body.sharingConfirmed.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBe(shared['partner']);
    expect((await recentChanges()).slice(0, 2)).toEqual([
      expect.objectContaining({ section: 'routingGroups', action: 'shared-channel.confirmed', subject: shared['partner'], actor: { kind: 'operator' } }),
      expect.objectContaining({ section: 'routingGroups', action: 'routing-group.channel-set', subject: groupId }),
    ]);
    const listed = (await api('GET', '/routing-groups')).body.routingGroups.find((g: { groupId: string }) => g.groupId === groupId);
    expect(listed).toMatchObject({ channel: { id: shared['partner'], sharedExternally: true }, sharingConfirmed: { by: { kind: 'operator' } } });

    // Confirmed once for this channel: another group may choose it without asking again.
    expect(await api('PUT', `/routing-groups/${soloGroupId}/slack-channel`, { channel: 'partner-leads' })).toMatchObject({
      status: 200,
      body: { channel: { id: shared['partner'] }, sharingConfirmed: { by: { kind: 'operator' } } },
    });
    // Another shared channel needs its own confirmation.
    expect(await api('PUT', `/routing-groups/${soloGroupId}/slack-channel`, { channel: 'other-partner' })).toMatchObject({
      status: 409,
      body: { error: { code: 'channel_shared_externally', field: 'channel', message: expect.stringContaining('#other-partner') } },
    });
    expect(await h.store.slackRouting.groupChannel(h.orgId, soloGroupId)).toBe(shared['partner']);
    expect(await api('DELETE', `/routing-groups/${soloGroupId}/slack-channel`)).toMatchObject({ status: 204 });
  });

  it('a channel not shared with anyone needs no confirmation, and shows as not shared', async () => {
    expect(await api('PUT', `/routing-groups/${soloGroupId}/slack-channel`, { channel: 'sales-leads' })).toMatchObject({
      status: 200,
      body: { channel: { name: 'sales-leads', sharedExternally: false }, sharingConfirmed: null },
    });
    expect(await api('DELETE', `/routing-groups/${soloGroupId}/slack-channel`)).toMatchObject({ status: 204 });
  });

  it('the confirmation must be a boolean', async () => {
    expect(await api('PUT', `/routing-groups/${soloGroupId}/slack-channel`, { channel: 'other-partner', confirmSharedChannel: 'yes' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_payload', message: expect.stringContaining('confirmSharedChannel') } },
    });
  });
});

describe('the global channel shared with another company', () => {
  it('is refused without the confirmation (naming globalChannel.confirmSharedChannel), accepted with it and recorded', async () => {
    const before = await h.store.orgSettings.get(h.orgId);
    const refused = await api('PUT', '/settings', { globalChannel: { enabled: true, channel: 'other-partner' } });
    expect(refused).toMatchObject({
      status: 409,
      body: { error: { code: 'channel_shared_externally', field: 'globalChannel.channel', message: expect.stringContaining('#other-partner') } },
    });
    expect(refused.body.error.message).toContain('"globalChannel.confirmSharedChannel": true');
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(before);

    const saved = await api('PUT', '/settings', { globalChannel: { enabled: true, channel: 'other-partner', confirmSharedChannel: true } });
    expect(saved).toMatchObject({
      status: 200,
      body: {
        globalChannel: {
          enabled: true,
          channel: { id: shared['other'], name: 'other-partner', sharedExternally: true },
          sharingConfirmed: { by: { kind: 'operator' } },
        },
      },
    });
    expect((await recentChanges())[0]).toMatchObject({ section: 'settings', action: 'shared-channel.confirmed', subject: shared['other'] });
    expect((await api('GET', '/settings')).body.globalChannel).toMatchObject({
      enabled: true,
      channel: { id: shared['other'], sharedExternally: true },
      sharingConfirmed: { by: { kind: 'operator' } },
    });
    expect(await api('PUT', '/settings', { globalChannel: { enabled: false, channel: null } })).toMatchObject({ status: 200 });
  });

  it('a shared channel kept with the global channel off is not used, so it needs no confirmation', async () => {
    const channel = await sharedChannel('kept-off');
    expect(await api('PUT', '/settings', { globalChannel: { enabled: false, channel: 'kept-off' } })).toMatchObject({
      status: 200,
      body: { globalChannel: { enabled: false, channel: { id: channel, sharedExternally: true }, sharingConfirmed: null } },
    });
    expect(await api('PUT', '/settings', { globalChannel: { enabled: true, channel: 'kept-off' } })).toMatchObject({
      status: 409,
      body: { error: { code: 'channel_shared_externally', field: 'globalChannel.channel' } },
    });
    expect(await api('PUT', '/settings', { globalChannel: { enabled: false, channel: null } })).toMatchObject({ status: 200 });
  });
});

describe('a channel that became shared after it was chosen', () => {
  it('holds the group’s new chats (undeliverable, with why and the fix in the health), until an admin confirms it: then they are routed again', async () => {
    const group = h.platform.addRoutingGroup(h.orgId, { name: 'Partners', memberAgentIds: [h.agents.alice.agentId, h.agents.bob.agentId] });
    const channelId = h.slack.createChannel(h.teamId, { name: 'partner-desk' }).id;
    await waitFor(
      () => api('GET', '/directory/channels/by-name/partner-desk'),
      (r) => r.status === 200,
      { what: 'the directory to know #partner-desk', timeoutMs: 60_000 },
    );
    expect(await api('PUT', `/routing-groups/${group.id}/slack-channel`, { channel: 'partner-desk' })).toMatchObject({
      status: 200,
      body: { channel: { sharedExternally: false } },
    });
    // Shared with another company afterwards.
    h.slack.shareChannel(channelId, partnerTeam);
    await knownShared('partner-desk');

    const chat = await h.platform.startConversation(h.orgId, { routingGroupId: group.id, visitor: { name: 'Hedda Held' } });
    const held = await waitFor(
      () => h.store.conversations.get(h.orgId, chat.id),
      (r) => Boolean(r?.undeliverableReason),
      { what: 'the chat held', timeoutMs: 30_000 },
    );
    expect(held!.undeliverableReason).toBe(
      `held: the channel of Partners (${channelId}) is shared with another company (Slack Connect) and nobody confirmed its visitors' details may be shown there`,
    );
    // Nothing posted about it, in the channel or in the members' DMs instead.
    expect(h.slack.calls({ method: 'chat.postMessage' }).filter((c) => JSON.stringify(c.params).includes('Hedda'))).toEqual([]);

    const health = (await api('GET', '/health')).body as { status: string; items: Array<Record<string, any>> };
    expect(health.status).toBe('problem');
    expect(health.items.filter((i) => i.anchor === `group-${group.id}`)).toEqual([
      {
        kind: 'channel_shared_unconfirmed',
        severity: 'problem',
        message:
          'The channel of the routing group Partners, #partner-desk, became shared with another company (Slack Connect) after it was chosen, and nobody confirmed that visitor details may be visible to that company: new chats that would go there are held.',
        fix: 'Confirm the shared channel (the checkbox under it on this page) or choose another channel for Partners; held chats are then routed again.',
        anchor: `group-${group.id}`,
        action: null,
        since: null,
        subject: { routingGroup: { id: group.id, name: 'Partners' }, channel: { id: channelId, name: 'partner-desk' } },
      },
    ]);
    expect(health.items.find((i) => i.anchor === `chat-${chat.id}`)).toMatchObject({
      kind: 'chat_undeliverable',
      fix: expect.stringContaining('Confirm the channel shared with another company'),
      subject: { code: 'channel_shared_unconfirmed' },
    });
    const listed = (await api('GET', '/routing-groups')).body.routingGroups.find((g: { groupId: string }) => g.groupId === group.id);
    expect(listed).toMatchObject({ channel: { id: channelId, sharedExternally: true }, sharingConfirmed: null });

    // Confirmed (the same channel, saved with the confirmation): the held chat is routed again, to it.
    expect(await api('PUT', `/routing-groups/${group.id}/slack-channel`, { channel: 'partner-desk', confirmSharedChannel: true })).toMatchObject({
      status: 200,
      body: { sharingConfirmed: { by: { kind: 'operator' } } },
    });
    const delivered = await waitFor(
      () => h.store.conversations.get(h.orgId, chat.id),
      (r) => Boolean(r?.thread),
      { what: 'the held chat routed again', timeoutMs: 30_000 },
    );
    expect(delivered!.thread!.channelId).toBe(channelId);
    const after = (await api('GET', '/health')).body as { items: Array<Record<string, any>> };
    expect(after.items.filter((i) => i.anchor === `group-${group.id}`)).toEqual([
      expect.objectContaining({
        kind: 'channel_shared_externally',
        severity: 'info',
        message: expect.stringContaining('as an operator confirmed on'),
      }),
    ]);
    expect(after.items.some((i) => i.anchor === `chat-${chat.id}` && i.kind === 'chat_undeliverable')).toBe(false);
  }, 90_000);
});

describe('another org', () => {
  it('another org’s admin can neither confirm our shared channel nor see whether it is shared', async () => {
    const other = h.platform.createOrg({ name: 'Someone Else' });
    const otherAdmin = h.platform.addAdmin(other.id, { name: 'Otto Admin', email: 'otto@other.test' });
    const cookie = cookiesOf(await fetch(h.launchLink(other.id, otherAdmin.id), { redirect: 'manual' }));
    const before = await h.store.orgSettings.get(h.orgId);
    const changesBefore = await recentChanges();
    const answer = await fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(h.orgId)}/routing-groups/${soloGroupId}/slack-channel`, {
      method: 'PUT',
      headers: { cookie, origin: h.webUrl, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'kept-off', confirmSharedChannel: true }),
    });
    expect(answer.status).toBe(403);
    const refusal = await answer.text();
    expect(JSON.parse(refusal)).toEqual({ error: { code: 'admin_forbidden', message: expect.any(String) } });
    expect(refusal).not.toContain('kept-off');
    expect(refusal).not.toContain(h.orgId);
    expect(await h.store.slackRouting.groupChannel(h.orgId, soloGroupId)).toBeNull();
    expect((await h.store.orgSettings.get(h.orgId))?.sharedChannelConfirmations).toEqual(before?.sharedChannelConfirmations);
    expect(await recentChanges()).toEqual(changesBefore);
  });
});
