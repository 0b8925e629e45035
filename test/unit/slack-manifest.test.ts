// manifest.yml creates the Slack app; the code asks for scopes at install and acts on events.
// If the two drift apart, installs ask for what the app does not declare, or events never come.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { botScopes } from '../../src/slack/bot-scopes.ts';
import { handledSlackEventTypes } from '../../src/slack/slack-events.ts';
import { OAUTH_CALLBACK_PATH } from '../../src/http/routes/slack-oauth.route.ts';
import { shortcutCallbackIds } from '../../src/conversations/shortcuts.ts';

interface Manifest {
  features: { shortcuts: Array<{ name: string; type: string; callback_id: string; description: string }>; app_home: { home_tab_enabled: boolean } };
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
}

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;
const base = 'https://threadbridge.example.com';

describe('manifest.yml', () => {
  it('declares exactly the bot scopes the install asks for', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...botScopes].sort());
  });

  it('subscribes to the events the workers act on (message events come per conversation type)', () => {
    const wanted = [...handledSlackEventTypes].flatMap((type) => (type === 'message' ? ['message.channels', 'message.groups', 'message.im'] : [type]));
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(wanted.sort());
  });

  it('declares the message shortcuts the workers handle, and the Home tab', () => {
    expect(manifest.features.shortcuts.map((s) => s.callback_id).sort()).toEqual([...shortcutCallbackIds].sort());
    expect(manifest.features.shortcuts.every((s) => s.type === 'message' && s.description.length <= 80 && s.name.length <= 24)).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it('points Slack at the routes the web process serves', () => {
    expect(manifest.oauth_config.redirect_urls).toEqual([`${base}${OAUTH_CALLBACK_PATH}`]);
    expect(manifest.settings.event_subscriptions.request_url).toBe(`${base}/slack/events`);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: `${base}/slack/interactions` });
  });
});
