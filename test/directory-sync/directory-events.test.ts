// Which directory change each Slack event makes (payloads as docs.slack.dev shows them).
import { describe, expect, it } from 'vitest';
import { directoryChangeOf } from '../../src/directory-sync/directory-events.ts';

const BOT = 'UBOT';

describe('directoryChangeOf', () => {
  it.each([
    {
      event: { type: 'channel_created', channel: { id: 'C1', name: 'deals', created: 1, creator: 'U1' } },
      change: { op: 'add', kind: 'channels', entity: { id: 'C1', name: 'deals', isPrivate: false, isArchived: false, isMember: false, memberCount: null } },
    },
    {
      event: { type: 'channel_rename', channel: { id: 'C1', name: 'big-deals', created: 1 } },
      change: { op: 'patch', kind: 'channels', id: 'C1', fields: { name: 'big-deals' } },
    },
    {
      event: { type: 'group_rename', channel: { id: 'G1', name: 'secret', created: 1 } },
      change: { op: 'patch', kind: 'channels', id: 'G1', fields: { name: 'secret' } },
    },
    { event: { type: 'channel_archive', channel: 'C1', user: 'U1' }, change: { op: 'patch', kind: 'channels', id: 'C1', fields: { isArchived: true } } },
    { event: { type: 'group_archive', channel: 'G1' }, change: { op: 'patch', kind: 'channels', id: 'G1', fields: { isArchived: true } } },
    { event: { type: 'channel_unarchive', channel: 'C1', user: 'U1' }, change: { op: 'patch', kind: 'channels', id: 'C1', fields: { isArchived: false } } },
    { event: { type: 'group_unarchive', channel: 'G1' }, change: { op: 'patch', kind: 'channels', id: 'G1', fields: { isArchived: false } } },
    { event: { type: 'channel_deleted', channel: 'C1' }, change: { op: 'remove', kind: 'channels', id: 'C1' } },
    { event: { type: 'group_deleted', channel: 'G1' }, change: { op: 'remove', kind: 'channels', id: 'G1' } },
    { event: { type: 'channel_left', channel: 'C1' }, change: { op: 'patch', kind: 'channels', id: 'C1', fields: { isMember: false } } },
    { event: { type: 'group_left', channel: 'G1' }, change: { op: 'patch', kind: 'channels', id: 'G1', fields: { isMember: false } } },
    {
      event: { type: 'member_left_channel', user: BOT, channel: 'G1', channel_type: 'G' },
      change: { op: 'patch', kind: 'channels', id: 'G1', fields: { isMember: false } },
    },
    // Other people leaving change only member counts, which the resync refreshes.
    { event: { type: 'member_left_channel', user: 'U2', channel: 'G1', channel_type: 'G' }, change: null },
    // The app joining needs conversations.info first (applyDirectoryEvent does it).
    { event: { type: 'member_joined_channel', user: BOT, channel: 'G1', channel_type: 'G' }, change: null },
    {
      event: { type: 'team_join', user: { id: 'U9', name: 'newbie', real_name: 'New Bie', profile: { display_name: 'nb', email: 'nb@example.com' } } },
      change: {
        op: 'put',
        kind: 'users',
        entity: { id: 'U9', username: 'newbie', displayName: 'nb', realName: 'New Bie', email: 'nb@example.com', deleted: false, isBot: false },
      },
    },
    {
      event: { type: 'user_change', user: { id: 'U9', name: 'newbie', deleted: true, profile: { real_name: 'New Bie' } } },
      change: {
        op: 'put',
        kind: 'users',
        entity: { id: 'U9', username: 'newbie', displayName: '', realName: 'New Bie', email: null, deleted: true, isBot: false },
      },
    },
    // Slack Connect: shared with another company, or no longer (Slack says whether others remain).
    {
      event: { type: 'channel_shared', connected_team_id: 'T0OTHER', channel: 'C1' },
      change: { op: 'patch', kind: 'channels', id: 'C1', fields: { isExtShared: true } },
    },
    {
      event: { type: 'channel_unshared', previously_connected_team_id: 'T0OTHER', channel: 'C1', is_ext_shared: false },
      change: { op: 'patch', kind: 'channels', id: 'C1', fields: { isExtShared: false } },
    },
    {
      event: { type: 'channel_unshared', previously_connected_team_id: 'T0OTHER', channel: 'C1', is_ext_shared: true },
      change: { op: 'patch', kind: 'channels', id: 'C1', fields: { isExtShared: true } },
    },
    { event: { type: 'channel_rename', channel: { id: 'C1' } }, change: null },
    { event: { type: 'channel_archive' }, change: null },
    { event: { type: 'team_join', user: 'U9' }, change: null },
    { event: { type: 'reaction_added', user: 'U1' }, change: null },
  ])('$event.type $event.channel $event.user', ({ event, change }) => {
    expect(directoryChangeOf(event, BOT)).toEqual(change);
  });

  it('a channel created in a Grid workspace of an org-wide install belongs to it, unless Slack names another', () => {
    const created = (channel: object) => directoryChangeOf({ type: 'channel_created', channel }, BOT, 'T0WEST');
    expect(created({ id: 'C1', name: 'deals' })).toMatchObject({ op: 'add', entity: { id: 'C1', workspaceId: 'T0WEST' } });
    expect(created({ id: 'C1', name: 'deals', context_team_id: 'T0EAST' })).toMatchObject({ op: 'add', entity: { id: 'C1', workspaceId: 'T0EAST' } });
  });
});
