// The settings page's Activity section in a real browser (Debian's Chromium through playwright-core)
// against the product and its emulators, with contract-shaped reports (src/routing/activity-figures.ts)
// served in place of GET /api/orgs/:orgId/activity: a busy month (the summary, both charts with
// their descriptions, every day in a table, the tables by group and by agent), a month without
// chats, and a failed load that says what to do and loads again. At 400 px wide and on a desktop
// with screenshots (test-artifacts/settings-page/), nothing to scroll sideways, axe-core finding no
// serious or critical violation. One test reads the real endpoint for the seeded org and finds the
// section showing what it answers.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { repoRoot } from '../../sandbox/processes.ts';
import type { ActivityFigures, ActivityReport } from '../../src/routing/activity-figures.ts';

// What page.evaluate runs in the browser: the tests' tsconfig has no DOM types.
declare const document: any, window: any, getComputedStyle: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = `${repoRoot}test-artifacts/settings-page`;
const AXE = `${repoRoot}node_modules/axe-core/axe.min.js`;
const DESKTOP = { width: 1100, height: 900 };
const NARROW = { width: 400, height: 860 };

let h: Harness;
let browser: Browser;
const cspViolations: string[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness({ runtime: 'node', name: 'settings-page-activity' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const utcToday = () => new Date().toISOString().slice(0, 10);
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
function dates(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

const zero: ActivityFigures = {
  chats: 0,
  answered: 0,
  missed: 0,
  answeredInSlack: 0,
  answeredInConsole: 0,
  answeredWithinAnswerTime: 0,
  firstResponseSeconds: { p50: null, p90: null },
};
function figures(chats: number, missed: number, p50: number | null, p90: number | null): ActivityFigures {
  const answered = chats - missed;
  const inSlack = Math.round(answered * 0.6);
  return {
    chats,
    answered,
    missed,
    answeredInSlack: inSlack,
    answeredInConsole: answered - inSlack,
    answeredWithinAnswerTime: Math.round(answered * 0.9),
    firstResponseSeconds: answered ? { p50, p90 } : { p50: null, p90: null },
  };
}

/** A busy month: a weekday rhythm, a quiet weekend, one day nobody answered, one slow day. */
function busyMonth(from: string, to: string): ActivityReport {
  const days = dates(from, to).map((date, i) => {
    const weekend = [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
    if (i === 4) return { date, ...figures(3, 3, null, null) };
    if (i === 20) return { date, ...figures(61, 9, 150, 720) };
    const chats = weekend ? 4 + (i % 3) : 30 + ((i * 7) % 17);
    return { date, ...figures(chats, i % 5, 30 + ((i * 13) % 40), 90 + ((i * 29) % 150)) };
  });
  return {
    from,
    to,
    timeZone: 'UTC',
    percentileError: 'at most 25 % above the true value, never below',
    days,
    groups: [
      { routingGroupId: 'rg_sales', name: 'Inbound sales', ...figures(520, 31, 42, 160) },
      { routingGroupId: 'rg_support', name: 'Customer support for enterprise accounts in Europe and the Middle East', ...figures(230, 9, 75, 300) },
      { routingGroupId: 'rg_gone', name: null, ...figures(12, 6, 600, 1800) },
    ],
    agents: [
      { agentId: h.agents.alice.agentId, name: 'Alice Agent', ...figures(402, 0, 38, 140) },
      { agentId: h.agents.bob.agentId, name: 'Bob Agent', ...figures(290, 0, 61, 250) },
      { agentId: 'ag_left', name: null, ...figures(23, 0, 3700, 7300) },
    ],
  };
}

function emptyMonth(from: string, to: string): ActivityReport {
  return {
    from,
    to,
    timeZone: 'UTC',
    percentileError: 'at most 25 % above the true value, never below',
    days: dates(from, to).map((date) => ({ date, ...zero })),
    groups: [],
    agents: [],
  };
}

type ActivityAnswer = ((from: string, to: string) => ActivityReport) | { status: number; body: unknown } | 'network-error';

/** Serves GET …/activity from `answer()` in place of the API, recording the ranges asked for. */
async function serveActivity(context: BrowserContext, answer: () => ActivityAnswer): Promise<Array<{ from: string | null; to: string | null }>> {
  const asked: Array<{ from: string | null; to: string | null }> = [];
  await context.route('**/api/orgs/*/activity*', async (route: Route) => {
    const url = new URL(route.request().url());
    const from = url.searchParams.get('from');
    const to = url.searchParams.get('to');
    asked.push({ from, to });
    // The page asks for JSON by name (the endpoint answers CSV to a client preferring it).
    expect(route.request().headers()['accept']).toBe('application/json');
    const a = answer();
    if (a === 'network-error') return route.abort('connectionrefused');
    const [status, body] = typeof a === 'function' ? [200, a(from ?? '', to ?? '')] : [a.status, a.body];
    return route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  });
  return asked;
}

async function open(options: { viewport?: { width: number; height: number }; activity?: () => ActivityAnswer; bypassCSP?: boolean } = {}) {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, bypassCSP: options.bypassCSP ?? false });
  contexts.push(context);
  const asked = options.activity ? await serveActivity(context, options.activity) : [];
  // The Health section above, all good: this file looks at the section below it.
  await context.route('**/api/orgs/*/health', (route: Route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        status: 'ok',
        checkedAt: new Date().toISOString(),
        connection: { status: 'connected', reason: null, workspace: { id: h.teamId, name: 'Acme Sales' }, missingScopes: [] },
        lastSlackEventAt: null,
        lastPlatformWebhookAt: null,
        items: [],
      }),
    }),
  );
  const page = await context.newPage();
  if (!options.bypassCSP)
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
  await page.goto(h.launchLink());
  await page.locator('#settings').waitFor();
  await expect.poll(() => page.textContent('#activity-summary'), { timeout: 10_000 }).not.toMatch(/^Loading/);
  return { page, asked };
}

