// The sandbox console in a real browser (Debian's Chromium through playwright-core) against the
// product and its emulators: a visitor's message typed in the widget shows in the Slack pane's
// thread; a mapped rep's reply typed in the thread reaches the widget; an unmapped person's reply
// gets the product's ephemeral explanation, shown to that person only; Join clicked on the parent
// (through the emulator's signed interaction) marks who took the chat; Book a meeting from a
// message's menu opens the modal, and its submission offers the meeting in the widget, where the
// visitor books it; Collect info asks the visitor, whose answers reach the thread; a file link and
// the end of the chat from the widget. By keyboard: a chat started, a shortcut chosen from a
// message's menu, Escape closing its modal; axe-core finding no serious or critical violation. An
// edit marked as such; a banner when the console stops answering. At a desktop width and at 400 px, with screenshots (test-artifacts/sandbox-console/),
// nothing to scroll sideways and no Content-Security-Policy violation. Bad input: clear 400s.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { repoRoot } from '../../sandbox/processes.ts';
import { startSandboxConsole, type SandboxConsole } from '../../sandbox/console/index.ts';

// What page.evaluate runs in the browser: the tests' tsconfig has no DOM types.
declare const document: any, window: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = `${repoRoot}test-artifacts/sandbox-console`;
const AXE = `${repoRoot}node_modules/axe-core/axe.min.js`;
const DESKTOP = { width: 1280, height: 900 };
const NARROW = { width: 400, height: 860 };
/** A message goes through the web process, the queue and the worker before the other side shows it. */
const ARRIVES = { timeout: 15_000 };

let h: Harness;
let browser: Browser;
let sandboxConsole: SandboxConsole;
const cspViolations: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness({ runtime: 'node', name: 'sandbox-console' });
  sandboxConsole = await startSandboxConsole({
    slack: h.slack,
    platform: h.platform,
    orgId: h.orgId,
    teamId: h.teamId,
    port: 0,
    settingsLink: () => h.launchLink(),
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sandboxConsole?.close();
  await h?.stop();
});

async function open(viewport: { width: number; height: number }, options: { bypassCSP?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport, bypassCSP: options.bypassCSP ?? false });
  const page = await context.newPage();
  if (!options.bypassCSP)
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
  await page.goto(sandboxConsole.url);
  await page.locator('#slack-user option').first().waitFor({ state: 'attached' });
  return page;
}

const active = (page: Page) => page.evaluate(() => document.activeElement?.id);

/** The page as it is now: fits its width, a screenshot, no serious or critical axe-core violation (axe injected, so the CSP is bypassed). */
async function check(page: Page, name: string) {
  const { scrollWidth, innerWidth } = await fits(page);
  expect(scrollWidth, name).toBeLessThanOrEqual(innerWidth);
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  const violations: Array<{ id: string; impact: string; targets: string[] }> = await page.evaluate(async () => {
    const result = await window.axe.run(document);
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n: any) => n.target.join(' ')) }));
  });
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    name,
  ).toEqual([]);
}

const fits = (page: Page) => page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
const viewAs = async (page: Page, slackUserId: string) => {
  await page.selectOption('#slack-user', slackUserId);
  await page.locator(`#slack-log[data-user="${slackUserId}"]`).waitFor({ state: 'attached' });
  expect(await page.textContent('#channel-title')).toBe('#website-chats');
};

