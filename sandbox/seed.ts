// The demo world shared by the sandbox and the end-to-end tests: a Slack workspace with two reps
// and one person nobody mapped, the org on the chat platform with two agents, the workspace
// connected through the real OAuth flow, and the org's settings and agent mappings stored.
import type { SlackEmulator } from '../emulators/slack/index.ts';
import type { ChatPlatformEmulator } from '../emulators/chat-platform/index.ts';
import type { Store } from '../src/store/index.ts';

export interface SeededWorld {
  orgId: string;
  /** The org's admin on the chat platform: whom its Setup button signs in (launch tokens). */
  adminUserId: string;
  teamId: string;
  channelId: string;
  botUserId: string;
  agents: { alice: { agentId: string; slackUserId: string }; bob: { agentId: string; slackUserId: string } };
  unmappedSlackUserId: string;
}

/**
 * The ids the world is created with, for a world that is the same on every run (the sandbox's, so
 * that commands saved from one run work on the next); without them the emulators make fresh ones.
 */
export type WorldIds = Omit<SeededWorld, 'botUserId'>;

export async function seedWorld(input: {
  slack: SlackEmulator;
  platform: ChatPlatformEmulator;
  store: Store;
  webUrl: string;
  adminToken: string;
  ids?: WorldIds;
}): Promise<SeededWorld> {
  const { slack, platform, store, webUrl, ids } = input;
  // Without ids, `id: undefined`: the emulators make fresh ones.
  const team = slack.createTeam({ name: 'Acme Sales', domain: 'acme-sales', id: ids?.teamId });
  const aliceSlack = slack.createUser(team.id, { name: 'alice', realName: 'Alice Agent', email: 'alice@acme.test', id: ids?.agents.alice.slackUserId });
  const bobSlack = slack.createUser(team.id, { name: 'bob', realName: 'Bob Agent', email: 'bob@acme.test', id: ids?.agents.bob.slackUserId });
  const carol = slack.createUser(team.id, { name: 'carol', realName: 'Carol Unmapped', email: 'carol@acme.test', id: ids?.unmappedSlackUserId });
  const channel = slack.createChannel(team.id, { name: 'website-chats', memberIds: [aliceSlack.id, bobSlack.id, carol.id], id: ids?.channelId });

  const org = platform.createOrg({ name: 'Acme', id: ids?.orgId });
  const admin = platform.addAdmin(org.id, { name: 'Ada Admin', email: 'ada@acme.test', id: ids?.adminUserId });
  const alice = platform.addAgent(org.id, { name: 'Alice Agent', email: 'alice@acme.test', status: 'online', id: ids?.agents.alice.agentId });
  const bob = platform.addAgent(org.id, { name: 'Bob Agent', email: 'bob@acme.test', status: 'online', id: ids?.agents.bob.agentId });

  await connectThroughOAuth(slack, await installLink(webUrl, input.adminToken, org.id), { teamId: team.id, userId: aliceSlack.id });
  const installation = await store.installations.findByTeam(team.id);
  if (!installation) throw new Error('the OAuth callback stored no installation');
  // The app is not added to #website-chats by hand: it joins the channel itself before it
  // opens a thread there, as it would in a real workspace.

  const now = new Date();
  await store.orgSettings.save({ orgId: org.id, channelIdMode: false, globalChannelEnabled: true, globalChannelId: channel.id }, now);
  await store.agentMappings.map({ orgId: org.id, agentId: alice.id, teamId: team.id, slackUserId: aliceSlack.id }, now);
  await store.agentMappings.map({ orgId: org.id, agentId: bob.id, teamId: team.id, slackUserId: bobSlack.id }, now);

  return {
    orgId: org.id,
    adminUserId: admin.id,
    teamId: team.id,
    channelId: channel.id,
    botUserId: installation.botUserId,
    agents: { alice: { agentId: alice.id, slackUserId: aliceSlack.id }, bob: { agentId: bob.id, slackUserId: bobSlack.id } },
    unmappedSlackUserId: carol.id,
  };
}

/** The install link the settings page's Connect button opens, as an operator gets it from the admin API. */
export async function installLink(webUrl: string, adminToken: string, orgId: string): Promise<string> {
  const res = await fetch(`${webUrl}/api/orgs/${encodeURIComponent(orgId)}/slack`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (res.status !== 200) throw new Error(`GET /api/orgs/${orgId}/slack answered ${res.status}: ${await res.text()}`);
  return new URL(((await res.json()) as { installUrl: string }).installUrl, webUrl).toString();
}

/**
 * Connects a workspace (or, with `enterpriseId`, a whole Enterprise Grid organization) the way an
 * admin does: the settings page's install link → Slack's Allow (by `userId`) → callback, in one browser (the install's nonce cookie); throws unless the
 * settings page it lands on answers 200.
 */
export async function connectThroughOAuth(
  slack: SlackEmulator,
  link: string,
  by: { teamId: string; userId: string } | { enterpriseId: string; userId: string },
): Promise<void> {
  const install = await startInstall(link);
  const connected = await install.callBack(slack.approveInstall(install.authorizeUrl, by), { redirect: 'follow' });
  if (connected.status !== 200) throw new Error(`the OAuth callback answered ${connected.status}: ${await connected.text()}`);
}

/** The cookies a response sets, as a Cookie header would send them back. */
export function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/**
 * An install as one browser runs it: GET the install link (with the admin's session cookie for
 * an org admin's link), which leaves the install's nonce cookie, then, after Slack's Allow, the
 * callback with that cookie (the callback refuses a return from Slack that another browser started).
 */
export async function startInstall(
  link: string,
  options: { sessionCookie?: string } = {},
): Promise<{ authorizeUrl: string; cookie: string; callBack(callbackUrl: string, init?: { redirect?: 'follow' | 'manual' }): Promise<Response> }> {
  // An org admin's link works only with the session it was made for (an operator's needs none).
  const install = await fetch(link, { redirect: 'manual', ...(options.sessionCookie ? { headers: { cookie: options.sessionCookie } } : {}) });
  if (install.status !== 302) throw new Error(`GET /slack/install answered ${install.status}: ${await install.text()}`);
  const cookie = cookiesOf(install);
  return {
    authorizeUrl: install.headers.get('location')!,
    cookie,
    callBack: (callbackUrl, init = {}) => fetch(callbackUrl, { headers: { cookie }, redirect: init.redirect ?? 'manual' }),
  };
}
