// The Enterprise Grid end-to-end tests' world (test/e2e/enterprise-grid.scenarios.ts): a Grid
// organization with two workspaces, East and West, and an org on the chat platform that connects
// the whole organization through the real OAuth flow (org-wide install), before any workspace is
// granted. Gina is in both workspaces (one org-wide W… id), Walt only in West; #west-chats is in
// West. A partner company's workspace (Partner Co, outside the organization) shares #west-partners
// with West through Slack Connect.
import type { Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { connectThroughOAuth, installLink } from '../../sandbox/seed.ts';
import type { AdminApi } from './tenant-boundary-world.ts';

export interface GridPerson {
  agentId: string;
  slackUserId: string;
}

export interface GridOrg {
  orgId: string;
  adminUserId: string;
  enterpriseId: string;
  east: { id: string; name: string; channelId: string };
  west: { id: string; name: string; channelId: string; sharedChannelId: string };
  partner: { teamId: string; userId: string };
  gina: GridPerson;
  walt: GridPerson;
  groupId: string;
  /** Names only this org's data carries: none may reach another org. */
  privateNames: string[];
}

/** A Grid organization and its org on the platform, connected org-wide (no workspace granted yet). */
export async function seedGridOrg(h: Harness, prefix: string): Promise<GridOrg> {
  const enterprise = h.slack.createEnterprise({ name: `${prefix} Corp` });
  const slug = prefix.toLowerCase();
  const east = h.slack.createTeam({ name: `${prefix} East`, domain: `${slug}-east`, enterpriseId: enterprise.id });
  const west = h.slack.createTeam({ name: `${prefix} West`, domain: `${slug}-west`, enterpriseId: enterprise.id });
  const gina = h.slack.createUser(east.id, { name: `${slug}-gina`, realName: `Gina of ${prefix}`, email: `gina@${slug}.test` });
  h.slack.addUserToTeam(gina.id, west.id);
  const walt = h.slack.createUser(west.id, { name: `${slug}-walt`, realName: `Walt of ${prefix}`, email: `walt@${slug}.test` });
  const eastChats = h.slack.createChannel(east.id, { name: `${slug}-east-chats`, memberIds: [gina.id] });
  const westChats = h.slack.createChannel(west.id, { name: `${slug}-west-chats`, memberIds: [gina.id, walt.id] });
  const westPartners = h.slack.createChannel(west.id, { name: `${slug}-west-partners`, memberIds: [gina.id, walt.id] });
  const partnerTeam = h.slack.createTeam({ name: `${prefix} Partner Co`, domain: `${slug}-partner` });
  const pat = h.slack.createUser(partnerTeam.id, { name: `${slug}-pat`, realName: `Pat Partner`, email: `pat@${slug}-partner.test` });
  h.slack.shareChannel(westPartners.id, partnerTeam.id);
  h.slack.addToChannel(westPartners.id, pat.id);

  const org = h.platform.createOrg({ name: prefix });
  const admin = h.platform.addAdmin(org.id, { name: `${prefix} Admin`, email: `admin@${slug}.test` });
  const ginaAgent = h.platform.addAgent(org.id, { name: `Gina ${prefix} Agent`, email: `gina@${slug}.test`, status: 'online' });
  const waltAgent = h.platform.addAgent(org.id, { name: `Walt ${prefix} Agent`, email: `walt@${slug}.test`, status: 'online' });
  const group = h.platform.addRoutingGroup(org.id, { name: `${prefix} West Sales`, memberAgentIds: [ginaAgent.id, waltAgent.id] });

  await connectThroughOAuth(h.slack, await installLink(h.webUrl, h.secrets.adminApiToken, org.id), { enterpriseId: enterprise.id, userId: gina.id });

  return {
    orgId: org.id,
    adminUserId: admin.id,
    enterpriseId: enterprise.id,
    east: { id: east.id, name: east.name, channelId: eastChats.id },
    west: { id: west.id, name: west.name, channelId: westChats.id, sharedChannelId: westPartners.id },
    partner: { teamId: partnerTeam.id, userId: pat.id },
    gina: { agentId: ginaAgent.id, slackUserId: gina.id },
    walt: { agentId: waltAgent.id, slackUserId: walt.id },
    groupId: group.id,
    privateNames: [org.id, ginaAgent.id, waltAgent.id, `Gina ${prefix} Agent`, `Walt ${prefix} Agent`, `${prefix} West Sales`],
  };
}

/** The org's admin grants both workspaces; waits until Threadbridge has them and its directory knows both workspaces' channels. */
export async function grantBoth(h: Harness, api: AdminApi, g: GridOrg): Promise<void> {
  h.slack.grantTeamAccess(g.enterpriseId, [g.east.id, g.west.id]);
  await waitFor(
    () => api.call(g.orgId, 'GET', '/slack'),
    (r) => r.status === 200 && Array.isArray(r.body.workspaces) && r.body.workspaces.length === 2,
    { what: `both workspaces granted to ${g.orgId}`, timeoutMs: 30_000 },
  );
  await api.directoryKnows(g.orgId, 'channels/by-name', nameOf(g, 'east'));
  await api.directoryKnows(g.orgId, 'channels/by-name', nameOf(g, 'west'));
  await api.directoryKnows(g.orgId, 'users/by-username', usernameOf(g, 'walt'));
}

const slugOf = (g: GridOrg) => g.east.name.replace(/ East$/, '').toLowerCase();
export const nameOf = (g: GridOrg, which: 'east' | 'west' | 'partners') =>
  which === 'partners' ? `${slugOf(g)}-west-partners` : `${slugOf(g)}-${which}-chats`;
export const usernameOf = (g: GridOrg, who: 'gina' | 'walt') => `${slugOf(g)}-${who}`;
