// Slack emulator configured by the app's manifest: which events reach the app (its bot_events,
// besides the scopes), whether people can write in the app's DM (the App Home Messages tab), the
// App Home tabs, interactivity and shortcuts, and the scopes an install gets.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_BOT_SCOPES,
  DEFAULT_MANIFEST,
  EMULATED_BOT_EVENTS,
  manifestConfig,
  readManifestFile,
  startSlackEmulator,
} from '../../emulators/slack/index.ts';
import type { SlackAppManifest, SlackEmulator, Team, User } from '../../emulators/slack/index.ts';
import { startTestReceiver } from '../../emulators/slack/test-receiver.ts';
import type { TestReceiver } from '../../emulators/slack/test-receiver.ts';

const SECRET = 'signing-secret';
const REPO_MANIFEST = new URL('../../manifest.yml', import.meta.url);
const TURNED_OFF = 'Sending messages to this app has been turned off.';
const t = 1_764_075_600_000;

let emu: SlackEmulator | undefined;
let rx: TestReceiver | undefined;

afterEach(async () => {
  await emu?.close();
  await rx?.close();
  emu = undefined;
  rx = undefined;
});

/** A manifest like the product's, with `over` replacing whole sections. */
function manifest(
  over: { bot_events?: string[]; scopes?: string[]; app_home?: Record<string, boolean | undefined>; shortcuts?: unknown[]; interactivity?: boolean } = {},
): SlackAppManifest {
  return {
    display_information: { name: 'Test app' },
    features: {
      app_home: over.app_home ?? { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      ...(over.shortcuts ? { shortcuts: over.shortcuts as never } : {}),
    },
    oauth_config: {
      scopes: {
        bot: over.scopes ?? ['channels:history', 'channels:read', 'chat:write', 'groups:history', 'groups:read', 'im:history', 'im:write', 'users:read'],
      },
    },
    settings: {
      event_subscriptions: { request_url: 'https://app.test/slack/events', bot_events: over.bot_events ?? ['message.im'] },
      interactivity: { is_enabled: over.interactivity ?? true },
    },
  };
}

async function start(m: SlackAppManifest | undefined): Promise<{ emu: SlackEmulator; team: Team; alice: User }> {
  rx = await startTestReceiver(SECRET, () => t);
  emu = await startSlackEmulator({
    signingSecret: SECRET,
    clientId: '1.2',
    clientSecret: 'sec',
    now: () => t,
    eventsUrl: `${rx.url}/slack/events`,
    interactivityUrl: `${rx.url}/slack/interactions`,
    eventRetryDelaysMs: [],
    eventResponseTimeoutMs: 5000,
    ...(m ? { manifest: m } : {}),
  });
  const team = emu.createTeam({ name: 'Acme', domain: 'acme' });
  const alice = emu.createUser(team.id, { name: 'alice' });
  return { emu, team, alice };
}

async function eventTypes(): Promise<string[]> {
  await emu!.idle();
  return rx!.requests
    .filter((r) => r.path === '/slack/events')
    .map((r) => {
      const ev = (r.json() as { event: Record<string, unknown> }).event;
      return ev['type'] === 'message' ? `message:${String(ev['channel_type'])}${ev['subtype'] ? `:${String(ev['subtype'])}` : ''}` : String(ev['type']);
    });
}

describe('reading a manifest', () => {
  it('reads the repository’s manifest.yml: its scopes, events, App Home, interactivity and shortcuts', () => {
    const cfg = manifestConfig(readManifestFile(REPO_MANIFEST));
    expect(cfg.botScopes).toContain('channels:join');
    expect(cfg.botScopes).toEqual([...cfg.botScopes].sort());
    expect([...cfg.botEvents]).toEqual(
      expect.arrayContaining(['message.channels', 'message.groups', 'message.im', 'app_home_opened', 'tokens_revoked', 'app_uninstalled']),
    );
    expect(cfg).toMatchObject({ homeTabEnabled: true, messagesTabEnabled: true, messagesTabReadOnly: false, interactivityEnabled: true });
    expect(cfg.shortcuts).toEqual([
      { type: 'message', callbackId: 'book_meeting' },
      { type: 'message', callbackId: 'collect_info' },
    ]);
  });

  it('names the file and the problem: unreadable, not YAML, not a mapping', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slack-manifest-'));
    expect(() => readManifestFile(join(dir, 'missing.yml'))).toThrow(/missing\.yml: cannot read it/);
    writeFileSync(join(dir, 'bad.yml'), 'features: [unclosed');
    expect(() => readManifestFile(join(dir, 'bad.yml'))).toThrow(/bad\.yml: not valid YAML/);
    writeFileSync(join(dir, 'list.yml'), '- a\n- b\n');
    expect(() => readManifestFile(join(dir, 'list.yml'))).toThrow(/expected a mapping/);
    writeFileSync(join(dir, 'app.json'), JSON.stringify(manifest()));
    expect(manifestConfig(readManifestFile(join(dir, 'app.json'))).botEvents.has('message.im')).toBe(true);
  });

  it('refuses what Slack refuses: an event without its scope, an unknown message event, a wrongly typed field', () => {
    expect(() => manifestConfig(manifest({ bot_events: ['message.channels'], scopes: ['chat:write'] }))).toThrow(
      'bot event message.channels needs the bot scope channels:history',
    );
    expect(() => manifestConfig(manifest({ bot_events: ['member_joined_channel'], scopes: ['chat:write'] }))).toThrow(
      'needs the bot scope channels:read or groups:read',
    );
    expect(() => manifestConfig(manifest({ bot_events: ['message.channel'] }))).toThrow(/message\.channel;/);
    expect(() => manifestConfig({ features: { app_home: { messages_tab_enabled: 'yes' as never } } })).toThrow(
      '"features.app_home.messages_tab_enabled" must be true or false',
    );
    expect(() => manifestConfig({ settings: { event_subscriptions: { bot_events: 'message.im' as never } } })).toThrow('must be a list of names');
    expect(() => manifestConfig({ features: { shortcuts: [{ type: 'slash', callback_id: 'x' } as never] } })).toThrow('features.shortcuts[0]');
  });

  it('reads absent App Home flags as a new app’s: Messages tab off, and read-only when only turned on', () => {
    expect(manifestConfig({})).toMatchObject({
      homeTabEnabled: false,
      messagesTabEnabled: false,
      messagesTabReadOnly: true,
      interactivityEnabled: false,
      shortcuts: [],
    });
    expect(manifestConfig({ features: { app_home: { messages_tab_enabled: true } } })).toMatchObject({ messagesTabEnabled: true, messagesTabReadOnly: true });
  });

  it('the default (no manifest) subscribes to every emulated event, with the Messages tab writable', () => {
    const cfg = manifestConfig(DEFAULT_MANIFEST, true);
    expect([...cfg.botEvents].sort()).toEqual([...EMULATED_BOT_EVENTS].sort());
    expect(cfg).toMatchObject({
      botScopes: [...DEFAULT_BOT_SCOPES].sort(),
      messagesTabEnabled: true,
      messagesTabReadOnly: false,
      homeTabEnabled: true,
      interactivityEnabled: true,
      shortcuts: null,
    });
  });
});

