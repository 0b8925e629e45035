// The settings page's Time zone and weekly digest section in a real browser (Debian's Chromium
// through playwright-core) against the product, its real admin API and the emulators: the digest
// turned on from the keyboard with a channel (type-ahead) and a weekday, kept after a reload, a
// wrong channel and a refused weekday shown next to their fields, turned off; the time zone set,
// kept after a reload and the Activity section drawn again in it, an unknown zone refused next to
// its field, emptied back to UTC; the Activity note's link to the field. At 400 px wide and on a
// desktop with screenshots (test-artifacts/settings-page/), nothing to scroll sideways, axe-core
// finding no serious or critical violation with the new fields shown, refused and all.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page, type Request, type Route } from 'playwright-core';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { repoRoot } from '../../sandbox/processes.ts';

// What page.evaluate runs in the browser: the tests' tsconfig has no DOM types.
declare const document: any, window: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = `${repoRoot}test-artifacts/settings-page`;
const AXE = `${repoRoot}node_modules/axe-core/axe.min.js`;
const DESKTOP = { width: 1100, height: 900 };
const NARROW = { width: 400, height: 860 };
/** A Save runs several requests, then reloads the settings: more than expect.poll’s 1 s on a loaded machine. */
const SAVED = { timeout: 10_000 };

let h: Harness;
let browser: Browser;
const cspViolations: string[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness({ runtime: 'node', name: 'settings-page-digest' });
  // Channels are typed by name from the directory: wait until it holds the workspace's.
  await waitFor(
    () => adminGet('/directory'),
    (d) => /^ready/.test(d?.channels?.state ?? ''),
    { what: 'the directory synced', timeoutMs: 60_000, intervalMs: 500 },
  );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

async function adminGet(path: string): Promise<any> {
  const res = await fetch(`${h.webUrl}/api/orgs/${h.orgId}${path}`, { headers: { authorization: `Bearer ${h.secrets.adminApiToken}` } });
  return res.json();
}

async function open(options: { viewport?: { width: number; height: number }; bypassCSP?: boolean } = {}) {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, bypassCSP: options.bypassCSP ?? false });
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

async function closeContexts() {
  for (const c of contexts.splice(0)) await c.close();
}

const isPut = (path: string) => (r: Request) => r.method() === 'PUT' && new URL(r.url()).pathname === `/api/orgs/${h.orgId}${path}`;
const active = (page: Page) => page.evaluate(() => document.activeElement?.id);
const fits = (page: Page) => page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
const optionValues = (page: Page, list: string) =>
  page.locator(`#${list} option`).evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
/** The org's today (YYYY-MM-DD) in a time zone, as the page asks the activity API for it. */
const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const hint = (day: string, zone: string) =>
  `Every ${day} from 09:00 (${zone} time), Threadbridge posts last week’s figures in the channel: the chats from Monday to Sunday, ` +
  'how many were answered and missed, how many within the answer time, in Slack or in the console, and the first response by routing group and by agent.';

