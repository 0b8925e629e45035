// Slack Connect channels on the settings page in a real browser (Debian's Chromium through
// playwright-core) against the product, its admin API and the emulators: a channel shared with
// another company is marked in the channel picker; choosing it for a routing group shows a labelled
// confirmation checkbox; saved without it, the refusal is shown at the field (the keyboard taken
// there); checked from the keyboard, the Save sends confirmSharedChannel and the stored channel
// then says who confirmed it, and the Health section notes it; the global channel the same way. axe-core finds no serious or
// critical violation with the confirmation shown and refused. Screenshots in test-artifacts/.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { repoRoot } from '../../sandbox/processes.ts';

// What page.evaluate runs in the browser: the tests' tsconfig has no DOM types.
declare const document: any, window: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = `${repoRoot}test-artifacts/settings-page`;
const AXE = `${repoRoot}node_modules/axe-core/axe.min.js`;
const SAVED = { timeout: 10_000 };

let h: Harness;
let browser: Browser;
let groupId: string;
let partnerTeam: string;
const channels: Record<string, string> = {};
const cspViolations: string[] = [];
const contexts: BrowserContext[] = [];

async function adminGet(path: string): Promise<any> {
  const res = await fetch(`${h.webUrl}/api/orgs/${h.orgId}${path}`, { headers: { authorization: `Bearer ${h.secrets.adminApiToken}` } });
  return res.json();
}

/** A channel shared with another company in Slack (the emulator's Slack Connect), once the directory knows it so. */
async function sharedChannel(name: string): Promise<string> {
  const id = h.slack.createChannel(h.teamId, { name }).id;
  // Shared once the directory has the channel (a channel_shared applied before its channel_created is lost until the next sync).
  await waitFor(
    () => adminGet(`/directory/channels/by-name/${name}`),
    (r) => r?.channel?.id === id,
    { what: `the directory to know #${name}`, timeoutMs: 60_000 },
  );
  h.slack.shareChannel(id, partnerTeam);
  await waitFor(
    () => adminGet(`/directory/channels/by-name/${name}`),
    (r) => r?.channel?.sharedExternally === true,
    { what: `the directory to know #${name} is shared`, timeoutMs: 30_000 },
  );
  return id;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness({ runtime: 'node', name: 'settings-page-slack-connect' });
  partnerTeam = h.slack.createTeam({ name: 'Partner Co', domain: 'partner' }).id;
  groupId = h.platform.addRoutingGroup(h.orgId, { name: 'Partners', memberAgentIds: [h.agents.alice.agentId] }).id;
  await waitFor(
    () => adminGet('/directory'),
    (d) => /^ready/.test(d?.channels?.state ?? ''),
    { what: 'the directory synced', timeoutMs: 60_000, intervalMs: 500 },
  );
  channels['partner'] = await sharedChannel('partner-leads');
  channels['ops'] = await sharedChannel('partner-ops');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

async function open(options: { bypassCSP?: boolean } = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, bypassCSP: options.bypassCSP ?? false });
  contexts.push(context);
  const page = await context.newPage();
  if (!options.bypassCSP)
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
  await page.goto(h.launchLink());
  await page.locator('#settings').waitFor();
  return page;
}

const isPut = (path: string) => (r: Request) => r.method() === 'PUT' && new URL(r.url()).pathname === `/api/orgs/${h.orgId}${path}`;
const optionLabels = (page: Page) =>
  page.locator('#channel-suggestions option').evaluateAll((os) => os.map((o) => (o as unknown as { textContent: string }).textContent));
const row = (page: Page) => page.locator(`tr[data-group-id="${groupId}"]`);
const confirmBox = (id: string) => `#${id}`;

