// The settings page's Health section and its accessibility, in a real browser (Debian's Chromium
// through playwright-core) against the product and its emulators. The Health section is drawn
// from contract-shaped answers (src/routing/health-items.ts) served in place of
// GET /api/orgs/:orgId/health: every kind of item with its message, fix, link (focus moves to the
// place, highlighted) and action (Connect again opens Slack; Route again POSTs, says so, and checks
// again; a refusal is said next to the item), a failed check saying what to do, a check after each
// Save, and an org not connected yet told to connect first. One test reads the real endpoint for
// the seeded org and finds the section showing what it answers. Then the page at 400 px wide (no
// sideways scroll) and on a desktop, with screenshots; the keyboard (Tab to Save, Enter saves from a
// field, focus on the refused field or on the status, Escape closes the disconnect question); and
// axe-core in each main state: no serious or critical violation. Screenshots land in
// test-artifacts/settings-page/.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { repoRoot } from '../../sandbox/processes.ts';
import { connectThroughOAuth, installLink } from '../../sandbox/seed.ts';
import type { HealthItem, OrgHealth } from '../../src/routing/health-items.ts';

// What page.evaluate runs in the browser: the tests' tsconfig has no DOM types.
declare const document: any, window: any, CSS: any, getComputedStyle: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = `${repoRoot}test-artifacts/settings-page`;
const AXE = `${repoRoot}node_modules/axe-core/axe.min.js`;
const DESKTOP = { width: 1100, height: 900 };
const NARROW = { width: 400, height: 860 };

