// orgHealth: the integration's health from the facts gathered about an org. Each row changes the
// facts of a healthy org in one way and names the items that follow (kind, severity, anchor,
// action, what it is about), and words the message must say (the org's own names).
import { describe, expect, it } from 'vitest';
import { orgHealth, type HealthFacts, type HealthItem } from '../../src/routing/health-items.ts';
import { undeliverableReasons } from '../../src/routing/undeliverable-reasons.ts';

const NOW = new Date('2026-12-07T10:00:00.000Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const INSTALL_URL = 'https://tb.test/slack/install?ticket=t';
const ROUTE_AGAIN = (id: string) => ({ kind: 'route-again', method: 'POST', path: `/api/orgs/org_1/conversations/${id}/route-again` });
const CONNECT = { kind: 'connect-again', url: INSTALL_URL };

const found = (name: string, over: Partial<{ isArchived: boolean; isPrivate: boolean; isMember: boolean; isExtShared: boolean }> = {}) =>
  ({ kind: 'found', name, isArchived: false, isPrivate: false, isMember: true, ...over }) as const;

/** A healthy org: connected with every scope, Sales in #sales with both members mapped, Support in #support. */
function healthy(): HealthFacts {
  return {
    orgId: 'org_1',
    now: NOW,
    installUrl: INSTALL_URL,
    requiredScopes: ['chat:write', 'channels:join'],
    installation: {
      teamId: 'T1',
      teamName: 'Acme',
      kind: 'workspace',
      appId: 'A1',
      workspaces: [{ id: 'T1', name: 'Acme' }],
      status: 'active',
      disconnectReason: null,
      scopes: ['chat:write', 'channels:join'],
      updatedAt: ago(600),
    },
    settings: { globalChannelEnabled: false, globalChannelId: null, answerTimeMs: 120_000 },
    groups: [
      { id: 'g_sales', name: 'Sales', memberAgentIds: ['a_ana', 'a_ben'], channelId: 'C_SALES' },
      { id: 'g_support', name: 'Support', memberAgentIds: ['a_dan'], channelId: 'C_SUPPORT' },
    ],
    agents: [
      { id: 'a_ana', name: 'Ana Lopez' },
      { id: 'a_ben', name: 'Ben Ode' },
      { id: 'a_dan', name: 'Dan Unmapped' },
    ],
    mappedAgentIds: new Set(['a_ana', 'a_ben']),
    channels: new Map([
      ['C_SALES', found('sales')],
      ['C_SUPPORT', found('support')],
      ['C_GLOBAL', found('all-chats')],
    ]),
    refusedChannels: new Map(),
    channelTroubleSince: new Map(),
    undeliverable: [],
    openChats: [{ conversationId: 'c_ok', visitorName: 'Vera', routingGroupId: 'g_sales', startedAt: ago(1), answered: false }],
    lastSlackEventAt: ago(2),
    lastPlatformWebhookAt: ago(1),
  };
}

type Expected = Pick<HealthItem, 'kind' | 'severity' | 'anchor'> & {
  action?: unknown;
  says: string[];
  subject?: Partial<HealthItem['subject']>;
  since?: string | null;
};

const rows: Array<[what: string, change: (f: HealthFacts) => void, expected: Expected[]]> = [
  [
    'Slack never connected',
    (f) => {
      f.installation = null;
    },
    [{ kind: 'slack_not_connected', severity: 'problem', anchor: 'connection', action: CONNECT, says: ['not connected'] }],
  ],
  ...(
    [
      ['tokens_revoked', 'revoked', 'tokens_revoked'],
      ['app_uninstalled', 'removed', 'app_uninstalled'],
      ['token_refresh_failed:invalid_refresh_token', 'invalid_refresh_token', 'invalid_refresh_token'],
      ['disconnected_by_admin', 'disconnected', 'disconnected_by_admin'],
    ] as const
  ).map(([reason, word, code]): [string, (f: HealthFacts) => void, Expected[]] => [
    `the connection lost: ${reason}`,
    (f) => {
      f.installation = { ...f.installation!, status: 'disconnected', disconnectReason: reason };
    },
    [{ kind: 'connection_lost', severity: 'problem', anchor: 'connection', action: CONNECT, says: ['Acme', word], subject: { code } }],
  ]),
  [
    'a scope the manifest needs is missing',
    (f) => {
      f.installation!.scopes = ['chat:write'];
    },
    [{ kind: 'scopes_missing', severity: 'problem', anchor: 'connection', action: CONNECT, says: ['channels:join'], subject: { scopes: ['channels:join'] } }],
  ],
  [
    'a group without a channel, nothing else on',
    (f) => {
      f.groups[1]!.channelId = null;
    },
    [{ kind: 'group_without_channel', severity: 'problem', anchor: 'group-g_support', says: ['Support', 'direct messages'] }],
  ],
  [
    'a group without a channel while the global channel is on',
    (f) => {
      f.groups[1]!.channelId = null;
      f.settings.globalChannelEnabled = true;
      f.settings.globalChannelId = 'C_GLOBAL';
    },
    [{ kind: 'group_without_channel', severity: 'warning', anchor: 'group-g_support', says: ['Support', 'global channel'] }],
  ],
  [
    'a group’s channel deleted',
    (f) => {
      (f.channels as Map<string, unknown>).set('C_SALES', { kind: 'missing' });
    },
    [
      {
        kind: 'channel_missing',
        severity: 'problem',
        anchor: 'group-g_sales',
        says: ['Sales', 'C_SALES'],
        subject: { channel: { id: 'C_SALES', name: null } },
      },
    ],
  ],
  [
    'a group’s channel archived (the workers met it 30 minutes ago)',
    (f) => {
      (f.channels as Map<string, unknown>).set('C_SALES', found('sales', { isArchived: true }));
      (f.channelTroubleSince as Map<string, Date>).set('C_SALES', ago(30));
    },
    [{ kind: 'channel_archived', severity: 'problem', anchor: 'group-g_sales', says: ['Sales', '#sales', 'archived'], since: ago(30).toISOString() }],
  ],
  [
    'a group’s private channel without the app',
    (f) => {
      (f.channels as Map<string, unknown>).set('C_SALES', found('sales', { isPrivate: true, isMember: false }));
    },
    [{ kind: 'channel_private_without_app', severity: 'problem', anchor: 'group-g_sales', says: ['#sales', 'private'] }],
  ],
  [
    'Slack refused a post in a group’s channel',
    (f) => {
      (f.refusedChannels as Map<string, unknown>).set('C_SUPPORT', { code: 'restricted_action', since: ago(5) });
    },
    [
      {
        kind: 'channel_refused',
        severity: 'problem',
        anchor: 'group-g_support',
        says: ['#support', 'restricted_action'],
        subject: { code: 'restricted_action' },
      },
    ],
  ],
  [
    'the global channel archived while it is on',
    (f) => {
      f.settings.globalChannelEnabled = true;
      f.settings.globalChannelId = 'C_GLOBAL';
      (f.channels as Map<string, unknown>).set('C_GLOBAL', found('all-chats', { isArchived: true }));
    },
    [
      {
        kind: 'channel_archived',
        severity: 'problem',
        anchor: 'global-channel',
        says: ['global channel', '#all-chats'],
        subject: { channel: { id: 'C_GLOBAL', name: 'all-chats', global: true } },
      },
    ],
  ],
  [
    'the global channel archived while it is off: nothing',
    (f) => {
      f.settings.globalChannelId = 'C_GLOBAL';
      (f.channels as Map<string, unknown>).set('C_GLOBAL', found('all-chats', { isArchived: true }));
    },
    [],
  ],
  [
    'an unmapped agent in a group with a waiting chat',
    (f) => {
      f.openChats.push({ conversationId: 'c_sup', visitorName: 'Sam', routingGroupId: 'g_support', startedAt: ago(1), answered: false });
    },
    [
      {
        kind: 'agent_unmapped',
        severity: 'problem',
        anchor: 'agent-a_dan',
        says: ['Dan Unmapped', 'Support', '1 open chat'],
        subject: { agent: { id: 'a_dan', name: 'Dan Unmapped' } },
      },
    ],
  ],
  [
    'an unmapped agent in a group with an answered chat only',
    (f) => {
      f.openChats.push({ conversationId: 'c_sup', visitorName: 'Sam', routingGroupId: 'g_support', startedAt: ago(1), answered: true });
    },
    [{ kind: 'agent_unmapped', severity: 'warning', anchor: 'agent-a_dan', says: ['Dan Unmapped'] }],
  ],
  [
    'an undeliverable chat',
    (f) => {
      const chat = { conversationId: 'c_lost', visitorName: 'Lee', routingGroupId: 'g_sales', startedAt: ago(10) };
      f.undeliverable.push({ ...chat, reason: undeliverableReasons.nowhere(['Sales has no Slack channel']) });
      f.openChats.push({ ...chat, answered: false });
    },
    [
      {
        kind: 'chat_undeliverable',
        severity: 'problem',
        anchor: 'chat-c_lost',
        action: ROUTE_AGAIN('c_lost'),
        says: ['c_lost', 'Lee', 'Sales', 'nowhere to notify'],
        subject: {
          code: 'no_target',
          conversation: { id: 'c_lost', visitor: 'Lee', routingGroup: { id: 'g_sales', name: 'Sales' }, waitingSince: ago(10).toISOString() },
        },
      },
    ],
  ],
  [
    'a group’s channel shared with another company, confirmed: worth knowing, nothing wrong',
    (f) => {
      f.channels = new Map([...f.channels, ['C_SALES', found('sales', { isExtShared: true })]]);
      f.sharedChannelConfirmations = new Map([['C_SALES', { by: 'Ada Admin', at: ago(60) }]]);
    },
    [
      {
        kind: 'channel_shared_externally',
        severity: 'info',
        anchor: 'group-g_sales',
        says: ['Sales', '#sales', 'shared with another company', 'visible', 'Ada Admin', '2026-12-07'],
        subject: { routingGroup: { id: 'g_sales', name: 'Sales' }, channel: { id: 'C_SALES', name: 'sales' } },
        since: ago(60).toISOString(),
      },
    ],
  ],
  [
    'a group’s channel shared with another company since it was chosen, not confirmed: its chats are held',
    (f) => {
      f.channels = new Map([...f.channels, ['C_SUPPORT', found('support', { isExtShared: true })]]);
      f.sharedChannelConfirmations = new Map([['C_SALES', { by: 'Ada Admin', at: ago(60) }]]);
    },
    [
      {
        kind: 'channel_shared_unconfirmed',
        severity: 'problem',
        anchor: 'group-g_support',
        says: ['Support', '#support', 'became shared with another company', 'held'],
        subject: { routingGroup: { id: 'g_support', name: 'Support' }, channel: { id: 'C_SUPPORT', name: 'support' } },
      },
    ],
  ],
  [
    'the global channel shared and not confirmed: a problem; the groups’ channels, not used meanwhile, are not',
    (f) => {
      f.settings = { ...f.settings, globalChannelEnabled: true, globalChannelId: 'C_GLOBAL' };
      f.channels = new Map([...f.channels, ['C_GLOBAL', found('all-chats', { isExtShared: true })]]);
    },
    [
      {
        kind: 'channel_shared_unconfirmed',
        severity: 'problem',
        anchor: 'global-channel',
        says: ['The global channel', '#all-chats', 'held'],
        subject: { channel: { id: 'C_GLOBAL', name: 'all-chats', global: true } },
      },
    ],
  ],
  [
    'a chat held for a channel shared and not confirmed: its fix says confirm or pick another channel',
    (f) => {
      f.channels = new Map([...f.channels, ['C_SUPPORT', found('support', { isExtShared: true })]]);
      const chat = { conversationId: 'c_held', visitorName: 'Hal', routingGroupId: 'g_support', startedAt: ago(4) };
      f.undeliverable.push({ ...chat, reason: undeliverableReasons.sharedChannelUnconfirmed('the channel of Support (C_SUPPORT)') });
    },
    [
      { kind: 'channel_shared_unconfirmed', severity: 'problem', anchor: 'group-g_support', says: ['#support'] },
      {
        kind: 'chat_undeliverable',
        severity: 'problem',
        anchor: 'chat-c_held',
        action: ROUTE_AGAIN('c_held'),
        says: ['c_held', 'Hal', 'Support', 'shared with another company'],
        subject: { code: 'channel_shared_unconfirmed' },
      },
    ],
  ],
  [
    'a chat waiting longer than the answer time',
    (f) => {
      f.openChats[0]!.startedAt = ago(5);
    },
    [{ kind: 'chat_waiting', severity: 'warning', anchor: 'chat-c_ok', action: null, says: ['c_ok', 'Vera', 'Sales', '5 minutes', '2 minutes'] }],
  ],
  [
    'a chat waiting long with no answer time: nothing',
    (f) => {
      f.openChats[0]!.startedAt = ago(50);
      f.settings.answerTimeMs = null;
    },
    [],
  ],
];

describe('orgHealth', () => {
  it('is ok for a healthy org, with the connection and the last activity', () => {
    expect(orgHealth(healthy())).toEqual({
      status: 'ok',
      checkedAt: NOW.toISOString(),
      connection: { status: 'connected', reason: null, workspace: { id: 'T1', name: 'Acme' }, missingScopes: [] },
      lastSlackEventAt: ago(2).toISOString(),
      lastPlatformWebhookAt: ago(1).toISOString(),
      items: [],
    });
  });

  it.each(rows)('%s', (_what, change, expected) => {
    const facts = healthy();
    change(facts);
    const health = orgHealth(facts);
    expect(health.items.map((i) => [i.kind, i.severity, i.anchor])).toEqual(expected.map((e) => [e.kind, e.severity, e.anchor]));
    for (const [i, e] of expected.entries()) {
      const item = health.items[i]!;
      if (e.action !== undefined) expect(item.action).toEqual(e.action);
      for (const word of e.says) expect(item.message).toContain(word);
      expect(item.fix.length).toBeGreaterThan(0);
      if (e.subject) expect(item.subject).toMatchObject(e.subject);
      if (e.since !== undefined) expect(item.since).toBe(e.since);
    }
    const worst = expected.some((e) => e.severity === 'problem') ? 'problem' : expected.some((e) => e.severity === 'warning') ? 'warning' : 'ok';
    expect(health.status).toBe(worst);
  });

  it('names a disconnected connection’s reason without Slack’s code', () => {
    const facts = healthy();
    facts.installation = { ...facts.installation!, status: 'disconnected', disconnectReason: 'token_refresh_failed:invalid_refresh_token' };
    expect(orgHealth(facts).connection).toEqual({
      status: 'disconnected',
      reason: 'token_refresh_failed',
      workspace: { id: 'T1', name: 'Acme' },
      missingScopes: [],
    });
  });

  it('says connect, and still lists the chats, when Slack is not connected', () => {
    const facts = healthy();
    facts.installation = null;
    facts.undeliverable.push({
      conversationId: 'c_x',
      visitorName: null,
      routingGroupId: null,
      startedAt: ago(3),
      reason: undeliverableReasons.notConnected(),
    });
    const health = orgHealth(facts);
    expect(health.connection.status).toBe('not-connected');
    expect(health.items.map((i) => i.kind)).toEqual(['slack_not_connected', 'chat_undeliverable']);
    expect(health.items[1]!.message).toContain('an unnamed visitor');
    expect(health.items[1]!.fix).toContain('Connect Slack');
  });

  it('a held chat’s fix says to confirm the shared channel or pick another', () => {
    const facts = healthy();
    facts.undeliverable.push({
      conversationId: 'c_h',
      visitorName: 'Hal',
      routingGroupId: 'g_support',
      startedAt: ago(3),
      reason: undeliverableReasons.sharedChannelUnconfirmed('the channel of Support (C_SUPPORT)'),
    });
    const fix = orgHealth(facts).items.find((i) => i.kind === 'chat_undeliverable')!.fix;
    expect(fix).toContain('Confirm the channel shared with another company');
    expect(fix).toContain('pick another channel');
  });

  const orgWide = (facts: HealthFacts, workspaces: Array<{ id: string; name: string }>) => {
    facts.installation = { ...facts.installation!, teamId: 'E1', teamName: 'Acme Group', kind: 'enterprise', appId: 'A0APP', workspaces };
  };

  it('an org-wide install in no workspace yet: one item linking to Slack’s page for adding it to workspaces, and the chats', () => {
    const facts = healthy();
    orgWide(facts, []);
    facts.undeliverable.push({
      conversationId: 'c_x',
      visitorName: 'Vera',
      routingGroupId: 'g_sales',
      startedAt: ago(3),
      reason: 'Slack answered channel_not_found',
    });
    const health = orgHealth(facts);
    expect(health.items.map((i) => [i.kind, i.severity, i.anchor])).toEqual([
      ['no_workspace_granted', 'problem', 'connection'],
      ['chat_undeliverable', 'problem', 'chat-c_x'],
    ]);
    const [first] = health.items;
    expect(first!.message).toBe('The app is installed on the Slack organization Acme Group but is in no workspace yet: no chat reaches Slack.');
    expect(first!.fix).toContain('Add to workspaces');
    expect(first!.action).toEqual({ kind: 'add-to-workspaces', url: 'https://app.slack.com/manage/E1/integrations/profile/A0APP/workspaces/add' });
    expect(first!.subject).toEqual({ organization: { id: 'E1', name: 'Acme Group' } });
    expect(health.status).toBe('problem');
  });

  it('an org-wide install added to a workspace is checked as a workspace install is', () => {
    const facts = healthy();
    orgWide(facts, [{ id: 'T1', name: 'Acme Sales' }]);
    expect(orgHealth(facts)).toMatchObject({ status: 'ok', items: [], connection: { status: 'connected', workspace: { id: 'E1', name: 'Acme Group' } } });
  });
});