describe('the sandbox console', () => {
  it('plays both sides: replies each way, an ephemeral explanation, Join, Book a meeting, Collect info, a file link, the end', async () => {
    const page = await open(DESKTOP);
    const alice = h.agents.alice.slackUserId;
    const carol = h.unmappedSlackUserId;

    // Empty: each pane says what to do.
    await viewAs(page, alice);
    await expect.poll(() => page.locator('#slack-log').textContent()).toContain('Start a chat on the left');
    expect(await page.isVisible('#start-form')).toBe(true);
    await page.screenshot({ path: `${shots}/01-empty-desktop.png`, fullPage: true });

    // The visitor starts a chat (an identified target account) and writes; the thread shows it in Slack.
    await page.fill('#start-name', 'Vera Visitor');
    await page.fill('#start-account', 'Globex');
    await page.click('#start-chat');
    await page.locator('#visitor-text').waitFor();
    expect(await page.textContent('#chat-head')).toContain('of the target account Globex');
    await page.fill('#visitor-text', 'Do you integrate with Salesforce?');
    await page.keyboard.press('Enter');
    const parent = page.locator('#slack-log .entry').filter({ hasText: 'Vera Visitor' }).first();
    const thread = parent.locator('.thread');
    await expect.poll(() => thread.textContent(), ARRIVES).toContain('Do you integrate with Salesforce?');

    // Alice (mapped) answers in the thread: the visitor sees it.
    await parent.locator('.msg').first().getByRole('button', { name: 'Reply in thread' }).click();
    expect(await page.isVisible('#reply-target')).toBe(true);
    await page.keyboard.type('Yes, natively!');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#chat-log li.agent').allTextContents(), ARRIVES).toContainEqual(expect.stringContaining('Yes, natively!'));
    expect(await page.locator('#chat-log li.agent .who').first().textContent()).toBe('Alice Agent');

    // Carol (not mapped) answers: the explanation is shown to her, not to Alice.
    await viewAs(page, carol);
    await parent.locator('.msg').first().getByRole('button', { name: 'Reply in thread' }).click();
    await page.fill('#slack-text', 'I can help too');
    await page.click('#slack-send');
    const ephemeral = page.locator('#slack-log .msg.ephemeral');
    await expect.poll(() => ephemeral.allTextContents(), ARRIVES).toContainEqual(expect.stringContaining("isn't linked to a chat agent"));
    expect(await ephemeral.first().textContent()).toContain('Only visible to you');
    await page.screenshot({ path: `${shots}/02-ephemeral-to-carol-desktop.png`, fullPage: true });
    await viewAs(page, alice);
    await expect.poll(() => thread.textContent()).toContain('I can help too');
    expect(await ephemeral.count()).toBe(0);
    expect(await page.locator('#chat-log').textContent()).not.toContain('I can help too');

    // Join, clicked on the parent as Alice: the parent says she took the chat, the button is gone.
    await parent.locator('.msg').first().getByRole('button', { name: 'Join' }).click();
    await expect.poll(() => parent.locator('.msg').first().textContent(), ARRIVES).toContain('@Alice Agent took this chat');
    expect(await parent.locator('.msg').first().getByRole('button', { name: 'Join' }).count()).toBe(0);

    // Book a meeting from the menu of Alice's reply: the modal, submitted, offers it to the visitor.
    const reply = thread.locator('.msg').filter({ hasText: 'Yes, natively!' });
    await reply.getByRole('button', { name: 'More actions' }).click();
    await reply.getByRole('button', { name: 'Book a meeting' }).click();
    await page.locator('#modal-backdrop').waitFor({ state: 'visible', ...ARRIVES });
    expect(await page.textContent('#modal-title')).toBe('Book a meeting');
    await page.selectOption('#modal-body select[data-block="duration"]', '45');
    await page.screenshot({ path: `${shots}/03-book-a-meeting-modal-desktop.png`, fullPage: true });
    await page.click('#modal-submit');
    await page.locator('#modal-backdrop').waitFor({ state: 'hidden', ...ARRIVES });
    await expect.poll(() => thread.textContent(), ARRIVES).toContain('offered Vera Visitor a 45-minute meeting');
    const offer = page.locator('#chat-extras form.meeting');
    await expect.poll(() => offer.textContent(), ARRIVES).toContain('A rep offers you a 45-minute meeting');

    // The visitor books it: the widget and the thread say so.
    await offer.getByRole('button', { name: 'Book the meeting' }).click();
    await expect.poll(() => page.locator('#chat-extras').textContent(), ARRIVES).toContain('Meeting booked: 45 minutes');
    await expect.poll(() => thread.textContent(), ARRIVES).toContain('Vera Visitor booked a meeting with');
    await page.screenshot({ path: `${shots}/04-meeting-booked-desktop.png`, fullPage: true });

    // Collect info from the parent's menu: the checkboxes, submitted, ask the visitor, whose answers reach the thread.
    const top = parent.locator('.msg').first();
    await top.getByRole('button', { name: 'More actions' }).click();
    await top.getByRole('button', { name: 'Collect info' }).click();
    await page.locator('#modal-backdrop').waitFor({ state: 'visible', ...ARRIVES });
    await page.getByRole('checkbox', { name: 'Phone' }).check();
    await page.click('#modal-submit');
    await page.locator('#modal-backdrop').waitFor({ state: 'hidden', ...ARRIVES });
    const form = page.locator('#chat-extras form[data-form]');
    await form.waitFor(ARRIVES);
    await form.getByLabel('Phone').fill('+1 555 0100');
    await form.getByRole('button', { name: 'Send the form' }).click();
    await expect.poll(() => page.locator('#chat-extras').textContent(), ARRIVES).toContain('You sent the form: phone: +1 555 0100');
    await expect.poll(() => thread.textContent(), ARRIVES).toContain('Phone: +1 555 0100');

    // A file link, then the visitor ends the chat: the widget says so and takes no more messages.
    await page.fill('#visitor-file', 'https://files.example.com/specs/requirements.pdf');
    await page.click('#visitor-send');
    await expect.poll(() => page.locator('#chat-log a').allTextContents(), ARRIVES).toContain('requirements.pdf');
    await page.click('#end-chat');
    await expect.poll(() => page.textContent('#chat-head'), ARRIVES).toContain('This chat has ended (by the visitor).');
    expect(await page.isDisabled('#visitor-send')).toBe(true);
    await page.screenshot({ path: `${shots}/05-form-file-ended-desktop.png`, fullPage: true });
    const desktop = await fits(page);
    expect(desktop.scrollWidth).toBeLessThanOrEqual(desktop.innerWidth);

    // At 400 px the panes stack and nothing scrolls sideways.
    const narrow = await open(NARROW);
    await viewAs(narrow, alice);
    await expect.poll(() => narrow.locator('#slack-log').textContent()).toContain('Do you integrate with Salesforce?');
    await narrow.screenshot({ path: `${shots}/06-thread-400px.png`, fullPage: true });
    const small = await fits(narrow);
    expect(small.scrollWidth).toBeLessThanOrEqual(small.innerWidth);
    expect(cspViolations).toEqual([]);
  }, 90_000);

  it('by keyboard: a new chat, a message shortcut from the menu, Escape closes the modal; axe-core finds no serious or critical violation', async () => {
    const page = await open(DESKTOP, { bypassCSP: true });
    await page.addScriptTag({ path: AXE });
    await viewAs(page, h.agents.bob.slackUserId);
    await page.focus('#new-chat');
    await page.keyboard.press('Enter');
    expect(await active(page)).toBe('start-name');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Kim Keyboard');
    await page.keyboard.press('Enter');
    await expect.poll(() => active(page), ARRIVES).toBe('visitor-text');
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    const parent = page.locator('#slack-log .entry').filter({ hasText: 'Kim Keyboard' }).first();
    await expect.poll(() => parent.locator('.thread').textContent(), ARRIVES).toContain('Typed without a mouse');

    await parent.locator('.msg').first().getByRole('button', { name: 'More actions' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Book a meeting');
    await page.keyboard.press('Enter');
    await page.locator('#modal-backdrop').waitFor({ state: 'visible', ...ARRIVES });
    expect(await page.evaluate(() => document.activeElement?.closest('#modal') !== null)).toBe(true);
    await check(page, '07-modal-desktop');
    await page.keyboard.press('Escape');
    await page.locator('#modal-backdrop').waitFor({ state: 'hidden', ...ARRIVES });
    expect(h.slack.openViews(h.teamId, h.agents.bob.slackUserId)).toEqual([]);
    await check(page, '08-keyboard-desktop');

    const narrow = await open(NARROW, { bypassCSP: true });
    await narrow.addScriptTag({ path: AXE });
    await viewAs(narrow, h.agents.bob.slackUserId);
    await expect.poll(() => narrow.locator('#slack-log').textContent()).toContain('Typed without a mouse');
    await check(narrow, '09-keyboard-400px');
  }, 60_000);

  it('shows an edit as edited, and a banner saying what to do when the sandbox stops', async () => {
    const own = await startSandboxConsole({ slack: h.slack, platform: h.platform, orgId: h.orgId, teamId: h.teamId, port: 0 });
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(own.url);
    await viewAs(page, h.agents.alice.slackUserId);
    const ts = await h.slack.postAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.alice.slackUserId, text: 'lunch at noon?' });
    await h.slack.editAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.alice.slackUserId, ts, text: 'lunch at one?' });
    const edited = page.locator(`#slack-log .msg[data-ts="${ts}"]`);
    await expect.poll(() => edited.textContent()).toContain('lunch at one?');
    expect(await edited.textContent()).toContain('(edited)');
    expect(await page.isVisible('#settings-link-row')).toBe(false);
    expect(await page.isVisible('#stopped')).toBe(false);
    await own.close();
    await page.locator('#stopped').waitFor({ state: 'visible' });
    expect(await page.textContent('#stopped')).toContain('Start it again with npm run sandbox, then reload this page.');
    await page.screenshot({ path: `${shots}/10-stopped-desktop.png` });
    await context.close();
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const post = (path: string, body: unknown) =>
      fetch(new URL(path, sandboxConsole.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const missing = await post('/api/visitor/start', {});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: { code: 'invalid_request', message: 'name: is required', field: 'name' } });
    const unknown = await post('/api/slack/messages', { user: h.agents.alice.slackUserId, channel: h.channelId, text: 'hi', as: 'bot' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as any).error.field).toBe('as');
    const stranger = await post('/api/slack/messages', { user: 'U_NOBODY', channel: h.channelId, text: 'hi' });
    expect(stranger.status).toBe(400);
    expect(((await stranger.json()) as any).error.message).toBe('user: no person U_NOBODY in the workspace');
    const state = await fetch(new URL('/api/state?user=U_NOBODY', sandboxConsole.url));
    expect(state.status).toBe(400);
    const page = await fetch(sandboxConsole.url);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