let h: Harness;
let browser: Browser;
const w: Record<string, string> = {};
/** What the browser reported against the pages' Content-Security-Policy (contexts that keep it). */
const cspViolations: string[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness({ runtime: 'node', name: 'settings-page-health' });
  // Initech: connected, two agents (one mapped), two routing groups (one with a channel), the global channel on.
  const initech = h.platform.createOrg({ name: 'Initech' });
  w['initech'] = initech.id;
  w['initechAdmin'] = h.platform.addAdmin(initech.id, { name: 'Irma Admin', email: 'irma@initech.test' }).id;
  w['nina'] = h.platform.addAgent(initech.id, { name: 'Nina Mapped', email: 'nina@initech.test', status: 'online' }).id;
  w['omar'] = h.platform.addAgent(initech.id, { name: 'Omar Unmapped', email: 'omar@initech.test', status: 'online' }).id;
  w['sales'] = h.platform.addRoutingGroup(initech.id, { name: 'Inbound sales', memberAgentIds: [w['nina']!] }).id;
  w['support'] = h.platform.addRoutingGroup(initech.id, { name: 'Support', memberAgentIds: [w['nina']!, w['omar']!] }).id;
  const team = h.slack.createTeam({ name: 'Initech Corp', domain: 'initech' });
  w['initechTeam'] = team.id;
  const ninaSlack = h.slack.createUser(team.id, { name: 'nina', realName: 'Nina Mapped', email: 'nina@initech.test' });
  const sales = h.slack.createChannel(team.id, { name: 'sales-chats' });
  const all = h.slack.createChannel(team.id, { name: 'all-chats' });
  await connectThroughOAuth(h.slack, await installLink(h.webUrl, h.secrets.adminApiToken, initech.id), { teamId: team.id, userId: ninaSlack.id });
  const now = new Date();
  await h.store.orgSettings.save({ orgId: initech.id, channelIdMode: false, globalChannelEnabled: true, globalChannelId: all.id }, now);
  await h.store.agentMappings.map({ orgId: initech.id, agentId: w['nina']!, teamId: team.id, slackUserId: ninaSlack.id }, now);
  await h.store.slackRouting.setGroupChannel(initech.id, w['sales']!, sales.id, now);
  // Hooli: connected, and nothing on the platform yet (no agents, no routing groups).
  const hooli = h.platform.createOrg({ name: 'Hooli' });
  w['hooli'] = hooli.id;
  w['hooliAdmin'] = h.platform.addAdmin(hooli.id, { name: 'Hank Admin', email: 'hank@hooli.test' }).id;
  const hooliTeam = h.slack.createTeam({ name: 'Hooli HQ', domain: 'hooli' });
  const hank = h.slack.createUser(hooliTeam.id, { name: 'hank', realName: 'Hank Admin' });
  await connectThroughOAuth(h.slack, await installLink(h.webUrl, h.secrets.adminApiToken, hooli.id), { teamId: hooliTeam.id, userId: hank.id });
  // Umbrella: not connected yet.
  const umbrella = h.platform.createOrg({ name: 'Umbrella' });
  w['umbrella'] = umbrella.id;
  w['umbrellaAdmin'] = h.platform.addAdmin(umbrella.id, { name: 'Uma Admin', email: 'uma@umbrella.test' }).id;
  // Globex: installed org-wide on an Enterprise Grid organization, and in no workspace yet.
  const globex = h.platform.createOrg({ name: 'Globex' });
  w['globex'] = globex.id;
  w['globexAdmin'] = h.platform.addAdmin(globex.id, { name: 'Gina Admin', email: 'gina@globex.test' }).id;
  const grid = h.slack.createEnterprise({ name: 'Globex Group' });
  w['globexEnterprise'] = grid.id;
  w['globexSales'] = h.slack.createTeam({ name: 'Globex Sales', enterpriseId: grid.id }).id;
  const gina = h.slack.createUser(w['globexSales'], { name: 'gina', realName: 'Gina Admin' });
  await connectThroughOAuth(h.slack, await installLink(h.webUrl, h.secrets.adminApiToken, globex.id), { enterpriseId: grid.id, userId: gina.id });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const routeAgainPath = (conversationId: string) => `/api/orgs/${w['initech']}/conversations/${conversationId}/route-again`;

/** Initech's health with one item of each kind, as GET /api/orgs/:orgId/health answers it. */
function everyKind(): OrgHealth {
  const support = { id: w['support']!, name: 'Support' };
  const sales = { id: w['sales']!, name: 'Inbound sales' };
  const installUrl = `/slack/install?org=${w['initech']}`;
  const item = (i: Omit<HealthItem, 'since' | 'action' | 'subject'> & Partial<HealthItem>): HealthItem => ({ since: null, action: null, subject: {}, ...i });
  return {
    status: 'problem',
    checkedAt: new Date().toISOString(),
    connection: { status: 'connected', reason: null, workspace: { id: w['initechTeam']!, name: 'Initech Corp' }, missingScopes: ['files:write'] },
    lastSlackEventAt: ago(3),
    lastPlatformWebhookAt: null,
    items: [
      item({
        kind: 'slack_not_connected',
        severity: 'problem',
        message: 'Slack is not connected: no chat reaches your team in Slack.',
        fix: 'Connect Slack and click Allow.',
        anchor: 'connection',
        action: { kind: 'connect-again', url: installUrl },
      }),
      item({
        kind: 'connection_lost',
        severity: 'problem',
        message: 'Slack took back the app’s access to Initech Corp (its token was revoked).',
        fix: 'Connect again: your settings are kept.',
        anchor: 'connection',
        action: { kind: 'connect-again', url: installUrl },
        since: ago(90),
        subject: { code: 'tokens_revoked' },
      }),
      item({
        kind: 'scopes_missing',
        severity: 'warning',
        message: 'The app lacks a permission the current version needs: files:write.',
        fix: 'Connect again and click Allow to grant it.',
        anchor: 'connection',
        action: { kind: 'connect-again', url: installUrl },
        subject: { scopes: ['files:write'] },
      }),
      item({
        kind: 'no_workspace_granted',
        severity: 'problem',
        message: 'The app is installed on the Slack organization Initech Group but is in no workspace yet.',
        fix: 'An admin of the Slack organization adds the app to workspaces.',
        anchor: 'connection',
        action: { kind: 'add-to-workspaces', url: 'https://app.slack.com/manage/E0INITECH/integrations/profile/A0APP/workspaces/add' },
        subject: { organization: { id: 'E0INITECH', name: 'Initech Group' } },
      }),
      item({
        kind: 'group_without_channel',
        severity: 'problem',
        message: 'The routing group Support has no Slack channel.',
        fix: 'Choose a channel for Support.',
        anchor: `group-${support.id}`,
        subject: { routingGroup: support },
      }),
      item({
        kind: 'channel_missing',
        severity: 'problem',
        message: 'The channel of Inbound sales no longer exists in Slack.',
        fix: 'Choose another channel for Inbound sales.',
        anchor: `group-${sales.id}`,
        subject: { routingGroup: sales, channel: { id: 'C0GONE', name: null } },
      }),
      item({
        kind: 'channel_archived',
        severity: 'problem',
        message: 'The global channel #all-chats is archived.',
        fix: 'Unarchive it in Slack, or choose another global channel.',
        anchor: 'global-channel',
        since: ago(60 * 26),
        subject: { channel: { id: 'C0ALL', name: 'all-chats', global: true } },
      }),
      item({
        kind: 'channel_private_without_app',
        severity: 'problem',
        message: 'The app is not in #sales-private, the private channel of Inbound sales.',
        fix: 'In Slack, type @Threadbridge in the channel and click “Add to Channel”.',
        anchor: `group-${sales.id}`,
        subject: { routingGroup: sales, channel: { id: 'C0PRIV', name: 'sales-private' } },
      }),
      item({
        kind: 'channel_refused',
        severity: 'problem',
        message: 'Slack refused the app’s posts in #support-chats (restricted_action).',
        fix: 'Let the app post there in the channel’s settings, or choose another channel for Support.',
        anchor: `group-${support.id}`,
        subject: { routingGroup: support, channel: { id: 'C0SUP', name: 'support-chats' }, code: 'restricted_action' },
      }),
      item({
        kind: 'channel_shared_unconfirmed',
        severity: 'problem',
        message: 'The channel of the routing group Support, #support-partners, became shared with another company (Slack Connect) after it was chosen.',
        fix: 'Confirm the shared channel or choose another channel for Support.',
        anchor: `group-${support.id}`,
        subject: { routingGroup: support, channel: { id: 'C0PART', name: 'support-partners' } },
      }),
      item({
        kind: 'channel_shared_externally',
        severity: 'info',
        message: 'The global channel, #all-chats, is shared with another company (Slack Connect), as Ada Admin confirmed.',
        fix: 'Nothing to do if that is intended; otherwise choose another global channel.',
        anchor: 'global-channel',
        since: ago(60 * 30),
        subject: { channel: { id: 'C0ALL', name: 'all-chats', global: true } },
      }),
      item({
        kind: 'agent_unmapped',
        severity: 'warning',
        message: 'Omar Unmapped is in Support, which has chats, and is not mapped to a Slack user.',
        fix: 'Enter Omar Unmapped’s Slack username.',
        anchor: `agent-${w['omar']}`,
        subject: { agent: { id: w['omar']!, name: 'Omar Unmapped' }, routingGroup: support },
      }),
      item({
        kind: 'chat_undeliverable',
        severity: 'problem',
        message: 'The chat with Visitor 4821 (conv_1, Support) reached nobody: Support has no Slack channel.',
        fix: 'Choose a channel for Support, then Route again.',
        anchor: 'chat-conv_1',
        action: { kind: 'route-again', method: 'POST', path: routeAgainPath('conv_1') },
        since: ago(12),
        subject: { conversation: { id: 'conv_1', visitor: 'Visitor 4821', routingGroup: support, waitingSince: ago(12) }, code: 'no_channel' },
      }),
      item({
        kind: 'chat_waiting',
        severity: 'warning',
        message: 'The chat with pat@example.test (conv_2, Inbound sales) has waited 7 minutes, longer than the answer time.',
        fix: 'Answer it in Slack or in the chat console.',
        anchor: 'chat-conv_2',
        since: ago(7),
        subject: { conversation: { id: 'conv_2', visitor: 'pat@example.test', routingGroup: sales, waitingSince: ago(7) } },
      }),
    ],
  };
}

function allGood(): OrgHealth {
  return {
    status: 'ok',
    checkedAt: new Date().toISOString(),
    connection: { status: 'connected', reason: null, workspace: { id: w['initechTeam']!, name: 'Initech Corp' }, missingScopes: [] },
    lastSlackEventAt: ago(1),
    lastPlatformWebhookAt: ago(4),
    items: [],
  };
}

type HealthAnswer = OrgHealth | { status: number; body: unknown } | 'network-error';
/** Serves GET …/health from `answer()` in place of the API, counting the requests. */
async function serveHealth(p: Page | BrowserContext, answer: () => HealthAnswer): Promise<{ count: () => number }> {
  let count = 0;
  await p.route('**/api/orgs/*/health', async (route: Route) => {
    count++;
    const a = answer();
    if (a === 'network-error') return route.abort('connectionrefused');
    const [status, body] = 'items' in a ? [200, a] : [a.status, a.body];
    return route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  });
  return { count: () => count };
}

function watchCsp(p: Page) {
  p.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
}

/** A fresh browser window signed in through the org's Setup link (or without a session: `admin` null). */
async function open(
  orgId: string,
  admin: string | null,
  options: { viewport?: { width: number; height: number }; health?: () => HealthAnswer; bypassCSP?: boolean } = {},
): Promise<{ page: Page; healthRequests: () => number }> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, bypassCSP: options.bypassCSP ?? false });
  contexts.push(context);
  const health = options.health ? await serveHealth(context, options.health) : { count: () => 0 };
  const page = await context.newPage();
  if (!options.bypassCSP) watchCsp(page);
  await page.goto(admin ? h.launchLink(orgId, admin) : `${h.webUrl}/settings/${orgId}`);
  return { page, healthRequests: health.count };
}

