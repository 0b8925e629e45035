// routeNotification: where a new chat's notification goes and whom it @mentions. Each row is one
// whole decision, rules in order of precedence, then each fallback, then undeliverable.
//
// The roster is fixed; an agent's id says what it is: on = online, dnd = Do Not Disturb,
// off = offline; a trailing U = unmapped (no Slack user). Mapped agents are Slack user U_<id>.
// `ghost` is a group member missing from the agents map. Deactivation is per row (`deactivated`).
import { describe, expect, it } from 'vitest';
import { routeNotification } from '../../src/routing/notification-router.ts';
import type { AgentStatus, NotifyTarget, RoutingAgent, RoutingDecision, RoutingInput, RoutingRule } from '../../src/routing/notification-router.ts';

const GLOBAL = 'C_GLOBAL';
const SALES = 'C_SALES';

const agent = (agentId: string, name: string, status: AgentStatus, mapped: boolean): RoutingAgent => ({
  agentId,
  name,
  status,
  slackUserId: mapped ? `U_${agentId}` : null,
});

const AGENTS: ReadonlyMap<string, RoutingAgent> = new Map(
  [
    agent('on1', 'Ana', 'online', true),
    agent('on2', 'Ben', 'online', true),
    agent('onU', 'Uma', 'online', false),
    agent('dnd1', 'Dee', 'dnd', true),
    agent('dnd2', 'Dax', 'dnd', true),
    agent('dndU', 'Dana', 'dnd', false),
    agent('off1', 'Fay', 'offline', true),
    agent('offU', 'Otto', 'offline', false),
    agent('owner', 'Olga', 'online', true),
    agent('ownerU', 'Omar', 'online', false),
    agent('ownerOff', 'Oona', 'offline', true),
    agent('ownerDnd', 'Odin', 'dnd', true),
  ].map((a) => [a.agentId, a]),
);

interface Facts {
  /** Global channel toggle (default off). */
  global?: boolean;
  /** Global channel id (default none chosen). */
  globalChannel?: string | null;
  owner?: string | null;
  accountName?: string | null;
  /** Routing group members; 'none' = the chat has no routing group, 'unknown' = the group id is not known. */
  members?: string[] | 'none' | 'unknown';
  /** The group's Slack channel (default C_SALES). */
  groupChannel?: string | null;
  /** Channel ids Slack refused (archived, deleted, private and the app not a member). */
  badChannels?: string[];
  /** Slack user ids that are deactivated. */
  deactivated?: string[];
  /** Channels shared with another company since they were chosen, not confirmed. */
  held?: string[];
}

function input(f: Facts): RoutingInput {
  const members = f.members ?? ['on1', 'on2'];
  const group = Array.isArray(members)
    ? { id: 'g1', name: 'Sales', memberAgentIds: members, channelId: f.groupChannel === undefined ? SALES : f.groupChannel }
    : null;
  return {
    settings: { globalChannelEnabled: f.global ?? false, globalChannelId: f.globalChannel ?? null },
    conversation: {
      routingGroupId: members === 'none' ? null : 'g1',
      accountName: f.accountName === undefined ? 'Acme' : f.accountName,
      accountOwnerAgentId: f.owner ?? null,
    },
    group,
    agents: AGENTS,
    unusable: { channelIds: new Set(f.badChannels ?? []), slackUserIds: new Set(f.deactivated ?? []) },
    ...(f.held ? { heldChannelIds: new Set(f.held) } : {}),
  };
}

const inChannel = (channelId: string, mention: string[], unmapped: string[]): NotifyTarget => ({
  kind: 'channel',
  channelId,
  mentionSlackUserIds: mention.map((id) => `U_${id}`),
  unmappedMemberNames: unmapped,
});
const inDm = (agentId: string): NotifyTarget => ({ kind: 'dm', agentId, slackUserId: `U_${agentId}` });

const channel = (rule: RoutingRule, channelId: string, mention: string[], unmapped: string[], reason: string): RoutingDecision => ({
  kind: 'notify',
  rule,
  targets: [inChannel(channelId, mention, unmapped)],
  reason,
});

const dm = (rule: RoutingRule, agentIds: string[], reason: string): RoutingDecision => ({
  kind: 'notify',
  rule,
  targets: agentIds.map(inDm),
  reason,
});

/** Several threads at once: the first target is the chat's primary thread. */
const several = (rule: RoutingRule, targets: NotifyTarget[], reason: string): RoutingDecision => ({ kind: 'notify', rule, targets, reason });

const undeliverable = (reason: string): RoutingDecision => ({ kind: 'undeliverable', reason });

