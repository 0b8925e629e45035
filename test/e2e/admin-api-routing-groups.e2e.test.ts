// End to end: the admin API's routing groups, against the emulators, with the operator token: their
// channels by name or by ID, the app joining a public channel chosen for them (and a join Slack
// refuses), warnings, every error with the field it concerns, a workspace's channel list locked by
// other writes, and Slack's budget used up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.ts';
import { Redis } from 'ioredis';
import { redisUrl } from '../support/services.ts';
import { createSlackCallBudget } from '../../src/slack/tiered-call-budget.ts';
import { createLocks } from '../../src/locks/redis-locks.ts';
import { installLink, startInstall } from '../../sandbox/seed.ts';
import { h, groupId, soloGroupId, ids, api, apiFor, joinsOf, startAdminApiHarness, stopAdminApiHarness } from './admin-api-fixture.ts';

beforeAll(() => startAdminApiHarness('admin-api-routing'), 120_000);
afterAll(stopAdminApiHarness);

describe('routing groups', () => {
  it('sets a group channel by name, shows it, and clears it', async () => {
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: '#sales-leads' })).toMatchObject({
      status: 200,
      body: { channel: { id: ids['sales'], name: 'sales-leads' } },
    });
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBe(ids['sales']);
    const listed = await api('GET', '/routing-groups');
    expect(listed.body.routingGroups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ groupId, name: 'Sales', channel: expect.objectContaining({ id: ids['sales'], name: 'sales-leads', warning: null }) }),
        expect.objectContaining({ groupId: soloGroupId, channel: null }),
      ]),
    );
    expect(await api('DELETE', `/routing-groups/${groupId}/slack-channel`)).toMatchObject({ status: 204 });
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBeNull();
  });

  it('a public channel the app was never added to: saving it joins the channel, and the next read says the app is in it', async () => {
    expect(joinsOf(ids['neverAdded']!)).toHaveLength(0);
    const saved = await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'never-added' });
    expect(saved).toMatchObject({
      status: 200,
      body: { channel: { id: ids['neverAdded'], name: 'never-added', isPrivate: false, appInChannel: true, warning: null } },
    });
    expect(joinsOf(ids['neverAdded']!).map((c) => ({ params: c.params, ok: c.response['ok'] }))).toEqual([
      { params: expect.objectContaining({ channel: ids['neverAdded'] }), ok: true },
    ]);
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBe(ids['neverAdded']);
    const listed = await api('GET', '/routing-groups');
    expect(listed.body.routingGroups.find((g: { groupId: string }) => g.groupId === groupId).channel).toMatchObject({
      id: ids['neverAdded'],
      appInChannel: true,
    });
    // The directory knows the app is in it now: saving it again asks Slack nothing.
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'never-added' })).toMatchObject({
      status: 200,
      body: { channel: { appInChannel: true } },
    });
    expect(joinsOf(ids['neverAdded']!)).toHaveLength(1);
    expect(await api('DELETE', `/routing-groups/${groupId}/slack-channel`)).toMatchObject({ status: 204 });
  });

  it('refuses an unknown field with invalid_payload naming it: the group keeps its channel, and nothing is joined', async () => {
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: '#sales-leads' })).toMatchObject({ status: 200 });
    const joins = joinsOf(ids['neverAdded']!).length;
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'never-added', fallbackChannel: 'general' })).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'invalid_payload',
          field: 'fallbackChannel',
          message: expect.stringContaining('unknown field fallbackChannel (the body takes channel, confirmSharedChannel)'),
        },
      },
    });
    const listed = await api('GET', '/routing-groups');
    expect(listed.body.routingGroups.find((g: { groupId: string }) => g.groupId === groupId).channel).toMatchObject({ id: ids['sales'] });
    expect(joinsOf(ids['neverAdded']!)).toHaveLength(joins);
    expect(await api('DELETE', `/routing-groups/${groupId}/slack-channel`)).toMatchObject({ status: 204 });
  });

  it('the channel picker’s search refuses an unknown query parameter, naming it', async () => {
    expect(await api('GET', '/directory/channels?q=sales&sort=name')).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'invalid_payload',
          field: 'sort',
          message: expect.stringContaining('unknown query parameter sort (the query takes q, limit, includeInactive)'),
        },
      },
    });
    expect(await api('GET', '/directory/users?q=dave&active=true')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_payload', field: 'active' } },
    });
    expect(await api('GET', '/directory/channels?q=sales')).toMatchObject({ status: 200 });
  });

  it("a join Slack refuses is answered channel_join_failed with Slack's code and the field, saving nothing", async () => {
    // An org connected before the app asked to join channels: its install lacks channels:join.
    const org = h.platform.createOrg({ name: 'Older Install' });
    const group = h.platform.addRoutingGroup(org.id, { name: 'Leads', memberAgentIds: [] });
    const team = h.slack.createTeam({ name: 'Older Install Inc' });
    const installer = h.slack.createUser(team.id, { name: 'owner' });
    const open = h.slack.createChannel(team.id, { name: 'open-leads', memberIds: [installer.id] });
    const install = await startInstall(await installLink(h.webUrl, h.secrets.adminApiToken, org.id));
    const authorize = new URL(install.authorizeUrl);
    authorize.searchParams.set(
      'scope',
      authorize.searchParams
        .get('scope')!
        .split(',')
        .filter((s) => s !== 'channels:join')
        .join(','),
    );
    expect((await install.callBack(h.slack.approveInstall(authorize.toString(), { teamId: team.id, userId: installer.id }))).status).toBe(303);
    await waitFor(
      () => apiFor(org.id, 'GET', '/directory/channels/by-name/open-leads'),
      (r) => r.status === 200,
      { what: 'the directory to know #open-leads', timeoutMs: 60_000 },
    );

    const answer = await apiFor(org.id, 'PUT', `/routing-groups/${group.id}/slack-channel`, { channel: 'open-leads' });
    expect(answer).toMatchObject({
      status: 422,
      body: { error: { code: 'channel_join_failed', field: 'channel', message: expect.stringContaining('Slack answered missing_scope') } },
    });
    expect(answer.body.error.message).toContain('connect Slack again');
    expect(h.slack.calls({ method: 'conversations.join', teamId: team.id }).map((c) => c.response['error'])).toEqual(['missing_scope']);
    expect(await h.store.slackRouting.groupChannel(org.id, group.id)).toBeNull();
    expect((await apiFor(org.id, 'GET', `/directory/channels/${open.id}`)).body.channel.appIsMember).toBe(false);
  });

  it('in channel-ID mode sets it by ID', async () => {
    await api('PUT', '/settings', { channelIdMode: true, globalChannel: { enabled: false } });
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: ids['sales'] })).toMatchObject({
      status: 200,
      body: { channel: { id: ids['sales'] } },
    });
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: '#sales-leads' })).toMatchObject({
      status: 422,
      body: { error: { code: 'channel_id_expected', field: 'channel' } },
    });
    await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: false } });
  });

  it('warns about a group whose channel the app can no longer post to', async () => {
    const doomed = h.slack.createChannel(h.teamId, { name: 'doomed-leads' });
    await waitFor(
      () => api('GET', '/directory/channels/by-name/doomed-leads'),
      (r) => r.status === 200,
      { what: 'the new channel' },
    );
    expect(await api('PUT', `/routing-groups/${soloGroupId}/slack-channel`, { channel: 'doomed-leads' })).toMatchObject({ status: 200 });
    h.slack.archiveChannel(doomed.id);
    const listed = await waitFor(
      () => api('GET', '/routing-groups'),
      (r) => r.body.routingGroups.find((g: { groupId: string }) => g.groupId === soloGroupId)?.channel?.warning,
      { what: 'the warning' },
    );
    expect(listed.body.routingGroups.find((g: { groupId: string }) => g.groupId === soloGroupId).channel.warning).toContain('archived');
  });

  it.each([
    { why: 'an unknown group', group: () => 'group_nope', channel: 'sales-leads', status: 404, code: 'routing_group_not_found' },
    { why: 'an unknown channel', group: () => groupId, channel: 'no-such', status: 422, code: 'channel_unknown' },
    { why: 'an archived channel', group: () => groupId, channel: 'old-leads', status: 422, code: 'channel_archived' },
  ])('refuses $why', async ({ group, channel, status, code }) => {
    expect(await api('PUT', `/routing-groups/${group()}/slack-channel`, { channel })).toMatchObject({ status, body: { error: { code } } });
  });
});

