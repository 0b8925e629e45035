// The emulated app's configuration, read from a Slack app manifest (the shape of manifest.yml):
// which events it subscribes to, its bot scopes, App Home tabs, interactivity and shortcuts.
// Checked once, up front, with errors that name the field; what the emulator uses is AppManifestConfig.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The parts of Slack's app manifest the emulator reads (other keys are allowed and ignored). */
export interface SlackAppManifest {
  features?: {
    app_home?: { home_tab_enabled?: boolean; messages_tab_enabled?: boolean; messages_tab_read_only_enabled?: boolean };
    shortcuts?: { name?: string; type: 'message' | 'global'; callback_id: string; description?: string }[];
    [key: string]: unknown;
  };
  oauth_config?: { scopes?: { bot?: string[]; user?: string[] }; [key: string]: unknown };
  settings?: {
    event_subscriptions?: { request_url?: string; bot_events?: string[]; [key: string]: unknown };
    interactivity?: { is_enabled?: boolean; request_url?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** What the emulator acts on, derived from the manifest. */
export interface AppManifestConfig {
  /** oauth_config.scopes.bot: what `install(teamId)` grants when no scopes are given. */
  botScopes: string[];
  /** settings.event_subscriptions.bot_events. */
  botEvents: ReadonlySet<string>;
  homeTabEnabled: boolean;
  messagesTabEnabled: boolean;
  messagesTabReadOnly: boolean;
  interactivityEnabled: boolean;
  /** features.shortcuts; null = not checked (only for the default manifest, which declares none). */
  shortcuts: { type: 'message' | 'global'; callbackId: string }[] | null;
  /** settings.org_deploy_enabled: whether the app may be installed org-wide on Enterprise Grid. */
  orgDeployEnabled: boolean;
}

/** The bot scopes of an install when neither scopes nor a manifest say otherwise. */
export const DEFAULT_BOT_SCOPES = [
  'app_mentions:read',
  'channels:history',
  'channels:read',
  'chat:write',
  'chat:write.customize',
  'commands',
  'groups:history',
  'groups:read',
  'im:history',
  'im:read',
  'im:write',
  'reactions:write',
  'users:read',
  'users:read.email',
];

/** Every event type the emulator can raise, as the manifest's bot_events name them. */
export const EMULATED_BOT_EVENTS = [
  'message.channels',
  'message.groups',
  'message.im',
  'message.mpim',
  'app_mention',
  'app_home_opened',
  'member_joined_channel',
  'member_left_channel',
  'channel_created',
  'channel_rename',
  'channel_archive',
  'channel_unarchive',
  'channel_deleted',
  'channel_left',
  'group_rename',
  'group_archive',
  'group_unarchive',
  'group_deleted',
  'group_left',
  'team_join',
  'user_change',
  'reaction_added',
  'reaction_removed',
  'tokens_revoked',
  'app_uninstalled',
  'team_access_granted',
  'team_access_revoked',
  'channel_shared',
] as const;

/**
 * Used when startSlackEmulator gets no manifest: subscribed to every event the emulator raises,
 * DEFAULT_BOT_SCOPES, both App Home tabs on and the Messages tab writable, interactivity on. It
 * declares no shortcuts, and only this default leaves callback_ids unchecked. Unlike a real
 * manifest it may subscribe to events whose scope DEFAULT_BOT_SCOPES lacks (reactions:read,
 * mpim:history): events still reach only installs holding the scope.
 */
export const DEFAULT_MANIFEST: SlackAppManifest = {
  features: { app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false } },
  oauth_config: { scopes: { bot: [...DEFAULT_BOT_SCOPES] } },
  settings: { event_subscriptions: { bot_events: [...EMULATED_BOT_EVENTS] }, interactivity: { is_enabled: true }, org_deploy_enabled: true },
};

/**
 * The scopes a bot-event subscription needs (any one of them), per each event's docs.slack.dev
 * page. Slack does not save a manifest subscribing to an event without its scope.
 */
const EVENT_SCOPES: Record<string, string[]> = {
  'message.channels': ['channels:history'],
  'message.groups': ['groups:history'],
  'message.im': ['im:history'],
  'message.mpim': ['mpim:history'],
  app_mention: ['app_mentions:read'],
  member_joined_channel: ['channels:read', 'groups:read'],
  member_left_channel: ['channels:read', 'groups:read'],
  channel_created: ['channels:read'],
  channel_rename: ['channels:read'],
  channel_archive: ['channels:read'],
  channel_unarchive: ['channels:read'],
  channel_deleted: ['channels:read'],
  channel_left: ['channels:read'],
  group_rename: ['groups:read'],
  group_archive: ['groups:read'],
  group_unarchive: ['groups:read'],
  group_deleted: ['groups:read'],
  group_left: ['groups:read'],
  team_join: ['users:read'],
  user_change: ['users:read'],
  reaction_added: ['reactions:read'],
  reaction_removed: ['reactions:read'],
  channel_shared: ['channels:read', 'groups:read'],
};
const MESSAGE_EVENTS = new Set(['message.channels', 'message.groups', 'message.im', 'message.mpim', 'message.app_home']);

/** Reads a manifest file (YAML or JSON, as Slack accepts both). */
export function readManifestFile(path: string | URL): SlackAppManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`Slack manifest ${String(path)}: cannot read it (${(e as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (e) {
    throw new Error(`Slack manifest ${String(path)}: not valid YAML (${(e as Error).message})`);
  }
  if (!isObj(parsed)) throw new Error(`Slack manifest ${String(path)}: expected a mapping at the top level`);
  return parsed as SlackAppManifest;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function section(parent: Record<string, unknown>, key: string, path: string): Record<string, unknown> {
  const v = parent[key];
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new Error(`Slack manifest: "${path}" must be a mapping`);
  return v;
}

function flag(o: Record<string, unknown>, key: string, path: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new Error(`Slack manifest: "${path}.${key}" must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function strings(o: Record<string, unknown>, key: string, path: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) {
    throw new Error(`Slack manifest: "${path}.${key}" must be a list of names`);
  }
  return v as string[];
}

/**
 * Checks a manifest and derives what the emulator needs. Absent App Home flags read as Slack's
 * defaults for a new app: Messages tab off, and when on, read-only (people cannot write) until
 * `messages_tab_read_only_enabled: false` says otherwise — the stricter reading.
 */
export function manifestConfig(manifest: SlackAppManifest, isDefault = false): AppManifestConfig {
  if (!isObj(manifest)) throw new Error('Slack manifest: expected an object (the parsed manifest)');
  const m = manifest as Record<string, unknown>;
  const features = section(m, 'features', 'features');
  const home = section(features, 'app_home', 'features.app_home');
  const oauth = section(m, 'oauth_config', 'oauth_config');
  const scopes = section(oauth, 'scopes', 'oauth_config.scopes');
  const settings = section(m, 'settings', 'settings');
  const subs = section(settings, 'event_subscriptions', 'settings.event_subscriptions');
  const interactivity = section(settings, 'interactivity', 'settings.interactivity');

  const botScopes = strings(scopes, 'bot', 'oauth_config.scopes') ?? [];
  const botEvents = strings(subs, 'bot_events', 'settings.event_subscriptions') ?? [];
  for (const ev of botEvents) {
    if (ev.startsWith('message.') && !MESSAGE_EVENTS.has(ev)) {
      throw new Error(`Slack manifest: "settings.event_subscriptions.bot_events" has ${ev}; message events are ${[...MESSAGE_EVENTS].join(', ')}`);
    }
    const needs = EVENT_SCOPES[ev];
    // The default is not a manifest Slack would save: it subscribes to reaction and mpim events
    // without their scopes, so that only an install explicitly given those scopes hears them.
    if (!isDefault && needs && !needs.some((s) => botScopes.includes(s))) {
      throw new Error(
        `Slack manifest: bot event ${ev} needs the bot scope ${needs.join(' or ')} in "oauth_config.scopes.bot" (Slack refuses the manifest otherwise)`,
      );
    }
  }

  const rawShortcuts = features['shortcuts'];
  let shortcuts: AppManifestConfig['shortcuts'] = null;
  if (rawShortcuts !== undefined && rawShortcuts !== null) {
    if (!Array.isArray(rawShortcuts)) throw new Error('Slack manifest: "features.shortcuts" must be a list');
    shortcuts = rawShortcuts.map((s, i) => {
      if (!isObj(s) || (s['type'] !== 'message' && s['type'] !== 'global') || typeof s['callback_id'] !== 'string' || s['callback_id'] === '') {
        throw new Error(`Slack manifest: "features.shortcuts[${i}]" needs type (message or global) and callback_id`);
      }
      return { type: s['type'], callbackId: s['callback_id'] };
    });
  } else if (!isDefault) {
    shortcuts = [];
  }

  const messagesTabEnabled = flag(home, 'messages_tab_enabled', 'features.app_home') ?? false;
  return {
    botScopes: [...new Set(botScopes)].sort(),
    botEvents: new Set(botEvents),
    homeTabEnabled: flag(home, 'home_tab_enabled', 'features.app_home') ?? false,
    messagesTabEnabled,
    messagesTabReadOnly: flag(home, 'messages_tab_read_only_enabled', 'features.app_home') ?? true,
    interactivityEnabled: flag(interactivity, 'is_enabled', 'settings.interactivity') ?? false,
    shortcuts,
    orgDeployEnabled: flag(settings, 'org_deploy_enabled', 'settings') ?? false,
  };
}

/**
 * The bot-event subscription an event needs: `message` events by conversation type
 * (message.channels / .groups / .im / .mpim), every other event its own type.
 */
export function subscriptionFor(event: Record<string, unknown>): string {
  const type = String(event['type'] ?? '');
  if (type !== 'message') return type;
  const ct = event['channel_type'];
  const kind = ct === 'channel' ? 'channels' : ct === 'group' ? 'groups' : ct === 'mpim' ? 'mpim' : 'im';
  return `message.${kind}`;
}

/** Why a person cannot write in the app's DM under this configuration, or null when they can. */
export function messagesTabRefusal(cfg: AppManifestConfig): string | null {
  // What Slack's client shows in place of the composer (Slack app settings, App Home → Show Tabs).
  const shown = 'Slack shows "Sending messages to this app has been turned off." in place of the message box';
  if (!cfg.messagesTabEnabled) return `the app's Messages tab is off (features.app_home.messages_tab_enabled: false); ${shown}`;
  if (cfg.messagesTabReadOnly) return `the app's Messages tab is read-only (features.app_home.messages_tab_read_only_enabled: true); ${shown}`;
  return null;
}