describe('event subscriptions', () => {
  it('message events go by conversation type: message.im alone hears the DM, not the channels the bot is in', async () => {
    const { emu, team, alice } = await start(manifest({ bot_events: ['message.im'] }));
    const inst = emu.install(team.id);
    const pub = emu.createChannel(team.id, { name: 'pub', memberIds: [alice.id, inst.botUserId] });
    const priv = emu.createChannel(team.id, { name: 'priv', isPrivate: true, memberIds: [alice.id, inst.botUserId] });
    await emu.postAsUser({ teamId: team.id, channel: pub.id, user: alice.id, text: 'in public' });
    await emu.postAsUser({ teamId: team.id, channel: priv.id, user: alice.id, text: 'in private' });
    await emu.postAsUser({ teamId: team.id, channel: emu.openAppDm(team.id, alice.id).id, user: alice.id, text: 'to the app' });
    expect(await eventTypes()).toEqual(['message:im']);
  });

  it('message.groups hears private channels only; message.channels public ones, edits included', async () => {
    const { emu, team, alice } = await start(manifest({ bot_events: ['message.groups'] }));
    const inst = emu.install(team.id);
    const pub = emu.createChannel(team.id, { name: 'pub', memberIds: [alice.id, inst.botUserId] });
    const priv = emu.createChannel(team.id, { name: 'priv', isPrivate: true, memberIds: [alice.id, inst.botUserId] });
    const p1 = await emu.postAsUser({ teamId: team.id, channel: pub.id, user: alice.id, text: 'in public' });
    const p2 = await emu.postAsUser({ teamId: team.id, channel: priv.id, user: alice.id, text: 'in private' });
    await emu.editAsUser({ teamId: team.id, channel: pub.id, user: alice.id, ts: p1, text: 'edited' });
    await emu.editAsUser({ teamId: team.id, channel: priv.id, user: alice.id, ts: p2, text: 'edited' });
    expect(await eventTypes()).toEqual(['message:group', 'message:group:message_changed']);
  });

  it('every other event only when subscribed, even with the scope: joins, directory, app_home_opened, uninstall', async () => {
    const { emu, team, alice } = await start(manifest({ bot_events: ['message.channels', 'channel_created', 'app_uninstalled'] }));
    const inst = emu.install(team.id);
    const ch = emu.createChannel(team.id, { name: 'news', memberIds: [alice.id] }); // channel_created: subscribed
    emu.addToChannel(ch.id, inst.botUserId); // member_joined_channel: not subscribed; the join message: message.channels
    emu.renameChannel(ch.id, 'news-2'); // channel_rename: not subscribed
    emu.createUser(team.id, { name: 'bob' }); // team_join: not subscribed
    expect(emu.openAppHome({ teamId: team.id, userId: alice.id }).event).toBeNull(); // app_home_opened: not subscribed
    emu.uninstall(team.id); // tokens_revoked: not subscribed; app_uninstalled: subscribed
    expect(await eventTypes()).toEqual(['channel_created', 'message:channel:channel_join', 'app_uninstalled']);
  });

  it('still needs the scope: a subscribed event does not reach an install granted fewer scopes', async () => {
    const { emu, team, alice } = await start(manifest({ bot_events: ['message.channels', 'team_join', 'tokens_revoked'] }));
    const inst = emu.install(team.id, { scopes: ['chat:write'] });
    const ch = emu.createChannel(team.id, { name: 'news', memberIds: [alice.id, inst.botUserId] });
    await emu.postAsUser({ teamId: team.id, channel: ch.id, user: alice.id, text: 'unheard' });
    emu.createUser(team.id, { name: 'bob' });
    emu.uninstall(team.id);
    expect(await eventTypes()).toEqual(['tokens_revoked']);
  });
});

