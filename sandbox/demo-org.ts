// The sandbox's demo org, the same on every run: the ids of the world seed.ts creates (so commands
// saved from one run work on the next), then what makes the settings page and the routing worth
// exploring, added on top of that world: three routing groups (one whose channel the app is in,
// one whose public channel it is not in yet, one with a single member), a target account whose
// owner gets the chat in their DMs, an agent nobody mapped, and a channel shared with a partner
// company (Slack Connect). The end-to-end tests seed only seed.ts's world, with fresh ids.
import type { Launched } from './launch.ts';
import type { WorldIds } from './seed.ts';

export const DEMO_WORLD_IDS: WorldIds = {
  orgId: 'org_demo',
  adminUserId: 'usr_demo_ada',
  teamId: 'T0DEMOACME',
  channelId: 'C0DEMOCHATS',
  agents: {
    alice: { agentId: 'agt_demo_alice', slackUserId: 'U0DEMOALICE' },
    bob: { agentId: 'agt_demo_bob', slackUserId: 'U0DEMOBOB' },
  },
  unmappedSlackUserId: 'U0DEMOCAROL',
};

export interface DemoOrg {
  /** Sales (#website-chats, the app in it), Support (#support, the app not in it), Enterprise (Bob alone: his DMs). */
  routingGroups: { sales: DemoGroup; support: DemoGroup; enterprise: DemoGroup };
  /** A target account: a chat from it goes to its owner's DMs (Alice). */
  account: { id: string; name: string; ownerAgentId: string };
  /** An agent on the platform mapped to nobody in Slack (named in Support's notifications). */
  unmappedAgentId: string;
  supportChannelId: string;
  /** #acme-globex, shared through Slack Connect with Globex's workspace. */
  sharedChannel: { channelId: string; partnerTeamId: string; partnerUserId: string };
}

export interface DemoGroup {
  id: string;
  name: string;
  /** The group's Slack channel, or null for one whose chats go to its member's DMs. */
  channelId: string | null;
}

const ids = {
  dana: 'agt_demo_dana',
  supportChannel: 'C0DEMOSUPPORT',
  sharedChannel: 'C0DEMOGLOBEX',
  partnerTeam: 'T0DEMOGLOBEX',
  partnerUser: 'U0DEMOGRETA',
} as const;

export async function seedDemoOrg(launched: Pick<Launched, 'emulators' | 'store' | 'world'>): Promise<DemoOrg> {
  const { emulators, store, world } = launched;
  const { slack, platform } = emulators;
  const { alice, bob } = world.agents;
  const now = new Date();

  // The app joins #website-chats now, as an admin would add it; #support it joins by itself when
  // the first chat of Support is posted there (a public channel: conversations.join).
  slack.addToChannel(world.channelId, world.botUserId, alice.slackUserId);
  slack.createChannel(world.teamId, { id: ids.supportChannel, name: 'support', memberIds: [alice.slackUserId, world.unmappedSlackUserId] });

  const dana = platform.addAgent(world.orgId, { id: ids.dana, name: 'Dana Unmapped', email: 'dana@acme.test', status: 'online' });
  const groups: Record<'sales' | 'support' | 'enterprise', DemoGroup & { members: string[] }> = {
    sales: { id: 'rg_demo_sales', name: 'Sales', members: [alice.agentId, bob.agentId], channelId: world.channelId },
    support: { id: 'rg_demo_support', name: 'Support', members: [alice.agentId, dana.id], channelId: ids.supportChannel },
    enterprise: { id: 'rg_demo_enterprise', name: 'Enterprise', members: [bob.agentId], channelId: null },
  };
  for (const group of Object.values(groups)) {
    platform.addRoutingGroup(world.orgId, { id: group.id, name: group.name, memberAgentIds: group.members });
    if (group.channelId) await store.slackRouting.setGroupChannel(world.orgId, group.id, group.channelId, now);
  }
  // Routed by group and account: the global channel, which would take every chat, is chosen but off.
  await store.orgSettings.save({ orgId: world.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: world.channelId }, now);

  const partner = slack.createTeam({ id: ids.partnerTeam, name: 'Globex', domain: 'globex' });
  slack.createUser(partner.id, { id: ids.partnerUser, name: 'greta', realName: 'Greta Globex', email: 'greta@globex.test' });
  slack.createChannel(world.teamId, { id: ids.sharedChannel, name: 'acme-globex', memberIds: [alice.slackUserId, bob.slackUserId] });
  slack.addToChannel(ids.sharedChannel, world.botUserId, alice.slackUserId);
  slack.shareChannel(ids.sharedChannel, partner.id);

  const strip = ({ id, name, channelId }: DemoGroup): DemoGroup => ({ id, name, channelId });
  return {
    routingGroups: { sales: strip(groups.sales), support: strip(groups.support), enterprise: strip(groups.enterprise) },
    account: { id: 'acct_demo_initech', name: 'Initech', ownerAgentId: alice.agentId },
    unmappedAgentId: dana.id,
    supportChannelId: ids.supportChannel,
    sharedChannel: { channelId: ids.sharedChannel, partnerTeamId: partner.id, partnerUserId: ids.partnerUser },
  };
}