/** The page once it shows what it loaded: the settings (connected), Connect (not), or the signed-out words. */
async function settled(page: Page, state: 'connected' | 'not-connected' | 'signed-out') {
  if (state === 'signed-out') return page.locator('#signed-out').waitFor();
  if (state === 'not-connected') return page.getByText('Slack is not connected yet.').waitFor();
  await page.locator('#settings').waitFor();
  await expect.poll(() => page.textContent('#health-summary'), { timeout: 10_000 }).not.toBe('Checking…');
}

async function closeContexts() {
  for (const c of contexts.splice(0)) await c.close();
}

const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
/** Whether the focused element is the element of this id or inside it. */
const focusIsIn = (page: Page, id: string) => page.evaluate((target) => Boolean(document.activeElement?.closest(`#${CSS.escape(target)}`)), id);

describe('the settings page’s Health section', () => {
  it('shows each kind of item with its fix, a link to the place, and its action; Route again; a failed check; a check after Save', async () => {
    let answer: () => HealthAnswer = everyKind;
    const { page, healthRequests } = await open(w['initech']!, w['initechAdmin']!, { health: () => answer() });
    await settled(page, 'connected');
    // At the top, below the account line and above Activity and Connection.
    expect(await page.evaluate(() => [...document.querySelectorAll('main > section:not([hidden])')].map((s: any) => s.id))).toEqual([
      'health',
      'activity',
      'connection',
    ]);
    await expect
      .poll(() => page.textContent('#health-summary'))
      .toMatch(/^10 problems, 3 warnings and 1 note: each says what to do\. Checked just now \(.+\)\.$/);
    expect(await page.textContent('#health-activity')).toMatch(/^Last event from Slack: 3 minutes ago \(.+\)\. Last webhook from the chat platform: never\.$/);
    expect(await page.getAttribute('#health', 'class')).toBe('health-problem');

    // Each item: severity, message, fix, since when, a link to where it is fixed, and its action.
    const items = everyKind().items;
    const rows = page.locator('#health-items > li');
    expect(await rows.count()).toBe(items.length);
    const expected: Record<
      HealthItem['kind'],
      { link: string | null; action: 'Connect again' | 'Route again' | 'Add to workspaces in Slack (opens in a new tab)' | null }
    > = {
      slack_not_connected: { link: 'Go to Connection', action: 'Connect again' },
      connection_lost: { link: 'Go to Connection', action: 'Connect again' },
      no_workspace_granted: { link: 'Go to Connection', action: 'Add to workspaces in Slack (opens in a new tab)' },
      scopes_missing: { link: 'Go to Connection', action: 'Connect again' },
      group_without_channel: { link: 'Go to the routing group Support', action: null },
      channel_missing: { link: 'Go to the routing group Inbound sales', action: null },
      channel_archived: { link: 'Go to the global channel', action: null },
      channel_private_without_app: { link: 'Go to the routing group Inbound sales', action: null },
      channel_refused: { link: 'Go to the routing group Support', action: null },
      channel_shared_unconfirmed: { link: 'Go to the routing group Support', action: null },
      channel_shared_externally: { link: 'Go to the global channel', action: null },
      agent_unmapped: { link: 'Go to Omar Unmapped', action: null },
      // A chat's own row is its anchor; its link leads to its routing group's channel.
      chat_undeliverable: { link: 'Go to the routing group Support', action: 'Route again' },
      chat_waiting: { link: 'Go to the routing group Inbound sales', action: null },
    };
    for (const [i, item] of items.entries()) {
      const row = rows.nth(i);
      const text = await row.textContent();
      expect(text).toContain(`${{ problem: 'Problem:', warning: 'Warning:', info: 'Note:' }[item.severity]}${item.message}`);
      expect(await row.locator('.fix').textContent()).toBe(item.fix);
      if (item.since) expect(await row.locator('.since').textContent()).toMatch(/^Since (.+ ago|yesterday) \(.+\)\.$/);
      const want = expected[item.kind];
      expect(await row.locator('a.goto').textContent()).toBe(want.link);
      const action = row.locator('.connect-again, .route-again, .add-to-workspaces');
      expect(await action.allTextContents()).toEqual(want.action ? [want.action] : []);
      if (want.action === 'Connect again') expect(await action.getAttribute('href')).toBe((item.action as { url: string }).url);
      // Slack's page opens in a new tab: this one stays, to check again after.
      if (item.action?.kind === 'add-to-workspaces') {
        expect(await action.getAttribute('href')).toBe(item.action.url);
        expect([await action.getAttribute('target'), await action.getAttribute('rel')]).toEqual(['_blank', 'noopener noreferrer']);
      }
      if (item.anchor.startsWith('chat-')) expect(await row.getAttribute('id')).toBe(item.anchor);
    }
    await page.screenshot({ path: `${shots}/20-health-problems.png`, fullPage: true });

    // Every anchor the contract names is on the page.
    for (const id of ['connection', 'chat-handling', 'global-channel', `group-${w['support']}`, `agent-${w['omar']}`, 'chat-conv_1'])
      expect(await page.locator(`[id="${id}"]`).count(), id).toBe(1);

    // A link moves the focus to the place (a row: its field) and highlights it for a moment.
    const places: Array<[link: string, anchor: string, focused: string, highlighted: string]> = [
      ['Go to Connection', 'connection', 'connection', 'connection'],
      ['Go to the global channel', 'global-channel', 'global-channel', 'global-field'],
      ['Go to the routing group Support', `group-${w['support']}`, '', `group-${w['support']}`],
      ['Go to Omar Unmapped', `agent-${w['omar']}`, '', `agent-${w['omar']}`],
    ];
    for (const [link, anchor, focused, highlighted] of places) {
      await page.locator('#health-items a.goto', { hasText: link }).first().click();
      expect(await focusIsIn(page, anchor), link).toBe(true);
      if (focused) expect(await activeId(page)).toBe(focused);
      else expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('INPUT');
      expect(await page.getAttribute(`[id="${highlighted}"]`, 'class'), link).toContain('highlight');
    }
    await expect.poll(() => page.locator('.highlight').count(), { timeout: 5000 }).toBe(0);

    // Route again refused: the API's message next to the item, and the item stays.
    const posts: Array<{ method: string; path: string; body: string | null; contentType: string | undefined; cookie: string | undefined }> = [];
    let routeAgainAnswer: { status: number; body: unknown } = {
      status: 409,
      body: { error: { code: 'conversation_ended', message: 'This chat has ended: there is nothing to route.' } },
    };
    await page.route('**/api/orgs/*/conversations/*/route-again', async (route) => {
      const request = route.request();
      const headers = await request.allHeaders();
      posts.push({
        method: request.method(),
        path: new URL(request.url()).pathname,
        body: request.postData(),
        contentType: headers['content-type'],
        cookie: headers['cookie'],
      });
      await route.fulfill({ status: routeAgainAnswer.status, contentType: 'application/json', body: JSON.stringify(routeAgainAnswer.body) });
    });
    const chat = page.locator('#chat-conv_1');
    await chat.locator('button.route-again').click();
    await expect.poll(() => chat.locator('.action-error').textContent()).toBe('This chat has ended: there is nothing to route.');
    expect(posts).toEqual([
      { method: 'POST', path: routeAgainPath('conv_1'), body: '{}', contentType: 'application/json', cookie: expect.stringMatching(/tb_admin=/) },
    ]);
    expect(await chat.locator('.action-status').textContent()).toBe('');

    // Route again accepted: "Routing again…", then the health is checked again and the chat is gone.
    routeAgainAnswer = { status: 202, body: {} };
    answer = () => ({ ...everyKind(), items: everyKind().items.filter((i) => i.anchor !== 'chat-conv_1') });
    const before = healthRequests();
    await chat.locator('button.route-again').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => chat.locator('.action-status').textContent()).toBe('Routing again…');
    expect(await chat.locator('.action-error').textContent()).toBe('');
    expect(posts).toHaveLength(2);
    expect(posts[1]).toMatchObject({ method: 'POST', path: routeAgainPath('conv_1'), body: '{}', contentType: 'application/json' });
    await expect.poll(() => healthRequests(), { timeout: 6000 }).toBe(before + 1);
    await expect.poll(() => page.locator('#chat-conv_1').count()).toBe(0);
    expect(await page.textContent('#health-summary')).toMatch(/^9 problems, 3 warnings and 1 note: /);
    // The keyboard was on the item that went: it is on the summary now, not lost.
    expect(await activeId(page)).toBe('health-summary');

    // A failed check says so and what to do, never a blank section; Check again asks once more.
    answer = () => ({ status: 500, body: { error: { code: 'internal_error', message: 'Something went wrong on our side' } } });
    await page.click('#health-check');
    await expect.poll(() => page.textContent('#health-summary')).toBe('The health could not be checked.');
    expect(await page.textContent('#health-error')).toBe(
      'The health check failed (Something went wrong on our side). Press Check again in a minute, or reload the page; if your session ended, open Setup again from the chat platform.',
    );
    expect(await page.locator('#health-items > li').count()).toBe(0);
    answer = () => 'network-error';
    await page.click('#health-check');
    await expect
      .poll(() => page.textContent('#health-error'))
      .toBe('Threadbridge could not be reached. Check your network connection, then press Check again or reload the page.');
    await page.screenshot({ path: `${shots}/21-health-check-failed.png`, fullPage: true });

    // All good, checked again after a Save.
    answer = allGood;
    const beforeSave = healthRequests();
    await page.click('#save');
    await expect.poll(() => page.textContent('#save-status'), { timeout: 10_000 }).toBe('Saved.');
    await expect.poll(() => healthRequests()).toBeGreaterThan(beforeSave);
    await expect.poll(() => page.textContent('#health-summary')).toMatch(/^All good: nothing keeps chats from reaching your team\. Checked just now \(.+\)\.$/);
    expect(await page.textContent('#health-activity')).toMatch(
      /^Last event from Slack: 1 minute ago \(.+\)\. Last webhook from the chat platform: 4 minutes ago \(.+\)\.$/,
    );
    expect(await page.textContent('#health-error')).toBe('');
    await page.screenshot({ path: `${shots}/22-health-all-good.png`, fullPage: true });

    // Connect again opens Slack's Allow page with a fresh install link (the item's may be used by now).
    answer = everyKind;
    await page.click('#health-check');
    await page.locator('#health-items a.connect-again').first().click();
    await page.waitForURL(/oauth\/v2\/authorize/);
    expect(cspViolations).toEqual([]);
    await closeContexts();
  }, 90_000);

  it('an org not connected yet is told to connect first, without a check', async () => {
    const { page, healthRequests } = await open(w['umbrella']!, w['umbrellaAdmin']!, { health: allGood });
    await settled(page, 'not-connected');
    expect(await page.textContent('#health-summary')).toBe(
      'Slack is not connected yet: connect it first (Connect Slack, below). This section then shows whether chats reach your team.',
    );
    expect(await page.isVisible('#health-check')).toBe(false);
    expect(healthRequests()).toBe(0);
    expect(cspViolations).toEqual([]);
    await closeContexts();
  });

  it('an org-wide install in no workspace yet: the connection and the health check say so and open Slack’s page for adding it to workspaces in a new tab', async () => {
    const addUrl = `https://app.slack.com/manage/${w['globexEnterprise']}/integrations/profile/${h.slack.calls({ method: 'oauth.v2.access' }).at(-1)!.response.app_id}/workspaces/add`;
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['400px', NARROW],
    ] as const) {
      const { page } = await open(w['globex']!, w['globexAdmin']!, { viewport });
      await settled(page, 'connected');
      expect(await page.textContent('#connection-status')).toBe(
        'The app is installed on the Slack organization Globex Group, but it is in no workspace yet: no chat reaches Slack until an admin of the organization adds it to the workspaces your team works in. Add the app to workspaces in Slack (opens in a new tab)',
      );
      const add = page.locator('#add-to-workspaces');
      expect([await add.getAttribute('href'), await add.getAttribute('target'), await add.getAttribute('rel')]).toEqual([
        addUrl,
        '_blank',
        'noopener noreferrer',
      ]);
      // The Health section's item, from the real endpoint: what is wrong, and the same link.
      const item = page.locator('#health-items > li').first();
      expect(await item.locator('.message').textContent()).toBe(
        'Problem:The app is installed on the Slack organization Globex Group but is in no workspace yet: no chat reaches Slack.',
      );
      expect(await item.locator('a.add-to-workspaces').getAttribute('href')).toBe(addUrl);
      expect(await item.locator('a.add-to-workspaces').getAttribute('target')).toBe('_blank');
      expect(await item.locator('a.goto').textContent()).toBe('Go to Connection');
      // Opening it leaves the settings page where it is: Slack's page (stood in for here) opens in a new tab.
      await page.context().route('https://app.slack.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Slack</title>' }));
      const [tab] = await Promise.all([page.context().waitForEvent('page'), add.click()]);
      await tab.waitForLoadState();
      expect(tab.url()).toBe(addUrl);
      await tab.close();
      expect(page.url()).toContain(`/settings/${w['globex']}`);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth, size).toBeLessThanOrEqual(innerWidth);
      await page.screenshot({ path: `${shots}/24-org-wide-no-workspace-${size}.png`, fullPage: true });
      await closeContexts();
    }

    // Once an org admin adds it to a workspace (Slack's team_access_granted, read by the worker), the
    // connection names the workspace and offers to add more; taken out again, the step is back.
    const workspacesOfGlobex = async () => {
      const r = await fetch(`${h.webUrl}/api/orgs/${w['globex']}/slack`, { headers: { authorization: `Bearer ${h.secrets.adminApiToken}` } });
      return ((await r.json()) as { workspaces: unknown[] }).workspaces.length;
    };
    h.slack.grantTeamAccess(w['globexEnterprise']!, [w['globexSales']!]);
    await expect.poll(workspacesOfGlobex, { timeout: 20_000 }).toBe(1);
    const { page } = await open(w['globex']!, w['globexAdmin']!);
    await settled(page, 'connected');
    expect(await page.textContent('#connection-status')).toBe(
      'Connected to the Slack organization Globex Group, in the workspace Globex Sales. Add it to more workspaces (opens in a new tab)',
    );
    expect(await page.locator('#health-items a.add-to-workspaces').count()).toBe(0);
    await page.screenshot({ path: `${shots}/25-org-wide-granted-desktop.png`, fullPage: true });
    await closeContexts();
    h.slack.revokeTeamAccess(w['globexEnterprise']!, [w['globexSales']!]);
    await expect.poll(workspacesOfGlobex, { timeout: 20_000 }).toBe(0);
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('shows what GET /api/orgs/:orgId/health answers for the seeded org', async () => {
    const res = await fetch(`${h.webUrl}/api/orgs/${h.orgId}/health`, { headers: { authorization: `Bearer ${h.secrets.adminApiToken}` } });
    const body: any = await res.json();
    expect(res.status).toBe(200);
    const health = body as OrgHealth;
    const { page } = await open(h.orgId, h.adminUserId);
    await settled(page, 'connected');
    expect(await page.textContent('#health-error')).toBe('');
    const summary = await page.textContent('#health-summary');
    if (health.items.length === 0) expect(summary).toMatch(/^All good: /);
    else expect(summary).toMatch(/ each says what to do\. Checked /);
    const rows = page.locator('#health-items > li');
    expect(await rows.count()).toBe(health.items.length);
    for (const [i, item] of health.items.entries()) {
      expect(await rows.nth(i).locator('.message').textContent()).toContain(item.message);
      expect(await rows.nth(i).locator('.fix').textContent()).toBe(item.fix);
      expect(await page.locator(`[id="${item.anchor}"]`).count(), item.anchor).toBe(1);
    }
    expect(await page.textContent('#health-activity')).toMatch(
      health.lastSlackEventAt ? /^Last event from Slack: .+ \(.+\)\./ : /^Last event from Slack: never\./,
    );
    await page.screenshot({ path: `${shots}/23-health-real-endpoint.png`, fullPage: true });
    expect(cspViolations).toEqual([]);
    await closeContexts();
  });
});

