// End to end: an org-wide install on an Enterprise Grid organization, through the real OAuth flow
// against the Slack emulator, the web process and a worker, run once per worker runtime (Node.js,
// Deno). Right after the install the app is in no workspace: the connection API and the health
// check say so and link to Slack's page for adding it to workspaces, and a chat for a channel there
// reaches no one. An org admin's grant (team_access_granted) reaches the worker, which reads the
// granted workspaces (auth.teams.list): the settings show them, the chat is routed again into the
// channel, and a Join click from there (team null) is the org's; a revocation takes a workspace
// away. Another org can connect neither the organization nor one of its workspaces, and is never
// told whose it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type WorkerRuntime } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { installLink, startInstall } from '../../sandbox/seed.ts';

export function orgWideInstallScenarios(runtime: WorkerRuntime): void {
  let h: Harness;
  const w: Record<string, string> = {};

  async function apiFor(orgId: string, path: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(orgId)}${path}`, {
      headers: { authorization: `Bearer ${h.secrets.adminApiToken}` },
    });
    return { status: response.status, body: await response.json() };
  }

  /** The install as an admin's browser runs it, approved on Slack's page org-wide (`enterpriseId`) or for one workspace (`teamId`). */
  async function install(orgId: string, by: { enterpriseId: string; userId: string } | { teamId: string; userId: string }): Promise<Response> {
    const browser = await startInstall(await installLink(h.webUrl, h.secrets.adminApiToken, orgId));
    return browser.callBack(h.slack.approveInstall(browser.authorizeUrl, by));
  }

  beforeAll(async () => {
    h = await startHarness({ runtime, name: `org-wide-install-${runtime}` });
    const grid = h.slack.createEnterprise({ name: 'Globex Group' });
    w['enterprise'] = grid.id;
    w['sales'] = h.slack.createTeam({ name: 'Globex Sales', enterpriseId: grid.id }).id;
    w['support'] = h.slack.createTeam({ name: 'Globex Support', enterpriseId: grid.id }).id;
    w['admin'] = h.slack.createUser(w['sales']!, { name: 'gina', realName: 'Gina Admin' }).id;
    w['org'] = h.platform.createOrg({ name: 'Globex' }).id;
    w['rival'] = h.platform.createOrg({ name: 'Rival' }).id;
    w['group'] = h.platform.addRoutingGroup(w['org']!, { name: 'Inbound', memberAgentIds: [] }).id;
    w['channel'] = h.slack.createChannel(w['sales']!, { name: 'globex-leads' }).id;
  }, 120_000);

  const chatRecord = (conversationId: string) => h.store.conversations.get(w['org']!, conversationId);

  afterAll(async () => {
    await h?.stop();
  });

  describe(`an org-wide install on an Enterprise Grid organization, with ${runtime} workers`, () => {
    it('is stored as the organization’s, in no workspace yet: the connection and the health check link to Slack’s page for adding it to workspaces', async () => {
      const callback = await install(w['org']!, { enterpriseId: w['enterprise']!, userId: w['admin']! });
      expect(callback.status).toBe(303);
      expect(callback.headers.get('location')).toBe(`/settings/${w['org']}?slack=connected`);
      const appId = h.slack.calls({ method: 'oauth.v2.access' }).at(-1)!.response.app_id as string;
      const addUrl = `https://app.slack.com/manage/${w['enterprise']}/integrations/profile/${appId}/workspaces/add`;

      expect(await apiFor(w['org']!, '/slack')).toMatchObject({
        status: 200,
        body: {
          status: 'connected',
          kind: 'enterprise',
          workspace: { id: w['enterprise'], name: 'Globex Group' },
          organization: { id: w['enterprise'], name: 'Globex Group' },
          workspaces: [],
          addToWorkspacesUrl: addUrl,
        },
      });
      // The worker read the (still empty) grants after the install with the org-wide token.
      await waitFor(
        () => Promise.resolve(h.slack.calls({ method: 'auth.teams.list' })),
        (calls) => calls.some((c) => c.response.ok === true),
        { what: 'the worker to read the granted workspaces', timeoutMs: 20_000 },
      );

      const health = await apiFor(w['org']!, '/health');
      expect(health.status).toBe(200);
      expect(health.body.items[0]).toEqual({
        kind: 'no_workspace_granted',
        severity: 'problem',
        message: 'The app is installed on the Slack organization Globex Group but is in no workspace yet: no chat reaches Slack.',
        fix: expect.stringContaining('Add to workspaces'),
        anchor: 'connection',
        action: { kind: 'add-to-workspaces', url: addUrl },
        since: null,
        subject: { organization: { id: w['enterprise'], name: 'Globex Group' } },
      });

      // A chat for a channel of a workspace the app is not in reaches no one, for now.
      await h.store.slackRouting.setGroupChannel(w['org']!, w['group']!, w['channel']!, new Date());
      w['chat'] = (await h.platform.startConversation(w['org']!, { routingGroupId: w['group']!, visitor: { name: 'Vic' } })).id;
      await waitFor(
        () => chatRecord(w['chat']!),
        (r) => Boolean(r?.undeliverableReason),
        { what: 'the chat to be undeliverable', timeoutMs: 20_000 },
      );
    });

    it('learns the workspaces an org admin adds it to (team_access_granted) and takes out (team_access_revoked)', async () => {
      h.slack.grantTeamAccess(w['enterprise']!, [w['sales']!, w['support']!]);
      const granted = await waitFor(
        () => apiFor(w['org']!, '/slack'),
        (r) => r.body.workspaces?.length === 2,
        { what: 'the connection to list both granted workspaces', timeoutMs: 20_000 },
      );
      expect([...granted.body.workspaces].sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name))).toEqual([
        { id: w['sales'], name: 'Globex Sales' },
        { id: w['support'], name: 'Globex Support' },
      ]);
      const health = await apiFor(w['org']!, '/health');
      expect(health.body.items.map((i: { kind: string }) => i.kind)).not.toContain('no_workspace_granted');
      // The grant routes again the chat that had nowhere to go: it is posted in the workspace's channel now.
      const delivered = await waitFor(
        () => chatRecord(w['chat']!),
        (r) => Boolean(r?.thread),
        { what: 'the undeliverable chat to be routed again after the grant', timeoutMs: 20_000 },
      );
      expect(delivered!.thread!.channelId).toBe(w['channel']);
      expect(h.slack.calls({ method: 'chat.postMessage' }).some((c) => c.params['channel'] === w['channel'] && c.response.ok === true)).toBe(true);

      // A Join click there (team null in the payload) is the org's: the worker answers the clicker,
      // who is not mapped to an agent, with the org-wide token.
      await h.slack.clickButton({
        teamId: w['sales']!,
        userId: w['admin']!,
        channel: w['channel']!,
        messageTs: delivered!.thread!.threadTs,
        actionId: 'claim_chat',
      });
      expect(h.slack.deliveries().at(-1)).toMatchObject({
        kind: 'interaction',
        body: { team: null, is_enterprise_install: true, enterprise: { id: w['enterprise'] } },
      });
      const told = await waitFor(
        () => Promise.resolve(h.slack.calls({ method: 'chat.postEphemeral' }).filter((c) => c.params['user'] === w['admin'])),
        (calls) => calls.length > 0,
        { what: 'the clicker to be told they cannot take the chat', timeoutMs: 20_000 },
      );
      expect(told[0]!.params['text']).toContain('You cannot take this chat');

      h.slack.revokeTeamAccess(w['enterprise']!, [w['support']!]);
      const revoked = await waitFor(
        () => apiFor(w['org']!, '/slack'),
        (r) => r.body.workspaces?.length === 1,
        { what: 'the connection to drop the revoked workspace', timeoutMs: 20_000 },
      );
      expect(revoked.body.workspaces).toEqual([{ id: w['sales'], name: 'Globex Sales' }]);
    });

    it('another org can connect neither the organization nor one of its workspaces, and is not told whose it is', async () => {
      const orgWide = await install(w['rival']!, { enterpriseId: w['enterprise']!, userId: w['admin']! });
      expect(orgWide.status).toBe(409);
      expect(orgWide.headers.get('x-error-code')).toBe('workspace_taken');
      const page = await orgWide.text();
      expect(page).toContain('Slack organization Globex Group');
      expect(page).not.toContain(w['org']!);
      expect(page).not.toContain('Globex</');

      const oneWorkspace = await install(w['rival']!, { teamId: w['support']!, userId: h.slack.createUser(w['support']!, { name: 'rita' }).id });
      expect(oneWorkspace.status).toBe(409);
      expect(oneWorkspace.headers.get('x-error-code')).toBe('workspace_taken');
      expect(await oneWorkspace.text()).not.toContain(w['org']!);
      // The refused workspace install is an installation of its own at Slack: its token was given back
      // (left live, Slack could deliver the workspace's events to it instead of the organization's).
      const revoked = h.slack.calls({ method: 'auth.revoke' }).filter((c) => c.teamId === w['support']);
      expect(revoked.map((c) => c.response.ok)).toEqual([true]);
      expect((await apiFor(w['rival']!, '/slack')).body.status).toBe('not-connected');
      expect((await apiFor(w['org']!, '/slack')).body).toMatchObject({ status: 'connected', kind: 'enterprise' });
    });
  });
}