describe('many channels saved at once', () => {
  it('saving a channel while the workspace’s channel list is locked by other writes answers directory_busy, saving nothing; the same request again succeeds', async () => {
    const busy = h.slack.createChannel(h.teamId, { name: 'busy-leads' });
    await waitFor(
      () => api('GET', '/directory/channels/by-name/busy-leads'),
      (r) => r.status === 200,
      { what: 'the directory to know #busy-leads' },
    );
    const redis = new Redis(redisUrl());
    const held = await createLocks(redis, h.prefix).tryAcquire(`directory-write:${h.teamId}:channels`, 30_000);
    expect(held).not.toBeNull();
    const before = await h.store.slackRouting.groupChannel(h.orgId, groupId);
    try {
      expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'busy-leads' })).toMatchObject({
        status: 503,
        body: { error: { code: 'directory_busy', field: 'channel' } },
      });
      expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBe(before);
    } finally {
      await held!.release();
      redis.disconnect();
    }
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'busy-leads' })).toMatchObject({ status: 200 });
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBe(busy.id);
    await h.store.slackRouting.setGroupChannel(h.orgId, groupId, before, new Date());
  }, 30_000);
});

describe('Slack’s budget used up', () => {
  it('a list shows the row it could not check by its id; a single lookup answers slack_rate_limited with the wait', async () => {
    // Known only to Slack (the app was in it from its creation, so no event told the directory).
    const quiet = h.slack.createChannel(h.teamId, { name: 'budget-quiet', isPrivate: true, memberIds: [h.botUserId] });
    await h.store.slackRouting.setGroupChannel(h.orgId, soloGroupId, quiet.id, new Date());
    // Every conversations.info call of this minute is spent (by other admins, other processes).
    const redis = new Redis(redisUrl());
    const budget = createSlackCallBudget(redis, h.prefix);
    for (let i = 0; i < 50; i++) await budget.take(h.teamId, 'conversations.info', 50, `spent-${i}`);
    redis.disconnect();

    const listed = await api('GET', '/routing-groups');
    expect(listed.status).toBe(200);
    expect(listed.body.routingGroups.find((g: { groupId: string }) => g.groupId === soloGroupId).channel).toEqual({
      id: quiet.id,
      name: null,
      appInChannel: null,
      warning: null,
      sharedExternally: null,
    });
    expect(await api('GET', `/directory/channels/${quiet.id}`)).toMatchObject({
      status: 503,
      body: { error: { code: 'slack_rate_limited', message: expect.stringMatching(/again in \d+ s/) } },
    });
  });

  it("joining a public channel with the minute's conversations.join calls spent answers slack_rate_limited with the field, saving nothing", async () => {
    const spare = h.slack.createChannel(h.teamId, { name: 'spare-leads' });
    await waitFor(
      () => api('GET', '/directory/channels/by-name/spare-leads'),
      (r) => r.status === 200,
      { what: 'the directory to know #spare-leads' },
    );
    const redis = new Redis(redisUrl());
    const budget = createSlackCallBudget(redis, h.prefix);
    for (let i = 0; i < 50; i++) await budget.take(h.teamId, 'conversations.join', 50, `spent-join-${i}`);
    redis.disconnect();
    const before = await h.store.slackRouting.groupChannel(h.orgId, groupId);
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'spare-leads' })).toMatchObject({
      status: 503,
      body: { error: { code: 'slack_rate_limited', field: 'channel', message: expect.stringMatching(/conversations\.join, again in \d+ s/) } },
    });
    expect(joinsOf(spare.id)).toHaveLength(0);
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBe(before);
  });
});