const cases: Array<{ name: string; in: Facts; out: RoutingDecision }> = [
  // 1. Global channel on.
  {
    name: '1: global on: global channel, mentions the mapped members',
    in: { global: true, globalChannel: GLOBAL },
    out: channel('global-channel', GLOBAL, ['on1', 'on2'], [], 'global channel'),
  },
  {
    name: '1: global on wins over a mapped owner and a usable group channel',
    in: { global: true, globalChannel: GLOBAL, owner: 'owner' },
    out: channel('global-channel', GLOBAL, ['on1', 'on2', 'owner'], [], 'global channel'),
  },
  {
    name: '1: global on: owner who is also a member is mentioned once',
    in: { global: true, globalChannel: GLOBAL, owner: 'on1' },
    out: channel('global-channel', GLOBAL, ['on1', 'on2'], [], 'global channel'),
  },
  {
    name: '1: global on: unmapped owner is not mentioned, unmapped members are named',
    in: { global: true, globalChannel: GLOBAL, owner: 'ownerU', members: ['on1', 'onU', 'ghost'] },
    out: channel('global-channel', GLOBAL, ['on1'], ['Uma', 'ghost'], 'global channel'),
  },
  {
    name: '1: global on: deactivated owner is not mentioned',
    in: { global: true, globalChannel: GLOBAL, owner: 'owner', deactivated: ['U_owner'] },
    out: channel('global-channel', GLOBAL, ['on1', 'on2'], [], 'global channel'),
  },
  {
    name: '1: global on: members on DND or offline are still mentioned',
    in: { global: true, globalChannel: GLOBAL, members: ['dnd1', 'off1', 'offU'] },
    out: channel('global-channel', GLOBAL, ['dnd1', 'off1'], ['Otto'], 'global channel'),
  },
  {
    name: '1: global on with no routing group: only the owner is mentioned',
    in: { global: true, globalChannel: GLOBAL, owner: 'owner', members: 'none' },
    out: channel('global-channel', GLOBAL, ['owner'], [], 'global channel'),
  },
  {
    name: '1: global on, its channel unusable: falls through to the owner, reason says why',
    in: { global: true, globalChannel: GLOBAL, badChannels: [GLOBAL], owner: 'owner' },
    out: dm('account-owner', ['owner'], 'account owner of Acme (the global channel cannot be used)'),
  },
  {
    name: '1: global on, its channel unusable: falls through to the group channel',
    in: { global: true, globalChannel: GLOBAL, badChannels: [GLOBAL] },
    out: channel('group-channel', SALES, ['on1', 'on2'], [], 'routing group Sales (the global channel cannot be used)'),
  },
  {
    name: '1: global on but no channel chosen: falls through to the group channel',
    in: { global: true, globalChannel: null },
    out: channel('group-channel', SALES, ['on1', 'on2'], [], 'routing group Sales (the global channel is on but none is chosen)'),
  },

  // 2. Account owner.
  { name: '2: mapped owner: DM the owner', in: { owner: 'owner' }, out: dm('account-owner', ['owner'], 'account owner of Acme') },
  {
    name: '2: mapped owner with no account name',
    in: { owner: 'owner', accountName: null },
    out: dm('account-owner', ['owner'], 'account owner of the account'),
  },
  {
    name: '2: offline owner: DMed, and the group notified as well, mentioning the owner',
    in: { owner: 'ownerOff' },
    out: several(
      'account-owner-away',
      [inDm('ownerOff'), inChannel(SALES, ['on1', 'on2', 'ownerOff'], [])],
      'account owner of Acme, who is offline, and routing group Sales',
    ),
  },
  {
    name: '2: owner on DND: DMed, and a one-member group DMed too',
    in: { owner: 'ownerDnd', members: ['on1'] },
    out: several('account-owner-away', [inDm('ownerDnd'), inDm('on1')], 'account owner of Acme, who is on Do Not Disturb, and one-member group'),
  },
  {
    name: '2: owner on DND who is the one-member group: one DM',
    in: { owner: 'ownerDnd', members: ['ownerDnd'] },
    out: several('account-owner-away', [inDm('ownerDnd')], 'account owner of Acme, who is on Do Not Disturb, and one-member group'),
  },
  {
    name: '2: offline owner, group channel unusable: the online members’ DMs as well',
    in: { owner: 'ownerOff', badChannels: [SALES] },
    out: several(
      'account-owner-away',
      [inDm('ownerOff'), inDm('on1'), inDm('on2')],
      'account owner of Acme, who is offline, and fallback to each online member (the channel of Sales cannot be used)',
    ),
  },
  {
    name: '2: offline owner and nowhere else: the owner alone, reason says why',
    in: { owner: 'ownerOff', members: 'none' },
    out: several(
      'account-owner-away',
      [inDm('ownerOff')],
      'account owner of Acme, who is offline (nowhere else to notify: the chat has no routing group; no mapped online member to message)',
    ),
  },
  {
    name: '2: offline owner, global off but chosen: the global channel is not used',
    in: { owner: 'ownerOff', globalChannel: GLOBAL, groupChannel: null, members: ['dnd1', 'off1'] },
    out: several(
      'account-owner-away',
      [inDm('ownerOff')],
      'account owner of Acme, who is offline (nowhere else to notify: Sales has no Slack channel; no mapped online member to message)',
    ),
  },
  {
    name: '2: mapped owner wins over a one-member group',
    in: { owner: 'owner', members: ['on1'] },
    out: dm('account-owner', ['owner'], 'account owner of Acme'),
  },
  { name: '2: mapped owner with no routing group', in: { owner: 'owner', members: 'none' }, out: dm('account-owner', ['owner'], 'account owner of Acme') },
  {
    name: '2: global off with a global channel set: the owner still wins',
    in: { globalChannel: GLOBAL, owner: 'owner' },
    out: dm('account-owner', ['owner'], 'account owner of Acme'),
  },
  {
    name: '2: unmapped owner: falls through to the group channel',
    in: { owner: 'ownerU' },
    out: channel('group-channel', SALES, ['on1', 'on2'], [], 'routing group Sales (the account owner is not mapped to a usable Slack user)'),
  },
  {
    name: '2: deactivated owner: falls through to the group channel',
    in: { owner: 'owner', deactivated: ['U_owner'] },
    out: channel('group-channel', SALES, ['on1', 'on2'], [], 'routing group Sales (the account owner is not mapped to a usable Slack user)'),
  },
  {
    name: '2: owner missing from the agents map: falls through',
    in: { owner: 'nobody' },
    out: channel('group-channel', SALES, ['on1', 'on2'], [], 'routing group Sales (the account owner is not mapped to a usable Slack user)'),
  },
  {
    name: '2: unmapped owner: falls through to a one-member group',
    in: { owner: 'ownerU', members: ['on1'] },
    out: dm('one-member-group', ['on1'], 'one-member group (the account owner is not mapped to a usable Slack user)'),
  },

  // 3. One-member group.
  { name: '3: one mapped member: DM that member', in: { members: ['on1'] }, out: dm('one-member-group', ['on1'], 'one-member group') },
  { name: '3: one mapped member is DMed even when on DND', in: { members: ['dnd1'] }, out: dm('one-member-group', ['dnd1'], 'one-member group') },
  {
    name: '3: one unmapped member: falls through to the group channel, named',
    in: { members: ['onU'] },
    out: channel('group-channel', SALES, [], ['Uma'], 'routing group Sales (the only member is not mapped to a usable Slack user)'),
  },
  {
    name: '3: one deactivated member: falls through to the group channel, named',
    in: { members: ['on1'], deactivated: ['U_on1'] },
    out: channel('group-channel', SALES, [], ['Ana'], 'routing group Sales (the only member is not mapped to a usable Slack user)'),
  },
  {
    name: '3: one member missing from the agents map: named by id',
    in: { members: ['ghost'] },
    out: channel('group-channel', SALES, [], ['ghost'], 'routing group Sales (the only member is not mapped to a usable Slack user)'),
  },

  // 4. Everyone but one on DND.
  {
    name: '4: [dnd, dnd, online mapped]: DM the online one',
    in: { members: ['dnd1', 'dnd2', 'on1'] },
    out: dm('only-member-not-on-dnd', ['on1'], 'all other members on Do Not Disturb'),
  },
  {
    name: '4: [online mapped, dnd]: DM the online one',
    in: { members: ['on2', 'dndU'] },
    out: dm('only-member-not-on-dnd', ['on2'], 'all other members on Do Not Disturb'),
  },
  {
    name: '4: [dnd, dnd, online unmapped]: falls to the group channel',
    in: { members: ['dnd1', 'dnd2', 'onU'] },
    out: channel(
      'group-channel',
      SALES,
      ['dnd1', 'dnd2'],
      ['Uma'],
      'routing group Sales (the one member not on Do Not Disturb is not mapped to a usable Slack user)',
    ),
  },
  {
    name: '4: [dnd, dnd, online deactivated]: falls to the group channel',
    in: { members: ['dnd1', 'dnd2', 'on1'], deactivated: ['U_on1'] },
    out: channel(
      'group-channel',
      SALES,
      ['dnd1', 'dnd2'],
      ['Ana'],
      'routing group Sales (the one member not on Do Not Disturb is not mapped to a usable Slack user)',
    ),
  },
  {
    name: '4: [dnd, offline, online]: two not on DND, so the group channel',
    in: { members: ['dnd1', 'off1', 'on1'] },
    out: channel('group-channel', SALES, ['dnd1', 'off1', 'on1'], [], 'routing group Sales'),
  },
  {
    name: '4: [dnd, dnd, offline]: the one not on DND is offline, so the group channel',
    in: { members: ['dnd1', 'dnd2', 'off1'] },
    out: channel('group-channel', SALES, ['dnd1', 'dnd2', 'off1'], [], 'routing group Sales'),
  },
  {
    name: '4: [dnd, dnd, missing from agents map]: counts as offline, so the group channel',
    in: { members: ['dnd1', 'dnd2', 'ghost'] },
    out: channel('group-channel', SALES, ['dnd1', 'dnd2'], ['ghost'], 'routing group Sales'),
  },
  {
    name: '4: all on DND: the group channel',
    in: { members: ['dnd1', 'dnd2', 'dndU'] },
    out: channel('group-channel', SALES, ['dnd1', 'dnd2'], ['Dana'], 'routing group Sales'),
  },

  // 5. The group's channel.
  { name: '5: group channel mentions the mapped members', in: {}, out: channel('group-channel', SALES, ['on1', 'on2'], [], 'routing group Sales') },
  {
    name: '5: mixed mapped, unmapped and missing members: unmapped named in member order',
    in: { members: ['on1', 'onU', 'dnd1', 'offU', 'ghost', 'off1'] },
    out: channel('group-channel', SALES, ['on1', 'dnd1', 'off1'], ['Uma', 'Otto', 'ghost'], 'routing group Sales'),
  },
  {
    name: '5: a deactivated member is named, not mentioned',
    in: { members: ['on1', 'on2'], deactivated: ['U_on2'] },
    out: channel('group-channel', SALES, ['on1'], ['Ben'], 'routing group Sales'),
  },
  { name: '5: an empty group still posts to its channel', in: { members: [] }, out: channel('group-channel', SALES, [], [], 'routing group Sales') },

  // Off means off: a global channel whose toggle is off is never a fallback.
  {
    name: 'toggle off: group has no channel: the online members, not the global channel',
    in: { globalChannel: GLOBAL, groupChannel: null, members: ['on1', 'onU'] },
    out: dm('fallback-online-members', ['on1'], 'fallback to each online member (Sales has no Slack channel)'),
  },
  {
    name: 'toggle off: group channel archived/deleted/private: the online members',
    in: { globalChannel: GLOBAL, badChannels: [SALES] },
    out: dm('fallback-online-members', ['on1', 'on2'], 'fallback to each online member (the channel of Sales cannot be used)'),
  },
  {
    name: 'toggle off: unmapped owner and unusable group channel: online members, both reasons',
    in: { globalChannel: GLOBAL, owner: 'ownerU', badChannels: [SALES] },
    out: dm(
      'fallback-online-members',
      ['on1', 'on2'],
      'fallback to each online member (the account owner is not mapped to a usable Slack user; the channel of Sales cannot be used)',
    ),
  },
  {
    name: 'toggle off: no routing group: undeliverable, the global channel unused',
    in: { globalChannel: GLOBAL, members: 'none' },
    out: undeliverable('nowhere to notify: the chat has no routing group; no mapped online member to message'),
  },
  {
    name: 'toggle off: unknown routing group: undeliverable',
    in: { globalChannel: GLOBAL, members: 'unknown' },
    out: undeliverable('nowhere to notify: the routing group is unknown; no mapped online member to message'),
  },

  // Fallback: a DM to each mapped online member.
  {
    name: 'fallback: no global channel: DM each mapped online member (DND, offline, unmapped left out)',
    in: { groupChannel: null, members: ['on1', 'dnd1', 'off1', 'onU', 'ghost', 'on2'] },
    out: dm('fallback-online-members', ['on1', 'on2'], 'fallback to each online member (Sales has no Slack channel)'),
  },
  {
    name: 'fallback: a deactivated online member is left out',
    in: { badChannels: [SALES], members: ['on1', 'on2'], deactivated: ['U_on1'] },
    out: dm('fallback-online-members', ['on2'], 'fallback to each online member (the channel of Sales cannot be used)'),
  },
  {
    name: 'fallback: global channel unusable too: DM each mapped online member',
    in: { globalChannel: GLOBAL, badChannels: [SALES, GLOBAL] },
    out: dm('fallback-online-members', ['on1', 'on2'], 'fallback to each online member (the channel of Sales cannot be used)'),
  },
  {
    name: 'fallback: global on and both channels unusable: DMs, every reason',
    in: { global: true, globalChannel: GLOBAL, owner: 'ownerU', badChannels: [SALES, GLOBAL] },
    out: dm(
      'fallback-online-members',
      ['on1', 'on2'],
      'fallback to each online member (the global channel cannot be used; the account owner is not mapped to a usable Slack user; the channel of Sales cannot be used)',
    ),
  },

  // Undeliverable.
  {
    name: 'undeliverable: no routing group, no owner, no global channel',
    in: { members: 'none' },
    out: undeliverable('nowhere to notify: the chat has no routing group; no mapped online member to message'),
  },
  {
    name: 'undeliverable: unknown routing group, unmapped owner',
    in: { members: 'unknown', owner: 'ownerU' },
    out: undeliverable(
      'nowhere to notify: the account owner is not mapped to a usable Slack user; the routing group is unknown; no mapped online member to message',
    ),
  },
  {
    name: 'undeliverable: group channel unusable and nobody online',
    in: { badChannels: [SALES], members: ['dnd1', 'off1', 'offU'] },
    out: undeliverable('nowhere to notify: the channel of Sales cannot be used; no mapped online member to message'),
  },
  {
    name: 'undeliverable: [dnd, dnd, online unmapped] with no channel: no mapped online member',
    in: { groupChannel: null, members: ['dnd1', 'dnd2', 'onU'] },
    out: undeliverable(
      'nowhere to notify: the one member not on Do Not Disturb is not mapped to a usable Slack user; Sales has no Slack channel; no mapped online member to message',
    ),
  },
  {
    name: 'undeliverable: everything refused, with the full reason',
    in: { global: true, globalChannel: GLOBAL, owner: 'owner', members: ['onU'], badChannels: [GLOBAL, SALES], deactivated: ['U_owner'] },
    out: undeliverable(
      'nowhere to notify: the global channel cannot be used; the account owner is not mapped to a usable Slack user; the only member is not mapped to a usable Slack user; the channel of Sales cannot be used; no mapped online member to message',
    ),
  },
  // Held: a channel shared with another company (Slack Connect) since it was chosen, not confirmed.
  {
    name: 'held: the global channel is held, so every chat is, even with a usable group channel and an online owner',
    in: { global: true, globalChannel: GLOBAL, owner: 'owner', held: [GLOBAL] },
    out: undeliverable(
      "held: the global channel (C_GLOBAL) is shared with another company (Slack Connect) and nobody confirmed its visitors' details may be shown there",
    ),
  },
  {
    name: 'held: the group’s channel is held, so its chats are, not sent to an online owner or members instead',
    in: { owner: 'owner', held: [SALES] },
    out: undeliverable(
      "held: the channel of Sales (C_SALES) is shared with another company (Slack Connect) and nobody confirmed its visitors' details may be shown there",
    ),
  },
  {
    name: 'held: a group channel held while a usable global channel takes every chat: the global channel',
    in: { global: true, globalChannel: GLOBAL, held: [SALES] },
    out: channel('global-channel', GLOBAL, ['on1', 'on2'], [], 'global channel'),
  },
  {
    name: 'held: another channel held changes nothing',
    in: { held: ['C_ELSEWHERE'] },
    out: channel('group-channel', SALES, ['on1', 'on2'], [], 'routing group Sales'),
  },
  {
    name: 'undeliverable: global on with none chosen, no group',
    in: { global: true, members: 'none' },
    out: undeliverable('nowhere to notify: the global channel is on but none is chosen; the chat has no routing group; no mapped online member to message'),
  },
];

describe('routeNotification', () => {
  it.each(cases)('$name', ({ in: facts, out }) => {
    expect(routeNotification(input(facts))).toEqual(out);
  });

  it('leaves its inputs untouched', () => {
    const facts = input({ global: true, globalChannel: GLOBAL, owner: 'on1', members: ['on2', 'on1', 'onU'] });
    const before = JSON.stringify({ ...facts, agents: [...facts.agents], unusable: [...facts.unusable.channelIds, ...facts.unusable.slackUserIds] });
    routeNotification(facts);
    expect(JSON.stringify({ ...facts, agents: [...facts.agents], unusable: [...facts.unusable.channelIds, ...facts.unusable.slackUserIds] })).toBe(before);
  });
});