describe('the App Home Messages tab (people writing in the app’s DM)', () => {
  async function dmSetup(appHome: Record<string, boolean | undefined>) {
    const { emu, team, alice } = await start(manifest({ app_home: appHome }));
    const inst = emu.install(team.id);
    const dm = emu.openAppDm(team.id, alice.id);
    const c = new WebClient(inst.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
    // The app can always write to the person; only the person's side is turned off.
    const fromApp = await c.chat.postMessage({ channel: dm.id, text: 'A chat for you' });
    return { emu, team, alice, dm, parentTs: fromApp.ts! };
  }

  it.each([
    { why: 'off', appHome: { messages_tab_enabled: false, messages_tab_read_only_enabled: false }, says: 'messages_tab_enabled: false' },
    { why: 'read-only', appHome: { messages_tab_enabled: true, messages_tab_read_only_enabled: true }, says: 'messages_tab_read_only_enabled: true' },
    { why: 'on without saying writable', appHome: { messages_tab_enabled: true }, says: 'messages_tab_read_only_enabled: true' },
  ])('Messages tab $why: the person cannot write, top level or in a thread; the control route answers 400', async ({ appHome, says }) => {
    const { emu, team, alice, dm, parentTs } = await dmSetup(appHome);
    await expect(emu.postAsUser({ teamId: team.id, channel: dm.id, user: alice.id, text: 'hi' })).rejects.toThrow(TURNED_OFF);
    await expect(emu.postAsUser({ teamId: team.id, channel: dm.id, user: alice.id, text: 'hi' })).rejects.toThrow(says);
    await expect(emu.postAsUser({ teamId: team.id, channel: dm.id, user: alice.id, text: 'reply', threadTs: parentTs })).rejects.toThrow(TURNED_OFF);
    const res = await fetch(`${emu.url}/_emulator/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ teamId: team.id, channel: dm.id, user: alice.id, text: 'reply', threadTs: parentTs }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(TURNED_OFF);
    expect(emu.messages(dm.id).map((m) => m.text)).toEqual(['A chat for you']);
    // Channels are unaffected.
    const ch = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id] });
    expect(await emu.postAsUser({ teamId: team.id, channel: ch.id, user: alice.id, text: 'fine here' })).toMatch(/^\d+\.\d{6}$/);
  });

  it('Messages tab on and writable: the person writes, top level and in threads, and the app hears message.im', async () => {
    const { emu, team, alice, dm, parentTs } = await dmSetup({ messages_tab_enabled: true, messages_tab_read_only_enabled: false });
    await emu.postAsUser({ teamId: team.id, channel: dm.id, user: alice.id, text: 'hi' });
    await emu.postAsUser({ teamId: team.id, channel: dm.id, user: alice.id, text: 'reply', threadTs: parentTs });
    expect((await eventTypes()).filter((e) => e === 'message:im')).toHaveLength(3);
  });

  it('the App Home opens only on the tabs the manifest turns on', async () => {
    const { emu, team, alice } = await start(manifest({ bot_events: ['app_home_opened'], app_home: { home_tab_enabled: false, messages_tab_enabled: false } }));
    emu.install(team.id);
    expect(() => emu.openAppHome({ teamId: team.id, userId: alice.id })).toThrow('the app has no Home tab');
    expect(() => emu.openAppHome({ teamId: team.id, userId: alice.id, tab: 'messages' })).toThrow('the app has no Messages tab');
  });
});

describe('interactivity and shortcuts', () => {
  it('only the shortcuts the manifest declares, of their type', async () => {
    const shortcuts = [
      { name: 'Book', type: 'message', callback_id: 'book_meeting', description: 'x' },
      { name: 'New', type: 'global', callback_id: 'new_thing', description: 'x' },
    ];
    const { emu, team, alice } = await start(manifest({ shortcuts }));
    emu.install(team.id);
    const ch = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id] });
    const ts = await emu.postAsUser({ teamId: team.id, channel: ch.id, user: alice.id, text: 'hi' });
    expect((await emu.messageShortcut({ teamId: team.id, userId: alice.id, channel: ch.id, messageTs: ts, callbackId: 'book_meeting' })).status).toBe(200);
    await expect(emu.messageShortcut({ teamId: team.id, userId: alice.id, channel: ch.id, messageTs: ts, callbackId: 'collect_info' })).rejects.toThrow(
      'the app has no message shortcut collect_info in its manifest (features.shortcuts of type message: book_meeting)',
    );
    await expect(emu.globalShortcut({ teamId: team.id, userId: alice.id, callbackId: 'book_meeting' })).rejects.toThrow(/no global shortcut book_meeting/);
    expect((await emu.globalShortcut({ teamId: team.id, userId: alice.id, callbackId: 'new_thing' })).status).toBe(200);
  });

  it('with interactivity off, buttons and shortcuts reach nothing: they throw, and nothing is delivered', async () => {
    const { emu, team, alice } = await start(manifest({ interactivity: false, shortcuts: [{ type: 'global', callback_id: 'go' }] }));
    const inst = emu.install(team.id);
    const ch = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id, inst.botUserId] });
    const c = new WebClient(inst.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
    const posted = await c.chat.postMessage({
      channel: ch.id,
      text: 'x',
      blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'Go' } }] }],
    });
    await expect(emu.clickButton({ teamId: team.id, userId: alice.id, channel: ch.id, messageTs: posted.ts!, actionId: 'go' })).rejects.toThrow(
      /interactivity is off/,
    );
    await expect(emu.globalShortcut({ teamId: team.id, userId: alice.id, callbackId: 'go' })).rejects.toThrow(/interactivity is off/);
    expect(rx!.requests.filter((r) => r.path === '/slack/interactions')).toEqual([]);
  });
});

describe('install scopes', () => {
  it('install(teamId) grants the manifest’s oauth_config.scopes.bot; explicit scopes replace them', async () => {
    const { emu, team } = await start(manifest({ scopes: ['chat:write', 'im:history', 'channels:join'] }));
    expect(emu.install(team.id).scopes).toEqual(['channels:join', 'chat:write', 'im:history']);
    const other = emu.createTeam({ name: 'Other' });
    expect(emu.install(other.id, { scopes: ['chat:write'] }).scopes).toEqual(['chat:write']);
  });

  it('without a manifest, install(teamId) grants DEFAULT_BOT_SCOPES', async () => {
    const { emu, team } = await start(undefined);
    expect(emu.install(team.id).scopes).toEqual([...DEFAULT_BOT_SCOPES].sort());
  });
});
