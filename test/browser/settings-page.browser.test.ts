// The settings page in a real browser (Debian's Chromium, driven by playwright-core), against
// the product and its emulators: an org admin opens it from the platform's Setup link (a launch
// token, never the operator token), connects Slack through the emulator's OAuth pages and lands
// back on the settings page by itself, maps the suggested agents in one click (a refusal
// shown next to its row), maps two agents by hand, gives a routing group a channel by name,
// sees whether the app is in each channel (and the app joining the public ones on Save), switches
// to channel-ID mode and gives another group a channel by ID, turns the global channel on, saves,
// reloads, and finds it all kept; sets how chats are handled (answer time, escalation, alerts-only,
// note prefix), each refusal next to its field; a wrong username is shown next to its field; the global channel
// turned off sends no channel; each section shows its last change and who made it (by name); the
// page names the org and the admin (the ids from a platform that sends no names); Disconnect
// revokes the connection and Connect makes it again, settings kept; a window without a session
// says to open Setup again; a Setup link of another org asks before switching; no
// Content-Security-Policy violation anywhere. Screenshots land in
// test-artifacts/.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';

// What page.evaluate runs in the browser: the tests' tsconfig has no DOM types.
declare const document: any;
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { repoRoot } from '../../sandbox/processes.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = `${repoRoot}test-artifacts/settings-page`;

let h: Harness;
let browser: Browser;
let page: Page;
const w: Record<string, string> = {};
/** What the browser reported against the pages' Content-Security-Policy. */
const cspViolations: string[] = [];

async function shot(name: string) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness({ runtime: 'node', name: 'settings-page' });
  // A second org and workspace, not connected yet: what a new customer starts from.
  const org = h.platform.createOrg({ name: 'Globex' });
  w['orgId'] = org.id;
  w['admin'] = h.platform.addAdmin(org.id, { name: 'Gail Admin', email: 'gail@globex.test' }).id;
  w['erin'] = h.platform.addAgent(org.id, { name: 'Erin Sales', email: 'erin@globex.test', status: 'online' }).id;
  w['frank'] = h.platform.addAgent(org.id, { name: 'Frank Support', email: 'frank@globex.test', status: 'dnd' }).id;
  w['gina'] = h.platform.addAgent(org.id, { name: 'Gina Unmapped', email: 'gina@globex.test', status: 'offline' }).id;
  // Agents whose Slack accounts have the same email: suggested.
  w['hal'] = h.platform.addAgent(org.id, { name: 'Hal Suggested', email: 'hal@globex.test', status: 'online' }).id;
  w['ivy'] = h.platform.addAgent(org.id, { name: 'Ivy Suggested', email: 'ivy@globex.test', status: 'online' }).id;
  w['salesGroup'] = h.platform.addRoutingGroup(org.id, { name: 'Inbound sales', memberAgentIds: [w['erin']!] }).id;
  w['supportGroup'] = h.platform.addRoutingGroup(org.id, { name: 'Support', memberAgentIds: [w['frank']!] }).id;
  const team = h.slack.createTeam({ name: 'Globex Corp', domain: 'globex' });
  w['teamId'] = team.id;
  w['installer'] = h.slack.createUser(team.id, { name: 'erin.s', realName: 'Erin Sales' }).id;
  h.slack.createUser(team.id, { name: 'frank.s', realName: 'Frank Support' });
  w['halSlack'] = h.slack.createUser(team.id, { name: 'hal.s', realName: 'Hal Suggested', email: 'HAL@Globex.test' }).id;
  w['ivySlack'] = h.slack.createUser(team.id, { name: 'ivy', realName: 'Ivy Suggested', email: 'ivy@globex.test' }).id;
  w['inboundChannel'] = h.slack.createChannel(team.id, { name: 'inbound-leads' }).id;
  w['supportChannel'] = h.slack.createChannel(team.id, { name: 'support-chats' }).id;
  h.slack.createChannel(team.id, { name: 'all-chats' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
}, 120_000);