describe('the settings page’s time zone and weekly digest', () => {
  it('the digest: on from the keyboard with a channel and a weekday, kept after a reload, refusals next to their fields, then off', async () => {
    const page = await open();
    const digestPuts: unknown[] = [];
    page.on('request', (r) => {
      if (isPut('/digest')(r)) digestPuts.push(r.postDataJSON());
    });
    // Off by default: the fields hidden, the hint saying what it would post and when.
    expect(await page.isChecked('#digest-enabled')).toBe(false);
    expect(await page.isVisible('#digest-fields')).toBe(false);
    expect(await page.textContent('#digest-hint')).toBe(hint('Monday', 'UTC'));
    expect(await page.textContent('#digest-change')).toBe('');
    await page.locator('#weekly-digest').screenshot({ path: `${shots}/50-digest-off-desktop.png` });

    // From the keyboard: Space turns it on, Tab goes to its channel, typed with the channels' type-ahead.
    await page.focus('#digest-enabled');
    await page.keyboard.press('Space');
    expect(await page.isVisible('#digest-fields')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await active(page)).toBe('digest-channel');
    expect(await page.getAttribute('#digest-channel', 'placeholder')).toBe('Type to search channels');
    await page.keyboard.type('website');
    await expect.poll(() => optionValues(page, 'channel-suggestions')).toContain('website-chats');
    await page.fill('#digest-channel', 'website-chats');
    await page.selectOption('#digest-weekday', 'wednesday');
    expect(await page.textContent('#digest-hint')).toBe(hint('Wednesday', 'UTC'));
    // Enter in the field saves, as in every field of the form.
    await page.focus('#digest-channel');
    const sent = page.waitForRequest(isPut('/digest'));
    await page.keyboard.press('Enter');
    expect((await sent).postDataJSON()).toEqual({ digest: { channel: 'website-chats', weekday: 'wednesday' } });
    await expect.poll(() => page.textContent('#save-status'), SAVED).toBe('Saved.');
    expect((await h.store.orgSettings.get(h.orgId))?.digest).toEqual({ channelId: h.channelId, weekday: 'wednesday' });
    expect(await page.textContent('#digest-membership')).toBe('Threadbridge is in this channel.');
    await expect.poll(() => page.textContent('#digest-change')).toMatch(/^Last change: weekly digest saved, .+, by Ada Admin\.$/);
    await page.locator('#weekly-digest').screenshot({ path: `${shots}/51-digest-on-desktop.png` });

    // Kept after a reload; a Save that changes nothing of it sends nothing for it.
    await page.reload();
    await page.locator('#settings').waitFor();
    expect(await page.isChecked('#digest-enabled')).toBe(true);
    expect(await page.inputValue('#digest-channel')).toBe('website-chats');
    expect(await page.inputValue('#digest-weekday')).toBe('wednesday');
    expect(await page.textContent('#digest-hint')).toBe(hint('Wednesday', 'UTC'));
    expect(await page.textContent('#digest-membership')).toBe('Threadbridge is in this channel.');
    await page.click('#save');
    await expect.poll(() => page.textContent('#save-status'), SAVED).toBe('Saved.');
    expect(digestPuts).toHaveLength(1);
    // Channel-ID mode shows the digest's channel by its ID, as the other channel fields.
    await page.check('#channel-id-mode');
    expect(await page.inputValue('#digest-channel')).toBe(h.channelId);
    expect(await page.getAttribute('#digest-channel', 'placeholder')).toBe('Channel ID, e.g. C0123ABCD');
    await page.uncheck('#channel-id-mode');
    expect(await page.inputValue('#digest-channel')).toBe('website-chats');

    // A channel the workspace does not have: refused next to the field, the keyboard taken there, nothing saved.
    await page.fill('#digest-channel', 'no-such-channel');
    await page.click('#save');
    await expect.poll(() => page.textContent('#digest-channel-error'), SAVED).toBe('No channel with this name in the connected workspace: #no-such-channel');
    expect(await page.getAttribute('#digest-channel', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#digest-channel', 'aria-describedby')).toContain('digest-channel-error');
    expect(await page.textContent('#save-status')).toBe('One field needs attention.');
    expect(await active(page)).toBe('digest-channel');
    expect((await h.store.orgSettings.get(h.orgId))?.digest).toEqual({ channelId: h.channelId, weekday: 'wednesday' });
    await page.locator('#weekly-digest').screenshot({ path: `${shots}/52-digest-refused-desktop.png` });

    // No channel at all: said before anything is sent.
    await page.fill('#digest-channel', '');
    await page.click('#save');
    await expect.poll(() => page.textContent('#digest-channel-error'), SAVED).toBe('Choose the channel the digest is posted in, or turn the digest off.');
    expect(digestPuts).toHaveLength(2);

    // A refusal naming the weekday (the API's `field`) goes next to the weekday, not the channel.
    await page.route('**/api/orgs/*/digest', (route: Route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({
            status: 400,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'setting_invalid', message: 'This setting does not take that value: "friday"', field: 'digest.weekday' } }),
          })
        : route.continue(),
    );
    await page.fill('#digest-channel', 'website-chats');
    await page.selectOption('#digest-weekday', 'friday');
    await page.click('#save');
    await expect.poll(() => page.textContent('#digest-weekday-error'), SAVED).toBe('This setting does not take that value: "friday"');
    expect(await page.getAttribute('#digest-weekday', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#digest-channel', 'aria-invalid')).toBeNull();
    expect(await page.textContent('#digest-channel-error')).toBe('');
    expect(await active(page)).toBe('digest-weekday');
    await page.unroute('**/api/orgs/*/digest');

    // Off: no channel sent; kept off after a reload.
    await page.uncheck('#digest-enabled');
    expect(await page.isVisible('#digest-fields')).toBe(false);
    const off = page.waitForRequest(isPut('/digest'));
    await page.click('#save');
    expect((await off).postDataJSON()).toEqual({ digest: null });
    await expect.poll(() => page.textContent('#save-status'), SAVED).toBe('Saved.');
    expect((await h.store.orgSettings.get(h.orgId))?.digest).toBeNull();
    await expect.poll(() => page.textContent('#digest-change')).toMatch(/^Last change: weekly digest turned off, .+, by Ada Admin\.$/);
    await page.reload();
    await page.locator('#settings').waitFor();
    expect(await page.isChecked('#digest-enabled')).toBe(false);
    expect(await page.isVisible('#digest-fields')).toBe(false);
    expect(cspViolations).toEqual([]);
    await closeContexts();
  }, 120_000);

  it('the time zone: set, kept after a reload, the Activity section asked again in it; an unknown zone refused next to it; emptied back to UTC', async () => {
    const page = await open();
    const activityAsked: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.endsWith('/activity')) activityAsked.push(url.searchParams.get('to') ?? '');
    });
    const settingsPuts: Array<Record<string, unknown>> = [];
    page.on('request', (r) => {
      if (isPut('/settings')(r)) settingsPuts.push(r.postDataJSON());
    });
    expect(await page.inputValue('#time-zone')).toBe('UTC');
    expect(await page.getAttribute('#time-zone', 'aria-describedby')).toBe('time-zone-error time-zone-hint');
    // The zones this browser knows are offered as it is typed, UTC first.
    const zones = await optionValues(page, 'time-zones');
    expect(zones[0]).toBe('UTC');
    expect(zones).toContain('Pacific/Honolulu');
    expect(zones).toContain('Europe/Berlin');

    // Honolulu (UTC−10) has another date than UTC for ten hours a day: the Activity section's days end on its today.
    const zone = 'Pacific/Honolulu';
    await page.fill('#time-zone', zone);
    expect(await page.textContent('#digest-hint')).toBe(hint('Monday', zone));
    const asked = activityAsked.length;
    await page.click('#save');
    await expect.poll(() => page.textContent('#save-status'), SAVED).toBe('Saved.');
    expect(settingsPuts.at(-1)).toMatchObject({ timeZone: zone });
    expect((await h.store.orgSettings.get(h.orgId))?.timeZone).toBe(zone);
    await expect.poll(() => activityAsked.slice(asked)).toEqual([todayIn(zone)]);
    await expect.poll(() => page.textContent('#activity-summary')).toMatch(/^Last 30 days/);

    // Kept after a reload, the Activity section in it from the start; a Save leaves it out when unchanged.
    activityAsked.length = 0;
    await page.reload();
    await page.locator('#settings').waitFor();
    expect(await page.inputValue('#time-zone')).toBe(zone);
    await expect.poll(() => activityAsked).toEqual([todayIn(zone)]);
    await page.click('#save');
    await expect.poll(() => page.textContent('#save-status'), SAVED).toBe('Saved.');
    expect(settingsPuts.at(-1)).not.toHaveProperty('timeZone');
    expect(activityAsked).toHaveLength(1);

    // An unknown zone: refused next to the field by the API, the keyboard taken there, nothing saved.
    await page.fill('#time-zone', 'Mars/Olympus_Mons');
    await page.click('#save');
    await expect
      .poll(() => page.textContent('#time-zone-error'), SAVED)
      .toBe(
        'This setting does not take that value: "Mars/Olympus_Mons": an IANA time zone name such as "Europe/Berlin" or "America/New_York", or null for UTC',
      );
    expect(await page.getAttribute('#time-zone', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#save-status')).toBe('One field needs attention.');
    expect(await active(page)).toBe('time-zone');
    expect((await h.store.orgSettings.get(h.orgId))?.timeZone).toBe(zone);
    expect(activityAsked).toHaveLength(1);
    await page.locator('#weekly-digest').screenshot({ path: `${shots}/53-time-zone-refused-desktop.png` });

    // Emptied: UTC, the default, and the Activity section back in it.
    await page.fill('#time-zone', '');
    await page.click('#save');
    await expect.poll(() => page.textContent('#save-status'), SAVED).toBe('Saved.');
    expect(settingsPuts.at(-1)).toMatchObject({ timeZone: null });
    expect(await page.inputValue('#time-zone')).toBe('UTC');
    expect(await page.getAttribute('#time-zone', 'aria-invalid')).toBeNull();
    expect((await h.store.orgSettings.get(h.orgId))?.timeZone).toBe('UTC');
    await expect.poll(() => activityAsked.slice(1)).toEqual([todayIn('UTC')]);
    expect(cspViolations).toEqual([]);
    await closeContexts();
  }, 120_000);

  it('the Activity note links to the time zone field: the keyboard goes there', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    contexts.push(context);
    // A month with one chat, so the section's figures (and their note) are drawn.
    await context.route('**/api/orgs/*/activity*', (route: Route) => {
      const url = new URL(route.request().url());
      const to = url.searchParams.get('to') ?? '';
      const figures = (chats: number) => ({
        chats,
        answered: chats,
        missed: 0,
        answeredInSlack: chats,
        answeredInConsole: 0,
        answeredWithinAnswerTime: chats,
        firstResponseSeconds: chats ? { p50: 40, p90: 40 } : { p50: null, p90: null },
      });
      const days = Array.from({ length: 30 }, (_, i) => {
        const d = new Date(`${to}T00:00:00Z`);
        d.setUTCDate(d.getUTCDate() - 29 + i);
        return { date: d.toISOString().slice(0, 10), ...figures(i === 29 ? 1 : 0) };
      });
      const body = { from: days[0]!.date, to, timeZone: 'UTC', percentileError: 'at most 25 % above', days, groups: [], agents: [] };
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
    });
    const page = await context.newPage();
    await page.goto(h.launchLink());
    await page.locator('#settings').waitFor();
    await expect.poll(() => page.textContent('#activity-note')).toContain('Days are calendar days in UTC.');
    const link = page.locator('#activity-note a');
    expect(await link.textContent()).toBe('Change the time zone');
    await link.focus();
    await page.keyboard.press('Enter');
    expect(await active(page)).toBe('time-zone');
    await closeContexts();
  }, 60_000);

  it('at 400 px and on a desktop: nothing to scroll sideways, and axe-core finds no serious or critical violation, with the digest on and each field refused', async () => {
    /** The page as it is now: fits its width, a screenshot of the section, no serious or critical axe violation. */
    async function check(page: Page, name: string) {
      const { scrollWidth, innerWidth } = await fits(page);
      expect(scrollWidth, name).toBeLessThanOrEqual(innerWidth);
      await page.locator('#weekly-digest').screenshot({ path: `${shots}/${name}.png` });
      const violations: Array<{ id: string; impact: string; help: string; targets: string[] }> = await page.evaluate(async () => {
        const result = await window.axe.run(document);
        return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n: any) => n.target.join(' ')) }));
      });
      expect(
        violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
        name,
      ).toEqual([]);
    }
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['400px', NARROW],
    ] as const) {
      // axe is injected as a script of the test's own, which the page's CSP would refuse.
      const page = await open({ viewport, bypassCSP: true });
      await page.addScriptTag({ path: AXE });
      await page.check('#digest-enabled');
      await page.fill('#digest-channel', 'no-such-channel');
      await page.click('#save');
      await expect.poll(() => page.textContent('#digest-channel-error'), SAVED).toContain('#no-such-channel');
      await check(page, `55-digest-refused-${size}`);
      // The settings' refusal comes first (the digest is saved after them).
      await page.fill('#time-zone', 'Nowhere/Special');
      await page.click('#save');
      await expect.poll(() => page.textContent('#time-zone-error'), SAVED).toContain('"Nowhere/Special"');
      await check(page, `56-time-zone-refused-${size}`);
      await closeContexts();
    }
    expect((await h.store.orgSettings.get(h.orgId))?.digest).toBeNull();
  }, 120_000);
});