describe('the settings page: accessible and responsive', () => {
  /** The page's width fits the window: nothing to scroll sideways. */
  const fits = (page: Page) => page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));

  it('fits 400 px without sideways scroll, and a desktop; screenshots of each state', async () => {
    const states: Array<{ name: string; org: string; admin: string | null; state: 'connected' | 'not-connected' | 'signed-out'; health?: () => HealthAnswer }> =
      [
        { name: 'health-problems', org: w['initech']!, admin: w['initechAdmin']!, state: 'connected', health: everyKind },
        { name: 'health-all-good', org: w['initech']!, admin: w['initechAdmin']!, state: 'connected', health: allGood },
        { name: 'empty-routing-groups', org: w['hooli']!, admin: w['hooliAdmin']!, state: 'connected', health: allGood },
        { name: 'not-connected', org: w['umbrella']!, admin: w['umbrellaAdmin']!, state: 'not-connected' },
        { name: 'signed-out', org: w['initech']!, admin: null, state: 'signed-out' },
      ];
    for (const s of states) {
      for (const [size, viewport] of [
        ['400px', NARROW],
        ['desktop', DESKTOP],
      ] as const) {
        const { page } = await open(s.org, s.admin, { viewport, ...(s.health ? { health: s.health } : {}) });
        await settled(page, s.state);
        const { scrollWidth, innerWidth } = await fits(page);
        expect(scrollWidth, `${s.name} at ${size}`).toBeLessThanOrEqual(innerWidth);
        await page.screenshot({ path: `${shots}/30-${s.name}-${size}.png`, fullPage: true });
        if (s.name === 'empty-routing-groups') {
          // The empty tables say what to do instead.
          expect(await page.textContent('#groups-empty')).toContain('No routing groups yet. Create them on the chat platform under Routing Groups');
          expect(await page.isVisible('#groups-table')).toBe(false);
          expect(await page.textContent('#agents-empty')).toContain('No agents yet. Add your team as agents on the chat platform');
        }
        await closeContexts();
      }
    }
    expect(cspViolations).toEqual([]);
  }, 120_000);

  it('every field has a label; Tab reaches Save and Enter saves; focus lands on the refused field or the status; Escape closes the disconnect question', async () => {
    const { page } = await open(w['initech']!, w['initechAdmin']!, { health: allGood });
    await settled(page, 'connected');
    // Every field has a name a screen reader reads: its label, or (in the tables) an aria-label naming its row.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('input, select')].filter((f: any) => f.labels?.length === 0 && !f.getAttribute('aria-label')).map((f: any) => f.outerHTML),
    );
    expect(unnamed).toEqual([]);
    expect(await page.getAttribute(`#agent-${w['omar']} input`, 'aria-label')).toBe('Slack username of Omar Unmapped');
    expect(await page.getAttribute(`#group-${w['support']} input`, 'aria-label')).toBe('Slack channel of Support');

    // A refused value: from the answer-time field, Tab until Save, then Enter.
    await page.fill('#answer-time', '10');
    let tabs = 0;
    while ((await activeId(page)) !== 'save' && tabs++ < 40) await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('save');
    await page.keyboard.press('Enter');
    await expect.poll(() => activeId(page), { timeout: 10_000 }).toBe('answer-time');
    expect(await page.getAttribute('#answer-time', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#answer-time', 'aria-describedby')).toContain('answer-time-error');
    expect(await page.textContent('#answer-time-error')).toContain('a whole number of seconds from 30 to 3600');
    expect(await page.textContent('#save-status')).toBe('One field needs attention.');
    expect(await page.getAttribute('#save-status', 'role')).toBe('status');

    // A refused row: Enter in a field saves too; the keyboard lands on that row's field.
    await page.fill('#answer-time', '60');
    const omar = page.locator(`#agent-${w['omar']} input`);
    await omar.fill('no-such-person');
    await page.press('#answer-time', 'Enter');
    await expect.poll(() => page.textContent(`#agent-${w['omar']}-error`), { timeout: 10_000 }).toContain('@no-such-person');
    expect(await focusIsIn(page, `agent-${w['omar']}`)).toBe(true);
    expect(await omar.getAttribute('aria-invalid')).toBe('true');
    expect(await page.textContent(`#agent-${w['omar']}-error`)).toContain('@no-such-person');
    expect(await page.getAttribute('#answer-time', 'aria-invalid')).toBeNull();
    await page.screenshot({ path: `${shots}/31-keyboard-refused-row.png`, fullPage: true });

    // Fixed: Enter saves, and the keyboard lands on the status that says so.
    await omar.fill('');
    await page.press('#note-prefix', 'Enter');
    await expect.poll(() => page.textContent('#save-status'), { timeout: 10_000 }).toBe('Saved.');
    expect(await activeId(page)).toBe('save-status');
    expect(await h.store.orgSettings.get(w['initech']!)).toMatchObject({ answerTimeMs: 60_000 });

    // The disconnect question: the keyboard goes to Cancel; Escape closes it and returns to Disconnect Slack.
    await page.focus('#disconnect');
    await page.keyboard.press('Enter');
    expect(await page.isVisible('#disconnect-confirm')).toBe(true);
    expect(await activeId(page)).toBe('disconnect-no');
    await page.keyboard.press('Escape');
    expect(await page.isVisible('#disconnect-confirm')).toBe(false);
    expect(await activeId(page)).toBe('disconnect');
    // Focus is visible: an outline, not the browser's default.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle)).toBe('solid');
    expect(cspViolations).toEqual([]);
    await closeContexts();
  }, 60_000);

  it('axe-core finds no serious or critical violation in the page’s main states', async () => {
    // axe is injected as a script of the test's own, which the page's CSP (no inline script) would
    // refuse: these windows bypass the CSP; the other tests keep it and check for violations.
    const states: Array<{
      name: string;
      org: string;
      admin: string | null;
      state: 'connected' | 'not-connected' | 'signed-out';
      health?: () => HealthAnswer;
      viewport?: typeof NARROW;
    }> = [
      { name: 'signed out', org: w['initech']!, admin: null, state: 'signed-out' },
      { name: 'not connected', org: w['umbrella']!, admin: w['umbrellaAdmin']!, state: 'not-connected' },
      { name: 'connected with problems', org: w['initech']!, admin: w['initechAdmin']!, state: 'connected', health: everyKind },
      { name: 'empty routing groups', org: w['hooli']!, admin: w['hooliAdmin']!, state: 'connected', health: allGood },
      { name: 'all good', org: w['initech']!, admin: w['initechAdmin']!, state: 'connected', health: allGood },
      { name: 'with problems at 400 px', org: w['initech']!, admin: w['initechAdmin']!, state: 'connected', health: everyKind, viewport: NARROW },
      { name: 'org-wide install in no workspace yet', org: w['globex']!, admin: w['globexAdmin']!, state: 'connected' },
    ];
    for (const s of states) {
      const { page } = await open(s.org, s.admin, {
        bypassCSP: true,
        ...(s.health ? { health: s.health } : {}),
        ...(s.viewport ? { viewport: s.viewport } : {}),
      });
      await settled(page, s.state);
      await page.addScriptTag({ path: AXE });
      const violations: Array<{ id: string; impact: string; help: string; targets: string[] }> = await page.evaluate(async () => {
        const result = await window.axe.run(document);
        return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n: any) => n.target.join(' ')) }));
      });
      expect(
        violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
        s.name,
      ).toEqual([]);
      await closeContexts();
    }
  }, 120_000);
});