async function closeContexts() {
  for (const c of contexts.splice(0)) await c.close();
}

const fits = (page: Page) => page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));

describe('the settings page’s Activity section', () => {
  it('a busy month: the summary, chats a day with the missed ones, p50/p90 by day, every day in a table, by group and by agent', async () => {
    const { page, asked } = await open({ activity: () => busyMonth });
    // The org's last 30 days, today included (no timeZone setting: UTC).
    const to = utcToday();
    expect(asked).toEqual([{ from: addDays(to, -29), to }]);
    const report = busyMonth(addDays(to, -29), to);
    const total = report.days.reduce((t, d) => ({ chats: t.chats + d.chats, missed: t.missed + d.missed, answered: t.answered + d.answered }), {
      chats: 0,
      missed: 0,
      answered: 0,
    });
    // Below Health, above Connection.
    expect(await page.evaluate(() => [...document.querySelectorAll('main > section:not([hidden])')].map((s: any) => s.id))).toEqual([
      'health',
      'activity',
      'connection',
    ]);
    const summary = await page.textContent('#activity-summary');
    expect(summary).toContain(`Last 30 days (`);
    expect(summary).toContain(`${total.chats.toLocaleString('en')} chats, ${total.answered.toLocaleString('en')} answered (`);
    expect(summary).toContain(`${total.missed} missed (${Math.round((total.missed / total.chats) * 100)} %)`);
    expect(await page.getAttribute('#activity-summary', 'role')).toBe('status');
    expect(await page.textContent('#activity-error')).toBe('');
    expect(await page.isVisible('#activity-empty')).toBe(false);

    // Chats a day: a bar a day, each named in words; the chart described for a screen reader.
    const chats = page.locator('#activity-chats-chart svg');
    expect(await chats.getAttribute('role')).toBe('img');
    const chatsLabel = await chats.getAttribute('aria-label');
    expect(chatsLabel).toContain(`${total.chats.toLocaleString('en')} chats in all, ${total.missed} missed; the busiest day `);
    expect(chatsLabel).toContain('with 61 chats (9 missed)');
    expect(await page.locator('#activity-chats-chart g.day').count()).toBe(30);
    expect(await page.locator('#activity-chats-chart rect.bar-missed').count()).toBe(report.days.filter((d) => d.missed > 0).length);
    // The day nobody answered is all missed: no answered part.
    expect(
      await page
        .locator('#activity-chats-chart g.day')
        .nth(4)
        .locator('rect')
        .evaluateAll((r: any[]) => r.map((x) => x.getAttribute('class'))),
    ).toEqual(['bar-missed']);
    // First response: two lines, broken where no chat was answered; the slowest day named.
    const response = page.locator('#activity-response-chart svg');
    expect(await response.getAttribute('role')).toBe('img');
    expect(await response.getAttribute('aria-label')).toContain('p90 12 min)');
    expect(await page.locator('#activity-response-chart path.line-p50').count()).toBe(1);
    expect(await page.locator('#activity-response-chart circle.point-p50').count()).toBe(29);
    expect(await page.getAttribute('#activity-response-chart path.line-p50', 'd')).toMatch(/^M[^M]+M[^M]+$/);

    // Every day's figures, in a table a screen reader can walk.
    await page.click('#activity-days-details summary');
    const days = page.locator('#activity-days tr');
    expect(await days.count()).toBe(30);
    expect(await days.nth(20).locator('td').allTextContents()).toEqual(['61', '9', '2 min 30 s', '12 min']);
    expect(await days.nth(4).locator('td').allTextContents()).toEqual(['3', '3', '—', '—']);

    // By group and by agent: most first, as the report orders them; a name the platform no longer gives is said by id.
    const groups = page.locator('#activity-groups tr');
    expect(await groups.count()).toBe(3);
    expect(await groups.nth(0).locator('th').textContent()).toBe('Inbound sales');
    expect(await groups.nth(0).locator('td').allTextContents()).toEqual(['520', '489 (94 %)', '31', '440 (90 %)', '42 s / 2 min 40 s']);
    expect(await groups.nth(2).locator('th').textContent()).toBe('Group rg_gone');
    expect(await groups.nth(2).locator('td').last().textContent()).toBe('10 min / 30 min');
    const agents = page.locator('#activity-agents tr');
    expect(await agents.count()).toBe(3);
    expect(await agents.nth(0).locator('th').textContent()).toBe('Alice Agent');
    expect(await agents.nth(0).locator('td').allTextContents()).toEqual(['402', '241 / 161', '362 (90 %)', '38 s / 2 min 20 s']);
    expect(await agents.nth(2).locator('th').textContent()).toBe('Agent ag_left');
    expect(await agents.nth(2).locator('td').last().textContent()).toBe('1 h 2 min / 2 h 2 min');
    expect(await page.textContent('#activity-note')).toContain('Days are calendar days in UTC.');
    expect(await page.textContent('#activity-note')).toContain('at most 25 % above the true value, never below');
    await page.locator('#activity').screenshot({ path: `${shots}/40-activity-busy-desktop.png` });
    expect(cspViolations).toEqual([]);
    await closeContexts();
  }, 60_000);

  it('at 400 px: nothing to scroll sideways, the charts drawn to the width, the tables stacked', async () => {
    const { page } = await open({ viewport: NARROW, activity: () => busyMonth });
    await page.locator('#activity').screenshot({ path: `${shots}/41-activity-busy-400px.png` });
    // Every day's figures stay a table of five short columns.
    await page.click('#activity-days-details summary');
    const { scrollWidth, innerWidth } = await fits(page);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    const width = Number(await page.getAttribute('#activity-chats-chart svg', 'width'));
    expect(width).toBeLessThanOrEqual(innerWidth);
    expect(width).toBeGreaterThan(300);
    // Stacked rows: each cell says what it is.
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('#activity-groups td')).display)).toBe('block');
    await page.locator('#activity-days-details').screenshot({ path: `${shots}/41-activity-days-400px.png` });
    // Wider again: the charts follow.
    await page.setViewportSize(DESKTOP);
    await expect.poll(async () => Number(await page.getAttribute('#activity-chats-chart svg', 'width'))).toBeGreaterThan(600);
    expect(cspViolations).toEqual([]);
    await closeContexts();
  }, 60_000);

  it('a month without chats says so and what will appear; no chart, no table', async () => {
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['400px', NARROW],
    ] as const) {
      const { page } = await open({ viewport, activity: () => emptyMonth });
      expect(await page.textContent('#activity-summary')).toMatch(/^Last 30 days \(.+ to .+\): no chats\.$/);
      expect(await page.textContent('#activity-empty')).toContain('No chats in the last 30 days. Each chat a visitor starts on your website is counted here');
      expect(await page.isVisible('#activity-empty')).toBe(true);
      expect(await page.isVisible('#activity-body')).toBe(false);
      const { scrollWidth, innerWidth } = await fits(page);
      expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
      await page.locator('#activity').screenshot({ path: `${shots}/42-activity-empty-${size}.png` });
      await closeContexts();
    }
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('a failed load says what failed and what to do; Load again draws it; a network failure says to check the network', async () => {
    let answer: ActivityAnswer = { status: 500, body: { error: { code: 'internal_error', message: 'Something went wrong on our side' } } };
    const { page } = await open({ activity: () => answer });
    expect(await page.textContent('#activity-summary')).toBe('The activity of the last 30 days could not be loaded.');
    expect(await page.textContent('#activity-error')).toBe(
      'The activity could not be loaded (Something went wrong on our side). Press Load again in a minute, or reload the page; if it keeps failing, tell Threadbridge support.',
    );
    expect(await page.getAttribute('#activity-error', 'role')).toBe('alert');
    expect(await page.isVisible('#activity-body')).toBe(false);
    await page.locator('#activity').screenshot({ path: `${shots}/43-activity-error-desktop.png` });

    answer = busyMonth;
    await page.focus('#activity-reload');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#activity-summary')).toContain(' chats, ');
    expect(await page.textContent('#activity-error')).toBe('');
    expect(await page.isVisible('#activity-body')).toBe(true);
    // The keyboard stays where it was.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('activity-reload');

    answer = 'network-error';
    await page.click('#activity-reload');
    await expect
      .poll(() => page.textContent('#activity-error'))
      .toBe('Threadbridge could not be reached. Check your network connection, then press Load again or reload the page.');
    expect(await page.isVisible('#activity-body')).toBe(false);
    expect(cspViolations).toEqual([]);
    await closeContexts();
  }, 60_000);

  it('axe-core finds no serious or critical violation: busy (desktop and 400 px), empty, failed', async () => {
    const states: Array<{ name: string; activity: () => ActivityAnswer; viewport?: typeof NARROW }> = [
      { name: 'busy', activity: () => busyMonth },
      { name: 'busy at 400 px', activity: () => busyMonth, viewport: NARROW },
      { name: 'empty', activity: () => emptyMonth },
      { name: 'failed', activity: () => ({ status: 503, body: { error: { code: 'store_unavailable', message: 'The store is unavailable' } } }) },
    ];
    for (const s of states) {
      // axe is injected as a script of the test's own, which the page's CSP would refuse.
      const { page } = await open({ bypassCSP: true, activity: s.activity, ...(s.viewport ? { viewport: s.viewport } : {}) });
      if (await page.isVisible('#activity-days-details')) await page.click('#activity-days-details summary');
      await page.addScriptTag({ path: AXE });
      const violations: Array<{ id: string; impact: string; help: string; targets: string[] }> = await page.evaluate(async () => {
        const result = await window.axe.run(document.querySelector('#activity'));
        return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n: any) => n.target.join(' ')) }));
      });
      expect(
        violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
        s.name,
      ).toEqual([]);
      await closeContexts();
    }
  }, 120_000);

  it('shows what GET /api/orgs/:orgId/activity answers for the seeded org', async () => {
    const to = utcToday();
    const from = addDays(to, -29);
    const res = await fetch(`${h.webUrl}/api/orgs/${h.orgId}/activity?from=${from}&to=${to}`, {
      headers: { authorization: `Bearer ${h.secrets.adminApiToken}` },
    });
    const body: any = await res.json();
    expect(res.status).toBe(200);
    const report = body as ActivityReport;
    const { page } = await open();
    expect(await page.textContent('#activity-error')).toBe('');
    const chats = report.days.reduce((n, d) => n + d.chats, 0);
    if (chats === 0) expect(await page.textContent('#activity-summary')).toMatch(/: no chats\.$/);
    else expect(await page.textContent('#activity-summary')).toContain(`${chats.toLocaleString('en')} chats`);
    expect(await page.locator('#activity-groups tr').count()).toBe(chats === 0 ? 0 : report.groups.length);
    await page.locator('#activity').screenshot({ path: `${shots}/44-activity-real-endpoint.png` });
    expect(cspViolations).toEqual([]);
    await closeContexts();
  }, 60_000);
});