describe('Slack Connect channels on the settings page', () => {
  it('a routing group: the picker marks the shared channel, the confirmation appears, a Save without it is refused at the field, with it (from the keyboard) saved', async () => {
    const page = await open();
    const groupPuts: unknown[] = [];
    page.on('request', (r) => {
      if (isPut(`/routing-groups/${groupId}/slack-channel`)(r)) groupPuts.push(r.postDataJSON());
    });
    const input = row(page).locator('input.channel-input');
    const check = confirmBox(`group-${groupId}-shared`);
    expect(await page.isVisible(check)).toBe(false);

    // The picker: the shared channel says so.
    await input.focus();
    await page.keyboard.type('partner');
    await expect.poll(() => optionLabels(page)).toEqual(['#partner-leads (shared with another company)', '#partner-ops (shared with another company)']);
    await input.fill('partner-leads');
    // Chosen: the confirmation checkbox, labelled.
    await expect.poll(() => page.isVisible(check)).toBe(true);
    expect(await page.locator(`label[for="group-${groupId}-shared"]`).textContent()).toBe(
      'I confirm that visitor details (name, email, company, messages) of chats sent to this channel will be visible to people of another company (routing group Partners).',
    );
    await page.screenshot({ path: `${shots}/70-shared-channel-chosen.png`, fullPage: true });

    // Saved without it: refused at the field, nothing stored.
    await page.click('#save');
    await expect.poll(() => row(page).locator('.error').textContent(), SAVED).toContain('This channel is shared with another company (Slack Connect)');
    expect(await row(page).locator('.error').textContent()).toContain('#partner-leads');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await input.evaluate((e) => e === (document as { activeElement: unknown }).activeElement)).toBe(true);
    expect(await page.isVisible(check)).toBe(true);
    expect(groupPuts).toEqual([{ channel: 'partner-leads' }]);
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBeNull();
    await page.screenshot({ path: `${shots}/71-shared-channel-refused.png`, fullPage: true });

    // From the keyboard: Tab to the checkbox, Space checks it, Enter in the field saves.
    await page.focus(check);
    await page.keyboard.press('Space');
    expect(await page.isChecked(check)).toBe(true);
    await input.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#save-status'), SAVED).toBe('Saved.');
    expect(groupPuts.at(-1)).toEqual({ channel: 'partner-leads', confirmSharedChannel: true });
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBe(channels['partner']);
    // The stored channel says who confirmed it; no checkbox any more.
    expect(await page.textContent(`#group-${groupId}-shared-note`)).toMatch(
      /^Shared with another company \(Slack Connect\): visitor details are visible to its people\. Confirmed by Ada Admin on .+\.$/,
    );
    expect(await page.isVisible(check)).toBe(false);
    // The Health section lists it as a note: nothing wrong, visible to the other company as confirmed.
    const note = page.locator('#health-items > li.severity-info');
    await expect.poll(() => note.count(), SAVED).toBe(1);
    expect(await note.locator('.message').textContent()).toMatch(
      /^Note:The channel of the routing group Partners, #partner-leads, is shared with another company \(Slack Connect\): visitor details .+ as Ada Admin confirmed on \d{4}-\d\d-\d\d\.$/,
    );
    expect(await note.locator('a.goto').textContent()).toBe('Go to the routing group Partners');
    await expect.poll(() => page.textContent('#groups-change')).toMatch(/^Last change: channel shared with another company confirmed, .+, by Ada Admin\.$/);
    await page.screenshot({ path: `${shots}/72-shared-channel-confirmed.png`, fullPage: true });
    expect(cspViolations).toEqual([]);
  }, 120_000);

  it('the global channel: refused without the confirmation, saved with it', async () => {
    const before = await h.store.orgSettings.get(h.orgId);
    const page = await open();
    const settingsPuts: Array<Record<string, any>> = [];
    page.on('request', (r) => {
      if (isPut('/settings')(r)) settingsPuts.push(r.postDataJSON());
    });
    await page.check('#global-enabled');
    // (It holds the seeded global channel.)
    await page.fill('#global-channel', '');
    await page.keyboard.type('partner-o');
    await expect.poll(() => optionLabels(page)).toEqual(['#partner-ops (shared with another company)']);
    await page.fill('#global-channel', 'partner-ops');
    await expect.poll(() => page.isVisible('#global-shared')).toBe(true);
    await page.click('#save');
    await expect.poll(() => page.textContent('#global-channel-error'), SAVED).toContain('"globalChannel.confirmSharedChannel": true');
    expect(settingsPuts.at(-1)?.globalChannel).toEqual({ enabled: true, channel: 'partner-ops' });
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(before);

    await page.check('#global-shared');
    await page.click('#save');
    await expect.poll(() => page.textContent('#save-status'), SAVED).toBe('Saved.');
    expect(settingsPuts.at(-1)?.globalChannel).toEqual({ enabled: true, channel: 'partner-ops', confirmSharedChannel: true });
    expect(await h.store.orgSettings.get(h.orgId)).toMatchObject({ globalChannelEnabled: true, globalChannelId: channels['ops'] });
    expect(await page.textContent('#global-shared-note')).toMatch(/^Shared with another company \(Slack Connect\): .+ Confirmed by Ada Admin on .+\.$/);
    expect(cspViolations).toEqual([]);
  }, 120_000);

  it('axe-core finds no serious or critical violation with the confirmation shown and a refusal at the field', async () => {
    await h.store.orgSettings.save({ ...(await h.store.orgSettings.get(h.orgId))!, globalChannelEnabled: false }, new Date());
    const page = await open({ bypassCSP: true });
    await page.addScriptTag({ path: AXE });
    await page.check('#global-enabled');
    const refused = await sharedChannel('partner-new');
    expect(refused).toBeTruthy();
    await page.fill('#global-channel', 'partner-new');
    await page.click('#save');
    await expect.poll(() => page.textContent('#global-channel-error'), SAVED).toContain('#partner-new');
    expect(await page.isVisible('#global-shared')).toBe(true);
    const violations: Array<{ id: string; impact: string }> = await page.evaluate(async () => {
      const result = await window.axe.run(document);
      return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n: any) => n.target.join(' ')) }));
    });
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    for (const c of contexts.splice(0)) await c.close();
  }, 120_000);
});