/** What the admin API says, as the page would read it. */
async function adminGet(path: string): Promise<any> {
  const res = await fetch(`${h.webUrl}/api/orgs/${w['orgId']}${path}`, { headers: { authorization: `Bearer ${h.secrets.adminApiToken}` } });
  return res.json();
}

/** A Save runs several requests, then reloads the settings: more than expect.poll’s 1 s on a loaded machine (seen here). */
const SAVED = { timeout: 10_000 };
const joinsOf = (channel: string) => h.slack.calls({ method: 'conversations.join', teamId: w['teamId'] }).filter((c) => c.params['channel'] === channel);
const mark = (groupId: string) => page.textContent(`tr[data-group-id="${groupId}"] .membership`);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('the Slack integration settings page', () => {
  it('connect, map two agents, channels by name and by ID, the global channel; all kept after a reload', async () => {
    const settingsUrl = `${h.webUrl}/settings/${w['orgId']}`;
    // The platform's Setup button: a fresh launch token for Globex's admin.
    const launchLink = h.launchLink(w['orgId'], w['admin']);
    await page.goto(launchLink);
    // The token leaves the address bar (and the history) at once.
    expect(page.url()).toBe(settingsUrl);
    await page.getByText('Slack is not connected yet.').waitFor();
    const [sessionCookie] = await page.context().cookies(h.webUrl);
    expect(sessionCookie).toMatchObject({ name: 'tb_admin', httpOnly: true, sameSite: 'Strict', path: '/' });
    // Which org and who: the names the platform's launch token gave, at the top and on Connect.
    await expect.poll(() => page.textContent('#who')).toBe('Globex · signed in as Gail Admin');
    expect(await page.isVisible('#who')).toBe(true);
    expect(await page.textContent('#connect-hint')).toContain('Connects a Slack workspace to Globex.');
    expect(await page.title()).toBe('Slack integration settings · Globex');
    await shot('1-not-connected');

    // Connect: Slack's consent page (the emulator's), pick the workspace, Allow.
    await page.click('#connect');
    await page.waitForURL(/oauth\/v2\/authorize/);
    await page.check(`input[name=team_id][value=${w['teamId']}]`);
    await shot('2-slack-consent');
    await page.click('#allow');
    // Back on the settings page by itself, connected, the admin token still held by the tab.
    await expect.poll(() => page.textContent('#workspace-name')).toBe('Globex Corp');
    expect(await page.isVisible('#connected-note')).toBe(true);
    expect(await page.textContent('#connection-status')).toBe('Connected to the Slack workspace Globex Corp.');
    expect(page.url()).toBe(settingsUrl);
    expect(await page.isVisible('#connect')).toBe(false);
    expect(await page.isVisible('#signed-out')).toBe(false);
    await expect.poll(() => page.textContent('#connection-change')).toMatch(/^Last change: Slack connected, .+, by Gail Admin\.$/);
    await shot('3a-back-from-slack');

    // A group already pointed at a public channel the app was never added to (set elsewhere).
    await h.store.slackRouting.setGroupChannel(w['orgId']!, w['supportGroup']!, w['supportChannel']!, new Date());
    // The directory syncs in the background; suggestions come from it.
    await waitFor(
      async () => {
        await page.reload();
        return page.textContent('#directory-status');
      },
      (t) => /channels: \d+ \(synced/.test(t ?? '') && /users: \d+ \(synced/.test(t ?? ''),
      { what: 'the directory synced', timeoutMs: 60_000, intervalMs: 500 },
    );
    const unmapped = page.locator(`tr[data-agent-id="${w['gina']}"] .unmapped`);
    await expect.poll(() => unmapped.textContent()).toContain('Not mapped');
    expect(await mark(w['supportGroup']!)).toBe('Threadbridge is not in this channel yet: it joins when you save.');
    await shot('3-connected');

    // Suggestions by email, under their agents; none for Gina (no Slack user has her email).
    await expect.poll(() => page.textContent(`tr[data-agent-id="${w['hal']}"] .suggestion`)).toContain('Hal Suggested (@hal.s)');
    expect(await page.textContent(`tr[data-agent-id="${w['ivy']}"] .suggestion`)).toContain('(@ivy)');
    expect(await page.locator(`tr[data-agent-id="${w['gina']}"] .suggestion`).count()).toBe(0);
    // Ivy's account is deactivated in Slack after the page loaded: her mapping is refused next
    // to her row, Hal's goes through.
    h.slack.updateUser(w['ivySlack']!, { deleted: true });
    await waitFor(
      () => adminGet('/directory/users/by-username/ivy'),
      (r) => r.user?.deleted === true,
      { what: 'the directory to see Ivy deactivated' },
    );
    await page.click('#map-suggested');
    await expect.poll(() => page.textContent(`tr[data-agent-id="${w['ivy']}"] .error`)).toContain('deactivated');
    expect(await page.textContent('#map-suggested-status')).toBe('Mapped 1 agent. 1 could not be mapped: see the row.');
    expect(await page.inputValue(`tr[data-agent-id="${w['hal']}"] input`)).toBe('hal.s');
    expect(await page.locator(`tr[data-agent-id="${w['hal']}"] .unmapped`).count()).toBe(0);
    // Mapping a row used to remove the agent's email under their name too: it stays.
    expect(await page.textContent(`tr[data-agent-id="${w['hal']}"] td:first-child`)).toContain('hal@globex.test');
    expect(await h.store.agentMappings.findByAgent(w['orgId']!, w['hal']!)).toMatchObject({ slackUserId: w['halSlack'] });
    expect(await h.store.agentMappings.findByAgent(w['orgId']!, w['ivy']!)).toBeNull();
    await shot('3b-map-all-suggested');
    // Ivy stays unmapped: her row is cleared before the next Save.
    await page.locator(`tr[data-agent-id="${w['ivy']}"] input`).fill('');

    // Map two agents: a type-ahead offers the Slack users.
    const erinInput = page.locator(`tr[data-agent-id="${w['erin']}"] input`);
    await erinInput.fill('eri');
    await expect
      .poll(() => page.locator('#user-suggestions option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value)))
      .toContain('erin.s');
    await erinInput.fill('erin.s');
    await page.locator(`tr[data-agent-id="${w['frank']}"] input`).fill('@frank.s');
    // A routing group's channel by name, from the channel type-ahead.
    const salesInput = page.locator(`tr[data-group-id="${w['salesGroup']}"] input`);
    await salesInput.fill('inbound');
    await expect
      .poll(() => page.locator('#channel-suggestions option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value)))
      .toContain('inbound-leads');
    await salesInput.fill('inbound-leads');
    // A mistake is shown next to its field, and nothing else is lost.
    await page.locator(`tr[data-agent-id="${w['gina']}"] input`).fill('no-such-person');
    await page.click('#save');
    await expect.poll(() => page.textContent(`tr[data-agent-id="${w['gina']}"] .error`)).toContain('@no-such-person');
    await shot('4-error-next-to-field');
    // The rows that were fine are saved; only the wrong one waits.
    expect(await page.locator(`tr[data-agent-id="${w['erin']}"] .unmapped`).count()).toBe(0);
    expect(await h.store.agentMappings.findByAgent(w['orgId']!, w['erin']!)).toMatchObject({ teamId: w['teamId'] });
    await page.locator(`tr[data-agent-id="${w['gina']}"] input`).fill('');
    await page.click('#save');
    await expect.poll(() => saveStatusWithErrors(page), SAVED).toBe('Saved.');
    // Saving joined both public channels, each once: the page says the app is in them.
    expect(await mark(w['salesGroup']!)).toBe('Threadbridge is in this channel.');
    expect(await mark(w['supportGroup']!)).toBe('Threadbridge is in this channel.');
    // Said when it fails (seen once in CI, not reproduced): each join's answer, and what the directory holds.
    const joinsSeen = async (channel: string) =>
      JSON.stringify({
        joins: joinsOf(channel).map((c) => ({ seq: c.seq, ok: c.response.ok, error: c.response.error })),
        directory: await adminGet(`/directory/channels/${channel}`),
      });
    expect(joinsOf(w['inboundChannel']!), await joinsSeen(w['inboundChannel']!)).toHaveLength(1);
    expect(joinsOf(w['supportChannel']!), await joinsSeen(w['supportChannel']!)).toHaveLength(1);
    await shot('4b-in-the-channels');

    // Channel-ID mode: the support group's channel by ID; the global channel on.
    await page.check('#channel-id-mode');
    await page.locator(`tr[data-group-id="${w['supportGroup']}"] input`).fill(w['supportChannel']!);
    await page.check('#global-enabled');
    await page.fill('#global-channel', w['supportChannel']!);
    await page.click('#save');
    // Failed once in CI under load ("One field needs attention."), not reproduced: then it names the field and its error.
    await expect.poll(() => saveStatusWithErrors(page), SAVED).toBe('Saved.');
    await shot('5-saved');

    // Reload: everything kept.
    await page.reload();
    await expect.poll(() => page.textContent('#workspace-name')).toBe('Globex Corp');
    await expect.poll(() => page.isChecked('#channel-id-mode')).toBe(true);
    expect(await page.isChecked('#global-enabled')).toBe(true);
    expect(await page.inputValue('#global-channel')).toBe(w['supportChannel']);
    expect(await page.inputValue(`tr[data-agent-id="${w['erin']}"] input`)).toBe('erin.s');
    expect(await page.inputValue(`tr[data-agent-id="${w['frank']}"] input`)).toBe('frank.s');
    expect(await page.inputValue(`tr[data-agent-id="${w['gina']}"] input`)).toBe('');
    expect(await page.textContent(`tr[data-agent-id="${w['gina']}"]`)).toContain('Not mapped');
    expect(await page.inputValue(`tr[data-agent-id="${w['hal']}"] input`)).toBe('hal.s');
    expect(await page.textContent('#global-membership')).toBe('Threadbridge is in this channel.');
    expect(await page.inputValue(`tr[data-group-id="${w['supportGroup']}"] input`)).toBe(w['supportChannel']);
    // In channel-ID mode the name-picked channel shows as its ID too.
    const inbound = await h.store.slackRouting.groupChannel(w['orgId']!, w['salesGroup']!);
    expect(await page.inputValue(`tr[data-group-id="${w['salesGroup']}"] input`)).toBe(inbound);
    await shot('6-after-reload');

    // And the store agrees.
    expect(await h.store.orgSettings.get(w['orgId']!)).toMatchObject({ channelIdMode: true, globalChannelEnabled: true, globalChannelId: w['supportChannel'] });
    expect(await h.store.agentMappings.listForOrg(w['orgId']!)).toHaveLength(3);

    // Off means off: the page sends no channel with the toggle off, and none is kept.
    await page.uncheck('#global-enabled');
    const sent = page.waitForRequest((r) => r.method() === 'PUT' && r.url().endsWith('/settings'));
    await page.click('#save');
    expect((await sent).postDataJSON()).toEqual({
      channelIdMode: true,
      globalChannel: { enabled: false, channel: null },
      answerTimeSeconds: 120,
      escalation: null,
      bridgeMode: 'two-way',
      internalNotePrefix: 'note:',
    });
    await expect.poll(() => saveStatusWithErrors(page), SAVED).toBe('Saved.');
    expect(await h.store.orgSettings.get(w['orgId']!)).toMatchObject({ globalChannelEnabled: false, globalChannelId: null });
    await page.reload();
    await expect.poll(() => page.isChecked('#channel-id-mode')).toBe(true);
    expect(await page.isChecked('#global-enabled')).toBe(false);
    await shot('7-global-off');

    // Chat handling: the defaults shown, each refusal next to its field, then saved and kept.
    expect(await page.inputValue('#answer-time')).toBe('120');
    expect(await page.inputValue('#escalation')).toBe('');
    expect(await page.inputValue('#bridge-mode')).toBe('two-way');
    expect(await page.inputValue('#note-prefix')).toBe('note:');
    await page.fill('#answer-time', '10');
    await page.click('#save');
    await expect
      .poll(() => page.textContent('#answer-time-error'))
      .toBe('This setting does not take that value: 10: a whole number of seconds from 30 to 3600, or null for no reminders');
    expect(await page.getAttribute('#answer-time', 'class')).toContain('invalid');
    expect(await page.textContent('#save-status')).toBe('One field needs attention.');
    await shot('7a-answer-time-refused');
    await page.fill('#answer-time', '45');
    // The global channel is off: escalating there is refused, next to the escalation field.
    await page.selectOption('#escalation', 'global-channel');
    await page.click('#save');
    await expect.poll(() => page.textContent('#escalation-error')).toContain('Escalation to the global channel needs the global channel on');
    expect(await page.textContent('#answer-time-error')).toBe('');
    await shot('7b-escalation-refused');
    await page.selectOption('#escalation', 'off');
    await page.selectOption('#bridge-mode', 'alerts-only');
    await page.fill('#note-prefix', '//');
    await page.click('#save');
    await expect.poll(() => saveStatusWithErrors(page), SAVED).toBe('Saved.');
    expect(await h.store.orgSettings.get(w['orgId']!)).toMatchObject({
      answerTimeMs: 45_000,
      escalation: 'off',
      bridgeMode: 'alerts-only',
      internalNotePrefix: '//',
    });
    await page.reload();
    await expect.poll(() => page.inputValue('#answer-time')).toBe('45');
    expect(await page.inputValue('#escalation')).toBe('off');
    expect(await page.inputValue('#bridge-mode')).toBe('alerts-only');
    expect(await page.inputValue('#note-prefix')).toBe('//');
    await expect.poll(() => page.textContent('#chat-handling-change')).toMatch(/^Last change: chat handling saved, .*, by Gail Admin\.$/);
    // No reminders: the answer time is greyed out and saved as none.
    await page.check('#reminders-off');
    expect(await page.isDisabled('#answer-time')).toBe(true);
    await page.click('#save');
    await expect.poll(() => saveStatusWithErrors(page), SAVED).toBe('Saved.');
    expect(await h.store.orgSettings.get(w['orgId']!)).toMatchObject({ answerTimeMs: null });
    await shot('7c-chat-handling-saved');

    // Each section says what changed last, when and by whom: the admin of the Setup link, by name.
    const by = /, by Gail Admin\.$/;
    await expect.poll(() => page.textContent('#settings-change')).toMatch(/^Last change: settings saved, /);
    expect(await page.textContent('#settings-change')).toMatch(by);
    expect(await page.textContent('#agents-change')).toMatch(/^Last change: agent (mapped|unmapped), /);
    expect(await page.textContent('#groups-change')).toMatch(/^Last change: channel set, /);
    expect(await h.store.adminChanges.recent(w['orgId']!, 50)).not.toContainEqual(expect.objectContaining({ actor: { kind: 'operator' } }));
    await shot('8-last-changes');

    // Disconnect: asked once more, then Slack takes the app's access back; the settings stay.
    await page.click('#disconnect');
    expect(await page.textContent('#disconnect-confirm')).toContain('Disconnect Slack from Globex Corp?');
    await shot('9-disconnect-confirm');
    await page.click('#disconnect-yes');
    await expect
      .poll(() => page.textContent('#connection-status'))
      .toBe('Slack is disconnected from Globex Corp. Your settings are kept: connect Slack again (this workspace or another) when you are ready.');
    expect(await page.isVisible('#connect')).toBe(true);
    expect(await page.isVisible('#settings')).toBe(false);
    await expect.poll(() => page.textContent('#connection-change')).toMatch(/^Last change: Slack disconnected, /);
    expect(h.slack.calls({ method: 'auth.revoke', teamId: w['teamId'] })).toEqual([expect.objectContaining({ response: { ok: true, revoked: true } })]);
    expect(await h.store.installations.findByOrg(w['orgId']!)).toMatchObject({ status: 'disconnected' });
    await shot('10-disconnected');
    // Slack's tokens_revoked and app_uninstalled are handled before the admin connects again.
    await waitFor(
      () => h.slack.deliveries().filter((d) => d.teamId === w['teamId'] && (d.eventType === 'tokens_revoked' || d.eventType === 'app_uninstalled')),
      (ds) => ds.length === 2 && ds.every((d) => d.status === 200),
      { what: 'Slack’s revocation events answered' },
    );
    await waitFor(
      () => h.queues.slackEvents.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
      (c) => Object.values(c).every((n) => n === 0),
      { what: 'the revocation events handled' },
    );

    // Connect again: the same way as the first time, and everything is where it was.
    await page.click('#connect');
    await page.waitForURL(/oauth\/v2\/authorize/);
    await page.check(`input[name=team_id][value=${w['teamId']}]`);
    await page.click('#allow');
    await expect.poll(() => page.textContent('#workspace-name')).toBe('Globex Corp');
    expect(await h.store.installations.findByOrg(w['orgId']!)).toMatchObject({ status: 'active', teamId: w['teamId'] });
    await expect.poll(() => page.isChecked('#channel-id-mode')).toBe(true);
    expect(await page.inputValue(`tr[data-agent-id="${w['erin']}"] input`)).toBe('erin.s');
    await expect.poll(() => page.textContent('#connection-change')).toMatch(/^Last change: Slack connected, /);
    await shot('11-connected-again');

    // Another window, without the session (or with the used Setup link): told to open Setup again.
    const stranger = await browser.newContext();
    try {
      const other = await stranger.newPage();
      other.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
      });
      await other.goto(settingsUrl);
      await other.locator('#signed-out').waitFor();
      expect(await other.textContent('#signed-out')).toContain('click Setup for the Slack integration');
      expect(await other.isVisible('#settings')).toBe(false);
      const reused = await other.goto(launchLink);
      expect(reused?.status()).toBe(401);
      expect(await other.textContent('h1')).toBe('The Slack integration settings did not open');
      expect(await other.textContent('body')).toContain('The Setup link was used already');
      await other.screenshot({ path: `${shots}/12-setup-link-used.png`, fullPage: true });
    } finally {
      await stranger.close();
    }

    // A Setup link from an older platform release (no names): the ids stand in for them. Then a
    // Setup link of another org in that window asks before switching, naming both.
    const second = await browser.newContext();
    try {
      const other = await second.newPage();
      other.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
      });
      await other.goto(`${settingsUrl}?launch=${encodeURIComponent(h.platform.launchToken(w['orgId']!, w['admin']!, { names: false }))}`);
      await expect.poll(() => other.textContent('#who')).toBe(`${w['orgId']} · signed in as ${w['admin']}`);
      await other.screenshot({ path: `${shots}/13-no-names.png`, fullPage: true });
      await other.goto(h.launchLink());
      expect(await other.textContent('h1')).toBe('Switch organization?');
      expect(await other.textContent('#current')).toContain(`of ${w['orgId']} as ${w['admin']}`);
      expect(await other.textContent('#next')).toContain(`for Acme (${h.orgId}) as Ada Admin (${h.adminUserId})`);
      await other.screenshot({ path: `${shots}/14-switch-prompt.png`, fullPage: true });
      await other.click('#switch');
      await other.waitForURL(`${h.webUrl}/settings/${h.orgId}`);
      await expect.poll(() => other.textContent('#who')).toBe('Acme · signed in as Ada Admin');
      await other.screenshot({ path: `${shots}/15-switched.png`, fullPage: true });
    } finally {
      await second.close();
    }

    // Signing out ends the session: the page says what to do.
    await page.click('#sign-out');
    await expect.poll(() => page.isVisible('#signed-out')).toBe(true);
    await page.reload();
    await page.locator('#signed-out').waitFor();
    expect(cspViolations).toEqual([]);
  }, 180_000);
});

/** The save status, and when it is not "Saved." the refused fields with their errors (what the page shows next to them). */
async function saveStatusWithErrors(page: Page): Promise<string | null> {
  const status = await page.textContent('#save-status');
  if (status === 'Saved.') return status;
  const refused = await page.evaluate(() =>
    [...document.querySelectorAll('#settings [aria-invalid="true"]')].map(
      (f: any) => `${f.id || f.name}: ${document.getElementById(f.getAttribute('aria-describedby') ?? '')?.textContent ?? ''}`,
    ),
  );
  return `${status} ${JSON.stringify(refused)}`;
}
